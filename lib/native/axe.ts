import type { AxeBackend, AxeCallResult, AxeJobData, AxeSink, Handle, OpenHandle } from '../../types/backend';
import { codeOf } from '../codes';

/** What the addon answers for an Engine call or an event's error: the header's symbol when it has one. */
export interface NativeAxeResult {
  readonly hresult: number;
  readonly code?: string;
}

export interface NativeAxeJob {
  release(): void;
}

export interface NativeAxeRun {
  cancelAssessment(index: number): Promise<NativeAxeResult>;
  cancelJob(): Promise<NativeAxeResult>;
  terminateJob(): Promise<NativeAxeResult>;
}

export interface NativeAxeSink {
  jobBegin(): void;
  assessmentBegin(index: number, name: string): void;
  progress(index: number, progressType: number, value: number, message: string | null): void;
  assessmentEnd(index: number, error: NativeAxeResult, exitCode: number): void;
  jobRestart(): void;
  jobEnd(result: { error: NativeAxeResult; executedAssessments: number; failedAssessments: number; resultPath: string | null }): void;
}

/** The addon's `axe` object (native/axe/axe.h): engine.cc with the ADK's header, unavailable.cc without. */
export interface NativeAxe {
  availability(): { available: true } | { available: false; reason: string };
  /** Rejects with an Error whose own properties are {hresult, call, systemMessage, code?}. */
  loadJob(manifestPath: string): Promise<{ job: NativeAxeJob; name: string; assessments: { index: number; name: string }[] }>;
  /** Throws like loadJob rejects (e.g. AXE_E_JOB_RUNNING); every sink call comes later, on the JS thread. */
  execute(job: NativeAxeJob, sink: NativeAxeSink): NativeAxeRun;
}

/** The symbolic code: the header's when the addon had one, else lib/codes' name for the value. */
function named(r: NativeAxeResult): AxeCallResult {
  const hresult = r.hresult >>> 0;
  if (r.code) return { hresult, code: r.code };
  if (hresult === 0) return { hresult, code: 'S_OK' };
  return { hresult, code: codeOf(hresult) };
}

/** AxeBackend over the addon. Handles are numbers of this object's own: jobs until releaseJob, runs until jobEnd. */
export class NativeAxeBackend implements AxeBackend {
  readonly #addon: NativeAxe;
  readonly #nextHandle: () => Handle;
  readonly #jobs = new Map<Handle, NativeAxeJob>();
  readonly #runs = new Map<Handle, NativeAxeRun>();

  constructor(addon: NativeAxe, nextHandle?: () => Handle) {
    this.#addon = addon;
    let n = 0;
    this.#nextHandle = nextHandle ?? (() => ++n);
  }

  availability(): { readonly available: true } | { readonly available: false; readonly reason: string } {
    return this.#addon.availability();
  }

  async loadJob(manifestPath: string): Promise<AxeJobData> {
    const r = await this.#addon.loadJob(manifestPath);
    const job = this.#nextHandle();
    this.#jobs.set(job, r.job);
    return { job, name: r.name, assessments: r.assessments.map((a) => ({ index: a.index, name: a.name })) };
  }

  releaseJob(job: Handle): void {
    const j = this.#jobs.get(job);
    if (!j) return;
    this.#jobs.delete(job);
    j.release(); // a run still holds the job natively until it ends
  }

  execute(job: Handle, sink: AxeSink): Handle {
    const j = this.#jobs.get(job);
    if (!j) throw Object.assign(new Error('Engine::ExecuteJob failed: unknown job handle'), { call: 'Engine::ExecuteJob', hresult: 0x80070057, code: 'E_INVALIDARG' });
    const handle = this.#nextHandle();
    const run = this.#addon.execute(j, {
      jobBegin: () => sink.jobBegin(),
      assessmentBegin: (index, name) => sink.assessmentBegin(index, name),
      progress: (index, type, value, message) => sink.progress(index, type, value, message),
      assessmentEnd: (index, error, exitCode) => sink.assessmentEnd(index, named(error), exitCode),
      jobRestart: () => sink.jobRestart(),
      jobEnd: (r) => {
        this.#runs.delete(handle);
        sink.jobEnd({ error: named(r.error), executedAssessments: r.executedAssessments, failedAssessments: r.failedAssessments, resultPath: r.resultPath });
      },
    });
    this.#runs.set(handle, run);
    return handle;
  }

  #run(run: Handle): NativeAxeRun | undefined {
    return this.#runs.get(run);
  }

  async cancelAssessment(run: Handle, index: number): Promise<AxeCallResult> {
    const r = this.#run(run);
    return r ? named(await r.cancelAssessment(index)) : { hresult: undefined, code: 'AXE_E_NO_JOB_RUNNING' };
  }

  async cancelJob(run: Handle): Promise<AxeCallResult> {
    const r = this.#run(run);
    return r ? named(await r.cancelJob()) : { hresult: undefined, code: 'AXE_E_NO_JOB_RUNNING' };
  }

  async terminateJob(run: Handle): Promise<AxeCallResult> {
    const r = this.#run(run);
    return r ? named(await r.terminateJob()) : { hresult: undefined, code: 'AXE_E_NO_JOB_RUNNING' };
  }

  openHandles(): OpenHandle[] {
    return [
      ...[...this.#jobs.keys()].map((handle) => ({ family: 'axe' as const, kind: 'Job', handle })),
      ...[...this.#runs.keys()].map((handle) => ({ family: 'axe' as const, kind: 'JobRun', handle })),
    ];
  }
}
