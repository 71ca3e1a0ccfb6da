// winops on a real terminal (a tmux pane): the progress bar with Ctrl+C and with a failure prints every line the
// piped mode prints, ^C does not overwrite anything, notes wrap instead of being cut, and `npm exec` + Ctrl+C on a
// held snapshot set exits 0. Every wait is for what the screen shows; the scenarios hold their operations, so nothing
// depends on how long anything takes.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { CliProcess, cliBin, jobManifest, tempDir } from './helpers';
import { Pane, tmuxVersion } from './tmux';

const tmux = tmuxVersion();
const tmp = tempDir('terminal');
const panes: Pane[] = [];
const pane = (command: readonly string[], width: number, height = 60): Pane => {
  const p = new Pane(tmp.dir, command, { width, height, cwd: tmp.dir });
  panes.push(p);
  return p;
};
const winops = (...args: string[]): string[] => [process.execPath, cliBin(), ...args];

beforeAll(() => {
  cliBin();
}, 120_000);
afterEach(() => {
  for (const p of panes.splice(0)) p.close();
});
afterAll(() => tmp.cleanup());

// CI installs what it needs, so there a missing tmux is a failure; elsewhere the terminal tests say why they skip.
it.runIf(process.env.CI === 'true' && process.platform !== 'win32')('tmux is installed (CI runs the terminal tests)', () => {
  expect(tmux, 'tmux is needed for test/cli/terminal.test.ts: install it (apt-get install tmux)').toBeDefined();
});

/** The lines of a piped run, less its progress lines (the bar's counterpart), with timings made comparable. */
const comparable = (lines: readonly string[]): string[] =>
  lines
    // The hint comes REPEAT_WINDOW_MS after a Ctrl+C if the cancel still runs then: whether it does is timing.
    .filter((l) => l !== '' && !/^assess: \d+% /.test(l) && !/^assess \[/.test(l) && !/^winops: (press Ctrl\+C again|still cancelling)/.test(l))
    .map((l) => l.replace(/@\d+ms/g, '@Nms'));

async function piped(args: readonly string[], interruptWhen?: RegExp): Promise<{ code: number | null; lines: string[] }> {
  const p = new CliProcess(args, { cwd: tmp.dir });
  if (interruptWhen) {
    await p.waitFor('stderr', interruptWhen, 30_000);
    p.interrupt();
  }
  const r = await p.exited;
  return { code: r.code, lines: `${r.stdout}${r.stderr}`.split('\n') };
}

describe.skipIf(tmux === undefined || process.platform === 'win32')(`on a terminal (tmux${tmux === undefined ? ' is not installed: skipped' : ''})`, { timeout: 90_000 }, () => {
  const job = tmp.file('job.xml', jobManifest('Terminal job', ['Long One']));
  const held = tmp.file('held.json', JSON.stringify({ axe: { assessments: { 'Long One': { durationMs: 0, hold: true } } } }));
  const failing = tmp.file('failing.json', JSON.stringify({ axe: { assessments: { 'Long One': { durationMs: 0, error: 'AXE_E_ASSESSMENT_CRASHED' } } } }));

  it('assess with the bar and Ctrl+C: every line of the piped mode, the bar finished before the outcome, no ^C left', async () => {
    const p = pane(winops('--scenario', held, 'assess', job), 220);
    await p.waitFor(/^\[1\/1\] Long One: started$[\s\S]*^assess \[/m);
    p.ctrlC();
    const { status, lines } = await p.exitStatus();
    expect(status).toBe(130);
    const bars = lines.filter((l) => /^assess \[[█░]+\] \d+% \|/.test(l));
    expect(bars).toHaveLength(1);
    const at = (re: RegExp): number => lines.findIndex((l) => re.test(l));
    expect(at(/^job end: AXE_E_JOB_ASSESSMENTS_FAILED$/)).toBeLessThan(lines.indexOf(bars[0]!));
    expect(lines.indexOf(bars[0]!)).toBeLessThan(at(/^winops: cancelled by Ctrl\+C: /));
    expect(lines.join('\n')).not.toContain('^C');
    const reference = await piped(['--scenario', held, 'assess', job], /\[1\/1\] Long One: started/);
    expect(reference.code).toBe(130);
    expect(comparable(lines)).toEqual(comparable(reference.lines));
    expect(comparable(lines)).toEqual(expect.arrayContaining(['winops: Ctrl+C: cancelling', 'job end: AXE_E_JOB_ASSESSMENTS_FAILED', expect.stringMatching(/^ {2}outcome: axe: status=cancelled endedBy=cancel-assessment/)]));
  });

  it('assess with the bar and a failure: every line of the piped mode, the error after the finished bar', async () => {
    const p = pane(winops('--scenario', failing, 'assess', job), 220);
    const { status, lines } = await p.exitStatus();
    expect(status).toBe(1);
    const reference = await piped(['--scenario', failing, 'assess', job]);
    expect(reference.code).toBe(1);
    expect(comparable(lines)).toEqual(comparable(reference.lines));
    const bar = lines.findIndex((l) => /^assess \[[█░]+\] \d+% \|/.test(l));
    expect(bar).toBeGreaterThan(lines.findIndex((l) => l.startsWith('job end: ')));
    expect(bar).toBeLessThan(lines.findIndex((l) => l.startsWith('error: AXE_E_JOB_ASSESSMENTS_FAILED')));
  });

  it('on a narrow terminal notes are wrapped at word boundaries, never cut; only the bar is cut (leaving room for ^C)', async () => {
    const width = 64;
    const p = pane(winops('--scenario', held, 'assess', job), width);
    await p.waitFor(/^assess \[[█░]{40}\] \d+% \| Long/m);
    p.ctrlC();
    const { status, lines } = await p.exitStatus();
    expect(status).toBe(130);
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(width);
    const bars = lines.filter((x) => x.startsWith('assess ['));
    expect(bars).toHaveLength(1);
    expect(bars[0]!.length).toBe(width - 3);
    const text = lines.filter((l) => !l.startsWith('assess [')).join(' ');
    expect(text).toContain(`winops: simulating Windows with the fake backend: this machine runs ${process.platform}, not Windows, so nothing real is touched.`);
    expect(text).toMatch(/ {2}outcome: axe: status=cancelled endedBy=cancel-assessment steps=\[cancel-assessment→S_OK@\d+ms\] jobCode=AXE_E_JOB_ASSESSMENTS_FAILED/);
    // Wrapped, not cut by the terminal in mid-word: every line ends at a word.
    expect(lines.find((l) => l.startsWith('winops: simulating'))!.length).toBeLessThan(width);
    expect(text).not.toContain('^C');
  });

  it('npm exec winops snapshot C: + Ctrl+C while holding: the terminal and npm each send SIGINT; one Ctrl+C, released, exit 0', async () => {
    // A project whose node_modules/.bin has winops, run the way `npx winops` runs it. npm forwards the SIGINT it gets
    // to its child, which the terminal signalled already. With the default script shell (dash on Debian) npm runs the
    // bin through `sh -c`, whose death by SIGINT npm reports as 130 whatever winops does (see README): bash execs
    // the command, so winops is npm's child and what npm reports is winops' own status.
    const project = join(tmp.dir, 'project');
    mkdirSync(join(project, 'node_modules', '.bin'), { recursive: true });
    tmp.file('project/package.json', JSON.stringify({ name: 'uses-winops', version: '1.0.0', private: true }));
    symlinkSync(cliBin(), join(project, 'node_modules', '.bin', 'winops'));
    const report = join(tmp.dir, 'npx-report.json');
    const p = new Pane(tmp.dir, ['npm', 'exec', '--offline', '--script-shell=bash', '--', 'winops', '--backend', 'fake', 'snapshot', 'C:'], {
      width: 160,
      height: 40,
      cwd: project,
      env: { WINOPS_FAKE_REPORT: report, npm_config_update_notifier: 'false', npm_config_fund: 'false' },
    });
    panes.push(p);
    await p.waitFor(/^winops: holding the snapshot set; press Ctrl\+C to release it$/m);
    p.ctrlC();
    const { status, lines } = await p.exitStatus();
    expect(status).toBe(0);
    const text = lines.join('\n');
    expect(text).toMatch(/^winops: Ctrl\+C: cancelling$/m);
    expect(text.match(/Ctrl\+C/g)).toHaveLength(2); // the holding line and the one answer: no second press counted
    expect(text).toMatch(/^winops: snapshot set \S+ released$/m);
    expect(text).not.toMatch(/interrupted|exiting without waiting|\^C/);
    const { readReport } = await import('./helpers');
    expect(readReport(report)).toMatchObject({ shadowCopies: [], openHandles: [] });
  });
});
