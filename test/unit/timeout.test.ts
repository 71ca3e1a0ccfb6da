// options.timeout on every family, on fake time (the fake reads the global timers at call time, so vitest's fake
// timers drive both the fake's durations and the library's own timer). Here the clock, not the machine's speed,
// decides when the timer fires, so each case has exactly one outcome. The contract suites (test/contract) check the
// cancel such a timer makes on both backends, at a state the test holds (a TimeoutError abort; issue 10).
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createWinops } from '../../lib/index';
import { createFakeBackend } from '../../lib/fake/index';

afterEach(() => {
  vi.useRealTimers();
});

/** Settles a promise without an unhandled rejection while fake time runs. */
function settled<T>(p: Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: any }> {
  return p.then((value) => ({ ok: true as const, value }), (error: unknown) => ({ ok: false as const, error }));
}

/** Lets a second of fake time pass; the operation must then have ended in an AbortError caused by a TimeoutError. */
async function timedOut(r: ReturnType<typeof settled>): Promise<any> {
  await vi.advanceTimersByTimeAsync(1_000);
  const got = await r;
  expect(got.ok).toBe(false);
  const error = (got as { error: any }).error;
  expect(error.name).toBe('AbortError');
  expect(error.cause.name).toBe('TimeoutError');
  return error;
}

describe('options.timeout on fake time', () => {
  it('VSS: fires during DoSnapshotSet (after 20 + 20 ms of gathering and preparing), cancels it and aborts the backup', async () => {
    vi.useFakeTimers();
    const fake = createFakeBackend({ vss: { steps: { doSnapshotSet: { durationMs: 10_000 } } } });
    const op = createWinops({ backend: fake }).vss.createSnapshotSet('C:\\', { timeout: 150 });
    const r = settled(op);
    await vi.advanceTimersByTimeAsync(149);
    expect(op.step).toBe('doSnapshotSet');
    expect(fake.callsTo('IVssAsync::Cancel')).toEqual([]);
    const error = await timedOut(r);
    expect(error.outcome).toMatchObject({ status: 'cancelled', step: 'doSnapshotSet', code: 'S_OK', backupAborted: true });
    expect(fake.callsTo('IVssAsync::Cancel')[0]?.at).toBe(150);
    expect(fake.openHandles()).toEqual([]);
  });

  it('MI: fires after 12 of 100 results (one every 5 ms), cancels with MI_REASON_TIMEOUT', async () => {
    vi.useFakeTimers();
    const rows = Array.from({ length: 100 }, (_, i) => ({ Id: i }));
    const fake = createFakeBackend({ mi: { classes: { Big: rows }, resultIntervalMs: 5 } });
    const session = await createWinops({ backend: fake }).mi.openSession();
    const seen: number[] = [];
    const r = settled((async () => {
      for await (const x of session.enumerate('Big', { timeout: 62 })) seen.push(x.Id as number);
    })());
    const error = await timedOut(r);
    expect(error.outcome).toMatchObject({ status: 'cancelled', reason: 'timeout' });
    expect(fake.callsTo('MI_Operation_Cancel').map((c) => [c.detail, c.at])).toEqual([[1, 62]]);
    expect(seen).toEqual(Array.from({ length: 12 }, (_, i) => i));
    const closing = session.close();
    await vi.advanceTimersByTimeAsync(100);
    await closing;
    expect(fake.openHandles()).toEqual([]);
  });

  it('IMAPI2: fires while the write runs; the write goes on for cancelLatencyUpdates more Updates, then is cancelled', async () => {
    vi.useFakeTimers();
    const fake = createFakeBackend({ imapi2: { updateIntervalMs: 10, sectorsPerUpdate: 64, cancelLatencyUpdates: 2 } });
    const op = createWinops({ backend: fake }).imapi2.burn(new Uint8Array(100_000 * 2048), { timeout: 95 });
    const r = settled(op);
    const error = await timedOut(r);
    expect(error.outcome).toMatchObject({ status: 'cancelled', attempts: 1, notInProgress: 0, hresult: 0xc0aa0002 });
    const cancel = fake.callsTo('CancelWrite');
    expect(cancel.map((c) => [c.result, c.at])).toEqual([['S_OK', 100]]);
    expect(fake.openHandles()).toEqual([]);
  });

  it('AXE: fires while the first assessment runs; the ladder ends at CancelAssessment, which it honours', async () => {
    vi.useFakeTimers();
    const fake = createFakeBackend({ axe: { manifests: { 'C:\\jobs\\t.xml': { name: 'T', assessments: [{ name: 'a', durationMs: 60_000 }] } } } });
    const job = await createWinops({ backend: fake }).axe.loadJob('C:\\jobs\\t.xml');
    const r = settled(job.run({ timeout: 30, grace: 20 }));
    const error = await timedOut(r);
    expect(error.outcome).toMatchObject({ status: 'cancelled', endedBy: 'cancel-assessment' });
    expect(fake.callsTo('Engine::CancelAssessment').map((c) => [c.detail, c.result, c.at])).toEqual([[0, 'S_OK', 30]]);
    const closing = job.close();
    await vi.advanceTimersByTimeAsync(100);
    await closing;
    expect(fake.openHandles()).toEqual([]);
  });
});
