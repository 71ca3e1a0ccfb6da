// Ctrl+C: SIGINT sent to the winops process cancels through the library's cancel, prints the typed outcome, cleans
// up (no shadow copy or handle left on the fake) and exits 130; a second Ctrl+C escalates; a third leaves at once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { CliProcess, cliBin, jobManifest, jsonLines, readReport, tempDir } from './helpers';

const tmp = tempDir('sigint');
const scenario = (name: string, s: object): string => tmp.file(`${name}.json`, JSON.stringify(s));
const reportPath = (name: string): string => join(tmp.dir, `${name}-report.json`);

beforeAll(() => {
  cliBin();
}, 120_000);
afterAll(() => tmp.cleanup());

// On Windows a child process cannot be sent a Ctrl+C from Node (kill('SIGINT') terminates it), so these run elsewhere.
describe.skipIf(process.platform === 'win32')('Ctrl+C (not on Windows, where Node cannot send a Ctrl+C to a child)', { concurrent: true }, () => {
  it('during DoSnapshotSet: IVssAsync::Cancel, AbortBackup, outcome printed, nothing left; exit 130', async () => {
    const report = reportPath('vss');
    const p = new CliProcess(['--scenario', scenario('vss', { vss: { steps: { doSnapshotSet: { durationMs: 10_000 } } } }), 'snapshot', 'C:', 'D:'], { env: { WINOPS_FAKE_REPORT: report } });
    await p.waitFor('stderr', /snapshot: 90% doSnapshotSet/);
    p.interrupt();
    const r = await p.exited;
    expect(r.code).toBe(130);
    expect(r.stderr).toMatch(/cancelled by Ctrl\+C: vss\.createSnapshotSet was cancelled during doSnapshotSet/);
    expect(r.stderr).toMatch(/outcome: vss: status=cancelled step=doSnapshotSet hresult=0x00000000 code=S_OK backupAborted=true/);
    expect(r.stdout).toBe('');
    const rep = readReport(report);
    expect(rep.shadowCopies).toEqual([]);
    expect(rep.openHandles).toEqual([]);
    expect(rep.violations).toEqual([]);
    expect(rep.calls).toEqual(expect.arrayContaining(['IVssAsync::Cancel', 'IVssBackupComponents::AbortBackup']));
  });

  it('with --json: a cancelled record with the typed outcome', async () => {
    const p = new CliProcess(['--scenario', scenario('vss-json', { vss: { steps: { prepareForBackup: { durationMs: 10_000 } } } }), '--json', 'snapshot', 'C:']);
    await p.waitFor('stdout', /"step":"prepareForBackup"/);
    p.interrupt();
    const r = await p.exited;
    expect(r.code).toBe(130);
    expect(jsonLines(r.stdout).at(-1)).toEqual({
      type: 'cancelled',
      reason: 'interrupt',
      message: 'vss.createSnapshotSet was cancelled during prepareForBackup',
      outcome: { family: 'vss', status: 'cancelled', step: 'prepareForBackup', hresult: '0x00000000', code: 'S_OK', backupAborted: true },
    });
  });

  it('while holding a set: releases it and exits 0 (Ctrl+C is how a hold ends)', async () => {
    const report = reportPath('hold');
    const p = new CliProcess(['--backend', 'fake', 'snapshot', 'C:'], { env: { WINOPS_FAKE_REPORT: report } });
    await p.waitFor('stderr', /holding the snapshot set; press Ctrl\+C to release it/);
    await p.waitFor('stdout', /ShadowCopy\d+\n/);
    expect(p.stdout).toMatch(/^C:\\\t\\\\\?\\GLOBALROOT\\Device\\HarddiskVolumeShadowCopy\d+\n$/);
    p.interrupt();
    const r = await p.exited;
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/released/);
    expect(readReport(report)).toMatchObject({ shadowCopies: [], openHandles: [] });
  });

  it('while a command runs: the command gets SIGINT, the set is released; exit 130', async () => {
    const report = reportPath('cmd');
    const child = 'process.on("SIGINT", () => { console.log("child got SIGINT"); process.exit(2); }); console.log("child ready"); setTimeout(() => {}, 30000)';
    const p = new CliProcess(['--backend', 'fake', 'snapshot', 'C:', '--', process.execPath, '-e', child], { env: { WINOPS_FAKE_REPORT: report } });
    await p.waitFor('stdout', /child ready/);
    p.interrupt();
    const r = await p.exited;
    expect(r.code).toBe(130);
    expect(r.stdout).toContain('child got SIGINT');
    expect(r.stderr).toMatch(/snapshot set .* released/);
    expect(readReport(report)).toMatchObject({ shadowCopies: [], openHandles: [] });
  });

  it('a command that ignores SIGINT: the second Ctrl+C kills it, the set is still released', async () => {
    const report = reportPath('stubborn');
    const child = 'process.on("SIGINT", () => console.log("ignored")); console.log("child ready"); setInterval(() => {}, 1000)';
    const p = new CliProcess(['--backend', 'fake', 'snapshot', 'C:', '--', process.execPath, '-e', child], { env: { WINOPS_FAKE_REPORT: report } });
    await p.waitFor('stdout', /child ready/);
    p.interrupt();
    await p.waitFor('stdout', /ignored/);
    p.interrupt();
    const r = await p.exited;
    expect(r.code).toBe(130);
    expect(r.stderr).toMatch(/Ctrl\+C again: escalating/);
    expect(readReport(report)).toMatchObject({ shadowCopies: [], openHandles: [] });
  });

  it('during a query stream: MI_Operation_Cancel, drained, closed; outcome printed; exit 130', async () => {
    const report = reportPath('mi');
    const s = scenario('mi', { mi: { resultIntervalMs: 300, classes: { Win32_Process: Array.from({ length: 50 }, (_, i) => ({ ProcessId: i, Name: `p${i}.exe` })) } } });
    const p = new CliProcess(['--scenario', s, '--json', 'query', 'SELECT * FROM Win32_Process'], { env: { WINOPS_FAKE_REPORT: report } });
    await p.waitFor('stdout', /"type":"instance"/);
    p.interrupt();
    const r = await p.exited;
    expect(r.code).toBe(130);
    const last = jsonLines(r.stdout).at(-1)!;
    expect(last).toMatchObject({ type: 'cancelled', reason: 'interrupt', outcome: { family: 'mi', status: 'cancelled', reason: 'none', miResult: 0, discarded: expect.any(Number) } });
    const rep = readReport(report);
    expect(rep.openHandles).toEqual([]);
    expect(rep.violations).toEqual([]);
    expect(rep.calls).toContain('MI_Operation_Cancel');
  });

  it('during watch: the subscription is cancelled; exit 130', async () => {
    const s = scenario('watch', { mi: { indications: { intervalMs: 50 } } });
    const p = new CliProcess(['--scenario', s, 'watch', 'SELECT * FROM __InstanceCreationEvent WITHIN 1']);
    await p.waitFor('stdout', /__InstanceCreationEvent/);
    p.interrupt();
    const r = await p.exited;
    expect(r.code).toBe(130);
    expect(r.stderr).toMatch(/outcome: mi: status=cancelled/);
  });

  it('during a burn: CancelWrite from the next Update, E_IMAPI_REQUEST_CANCELLED is a cancel; exit 130', async () => {
    const report = reportPath('burn');
    const image = tmp.file('burn.iso', Buffer.alloc(2048 * 2000));
    const p = new CliProcess(['--scenario', scenario('burn', { imapi2: { updateIntervalMs: 100, sectorsPerUpdate: 20 } }), 'burn', image], { env: { WINOPS_FAKE_REPORT: report } });
    await p.waitFor('stderr', /burn: \d+% writing-data/);
    p.interrupt();
    const r = await p.exited;
    expect(r.code).toBe(130);
    expect(r.stderr).toMatch(/outcome: imapi2: status=cancelled attempts=1 notInProgress=0 hresult=0xC0AA0002/);
    expect(r.stdout).toBe('');
    expect(readReport(report)).toMatchObject({ openHandles: [], violations: [] });
  });

  it('during an assessment that honours the cancel: CancelAssessment ends it; exit 130', async () => {
    const job = tmp.file('honours.xml', jobManifest('Honours', ['Long One', 'Never Runs']));
    const s = scenario('axe-honours', { axe: { assessments: { 'Long One': { durationMs: 20_000 } } } });
    const p = new CliProcess(['--scenario', s, '--json', 'assess', job]);
    await p.waitFor('stdout', /"event":"assessment-begin"/);
    p.interrupt();
    const r = await p.exited;
    expect(r.code).toBe(130);
    const last = jsonLines(r.stdout).at(-1)!;
    // The ladder also cancels the assessment that begins next, so the job ends with assessments failed (cancelled).
    expect(last).toMatchObject({ type: 'cancelled', reason: 'interrupt', outcome: { family: 'axe', status: 'cancelled', endedBy: 'cancel-assessment' } });
    expect((last.outcome as { steps: unknown[] }).steps[0]).toMatchObject({ step: 'cancel-assessment', index: 0, code: 'S_OK' });
    expect(last.cli).toBeUndefined();
    const ends = jsonLines(r.stdout).filter((l) => l.event === 'assessment-end');
    expect(ends[0]).toMatchObject({ index: 0, code: 'AXE_E_ASSESSMENT_CANCELED' });
  });

  it('a second Ctrl+C during an assessment that ignores cancels calls TerminateJob at once', async () => {
    const job = tmp.file('stuck.xml', jobManifest('Stuck', ['Stuck One']));
    const s = scenario('axe-stuck', { axe: { assessments: { 'Stuck One': { durationMs: 20_000, honoursCancel: false } } } });
    const started = Date.now();
    const p = new CliProcess(['--scenario', s, '--json', 'assess', job, '--grace', '1m']);
    await p.waitFor('stdout', /"event":"assessment-begin"/);
    p.interrupt();
    await p.waitFor('stderr', /Ctrl\+C: cancelling/);
    p.interrupt();
    const r = await p.exited;
    expect(r.code).toBe(130);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(r.stderr).toMatch(/Ctrl\+C again: escalating/);
    const last = jsonLines(r.stdout).at(-1)!;
    expect(last).toMatchObject({ type: 'cancelled', reason: 'interrupt', outcome: { family: 'axe', status: 'cancelled', jobCode: 'AXE_E_JOB_CANCELED' }, cli: { terminateJob: { by: 'second Ctrl+C', code: 'S_OK' } } });
    const events = jsonLines(r.stdout).filter((l) => l.type === 'event');
    expect(events.find((e) => e.event === 'assessment-end')).toMatchObject({ code: 'AXE_E_ASSESSMENT_TERMINATED' });
  });

  it('a third Ctrl+C leaves at once, even while a cancel is still under way', async () => {
    const image = tmp.file('slow.iso', Buffer.alloc(2048 * 2000));
    const s = scenario('burn-stuck', { imapi2: { updateIntervalMs: 100, sectorsPerUpdate: 10, cancelLatencyUpdates: 1000 } });
    const p = new CliProcess(['--scenario', s, 'burn', image]);
    await p.waitFor('stderr', /burn: \d+% writing-data/);
    p.interrupt();
    await p.waitFor('stderr', /Ctrl\+C: cancelling/);
    p.interrupt();
    await p.waitFor('stderr', /still cancelling: waiting for IMAPI2 to stop the write/);
    p.interrupt();
    const r = await p.exited;
    expect(r.code).toBe(130);
    expect(r.stderr).toMatch(/exiting without waiting for the cancel to finish/);
  });

  it('during the demo: the running operation is cancelled and the demo stops; exit 130', async () => {
    const p = new CliProcess(['demo'], { timeoutMs: 20_000 });
    await p.waitFor('stdout', /== MI:/);
    p.interrupt();
    const r = await p.exited;
    expect(r.code).toBe(130);
    expect(r.stdout).not.toMatch(/demo done/);
  });
});
