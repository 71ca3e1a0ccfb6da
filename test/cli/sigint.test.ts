// Ctrl+C: SIGINT sent to the winops process cancels through the library's cancel, prints the typed outcome, cleans
// up (no shadow copy or handle left on the fake) and exits 130; a second Ctrl+C escalates; a third leaves at once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { CliProcess, cliBin, jobManifest, jsonLines, readReport, STACK_LINE, tempDir } from './helpers';

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
    await p.waitFor('stderr', /press Ctrl\+C again to kill .*node.* \(SIGKILL\)/);
    p.interrupt();
    const r = await p.exited;
    expect(r.code).toBe(130);
    expect(r.stderr).toMatch(/Ctrl\+C again: kill .*node.* \(SIGKILL\)/);
    expect(readReport(report)).toMatchObject({ shadowCopies: [], openHandles: [] });
  });

  it('during winops writers: the pending GatherWriterMetadata is cancelled, the components released; exit 130', async () => {
    const report = reportPath('writers');
    const p = new CliProcess(['--scenario', scenario('writers', { vss: { steps: { gatherWriterMetadata: { hold: true } } } }), 'writers'], { env: { WINOPS_FAKE_REPORT: report } });
    await p.waitFor('stderr', /writers: 75% gatherWriterMetadata/);
    p.interrupt();
    const r = await p.exited;
    expect(r.code).toBe(130);
    expect(r.stderr).toMatch(/cancelled by Ctrl\+C: vss\.writers was cancelled during gatherWriterMetadata/);
    expect(r.stderr).toMatch(/outcome: vss: status=cancelled step=gatherWriterMetadata .*backupAborted=false/);
    expect(r.stdout).toBe('');
    const rep = readReport(report);
    expect(rep.openHandles).toEqual([]);
    expect(rep.violations).toEqual([]);
    expect(rep.calls).toContain('IVssAsync::Cancel');
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
    await p.waitFor('stdout', /"type":"assessment-begin"/);
    p.interrupt();
    const r = await p.exited;
    expect(r.code).toBe(130);
    const last = jsonLines(r.stdout).at(-1)!;
    // The ladder also cancels the assessment that begins next, so the job ends with assessments failed (cancelled).
    expect(last).toMatchObject({ type: 'cancelled', reason: 'interrupt', outcome: { family: 'axe', status: 'cancelled', endedBy: 'cancel-assessment' } });
    expect((last.outcome as { steps: unknown[] }).steps[0]).toMatchObject({ step: 'cancel-assessment', index: 0, code: 'S_OK' });
    expect(last.cli).toBeUndefined();
    const ends = jsonLines(r.stdout).filter((l) => l.type === 'assessment-end');
    expect(ends[0]).toMatchObject({ index: 0, code: 'AXE_E_ASSESSMENT_CANCELED' });
  });

  it('each further Ctrl+C on an assessment that ignores cancels takes the next rung of the ladder at once (AxeRun.escalate())', async () => {
    const job = tmp.file('stuck.xml', jobManifest('Stuck', ['Stuck One']));
    // Held and deaf to cancels: only TerminateJob ends it, and the 1-minute grace would outlast the test.
    const s = scenario('axe-stuck', { axe: { assessments: { 'Stuck One': { durationMs: 0, hold: true, honoursCancel: false } } } });
    const p = new CliProcess(['--scenario', s, '--json', 'assess', job, '--grace', '1m']);
    await p.waitFor('stdout', /"type":"assessment-begin"/);
    p.interrupt();
    await p.waitFor('stderr', /press Ctrl\+C again to take the next step of the escalation ladder now \(Engine::CancelJob, then Engine::TerminateJob\)/);
    p.interrupt();
    await p.waitFor('stderr', /press Ctrl\+C again to call Engine::TerminateJob now/);
    p.interrupt();
    const r = await p.exited;
    expect(r.code).toBe(130);
    expect(r.stderr).toMatch(/Ctrl\+C again: take the next step[\s\S]*Ctrl\+C again: call Engine::TerminateJob now/);
    const last = jsonLines(r.stdout).at(-1)!;
    expect(last).toMatchObject({
      type: 'cancelled', reason: 'interrupt', outcome: { family: 'axe', status: 'cancelled', endedBy: 'terminate-job', jobCode: 'AXE_E_JOB_CANCELED' },
      cli: { escalated: [{ by: 'Ctrl+C', step: 'cancel-job' }, { by: 'Ctrl+C', step: 'terminate-job' }] },
    });
    expect((last.outcome as { steps: { step: string }[] }).steps.map((x) => x.step)).toEqual(['cancel-assessment', 'cancel-job', 'terminate-job']);
    expect(jsonLines(r.stdout).find((e) => e.type === 'assessment-end')).toMatchObject({ code: 'AXE_E_ASSESSMENT_TERMINATED' });
  });

  it('where nothing escalates (a burn), no escalation is offered and the second Ctrl+C leaves at once', async () => {
    const image = tmp.file('slow.iso', Buffer.alloc(2048 * 2000));
    const s = scenario('burn-stuck', { imapi2: { updateIntervalMs: 100, sectorsPerUpdate: 10, cancelLatencyUpdates: 1000 } });
    const p = new CliProcess(['--scenario', s, 'burn', image]);
    await p.waitFor('stderr', /burn: \d+% writing-data/);
    p.interrupt();
    await p.waitFor('stderr', /still cancelling: waiting for IMAPI2 to stop the write .*\(press Ctrl\+C again to exit at once; cleanup may then be incomplete\)/);
    p.interrupt();
    const r = await p.exited;
    expect(r.code).toBe(130);
    expect(r.stderr).toMatch(/Ctrl\+C again: exiting without waiting for the cancel to finish/);
    expect(r.stderr).not.toMatch(/escalat/);
  });

  it('two SIGINTs in quick succession while holding a set (a terminal and npm exec each send one) are one Ctrl+C: released, exit 0', async () => {
    const report = reportPath('hold-twice');
    const p = new CliProcess(['--verbose', '--backend', 'fake', 'snapshot', 'C:'], { env: { WINOPS_FAKE_REPORT: report } });
    await p.waitFor('stderr', /holding the snapshot set; press Ctrl\+C to release it/);
    p.interrupt();
    p.interrupt();
    const r = await p.exited;
    expect(r.code).toBe(0);
    expect(r.stderr.match(/Ctrl\+C: cancelling/g)).toHaveLength(1);
    expect(r.stderr).toMatch(/snapshot set .* released/);
    expect(r.stderr).not.toMatch(/interrupted|exiting without waiting|Ctrl\+C again/);
    expect(readReport(report)).toMatchObject({ shadowCopies: [], openHandles: [] });
  });

  it('two SIGINTs in quick succession while a command runs are one Ctrl+C: the command is not killed, it gets the SIGINT', async () => {
    const report = reportPath('cmd-twice');
    const child = 'process.on("SIGINT", () => { console.log("child got SIGINT"); process.exit(3); }); console.log("child ready"); setInterval(() => {}, 1000)';
    const p = new CliProcess(['--backend', 'fake', 'snapshot', 'C:', '--', process.execPath, '-e', child], { env: { WINOPS_FAKE_REPORT: report } });
    await p.waitFor('stdout', /child ready/);
    p.interrupt();
    p.interrupt();
    const r = await p.exited;
    expect(r.code).toBe(130);
    expect(r.stdout).toContain('child got SIGINT');
    expect(r.stderr).not.toMatch(/Ctrl\+C again|SIGKILL/);
    expect(readReport(report)).toMatchObject({ shadowCopies: [], openHandles: [] });
  });

  it('stdout closed by its reader (watch ... | head -3): the subscription is cancelled and closed quietly; exit 0', async () => {
    const report = reportPath('epipe');
    const s = scenario('watch-epipe', { mi: { indications: { intervalMs: 20 } } });
    const p = new CliProcess(['--scenario', s, 'watch', 'SELECT * FROM __InstanceCreationEvent WITHIN 1'], { env: { WINOPS_FAKE_REPORT: report } });
    await p.waitFor('stdout', /(__InstanceCreationEvent[\s\S]*){3}/);
    // What `head -3` does once it has its lines: it closes the pipe, and winops' next write fails with EPIPE.
    p.child.stdout!.destroy();
    const r = await p.exited;
    expect(r.code).toBe(0);
    expect(r.signal).toBeNull();
    expect(r.stderr).not.toMatch(/Ctrl\+C|interrupted|cancelled|error/i);
    expect(r.stderr).not.toMatch(STACK_LINE);
    const rep = readReport(report);
    expect(rep.openHandles).toEqual([]);
    expect(rep.violations).toEqual([]);
    expect(rep.calls).toContain('MI_Operation_Cancel');
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
