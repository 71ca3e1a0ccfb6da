/**
 * Model-based test of the VSS snapshot-set flow on the fake backend: random step durations, a failure at a random
 * step, and a cancel (cancel(), an aborted signal or a timeout) at a random time, checked against a small reference
 * model of the documented outcomes. Runs on fake timers; time values avoid ties (durations are multiples of 10,
 * cancel times end in 5), so the model's order of events is the fake's.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createWinops, VssError, type VssCancelOutcome } from '../../lib/index';
import { createFakeBackend } from '../../lib/fake/index';

const RUNS = Number(process.env.WINOPS_MODEL_RUNS ?? 1000);
type Step = 'gatherWriterMetadata' | 'prepareForBackup' | 'doSnapshotSet';
const STEPS: Step[] = ['gatherWriterMetadata', 'prepareForBackup', 'doSnapshotSet'];

interface Case {
  durations: [number, number, number];
  fail: Step | null;
  how: 'cancel' | 'signal' | 'timeout' | 'none';
  at: number;
  cancelAgain: boolean;
}

type Expected =
  | { kind: 'ok' }
  | { kind: 'failed'; step: Step; aborted: boolean }
  | { kind: 'cancelled'; step: Step; aborted: boolean };

/** The reference model: walk the steps in time order. */
function model(c: Case): Expected {
  let t = 0;
  for (let i = 0; i < 3; i++) {
    const step = STEPS[i]!;
    const end = t + c.durations[i]!;
    if (c.how !== 'none' && c.at >= t && c.at < end) return { kind: 'cancelled', step, aborted: step !== 'gatherWriterMetadata' };
    if (c.fail === step) return { kind: 'failed', step, aborted: step !== 'gatherWriterMetadata' };
    t = end;
  }
  return { kind: 'ok' };
}

const arbCase: fc.Arbitrary<Case> = fc.record({
  durations: fc.tuple(fc.integer({ min: 1, max: 20 }), fc.integer({ min: 1, max: 20 }), fc.integer({ min: 1, max: 20 })).map((d) => d.map((x) => x * 10) as [number, number, number]),
  fail: fc.constantFrom<Step | null>(null, null, 'gatherWriterMetadata', 'prepareForBackup', 'doSnapshotSet'),
  how: fc.constantFrom<Case['how']>('cancel', 'signal', 'timeout', 'none'),
  at: fc.integer({ min: 0, max: 70 }).map((x) => x * 10 + 5),
  cancelAgain: fc.boolean(),
});

const unhandled: unknown[] = [];
const onUnhandled = (e: unknown): void => {
  unhandled.push(e);
};

describe('VSS model (fake backend)', () => {
  beforeAll(() => process.on('unhandledRejection', onUnhandled));
  afterAll(() => {
    process.off('unhandledRejection', onUnhandled);
  });

  it(`${RUNS} random sequences of start, cancel/abort/timeout, failure and close match the model`, async () => {
    await fc.assert(
      fc.asyncProperty(arbCase, async (c) => {
        vi.useFakeTimers();
        try {
          const fake = createFakeBackend({
            vss: {
              steps: {
                gatherWriterMetadata: { durationMs: c.durations[0], ...(c.fail === 'gatherWriterMetadata' ? { fail: 'VSS_E_WRITER_INFRASTRUCTURE' } : {}) },
                prepareForBackup: { durationMs: c.durations[1], ...(c.fail === 'prepareForBackup' ? { fail: 'VSS_E_BAD_STATE' } : {}) },
                doSnapshotSet: { durationMs: c.durations[2], ...(c.fail === 'doSnapshotSet' ? { fail: 'VSS_E_PROVIDER_VETO' } : {}) },
              },
            },
          });
          const winops = createWinops({ backend: fake });
          const ac = new AbortController();
          const op = winops.vss.createSnapshotSet('C:\\', c.how === 'signal' ? { signal: ac.signal } : c.how === 'timeout' ? { timeout: c.at } : {});
          let cancelled: Promise<VssCancelOutcome> | undefined;
          if (c.how === 'cancel') setTimeout(() => (cancelled = op.cancel()), c.at);
          if (c.how === 'signal') setTimeout(() => ac.abort('stop'), c.at);
          const settled = op.then((v) => ({ ok: true as const, v }), (e: unknown) => ({ ok: false as const, e }));
          await vi.advanceTimersByTimeAsync(1000);
          const r = await settled;
          const want = model(c);
          if (want.kind === 'ok') {
            expect(r.ok).toBe(true);
            if (!r.ok) return;
            expect(r.v.snapshots).toHaveLength(1);
            const closing = r.v.close();
            await vi.advanceTimersByTimeAsync(100);
            await closing;
            if (cancelled) expect((await cancelled).status).toBe('already-finished');
            if (c.cancelAgain) expect((await op.cancel()).status).toBe('already-finished');
          } else if (want.kind === 'failed') {
            expect(r.ok).toBe(false);
            if (r.ok) return;
            expect(r.e).toBeInstanceOf(VssError);
            expect((r.e as VssError).call).toBe(`IVssBackupComponents::${want.step[0]!.toUpperCase()}${want.step.slice(1)}`);
            expect(fake.callsTo('AbortBackup').length).toBe(want.aborted ? 1 : 0);
            if (c.cancelAgain) await expect(op.cancel()).rejects.toBe(r.e);
          } else {
            expect(r.ok).toBe(false);
            if (r.ok) return;
            const e = r.e as { name: string; cause: unknown; outcome: VssCancelOutcome };
            expect(e.name).toBe('AbortError');
            expect(e.outcome).toMatchObject({ status: 'cancelled', step: want.step, backupAborted: want.aborted, code: 'S_OK' });
            if (c.how === 'timeout') expect((e.cause as Error).name).toBe('TimeoutError');
            if (c.how === 'signal') expect(e.cause).toBe('stop');
            if (cancelled) expect(await cancelled).toBe(e.outcome);
            if (c.cancelAgain) expect(await op.cancel()).toBe(e.outcome);
            expect(fake.callsTo('IVssAsync::Cancel')).toHaveLength(1);
          }
          await vi.advanceTimersByTimeAsync(1000);
          expect(fake.openHandles()).toEqual([]);
          expect(fake.violations).toEqual([]);
          expect(fake.vss.leftovers()).toEqual([]);
          expect(fake.vss.shadowCopies()).toEqual([]);
          expect(fake.pendingWork).toBe(0);
          expect(unhandled).toEqual([]);
        } finally {
          vi.useRealTimers();
        }
      }),
      { numRuns: RUNS },
    );
  });
});
