// Issue 12, items 2, 3 and the retry helper: one meaning per name (`code` is the symbolic string everywhere), errors
// that name the file, index or argument they are about, and retry() for errors marked retryable.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AxeError, codeByName, codeByValue, codeOf, createWinops, describeHresult, ImapiError, isAbortError, MI_REASON, MiError, retry, VssError } from '../../lib/index';
import { createFakeBackend } from '../../lib/fake/index';

describe('code is the symbolic string everywhere', () => {
  it('describeHresult: code is the name, codeField the low 16 bits; codeByName/codeByValue: code and hresult', () => {
    const d = describeHresult(0x80042306);
    expect(d).toMatchObject({ hresult: 0x80042306, code: 'VSS_E_PROVIDER_VETO', codeField: 0x2306 });
    expect(describeHresult(0x80071234)).toMatchObject({ code: undefined, codeField: 0x1234, win32: 0x1234 });
    expect(codeByName('VSS_E_PROVIDER_VETO')).toMatchObject({ code: 'VSS_E_PROVIDER_VETO', hresult: 0x80042306 });
    expect(codeByValue(0x80042306)).toMatchObject({ code: 'VSS_E_PROVIDER_VETO', hresult: 0x80042306 });
  });

  it('codeOf: the name, S_OK for 0, HRESULT_0x... for an unknown value (as WinopsError.code), TypeError for a non-HRESULT', () => {
    expect(codeOf(0)).toBe('S_OK');
    expect(codeOf(0xc0aa0002)).toBe('E_IMAPI_REQUEST_CANCELLED');
    expect(codeOf(-2147024894)).toBe('ERROR_FILE_NOT_FOUND');
    expect(codeOf(0x80071234)).toBe('HRESULT_0x80071234');
    expect(() => codeOf(1.5)).toThrow(TypeError);
  });

  it('MiError: category and details.category are both the MI_ErrorCategory name; the number is details.categoryValue', async () => {
    const w = createWinops({ backend: createFakeBackend({}) });
    const s = await w.mi.openSession();
    try {
      const e = await s.get('Win32_Service', { Name: 'NoSuchService' }).then(() => undefined, (x: unknown) => x);
      expect(e).toBeInstanceOf(MiError);
      const m = e as MiError;
      expect(m.category).toBe('MI_ERRORCATEGORY_OBJECT_NOT_FOUND');
      expect(m.details).toMatchObject({ category: 'MI_ERRORCATEGORY_OBJECT_NOT_FOUND', categoryValue: 13 });
    } finally {
      await s.close();
    }
  });

  it("the IMAPI2 cancel outcome has code as well as hresult", async () => {
    const w = createWinops({ backend: createFakeBackend({ imapi2: { updateIntervalMs: 1 } }) });
    const op = w.imapi2.burn(new Uint8Array(2048 * 16), { recorder: 'E:\\', onProgress: () => void op.cancel() });
    const e = await op.then(() => undefined, (x: unknown) => x);
    expect(isAbortError(e)).toBe(true);
    expect(await op.cancel()).toMatchObject({ family: 'imapi2', status: 'cancelled', hresult: 0xc0aa0002, code: 'E_IMAPI_REQUEST_CANCELLED' });
  });
});

describe('a deadline is a timeout whoever set it', () => {
  it("an AbortSignal.timeout() abort cancels MI with MI_REASON_TIMEOUT: outcome reason 'timeout' (the final result is held, so the query is still running)", async () => {
    const fake = createFakeBackend({ mi: { holdFinal: true } });
    const w = createWinops({ backend: fake });
    const s = await w.mi.openSession();
    try {
      const q = s.query('SELECT * FROM Win32_Service', { signal: AbortSignal.timeout(20) });
      const e = await (async () => { for await (const _ of q) { /* read all */ } })().then(() => undefined, (x: unknown) => x);
      expect(isAbortError(e)).toBe(true);
      expect((e as { outcome: unknown }).outcome).toMatchObject({ family: 'mi', status: 'cancelled', reason: 'timeout' });
      expect(fake.callsTo('MI_Operation_Cancel').map((c) => c.detail)).toEqual([MI_REASON.TIMEOUT]);
    } finally {
      await s.close();
    }
  });
});

describe('errors name what they are about', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'winops-names-'));
  afterEach(() => vi.useRealTimers());

  it('a missing image says which file, with its path, and keeps the code', async () => {
    const w = createWinops({ backend: createFakeBackend({}) });
    const missing = path.join(dir, 'nofile.iso');
    const e = await w.imapi2.burn(missing, { recorder: 'E:\\' }).then(() => undefined, (x: unknown) => x);
    expect(e).toBeInstanceOf(ImapiError);
    expect(e).toMatchObject({ code: 'ERROR_FILE_NOT_FOUND', path: missing, message: `imapi2.burn: the image file ${JSON.stringify(missing)} does not exist (ERROR_FILE_NOT_FOUND)` });
    const d = await w.imapi2.writeSection(missing, { recorder: 'E:\\', startLba: 0, sectorCount: 1 }).then(() => undefined, (x: unknown) => x);
    expect(d).toMatchObject({ code: 'ERROR_FILE_NOT_FOUND', path: missing, message: expect.stringContaining('imapi2.writeSection: the data file') });
  });

  it('a missing job manifest says which file', async () => {
    const w = createWinops({ backend: createFakeBackend({}) });
    const missing = path.join(dir, 'nojob.xml');
    const e = await w.axe.loadJob(missing).then(() => undefined, (x: unknown) => x);
    expect(e).toBeInstanceOf(AxeError);
    expect(e).toMatchObject({ code: 'ERROR_FILE_NOT_FOUND', path: missing, message: `axe.loadJob: the job manifest ${JSON.stringify(missing)} does not exist (ERROR_FILE_NOT_FOUND)` });
  });

  it('a Readable passed where { stream, size } belongs is named, with what to do', () => {
    const w = createWinops({ backend: createFakeBackend({}) });
    const stream = fs.createReadStream(__filename);
    try {
      expect(() => w.imapi2.burn(stream as never)).toThrow('imapi2.burn: image must be a file path, a Uint8Array or { stream, size }, got a ReadStream (a stream goes in as { stream, size }, with its size in bytes)');
    } finally {
      stream.destroy();
    }
  });
});

describe('retry()', () => {
  afterEach(() => vi.useRealTimers());
  const veto = (): VssError => new VssError({ family: 'vss', code: 'VSS_E_FLUSH_WRITES_TIMEOUT', hresult: 0x80042313, call: 'IVssBackupComponents::DoSnapshotSet', message: 'flush timeout', retryable: true });

  it('waits ten minutes between tries, three times at most, then rejects with the last error (the VSS advice)', async () => {
    vi.useFakeTimers();
    const tries: number[] = [];
    const waits: number[] = [];
    const p = retry(({ attempt }) => { tries.push(attempt); throw veto(); }, { onRetry: ({ delay }) => waits.push(delay) });
    const settled = p.then(() => 'resolved', (e: unknown) => e);
    for (let i = 0; i < 3; i++) {
      await vi.advanceTimersByTimeAsync(0); // the failed try settles (no time passes)
      expect(waits).toHaveLength(i + 1);
      expect(tries).toHaveLength(i + 1);
      await vi.advanceTimersByTimeAsync(10 * 60_000 - 1);
      expect(tries).toHaveLength(i + 1); // not a moment early
      await vi.advanceTimersByTimeAsync(1);
    }
    expect(await settled).toMatchObject({ code: 'VSS_E_FLUSH_WRITES_TIMEOUT' });
    expect(tries).toEqual([1, 2, 3, 4]);
    expect(waits).toEqual([600_000, 600_000, 600_000]);
  });

  it('resolves with the first success, and does not retry an error that is not retryable', async () => {
    let n = 0;
    expect(await retry(() => (++n < 3 ? Promise.reject(veto()) : 'set'), { delay: 0 })).toBe('set');
    expect(n).toBe(3);
    const denied = new VssError({ family: 'vss', code: 'E_ACCESSDENIED', hresult: 0x80070005, call: 'CreateVssBackupComponents', message: 'denied' });
    let m = 0;
    await expect(retry(() => { m++; throw denied; }, { delay: 0 })).rejects.toBe(denied);
    expect(m).toBe(1);
  });

  it('an abort during the wait ends it at once with an AbortError that carries the last failure', async () => {
    vi.useFakeTimers();
    const ac = new AbortController();
    const p = retry(() => { throw veto(); }, { signal: ac.signal, onRetry: () => ac.abort(new Error('user')) });
    const e = await p.then(() => undefined, (x: unknown) => x);
    expect(e).toMatchObject({ name: 'AbortError', code: 'ABORT_ERR', cause: new Error('user'), lastError: { code: 'VSS_E_FLUSH_WRITES_TIMEOUT' } });
    expect(vi.getTimerCount()).toBe(0);
  });

  it('passes its signal to the operation (a snapshot on the fake)', async () => {
    const w = createWinops({ backend: createFakeBackend({}) });
    const seen: AbortSignal[] = [];
    const set = await retry(({ signal }) => { seen.push(signal); return w.vss.createSnapshotSet('C:\\', { signal }); }, { delay: 0 });
    await set.close();
    expect(seen).toHaveLength(1);
    expect(seen[0]).toBeInstanceOf(AbortSignal);
  });

  it('bad options are a TypeError or RangeError naming the option', async () => {
    await expect(retry(null as never)).rejects.toThrow('retry: fn must be a function, got null');
    await expect(retry(() => 1, { retries: -1 })).rejects.toThrow(RangeError);
    await expect(retry(() => 1, { retries: 1.5 })).rejects.toThrow('options.retries must be an integer from 0 to 100');
    await expect(retry(() => 1, { delay: Number.NaN })).rejects.toThrow('options.delay must be a number of milliseconds');
    await expect(retry(() => 1, { signal: {} as never })).rejects.toThrow('options.signal must be an AbortSignal, got a plain object');
  });
});
