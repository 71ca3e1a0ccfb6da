/**
 * The `winops` command: VSS, MI, IMAPI2 and AXE from a shell, on the same library and the same cancellation path.
 * bin/winops.js calls run(); tests call main() with their own streams. Reference: docs/cli.md.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import { BackendUnavailableError, WinopsError } from '../errors';
import { isAbortError } from '../operation';
import { assessCommand } from './commands/axe';
import { demoCommand } from './commands/demo';
import { doctorCommand } from './commands/doctor';
import { explainCommand } from './commands/explain';
import { burnCommand, recordersCommand } from './commands/imapi2';
import { invokeCommand, queryCommand, watchCommand } from './commands/mi';
import { snapshotCommand, type SnapshotFlags } from './commands/snapshot';
import { writersCommand } from './commands/vss-writers';
import { shadowsDeleteCommand, shadowsListCommand, type ShadowsDeleteFlags, type ShadowsListFlags } from './commands/vss-shadows';
import { writeFakeReport } from './backend';
import { CliContext, type GlobalFlags } from './context';
import { EXIT, UsageError } from './exit';
import { errorReport, errorToText } from './format';
import { Interrupts } from './interrupt';
import { flush, processIo, type CliIo } from './io';
import { Output, type ProgressMode } from './output';

/** The package's version, from the package.json above this file (lib/cli or dist/lib/cli). */
function packageVersion(): string {
  let dir = __dirname;
  for (let i = 0; i < 5; i++) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'winops' && typeof pkg.version === 'string') return pkg.version;
    } catch {
      // not here: go up
    }
    dir = dirname(dir);
  }
  return '0.0.0';
}

export const EXIT_STATUS_HELP = `
Exit status:
  0    success
  1    a Windows call failed (code, HRESULT and message are printed), a VSS writer failed (snapshot: WINOPS_WRITER_FAILED;
       writers: one is listed as failed), an assessment failed, or a doctor check is ERROR
  2    usage error (unknown command or option, bad value, missing argument)
  3    backend unavailable (not Windows without --backend fake, no native addon, AXE not installed)
  124  --timeout ran out (the operation was cancelled and cleaned up)
  130  cancelled by Ctrl+C (the outcome was printed and everything cleaned up)
  snapshot -- COMMAND exits with COMMAND's status (127 if it could not be started)

Environment:
  WINOPS_BACKEND=fake|native   the backend when --backend is not given
  WINOPS_SCENARIO=json|file    the fake's scenario when --scenario is not given
  WINOPS_PASSWORD              the password for --user (see --password-env)
  WINOPS_FAKE_REPORT=file      with the fake: write what it still holds at exit (shadow copies, handles)
`;

const EXAMPLES = `
Examples:
  winops snapshot C:\\ D:\\                       print the shadow device paths; hold the set until Ctrl+C
  winops snapshot C:\\ --timeout 5m -- robocopy {shadow:C}\\Users D:\\backup /E
  winops snapshot C:\\ --writers report          hold the set even if a writer fails (a warning names it)
  winops writers                                the VSS writers and their state, like vssadmin list writers
  winops query "SELECT Caption, Version FROM Win32_OperatingSystem" --json
  winops watch "SELECT * FROM __InstanceCreationEvent WITHIN 1 WHERE TargetInstance ISA 'Win32_Process'"
  winops explain 0x80042306
  winops doctor --json
  winops --backend fake demo
`;

type Handler = (ctx: CliContext) => Promise<number> | number;

/** Splits `winops snapshot C:\ -- robocopy ...` at the first '--': what follows is the command to run. */
export function splitCommand(argv: readonly string[]): { args: string[]; command: string[] } {
  const i = argv.indexOf('--');
  return i < 0 ? { args: [...argv], command: [] } : { args: argv.slice(0, i), command: argv.slice(i + 1) };
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

function sessionOptions(cmd: Command): Command {
  return cmd
    .option('-n, --namespace <ns>', 'CIM namespace', 'root/cimv2')
    .option('-c, --computer <host>', 'a remote computer (WinRM by default)')
    .option('-u, --user <name>', 'user for the remote session (DOMAIN\\user or user@domain)')
    .option('--password-env <var>', 'environment variable that holds the password (default WINOPS_PASSWORD; else a prompt on a terminal)')
    .addOption(new Option('--auth <mechanism>', 'authentication mechanism').choices(['default', 'negotiate', 'kerberos', 'ntlm', 'basic', 'digest', 'credssp']))
    .addOption(new Option('--protocol <protocol>', 'wsman (WinRM) or dcom').choices(['wsman', 'dcom']))
    .option('-t, --timeout <duration>', 'cancel after this long (e.g. 30s, 5m)');
}

/** The program; `handler` receives the chosen action so main() can run it inside its error handling. */
function buildProgram(io: CliIo, command: readonly string[], setHandler: (h: Handler, needsCommand: boolean) => void): Command {
  const program = new Command('winops');
  program
    .description('VSS, MI (WMI v2), IMAPI2 and AXE from the command line, with cancellation that reports what happened')
    .version(packageVersion(), '-V, --version')
    .addOption(new Option('--backend <backend>', 'fake (simulated Windows) or native (the real APIs; default on Windows)').choices(['fake', 'native']))
    .option('--scenario <file.json>', 'a scenario for the fake backend (implies --backend fake)')
    .option('--json', 'machine-readable output: one JSON object per line on stdout')
    .addOption(new Option('--progress <mode>', 'progress display: bar on a terminal, plain lines otherwise').choices(['auto', 'bar', 'lines', 'none']).default('auto'))
    .option('-v, --verbose', 'more detail, and stack traces with errors')
    .showHelpAfterError('(run winops --help for usage)')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
      outputError: (s, write) => write(s),
    })
    .addHelpText('after', `${EXAMPLES}${EXIT_STATUS_HELP}`);

  program
    .command('snapshot')
    .summary('shadow-copy volumes; print the device paths, or run a command while they exist')
    .description(
      'Creates one VSS snapshot set of the volumes. Without a command it prints each volume and its shadow device path ' +
        'and holds the set until Ctrl+C. After `--` it runs the command while the set exists (the paths are in ' +
        'WINOPS_SHADOW_<letter>, WINOPS_SHADOW_<n> and {shadow:<letter>} placeholders), then releases the set. ' +
        'With --keep the shadow copies are persistent and stay after winops exits. The writers are checked after ' +
        'PrepareForBackup, DoSnapshotSet and BackupComplete: a failed writer fails the snapshot (WINOPS_WRITER_FAILED, ' +
        'exit 1, the writers named) unless --writers report, which keeps the set and names each failed writer in a ' +
        'warning (with --keep no writer takes part). Needs an elevated prompt.',
    )
    .argument('<volumes...>', 'volumes such as C:\\ or D:')
    .option('-k, --keep', 'persistent (client-accessible) shadow copies that stay on the system')
    .addOption(
      new Option('--writers <mode>', 'a failed writer: require-all fails the snapshot; report keeps the set with a warning (its shadow copies are not application-consistent for that writer)')
        .choices(['require-all', 'report'])
        .default('require-all'),
    )
    .option('-t, --timeout <duration>', 'cancel creation (and stop the command) after this long, e.g. 5m')
    .usage('[options] <volumes...> [-- command [args...]]')
    .action((volumes: string[], opts: SnapshotFlags) => setHandler((ctx) => snapshotCommand(ctx, volumes, opts, command), true));

  program
    .command('writers')
    .summary('list the VSS writers and their state, like vssadmin list writers')
    .description(
      'One line per VSS writer: its name, its state (stable, waiting-for-backup-complete, failed-at-freeze, ...) and, ' +
        'when it is not S_OK, its failure code, plus the code and message the writer gave (GetWriterStatusEx). No ' +
        'snapshot is made. Exit status 1 when a writer is failed (or in state unknown). Status gathered outside a ' +
        'backup, as here, "might reflect conditions that do not indicate failure in the current operation": the ' +
        'failure of an earlier backup, or a writer still busy with one; `winops snapshot` checks the writers during ' +
        'its own backup. Needs an elevated prompt.',
    )
    .option('-t, --timeout <duration>', 'cancel after this long, e.g. 30s')
    .action((opts: Parameters<typeof writersCommand>[1]) => setHandler((ctx) => writersCommand(ctx, opts), false));

  const shadows = program
    .command('shadows')
    .summary('list or delete the shadow copies on the machine, like vssadmin list / delete shadows');
  shadows
    .command('list')
    .summary('one line per shadow copy: id, volume, creation time, set, attributes, device')
    .description(
      'Lists the shadow copies of a VSS context (IVssBackupComponents::Query), every context by default (VSS_CTX_ALL, ' +
        'what vssadmin list shadows shows). Query has no cancel: after --timeout or Ctrl+C winops stops waiting and ' +
        'exits while Query may still run. Needs an elevated prompt.',
    )
    .option('--context <context>', 'only the copies made in this context: backup, client-accessible, app-rollback, ... (default all)')
    .option('-t, --timeout <duration>', 'stop waiting after this long, e.g. 30s')
    .action((opts: ShadowsListFlags) => setHandler((ctx) => shadowsListCommand(ctx, opts), false));
  shadows
    .command('delete')
    .summary('delete one shadow copy (--snapshot) or every copy of a set (--set)')
    .description(
      'Deletes with IVssBackupComponents::DeleteSnapshots, which deletes a set\'s copies one after another and stops at ' +
        'the first it cannot delete: then exit 1, and the error says how many went and which one stayed. ' +
        'DeleteSnapshots has no cancel: after --timeout or Ctrl+C winops stops waiting and exits while Windows may ' +
        'finish the deletion. Needs an elevated prompt.',
    )
    .option('--snapshot <id>', 'the shadow copy id, e.g. {01234567-89ab-cdef-0123-456789abcdef}')
    .option('--set <id>', 'the snapshot set id: every shadow copy of the set')
    .option('--force', "DeleteSnapshots' bForceDelete: the provider does everything possible to delete")
    .option('-t, --timeout <duration>', 'stop waiting after this long, e.g. 30s')
    .action((opts: ShadowsDeleteFlags) => setHandler((ctx) => shadowsDeleteCommand(ctx, opts), false));

  sessionOptions(
    program
      .command('query')
      .summary('run a WQL query and print the instances')
      .argument('<query>', 'e.g. "SELECT * FROM Win32_Service WHERE State = \'Running\'"')
      .addOption(new Option('--dialect <dialect>', 'query language').choices(['WQL', 'CQL'])),
  ).action((query: string, opts: Parameters<typeof queryCommand>[2]) => setHandler((ctx) => queryCommand(ctx, query, opts), false));

  sessionOptions(
    program
      .command('invoke')
      .summary('invoke a CIM method: winops invoke Win32_Process Create CommandLine=notepad.exe')
      .argument('<class>', 'the class, e.g. Win32_Process')
      .argument('<method>', 'the method, e.g. Create')
      .argument('[parameters...]', 'in-parameters as Name=Value (numbers, true/false/null and JSON arrays or "strings" are parsed)')
      .option('-k, --key <Name=Value>', 'a key property of the instance to invoke on (repeatable); none = a static method', collect),
  ).action((cls: string, method: string, params: string[], opts: Parameters<typeof invokeCommand>[4]) =>
    setHandler((ctx) => invokeCommand(ctx, cls, method, params, opts), false),
  );

  sessionOptions(
    program
      .command('watch')
      .summary('subscribe to indications and print them as they arrive, until Ctrl+C')
      .argument('<query>', 'e.g. "SELECT * FROM __InstanceCreationEvent WITHIN 1 WHERE TargetInstance ISA \'Win32_Process\'"')
      .option('--count <n>', 'stop after n indications'),
  ).action((query: string, opts: Parameters<typeof watchCommand>[2]) => setHandler((ctx) => watchCommand(ctx, query, opts), false));

  program
    .command('burn')
    .summary('burn an image file to a disc with progress')
    .argument('<image>', 'the image file, e.g. image.iso')
    .option('-r, --recorder <recorder>', 'a drive letter (E:) or recorder id; default: the only recorder with media')
    .option('--force-overwrite', 'write over non-blank rewritable media')
    .option('--client-name <name>', 'the name IMAPI2 shows for the writer', 'winops')
    .option('-t, --timeout <duration>', 'cancel the burn after this long')
    .action((image: string, opts: Parameters<typeof burnCommand>[2]) => setHandler((ctx) => burnCommand(ctx, image, opts), false));

  program
    .command('recorders')
    .summary('list the disc recorders and their media')
    .action(() => setHandler((ctx) => recordersCommand(ctx), false));

  program
    .command('assess')
    .summary('run an AXE (Windows Assessment Toolkit) job with progress')
    .argument('<job.xml>', 'the job manifest')
    .option('-g, --grace <duration>', 'wait between escalation steps after a cancel (CancelAssessment, CancelJob, TerminateJob)', '30s')
    .option('--terminate-after <duration>', 'call TerminateJob this long after the cancel began, whatever the ladder has reached')
    .option('-t, --timeout <duration>', 'cancel the job after this long')
    .action((job: string, opts: Parameters<typeof assessCommand>[2]) => setHandler((ctx) => assessCommand(ctx, job, opts), false));

  program
    .command('explain')
    .summary('name, family, message and retryability of an HRESULT: winops explain 0x80042306')
    .argument('<code...>', 'an HRESULT in hex (0x80042306) or decimal (-2147212538), or a name (VSS_E_PROVIDER_VETO, MI_RESULT_ACCESS_DENIED)')
    .action((codes: string[]) => setHandler((ctx) => explainCommand(ctx, codes), false));

  program
    .command('doctor')
    .summary('what runs where: OS, architecture, Node, the addon and its SHA-256, elevation, services, each API')
    .description(
      'One line per check (ok, MISSING, warn, ERROR) with a next step where something is missing: OS, architecture ' +
        'and WOW64, Node/Electron and N-API, where the addon was loaded from and its SHA-256 against the shipped ' +
        'manifest, elevation and the backup privileges, the VSS, Winmgmt and WinRM services, the VSS API and ' +
        'providers, mi.dll, the IMAPI2 classes and recorders, AXE, and the process COM security. Exit status 1 ' +
        'when a check is ERROR. On the fake backend every line is the simulated machine.',
    )
    .action(() => setHandler((ctx) => doctorCommand(ctx), false));

  program
    .command('demo')
    .summary('all four families, each with a cancel (on the fake where Windows is absent)')
    .action(() => setHandler((ctx) => demoCommand(ctx), false));

  return program;
}

/** Runs the command line and returns the exit status. Never throws. */
export async function main(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  const { args, command } = splitCommand(argv);
  let handler: Handler | undefined;
  let takesCommand = false;
  const program = buildProgram(io, command, (h, needs) => {
    handler = h;
    takesCommand = needs;
  });
  try {
    await program.parseAsync(args, { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) {
      // Help or version asked for (--help, help <command>, --version): 0. Help shown for a missing command: 2.
      if (e.exitCode === 0) return EXIT.OK;
      // commander already printed the message (and the hint).
      return EXIT.USAGE;
    }
    io.stderr.write(`error: ${e instanceof Error ? e.message : String(e)}\n`);
    return EXIT.USAGE;
  }
  if (!handler) {
    program.outputHelp({ error: true });
    return EXIT.USAGE;
  }
  const flags = program.opts<GlobalFlags & { progress: ProgressMode }>();
  const out = new Output(io.stdout, io.stderr, { json: flags.json === true, verbose: flags.verbose === true, progress: flags.progress ?? 'auto' });
  const interrupts = new Interrupts(
    io.signals,
    (t) => out.interruptNote(t),
    () => {
      void Promise.all([flush(io.stdout), flush(io.stderr)]).finally(() => io.exit(EXIT.INTERRUPTED));
    },
    { debug: (t) => out.debug(t) },
  );
  const ctx = new CliContext(io, out, interrupts, flags);
  if (command.length > 0 && !takesCommand) {
    out.note(`error: only 'winops snapshot' runs a command after '--'`);
    return EXIT.USAGE;
  }
  interrupts.install();
  const onStdoutError = (e: NodeJS.ErrnoException): void => {
    if (e.code !== 'EPIPE') return;
    // The reader went away (`winops watch ... | head -3`): the normal end of a pipeline, not an interruption. Stop
    // writing, cancel what runs through the library (cleaned up and closed as after Ctrl+C), say nothing, exit 0.
    out.stdoutClosed();
    interrupts.stop();
  };
  io.stdout.on('error', onStdoutError);
  try {
    const status = await handler(ctx);
    return out.isStdoutClosed && !interrupts.interrupted && status === EXIT.INTERRUPTED ? EXIT.OK : status;
  } catch (e) {
    if (out.isStdoutClosed && !interrupts.interrupted && isAbortError(e)) return EXIT.OK;
    return report(ctx, e);
  } finally {
    interrupts.uninstall();
    io.stdout.off('error', onStdoutError);
    try {
      const chosen = ctx.chosenIfAny();
      writeFakeReport(chosen?.fake, io.env, io.cwd);
    } catch (e) {
      out.note(`winops: could not write WINOPS_FAKE_REPORT: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
}

/** Prints an error (or a cancel's outcome) and returns its exit status. */
function report(ctx: CliContext, e: unknown): number {
  if (CliContext.isAbort(e)) return ctx.reportCancel(e);
  if (isAbortError(e)) {
    // An abort without an outcome (should not happen from the library): still a cancel.
    ctx.out.note(`winops: cancelled: ${(e as Error).message}`);
    return EXIT.INTERRUPTED;
  }
  const status = exitStatusOf(e);
  if (ctx.out.json) ctx.out.record('error', { ...errorReport(e), exitStatus: status, ...(ctx.out.verbose && e instanceof Error ? { stack: e.stack } : {}) });
  ctx.out.note(errorToText(e, ctx.out.verbose));
  return status;
}

export function exitStatusOf(e: unknown): number {
  if (e instanceof BackendUnavailableError) return EXIT.BACKEND_UNAVAILABLE;
  if (e instanceof WinopsError) return EXIT.FAILURE;
  if (e instanceof UsageError || e instanceof TypeError || e instanceof RangeError) return EXIT.USAGE;
  return EXIT.FAILURE;
}

/** The entry point of bin/winops.js. */
export function run(argv: readonly string[] = process.argv.slice(2)): void {
  const io = processIo();
  // A reader that goes away (EPIPE) is handled by main(); never let a late write error end the process.
  io.stdout.on('error', () => undefined);
  void main(argv, io).then(async (status) => {
    await Promise.all([flush(io.stdout), flush(io.stderr)]);
    process.exit(status);
  });
}
