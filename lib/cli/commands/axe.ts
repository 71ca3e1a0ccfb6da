/**
 * winops assess JOB.xml [--grace D] [--terminate-after D] [--timeout D]: runs an AXE job with progress.
 *
 * Cancelling (Ctrl+C or --timeout) climbs the library's escalation ladder: CancelAssessment for the running
 * assessment, CancelJob after --grace, TerminateJob after another --grace. A second Ctrl+C, or --terminate-after
 * counted from the first cancel, calls Engine::TerminateJob at once.
 */
import { resolve } from 'node:path';
import type { AxeEvent, AxeRunResult } from '../../axe';
import { AxeError } from '../../errors';
import { toHex } from '../../codes';
import type { CliContext, CancelExtra } from '../context';
import { CliContext as Ctx, interruptReason } from '../context';
import { parseDuration } from '../duration';
import { EXIT } from '../exit';

export interface AssessFlags {
  readonly grace?: string | undefined;
  readonly terminateAfter?: string | undefined;
  readonly timeout?: string | undefined;
}

export async function assessCommand(ctx: CliContext, manifest: string, flags: AssessFlags): Promise<number> {
  const grace = flags.grace === undefined ? undefined : parseDuration(flags.grace, '--grace');
  const terminateAfter = flags.terminateAfter === undefined ? undefined : parseDuration(flags.terminateAfter, '--terminate-after');
  const timeout = flags.timeout === undefined ? undefined : parseDuration(flags.timeout, '--timeout');
  const winops = ctx.winops();
  const job = await winops.axe.loadJob(resolve(ctx.io.cwd, manifest));
  const count = job.assessments.length;
  ctx.out.record('job', { name: job.name, assessments: job.assessments });
  ctx.out.note(`winops: job ${job.name}: ${count} assessment${count === 1 ? '' : 's'}`);

  const progress = ctx.out.progress('axe', 'assess', Math.max(1, count) * 100);
  const tag = (index: number): string => `[${index + 1}/${count}]`;
  const onEvent = (e: AxeEvent): void => {
    const { type, ...fields } = e;
    const record = { event: type, ...fields };
    switch (e.type) {
      case 'assessment-begin':
        progress.log(`${tag(e.index)} ${e.name}: started`, record);
        progress.update({ value: e.index * 100, label: e.name, record: { index: e.index, name: e.name, percent: 0 }, lineKey: `${e.index}|0` });
        break;
      case 'progress':
        if (e.progressType === 'Percent') {
          const name = job.assessments[e.index]?.name ?? '';
          progress.update({ value: e.index * 100 + e.value, label: name, record: { index: e.index, name, percent: e.value }, lineKey: `${e.index}|${Math.floor(e.value / 10)}` });
        } else {
          progress.log(`${tag(e.index)} ${e.progressType}${e.message ? `: ${e.message}` : ''}`, record);
        }
        break;
      case 'assessment-end':
        progress.log(`${tag(e.index)} ${e.name}: ${e.code}${e.hresult !== undefined && e.code !== 'S_OK' ? ` (${toHex(e.hresult)})` : ''}, exit code ${e.exitCode}`, record);
        progress.update({ value: (e.index + 1) * 100, label: e.name, record: { index: e.index, name: e.name, percent: 100 }, lineKey: `${e.index}|end` });
        break;
      case 'job-begin':
      case 'job-end':
        progress.log(e.type === 'job-end' ? `job end: ${e.code}` : 'job begin', record);
        break;
    }
  };

  let extra: CancelExtra | undefined;
  let terminating: Promise<void> | undefined;
  let terminateTimer: ReturnType<typeof setTimeout> | undefined;
  let timeoutTimer: ReturnType<typeof setTimeout> | undefined;
  const terminateNow = (by: string): void => {
    const h = ctx.currentAxeRun();
    if (h === undefined || terminating !== undefined) return;
    extra = { terminateJob: { by, code: 'pending' } };
    terminating = winops.backend.axe.terminateJob(h).then(
      (r) => {
        extra = { terminateJob: { by, code: r.code, hresult: r.hresult === undefined ? null : toHex(r.hresult) } };
      },
      (e: unknown) => {
        extra = { terminateJob: { by, code: 'failed', error: e instanceof Error ? e.message : String(e) } };
      },
    );
  };
  const startTerminateTimer = (): void => {
    if (terminateAfter !== undefined && terminateTimer === undefined) terminateTimer = setTimeout(() => terminateNow('--terminate-after'), terminateAfter);
  };

  const run = job.run({ onEvent, ...(grace !== undefined ? { grace } : {}) });
  if (timeout !== undefined) {
    timeoutTimer = setTimeout(() => {
      run.cancel(new DOMException(`--timeout ran out after ${timeout} ms`, 'TimeoutError')).catch(() => undefined);
      startTerminateTimer();
    }, timeout);
  }
  let result: AxeRunResult;
  try {
    result = await ctx.interrupts.within(
      {
        cancel: () => {
          run.cancel(interruptReason()).catch(() => undefined);
          startTerminateTimer();
        },
        escalate: () => terminateNow('second Ctrl+C'),
      },
      async () => await run,
    );
  } catch (e) {
    if (Ctx.isAbort(e)) {
      await terminating;
      return ctx.reportCancel(e, extra);
    }
    if (e instanceof AxeError) {
      const partial = (e as unknown as { result?: AxeRunResult }).result;
      if (partial) ctx.out.record('result', { job: job.name, ...partial, code: e.code });
    }
    throw e;
  } finally {
    progress.stop();
    if (terminateTimer !== undefined) clearTimeout(terminateTimer);
    if (timeoutTimer !== undefined) clearTimeout(timeoutTimer);
    await job.close().catch(() => undefined);
  }
  ctx.out.record('result', { job: job.name, ...result });
  ctx.out.result(`job ${job.name}: ${result.executedAssessments} assessment${result.executedAssessments === 1 ? '' : 's'} run, ${result.failedAssessments} failed${result.resultPath ? `; results in ${result.resultPath}` : ''}`);
  return result.failedAssessments > 0 ? EXIT.FAILURE : EXIT.OK;
}
