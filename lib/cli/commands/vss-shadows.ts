/**
 * winops shadows list | delete: the shadow copies on the machine (vss.listShadowCopies), like `vssadmin list
 * shadows` but one line each, and their deletion (vss.deleteShadowCopies), like `vssadmin delete shadows`.
 */
import type { ShadowCopy } from '../../vss';
import type { CliContext } from '../context';
import { parseDuration } from '../duration';
import { EXIT, UsageError } from '../exit';

export interface ShadowsListFlags {
  readonly context?: string | undefined;
  readonly timeout?: string | undefined;
}

export interface ShadowsDeleteFlags {
  readonly snapshot?: string | undefined;
  readonly set?: string | undefined;
  readonly force?: boolean | undefined;
  readonly timeout?: string | undefined;
}

/** '{id}<TAB>C:\<TAB>2026-11-30T08:15:00.000Z<TAB>set {setId} (2)<TAB>persistent,clientAccessible<TAB>\\?\GLOBALROOT\...' */
export function shadowLine(c: ShadowCopy): string {
  return [
    `{${c.snapshotId}}`,
    c.volume,
    c.createdAt.toISOString(),
    `set {${c.snapshotSetId}} (${c.setSize})`,
    c.attributeNames.join(',') || '-',
    c.deviceObject,
    ...(c.exposedName !== undefined ? [`exposed ${c.exposedName}${c.exposedPath ? ` ${c.exposedPath}` : ''}`] : []),
  ].join('\t');
}

/** The library's TypeError/RangeError for a bad option value, as the usage error of the CLI option it came from. */
function asUsageError(e: unknown, option: string): unknown {
  return e instanceof RangeError || e instanceof TypeError ? new UsageError(`${option}: ${e.message.replace(/^.*?must/, 'must')}`) : e;
}

/** Said after a deadline or Ctrl+C stopped the waiting for a call that Windows gives no cancel. */
function inBackgroundNote(ctx: CliContext, error: unknown, call: string): void {
  const status = (error as { outcome?: { status?: string } }).outcome?.status;
  if (status === 'in-background' && !ctx.out.json) {
    ctx.out.note(`winops: ${call} has no cancel: it was still running when winops stopped waiting, and Windows may finish it after winops exits; run \`winops shadows list\` to see what is there`);
  }
}

export async function shadowsListCommand(ctx: CliContext, flags: ShadowsListFlags): Promise<number> {
  const timeout = flags.timeout === undefined ? undefined : parseDuration(flags.timeout, '--timeout');
  let op;
  try {
    op = ctx.winops().vss.listShadowCopies({
      ...(flags.context !== undefined ? { context: flags.context as never } : {}),
      ...(timeout !== undefined ? { timeout } : {}),
    });
  } catch (e) {
    throw asUsageError(e, '--context');
  }
  let list: ShadowCopy[];
  try {
    list = await ctx.run(op, { waitingFor: 'IVssBackupComponents::Query to return' });
  } catch (e) {
    inBackgroundNote(ctx, e, 'IVssBackupComponents::Query');
    throw e;
  }
  for (const c of list) {
    ctx.out.record('shadowCopy', c as unknown as Record<string, unknown>);
    ctx.out.result(shadowLine(c));
  }
  if (!ctx.out.json) ctx.out.note(`(${list.length} shadow cop${list.length === 1 ? 'y' : 'ies'})`);
  return EXIT.OK;
}

export async function shadowsDeleteCommand(ctx: CliContext, flags: ShadowsDeleteFlags): Promise<number> {
  if ((flags.snapshot === undefined) === (flags.set === undefined)) throw new UsageError('give one of --snapshot <id> and --set <id>');
  const timeout = flags.timeout === undefined ? undefined : parseDuration(flags.timeout, '--timeout');
  const target = flags.snapshot !== undefined ? { snapshotId: flags.snapshot } : { setId: flags.set! };
  let op;
  try {
    op = ctx.winops().vss.deleteShadowCopies(target, { force: flags.force ?? false, ...(timeout !== undefined ? { timeout } : {}) });
  } catch (e) {
    throw asUsageError(e, flags.snapshot !== undefined ? '--snapshot' : '--set');  // a malformed id
  }
  let r: { deleted: number };
  try {
    r = await ctx.run(op, { waitingFor: 'IVssBackupComponents::DeleteSnapshots to return' });
  } catch (e) {
    inBackgroundNote(ctx, e, 'IVssBackupComponents::DeleteSnapshots');
    throw e;
  }
  ctx.out.record('deleted', { deleted: r.deleted, ...target });
  ctx.out.result(`deleted ${r.deleted} shadow cop${r.deleted === 1 ? 'y' : 'ies'}`);
  return EXIT.OK;
}
