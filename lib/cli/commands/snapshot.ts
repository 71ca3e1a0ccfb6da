/**
 * winops snapshot VOLUME... [--keep] [--writers require-all|report] [--timeout D] [-- COMMAND ARGS...]
 *
 * Creates one snapshot set of the volumes and then:
 * - with COMMAND: runs it while the set exists (device paths in WINOPS_SHADOW_* and {shadow:X} placeholders), then
 *   releases the set and exits with COMMAND's status;
 * - with --keep: makes the shadow copies persistent (client-accessible), prints them and leaves them on the system;
 * - otherwise: prints the device paths and holds the set until Ctrl+C, then releases it (exit 0).
 * A failed writer fails the set (VssWriterError, WINOPS_WRITER_FAILED) unless --writers report: then the set is kept
 * and each failed writer is named in a warning.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { constants } from 'node:os';
import type { SnapshotSet, VssStep } from '../../vss';
import { deferred } from '../../operation';
import type { CliContext } from '../context';
import { parseDuration } from '../duration';
import { EXIT, UsageError } from '../exit';
import { failedWriterWarning } from './vss-writers';

const STEPS: readonly VssStep[] = [
  'createBackupComponents',
  'initializeForBackup',
  'setContext',
  'gatherWriterMetadata',
  'startSnapshotSet',
  'addToSnapshotSet',
  'setBackupState',
  'prepareForBackup',
  // gatherWriterStatus follows prepareForBackup and doSnapshotSet: it shows at the step it follows (see onStep).
  'doSnapshotSet',
  'getSnapshotProperties',
];

export interface SnapshotFlags {
  readonly keep?: boolean | undefined;
  readonly timeout?: string | undefined;
  /** What a failed writer does: 'require-all' (default) fails the set, 'report' keeps it with a warning. */
  readonly writers?: 'require-all' | 'report' | undefined;
}

/** 'C:\\' -> 'C'; anything that is not a drive root -> undefined. */
function driveLetter(volume: string): string | undefined {
  const m = /^([A-Za-z]):\\?$/.exec(volume);
  return m ? m[1]!.toUpperCase() : undefined;
}

/** The environment a COMMAND gets: the set id and each shadow copy's device path. */
export function shadowEnv(set: Pick<SnapshotSet, 'id' | 'snapshots'>): Record<string, string> {
  const env: Record<string, string> = { WINOPS_SNAPSHOT_SET_ID: set.id };
  set.snapshots.forEach((s, i) => {
    env[`WINOPS_SHADOW_${i + 1}`] = s.deviceObject;
    const letter = driveLetter(s.volume);
    if (letter) env[`WINOPS_SHADOW_${letter}`] = s.deviceObject;
  });
  return env;
}

/** Replaces {shadow:C} (and {shadow} when there is one volume) by the device path. */
export function substituteShadows(arg: string, set: Pick<SnapshotSet, 'snapshots'>): string {
  return arg.replace(/\{shadow(?::([A-Za-z]):?)?\}/g, (whole, letter: string | undefined) => {
    if (letter === undefined) return set.snapshots.length === 1 ? set.snapshots[0]!.deviceObject : whole;
    const s = set.snapshots.find((x) => driveLetter(x.volume) === letter.toUpperCase());
    return s ? s.deviceObject : whole;
  });
}

function printSet(ctx: CliContext, set: SnapshotSet): void {
  ctx.out.record('snapshot-set', set.toJSON() as Record<string, unknown>);
  for (const s of set.snapshots) ctx.out.result(`${s.volume}\t${s.deviceObject}`);
  ctx.out.note(`winops: snapshot set ${set.id}: ${set.snapshots.length} shadow cop${set.snapshots.length === 1 ? 'y' : 'ies'}${set.persistent ? ' (persistent)' : ''}`);
  // Only --writers report lets a set with failed writers through; without it they were an error.
  for (const w of set.failedWriters) ctx.out.note(failedWriterWarning(w));
}

async function release(ctx: CliContext, set: SnapshotSet): Promise<void> {
  const before = set.failedWriters.length;
  await set.close();
  // With --writers report, writers that failed at BackupComplete are added to failedWriters instead of rejecting.
  const failedAtClose = set.failedWriters.slice(before);
  ctx.out.record('released', { id: set.id, persistent: set.persistent, ...(failedAtClose.length > 0 ? { failedWriters: failedAtClose } : {}) });
  for (const w of failedAtClose) ctx.out.note(failedWriterWarning(w));
  if (!set.persistent) {
    ctx.out.note(`winops: snapshot set ${set.id} released`);
    return;
  }
  ctx.out.note(`winops: the shadow copies of set ${set.id} stay on the system; to delete them:`);
  ctx.out.note(`  winops shadows delete --set ${set.id}`);
}

export async function snapshotCommand(ctx: CliContext, volumes: string[], flags: SnapshotFlags, command: readonly string[]): Promise<number> {
  const timeout = flags.timeout === undefined ? undefined : parseDuration(flags.timeout, '--timeout');
  const started = Date.now();
  if (command.length > 0 && command[0] === '') throw new UsageError('the command after -- is empty');
  const winops = ctx.winops();
  const progress = ctx.out.progress('vss', 'snapshot', STEPS.length);
  const op = winops.vss.createSnapshotSet(volumes, {
    context: flags.keep ? 'client-accessible' : 'backup',
    writers: flags.writers ?? 'require-all',
    ...(timeout !== undefined ? { timeout } : {}),
    onStep: ({ step, after }) => {
      // GatherWriterStatus is not a stage of its own: it is shown at the call whose writer status it gathers.
      const value = STEPS.indexOf(after ?? step) + 1;
      const label = after ? `${step} (after ${after})` : step;
      progress.update({ value, label, record: { step, ...(after ? { after } : {}) }, lineKey: label });
    },
  });
  let set: SnapshotSet;
  try {
    set = await ctx.run(op, { waitingFor: 'VSS to cancel the pending step, abort the backup and release the set' });
  } finally {
    progress.stop();
  }
  printSet(ctx, set);

  if (command.length === 0) {
    if (flags.keep) {
      await release(ctx, set);
      return EXIT.OK;
    }
    return hold(ctx, set);
  }
  const remaining = timeout === undefined ? undefined : Math.max(1, timeout - (Date.now() - started));
  return runCommand(ctx, set, command, remaining);
}

/** Holds the set until Ctrl+C, then releases it. */
async function hold(ctx: CliContext, set: SnapshotSet): Promise<number> {
  const stop = deferred<void>();
  await ctx.interrupts.within({ cancel: () => stop.resolve(), waitingFor: 'the snapshot set to be released' }, async () => {
    ctx.out.note('winops: holding the snapshot set; press Ctrl+C to release it');
    ctx.out.record('holding', { id: set.id });
    // Interrupts.within keeps the process up while we wait for the signal.
    await stop.promise;
    await release(ctx, set);
  });
  return EXIT.OK;
}

interface ChildEnd {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly error: Error | undefined;
}

async function runCommand(ctx: CliContext, set: SnapshotSet, command: readonly string[], timeout: number | undefined): Promise<number> {
  const args = command.map((a) => substituteShadows(a, set));
  const posix = ctx.io.platform !== 'win32';
  let interrupted = false;
  let timedOut = false;
  let killed = false;
  let child: ChildProcess | undefined;
  const ended = deferred<ChildEnd>();
  let killTimer: ReturnType<typeof setTimeout> | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const alive = (): boolean => child !== undefined && child.exitCode === null && child.signalCode === null;
  const kill = (signal: NodeJS.Signals): void => {
    if (alive()) child!.kill(signal);
  };

  const status = await ctx.interrupts.within(
    {
      cancel: () => {
        interrupted = true;
        // In a terminal the child had the Ctrl+C too (same process group / console). Elsewhere (a kill -INT to
        // winops alone) pass it on, once, if the child is still running a moment later.
        if (posix) setTimeout(() => kill('SIGINT'), 200).unref();
      },
      // A further Ctrl+C kills the command (once); after that, nothing stronger is left.
      escalation: () => (killed || !alive() ? undefined : { what: `kill ${command[0]} (${posix ? 'SIGKILL' : 'TerminateProcess'})`, run: () => {
        killed = true;
        kill(posix ? 'SIGKILL' : 'SIGTERM');
      } }),
      waitingFor: `${command[0]} to exit before the snapshot set is released`,
    },
    async () => {
      try {
        child = spawn(args[0]!, args.slice(1), {
          cwd: ctx.io.cwd,
          env: { ...ctx.io.env, ...shadowEnv(set) },
          // With --json, stdout carries only winops' records: the command's stdout goes to stderr.
          stdio: ['inherit', ctx.out.json ? 2 : 'inherit', 'inherit'],
          windowsHide: false,
        });
      } catch (e) {
        ended.resolve({ code: null, signal: null, error: e instanceof Error ? e : new Error(String(e)) });
      }
      if (child) {
        child.once('error', (e) => ended.resolve({ code: null, signal: null, error: e }));
        child.once('exit', (code, signal) => ended.resolve({ code, signal, error: undefined }));
        ctx.out.record('command-started', { command: args[0], pid: child.pid ?? null });
      }
      if (timeout !== undefined) {
        timer = setTimeout(() => {
          timedOut = true;
          ctx.out.note(`winops: --timeout: stopping ${args[0]}`);
          kill('SIGTERM');
          killTimer = setTimeout(() => kill('SIGKILL'), 5000);
          killTimer.unref();
        }, timeout);
      }
      const end = await ended.promise;
      if (timer !== undefined) clearTimeout(timer);
      if (killTimer !== undefined) clearTimeout(killTimer);
      ctx.out.record('command-exited', { command: args[0], code: end.code, signal: end.signal, error: end.error?.message ?? null });
      await release(ctx, set);
      return end;
    },
  );

  if (status.error) {
    ctx.out.note(`winops: could not run ${args[0]}: ${status.error.message}`);
    return interrupted ? EXIT.INTERRUPTED : timedOut ? EXIT.TIMEOUT : 127;
  }
  if (timedOut) {
    ctx.out.note(`winops: ${args[0]} was stopped: --timeout ran out`);
    return EXIT.TIMEOUT;
  }
  if (interrupted) return EXIT.INTERRUPTED;
  if (status.signal) return 128 + (constants.signals[status.signal] ?? 0);
  return status.code ?? EXIT.FAILURE;
}
