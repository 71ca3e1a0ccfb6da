import { describe, expect, it } from 'vitest';
import { AbortError, AxeError, hresultError, ImapiError, MiError, toWinopsError, VssError, WinopsError, describeHresult } from '../../lib/index';
import { miErrorFrom } from '../../lib/errors';

describe('typed errors', () => {
  it('turn raw backend data into the family class with code, hresult, call, retryable', () => {
    const e = toWinopsError('vss', { hresult: 0x80042313, call: 'IVssBackupComponents::DoSnapshotSet', systemMessage: 'flush timeout' }) as VssError;
    expect(e).toBeInstanceOf(VssError);
    expect(e).toBeInstanceOf(WinopsError);
    expect(e).toMatchObject({ name: 'VssError', code: 'VSS_E_FLUSH_WRITES_TIMEOUT', hresult: 0x80042313, family: 'vss', retryable: true, systemMessage: 'flush timeout' });
    expect(e.message).toContain('0x80042313');
    expect(toWinopsError('imapi2', { hresult: -1062600702, call: 'x' })).toBeInstanceOf(ImapiError);
    expect((toWinopsError('imapi2', { hresult: -1062600702, call: 'x' }) as ImapiError).hresult).toBe(0xc0aa0002);
  });

  it('an unknown code still gives a useful error', () => {
    const e = hresultError('vss', 0x80071234, 'Foo::Bar');
    expect(e.code).toBe('HRESULT_0x80071234');
    expect(e.message).toMatch(/Foo::Bar failed: .*Win32 error 4660/);
  });

  it('AXE codes without a published value are named, with hresult undefined', () => {
    const e = hresultError('axe', undefined, 'Engine::CancelAssessment', 'AXE_E_INVALID_INDEX');
    expect(e).toBeInstanceOf(AxeError);
    expect(e.hresult).toBeUndefined();
    expect(e.code).toBe('AXE_E_INVALID_INDEX');
    expect(e.message).toMatch(/not published/);
  });

  it('MiError carries MI_Result, the category and the details, and an HRESULT when the details hold one', () => {
    const e = miErrorFrom(2, 'MI_Session_QueryInstances', 'Access denied', { errorType: 'WIN32', errorCode: 5, category: 18 });
    expect(e).toBeInstanceOf(MiError);
    expect(e).toMatchObject({ code: 'MI_RESULT_ACCESS_DENIED', miResult: 2, hresult: 0x80070005, category: 'MI_ERRORCATEGORY_ACCESS_DENIED' });
    expect(miErrorFrom(99, 'x').code).toBe('MI_RESULT_99');
  });

  it('non-backend values pass through untouched', () => {
    const t = new TypeError('x');
    expect(toWinopsError('vss', t)).toBe(t);
  });

  it('AbortError has Node\'s shape plus the outcome', () => {
    const e = new AbortError('stopped', { cause: 'why', outcome: { family: 'vss', status: 'cancelled' } });
    expect(e).toMatchObject({ name: 'AbortError', code: 'ABORT_ERR', cause: 'why', outcome: { status: 'cancelled' } });
  });

  it('describeHresult is exported from the package', () => {
    expect(describeHresult(0x80042306).name).toBe('VSS_E_PROVIDER_VETO');
  });
});
