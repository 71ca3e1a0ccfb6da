// The fake's model of the VSS process conditions the native backend reports (issue 11 items 7 and 9):
// CoInitializeSecurity too late (scenario vss.comSecurity) and a 32-bit process on 64-bit Windows (vss.wow64).
import { describe, expect, it } from 'vitest';
import { createWinops, VssError } from '../../lib/index';
import { createFakeBackend } from '../../lib/fake/index';

const quick = { gatherWriterMetadata: { durationMs: 0 }, prepareForBackup: { durationMs: 0 }, doSnapshotSet: { durationMs: 0 }, backupComplete: { durationMs: 0 } };

describe('VSS COM security (fake)', () => {
  it('is undefined before the first components object, then S_OK and applied by default', async () => {
    const winops = createWinops({ backend: createFakeBackend({ vss: { steps: quick } }) });
    expect(winops.vss.comSecurity()).toBeUndefined();
    const set = await winops.vss.createSnapshotSet('C:\\');
    expect(set.comSecurity).toEqual({ hresult: 0, code: 'S_OK', applied: true, exceptionHandling: { hresult: 0, code: 'S_OK' } });
    expect(winops.vss.comSecurity()).toEqual(set.comSecurity);
    expect(JSON.parse(JSON.stringify(set)).comSecurity).toEqual(set.comSecurity);
    await set.close();
  });

  it('RPC_E_TOO_LATE: the set is made and says security was not applied', async () => {
    const winops = createWinops({ backend: createFakeBackend({ vss: { steps: quick, comSecurity: 'RPC_E_TOO_LATE' } }) });
    const set = await winops.vss.createSnapshotSet('C:\\');
    expect(set.comSecurity).toMatchObject({ hresult: 0x80010119, code: 'RPC_E_TOO_LATE', applied: false });
    await set.close();
  });

  it('RPC_E_TOO_LATE: a failing flow\'s VssError carries the state and its message names it', async () => {
    const winops = createWinops({ backend: createFakeBackend({ vss: { steps: { ...quick, doSnapshotSet: { durationMs: 0, fail: 'VSS_E_WRITERERROR_RETRYABLE' } }, comSecurity: 'RPC_E_TOO_LATE' } }) });
    const err = await winops.vss.createSnapshotSet('C:\\').then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(VssError);
    const e = err as VssError;
    expect(e.code).toBe('VSS_E_WRITERERROR_RETRYABLE');
    expect(e.comSecurity).toMatchObject({ code: 'RPC_E_TOO_LATE', applied: false });
    expect(e.message).toMatch(/COM security for VSS was not set: CoInitializeSecurity returned RPC_E_TOO_LATE/);
  });

  it('with security applied, a VssError carries the state and its message is unchanged', async () => {
    const winops = createWinops({ backend: createFakeBackend({ vss: { steps: quick, failCall: { addToSnapshotSet: 'E_ACCESSDENIED' } } }) });
    const e = (await winops.vss.createSnapshotSet('C:\\').then(() => undefined, (x: unknown) => x)) as VssError;
    expect(e).toBeInstanceOf(VssError);
    expect(e.comSecurity).toMatchObject({ code: 'S_OK', applied: true });
    expect(e.message).not.toMatch(/COM security/);
  });

  it('rejects an unknown code in the scenario, naming the key', () => {
    expect(() => createFakeBackend({ vss: { comSecurity: 'RPC_E_TOO_LAT' as never } })).toThrow(/scenario\.vss\.comSecurity/);
  });
});

describe('VSS under WOW64 (fake)', () => {
  it('createSnapshotSet rejects with ERROR_NOT_SUPPORTED saying why, before any VSS call', async () => {
    const fake = createFakeBackend({ vss: { wow64: true } });
    const winops = createWinops({ backend: fake });
    const e = (await winops.vss.createSnapshotSet('C:\\').then(() => undefined, (x: unknown) => x)) as VssError;
    expect(e).toBeInstanceOf(VssError);
    expect(e).toMatchObject({ code: 'ERROR_NOT_SUPPORTED', hresult: 0x80070032, call: 'IsWow64Process2' });
    expect(e.message).toMatch(/WOW64/);
    expect(fake.calls.map((c) => c.call)).not.toContain('CreateVssBackupComponents');
    expect(winops.vss.comSecurity()).toBeUndefined();
    expect(fake.openHandles()).toEqual([]);
  });

  it('createBackupComponents (step by step) rejects the same way', async () => {
    const winops = createWinops({ backend: createFakeBackend({ vss: { wow64: true } }) });
    await expect(winops.vss.createBackupComponents()).rejects.toMatchObject({ name: 'VssError', code: 'ERROR_NOT_SUPPORTED' });
  });
});
