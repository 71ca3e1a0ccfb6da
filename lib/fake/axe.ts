import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { AxeBackend, AxeCallResult, AxeJobData, AxeSink, Handle } from '../../types/backend';
import { AXE_PROGRESS } from '../../types/backend';
import type { AxeAssessmentScript, AxeScenario } from '../../types/scenario';
import { FakeCore, rawError, resolveCode } from './core';

const OK: AxeCallResult = { hresult: 0, code: 'S_OK' };

function result(code: string): AxeCallResult {
  const r = resolveCode(code);
  return { hresult: r.hresult, code: r.code };
}

interface Job {
  handle: Handle;
  name: string;
  assessments: AxeAssessmentScript[];
}

interface Run {
  handle: Handle;
  job: Job;
  sink: AxeSink;
  current: number | undefined;
  currentCancelled: boolean;
  jobCancelRequested: boolean;
  terminated: boolean;
  ended: boolean;
  executed: number;
  failed: number;
  timers: Set<unknown>;
  endCurrent: ((error: AxeCallResult, exitCode: number) => void) | undefined;
  /** Withdraws the wait of a held assessment (its script's `hold`), when one is under way. */
  unhold: (() => void) | undefined;
  /** job-restart was raised (the script's `reboots`): only TerminateJob ends the job now. */
  restarting: boolean;
}

/** Parses the part of an AXE job manifest the fake needs: the job's name and the ordered AssessmentRun names. */
export function parseJobManifest(xml: string, path: string): { name: string; assessments: string[] } | undefined {
  if (!/<AxeJobManifest[\s>]/.test(xml)) return undefined;
  const runs = /<AssessmentRuns\b[^>]*>([\s\S]*?)<\/AssessmentRuns>/.exec(xml);
  if (!runs) return undefined;
  const names = [...runs[1]!.matchAll(/<AssessmentRun\b([^>]*)>/g)].map((m, i) => /\bName\s*=\s*"([^"]*)"/.exec(m[1]!)?.[1] ?? `Assessment ${i}`);
  if (names.length === 0) return undefined;
  const jobName = /<AxeJobManifest\b[^>]*\bName\s*=\s*"([^"]*)"/.exec(xml)?.[1] ?? /<Name>([^<]*)<\/Name>/.exec(xml)?.[1] ?? basename(path);
  return { name: jobName, assessments: names };
}

/**
 * AXE's Engine as a state machine: one job at a time, events in order (job begin, assessment begin, progress,
 * assessment end, job end), CancelAssessment valid only for the running index (AXE_E_INVALID_INDEX otherwise,
 * AXE_E_NO_JOB_RUNNING without a job), cooperative assessments that may ignore a cancel, CancelJob that stops the job
 * after the current assessment, and TerminateJob that ends it at once, still raising the end events.
 */
export class FakeAxe implements AxeBackend {
  readonly #core: FakeCore;
  readonly #scenario: AxeScenario;
  readonly #jobs = new Map<Handle, Job>();
  readonly #runs = new Map<Handle, Run>();
  #running: Run | undefined;

  constructor(core: FakeCore, scenario: AxeScenario) {
    this.#core = core;
    this.#scenario = scenario;
  }

  availability(): { available: true } | { available: false; reason: string } {
    if (this.#scenario.available === false) {
      return { available: false, reason: 'AXE is not installed on this (simulated) machine: install the Windows Assessment Toolkit from the Windows ADK.' };
    }
    return { available: true };
  }

  async loadJob(manifestPath: string): Promise<AxeJobData> {
    const call = 'Solution::CreateJob';
    const rec = this.#core.record('axe', call, undefined, manifestPath);
    const fail = (code: string | number): never => {
      rec.result = resolveCode(code).code;
      throw rawError(call, code);
    };
    if (this.#scenario.available === false) fail('AXE_E_INIT_FAILED');
    let spec = this.#scenario.manifests?.[manifestPath];
    if (!spec) {
      let xml: string;
      try {
        xml = await readFile(manifestPath, 'utf8');
      } catch (e) {
        const code = (e as { code?: string }).code;
        return fail(code === 'ENOENT' || code === 'ENOTDIR' ? 0x80070002 : code === 'EISDIR' || code === 'EACCES' || code === 'EPERM' ? 0x80070005 : 'E_FAIL');
      }
      const parsed = parseJobManifest(xml.replace(/^\uFEFF/, ''), manifestPath);
      if (!parsed) return fail('AXE_E_BAD_MANIFEST');
      spec = { name: parsed.name, assessments: parsed.assessments.map((name) => ({ name, ...(this.#scenario.assessments?.[name] ?? {}) })) };
    }
    rec.result = 'S_OK';
    const handle = this.#core.open('axe', 'Job');
    const job: Job = { handle, name: spec.name, assessments: [...spec.assessments] };
    this.#jobs.set(handle, job);
    return { job: handle, name: job.name, assessments: job.assessments.map((a, index) => ({ index, name: a.name })) };
  }

  releaseJob(job: Handle): void {
    this.#core.record('axe', 'Job::~Job', job);
    for (const r of this.#runs.values()) if (r.job.handle === job && !r.ended) this.#core.violation(`Job::~Job while job ${job} is running`);
    this.#jobs.delete(job);
    this.#core.close(job);
  }

  execute(jobHandle: Handle, sink: AxeSink): Handle {
    const rec = this.#core.record('axe', 'Engine::ExecuteJob', jobHandle, 'ExecuteAsync');
    const job = this.#jobs.get(jobHandle);
    if (!job) {
      rec.result = 'E_INVALIDARG';
      throw rawError('Engine::ExecuteJob', 'E_INVALIDARG');
    }
    if (this.#running) {
      rec.result = 'AXE_E_JOB_RUNNING';
      throw rawError('Engine::ExecuteJob', 'AXE_E_JOB_RUNNING');
    }
    rec.result = 'S_OK';
    const handle = this.#core.open('axe', 'JobRun');
    const run: Run = { handle, job, sink, current: undefined, currentCancelled: false, jobCancelRequested: false, terminated: false, ended: false, executed: 0, failed: 0, timers: new Set(), endCurrent: undefined, unhold: undefined, restarting: false };
    this.#runs.set(handle, run);
    this.#running = run;
    this.#after(run, 0, () => {
      sink.jobBegin();
      this.#next(run, 0);
    });
    return handle;
  }

  #after(run: Run, ms: number, fn: () => void): void {
    const id = this.#core.after(ms, () => {
      run.timers.delete(id);
      if (!run.ended) fn();
    });
    run.timers.add(id);
  }

  #clearTimers(run: Run): void {
    for (const t of run.timers) this.#core.cancelTimer(t);
    run.timers.clear();
    run.unhold?.();
    run.unhold = undefined;
  }

  #next(run: Run, index: number): void {
    if (run.ended) return;
    if (index >= run.job.assessments.length || run.jobCancelRequested) {
      const error = run.jobCancelRequested ? result('AXE_E_JOB_CANCELED') : run.failed > 0 ? result('AXE_E_JOB_ASSESSMENTS_FAILED') : OK;
      this.#endJob(run, error);
      return;
    }
    const a = run.job.assessments[index]!;
    run.current = index;
    run.currentCancelled = false;
    run.sink.assessmentBegin(index, a.name);
    const duration = a.durationMs ?? 100;
    const steps = Math.max(1, a.progressSteps ?? 4);
    for (let s = 1; s <= steps; s++) {
      this.#after(run, (duration * s) / (steps + 1), () => {
        if (run.current === index && !run.currentCancelled) run.sink.progress(index, AXE_PROGRESS.Percent, Math.round((100 * s) / (steps + 1)), null);
      });
    }
    const end = (error: AxeCallResult, exitCode: number): void => {
      if (run.current !== index || run.ended) return;
      run.endCurrent = undefined;
      this.#clearTimers(run);
      run.current = undefined;
      run.executed++;
      if (error.code !== 'S_OK') run.failed++;
      run.sink.assessmentEnd(index, error, exitCode);
      this.#after(run, 0, () => this.#next(run, index + 1));
    };
    run.endCurrent = end;
    const finish = (): void => {
      run.unhold = undefined;
      const error = a.error === undefined ? OK : result(String(typeof a.error === 'number' ? resolveCode(a.error).code : a.error));
      end(error, a.exitCode ?? (error.code === 'S_OK' ? 0 : 1));
    };
    // A held assessment ends when the test releases it (an honoured cancel or TerminateJob withdraws the wait).
    this.#after(run, duration, () => {
      // A cancel the assessment honoured is under way: it ends the assessment (after its latency), not the duration
      // (the double does the same).
      if (run.currentCancelled) return;
      if (a.reboots) {
        // OnJobRestart: "raised when a job is ending because the system is being restarted" (a notification). No
        // restart comes here: the job stays ending until TerminateJob (the double does the same).
        run.restarting = true;
        this.#core.record('axe', 'Engine::OnJobRestart', run.handle, index);
        run.sink.jobRestart();
        return;
      }
      if (a.hold) run.unhold = this.#core.hold('axe', `axe:${a.name}`, finish);
      else finish();
    });
  }

  #endJob(run: Run, error: AxeCallResult): void {
    run.ended = true;
    this.#clearTimers(run);
    if (this.#running === run) this.#running = undefined;
    this.#runs.delete(run.handle);
    this.#core.close(run.handle);
    run.sink.jobEnd({ error, executedAssessments: run.executed, failedAssessments: run.failed, resultPath: error.code === 'S_OK' ? `C:\\Users\\Public\\Assessments\\${run.job.name}.xml` : null });
  }

  #live(run: Handle): Run | undefined {
    const r = this.#runs.get(run);
    return r && !r.ended ? r : undefined;
  }

  async cancelAssessment(runHandle: Handle, index: number): Promise<AxeCallResult> {
    const rec = this.#core.record('axe', 'Engine::CancelAssessment', runHandle, index);
    const run = this.#live(runHandle);
    let r: AxeCallResult;
    if (!run) r = result('AXE_E_NO_JOB_RUNNING');
    else if (run.current !== index) r = result('AXE_E_INVALID_INDEX');
    else {
      r = OK;
      const a = run.job.assessments[index]!;
      if (a.honoursCancel !== false && !run.currentCancelled && !run.restarting) {
        run.currentCancelled = true;
        // The assessment acknowledges through ReportProgress(ProgressTypeCancelling), then exits.
        this.#after(run, 0, () => run.sink.progress(index, AXE_PROGRESS.Cancelling, 0, null));
        this.#after(run, a.cancelLatencyMs ?? 0, () => run.endCurrent?.(result('AXE_E_ASSESSMENT_CANCELED'), 1));
      }
    }
    rec.result = r.code;
    return r;
  }

  async cancelJob(runHandle: Handle): Promise<AxeCallResult> {
    const rec = this.#core.record('axe', 'Engine::CancelJob', runHandle);
    const run = this.#live(runHandle);
    const r = run ? OK : result('AXE_E_NO_JOB_RUNNING');
    if (run) run.jobCancelRequested = true;
    rec.result = r.code;
    return r;
  }

  async terminateJob(runHandle: Handle): Promise<AxeCallResult> {
    const rec = this.#core.record('axe', 'Engine::TerminateJob', runHandle);
    const run = this.#live(runHandle);
    if (!run) {
      rec.result = 'AXE_E_NO_JOB_RUNNING';
      return result('AXE_E_NO_JOB_RUNNING');
    }
    if (this.#scenario.terminateFail !== undefined) {
      const r = result(String(typeof this.#scenario.terminateFail === 'number' ? resolveCode(this.#scenario.terminateFail).code : this.#scenario.terminateFail));
      rec.result = r.code;
      return r;
    }
    // Synchronous: the assessment process is killed; the end events are still raised.
    run.terminated = true;
    run.jobCancelRequested = true;
    if (run.current !== undefined) {
      const index = run.current;
      this.#clearTimers(run);
      run.current = undefined;
      run.executed++;
      run.failed++;
      run.sink.assessmentEnd(index, result('AXE_E_ASSESSMENT_TERMINATED'), 1);
    }
    this.#endJob(run, result('AXE_E_JOB_CANCELED'));
    rec.result = 'S_OK';
    return OK;
  }
}
