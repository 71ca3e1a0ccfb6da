/**
 * winops assess JOB.xml [--grace D] [--terminate-after D] [--timeout D]: runs an AXE job with progress.
 *
 * Cancelling (Ctrl+C or --timeout) climbs the library's escalation ladder: CancelAssessment for the running
 * assessment, CancelJob after --grace, TerminateJob after another --grace. Each further Ctrl+C takes the next rung
 * at once (AxeRun.escalate()); --terminate-after, counted from the first cancel, takes all that are left at once.
 */
import { resolve } from 'node:path';
import type { AxeEvent, AxeRunResult } from '../../axe';
import { AxeError } from '../../errors';
import { toHex } from '../../codes';
import type { CliContext } from '../context';
import { CliContext as Ctx, interruptReason } from '../context';
import { AxeLadder } from '../ladder';
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
    // With --json each event is a record of the library's shape: {"type":"assessment-begin","family":"axe",...}.
    const record = { ...e };
    switch (e.type) {
      case 'assessment-begin':
        progress.log(`${tag(e.index)} ${e.name}: started`, record);
        progress.update({ value: e.index * 100, label: e.name, lineKey: `${e.index}|0` });
        break;
      case 'progress':
        if (e.progressType === 'Percent') {
          const name = job.assessments[e.index]?.name ?? '';
          progress.update({ value: e.index * 100 + e.value, label: name, record: { ...e, name, percent: e.value }, lineKey: `${e.index}|${Math.floor(e.value / 10)}` });
        } else {
          progress.log(`${tag(e.index)} ${e.progressType}${e.message ? `: ${e.message}` : ''}`, record);
        }
        break;
      case 'assessment-end':
        progress.log(`${tag(e.index)} ${e.name}: ${e.code}${e.hresult !== undefined && e.code !== 'S_OK' ? ` (${toHex(e.hresult)})` : ''}, exit code ${e.exitCode}`, record);
        progress.update({ value: (e.index + 1) * 100, label: e.name, lineKey: `${e.index}|end` });
        break;
      case 'job-begin':
      case 'job-end':
        progress.log(e.type === 'job-end' ? `job end: ${e.code}` : 'job begin', record);
        break;
    }
  };

  let terminateTimer: ReturnType<typeof setTimeout> | undefined;
  let timeoutTimer: ReturnType<typeof setTimeout> | undefined;
  const run = job.run({ onEvent, ...(grace !== undefined ? { grace } : {}) });
  const ladder = new AxeLadder(run);
  const startTerminateTimer = (): void => {
    if (terminateAfter !== undefined && terminateTimer === undefined) terminateTimer = setTimeout(() => void ladder.toTheEnd('--terminate-after'), terminateAfter);
  };
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
        escalation: ladder.escalation,
      },
      async () => await run,
    );
  } catch (e) {
    // The bar is finished before anything is reported, so the report's lines follow it.
    progress.stop();
    if (Ctx.isAbort(e)) {
      await ladder.settled();
      return ctx.reportCancel(e, ladder.report());
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
