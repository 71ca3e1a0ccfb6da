// Issue 12, item 4: the fake never hangs and never ignores what it was told. Each case runs on vitest's fake timers
// (the fake reads the global timers at call time), so the fake's clock, not the machine, decides what has happened.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createWinops } from '../../lib/index';
import { createFakeBackend } from '../../lib/fake/index';
import { CANCEL_READ_GRACE_MS } from '../../lib/fake/imapi2';
import { DEFAULT_CLASSES } from '../../lib/fake/mi';

afterEach(() => {
  vi.useRealTimers();
});

/** A promise's state, readable without awaiting it. */
function track<T>(p: PromiseLike<T>): { readonly state: 'pending' | 'fulfilled' | 'rejected'; readonly value: T | undefined; readonly error: any } {
  const t = { state: 'pending' as 'pending' | 'fulfilled' | 'rejected', value: undefined as T | undefined, error: undefined as any };
  p.then((v) => { t.state = 'fulfilled'; t.value = v; }, (e: unknown) => { t.state = 'rejected'; t.error = e; });
  return t;
}

/** An image stream whose reads are answered only when the test says so (or never). */
function stalledStream(): { stream: AsyncIterable<Uint8Array>; reads: () => number; answer: (bytes: number) => void } {
  const waiting: ((r: IteratorResult<Uint8Array>) => void)[] = [];
  let reads = 0;
  return {
    stream: {
      [Symbol.asyncIterator]: () => ({
        next: () => {
          reads++;
          return new Promise<IteratorResult<Uint8Array>>((resolve) => waiting.push(resolve));
        },
        return: async () => ({ done: true, value: undefined }),
      }),
    },
    reads: () => reads,
    answer: (bytes) => waiting.shift()?.({ done: false, value: new Uint8Array(bytes) }),
  };
}

describe('IMAPI2: a cancel while the image stream does not answer (the addon gives up after 1 s, so does the fake)', () => {
  const SIZE = 64 * 2048;
  const scenario = { imapi2: { updateIntervalMs: 10, sectorsPerUpdate: 16 } };

  /** A burn of a stream that never answers, on fake time: resolves at Update 1, once the first read began. */
  async function burnUntilStalled(fake: ReturnType<typeof createFakeBackend>) {
    const src = stalledStream();
    const op = createWinops({ backend: fake }).imapi2.burn({ stream: src.stream, size: SIZE }, { recorder: 'E:\\' });
    const burn = track(op);
    await vi.advanceTimersByTimeAsync(11);
    expect(src.reads()).toBe(1);
    return { src, op, burn };
  }

  it('a cancel during a read that never answers: the read fails 1 s later and the burn ends as cancelled, attempts 0', async () => {
    vi.useFakeTimers();
    const fake = createFakeBackend(scenario);
    // Update 1, then the first read of the source, which never answers.
    const { src, op, burn } = await burnUntilStalled(fake);
    const cancel = track(op.cancel());
    await vi.advanceTimersByTimeAsync(CANCEL_READ_GRACE_MS - 1);
    expect([burn.state, cancel.state]).toEqual(['pending', 'pending']);
    await vi.advanceTimersByTimeAsync(1);
    expect(burn.state).toBe('rejected');
    expect(burn.error.name).toBe('AbortError');
    expect(cancel.state).toBe('fulfilled');
    expect(cancel.value).toMatchObject({ family: 'imapi2', status: 'cancelled', attempts: 0, notInProgress: 0, hresult: 0xc0aa0002, code: 'E_IMAPI_REQUEST_CANCELLED' });
    expect(burn.error.outcome).toBe(cancel.value);
    expect(fake.callsTo('CancelWrite')).toEqual([]);
    expect(fake.openHandles()).toEqual([]);
    expect(fake.pendingWork).toBe(0);
    expect(fake.violations).toEqual([]);
    // The recorder is free again.
    const again = track(createWinops({ backend: fake }).imapi2.burn(new Uint8Array(4 * 2048), { recorder: 'E:\\' }));
    await vi.advanceTimersByTimeAsync(1_000);
    expect(again.state).toBe('fulfilled');
  });

  it('a cancel requested before the read began (CancelWrite not in progress yet) gives that read the same 1 s', async () => {
    vi.useFakeTimers();
    const fake = createFakeBackend({ imapi2: { ...scenario.imapi2, notInProgressUpdates: 1 } });
    const src = stalledStream();
    let op!: ReturnType<ReturnType<typeof createWinops>['imapi2']['burn']>;
    op = createWinops({ backend: fake }).imapi2.burn({ stream: src.stream, size: SIZE }, { recorder: 'E:\\', onProgress: () => void op.cancel() });
    const burn = track(op);
    await vi.advanceTimersByTimeAsync(10);
    // Update 1 asked for the cancel; CancelWrite answered "not in progress"; then the read began.
    expect(fake.callsTo('CancelWrite').map((c) => c.result)).toEqual(['S_IMAPI_WRITE_NOT_IN_PROGRESS']);
    expect(src.reads()).toBe(1);
    await vi.advanceTimersByTimeAsync(CANCEL_READ_GRACE_MS - 1);
    expect(burn.state).toBe('pending');
    await vi.advanceTimersByTimeAsync(1);
    expect(burn.state).toBe('rejected');
    expect(burn.error.outcome).toMatchObject({ status: 'cancelled', attempts: 1, notInProgress: 1, code: 'E_IMAPI_REQUEST_CANCELLED' });
    expect(fake.openHandles()).toEqual([]);
  });

  it('a source that answers within the grace: the write goes on and the next Update carries the cancel out', async () => {
    vi.useFakeTimers();
    const fake = createFakeBackend(scenario);
    const { src, op, burn } = await burnUntilStalled(fake);
    const cancel = track(op.cancel());
    await vi.advanceTimersByTimeAsync(CANCEL_READ_GRACE_MS - 1);
    expect(burn.state).toBe('pending');
    src.answer(16 * 2048);
    // The data came in time: the Update after it calls CancelWrite, which takes (no read was abandoned).
    await vi.advanceTimersByTimeAsync(0);
    expect(burn.state).toBe('rejected');
    expect(fake.pendingWork).toBe(0);
    expect(cancel.value).toMatchObject({ status: 'cancelled', attempts: 1, code: 'E_IMAPI_REQUEST_CANCELLED' });
    expect(fake.callsTo('CancelWrite').map((c) => c.result)).toEqual(['S_OK']);
    expect(fake.openHandles()).toEqual([]);
  });

  it('without a cancel, a read may take as long as the source likes', async () => {
    vi.useFakeTimers();
    const fake = createFakeBackend(scenario);
    const src = stalledStream();
    const burn = track(createWinops({ backend: fake }).imapi2.burn({ stream: src.stream, size: 16 * 2048 }, { recorder: 'E:\\' }));
    await vi.advanceTimersByTimeAsync(60_000);
    expect(burn.state).toBe('pending');
    src.answer(16 * 2048);
    await vi.advanceTimersByTimeAsync(100);
    expect(burn.state).toBe('fulfilled');
    expect(fake.openHandles()).toEqual([]);
  });
});

describe("MI: a method's durationMs", () => {
  const scenario = { mi: { methods: { 'Win32_Process.Create': { returnValue: 0, out: { ProcessId: 77 }, durationMs: 5_000 }, 'Win32_Process.Fail': { fail: 'ACCESS_DENIED', durationMs: 300 } } } } as const;

  it('the invoke resolves with the out-parameters only once durationMs has passed', async () => {
    vi.useFakeTimers();
    // No time between two results: the out-parameters and the final result come together, at durationMs.
    const fake = createFakeBackend({ mi: { ...scenario.mi, resultIntervalMs: 0 } });
    const session = await createWinops({ backend: fake }).mi.openSession();
    const call = track(session.invoke('Win32_Process', 'Create', { CommandLine: 'notepad.exe' }));
    await vi.advanceTimersByTimeAsync(4_999);
    expect(call.state).toBe('pending');
    await vi.advanceTimersByTimeAsync(1);
    expect(call.state).toBe('fulfilled');
    expect(call.value).toEqual({ returnValue: 0, out: { ProcessId: 77 } });
    const failing = track(session.invoke('Win32_Process', 'Fail'));
    await vi.advanceTimersByTimeAsync(299);
    expect(failing.state).toBe('pending');
    await vi.advanceTimersByTimeAsync(1);
    expect(failing.state).toBe('rejected');
    expect(failing.error).toMatchObject({ code: 'MI_RESULT_ACCESS_DENIED' });
    await session.close();
    expect(fake.openHandles()).toEqual([]);
    expect(fake.violations).toEqual([]);
  });

  it('a cancel during durationMs is MI_Operation_Cancel as for any operation: the final result follows after cancelLatencyMs', async () => {
    vi.useFakeTimers();
    const fake = createFakeBackend({ mi: { ...scenario.mi, cancelLatencyMs: 20 } });
    const session = await createWinops({ backend: fake }).mi.openSession();
    const op = session.invoke('Win32_Process', 'Create', { CommandLine: 'notepad.exe' });
    const call = track(op);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(call.state).toBe('pending');
    const cancel = track(op.cancel());
    await vi.advanceTimersByTimeAsync(19);
    expect([call.state, cancel.state]).toEqual(['pending', 'pending']);
    await vi.advanceTimersByTimeAsync(1);
    expect(call.state).toBe('rejected');
    expect(call.error.name).toBe('AbortError');
    expect(cancel.value).toMatchObject({ family: 'mi', status: 'cancelled' });
    expect(fake.callsTo('MI_Operation_Cancel').map((c) => c.at)).toEqual([1_000]);
    await session.close();
    expect(fake.openHandles()).toEqual([]);
    expect(fake.pendingWork).toBe(0);
    expect(fake.violations).toEqual([]);
  });
});

describe("MI: a scenario's classes add to the built-in ones", () => {
  it('a new class is added, a class of a built-in name replaces that class only, the other built-ins stay', async () => {
    const fake = createFakeBackend({ mi: { classes: { Win32_Service: [{ Name: 'Spooler', State: 'Stopped' }], Contoso_Widget: [{ Id: 1 }] } } });
    const session = await createWinops({ backend: fake }).mi.openSession();
    try {
      expect(await session.query('SELECT * FROM Contoso_Widget').toArray()).toEqual([{ Id: 1 }]);
      expect(await session.query('SELECT * FROM Win32_Service').toArray()).toEqual([{ Name: 'Spooler', State: 'Stopped' }]);
      const os = await session.query('SELECT Caption FROM Win32_OperatingSystem').toArray();
      expect(os).toEqual([{ Caption: DEFAULT_CLASSES.Win32_OperatingSystem![0]!.Caption }]);
      expect(await session.enumerate('Win32_LogicalDisk').toArray()).toHaveLength(DEFAULT_CLASSES.Win32_LogicalDisk!.length);
      // Win32_Process is still there, and with it its built-in method.
      expect(await session.invoke('Win32_Process', 'Create', { CommandLine: 'notepad.exe' })).toEqual({ returnValue: 0, out: { ProcessId: 5150 } });
    } finally {
      await session.close();
    }
  });

  it('the name matches case-insensitively, and a generated class of a built-in name replaces it too', async () => {
    const fake = createFakeBackend({ mi: { resultIntervalMs: 0, classes: { win32_service: [] }, generated: { WIN32_PROCESS: { count: 5, properties: { ProcessId: { $index: 100 } } } } } });
    const session = await createWinops({ backend: fake }).mi.openSession();
    try {
      expect(await session.query('SELECT * FROM Win32_Service').toArray()).toEqual([]);
      expect((await session.query('SELECT ProcessId FROM Win32_Process').toArray()).map((p) => p.ProcessId)).toEqual([100, 101, 102, 103, 104]);
      expect(await session.query('SELECT * FROM Win32_OperatingSystem').toArray()).toHaveLength(1);
    } finally {
      await session.close();
    }
  });
});
