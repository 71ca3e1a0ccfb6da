/**
 * Model-based tests of MI, IMAPI2 and AXE on the fake backend: random scripts and random cancel/abort/timeout/break
 * actions, checked against small reference models of the documented outcomes and against the invariants (nothing
 * left open, no protocol violation, no unhandled rejection, no work left scheduled). Fake timers keep them fast.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { AxeError, createWinops, ImapiError, MiError, type AxeCancelOutcome, type ImapiCancelOutcome, type MiCancelOutcome } from '../../lib/index';
import { createFakeBackend, type FakeBackend } from '../../lib/fake/index';

const RUNS = Number(process.env.WINOPS_MODEL_RUNS ?? 1000);
const unhandled: unknown[] = [];
const onUnhandled = (e: unknown): void => {
  unhandled.push(e);
};

async function invariants(fake: FakeBackend): Promise<void> {
  await vi.advanceTimersByTimeAsync(10_000);
  expect(fake.openHandles()).toEqual([]);
  expect(fake.violations).toEqual([]);
  expect(fake.pendingWork).toBe(0);
  expect(unhandled).toEqual([]);
}

beforeAll(() => process.on('unhandledRejection', onUnhandled));
afterAll(() => {
  process.off('unhandledRejection', onUnhandled);
});

describe('MI model (fake backend)', () => {
  interface MiCase { n: number; failAfter: number | null; extra: number; reads: number; action: 'read-all' | 'cancel' | 'break' | 'timeout'; timeout: number; hwm: number }
  const arb: fc.Arbitrary<MiCase> = fc.record({
    n: fc.integer({ min: 0, max: 20 }),
    failAfter: fc.option(fc.integer({ min: 0, max: 20 }), { nil: null }),
    extra: fc.integer({ min: 0, max: 3 }),
    reads: fc.integer({ min: 0, max: 25 }),
    action: fc.constantFrom<MiCase['action']>('read-all', 'cancel', 'break', 'timeout'),
    timeout: fc.integer({ min: 0, max: 25 }).map((x) => x * 10 + 5),
    hwm: fc.integer({ min: 1, max: 8 }),
  });

  it(`${RUNS} random streams with cancel, break, timeout and failures match the model`, async () => {
    await fc.assert(
      fc.asyncProperty(arb, async (c) => {
        vi.useFakeTimers();
        try {
          const rows = Array.from({ length: c.n }, (_, i) => ({ Id: i }));
          const failing = c.failAfter !== null && c.failAfter < c.n;
          const fake = createFakeBackend({ mi: { classes: { Rows: rows }, resultIntervalMs: 10, extraResultsAfterCancel: c.extra, ...(failing ? { failAfter: { results: c.failAfter!, result: 'MI_RESULT_ACCESS_DENIED' } } : {}) } });
          const winops = createWinops({ backend: fake });
          const session = await winops.mi.openSession();
          const stream = session.enumerate('Rows', { highWaterMark: c.hwm, ...(c.action === 'timeout' ? { timeout: c.timeout } : {}) });
          const got: number[] = [];
          const consume = (async () => {
            const it = stream[Symbol.asyncIterator]();
            for (;;) {
              if ((c.action === 'cancel' || c.action === 'break') && got.length === c.reads) {
                if (c.action === 'break') {
                  await it.return!();
                  return { kind: 'stopped' as const };
                }
                void stream.cancel('stop');
              }
              const r = await it.next();
              if (r.done) return { kind: 'done' as const };
              got.push(r.value.Id as number);
            }
          })().catch((e: unknown) => ({ kind: 'error' as const, e }));
          await vi.advanceTimersByTimeAsync(1000);
          const r = await consume;
          // Always: what you got is a prefix of the rows, in order.
          expect(got).toEqual(rows.slice(0, got.length).map((x) => x.Id));
          const available = failing ? c.failAfter! : c.n;
          const stopsEarly = (c.action === 'cancel' || c.action === 'break') && c.reads <= available;
          if (!stopsEarly && c.action !== 'timeout') {
            if (failing) {
              expect(r.kind).toBe('error');
              expect((r as { e: unknown }).e).toBeInstanceOf(MiError);
              expect(((r as { e: MiError }).e).code).toBe('MI_RESULT_ACCESS_DENIED');
              expect(got).toHaveLength(c.failAfter!);
            } else {
              expect(r).toEqual({ kind: 'done' });
              expect(got).toHaveLength(c.n);
            }
          } else if (c.action === 'break') {
            expect(r).toEqual({ kind: 'stopped' });
            expect(got).toHaveLength(c.reads);
          } else if (c.action === 'cancel') {
            // Cancelled unless the final result had already arrived (then the cancel is already-finished).
            const o = await stream.cancel();
            if (o.status === 'cancelled') {
              expect(r.kind).toBe('error');
              const e = (r as { e: { name: string; outcome: MiCancelOutcome } }).e;
              expect(e.name).toBe('AbortError');
              expect(e.outcome).toBe(o);
              expect(o.reason).toBe('none');
            } else {
              expect(o.status).toBe('already-finished');
            }
            expect(got).toHaveLength(Math.min(c.reads, available));
          } else {
            // timeout: the stream either finished first or was cancelled with MI_REASON_TIMEOUT
            const end = (available + 1) * 10;
            if (c.timeout < end) {
              expect(r.kind).toBe('error');
              const e = (r as { e: { name: string; outcome: MiCancelOutcome } }).e;
              expect(e.name).toBe('AbortError');
              expect(e.outcome.reason).toBe('timeout');
            } else if (!failing) expect(r).toEqual({ kind: 'done' });
          }
          await session.close();
          await invariants(fake);
        } finally {
          vi.useRealTimers();
        }
      }),
      { numRuns: RUNS },
    );
  });
});

describe('IMAPI2 model (fake backend)', () => {
  interface ImCase { sectors: number; notInProgress: number; latency: number; failAt: number | null; cancelAtUpdate: number | null; how: 'cancel' | 'signal' }
  const arb: fc.Arbitrary<ImCase> = fc.record({
    sectors: fc.integer({ min: 1, max: 12 }).map((x) => x * 64),
    notInProgress: fc.integer({ min: 0, max: 4 }),
    latency: fc.integer({ min: 0, max: 2 }),
    failAt: fc.option(fc.integer({ min: 1, max: 20 }), { nil: null }),
    cancelAtUpdate: fc.option(fc.integer({ min: 1, max: 20 }), { nil: null }),
    how: fc.constantFrom<ImCase['how']>('cancel', 'signal'),
  });

  it(`${RUNS} random writes with cancels in random Updates match the model`, async () => {
    await fc.assert(
      fc.asyncProperty(arb, async (c) => {
        vi.useFakeTimers();
        try {
          const fake = createFakeBackend({ imapi2: { updateIntervalMs: 10, sectorsPerUpdate: 64, notInProgressUpdates: c.notInProgress, cancelLatencyUpdates: c.latency, ...(c.failAt !== null ? { failAtUpdate: { update: c.failAt, code: 'E_IMAPI_LOSS_OF_STREAMING' } } : {}) } });
          const winops = createWinops({ backend: fake });
          const ac = new AbortController();
          let updates = 0;
          const op = winops.imapi2.burn(new Uint8Array(c.sectors * 2048), {
            signal: ac.signal,
            onProgress: (p) => {
              if (p.action === 'completed') return;
              updates++;
              if (updates === c.cancelAtUpdate) {
                if (c.how === 'cancel') void op.cancel();
                else ac.abort('stop');
              }
            },
          });
          const settled = op.then((v) => ({ ok: true as const, v }), (e: unknown) => ({ ok: false as const, e }));
          await vi.advanceTimersByTimeAsync(5000);
          const r = await settled;
          // Reference: Update k (1-based) is "not in progress" for k <= notInProgress. One chunk of 64 sectors is written
          // after each Update from the last not-in-progress one on, so max(n, 1) + chunks - 1 Updates come before the
          // completion Update. CancelWrite takes at the first in-progress Update at or after the request; the write then
          // runs `latency` more Updates. A scripted failure fires at its Update if the write gets that far.
          const chunks = c.sectors / 64;
          const beforeCompletion = Math.max(c.notInProgress, 1) + chunks - 1;
          const takes = c.cancelAtUpdate === null ? null : Math.max(c.cancelAtUpdate, c.notInProgress + 1);
          const cancelled = takes !== null && takes <= beforeCompletion;
          const lastUpdate = cancelled ? takes + c.latency : beforeCompletion;
          const failed = c.failAt !== null && c.failAt <= lastUpdate;
          if (failed) {
            expect(r.ok).toBe(false);
            expect((r as { e: unknown }).e).toBeInstanceOf(ImapiError);
          } else if (cancelled) {
            expect(r.ok).toBe(false);
            const e = (r as { e: { name: string; outcome: ImapiCancelOutcome } }).e;
            expect(e.name).toBe('AbortError');
            expect(e.outcome.status).toBe('cancelled');
            expect(e.outcome.notInProgress).toBe(Math.max(0, c.notInProgress - c.cancelAtUpdate! + 1));
            expect(e.outcome.attempts).toBe(e.outcome.notInProgress + 1);
          } else {
            expect(r.ok).toBe(true);
            if (c.cancelAtUpdate !== null && c.cancelAtUpdate <= beforeCompletion) expect((await op.cancel()).status).toBe('already-finished');
          }
          for (const call of fake.callsTo('CancelWrite')) expect(call.detail).toBe('inside Update');
          if (c.cancelAtUpdate === null) expect(fake.callsTo('CancelWrite')).toEqual([]);
          await invariants(fake);
        } finally {
          vi.useRealTimers();
        }
      }),
      { numRuns: RUNS },
    );
  });
});

describe('AXE model (fake backend)', () => {
  interface AxCase { assessments: { d: number; honours: boolean; latency: number }[]; cancelAt: number | null; grace: number; ladder: ('cancel-assessment' | 'cancel-job' | 'terminate-job')[] }
  const arb: fc.Arbitrary<AxCase> = fc.record({
    assessments: fc.array(fc.record({ d: fc.integer({ min: 1, max: 10 }).map((x) => x * 20), honours: fc.boolean(), latency: fc.constantFrom(0, 10) }), { minLength: 1, maxLength: 4 }),
    cancelAt: fc.option(fc.integer({ min: 0, max: 40 }).map((x) => x * 20 + 5), { nil: null }),
    grace: fc.constantFrom(15, 35, 75),
    ladder: fc.constantFrom<AxCase['ladder']>(['cancel-assessment', 'cancel-job', 'terminate-job'], ['cancel-assessment'], ['cancel-job', 'terminate-job'], ['cancel-assessment', 'cancel-job'], ['terminate-job']),
  });

  it(`${RUNS} random jobs with cancels and escalation ladders match the model`, async () => {
    await fc.assert(
      fc.asyncProperty(arb, async (c) => {
        vi.useFakeTimers();
        try {
          const fake = createFakeBackend({ axe: { manifests: { j: { name: 'J', assessments: c.assessments.map((a, i) => ({ name: `a${i}`, durationMs: a.d, honoursCancel: a.honours, cancelLatencyMs: a.latency, progressSteps: 1 })) } } } });
          const winops = createWinops({ backend: fake });
          const job = await winops.axe.loadJob('j');
          const run = job.run({ grace: c.grace, escalation: c.ladder });
          let cancel: Promise<AxeCancelOutcome> | undefined;
          if (c.cancelAt !== null) setTimeout(() => (cancel = run.cancel()), c.cancelAt);
          const settled = run.then((v) => ({ ok: true as const, v }), (e: unknown) => ({ ok: false as const, e }));
          await vi.advanceTimersByTimeAsync(60_000);
          const r = await settled;
          const natural = c.assessments.reduce((t, a) => t + a.d, 0);
          if (c.cancelAt === null || c.cancelAt > natural) {
            expect(r.ok).toBe(true);
            if (cancel) expect((await cancel).status).toBe('already-finished');
          } else if (r.ok) {
            // A cancel that did not stop the job: it completed anyway, so the outcome says already-finished.
            expect((await cancel!).status).toBe('already-finished');
            expect(fake.callsTo('TerminateJob')).toEqual([]);
            expect(fake.callsTo('CancelJob')).toEqual([]);
          } else {
            const e = (r as { e: { name: string; outcome: AxeCancelOutcome } }).e;
            if (!(e instanceof AxeError)) {
              expect(e.name).toBe('AbortError');
              expect(e.outcome.status).toBe('cancelled');
              expect(e.outcome.endedBy === undefined || c.ladder.includes(e.outcome.endedBy)).toBe(true);
              // the steps were taken in ladder order, each at most once (cancel-assessment once per assessment)
              const order = e.outcome.steps.map((s) => c.ladder.indexOf(s.step));
              expect([...order].sort((a, b) => a - b)).toEqual(order.filter(() => true).sort((a, b) => a - b));
              expect(order.every((x) => x >= 0)).toBe(true);
              // CancelAssessment always named the assessment that was running
              for (const s of e.outcome.steps) if (s.step === 'cancel-assessment') expect(s.code).toBe('S_OK');
              if (e.outcome.endedBy === 'terminate-job') expect(e.outcome.jobCode).toBe('AXE_E_JOB_CANCELED');
            }
          }
          await job.close();
          await invariants(fake);
        } finally {
          vi.useRealTimers();
        }
      }),
      { numRuns: RUNS },
    );
  });
});
