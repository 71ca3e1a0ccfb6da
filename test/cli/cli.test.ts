// The winops command run as a process on the fake backend: output, exit statuses and JSON shapes per command.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cliBin, jobManifest, jsonLines, readReport, ROOT, runCli, STACK_LINE, tempDir } from './helpers';

const FAKE = ['--backend', 'fake'];
const tmp = tempDir('cli');
const scenario = (name: string, s: object): string => tmp.file(`${name}.json`, JSON.stringify(s));

beforeAll(() => {
  cliBin(); // compile once before the first test's clock starts
}, 120_000);
afterAll(() => tmp.cleanup());

describe.concurrent('usage and help', () => {
  it('--help lists every command and the exit statuses; exit 0', async () => {
    const r = await runCli(['--help']);
    expect(r.code).toBe(0);
    for (const c of ['snapshot', 'writers', 'query', 'invoke', 'watch', 'burn', 'recorders', 'assess', 'explain', 'doctor', 'demo']) expect(r.stdout).toContain(`  ${c}`);
    expect(r.stdout).toMatch(/Exit status:[\s\S]*124[\s\S]*130/);
  });

  it('help <command> and <command> --help describe the command; exit 0', async () => {
    for (const args of [['help', 'snapshot'], ['snapshot', '--help']]) {
      const r = await runCli(args);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^Usage: winops snapshot \[options\] <volumes\.\.\.> \[-- command \[args\.\.\.\]\]/);
      expect(r.stdout).toContain('--keep');
    }
  });

  it('--version prints the package version', async () => {
    const r = await runCli(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe((JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version);
  });

  it.each([
    [[], /Usage: winops/],
    [['frobnicate'], /unknown command 'frobnicate'/],
    [['query'], /missing required argument 'query'/],
    [['--bogus', 'recorders'], /unknown option '--bogus'/],
    [['--backend', 'mock', 'recorders'], /--backend.*Allowed choices are fake, native/],
    [[...FAKE, 'burn', 'x.iso', '--timeout', '5 minutes'], /--timeout must be a duration such as 250ms, 30s, 5m or 1h/],
    [[...FAKE, 'snapshot', 'C:', '--writers', 'ignore'], /option '--writers <mode>' argument 'ignore' is invalid\. Allowed choices are require-all, report/],
    [[...FAKE, 'writers', '--timeout', 'soon'], /--timeout must be a duration/],
    [[...FAKE, 'assess', 'job.xml', '--grace', '0s'], /--grace must be longer than 0 ms/],
    [[...FAKE, 'watch', 'SELECT * FROM X', '--count', '0'], /--count must be a whole number/],
    [[...FAKE, 'query', 'SELECT * FROM X', '--', 'echo'], /only 'winops snapshot' runs a command/],
    [[...FAKE, 'explain', 'NOT_A_CODE'], /neither a number .* nor a code name/],
    [['--backend', 'native', '--scenario', 'x.json', 'recorders'], /--scenario scripts the fake backend/],
    [['--scenario', 'does-not-exist.json', 'recorders'], /--scenario: cannot read the scenario file does-not-exist\.json: no such file/],
  ])('%j is a usage error: exit 2, no stack', async (args, message) => {
    const r = await runCli(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(STACK_LINE);
  });
});

describe.concurrent('backend selection', () => {
  it.skipIf(process.platform === 'win32')('off Windows without a backend: exit 3, says how to simulate, never falls back', async () => {
    const r = await runCli(['query', 'SELECT * FROM Win32_OperatingSystem']);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/error: WINOPS_NO_BACKEND/);
    expect(r.stderr).toContain('--backend fake');
    expect(r.stdout).toBe('');
    expect(r.stderr).not.toMatch(STACK_LINE);
  });

  it.skipIf(process.platform === 'win32')('--verbose adds the stack trace', async () => {
    const r = await runCli(['--verbose', 'recorders']);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(STACK_LINE);
  });

  it('the fake says plainly that it simulates, on stderr (stdout stays data)', async () => {
    const r = await runCli([...FAKE, '--json', 'recorders']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(process.platform === 'win32' ? /simulating Windows with the fake backend \(--backend fake\): no real Windows API is called/ : new RegExp(`simulating Windows with the fake backend: this machine runs ${process.platform}, not Windows`));
    expect(() => jsonLines(r.stdout)).not.toThrow();
  });

  it('WINOPS_BACKEND=fake and WINOPS_SCENARIO work as for the library', async () => {
    const r = await runCli(['--json', 'recorders'], { env: { WINOPS_BACKEND: 'fake', WINOPS_SCENARIO: JSON.stringify({ imapi2: { recorders: [{ id: 'R1', volumePaths: ['F:\\'] }, { id: 'R2' }] } }) } });
    expect(r.code).toBe(0);
    expect(jsonLines(r.stdout).map((x) => x.id)).toEqual(['R1', 'R2']);
    expect(r.stderr).toMatch(/simulating/);
  });

  it('--scenario implies the fake', async () => {
    const r = await runCli(['--scenario', scenario('rec', { imapi2: { recorders: [] } }), 'recorders']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/simulating[\s\S]*\(0 recorders\)/);
  });
});

describe.concurrent('query, invoke, watch', () => {
  it('query prints instances like Format-List', async () => {
    const r = await runCli([...FAKE, 'query', 'SELECT Caption, Version FROM Win32_OperatingSystem']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('Win32_OperatingSystem\n  Caption : Microsoft Windows 11 Pro (simulated)\n  Version : 10.0.26100\n');
    expect(r.stderr).toMatch(/\(1 instance\)/);
  });

  it('query --json: one instance object per line, 64-bit integers as strings, datetimes ISO, then end', async () => {
    const r = await runCli([...FAKE, '--json', 'query', 'SELECT * FROM Win32_OperatingSystem', '--namespace', 'root/cimv2']);
    expect(r.code).toBe(0);
    const lines = jsonLines(r.stdout);
    expect(lines.map((l) => l.type)).toEqual(['instance', 'end']);
    expect(lines[0]).toMatchObject({ class: 'Win32_OperatingSystem', namespace: 'root/cimv2' });
    const p = lines[0]!.properties as Record<string, unknown>;
    expect(p.FreePhysicalMemory).toBe('8388608');
    expect(p.LastBootUpTime).toBe('2026-11-01T08:00:00.000Z');
    expect(p.NumberOfProcesses).toBe(3);
    expect(lines[1]).toEqual({ type: 'end', count: 1 });
  });

  it('a failed query prints the code, the HRESULT in hex and the message; exit 1', async () => {
    const r = await runCli([...FAKE, 'query', 'SELECT * FROM Win32_NoSuchClass']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: MI_RESULT_INVALID_CLASS \(0x80041010\) \[mi/m);
    expect(r.stderr).toMatch(/MI_Session_QueryInstances failed: MI_RESULT_INVALID_CLASS \(5\)/);
    expect(r.stderr).not.toMatch(STACK_LINE);
  });

  it('a failed query with --json: an error record with the documented fields', async () => {
    const r = await runCli([...FAKE, '--json', 'query', 'SELECT * FROM Win32_NoSuchClass']);
    expect(r.code).toBe(1);
    const [e] = jsonLines(r.stdout);
    expect(e).toMatchObject({ type: 'error', name: 'MiError', code: 'MI_RESULT_INVALID_CLASS', hresult: '0x80041010', family: 'mi', call: 'MI_Session_QueryInstances', retryable: false, miResult: 5, exitStatus: 1 });
    expect(e!.message).toEqual(expect.stringContaining('Invalid class'));
  });

  it('a remote session needs a password from the environment when there is no terminal, and never prints it', async () => {
    const noPassword = await runCli([...FAKE, 'query', 'SELECT * FROM Win32_OperatingSystem', '--computer', 'srv1', '--user', 'CORP\\alice']);
    expect(noPassword.code).toBe(2);
    expect(noPassword.stderr).toMatch(/no password: set the environment variable WINOPS_PASSWORD/);
    const secret = 'S3cr3t-Pa55';
    const ok = await runCli([...FAKE, '--verbose', 'query', 'SELECT Caption FROM Win32_OperatingSystem', '--computer', 'srv1', '--user', 'CORP\\alice', '--password-env', 'MY_PW'], { env: { MY_PW: secret } });
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('Caption');
    expect(ok.stdout + ok.stderr).not.toContain(secret);
    const unreachable = await runCli(['--scenario', scenario('unreach', { mi: { reachableComputers: ['srv1'] } }), '--verbose', 'query', 'SELECT * FROM Win32_OperatingSystem', '--computer', 'srv2', '--user', 'bob'], { env: { WINOPS_PASSWORD: secret } });
    expect(unreachable.code).toBe(1);
    expect(unreachable.stdout + unreachable.stderr).not.toContain(secret);
  });

  it('invoke passes Name=Value parameters and prints ReturnValue and the out-parameters', async () => {
    const s = scenario('invoke', { mi: { methods: { 'Win32_Process.Create': { returnValue: 0, out: { ProcessId: 4321 } } } } });
    const r = await runCli(['--scenario', s, 'invoke', 'Win32_Process', 'Create', 'CommandLine=notepad.exe', 'CurrentDirectory=C:\\']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('ReturnValue : 0\nProcessId : 4321\n');
    const j = await runCli(['--scenario', s, '--json', 'invoke', 'Win32_Process', 'Create', 'CommandLine=notepad.exe']);
    expect(jsonLines(j.stdout)).toEqual([{ type: 'result', class: 'Win32_Process', method: 'Create', returnValue: 0, out: { ProcessId: 4321 } }]);
  });

  it('invoke of a method that does not exist: exit 1 with the MI code', async () => {
    const r = await runCli([...FAKE, 'invoke', 'Win32_Service', 'NoSuchMethod', '--key', 'Name=Spooler']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/MI_RESULT_METHOD_NOT_FOUND \(0x80041055\)/);
  });

  it('watch --count: one indication object per line, then end; exit 0', async () => {
    const s = scenario('watch', { mi: { indications: { intervalMs: 20 } } });
    const r = await runCli(['--scenario', s, '--json', 'watch', "SELECT * FROM __InstanceCreationEvent WITHIN 1 WHERE TargetInstance ISA 'Win32_Process'", '--count', '3']);
    expect(r.code).toBe(0);
    const lines = jsonLines(r.stdout);
    expect(lines.map((l) => l.type)).toEqual(['indication', 'indication', 'indication', 'end']);
    expect(lines[0]).toMatchObject({ class: '__InstanceCreationEvent', properties: { TargetInstance: { class: 'Win32_Process', properties: { Name: 'notepad.exe' } } } });
  });

  it('watch --timeout: cancelled through the library, outcome printed, exit 124', async () => {
    const s = scenario('watch-timeout', { mi: { indications: { intervalMs: 1 } } });
    const r = await runCli(['--scenario', s, '--json', 'watch', 'SELECT * FROM __InstanceCreationEvent WITHIN 1', '--timeout', '300ms']);
    expect(r.code).toBe(124);
    const lines = jsonLines(r.stdout);
    const last = lines.at(-1)!;
    expect(last).toMatchObject({ type: 'cancelled', reason: 'timeout', outcome: { family: 'mi', status: 'cancelled', reason: 'timeout' } });
    expect(lines.filter((l) => l.type === 'indication').length).toBeGreaterThan(0);
  });
});

describe.concurrent('recorders and burn', () => {
  const image = tmp.file('image.iso', Buffer.alloc(2048 * 1000));
  const fast = scenario('burn-fast', { imapi2: { updateIntervalMs: 10, sectorsPerUpdate: 100 } });

  it('recorders: one line per recorder, JSON shape', async () => {
    const r = await runCli([...FAKE, 'recorders']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^E:\\\tWINOPS Simulated DVD-RW 1\.00\tDVDPLUSR blank 4\.4 GiB free of 4\.4 GiB\t\{6D3F9A31-/);
    const j = await runCli([...FAKE, '--json', 'recorders']);
    expect(jsonLines(j.stdout)[0]).toMatchObject({ type: 'recorder', id: expect.any(String), vendorId: 'WINOPS', volumePaths: ['E:\\'], media: { physicalType: 'DVDPLUSR', present: true, blank: true, freeSectors: expect.any(Number) } });
  });

  it('burn without a terminal: plain progress lines on stderr, the result on stdout', async () => {
    const r = await runCli(['--scenario', fast, 'burn', image, '--recorder', 'E:']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('burned 1000 sectors (S_OK)\n');
    const lines = r.stderr.split('\n').filter((l) => l.startsWith('burn: '));
    expect(lines.length).toBeGreaterThanOrEqual(5);
    expect(lines[0]).toMatch(/^burn: \d+% writing-data \(\d+\/1000 sectors\)$/);
    expect(lines.at(-1)).toBe('burn: 100% completed (1000/1000 sectors)');
    expect(r.stderr).not.toMatch(/\u001b\[|█|░/); // no bar, no cursor control
  });

  it('--progress bar draws a cli-progress bar', async () => {
    const r = await runCli(['--scenario', fast, '--progress', 'bar', 'burn', image]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/burn \[[█░]+\] 100% \| completed 1000\/1000 sectors/);
  });

  it('--progress none: no progress at all', async () => {
    const r = await runCli(['--scenario', fast, '--progress', 'none', 'burn', image]);
    expect(r.code).toBe(0);
    expect(r.stderr).not.toMatch(/burn:|burn \[/);
  });

  it('burn --json: progress records, then the result', async () => {
    const r = await runCli(['--scenario', fast, '--json', 'burn', image]);
    expect(r.code).toBe(0);
    const lines = jsonLines(r.stdout);
    const progress = lines.filter((l) => l.type === 'progress');
    expect(progress.length).toBeGreaterThanOrEqual(5);
    expect(progress[0]).toMatchObject({ family: 'imapi2', percent: expect.any(Number), action: 'writing-data', sectorCount: 1000 });
    expect(lines.at(-1)).toMatchObject({ type: 'result', hresult: '0x00000000', code: 'S_OK', sectors: 1000, updates: expect.any(Number) });
  });

  it('a failed burn: code, hex HRESULT, message; exit 1', async () => {
    const s = scenario('burn-fail', { imapi2: { updateIntervalMs: 10, sectorsPerUpdate: 100, failAtUpdate: { update: 3, code: 'E_IMAPI_LOSS_OF_STREAMING' } } });
    const r = await runCli(['--scenario', s, 'burn', image]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: E_IMAPI_LOSS_OF_STREAMING \(0xC0AA0300\) \[imapi2/m);
    expect(r.stderr).not.toMatch(STACK_LINE);
  });

  it('burn --timeout: cancelled, outcome printed, exit 124', async () => {
    const s = scenario('burn-slow', { imapi2: { updateIntervalMs: 50, sectorsPerUpdate: 10 } });
    const r = await runCli(['--scenario', s, '--json', 'burn', image, '--timeout', '300ms']);
    expect(r.code).toBe(124);
    expect(jsonLines(r.stdout).at(-1)).toMatchObject({ type: 'cancelled', reason: 'timeout', outcome: { family: 'imapi2', status: 'cancelled', hresult: '0xC0AA0002' } });
  });
});

describe.concurrent('assess', () => {
  const job = tmp.file('job.xml', jobManifest('CLI job', ['Boot Performance', 'Disk Footprint']));
  const quick = scenario('axe-quick', { axe: { assessments: { 'Boot Performance': { durationMs: 60 }, 'Disk Footprint': { durationMs: 60 } } } });

  it('runs the job with events and a summary', async () => {
    const r = await runCli(['--scenario', quick, 'assess', job]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('job CLI job: 2 assessments run, 0 failed; results in C:\\Users\\Public\\Assessments\\CLI job.xml\n');
    expect(r.stderr).toMatch(/\[1\/2\] Boot Performance: started[\s\S]*\[1\/2\] Boot Performance: S_OK, exit code 0[\s\S]*\[2\/2\] Disk Footprint: S_OK/);
    expect(r.stderr).toMatch(/^assess: \d+% Boot Performance$/m);
  });

  it('--json: job, events (the library\'s AxeEvent, its type as the record type), progress and result records', async () => {
    const r = await runCli(['--scenario', quick, '--json', 'assess', job]);
    expect(r.code).toBe(0);
    const lines = jsonLines(r.stdout);
    expect(lines[0]).toEqual({ type: 'job', name: 'CLI job', assessments: [{ index: 0, name: 'Boot Performance' }, { index: 1, name: 'Disk Footprint' }] });
    const events = lines.filter((l) => l.family === 'axe' && l.type !== 'progress').map((l) => l.type);
    expect(events).toEqual(['job-begin', 'assessment-begin', 'assessment-end', 'assessment-begin', 'assessment-end', 'job-end']);
    expect(lines.some((l) => 'event' in l)).toBe(false);
    expect(lines.find((l) => l.type === 'assessment-begin')).toEqual({ type: 'assessment-begin', family: 'axe', index: 0, name: 'Boot Performance' });
    expect(lines.find((l) => l.type === 'assessment-end')).toEqual({ type: 'assessment-end', family: 'axe', index: 0, name: 'Boot Performance', code: 'S_OK', hresult: '0x00000000', exitCode: 0 });
    expect(lines.find((l) => l.type === 'progress')).toMatchObject({ family: 'axe', index: 0, progressType: 'Percent', value: expect.any(Number), name: 'Boot Performance', percent: expect.any(Number) });
    expect(lines.at(-1)).toMatchObject({ type: 'result', job: 'CLI job', executedAssessments: 2, failedAssessments: 0, assessments: [{ name: 'Boot Performance', code: 'S_OK' }, { name: 'Disk Footprint', code: 'S_OK' }] });
  });

  it('a failed assessment: exit 1 with the job code', async () => {
    const s = scenario('axe-fail', { axe: { assessments: { 'Boot Performance': { durationMs: 30 }, 'Disk Footprint': { durationMs: 30, error: 'AXE_E_ASSESSMENT_CRASHED' } } } });
    const r = await runCli(['--scenario', s, 'assess', job]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: AXE_E_JOB_ASSESSMENTS_FAILED/m);
    expect(r.stderr).toMatch(/Disk Footprint: AXE_E_ASSESSMENT_CRASHED/);
  });

  it('AXE not installed: exit 3 and how to install it', async () => {
    const r = await runCli(['--scenario', scenario('no-axe', { axe: { available: false } }), 'assess', job]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/WINOPS_AXE_UNAVAILABLE[\s\S]*Windows ADK/);
  });

  it('a manifest that does not exist: exit 1 with the Win32 error as an HRESULT', async () => {
    const r = await runCli([...FAKE, 'assess', join(tmp.dir, 'missing.xml')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/\(0x80070002\)/);
  });

  it('--timeout climbs the ladder; --terminate-after takes the rest of it at once (AxeRun.escalate()): exit 124', async () => {
    // Held: the assessment never ends by itself, so only TerminateJob ends the job.
    const s = scenario('axe-stuck', { axe: { assessments: { 'Boot Performance': { durationMs: 0, hold: true, honoursCancel: false } } } });
    const r = await runCli(['--scenario', s, '--json', 'assess', job, '--timeout', '200ms', '--grace', '30s', '--terminate-after', '200ms']);
    expect(r.code).toBe(124);
    const last = jsonLines(r.stdout).at(-1)!;
    expect(last).toMatchObject({
      type: 'cancelled', reason: 'timeout', outcome: { family: 'axe', status: 'cancelled', endedBy: 'terminate-job', jobCode: 'AXE_E_JOB_CANCELED' },
      cli: { escalated: [{ by: '--terminate-after', step: 'cancel-job' }, { by: '--terminate-after', step: 'terminate-job' }] },
    });
    expect((last.outcome as { steps: { step: string }[] }).steps.map((x) => x.step)).toEqual(['cancel-assessment', 'cancel-job', 'terminate-job']);
  });
});

describe.concurrent('shadows', () => {
  const SET = '7d3c1b2a-0f4e-4c6d-9a8b-1e2f3a4b5c6d';
  const A = '0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9';
  const B = '9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a';
  const two = { snapshotSetId: SET, originatingMachine: 'BACKUPHOST', createdAt: '2026-11-30T08:15:00Z' };

  it('shadows list: one line per shadow copy (id, volume, time, set, attributes, device); --json records', async () => {
    const s = scenario('shadows-two', { vss: { shadowCopies: [{ ...two, snapshotId: A, volume: 'C:\\' }, { ...two, snapshotId: B, volume: 'D:\\', attributes: 0x9 }] } });
    const r = await runCli(['--scenario', s, 'shadows', 'list']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      `{${A}}\tC:\\\t2026-11-30T08:15:00.000Z\tset {${SET}} (2)\tpersistent,clientAccessible,noAutoRelease,noWriters\t\\\\?\\GLOBALROOT\\Device\\HarddiskVolumeShadowCopy100\n` +
        `{${B}}\tD:\\\t2026-11-30T08:15:00.000Z\tset {${SET}} (2)\tpersistent,noAutoRelease\t\\\\?\\GLOBALROOT\\Device\\HarddiskVolumeShadowCopy101\n`,
    );
    expect(r.stderr).toMatch(/\(2 shadow copies\)/);
    const app = await runCli(['--scenario', s, '--json', 'shadows', 'list', '--context', 'app-rollback']);
    expect(app.code).toBe(0);
    expect(jsonLines(app.stdout).filter((l) => l.type === 'shadowCopy').map((l) => l.snapshotId)).toEqual([B]);
  });

  it('shadows delete --snapshot deletes one; --set stops at an undeletable copy: exit 1 naming it and the count', async () => {
    const s = scenario('shadows-delete', { vss: { shadowCopies: [{ ...two, snapshotId: A, volume: 'C:\\' }, { ...two, snapshotId: B, volume: 'D:\\' }], undeletable: { [B]: 'VSS_E_PROVIDER_VETO' } } });
    const one = await runCli(['--scenario', s, 'shadows', 'delete', '--snapshot', `{${A}}`]);
    expect(one.code).toBe(0);
    expect(one.stdout).toBe('deleted 1 shadow copy\n');
    const set = await runCli(['--scenario', s, 'shadows', 'delete', '--set', SET, '--force']);
    expect(set.code).toBe(1);
    expect(set.stderr).toMatch(/VSS_E_PROVIDER_VETO/);
    expect(set.stderr).toContain(`1 shadow copy deleted before it stopped; ${B} was not deleted`);
  });

  it('shadows delete: usage errors (exit 2) for no target, two targets and a malformed id', async () => {
    for (const args of [[], ['--snapshot', A, '--set', SET], ['--snapshot', 'nope']]) {
      const r = await runCli([...FAKE, 'shadows', 'delete', ...args]);
      expect(r.code, args.join(' ')).toBe(2);
    }
    const bad = await runCli([...FAKE, 'shadows', 'delete', '--snapshot', 'nope']);
    expect(bad.stderr).toMatch(/--snapshot: must be a GUID/);
  });

  it('shadows list --timeout while Query is held: exit 124, outcome in-background, and the CLI says Query goes on', async () => {
    const s = scenario('shadows-held', { vss: { holdCalls: ['querySnapshots'] } });
    const r = await runCli(['--scenario', s, 'shadows', 'list', '--timeout', '200ms']);
    expect(r.code).toBe(124);
    expect(r.stderr).toMatch(/outcome: vss: status=in-background step=querySnapshots/);
    expect(r.stderr).toMatch(/IVssBackupComponents::Query has no cancel: it was still running when winops stopped waiting/);
  });
});

describe.concurrent('snapshot', () => {
  it('--keep: prints each volume and device path, leaves persistent copies; exit 0', async () => {
    const report = join(tmp.dir, 'keep-report.json');
    const r = await runCli([...FAKE, 'snapshot', 'C:', 'd:\\', '--keep'], { env: { WINOPS_FAKE_REPORT: report } });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^C:\\\t\\\\\?\\GLOBALROOT\\Device\\HarddiskVolumeShadowCopy\d+\nD:\\\t\\\\\?\\GLOBALROOT\\Device\\HarddiskVolumeShadowCopy\d+\n$/);
    expect(r.stderr).toMatch(/stay on the system; to delete them:\n  winops shadows delete --set [0-9a-f-]{36}\n/);
    const rep = readReport(report);
    expect(rep.shadowCopies).toHaveLength(2);
    expect(rep.openHandles).toEqual([]);
    expect(rep.violations).toEqual([]);
  });

  it('--json: the set as one object, then released', async () => {
    const r = await runCli([...FAKE, '--json', 'snapshot', 'C:\\', '--keep']);
    expect(r.code).toBe(0);
    const lines = jsonLines(r.stdout);
    expect(lines.filter((l) => l.type === 'progress').map((l) => l.step)).toEqual(['createBackupComponents', 'initializeForBackup', 'setContext', 'startSnapshotSet', 'addToSnapshotSet', 'setBackupState', 'prepareForBackup', 'doSnapshotSet', 'getSnapshotProperties']);
    const set = lines.find((l) => l.type === 'snapshot-set')!;
    expect(set).toMatchObject({ id: expect.any(String), persistent: true, snapshots: [{ volume: 'C:\\', snapshotId: expect.any(String), deviceObject: expect.stringMatching(/^\\\\\?\\GLOBALROOT\\Device\\HarddiskVolumeShadowCopy\d+$/), originatingMachine: 'FAKEHOST', createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) }] });
    expect(lines.at(-1)).toEqual({ type: 'released', id: set.id, persistent: true });
  });

  it('-- COMMAND runs while the set exists, with the paths in its environment and arguments; its status is ours', async () => {
    const report = join(tmp.dir, 'cmd-report.json');
    const script = 'console.log(process.env.WINOPS_SHADOW_C + "|" + process.argv[1] + "|" + process.env.WINOPS_SNAPSHOT_SET_ID); process.exit(7)';
    const r = await runCli([...FAKE, 'snapshot', 'C:', '--', process.execPath, '-e', script, '{shadow:C}\\Users'], { env: { WINOPS_FAKE_REPORT: report } });
    expect(r.code).toBe(7);
    const [shadow, arg, setId] = r.stdout.trim().split('\n').at(-1)!.split('|');
    expect(shadow).toMatch(/^\\\\\?\\GLOBALROOT\\Device\\HarddiskVolumeShadowCopy\d+$/);
    expect(arg).toBe(`${shadow}\\Users`);
    expect(r.stdout).toContain(`C:\\\t${shadow}`);
    expect(r.stderr).toContain(`snapshot set ${setId} released`);
    const rep = readReport(report);
    expect(rep.shadowCopies).toEqual([]);
    expect(rep.openHandles).toEqual([]);
  });

  it('with --json the command output goes to stderr, so stdout stays JSON', async () => {
    const r = await runCli([...FAKE, '--json', 'snapshot', 'C:', '--', process.execPath, '-e', 'console.log("from the command")']);
    expect(r.code).toBe(0);
    const types = jsonLines(r.stdout).map((l) => l.type);
    expect(types.slice(-4)).toEqual(['snapshot-set', 'command-started', 'command-exited', 'released']);
    expect(r.stderr).toContain('from the command');
  });

  it('a command that cannot start: exit 127, the set is still released', async () => {
    const report = join(tmp.dir, 'nocmd-report.json');
    const r = await runCli([...FAKE, 'snapshot', 'C:', '--', 'winops-no-such-command-xyz'], { env: { WINOPS_FAKE_REPORT: report } });
    expect(r.code).toBe(127);
    expect(r.stderr).toMatch(/could not run winops-no-such-command-xyz: .*ENOENT/);
    expect(readReport(report).shadowCopies).toEqual([]);
  });

  it('--timeout during creation: cancelled through the library, outcome printed, nothing left; exit 124', async () => {
    const report = join(tmp.dir, 'timeout-report.json');
    // The flow reaches DoSnapshotSet at once (no time in the steps before it) and is held there: the timeout lands in it.
    const s = scenario('vss-slow', { vss: { steps: { gatherWriterMetadata: { durationMs: 0 }, prepareForBackup: { durationMs: 0 }, doSnapshotSet: { hold: true } } } });
    const r = await runCli(['--scenario', s, 'snapshot', 'C:', '--timeout', '300ms'], { env: { WINOPS_FAKE_REPORT: report } });
    expect(r.code).toBe(124);
    expect(r.stderr).toMatch(/timed out: vss\.createSnapshotSet was cancelled during doSnapshotSet/);
    expect(r.stderr).toMatch(/outcome: vss: status=cancelled step=doSnapshotSet hresult=0x00000000 code=S_OK backupAborted=true/);
    expect(r.stdout).toBe('');
    const rep = readReport(report);
    expect(rep.shadowCopies).toEqual([]);
    expect(rep.openHandles).toEqual([]);
    expect(rep.calls).toContain('IVssBackupComponents::AbortBackup');
  });

  it('--timeout while the command runs: the command is stopped, the set released; exit 124', async () => {
    const report = join(tmp.dir, 'cmd-timeout-report.json');
    const r = await runCli([...FAKE, 'snapshot', 'C:', '--timeout', '1s', '--', process.execPath, '-e', 'setTimeout(() => {}, 30000)'], { env: { WINOPS_FAKE_REPORT: report } });
    expect(r.code).toBe(124);
    expect(r.stderr).toMatch(/--timeout: stopping/);
    expect(readReport(report).shadowCopies).toEqual([]);
  });

  it('a VSS failure: code, hex HRESULT and message; exit 1; nothing left behind', async () => {
    const report = join(tmp.dir, 'veto-report.json');
    const s = scenario('veto', { vss: { steps: { doSnapshotSet: { fail: 'VSS_E_PROVIDER_VETO' } } } });
    const r = await runCli(['--scenario', s, 'snapshot', 'C:'], { env: { WINOPS_FAKE_REPORT: report } });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: VSS_E_PROVIDER_VETO \(0x80042306\) \[vss, retryable\]$/m);
    expect(r.stderr).not.toMatch(STACK_LINE);
    expect(readReport(report)).toMatchObject({ shadowCopies: [], openHandles: [] });
  });

  it('a volume VSS cannot shadow-copy: exit 1 with its code', async () => {
    const s = scenario('unsupported', { vss: { unsupportedVolumes: ['D:\\'] } });
    const r = await runCli(['--scenario', s, 'snapshot', 'C:', 'D:']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/VSS_E_VOLUME_NOT_SUPPORTED \(0x8004230C\)/);
  });

  it('a volume named twice is a usage error', async () => {
    const r = await runCli([...FAKE, 'snapshot', 'C:', 'c:\\']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/names C:\\ twice/);
  });
});

describe.concurrent('writers', () => {
  it('lists each writer with its state: the fake\'s two writers are stable; exit 0', async () => {
    const r = await runCli([...FAKE, 'writers']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('System Writer\tstable\nRegistry Writer\tstable\n');
    expect(r.stderr).toMatch(/^writers: 100% gatherWriterStatus$/m);
    expect(r.stderr).toMatch(/\(2 writers, 0 failed\)/);
    expect(r.stderr).not.toMatch(/writers? (is|are) failed/);
  });

  it('--json: one writer record per writer with the library\'s fields, HRESULTs in hex', async () => {
    const r = await runCli([...FAKE, '--json', 'writers']);
    expect(r.code).toBe(0);
    const lines = jsonLines(r.stdout);
    expect(lines.filter((l) => l.type === 'progress').map((l) => l.step)).toEqual(['createBackupComponents', 'initializeForBackup', 'gatherWriterMetadata', 'gatherWriterStatus']);
    const writers = lines.filter((l) => l.type === 'writer');
    expect(writers.map((w) => w.name)).toEqual(['System Writer', 'Registry Writer']);
    expect(writers[0]).toEqual({
      type: 'writer', name: 'System Writer', writerId: 'e8132975-6f93-4464-a53e-1050253ae220', instanceId: 'a5b2e4cc-7f1c-4a9b-8f0e-2c4d7b0e9a11',
      state: 'stable', stateValue: 1, failed: false, failure: { hresult: '0x00000000', code: 'S_OK' }, retryable: false, after: 'gatherWriterMetadata',
      application: { hresult: '0x00000000', code: 'S_OK', message: '' },
    });
  });

  it('a failing GetWriterStatus: exit 1 with its code; nothing left behind', async () => {
    const report = join(tmp.dir, 'writers-fail-report.json');
    const r = await runCli(['--scenario', scenario('writers-fail', { vss: { failCall: { getWriterStatus: 'E_ACCESSDENIED' } } }), 'writers'], { env: { WINOPS_FAKE_REPORT: report } });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: E_ACCESSDENIED \(0x80070005\)/m);
    expect(r.stdout).toBe('');
    expect(readReport(report)).toMatchObject({ shadowCopies: [], openHandles: [] });
  });

  it('--timeout: cancelled through the library, outcome printed; exit 124', async () => {
    const s = scenario('writers-slow', { vss: { steps: { gatherWriterMetadata: { hold: true } } } });
    const r = await runCli(['--scenario', s, 'writers', '--timeout', '300ms']);
    expect(r.code).toBe(124);
    expect(r.stderr).toMatch(/timed out: vss\.writers was cancelled during gatherWriterMetadata/);
    expect(r.stderr).toMatch(/outcome: vss: status=cancelled step=gatherWriterMetadata/);
    expect(r.stdout).toBe('');
  });

  it('help says when it exits 1 and that status outside a backup may be stale', async () => {
    const r = await runCli(['writers', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Exit status 1 when a writer is failed/);
    expect(r.stdout.replace(/\s+/g, ' ')).toContain('"might reflect conditions that do not indicate failure in the current operation"');
  });
});

describe.concurrent('snapshot: writers', () => {
  const sqlWriter = { name: 'SQL Writer', writerId: 'a65faa63-5ea8-4ebc-9dbd-a0c4db26912a', instanceId: '0f3c2b1a-9e8d-4c7b-a6f5-e4d3c2b1a098' };
  const systemWriter = { name: 'System Writer', writerId: 'e8132975-6f93-4464-a53e-1050253ae220', instanceId: 'a5b2e4cc-7f1c-4a9b-8f0e-2c4d7b0e9a11' };
  const freezeTimeout = scenario('writer-freeze', { vss: { writers: [systemWriter, { ...sqlWriter, failAt: 'freeze', failure: 'VSS_E_WRITERERROR_TIMEOUT' }] } });

  it('a writer that fails at freeze fails the snapshot (default --writers require-all): WINOPS_WRITER_FAILED names it; exit 1; nothing left', async () => {
    const report = join(tmp.dir, 'writer-freeze-report.json');
    const r = await runCli(['--scenario', freezeTimeout, 'snapshot', 'C:\\'], { env: { WINOPS_FAKE_REPORT: report } });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: WINOPS_WRITER_FAILED \(0x800423F2\) \[vss, retryable\]$/m);
    expect(r.stderr).toMatch(/1 writer failed after DoSnapshotSet: SQL Writer \(failed-at-freeze, VSS_E_WRITERERROR_TIMEOUT\)/);
    expect(r.stderr).toContain('--writers report');
    expect(r.stderr).not.toContain('System Writer');
    expect(r.stderr).not.toMatch(STACK_LINE);
    expect(r.stdout).toBe('');
    const rep = readReport(report);
    expect(rep).toMatchObject({ shadowCopies: [], openHandles: [], violations: [] });
    expect(rep.calls).toContain('IVssBackupComponents::AbortBackup');
  });

  it('--json: the error record carries failedWriters', async () => {
    const r = await runCli(['--scenario', freezeTimeout, '--json', 'snapshot', 'C:\\']);
    expect(r.code).toBe(1);
    const e = jsonLines(r.stdout).at(-1)!;
    expect(e).toMatchObject({ type: 'error', name: 'VssWriterError', code: 'WINOPS_WRITER_FAILED', hresult: '0x800423F2', family: 'vss', retryable: true, after: 'doSnapshotSet', exitStatus: 1 });
    expect(e.failedWriters).toEqual([expect.objectContaining({ name: 'SQL Writer', state: 'failed-at-freeze', failed: true, failure: { hresult: '0x800423F2', code: 'VSS_E_WRITERERROR_TIMEOUT' } })]);
  });

  it('--writers report keeps the set and warns, naming the writer, its state and its failure; exit 0', async () => {
    const report = join(tmp.dir, 'writer-report-report.json');
    const r = await runCli(['--scenario', freezeTimeout, 'snapshot', 'C:\\', '--writers', 'report', '--', process.execPath, '-e', 'console.log("ran")'], { env: { WINOPS_FAKE_REPORT: report } });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^C:\\\t\\\\\?\\GLOBALROOT\\Device\\HarddiskVolumeShadowCopy\d+\nran\n$/);
    const warnings = r.stderr.split('\n').filter((l) => l.startsWith('winops: warning:'));
    expect(warnings).toEqual(['winops: warning: writer SQL Writer failed after DoSnapshotSet: failed-at-freeze, VSS_E_WRITERERROR_TIMEOUT (0x800423F2); the shadow copies are not application-consistent for its data']);
    expect(r.stderr).not.toMatch(/^error:/m);
    expect(r.stderr).toMatch(/snapshot set .* released/);
    expect(readReport(report)).toMatchObject({ shadowCopies: [], openHandles: [] });
  });

  it('--writers report with --json: the snapshot-set record lists failedWriters; the application code and message are in the warning', async () => {
    const s = scenario('writer-app', { vss: { writers: [{ ...sqlWriter, failAt: 'prepareSnapshot', failure: 'VSS_E_WRITERERROR_NONRETRYABLE', applicationHr: 'E_FAIL', applicationMessage: 'database offline' }] } });
    const r = await runCli(['--scenario', s, '--json', 'snapshot', 'C:\\', '--writers', 'report', '--', process.execPath, '-e', '0']);
    expect(r.code).toBe(0);
    const set = jsonLines(r.stdout).find((l) => l.type === 'snapshot-set')!;
    expect(set.failedWriters).toEqual([expect.objectContaining({ name: 'SQL Writer', state: 'failed-at-prepare-snapshot', after: 'doSnapshotSet', application: { hresult: '0x80004005', code: 'E_FAIL', message: 'database offline' } })]);
    expect(r.stderr).toContain('winops: warning: writer SQL Writer failed after DoSnapshotSet: failed-at-prepare-snapshot, VSS_E_WRITERERROR_NONRETRYABLE (0x800423F4), application E_FAIL (0x80004005): database offline;');
  });

  it('a writer that fails at BackupComplete: the default exits 1 after the release; --writers report warns at the release', async () => {
    const s = scenario('writer-complete', { vss: { writers: [{ ...sqlWriter, failAt: 'backupComplete' }] } });
    const strict = await runCli(['--scenario', s, 'snapshot', 'C:\\', '--', process.execPath, '-e', '0']);
    expect(strict.code).toBe(1);
    expect(strict.stderr).toMatch(/^error: WINOPS_WRITER_FAILED \(0x800423F3\)/m);
    expect(strict.stderr).toMatch(/1 writer failed after BackupComplete: SQL Writer \(failed-at-backup-complete, VSS_E_WRITERERROR_RETRYABLE\); the set was released/);
    const lenient = await runCli(['--scenario', s, '--json', 'snapshot', 'C:\\', '--writers', 'report', '--', process.execPath, '-e', '0']);
    expect(lenient.code).toBe(0);
    const released = jsonLines(lenient.stdout).at(-1)!;
    expect(released).toMatchObject({ type: 'released', failedWriters: [{ name: 'SQL Writer', state: 'failed-at-backup-complete', after: 'backupComplete' }] });
    expect(lenient.stderr).toMatch(/winops: warning: writer SQL Writer failed after BackupComplete: failed-at-backup-complete, VSS_E_WRITERERROR_RETRYABLE \(0x800423F3\); its own BackupComplete processing failed/);
  });

  it('healthy writers: no warning; the writer status checks show as progress at the call they follow', async () => {
    const r = await runCli([...FAKE, 'snapshot', 'C:\\', '--', process.execPath, '-e', '0']);
    expect(r.code).toBe(0);
    expect(r.stderr).not.toMatch(/warning/);
    expect(r.stderr).toMatch(/^snapshot: 80% prepareForBackup\nsnapshot: 80% gatherWriterStatus \(after prepareForBackup\)\nsnapshot: 90% doSnapshotSet\nsnapshot: 90% gatherWriterStatus \(after doSnapshotSet\)\nsnapshot: 100% getSnapshotProperties$/m);
  });
});

describe.concurrent('demo', () => {
  it('runs all four families with a cancel each, on the fake where Windows is absent', async () => {
    // Where Windows is present the demo runs the real APIs unless told otherwise.
    const r = await runCli(process.platform === 'win32' ? ['--backend', 'fake', 'demo'] : ['demo'], { timeoutMs: 20_000 });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/simulating Windows/);
    expect(r.stdout).toMatch(/cancel outcome \(op\.cancel\(\)\): vss: status=cancelled step=doSnapshotSet/);
    expect(r.stdout).toMatch(/cancel outcome \(stream\.cancel\(\)\): mi: status=cancelled/);
    expect(r.stdout).toMatch(/cancel outcome \(op\.cancel\(\)\): imapi2: status=cancelled .*hresult=0xC0AA0002/);
    expect(r.stdout).toMatch(/cancel outcome \(run\.cancel\(\)\): axe: status=cancelled endedBy=terminate-job/);
    expect(r.stdout).toMatch(/demo done\n$/);
  }, 25_000);
});
