// winops doctor as a process: the table on the fake (said to be the fake), --json records, the exit statuses, and
// the one-line report when no backend can run.
import { beforeAll, describe, expect, it } from 'vitest';
import { cliBin, jsonLines, runCli, STACK_LINE } from './helpers';

beforeAll(() => {
  cliBin();
}, 120_000);

describe.concurrent('winops doctor', () => {
  it('--help lists doctor', async () => {
    const r = await runCli(['--help']);
    expect(r.stdout).toMatch(/\n {2}doctor +what runs where/);
  });

  it('on the fake: a table of every check, the fake named first, exit 0', async () => {
    const r = await runCli(['--backend', 'fake', 'doctor']);
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^backend +warn +fake: every line below is the SIMULATED machine/);
    expect(lines[1]).toMatch(/^ +-> on Windows run `winops doctor --backend native`/);
    for (const check of ['os', 'architecture', 'host', 'addon', 'elevation', 'backup privileges', 'VSS service', 'VSS API', 'VSS providers', 'mi.dll', 'Winmgmt service', 'WinRM service', 'IMAPI2 classes', 'recorders', 'AXE', 'COM security']) {
      expect(lines.some((l) => l.startsWith(`${check} `)), check).toBe(true);
    }
    expect(r.stderr).toMatch(/simulating Windows/);
    expect(r.stderr).toMatch(/\(17 checks: 0 error, 0 missing, 2 warn; SIMULATED by the fake backend\)/);
  });

  it('--json (before or after the command): one check record per line, then the summary', async () => {
    for (const args of [['--backend', 'fake', '--json', 'doctor'], ['--backend', 'fake', 'doctor', '--json']]) {
      const r = await runCli(args);
      expect(r.code).toBe(0);
      const recs = jsonLines(r.stdout);
      expect(recs.at(-1)).toEqual({ type: 'doctor', backend: 'fake', simulated: true, ok: true });
      const checks = recs.slice(0, -1);
      expect(checks).toHaveLength(17);
      for (const c of checks) {
        expect(c.type).toBe('check');
        expect(Object.keys(c).every((k) => ['type', 'check', 'status', 'detail', 'next'].includes(k))).toBe(true);
        if (c.status !== 'ok') expect(typeof c.next).toBe('string');
      }
    }
  });

  it('a scenario with AXE absent and no recorders: MISSING lines with their next step, still exit 0', async () => {
    const r = await runCli(['--backend', 'fake', 'doctor'], { env: { WINOPS_SCENARIO: JSON.stringify({ axe: { available: false }, imapi2: { recorders: [] } }) } });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^AXE +MISSING +AXE is not installed/m);
    expect(r.stdout).toMatch(/^recorders +MISSING +no disc recorder\n +-> connect an optical drive/m);
  });

  it.skipIf(process.platform === 'win32')('off Windows without a backend: one ERROR line with the way on, exit 3', async () => {
    const r = await runCli(['doctor']);
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(/^backend +ERROR +WINOPS_NO_BACKEND: /);
    expect(r.stdout).toMatch(/winops --backend fake doctor/);
    expect(r.stderr).not.toMatch(STACK_LINE);
    const j = await runCli(['--json', 'doctor']);
    expect(j.code).toBe(3);
    expect(jsonLines(j.stdout)).toEqual([
      expect.objectContaining({ type: 'check', check: 'backend', status: 'error' }),
      { type: 'doctor', backend: null, simulated: false, ok: false },
    ]);
  });
});
