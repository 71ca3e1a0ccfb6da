import type { AxeBackend, AxeCallResult, Backend, Handle } from '../types/backend';
import { AXE_PROGRESS } from '../types/backend';
import { releaseOnClose, releaseWhenCollected } from './finalize';
import { aboutFile, AxeError, BackendUnavailableError, hresultError, StateError, toWinopsError } from './errors';
import { AbortError, CancelScope, checkOptions, checkTimeout, deferred, describeValue, Operation, Settlement, type CancelOutcomeBase, type OperationOptions } from './operation';

/** The escalation steps winops takes when an AXE run is cancelled, in order. */
export type AxeEscalationStep = 'cancel-assessment' | 'cancel-job' | 'terminate-job';
const STEPS: readonly AxeEscalationStep[] = ['cancel-assessment', 'cancel-job', 'terminate-job'];
const STEP_CALL: Record<AxeEscalationStep, string> = { 'cancel-assessment': 'Engine::CancelAssessment', 'cancel-job': 'Engine::CancelJob', 'terminate-job': 'Engine::TerminateJob' };

const PROGRESS_NAMES = Object.fromEntries(Object.entries(AXE_PROGRESS).map(([k, v]) => [v, k])) as Record<number, string>;

export type AxeEvent =
  | { readonly type: 'job-begin' }
  | { readonly type: 'assessment-begin'; readonly index: number; readonly name: string }
  | { readonly type: 'progress'; readonly index: number; readonly progressType: string; readonly value: number; readonly message: string | null }
  | { readonly type: 'assessment-end'; readonly index: number; readonly name: string; readonly code: string; readonly hresult: number | undefined; readonly exitCode: number }
  /** OnJobRestart: an assessment is restarting the system. winops cannot resume a job after that (see AxeJob.run). */
  | { readonly type: 'job-restart' }
  | { readonly type: 'job-end'; readonly code: string; readonly hresult: number | undefined; readonly executedAssessments: number; readonly failedAssessments: number; readonly resultPath: string | null };

/** One step the escalation took. */
export interface AxeEscalationRecord {
  readonly step: AxeEscalationStep;
  readonly index?: number | undefined;
  /** What the Engine call returned. */
  readonly code: string;
  readonly hresult: number | undefined;
  /** Milliseconds after the cancel began. */
  readonly at: number;
}

/** What cancelling an AXE run did. */
export interface AxeCancelOutcome extends CancelOutcomeBase {
  readonly family: 'axe';
  /** The escalation step that ended the job: the last one issued before the job-end event. */
  readonly endedBy: AxeEscalationStep | undefined;
  readonly steps: readonly AxeEscalationRecord[];
  /** The job-end error code ('AXE_E_JOB_CANCELED', ...). */
  readonly jobCode: string | undefined;
}

export interface AxeAssessmentResult {
  readonly index: number;
  readonly name: string;
  readonly code: string;
  readonly hresult: number | undefined;
  readonly exitCode: number;
}

export interface AxeRunResult {
  readonly executedAssessments: number;
  readonly failedAssessments: number;
  readonly resultPath: string | null;
  readonly assessments: readonly AxeAssessmentResult[];
}

export interface AxeRunOptions extends OperationOptions {
  /** Milliseconds to wait after each escalation step before taking the next. Default 30000. */
  readonly grace?: number;
  /** The steps a cancel takes, in order. Default ['cancel-assessment', 'cancel-job', 'terminate-job']. */
  readonly escalation?: readonly AxeEscalationStep[];
  /** Every engine event, in order. */
  readonly onEvent?: (event: AxeEvent) => void;
}

export type AxeRun = Operation<AxeRunResult, AxeCancelOutcome> & {
  /**
   * Engine::CancelAssessment for one assessment (default: the one running, by the index its assessment-begin event
   * gave, which avoids the race the docs warn about). Resolves when the engine accepted the request; rejects with
   * AxeError AXE_E_INVALID_INDEX (not the running assessment) or AXE_E_NO_JOB_RUNNING. The run goes on.
   */
  cancelAssessment(index?: number): Promise<void>;
  /** The index of the assessment running now, if any. */
  readonly runningIndex: number | undefined;
  /**
   * Takes the next escalation step now instead of waiting for the grace period (starting the cancel if none is under
   * way), e.g. on a second Ctrl+C. Resolves with the step taken, or undefined when the ladder is spent or the job ended.
   */
  escalate(): Promise<AxeEscalationStep | undefined>;
};

function axeErr(r: AxeCallResult, call: string): AxeError {
  return hresultError('axe', r.hresult, call, r.code) as AxeError;
}

class RunDriver {
  readonly operation: AxeRun;
  readonly #axe: AxeBackend;
  readonly #job: AxeJob;
  readonly #scope: CancelScope;
  readonly #settlement = new Settlement<AxeRunResult>();
  readonly #outcome = deferred<AxeCancelOutcome>();
  readonly #grace: number;
  readonly #ladder: readonly AxeEscalationStep[];
  readonly #onEvent: ((e: AxeEvent) => void) | undefined;
  #run: Handle | undefined;
  #running: number | undefined;
  #cancelling = false;
  #cancelStart = 0;
  #stepIndex = -1;
  #lastStep: AxeEscalationStep | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  readonly #steps: AxeEscalationRecord[] = [];
  readonly #results: AxeAssessmentResult[] = [];
  #ended = false;
  #restarted = false;
  #outcomeAsked = false;
  /** Resolved when the ladder is spent and the job still runs one grace period after its last step (AxeJob.close). */
  readonly #spent = deferred<void>();
  #spentTimer: ReturnType<typeof setTimeout> | undefined;
  /** Resolves when the run has settled (either way), after any escalation step still returning. */
  readonly settled: Promise<void>;

  constructor(axe: AxeBackend, job: AxeJob, jobHandle: Handle, options: AxeRunOptions) {
    this.#axe = axe;
    this.#job = job;
    this.#grace = options.grace ?? 30_000;
    this.#ladder = options.escalation ?? STEPS;
    this.#onEvent = options.onEvent;
    this.#scope = new CancelScope(options);
    this.#outcome.promise.catch(() => undefined);
    const done = deferred<AxeRunResult>();
    if (this.#scope.aborted) {
      const outcome: AxeCancelOutcome = { family: 'axe', status: 'not-started', endedBy: undefined, steps: [], jobCode: undefined };
      this.#outcome.resolve(outcome);
      done.reject(new AbortError('AxeJob.run was aborted before it started', { cause: this.#scope.reason, outcome }));
    } else {
      try {
        this.#run = axe.execute(jobHandle, {
          jobBegin: () => this.#emit({ type: 'job-begin' }),
          assessmentBegin: (index, name) => {
            this.#running = index;
            // While a cancel is under way, every assessment that still begins is cancelled too.
            if (this.#cancelling && this.#ladder.includes('cancel-assessment')) void this.#issue('cancel-assessment', index);
            this.#emit({ type: 'assessment-begin', index, name });
          },
          progress: (index, type, value, message) => this.#emit({ type: 'progress', index, progressType: PROGRESS_NAMES[type] ?? String(type), value, message }),
          assessmentEnd: (index, error, exitCode) => {
            if (this.#running === index) this.#running = undefined;
            const name = job.assessments[index]?.name ?? '';
            this.#results.push({ index, name, code: error.code, hresult: error.hresult, exitCode });
            this.#emit({ type: 'assessment-end', index, name, code: error.code, hresult: error.hresult, exitCode });
          },
          jobRestart: () => {
            if (this.#ended || this.#restarted) return;
            this.#restarted = true;
            this.#emit({ type: 'job-restart' });
            // The engine asks nothing before a restart (OnJobRestart is a notification), and a job resumed after one
            // would need a RestartCommand that brings this script back: refused, typed, and the job terminated (the
            // documented way to end it now; its end events then release the engine).
            const e = new AxeError({ family: 'axe', code: 'WINOPS_AXE_REBOOT_UNSUPPORTED', hresult: undefined, call: 'IJobRestartEventHandler::OnJobRestart',
              message: `AxeJob.run: an assessment of the job ${JSON.stringify(job.name)} is restarting the system; winops cannot resume a job after a restart, so the run ends here and the job is terminated (Engine::TerminateJob)` });
            if (this.#outcomeAsked) this.#outcome.reject(e);
            done.reject(e);
            void this.#issue('terminate-job');
          },
          jobEnd: (r) => {
            this.#ended = true;
            this.#running = undefined;
            if (this.#timer !== undefined) clearTimeout(this.#timer);
            if (this.#spentTimer !== undefined) clearTimeout(this.#spentTimer);
            this.#scope.dispose();
            job.runEnded();
            this.#emit({ type: 'job-end', code: r.error.code, hresult: r.error.hresult, executedAssessments: r.executedAssessments, failedAssessments: r.failedAssessments, resultPath: r.resultPath });
            const result: AxeRunResult = { executedAssessments: r.executedAssessments, failedAssessments: r.failedAssessments, resultPath: r.resultPath, assessments: [...this.#results] };
            if (r.error.code === 'S_OK') {
              if (this.#cancelling || this.#outcomeAsked) this.#outcome.resolve({ family: 'axe', status: 'already-finished', endedBy: undefined, steps: [...this.#steps], jobCode: 'S_OK' });
              done.resolve(result);
            } else if (this.#cancelling) {
              // A step may still be returning (TerminateJob raises the end events before it returns): record it first.
              void this.#inflight.then(() => {
                const outcome: AxeCancelOutcome = { family: 'axe', status: 'cancelled', endedBy: this.#lastStep, steps: [...this.#steps], jobCode: r.error.code };
                this.#outcome.resolve(outcome);
                done.reject(new AbortError(`the AXE job ${job.name} was cancelled (ended by ${this.#lastStep ?? 'the job itself'})`, { cause: this.#scope.reason, outcome }));
              });
            } else {
              const e = axeErr(r.error, 'Engine::ExecuteJob');
              Object.defineProperty(e, 'result', { value: result, enumerable: false });
              if (this.#outcomeAsked) this.#outcome.reject(e);
              done.reject(e);
            }
          },
        });
        job.runStarted(this);
      } catch (e) {
        done.reject(toWinopsError('axe', e, 'Engine::ExecuteJob'));
      }
    }
    const result = this.#settlement.track(done.promise);
    this.settled = result.then(() => undefined, () => undefined);
    const op = new Operation(result, (reason) => this.#cancel(reason)) as AxeRun;
    Object.defineProperty(op, 'runningIndex', { get: () => this.#running, enumerable: true });
    op.cancelAssessment = (index?: number) => this.#cancelOne(index);
    op.escalate = () => this.#escalate();
    this.operation = op;
    this.#scope.onAbort(() => this.#beginCancel());
  }

  #emit(e: AxeEvent): void {
    try {
      this.#onEvent?.(e);
    } catch {
      // a throwing observer must not break the run
    }
  }

  async #cancelOne(index?: number): Promise<void> {
    const fn = 'AxeRun.cancelAssessment';
    if (index !== undefined && (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index >= this.#job.assessments.length)) {
      throw new RangeError(`${fn}: index must be an integer from 0 to ${this.#job.assessments.length - 1}, got ${describeValue(index)}`);
    }
    if (this.#run === undefined) throw axeErr({ hresult: undefined, code: 'AXE_E_NO_JOB_RUNNING' }, 'Engine::CancelAssessment');
    const running = this.#running;
    const label = (i: number | undefined): string => (i === undefined ? 'none' : `${i} (${JSON.stringify(this.#job.assessments[i]?.name ?? '')})`);
    if (index === undefined && running === undefined && this.#ended) throw axeErr({ hresult: undefined, code: 'AXE_E_NO_JOB_RUNNING' }, 'Engine::CancelAssessment');
    if (index === undefined && running === undefined) {
      // Nothing to name: CancelAssessment takes the index of the running assessment, and there is none now.
      throw new StateError({ family: 'axe', code: 'WINOPS_NO_ASSESSMENT_RUNNING', hresult: undefined, call: 'Engine::CancelAssessment', message: `${fn}: no assessment is running now (the job is between assessments or has not begun one); pass the index an assessment-begin event gave` });
    }
    const asked = index ?? running!;
    const r = await this.#axe.cancelAssessment(this.#run, asked);
    if (r.code === 'S_OK') return;
    const e = axeErr(r, 'Engine::CancelAssessment');
    // The engine's answer says which rule was broken; the caller also needs which index it asked for and which one ran.
    throw new AxeError({ family: 'axe', code: e.code, hresult: e.hresult, call: e.call, retryable: e.retryable, systemMessage: e.systemMessage, cause: e,
      message: `${fn}: CancelAssessment(${label(asked)}) failed with ${e.code}; running: ${label(this.#running)}` });
  }

  #inflight: Promise<void> = Promise.resolve();

  readonly #assessmentsCancelled = new Set<number>();

  #issue(step: AxeEscalationStep, index?: number): Promise<void> {
    if (step === 'cancel-assessment') {
      if (index === undefined || this.#assessmentsCancelled.has(index)) return Promise.resolve();
      this.#assessmentsCancelled.add(index);
    }
    // Registered before the call: a backend may raise job-end from inside it.
    const d = deferred<void>();
    this.#inflight = this.#inflight.then(() => d.promise);
    this.#issueNow(step, index).then(d.resolve, d.resolve);
    return d.promise;
  }

  async #issueNow(step: AxeEscalationStep, index?: number): Promise<void> {
    if (this.#run === undefined || this.#ended) return;
    this.#lastStep = step;
    let r: AxeCallResult;
    try {
      r = step === 'cancel-assessment' ? await this.#axe.cancelAssessment(this.#run, index!) : step === 'cancel-job' ? await this.#axe.cancelJob(this.#run) : await this.#axe.terminateJob(this.#run);
    } catch (e) {
      const w = toWinopsError('axe', e, STEP_CALL[step]) as { hresult?: number; code?: string };
      r = { hresult: w.hresult, code: w.code ?? 'E_FAIL' };
    }
    this.#steps.push({ step, ...(step === 'cancel-assessment' ? { index } : {}), code: r.code, hresult: r.hresult, at: Date.now() - this.#cancelStart });
  }

  #beginCancel(): void {
    if (this.#ended || this.#cancelling || this.#run === undefined) return;
    this.#cancelling = true;
    this.#cancelStart = Date.now();
    this.#nextStep();
  }

  async #escalate(): Promise<AxeEscalationStep | undefined> {
    if (this.#ended || this.#run === undefined) return undefined;
    if (!this.#cancelling) {
      this.#scope.abort(new DOMException('escalate() was called', 'AbortError'));
      await this.#inflight;
      return this.#lastStep;
    }
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    const before = this.#steps.length;
    this.#nextStep();
    await this.#inflight;
    return this.#steps.length > before ? this.#lastStep : undefined;
  }

  /** `afterGrace`: called a grace period after the last step taken (not by escalate() or a skipped step). */
  #nextStep(afterGrace = false): void {
    if (this.#ended) return;
    this.#stepIndex++;
    const step = this.#ladder[this.#stepIndex];
    if (step === undefined) {
      // The ladder is spent: the job ends when it ends. A close() waiting for it gives up one grace period after
      // the last step (now, when that period has just passed).
      if (afterGrace) this.#spent.resolve();
      else this.#spentTimer ??= setTimeout(() => this.#spent.resolve(), this.#grace);
      return;
    }
    if (step === 'cancel-assessment' && this.#running === undefined) {
      // No assessment is running (between two, or before the first): go straight on.
      this.#nextStep(afterGrace);
      return;
    }
    void this.#issue(step, step === 'cancel-assessment' ? this.#running : undefined).then(() => {
      if (!this.#ended) this.#timer = setTimeout(() => this.#nextStep(true), this.#grace);
    });
  }

  /**
   * For AxeJob.close() while this run is in flight: cancels the run (its ladder, as run.cancel() does) and resolves
   * once the run has settled. Rejects with a StateError (WINOPS_JOB_STILL_RUNNING) when the ladder is spent and the
   * job still runs one grace period after the last step.
   */
  end(): Promise<void> {
    if (!this.#ended) void this.operation.cancel(new DOMException(`AxeJob.close() was called while the job ${this.#job.name} ran`, 'AbortError')).catch(() => undefined);
    return new Promise<void>((resolve, reject) => {
      void this.settled.then(resolve);
      void this.#spent.promise.then(() => {
        const steps = this.#steps.map((s) => `${s.step} (${s.code})`).join(', ') || 'none';
        reject(new StateError({ family: 'axe', code: 'WINOPS_JOB_STILL_RUNNING', hresult: undefined, call: 'Job::~Job',
          message: `AxeJob.close: the job ${JSON.stringify(this.#job.name)} still runs after its cancel ladder (steps taken: ${steps}); it is released when it ends` }));
      });
    });
  }

  #cancel(reason: unknown): Promise<AxeCancelOutcome> {
    this.#outcomeAsked = true;
    {
      // Settled before this cancel: answer from the settlement (a second resolve/reject is a no-op).
      if (this.#settlement.state === 'fulfilled') this.#outcome.resolve({ family: 'axe', status: 'already-finished', endedBy: undefined, steps: [], jobCode: 'S_OK' });
      else if (this.#settlement.state === 'rejected') this.#outcome.reject(this.#settlement.error);
    }
    this.#scope.abort(reason);
    return this.#outcome.promise;
  }
}

/** A loaded job manifest. run() executes it; close() releases it. One run at a time. */
export class AxeJob implements AsyncDisposable {
  readonly name: string;
  readonly assessments: readonly { readonly index: number; readonly name: string }[];
  readonly #axe: AxeBackend;
  readonly #handle: Handle;
  #running = false;
  #released = false;

  /** @internal */
  constructor(axe: AxeBackend, handle: Handle, name: string, assessments: readonly { index: number; name: string }[]) {
    this.#axe = axe;
    this.#handle = handle;
    this.name = name;
    this.assessments = assessments;
    // A job dropped without close() is released (a running job keeps its job object alive through the run).
    this.#token = releaseWhenCollected(this, () => axe.releaseJob(handle));
  }

  readonly #token: object;

  /** The last run started, if any. */
  #run: RunDriver | undefined;

  /** @internal */
  runStarted(run: RunDriver): void {
    this.#running = true;
    this.#run = run;
  }

  /** @internal */
  runEnded(): void {
    this.#running = false;
    // Released once the run has settled (a step such as TerminateJob may still be returning).
    if (this.#closeWhenDone) void this.#run?.settled.then(() => this.#release());
  }

  #closeWhenDone = false;
  #closing: Promise<void> | undefined;

  #release(): void {
    if (this.#released) return;
    this.#released = true;
    releaseOnClose(this.#token);
    this.#axe.releaseJob(this.#handle);
  }

  /**
   * Runs the job (Engine::ExecuteJob) with events. Cancelling (signal, timeout, cancel()) climbs the escalation
   * ladder: CancelAssessment for the running assessment, then after `grace` CancelJob, then TerminateJob; the
   * outcome says which step ended it.
   */
  run(options?: AxeRunOptions): AxeRun {
    const fn = 'AxeJob.run';
    const o = checkOptions<AxeRunOptions>(options, fn);
    if (o.grace !== undefined) checkTimeout(o.grace, fn, 'options.grace');
    if (o.escalation !== undefined) {
      if (!Array.isArray(o.escalation) || o.escalation.length === 0) throw new TypeError(`${fn}: options.escalation must be a non-empty array of steps`);
      for (const s of o.escalation) if (!STEPS.includes(s)) throw new RangeError(`${fn}: options.escalation has an unknown step ${JSON.stringify(s)}; steps are ${STEPS.join(', ')}`);
      if (new Set(o.escalation).size !== o.escalation.length) throw new RangeError(`${fn}: options.escalation names a step twice`);
    }
    if (o.onEvent !== undefined && typeof o.onEvent !== 'function') throw new TypeError(`${fn}: options.onEvent must be a function`);
    if (this.#released || this.#closeWhenDone) throw new StateError({ family: 'axe', code: 'WINOPS_RELEASED', hresult: undefined, call: 'Engine::ExecuteJob', message: `${fn}: the job was closed` });
    if (this.#running) throw axeErr({ hresult: 0x80041005, code: 'AXE_E_JOB_RUNNING' }, 'Engine::ExecuteJob');
    return new RunDriver(this.#axe, this, this.#handle, o).operation;
  }

  /**
   * Releases the job. A run still in flight is cancelled first, through its escalation ladder (as run.cancel() does:
   * the run rejects with an AbortError whose cause says close() was called), and close resolves once the run has
   * ended and the job is released. If the ladder is spent (e.g. `escalation` without 'terminate-job', or TerminateJob
   * failed) and the job still runs one grace period after the last step, close rejects with a StateError
   * (WINOPS_JOB_STILL_RUNNING); the job is then released when the run ends. Idempotent while it is under way.
   */
  close(): Promise<void> {
    this.#closing ??= this.#close().catch((e: unknown) => {
      this.#closing = undefined;
      throw e;
    });
    return this.#closing;
  }

  async #close(): Promise<void> {
    const run = this.#run;
    if (run !== undefined && !this.#released) {
      this.#closeWhenDone = true;
      await run.end();
    }
    this.#release();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

/** The AXE family: Windows Assessment Toolkit jobs. */
export class Axe {
  readonly #backend: () => Backend;

  /** @internal */
  constructor(backend: () => Backend) {
    this.#backend = backend;
  }

  /** Whether AXE can run here, and if not, why and how to enable it. */
  availability(): { readonly available: true } | { readonly available: false; readonly reason: string } {
    return this.#backend().axe.availability();
  }

  /** Loads a job manifest (Solution::CreateJob) and lists its assessments in AssessmentRuns order. */
  async loadJob(manifestPath: string): Promise<AxeJob> {
    const fn = 'axe.loadJob';
    if (typeof manifestPath !== 'string') throw new TypeError(`${fn}: manifestPath must be a string, got ${describeValue(manifestPath)}`);
    if (manifestPath.length === 0) throw new TypeError(`${fn}: manifestPath must not be empty`);
    if (manifestPath.includes('\0')) throw new TypeError(`${fn}: manifestPath must not contain a NUL character`);
    if (manifestPath.length > 32_767) throw new RangeError(`${fn}: manifestPath is longer than a Windows path can be`);
    const axe = this.#backend().axe;
    const a = axe.availability();
    if (!a.available) {
      throw new BackendUnavailableError({ family: 'axe', code: 'WINOPS_AXE_UNAVAILABLE', hresult: undefined, call: 'AxeInitSolution', message: a.reason });
    }
    try {
      const data = await axe.loadJob(manifestPath);
      return new AxeJob(axe, data.job, data.name, data.assessments);
    } catch (e) {
      throw aboutFile(toWinopsError('axe', e, 'Solution::CreateJob'), fn, 'the job manifest', manifestPath);
    }
  }
}
