/**
 * winops writers: the VSS writers and their state (vss.writers()), one line per writer, like `vssadmin list writers`
 * but compact. Also the writer lines `winops snapshot` prints for a set kept with failed writers.
 */
import { toHex } from '../../codes';
import type { VssStep, VssWriterStatus } from '../../vss';
import type { CliContext } from '../context';
import { parseDuration } from '../duration';
import { EXIT } from '../exit';
import type { Output } from '../output';

/** The steps of vss.writers(), in order (for the progress). */
const STEPS: readonly VssStep[] = ['createBackupComponents', 'initializeForBackup', 'gatherWriterMetadata', 'gatherWriterStatus'];

/** 'VSS_E_WRITERERROR_TIMEOUT (0x800423F2)' */
function codeText(c: { readonly hresult: number; readonly code: string }): string {
  return `${c.code} (${toHex(c.hresult)})`;
}

/**
 * The name, the state, the failure only when it is not S_OK, and the application's code and message only when the
 * writer set them: ['SQL Writer', 'failed-at-freeze', 'VSS_E_WRITERERROR_TIMEOUT (0x800423F2)', 'application ...'].
 */
function writerFields(w: VssWriterStatus): string[] {
  const parts: string[] = [w.name, w.state];
  if (w.failure.hresult !== 0) parts.push(codeText(w.failure));
  const app = w.application;
  if (app && (app.hresult !== 0 || app.message !== '')) parts.push(`application ${codeText(app)}${app.message ? `: ${app.message}` : ''}`);
  return parts;
}

/** 'SQL Writer<TAB>failed-at-freeze<TAB>VSS_E_WRITERERROR_TIMEOUT (0x800423F2)': the line `winops writers` prints. */
export function writerLine(w: VssWriterStatus): string {
  return writerFields(w).join('\t');
}

/**
 * The warning `winops snapshot --writers report` prints for each failed writer of a set it kept:
 * 'winops: warning: writer SQL Writer failed after DoSnapshotSet: failed-at-freeze, VSS_E_WRITERERROR_TIMEOUT (0x800423F2); ...'.
 */
export function failedWriterWarning(w: VssWriterStatus): string {
  const [name, ...rest] = writerFields(w);
  const consequence = w.after === 'backupComplete' ? 'its own BackupComplete processing failed' : 'the shadow copies are not application-consistent for its data';
  return `winops: warning: writer ${name} failed after ${w.after.charAt(0).toUpperCase()}${w.after.slice(1)}: ${rest.join(', ')}; ${consequence}`;
}

export interface WritersFlags {
  readonly timeout?: string | undefined;
}

export async function writersCommand(ctx: CliContext, flags: WritersFlags): Promise<number> {
  const timeout = flags.timeout === undefined ? undefined : parseDuration(flags.timeout, '--timeout');
  const progress = ctx.out.progress('vss', 'writers', STEPS.length);
  const op = ctx.winops().vss.writers({
    ...(timeout !== undefined ? { timeout } : {}),
    onStep: ({ step }) => progress.update({ value: STEPS.indexOf(step) + 1, label: step, record: { step }, lineKey: step }),
  });
  let writers: VssWriterStatus[];
  try {
    writers = await ctx.run(op, { waitingFor: 'VSS to cancel the pending step and release the backup components' });
  } finally {
    progress.stop();
  }
  return printWriters(ctx.out, writers);
}

/** The listing: a writer record or line per writer, the count, and a note on failed writers; the exit status. */
export function printWriters(out: Output, writers: readonly VssWriterStatus[]): number {
  for (const w of writers) {
    out.record('writer', w as unknown as Record<string, unknown>);
    out.result(writerLine(w));
  }
  const failed = writers.filter((w) => w.failed);
  if (!out.json) out.note(`(${writers.length} writer${writers.length === 1 ? '' : 's'}, ${failed.length} failed)`);
  if (failed.length === 0) return EXIT.OK;
  // Determining Writer Status: status gathered outside a backup sequence may describe an earlier backup.
  out.note(
    `winops: ${failed.length === 1 ? '1 writer is' : `${failed.length} writers are`} failed: ${failed.map((w) => w.name).join(', ')}. ` +
      'Outside a backup this might reflect conditions that do not indicate failure in the current operation ' +
      '(a failure of an earlier backup, a writer still busy); `winops snapshot` checks the writers during the backup itself.',
  );
  return EXIT.FAILURE;
}
