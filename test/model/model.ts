/**
 * The model-based suites, shared by every backend: for each family a generator of random sequences (start, progress,
 * failure, abort, cancel(), timeout, break, completion, a second cancel, close/dispose) and a small reference model of
 * the documented outcome, and one runner that plays a sequence against a Subject (test/contract/harness.ts) and checks
 * the outcome against the model and, after every sequence, the invariants: nothing open (the backend's handles and,
 * natively, the doubles' live objects), no protocol violation, nothing left running, no unhandled rejection.
 *
 * Backends differ only in their ModelDriver: fake.model.test.ts (fake timers: exact time) and native.model.test.ts
 * (real time: native addon + the Windows test doubles, inside node.exe under Wine).
 *
 * Two kinds of sequence. Timed (the fake only, on fake timers): a trigger at t ms, a timeout's timer, a cancel from
 * a progress callback; every duration is exact, so the model names exactly one outcome. Held (both backends, and the
 * only kind in real time): the scenario holds the steps, Updates, assessments or MI's final result, and the sequence
 * triggers while the backend reports the hold (Inspector.held) and lets go of the others, so the state the trigger
 * lands in is chosen, not raced, and again exactly one outcome is allowed (issue 10). The drivers' `eps` and
 * `updateLag` (0 everywhere now) remain for the timed models' "either side of a boundary" logic.
 */
import fc from 'fast-check';
import { expect } from 'vitest';
import { AxeError, ImapiError, MiError, VssError, type AxeCancelOutcome, type ImapiCancelOutcome, type MiCancelOutcome, type VssCancelOutcome } from '../../lib/index';
import type { Family } from '../../types/backend';
import type { Scenario } from '../../types/scenario';
import type { Inspector, Subject } from '../contract/harness';

export interface ModelDriver {
  readonly name: string;
  /** ms: a trigger this close to a boundary may land on either side (0 on the fake). */
  readonly eps: number;
  /** A real-time run: the end of a stream may come later than its scripted time, by any amount. */
  readonly realTime: boolean;
  /** IMAPI2: Updates that may pass between a cancel requested in onProgress and the Update that carries it out. */
  readonly updateLag: number;
  subject(scenario: Scenario, family: Family): Promise<Subject>;
  /** Runs one sequence (the fake: inside fake timers). */
  sequence<T>(body: () => Promise<T>): Promise<T>;
  /** Lets time pass until p has settled; fails the sequence when it has not after ms (of fake time; natively a bound). */
  settle<T>(p: Promise<T>, ms: number): Promise<T>;
  /** After a sequence: lets everything finish, then the subject must hold nothing. */
  quiesce(s: Subject): Promise<void>;
  /** Lets time pass until cond() holds (a state of the subject); fails the sequence when it never comes. */
  until(cond: () => boolean, what: string): Promise<void>;
  now(): number;
}

/** Records unhandled rejections for the whole suite; every sequence checks that none came. */
export const unhandled: unknown[] = [];
const onUnhandled = (e: unknown): void => {
  unhandled.push(e);
};
export function trackUnhandled(): () => void {
  process.on('unhandledRejection', onUnhandled);
  return () => process.off('unhandledRejection', onUnhandled);
}

/** Per family: sequences played, and how many of them the model allowed more than one outcome for (real time). */
export const stats: Record<string, { sequences: number; ambiguous: number }> = {};
function count(family: string, ambiguous: boolean): void {
  const f = (stats[family] ??= { sequences: 0, ambiguous: 0 });
  f.sequences++;
  if (ambiguous) f.ambiguous++;
}

const callsTo = (inspect: Inspector, name: string) => inspect.calls().filter((c) => c.call.includes(name));

async function invariants(d: ModelDriver, s: Subject): Promise<void> {
  await d.quiesce(s);
  expect(s.inspect.openHandles()).toEqual([]);
  expect(s.inspect.violations()).toEqual([]);
  expect(unhandled).toEqual([]);
}

type Settled<T> = { ok: true; v: T } | { ok: false; e: unknown };
const settled = <T>(p: Promise<T>): Promise<Settled<T>> => p.then((v) => ({ ok: true as const, v }), (e: unknown) => ({ ok: false as const, e }));

/** Per-backend ranges: native durations stay short (real time) and clear of Wine's scheduling noise. */
export type Profile = 'fake' | 'native';

// ------------------------------------------------------------------------------------------------------ VSS

type VssStep = 'gatherWriterMetadata' | 'prepareForBackup' | 'doSnapshotSet';
/** The model's name for the writer check after DoSnapshotSet (onStep: gatherWriterStatus, after 'doSnapshotSet'). */
const GATHER_AFTER_SNAPSHOT = 'gatherWriterStatus(after doSnapshotSet)';
const VSS_ASYNC: VssStep[] = ['gatherWriterMetadata', 'prepareForBackup', 'doSnapshotSet'];
/** Every step createSnapshotSet reports through onStep, in order. */
const VSS_FLOW = ['createBackupComponents', 'initializeForBackup', 'setContext', 'gatherWriterMetadata', 'startSnapshotSet', 'addToSnapshotSet', 'setBackupState', 'prepareForBackup', 'gatherWriterStatus', 'doSnapshotSet', GATHER_AFTER_SNAPSHOT, 'getSnapshotProperties'] as const;
type VssFlowStep = (typeof VSS_FLOW)[number];
/** From addToSnapshotSet on, StartSnapshotSet has run: a stop calls AbortBackup. */
const vssStarted = (step: string): boolean => VSS_FLOW.indexOf(step as VssFlowStep) >= VSS_FLOW.indexOf('addToSnapshotSet');
const vssIsAsync = (step: string): boolean => (VSS_ASYNC as string[]).includes(step) || step === 'gatherWriterStatus' || step === GATHER_AFTER_SNAPSHOT;
/** The step name an outcome carries: both writer checks are 'gatherWriterStatus'. */
const vssOutcomeStep = (step: string): string => (step === GATHER_AFTER_SNAPSHOT ? 'gatherWriterStatus' : step);
/** How long each GatherWriterStatus takes: the scenario's default (lib/fake/vss.ts DEFAULT_DURATION). */
const GATHER_STATUS_MS = 10;

export interface VssCase {
  durations: [number, number, number];
  fail: VssStep | null;
  how: 'cancel' | 'signal' | 'timeout' | 'none';
  /**
   * Where the trigger lands. A number: ms after the call (fake time only: exact). A step: while that asynchronous
   * step is held (scenario `hold`; each step is released by the sequence once it has been seen held), so in real time
   * the state, not a race, decides (issue 10); 'timeout' is then a TimeoutError abort, what options.timeout makes.
   */
  at: number | VssStep;
  cancelAgain: boolean;
  dispose: 'close' | 'asyncDispose';
}

/**
 * An outcome in the model's terms. `took`: the cancel reached the step's pending IVssAsync and took (S_OK, one
 * IVssAsync::Cancel); otherwise the flow stopped between calls (no code) or its cancel found the step finished
 * (VSS_S_ASYNC_FINISHED).
 */
export type VssExpected =
  | { kind: 'ok' }
  | { kind: 'failed'; step: VssStep; aborted: boolean }
  | { kind: 'cancelled'; step: string; aborted: boolean; took: boolean };

/**
 * The reference model. `steps` are the steps the flow entered (onStep), with the time it entered them (ms after the
 * call). A trigger at `t` (null: none) cancels the step running then; a failure before it wins; once the writer
 * check after DoSnapshotSet has finished it is too late (the set is the caller's). Within eps of a boundary both sides are allowed.
 *
 * An asynchronous step X began in Windows between the flow's previous report (or the previous asynchronous step's
 * earliest end) and the report of X itself, so it ends `duration` later, somewhere in [finishLow, finishHigh]; on the
 * fake the two coincide. Before finishLow - eps a cancel takes. From finishHigh + eps on X has finished: the flow
 * stops just after it (gatherWriterMetadata: at startSnapshotSet; prepareForBackup, either writer check's
 * predecessor and doSnapshotSet: at itself; the writer check after DoSnapshotSet: the set is made), or X's failure
 * wins. In between, either. A trigger in a synchronous step stops the flow there, or
 * takes effect when the next step is entered (when that step is asynchronous and may have finished by then, just
 * after it).
 */
export function vssModel(c: VssCase, steps: readonly { step: string; t: number }[], t: number | null, eps: number): VssExpected[] {
  const failing = c.fail === null ? -1 : steps.findIndex((s) => s.step === c.fail);
  const failed: VssExpected = { kind: 'failed', step: c.fail!, aborted: c.fail !== 'gatherWriterMetadata' };
  if (t === null) return failing >= 0 ? [failed] : [{ kind: 'ok' }];
  let earliest = 0; // the previous asynchronous step's earliest end
  const phases = steps.map((s, i) => {
    const async = vssIsAsync(s.step);
    const d = !async ? 0 : (VSS_ASYNC as string[]).includes(s.step) ? c.durations[VSS_ASYNC.indexOf(s.step as VssStep)]! : GATHER_STATUS_MS;
    const finishLow = async ? Math.max(steps[i - 1]?.t ?? 0, earliest) + d : Infinity;
    const finishHigh = async ? s.t + d : Infinity;
    if (async) earliest = finishLow;
    return { step: s.step, async, start: s.t, finishLow, finishHigh, end: i === failing ? finishHigh : steps[i + 1]?.t ?? Infinity };
  });
  if (failing >= 0) phases.length = failing + 1;
  const cancelled = (step: string, took: boolean): VssExpected => ({ kind: 'cancelled', step: vssOutcomeStep(step), aborted: vssStarted(step), took });
  /**
   * Just after asynchronous step X finished, or failed. After DoSnapshotSet the flow still stops (the set is not
   * the caller's until its writers were checked); only after the writer check that follows it is a cancel too late.
   */
  const afterX = (step: string): VssExpected =>
    step === c.fail ? failed : step === GATHER_AFTER_SNAPSHOT ? { kind: 'ok' } : step === 'gatherWriterMetadata' ? cancelled('startSnapshotSet', false) : cancelled(step, false);
  const out: VssExpected[] = [];
  phases.forEach((p, i) => {
    if (!(p.start - eps <= t && t < p.end + eps)) return;
    if (p.step === 'getSnapshotProperties') out.push({ kind: 'ok' });
    else if (p.async) {
      if (t < p.finishHigh + eps) out.push(cancelled(p.step, true));
      if (t >= p.finishLow - eps) out.push(afterX(p.step));
    } else {
      out.push(cancelled(p.step, false));
      const next = phases[i + 1];
      const nextStep = next?.step ?? VSS_FLOW[VSS_FLOW.indexOf(p.step as VssFlowStep) + 1] ?? p.step;
      if (nextStep === 'getSnapshotProperties') out.push({ kind: 'ok' });
      else out.push(cancelled(nextStep, vssIsAsync(nextStep)));
      if (next?.async && next.finishLow <= next.start + eps) out.push(afterX(next.step));
    }
  });
  if (failing >= 0 && t >= phases[failing]!.finishLow - eps) out.push(failed);
  if (out.length === 0 && steps.length === 0) out.push(cancelled('createBackupComponents', false));
  return out.filter((x, i) => out.findIndex((y) => JSON.stringify(y) === JSON.stringify(x)) === i);
}

/**
 * The model when the trigger lands in a held step: every asynchronous step is held and released in turn, so the
 * flow is provably inside `at` when the trigger comes. One outcome: the failure of an earlier step wins; else the
 * cancel reaches `at`'s pending IVssAsync and takes (AbortBackup once StartSnapshotSet has run, i.e. from
 * prepareForBackup on).
 */
export function vssHeldModel(c: VssCase & { at: VssStep }): VssExpected {
  const failIndex = c.fail === null ? Infinity : VSS_ASYNC.indexOf(c.fail);
  const failed: VssExpected = { kind: 'failed', step: c.fail!, aborted: c.fail !== 'gatherWriterMetadata' };
  if (c.how === 'none') return c.fail === null ? { kind: 'ok' } : failed;
  if (VSS_ASYNC.indexOf(c.at) > failIndex) return failed;
  return { kind: 'cancelled', step: c.at, aborted: c.at !== 'gatherWriterMetadata', took: true };
}

export function vssCases(profile: Profile): fc.Arbitrary<VssCase> {
  if (profile === 'native') {
    return fc.record({
      durations: fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 3 })).map((d) => d.map((x) => x * 10) as [number, number, number]),
      fail: fc.constantFrom<VssStep | null>(null, null, 'gatherWriterMetadata', 'prepareForBackup', 'doSnapshotSet'),
      how: fc.constantFrom<VssCase['how']>('cancel', 'signal', 'timeout', 'none'),
      at: fc.constantFrom<VssStep>(...VSS_ASYNC),
      cancelAgain: fc.boolean(),
      dispose: fc.constantFrom<VssCase['dispose']>('close', 'asyncDispose'),
    });
  }
  return fc.oneof(vssTimedCases(), vssCases('native'));
}

function vssTimedCases(): fc.Arbitrary<VssCase> {
  // Durations are multiples of 10 and trigger times end in 5, so on the fake no trigger ties with a boundary.
  const [dMin, dMax, atMax] = [1, 20, 70];
  return fc.record({
    durations: fc.tuple(fc.integer({ min: dMin, max: dMax }), fc.integer({ min: dMin, max: dMax }), fc.integer({ min: dMin, max: dMax })).map((d) => d.map((x) => x * 10) as [number, number, number]),
    fail: fc.constantFrom<VssStep | null>(null, null, 'gatherWriterMetadata', 'prepareForBackup', 'doSnapshotSet'),
    how: fc.constantFrom<VssCase['how']>('cancel', 'signal', 'timeout', 'none'),
    at: fc.integer({ min: 0, max: atMax }).map((x) => x * 10 + 5),
    cancelAgain: fc.boolean(),
    dispose: fc.constantFrom<VssCase['dispose']>('close', 'asyncDispose'),
  });
}

const VSS_FAIL_CODE: Record<VssStep, string> = { gatherWriterMetadata: 'VSS_E_WRITER_INFRASTRUCTURE', prepareForBackup: 'VSS_E_BAD_STATE', doSnapshotSet: 'VSS_E_PROVIDER_VETO' };

const sameVssExpected = (a: VssExpected, b: VssExpected): boolean => JSON.stringify(a) === JSON.stringify(b);

/** Runs body; a failure carries what the sequence saw (real-time failures need it to be understood). */
async function explained(body: (note: (what: string, value: unknown) => void) => Promise<void>): Promise<void> {
  const notes: string[] = [];
  try {
    await body((what, value) => notes.push(`${what}: ${JSON.stringify(value)}`));
  } catch (e) {
    if (e instanceof Error && notes.length) e.message += `\n  seen: ${notes.join('\n  seen: ')}`;
    throw e;
  }
}

export function runVss(c: VssCase, d: ModelDriver): Promise<void> {
  return explained((note) => playVss(c, d, note));
}

async function playVss(c: VssCase, d: ModelDriver, note: (what: string, value: unknown) => void): Promise<void> {
  const atStep = typeof c.at === 'string' ? c.at : null;
  const steps = Object.fromEntries(VSS_ASYNC.map((s, i) => [s, { durationMs: c.durations[i]!, ...(atStep ? { hold: true } : {}), ...(c.fail === s ? { fail: VSS_FAIL_CODE[s] } : {}) }]));
  const s = await d.subject({ vss: { steps } }, 'vss');
  const ac = new AbortController();
  const entered: { step: string; t: number }[] = [];
  const t0 = d.now();
  const op = s.winops.vss.createSnapshotSet('C:\\', {
    onStep: (e) => entered.push({ step: e.after === 'doSnapshotSet' ? GATHER_AFTER_SNAPSHOT : e.step, t: d.now() - t0 }),
    ...(c.how === 'signal' || (atStep && c.how === 'timeout') ? { signal: ac.signal } : c.how === 'timeout' ? { timeout: c.at as number } : {}),
  });
  const r0 = settled(op);
  let cancelled: Promise<VssCancelOutcome> | undefined;
  let fired: number | null = null;
  const trigger = (): void => {
    fired = d.now() - t0;
    if (c.how === 'cancel') {
      cancelled = op.cancel();
      cancelled.catch(() => undefined); // checked below, whatever the outcome
    } else if (c.how === 'signal') ac.abort('stop');
    else ac.abort(new DOMException('The operation timed out.', 'TimeoutError'));
  };
  let allowed: VssExpected[];
  if (atStep) {
    // Each held step is seen held, then released, or, at `at`, the trigger comes while it is held. A step that fails
    // fails once released; the flow then stops (and the later steps are never reached).
    let over = false;
    void r0.then(() => (over = true));
    for (const step of VSS_ASYNC) {
      const gate = `vss:${step}`;
      await d.until(() => over || s.inspect.held().includes(gate), `${gate} held`);
      if (over) break;
      if (step === atStep && c.how !== 'none') {
        trigger();
        break;
      }
      s.inspect.release(gate);
    }
    allowed = [vssHeldModel(c as VssCase & { at: VssStep })];
  } else {
    // A timeout's timer fires when the event loop gets to it: a probe timer of the same length, set right after it,
    // says when that was.
    if (c.how === 'timeout') setTimeout(() => (fired = d.now() - t0), c.at as number);
    if (c.how === 'cancel' || c.how === 'signal') setTimeout(trigger, c.at as number);
  }
  const r = await d.settle(r0, 1000 + (atStep ? 0 : (c.at as number)));
  if (!atStep) allowed = vssModel(c, entered, c.how === 'none' ? null : fired ?? (c.at as number), d.eps);
  const t = atStep ?? (c.how === 'none' ? null : fired ?? c.at);
  note('steps entered (ms)', entered);
  note('trigger', t);
  note('outcome', r.ok ? 'resolved' : { name: (r.e as Error).name, message: (r.e as Error).message, outcome: (r.e as { outcome?: unknown }).outcome });
  note('calls', s.inspect.calls().map((x) => `${x.call}=${x.result ?? ''}`));
  // What happened, in the model's terms.
  let got: VssExpected;
  if (r.ok) got = { kind: 'ok' };
  else if (r.e instanceof VssError) {
    const step = VSS_ASYNC.find((x) => (r.e as VssError).call === `IVssBackupComponents::${x[0]!.toUpperCase()}${x.slice(1)}`);
    got = { kind: 'failed', step: step ?? ((r.e as VssError).call as VssStep), aborted: callsTo(s.inspect, 'AbortBackup').length === 1 };
  } else {
    const e = r.e as { name: string; outcome: VssCancelOutcome };
    expect(e.name).toBe('AbortError');
    got = { kind: 'cancelled', step: e.outcome.step ?? 'not-started', aborted: e.outcome.backupAborted, took: e.outcome.code === 'S_OK' };
  }
  expect(allowed!.some((a) => sameVssExpected(a, got)), `outcome ${JSON.stringify(got)}; the model allows ${JSON.stringify(allowed!)} (trigger at ${t}, steps ${JSON.stringify(entered)})`).toBe(true);
  count('vss', allowed!.length > 1);

  if (r.ok) {
    expect(r.v.snapshots).toHaveLength(1);
    await d.settle(c.dispose === 'close' ? r.v.close() : r.v[Symbol.asyncDispose](), 200);
    if (cancelled) expect((await cancelled).status).toBe('already-finished');
    if (c.cancelAgain) expect((await op.cancel()).status).toBe('already-finished');
  } else if (got.kind === 'failed') {
    expect(callsTo(s.inspect, 'AbortBackup').length).toBe(got.aborted ? 1 : 0);
    if (cancelled) await expect(cancelled).rejects.toBe(r.e);
    if (c.cancelAgain) await expect(op.cancel()).rejects.toBe(r.e);
  } else {
    const e = r.e as { name: string; cause: unknown; outcome: VssCancelOutcome };
    const g = got as Extract<VssExpected, { kind: 'cancelled' }>;
    expect(e.outcome.status).toBe('cancelled');
    expect(callsTo(s.inspect, 'AbortBackup').length).toBe(g.aborted ? 1 : 0);
    // A cancel that took: S_OK from the step's one IVssAsync::Cancel. Otherwise the flow stopped between calls (no
    // code, no Cancel) or its one Cancel found the step finished (VSS_S_ASYNC_FINISHED).
    if (g.took) expect(callsTo(s.inspect, 'IVssAsync::Cancel')).toHaveLength(1);
    else {
      expect([undefined, 'VSS_S_ASYNC_FINISHED']).toContain(e.outcome.code);
      expect(callsTo(s.inspect, 'IVssAsync::Cancel')).toHaveLength(e.outcome.code === undefined ? 0 : 1);
    }
    if (c.how === 'timeout') expect((e.cause as Error).name).toBe('TimeoutError');
    if (c.how === 'signal') expect(e.cause).toBe('stop');
    if (cancelled) expect(await cancelled).toBe(e.outcome);
    if (c.cancelAgain) expect(await op.cancel()).toBe(e.outcome);
  }
  await invariants(d, s);
  expect(s.inspect.vssLeftovers()).toEqual([]);
  expect(s.inspect.shadowCopies()).toBe(0);
}

// ------------------------------------------------------------------------------------------------------- MI

export interface MiCase {
  n: number;
  failAfter: number | null;
  extra: number;
  reads: number;
  action: 'read-all' | 'cancel' | 'break' | 'timeout';
  timeout: number;
  hwm: number;
  /**
   * The final result is held (scenario holdFinal) until the consumer has read everything it will read, so whether it
   * has come when the consumer stops is the sequence's choice, not a race (issue 10); 'timeout' is then a TimeoutError
   * abort after `reads` results, what options.timeout makes. Without it (fake time only) the timeout is a timer.
   */
  held: boolean;
}

export function miCases(profile: Profile): fc.Arbitrary<MiCase> {
  const n = profile === 'fake' ? 20 : 12;
  return fc.record({
    n: fc.integer({ min: 0, max: n }),
    failAfter: fc.option(fc.integer({ min: 0, max: n }), { nil: null }),
    extra: fc.integer({ min: 0, max: 3 }),
    reads: fc.integer({ min: 0, max: n + 5 }),
    action: fc.constantFrom<MiCase['action']>('read-all', 'cancel', 'break', 'timeout'),
    timeout: fc.integer({ min: 0, max: n + 5 }).map((x) => x * 10 + 5),
    hwm: fc.integer({ min: 1, max: 8 }),
    held: profile === 'fake' ? fc.boolean() : fc.constant(true),
  });
}

export function runMi(c: MiCase, d: ModelDriver): Promise<void> {
  return c.held ? explained((note) => playMiHeld(c, d, note)) : playMiTimed(c, d);
}

async function playMiHeld(c: MiCase, d: ModelDriver, note: (what: string, value: unknown) => void): Promise<void> {
  const rows = Array.from({ length: c.n }, (_, i) => ({ Id: i }));
  const failing = c.failAfter !== null && c.failAfter < c.n;
  const s = await d.subject({ mi: { classes: { Rows: rows }, resultIntervalMs: 1, holdFinal: true, extraResultsAfterCancel: c.extra, ...(failing ? { failAfter: { results: c.failAfter!, result: 'MI_RESULT_ACCESS_DENIED' } } : {}) } }, 'mi');
  const session = await d.settle(s.winops.mi.openSession(), 100);
  const ac = new AbortController();
  const stream = session.enumerate('Rows', { highWaterMark: c.hwm, signal: ac.signal });
  const available = failing ? c.failAfter! : c.n;
  // The consumer stops after `reads` results when it has that many (then the final result is never let go: the cancel
  // ends its wait); otherwise it reads to the end, and the final result is let go once it is held.
  const stopsEarly = c.action !== 'read-all' && c.reads <= available;
  const got: number[] = [];
  const consume = (async () => {
    const it = stream[Symbol.asyncIterator]();
    for (;;) {
      if (stopsEarly && got.length === c.reads) {
        if (c.action === 'break') {
          await it.return!();
          return { kind: 'stopped' as const };
        }
        if (c.action === 'cancel') void stream.cancel('stop');
        else ac.abort(new DOMException('The operation timed out.', 'TimeoutError'));
      }
      const r = await it.next();
      if (r.done) return { kind: 'done' as const };
      got.push(r.value.Id as number);
    }
  })().catch((e: unknown) => ({ kind: 'error' as const, e }));
  let over = false;
  void consume.then(() => (over = true));
  if (!stopsEarly) {
    await d.until(() => over || s.inspect.held().includes('mi:final'), 'mi:final held');
    if (!over) s.inspect.release('mi:final');
  }
  const r = await d.settle(consume, 1000);
  note('outcome', r);
  count('mi', false);
  expect(got).toEqual(rows.slice(0, got.length).map((x) => x.Id));
  if (!stopsEarly) {
    if (failing) {
      expect(r.kind).toBe('error');
      expect((r as { e: unknown }).e).toBeInstanceOf(MiError);
      expect((r as { e: MiError }).e.code).toBe('MI_RESULT_ACCESS_DENIED');
    } else expect(r).toEqual({ kind: 'done' });
    expect(got).toHaveLength(available);
    if (c.action === 'cancel' && !failing) expect((await stream.cancel()).status).toBe('already-finished');
  } else if (c.action === 'break') {
    expect(r).toEqual({ kind: 'stopped' });
    expect(got).toHaveLength(c.reads);
  } else {
    // The final result had not come (it was held): the cancel takes, whatever the consumer's speed.
    expect(r.kind).toBe('error');
    const e = (r as { e: { name: string; outcome: MiCancelOutcome } }).e;
    expect(e.name).toBe('AbortError');
    expect(e.outcome).toMatchObject({ status: 'cancelled', reason: c.action === 'timeout' ? 'timeout' : 'none' });
    expect(await stream.cancel()).toBe(e.outcome);
    expect(got).toHaveLength(c.reads);
  }
  await d.settle(session.close(), 1000);
  await invariants(d, s);
}

async function playMiTimed(c: MiCase, d: ModelDriver): Promise<void> {
  const rows = Array.from({ length: c.n }, (_, i) => ({ Id: i }));
  const failing = c.failAfter !== null && c.failAfter < c.n;
  const s = await d.subject({ mi: { classes: { Rows: rows }, resultIntervalMs: 10, extraResultsAfterCancel: c.extra, ...(failing ? { failAfter: { results: c.failAfter!, result: 'MI_RESULT_ACCESS_DENIED' } } : {}) } }, 'mi');
  const session = await d.settle(s.winops.mi.openSession(), 100);
  const t0 = d.now();
  const stream = session.enumerate('Rows', { highWaterMark: c.hwm, ...(c.action === 'timeout' ? { timeout: c.timeout } : {}) });
  // When the timeout's timer actually ran (a late event loop runs it late): a probe of the same length, set just after.
  let timerAt = Infinity;
  const probe = c.action === 'timeout' ? setTimeout(() => (timerAt = d.now() - t0), c.timeout) : undefined;
  const got: number[] = [];
  let endedAt = Infinity;
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
      if (r.done) {
        endedAt = d.now() - t0;
        return { kind: 'done' as const };
      }
      got.push(r.value.Id as number);
    }
  })().catch((e: unknown) => ({ kind: 'error' as const, e }));
  const r = await d.settle(consume, 1000);
  // Always: what you got is a prefix of the rows, in order.
  expect(got).toEqual(rows.slice(0, got.length).map((x) => x.Id));
  const available = failing ? c.failAfter! : c.n;
  const stopsEarly = (c.action === 'cancel' || c.action === 'break') && c.reads <= available;
  if (!stopsEarly && c.action !== 'timeout') {
    count('mi', false);
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
    count('mi', false);
    expect(r).toEqual({ kind: 'stopped' });
    expect(got).toHaveLength(c.reads);
  } else if (c.action === 'cancel') {
    // Cancelled unless the final result had already arrived (then the cancel is already-finished).
    count('mi', false);
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
    // timeout: the final result comes (available + 1) * 10 ms after the start at the earliest. A timeout before that
    // (by more than eps) cancels with MI_REASON_TIMEOUT; one after it lets the stream finish, on the fake always, in
    // real time when the stream was not slower than the timeout.
    const end = (available + 1) * 10;
    await d.settle(new Promise((res) => setTimeout(res, Math.max(0, c.timeout - (d.now() - t0)) + 1)), c.timeout + 1);
    clearTimeout(probe);
    count('mi', d.realTime && timerAt >= end - d.eps);
    const timedOut = r.kind === 'error' && (r.e as { name?: string }).name === 'AbortError';
    if (timerAt < end - d.eps) expect(timedOut, `the timeout's timer ran at ${timerAt} ms; the stream ends at ${end} ms at the earliest`).toBe(true);
    else if (!d.realTime && !failing) expect(r).toEqual({ kind: 'done' });
    if (timedOut) expect(((r as { e: { outcome: MiCancelOutcome } }).e).outcome.reason).toBe('timeout');
    else if (r.kind === 'done') expect(endedAt, `the stream finished at ${endedAt} ms; the timeout's timer ran at ${timerAt} ms`).toBeLessThanOrEqual(timerAt + d.eps);
    else if (r.kind === 'error') expect((r as { e: unknown }).e).toBeInstanceOf(MiError);
  }
  await d.settle(session.close(), 1000);
  await invariants(d, s);
}

// --------------------------------------------------------------------------------------------------- IMAPI2

export interface ImCase {
  sectors: number;
  notInProgress: number;
  latency: number;
  failAt: number | null;
  cancelAtUpdate: number | null;
  how: 'cancel' | 'signal';
  /**
   * 'progress': the cancel is asked for in Update cancelAtUpdate's progress callback (fake time only: exact there).
   * 'held': Update cancelAtUpdate + 1 is held (scenario holdUpdates) and the cancel is asked for while it is, so it
   * is carried out in that Update on every backend, whatever the machine's speed (issue 10).
   */
  when: 'progress' | 'held';
}

export function imapiCases(profile: Profile): fc.Arbitrary<ImCase> {
  const chunks = profile === 'fake' ? 12 : 8;
  return fc.record({
    sectors: fc.integer({ min: 1, max: chunks }).map((x) => x * 64),
    notInProgress: fc.integer({ min: 0, max: 4 }),
    latency: fc.integer({ min: 0, max: 2 }),
    failAt: fc.option(fc.integer({ min: 1, max: chunks + 8 }), { nil: null }),
    cancelAtUpdate: fc.option(fc.integer({ min: 1, max: chunks + 8 }), { nil: null }),
    how: fc.constantFrom<ImCase['how']>('cancel', 'signal'),
    when: profile === 'fake' ? fc.constantFrom<ImCase['when']>('progress', 'held') : fc.constant<ImCase['when']>('held'),
  });
}

type ImExpected = { kind: 'failed' } | { kind: 'cancelled'; notInProgress: number } | { kind: 'completed' };

/**
 * Update k (1-based) is "not in progress" for k <= notInProgress. One chunk of 64 sectors is written after each
 * Update from the last not-in-progress one on, so max(n, 1) + chunks - 1 Updates come before the completion Update.
 * A cancel requested in Update k's progress callback is carried out from Update k' in [k, k + lag] on (the fake: k);
 * CancelWrite takes at the first in-progress Update at or after k'; the write then runs `latency` more Updates. A
 * scripted failure fires at its Update if the write gets that far.
 */
export function imapiModel(c: ImCase, lag: number): ImExpected[] {
  const chunks = c.sectors / 64;
  const beforeCompletion = Math.max(c.notInProgress, 1) + chunks - 1;
  const out: ImExpected[] = [];
  const firsts = c.cancelAtUpdate === null ? [null] : Array.from({ length: lag + 1 }, (_, i) => c.cancelAtUpdate! + i);
  for (const k of firsts) {
    const takes = k === null ? null : Math.max(k, c.notInProgress + 1);
    const cancelled = takes !== null && takes <= beforeCompletion;
    const lastUpdate = cancelled ? takes + c.latency : beforeCompletion;
    const failed = c.failAt !== null && c.failAt <= lastUpdate;
    const e: ImExpected = failed ? { kind: 'failed' } : cancelled ? { kind: 'cancelled', notInProgress: Math.max(0, c.notInProgress - k! + 1) } : { kind: 'completed' };
    if (!out.some((x) => JSON.stringify(x) === JSON.stringify(e))) out.push(e);
  }
  return out;
}

export async function runImapi(c: ImCase, d: ModelDriver): Promise<void> {
  const held = c.when === 'held' && c.cancelAtUpdate !== null ? c.cancelAtUpdate + 1 : null;
  const s = await d.subject({ imapi2: { updateIntervalMs: 10, sectorsPerUpdate: 64, notInProgressUpdates: c.notInProgress, cancelLatencyUpdates: c.latency, ...(c.failAt !== null ? { failAtUpdate: { update: c.failAt, code: 'E_IMAPI_LOSS_OF_STREAMING' } } : {}), ...(held !== null ? { holdUpdates: [held] } : {}) } }, 'imapi2');
  const ac = new AbortController();
  let updates = 0;
  const trigger = (): void => {
    if (c.how === 'cancel') void op.cancel().catch(() => undefined);
    else ac.abort('stop');
  };
  const op = s.winops.imapi2.burn(new Uint8Array(c.sectors * 2048), {
    signal: ac.signal,
    onProgress: (p) => {
      if (p.action === 'completed') return;
      updates++;
      if (c.when === 'progress' && updates === c.cancelAtUpdate) trigger();
    },
  });
  const r0 = settled(op);
  if (held !== null) {
    // The write reaches the held Update (then the cancel is asked for and the Update let go), or ends before it.
    let over = false;
    void r0.then(() => (over = true));
    const gate = `imapi2:update:${held}`;
    await d.until(() => over || s.inspect.held().includes(gate), `${gate} held`);
    if (!over) {
      trigger();
      s.inspect.release(gate);
    }
  }
  const r = await d.settle(r0, 5000);
  // Held: carried out exactly in the held Update. From a progress callback: in that Update (the fake) or up to
  // updateLag Updates later.
  const allowed = held !== null ? imapiModel({ ...c, cancelAtUpdate: held }, 0) : imapiModel(c, d.updateLag);
  count('imapi2', allowed.length > 1);
  let got: ImExpected;
  if (r.ok) got = { kind: 'completed' };
  else if (r.e instanceof ImapiError) got = { kind: 'failed' };
  else {
    const e = r.e as { name: string; outcome: ImapiCancelOutcome };
    expect(e.name).toBe('AbortError');
    expect(e.outcome.status).toBe('cancelled');
    expect(e.outcome.attempts).toBe(e.outcome.notInProgress + 1);
    got = { kind: 'cancelled', notInProgress: e.outcome.notInProgress };
  }
  expect(allowed.some((a) => JSON.stringify(a) === JSON.stringify(got)), `outcome ${JSON.stringify(got)}; the model allows ${JSON.stringify(allowed)}`).toBe(true);
  if (r.ok && c.cancelAtUpdate !== null && c.cancelAtUpdate <= Math.max(c.notInProgress, 1) + c.sectors / 64 - 1) {
    expect((await op.cancel()).status).toBe('already-finished');
  }
  for (const call of callsTo(s.inspect, 'CancelWrite')) expect(call.detail).toBe('inside Update');
  if (c.cancelAtUpdate === null) expect(callsTo(s.inspect, 'CancelWrite')).toEqual([]);
  await invariants(d, s);
}

// ------------------------------------------------------------------------------------------------------ AXE

type Ladder = ('cancel-assessment' | 'cancel-job' | 'terminate-job')[];
export interface AxCase {
  assessments: { d: number; honours: boolean; latency: number }[];
  cancelAt: number | null;
  grace: number;
  ladder: Ladder;
  close: 'close' | 'asyncDispose';
  /**
   * 'time': the cancel comes cancelAt ms after the start and the ladder climbs after `grace` (fake time only).
   * 'held': every assessment is held (scenario `hold`); the cancel comes while assessment cancelAt (an index) is held,
   * and the sequence climbs the ladder itself (escalate()) or lets the held assessment finish, at states it has seen
   * (issue 10). Exactly one outcome: axeHeldModel.
   */
  when: 'time' | 'held';
}

/**
 * The held model: what the ladder does when the cancel comes in assessment i and, at every assessment that ignores
 * a rung, the sequence escalates while the ladder has a next rung and else lets that assessment finish. Returns the
 * rungs taken (with the assessment cancel-assessment named), what ended the job and its code, and whether the run
 * resolved (the job succeeded anyway). Follows lib/axe.ts: while a cancel is under way, every assessment that begins
 * is cancelled too when the ladder has cancel-assessment; CancelJob starts no other assessment.
 */
export function axeHeldModel(c: AxCase): { steps: [string, number | undefined][]; endedBy: string | undefined; jobCode: string; resolved: boolean; decisions: { index: number; after: string; then: 'escalate' | 'release' }[] } {
  const n = c.assessments.length;
  const steps: [string, number | undefined][] = [];
  const decisions: { index: number; after: string; then: 'escalate' | 'release' }[] = [];
  if (c.cancelAt === null) return { steps, endedBy: undefined, jobCode: 'S_OK', resolved: true, decisions };
  let j = c.cancelAt, r = 0, cancelledAny = false, jobCancelled = false;
  const end = (endedBy: string | undefined): ReturnType<typeof axeHeldModel> => {
    const jobCode = jobCancelled ? 'AXE_E_JOB_CANCELED' : cancelledAny ? 'AXE_E_JOB_ASSESSMENTS_FAILED' : 'S_OK';
    return { steps, endedBy: jobCode === 'S_OK' ? undefined : endedBy, jobCode, resolved: jobCode === 'S_OK', decisions };
  };
  for (;;) {
    const rung = c.ladder[r]!;
    if (rung === 'terminate-job') {
      steps.push([rung, undefined]);
      jobCancelled = true;
      return end(rung);
    }
    if (rung === 'cancel-job') {
      steps.push([rung, undefined]);
      jobCancelled = true;
      // The running assessment goes on (CancelJob only stops the next ones).
      if (r + 1 < c.ladder.length) {
        decisions.push({ index: j, after: rung, then: 'escalate' });
        r++;
        continue;
      }
      decisions.push({ index: j, after: rung, then: 'release' });
      return end(rung);
    }
    steps.push([rung, j]);
    if (c.assessments[j]!.honours) cancelledAny = true;
    else if (r + 1 < c.ladder.length) {
      decisions.push({ index: j, after: rung, then: 'escalate' });
      r++;
      continue;
    } else decisions.push({ index: j, after: rung, then: 'release' });
    j++;
    if (j === n) return end(rung);
    // The next assessment begins and is cancelled too (r is still the cancel-assessment rung here).
  }
}

export function axeCases(profile: Profile): fc.Arbitrary<AxCase> {
  const held: fc.Arbitrary<AxCase> = fc.integer({ min: 1, max: 3 }).chain((n) => fc.record({
    assessments: fc.array(fc.record({ d: fc.integer({ min: 0, max: 2 }).map((x) => x * 10), honours: fc.boolean(), latency: fc.constant(0) }), { minLength: n, maxLength: n }),
    cancelAt: fc.option(fc.integer({ min: 0, max: n - 1 }), { nil: null }),
    grace: fc.constant(600_000),
    ladder: fc.constantFrom<Ladder>(['cancel-assessment', 'cancel-job', 'terminate-job'], ['cancel-assessment'], ['cancel-job', 'terminate-job'], ['cancel-assessment', 'cancel-job'], ['terminate-job']),
    close: fc.constantFrom<AxCase['close']>('close', 'asyncDispose'),
    when: fc.constant<AxCase['when']>('held'),
  }));
  if (profile === 'native') return held;
  return fc.oneof(axeTimedCases(), held);
}

function axeTimedCases(): fc.Arbitrary<AxCase> {
  const [dMax, atMax, maxA] = [10, 40, 4];
  return fc.record({
    assessments: fc.array(fc.record({ d: fc.integer({ min: 1, max: dMax }).map((x) => x * 20), honours: fc.boolean(), latency: fc.constantFrom(0, 10) }), { minLength: 1, maxLength: maxA }),
    cancelAt: fc.option(fc.integer({ min: 0, max: atMax }).map((x) => x * 20 + 5), { nil: null }),
    grace: fc.constantFrom(15, 35, 75),
    ladder: fc.constantFrom<Ladder>(['cancel-assessment', 'cancel-job', 'terminate-job'], ['cancel-assessment'], ['cancel-job', 'terminate-job'], ['cancel-assessment', 'cancel-job'], ['terminate-job']),
    close: fc.constantFrom<AxCase['close']>('close', 'asyncDispose'),
    when: fc.constant<AxCase['when']>('time'),
  });
}

export function runAxe(c: AxCase, d: ModelDriver): Promise<void> {
  return c.when === 'held' ? explained((note) => playAxeHeld(c, d, note)) : playAxeTimed(c, d);
}

async function playAxeHeld(c: AxCase, d: ModelDriver, note: (what: string, value: unknown) => void): Promise<void> {
  const manifest = 'C:\\jobs\\model.xml';
  const s = await d.subject({ axe: { manifests: { [manifest]: { name: 'J', assessments: c.assessments.map((a, i) => ({ name: `a${i}`, durationMs: a.d, honoursCancel: a.honours, cancelLatencyMs: 0, progressSteps: 1, hold: true })) } } } }, 'axe');
  const job = await d.settle(s.winops.axe.loadJob(manifest), 100);
  const run = job.run({ grace: c.grace, escalation: c.ladder });
  const r0 = settled(run);
  let over = false;
  void r0.then(() => (over = true));
  const model = axeHeldModel(c);
  note('model', model);
  const heldGate = (i: number): boolean => s.inspect.held().includes(`axe:a${i}`);
  const issued = (call: string, i?: number): boolean => s.inspect.calls().some((x) => x.call === call && (i === undefined || x.detail === i));
  // Before the cancel: each assessment is seen held and let go.
  const last = c.cancelAt ?? c.assessments.length;
  for (let i = 0; i < last; i++) {
    await d.until(() => heldGate(i), `axe:a${i} held`);
    s.inspect.release(`axe:a${i}`);
  }
  let cancel: Promise<AxeCancelOutcome> | undefined;
  if (c.cancelAt !== null) {
    // Held in the Engine and known to JS as the running one (its begin event has arrived): the cancel names it. (Held
    // in the Engine alone is not enough: the previous assessment's end and this one's begin may still be on their way
    // to JS, and a cancel then names the previous index, which the Engine refuses: the race AXE's docs describe.)
    await d.until(() => heldGate(c.cancelAt!) && run.runningIndex === c.cancelAt, `axe:a${c.cancelAt} held and running`);
    cancel = run.cancel();
    cancel.catch(() => undefined);
    // At each assessment that ignores a rung: once it is held and the rung was made, escalate or let it finish.
    for (const dec of model.decisions) {
      const call = dec.after === 'cancel-assessment' ? 'Engine::CancelAssessment' : 'Engine::CancelJob';
      await d.until(() => heldGate(dec.index) && run.runningIndex === dec.index && issued(call, dec.after === 'cancel-assessment' ? dec.index : undefined), `axe:a${dec.index} held after ${dec.after}`);
      if (dec.then === 'escalate') await d.settle(run.escalate(), 1000);
      else s.inspect.release(`axe:a${dec.index}`);
    }
  }
  const r = await d.settle(r0, 60_000);
  note('outcome', r.ok ? 'resolved' : { name: (r.e as Error).name, outcome: (r.e as { outcome?: unknown }).outcome });
  note('calls', s.inspect.calls().map((x) => `${x.call}(${x.detail ?? ''})=${x.result ?? ''}`));
  count('axe', false);
  expect(over).toBe(true);
  if (model.resolved) {
    expect(r.ok).toBe(true);
    if (cancel) expect(await cancel).toMatchObject({ status: 'already-finished', jobCode: 'S_OK' });
  } else {
    expect(r.ok).toBe(false);
    const e = (r as { e: { name: string; outcome: AxeCancelOutcome } }).e;
    expect(e.name).toBe('AbortError');
    expect(e.outcome).toMatchObject({ status: 'cancelled', endedBy: model.endedBy, jobCode: model.jobCode });
    expect(await cancel!).toBe(e.outcome);
  }
  const o = await cancel;
  if (o) {
    expect(o.steps.map((x) => [x.step, x.index])).toEqual(model.steps);
    for (const x of o.steps) expect(x.code).toBe('S_OK');
  }
  await d.settle(c.close === 'close' ? job.close() : job[Symbol.asyncDispose](), 1000);
  await invariants(d, s);
}

async function playAxeTimed(c: AxCase, d: ModelDriver): Promise<void> {
  const manifest = 'C:\\jobs\\model.xml';
  const s = await d.subject({ axe: { manifests: { [manifest]: { name: 'J', assessments: c.assessments.map((a, i) => ({ name: `a${i}`, durationMs: a.d, honoursCancel: a.honours, cancelLatencyMs: a.latency, progressSteps: 1 })) } } } }, 'axe');
  const job = await d.settle(s.winops.axe.loadJob(manifest), 100);
  const t0 = d.now();
  let jobEndAt = Infinity;
  const ended = new Set<number>();
  const began = new Map<number, number>();
  const run = job.run({ grace: c.grace, escalation: c.ladder, onEvent: (e) => {
    if (e.type === 'job-end') jobEndAt = d.now() - t0;
    if (e.type === 'assessment-end') ended.add(e.index);
    if (e.type === 'assessment-begin') began.set(e.index, d.now() - t0);
  } });
  let cancel: Promise<AxeCancelOutcome> | undefined;
  let fired = Infinity;
  if (c.cancelAt !== null) {
    setTimeout(() => {
      fired = d.now() - t0;
      cancel = run.cancel();
      cancel.catch(() => undefined);
    }, c.cancelAt);
  }
  const r = await d.settle(settled(run), 60_000);
  // A cancel that came after the job had ended (by more than eps) finds it finished: the run resolves. A job that
  // ran to its end took at least the sum of the durations.
  const natural = c.assessments.reduce((t, a) => t + a.d, 0);
  if (r.ok) expect(jobEndAt).toBeGreaterThanOrEqual(natural);
  count('axe', c.cancelAt !== null && Math.abs(fired - jobEndAt) <= d.eps && d.eps > 0);
  if (c.cancelAt === null || fired > jobEndAt + d.eps) {
    expect(r.ok).toBe(true);
    if (cancel) expect((await cancel).status).toBe('already-finished');
  } else if (r.ok) {
    // A cancel that did not stop the job: it completed anyway, so the outcome says already-finished. No CancelJob or
    // TerminateJob went out, except, in real time, one that crossed the job's end (issued within eps of it).
    const o = await cancel!;
    expect(o.status).toBe('already-finished');
    const late = o.steps.filter((x) => x.step !== 'cancel-assessment');
    if (d.realTime) for (const x of late) expect(fired + x.at, `${x.step} ${jobEndAt - fired - x.at} ms before the job ended`).toBeGreaterThanOrEqual(jobEndAt - d.eps);
    else {
      expect(callsTo(s.inspect, 'TerminateJob')).toEqual([]);
      expect(callsTo(s.inspect, 'CancelJob')).toEqual([]);
    }
  } else {
    const e = (r as { e: { name: string; outcome: AxeCancelOutcome } }).e;
    if (!(e instanceof AxeError)) {
      expect(e.name).toBe('AbortError');
      expect(e.outcome.status).toBe('cancelled');
      expect(e.outcome.endedBy === undefined || c.ladder.includes(e.outcome.endedBy)).toBe(true);
      // the steps were taken in ladder order, each at most once (cancel-assessment once per assessment). In real time
      // an assessment can begin as a later rung goes out (CancelJob starts no other, but one may have just begun):
      // its cancel-assessment then follows that rung, and its begin event came within eps of the rung.
      const order = e.outcome.steps.map((x) => c.ladder.indexOf(x.step));
      expect(order.every((x) => x >= 0)).toBe(true);
      if (!d.realTime) expect([...order].sort((a, b) => a - b)).toEqual(order);
      else {
        const rungs = order.filter((_, i) => e.outcome.steps[i]!.step !== 'cancel-assessment');
        expect([...rungs].sort((a, b) => a - b)).toEqual(rungs);
        e.outcome.steps.forEach((x, i) => {
          const later = e.outcome.steps.slice(0, i).filter((y) => c.ladder.indexOf(y.step) > c.ladder.indexOf(x.step));
          for (const y of later) expect(began.get(x.index!) ?? Infinity, `${x.step}(${x.index}) after ${y.step}`).toBeGreaterThanOrEqual(fired + y.at - d.eps);
        });
      }
      // CancelAssessment named the assessment that was running. In real time the index (from the last begin event)
      // can be stale: the Engine then answers AXE_E_INVALID_INDEX, and that assessment had indeed ended (the next
      // one's begin event makes the ladder cancel that one too).
      for (const x of e.outcome.steps) {
        if (x.step !== 'cancel-assessment') continue;
        if (d.realTime && x.code === 'AXE_E_INVALID_INDEX') expect(ended.has(x.index!), `CancelAssessment(${x.index}) was refused while it ran`).toBe(true);
        else expect(x.code).toBe('S_OK');
      }
      if (e.outcome.endedBy === 'terminate-job') expect(e.outcome.jobCode).toBe('AXE_E_JOB_CANCELED');
      if (cancel) expect(await cancel).toBe(e.outcome);
    }
  }
  await d.settle(c.close === 'close' ? job.close() : job[Symbol.asyncDispose](), 1000);
  await invariants(d, s);
}

// -------------------------------------------------------------------------------------------------- runner

export const families = {
  vss: { title: 'random snapshot-set flows with cancel, abort, timeout, failure, a second cancel and close/dispose', cases: vssCases, run: runVss },
  mi: { title: 'random streams with cancel, break, timeout and failures', cases: miCases, run: runMi },
  imapi2: { title: 'random writes with cancels in random Updates and failures', cases: imapiCases, run: runImapi },
  axe: { title: 'random jobs with cancels, escalation ladders and close/dispose', cases: axeCases, run: runAxe },
} as const;

/** fc.assert over `runs` sequences of one family; a failure reports the shrunk sequence (fast-check's counterexample). */
export async function checkFamily(family: keyof typeof families, d: ModelDriver, profile: Profile, runs: number, seed?: number): Promise<void> {
  const f = families[family];
  await fc.assert(
    fc.asyncProperty(f.cases(profile) as fc.Arbitrary<never>, (c) => d.sequence(() => (f.run as (c: unknown, d: ModelDriver) => Promise<void>)(c, d))),
    { numRuns: runs, ...(seed !== undefined ? { seed } : {}) },
  );
}
