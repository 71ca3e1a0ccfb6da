import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AbortError, AxeError, BackendUnavailableError, type AxeEvent } from '../../lib/index';
import type { AxeAssessmentScript } from '../../types/scenario';
import { held, settle, until, type BackendFactory } from './harness';

const dir = mkdtempSync(join(tmpdir(), 'winops-axe-'));
const MANIFEST = join(dir, 'job.xml');
writeFileSync(
  MANIFEST,
  `<?xml version="1.0" encoding="utf-8"?>
<AxeJobManifest xmlns="http://www.microsoft.com/axe/job" Name="Boot performance">
  <AssessmentRuns>
    <AssessmentRun Id="{11111111-0000-0000-0000-000000000001}" Name="Boot Performance (Fast Startup)" AssessmentId="{00000000-0000-0000-0000-00000000000a}" />
    <AssessmentRun Id="{11111111-0000-0000-0000-000000000002}" Name="Memory footprint" AssessmentId="{00000000-0000-0000-0000-00000000000b}" />
  </AssessmentRuns>
</AxeJobManifest>`,
);
const BAD = join(dir, 'bad.xml');
writeFileSync(BAD, '<NotAManifest/>');

const job = (assessments: AxeAssessmentScript[]) => ({ axe: { manifests: { 'C:\\jobs\\test.xml': { name: 'Test job', assessments } } } });
const quick = (name: string, extra: Partial<AxeAssessmentScript> = {}): AxeAssessmentScript => ({ name, durationMs: 20, progressSteps: 2, ...extra });

export function axeContract(name: string, make: BackendFactory): void {
  describe(`AXE contract (${name})`, () => {
    it('loads a manifest from disk and lists assessments in AssessmentRuns order', async () => {
      const { winops, inspect } = await make({ axe: { assessments: { 'Memory footprint': { durationMs: 10 }, 'Boot Performance (Fast Startup)': { durationMs: 10 } } } });
      const j = await winops.axe.loadJob(MANIFEST);
      expect(j.name).toBe('Boot performance');
      expect(j.assessments).toEqual([{ index: 0, name: 'Boot Performance (Fast Startup)' }, { index: 1, name: 'Memory footprint' }]);
      const events: AxeEvent['type'][] = [];
      const r = await j.run({ onEvent: (e) => events.push(e.type) });
      expect(r).toMatchObject({ executedAssessments: 2, failedAssessments: 0 });
      expect(r.assessments.map((a) => a.code)).toEqual(['S_OK', 'S_OK']);
      expect(events[0]).toBe('job-begin');
      expect(events.filter((e) => e === 'assessment-begin')).toHaveLength(2);
      expect(events[events.length - 1]).toBe('job-end');
      await j.close();
      expect(inspect.openHandles()).toEqual([]);
    });

    it('cancel of an assessment that honours it: CancelAssessment with the begin-event index ends the job', async () => {
      // b and c are held: each ends only through its cancel, so c is still running when its CancelAssessment comes.
      const { winops, inspect } = await make(job([quick('a'), quick('b', { hold: true }), quick('c', { hold: true })]));
      await using j = await winops.axe.loadJob('C:\\jobs\\test.xml');
      const events: AxeEvent[] = [];
      const run = j.run({ onEvent: (e) => events.push(e) });
      await until(() => run.runningIndex === 1, undefined, 'assessment 1');
      const outcome = await run.cancel();
      expect(outcome).toMatchObject({ family: 'axe', status: 'cancelled', endedBy: 'cancel-assessment', jobCode: 'AXE_E_JOB_ASSESSMENTS_FAILED' });
      expect(outcome.steps[0]).toMatchObject({ step: 'cancel-assessment', index: 1, code: 'S_OK' });
      const r = await settle(run);
      expect(!r.ok && r.error).toBeInstanceOf(AbortError);
      expect(events.some((e) => e.type === 'progress' && e.progressType === 'Cancelling')).toBe(true);
      const end = events.find((e) => e.type === 'assessment-end' && e.index === 1);
      expect(end).toMatchObject({ code: 'AXE_E_ASSESSMENT_CANCELED' });
      // assessment c began and was cancelled too, since the run was being cancelled
      expect(inspect.calls().filter((c) => c.call === 'Engine::CancelAssessment').map((c) => c.detail)).toEqual([1, 2]);
      expect(inspect.openHandles().filter((h) => h.kind === 'JobRun')).toEqual([]);
    });

    it('an assessment that ignores cancel: after the grace period CancelJob, then TerminateJob ends it', async () => {
      const { winops, inspect } = await make(job([quick('stubborn', { hold: true, honoursCancel: false })]));
      await using j = await winops.axe.loadJob('C:\\jobs\\test.xml');
      const ac = new AbortController();
      const run = j.run({ signal: ac.signal, grace: 40 });
      await until(() => run.runningIndex === 0);
      ac.abort(new Error('stop'));
      const r = await settle(run);
      expect(r.ok).toBe(false);
      if (r.ok) return;
      expect(r.error.name).toBe('AbortError');
      expect(r.error.cause).toEqual(new Error('stop'));
      expect(r.error.outcome.endedBy).toBe('terminate-job');
      expect(r.error.outcome.steps.map((s: { step: string }) => s.step)).toEqual(['cancel-assessment', 'cancel-job', 'terminate-job']);
      expect(r.error.outcome.jobCode).toBe('AXE_E_JOB_CANCELED');
      expect(inspect.calls().map((c) => c.call)).toContain('Engine::TerminateJob');
    });

    it('an assessment that ignores CancelAssessment but ends before TerminateJob: the ladder stops at CancelJob', async () => {
      // CancelJob lets the running assessment finish and starts no other. The assessment is held and released only
      // once CancelJob was made (escalate() takes that step; the grace period is too long to matter), so it ends
      // between CancelJob and TerminateJob by the test's choice, not by timing.
      const { winops, inspect } = await make(job([quick('stubborn', { hold: true, honoursCancel: false }), quick('never')]));
      await using j = await winops.axe.loadJob('C:\\jobs\\test.xml');
      const events: AxeEvent[] = [];
      const run = j.run({ grace: 600_000, onEvent: (e) => events.push(e) });
      await until(() => run.runningIndex === 0);
      const cancelled = run.cancel();
      await until(() => inspect.calls().some((c) => c.call === 'Engine::CancelAssessment'), undefined, 'CancelAssessment');
      expect(await run.escalate()).toBe('cancel-job');
      await held(inspect, 'axe:stubborn');
      inspect.release('axe:stubborn');
      const outcome = await cancelled;
      expect(outcome).toMatchObject({ family: 'axe', status: 'cancelled', endedBy: 'cancel-job', jobCode: 'AXE_E_JOB_CANCELED' });
      expect(outcome.steps.map((s) => [s.step, s.code])).toEqual([['cancel-assessment', 'S_OK'], ['cancel-job', 'S_OK']]);
      const r = await settle(run);
      expect(!r.ok && r.error).toBeInstanceOf(AbortError);
      expect(events.filter((e) => e.type === 'assessment-begin').map((e) => e.index)).toEqual([0]);
      expect(inspect.calls().map((c) => c.call)).not.toContain('Engine::TerminateJob');
    });

    it('cancel() from inside the assessment-begin event issues CancelAssessment once, for that index', async () => {
      const { winops, inspect } = await make(job([quick('a'), quick('b', { hold: true })]));
      await using j = await winops.axe.loadJob('C:\\jobs\\test.xml');
      const run = j.run({ onEvent: (e) => { if (e.type === 'assessment-begin' && e.index === 1) void run.cancel(); } });
      const r = await settle(run);
      expect(!r.ok && r.error.outcome.endedBy).toBe('cancel-assessment');
      expect(inspect.calls().filter((c) => c.call === 'Engine::CancelAssessment').map((c) => c.detail)).toEqual([1]);
    });

    it('escalate() takes the next step at once instead of waiting for the grace period', async () => {
      const { winops } = await make(job([quick('stubborn', { hold: true, honoursCancel: false })]));
      await using j = await winops.axe.loadJob('C:\\jobs\\test.xml');
      const run = j.run({ grace: 600_000 });
      await until(() => run.runningIndex === 0);
      expect(await run.escalate()).toBe('cancel-assessment');
      expect(await run.escalate()).toBe('cancel-job');
      expect(await run.escalate()).toBe('terminate-job');
      const r = await settle(run);
      expect(!r.ok && r.error.outcome.endedBy).toBe('terminate-job');
      expect(await run.escalate()).toBeUndefined();
    });

    it('the caller configures the ladder: without terminate, a stubborn assessment finishes and the run resolves', async () => {
      // Held until its CancelAssessment (ignored) was made, then it finishes: the ladder has no further step.
      const { winops, inspect } = await make(job([quick('stubborn', { hold: true, honoursCancel: false })]));
      await using j = await winops.axe.loadJob('C:\\jobs\\test.xml');
      const run = j.run({ escalation: ['cancel-assessment'], grace: 10 });
      await until(() => run.runningIndex === 0);
      const cancelled = run.cancel();
      await until(() => inspect.calls().some((c) => c.call === 'Engine::CancelAssessment'), undefined, 'CancelAssessment');
      await held(inspect, 'axe:stubborn');
      inspect.release('axe:stubborn');
      const outcome = await cancelled;
      expect(outcome).toMatchObject({ status: 'already-finished', jobCode: 'S_OK' });
      const r = await run;
      expect(r.executedAssessments).toBe(1);
    });

    it('CancelAssessment with the wrong index is AXE_E_INVALID_INDEX; with no job it is AXE_E_NO_JOB_RUNNING', async () => {
      // a is held, so it is the running assessment when CancelAssessment(1) comes.
      const { winops, inspect } = await make(job([quick('a', { hold: true }), quick('b')]));
      await using j = await winops.axe.loadJob('C:\\jobs\\test.xml');
      const run = j.run();
      await until(() => run.runningIndex === 0);
      const wrong = await settle(run.cancelAssessment(1));
      expect(wrong.ok).toBe(false);
      if (!wrong.ok) {
        expect(wrong.error).toBeInstanceOf(AxeError);
        expect(wrong.error.code).toBe('AXE_E_INVALID_INDEX');
        // The message says which index was asked for and which one runs (issue 12).
        expect(wrong.error.message).toBe('AxeRun.cancelAssessment: CancelAssessment(1 ("b")) failed with AXE_E_INVALID_INDEX; running: 0 ("a")');
      }
      await held(inspect, 'axe:a');
      inspect.release('axe:a');
      await run;
      const late = await settle(run.cancelAssessment(0));
      expect(!late.ok && late.error.code).toBe('AXE_E_NO_JOB_RUNNING');
      await expect(run.cancelAssessment(7)).rejects.toThrow(RangeError);
      // With no index after the job: the same answer, and no CancelAssessment(-1) is sent.
      const calls = inspect.calls().filter((c) => c.call === 'Engine::CancelAssessment').length;
      await expect(run.cancelAssessment()).rejects.toMatchObject({ code: 'AXE_E_NO_JOB_RUNNING' });
      expect(inspect.calls().filter((c) => c.call === 'Engine::CancelAssessment')).toHaveLength(calls);
    });

    it('cancelAssessment() with no index while no assessment runs (at job-begin) is WINOPS_NO_ASSESSMENT_RUNNING, and sends nothing', async () => {
      const { winops, inspect } = await make(job([quick('a')]));
      await using j = await winops.axe.loadJob('C:\\jobs\\test.xml');
      let early: Promise<unknown> | undefined;
      const run = j.run({ onEvent: (e) => { if (e.type === 'job-begin') early = run.cancelAssessment().then(() => 'resolved', (err: unknown) => err); } });
      await run;
      expect(early).toBeDefined();
      expect(await early).toMatchObject({ name: 'StateError', code: 'WINOPS_NO_ASSESSMENT_RUNNING', message: expect.stringContaining('pass the index an assessment-begin event gave') });
      expect(inspect.calls().map((c) => c.call)).not.toContain('Engine::CancelAssessment');
    });

    it('cancel before start, cancel twice, cancel after finish', async () => {
      const { winops, inspect } = await make(job([quick('a', { hold: true })]));
      await using j = await winops.axe.loadJob('C:\\jobs\\test.xml');
      const early = await settle(j.run({ signal: AbortSignal.abort() }));
      expect(!early.ok && early.error.outcome.status).toBe('not-started');
      expect(inspect.calls().some((c) => c.call === 'Engine::ExecuteJob')).toBe(false);
      const run = j.run();
      await until(() => run.runningIndex === 0);
      const [a, b] = await Promise.all([run.cancel(), run.cancel()]);
      expect(a).toBe(b);
      const k = await make(job([quick('a')]));
      const j2 = await k.winops.axe.loadJob('C:\\jobs\\test.xml');
      const done = j2.run();
      await done;
      expect(await done.cancel()).toMatchObject({ status: 'already-finished' });
      await j2.close();
    });

    it('abort racing completion: an abort in the job-end event leaves the run resolved, already-finished', async () => {
      const { winops, inspect } = await make(job([quick('a')]));
      await using j = await winops.axe.loadJob('C:\\jobs\\test.xml');
      const ac = new AbortController();
      const run = j.run({ signal: ac.signal, onEvent: (e) => { if (e.type === 'job-end') ac.abort(); } });
      const r = await run;
      expect(r.executedAssessments).toBe(1);
      expect(await run.cancel()).toMatchObject({ status: 'already-finished' });
      expect(inspect.calls().some((c) => c.call.startsWith('Engine::Cancel') || c.call === 'Engine::TerminateJob')).toBe(false);
    });

    it('a TimeoutError abort (what options.timeout does) climbs the ladder with a TimeoutError cause', async () => {
      // The abort comes once a (held, honouring cancels) is running; test/unit/timeout.test.ts runs options.timeout on fake time.
      const { winops } = await make(job([quick('a', { hold: true })]));
      await using j = await winops.axe.loadJob('C:\\jobs\\test.xml');
      const ac = new AbortController();
      const run = j.run({ signal: ac.signal, grace: 600_000 });
      await until(() => run.runningIndex === 0);
      ac.abort(new DOMException('The operation timed out.', 'TimeoutError'));
      const r = await settle(run);
      expect(!r.ok && r.error.cause.name).toBe('TimeoutError');
      expect(!r.ok && r.error.outcome.endedBy).toBe('cancel-assessment');
    });

    it('a failed assessment fails the job with AXE_E_JOB_ASSESSMENTS_FAILED', async () => {
      const { winops } = await make(job([quick('a', { error: 'AXE_E_ASSESSMENT_COMPLETED_WITH_ERROR', exitCode: 3 }), quick('b')]));
      await using j = await winops.axe.loadJob('C:\\jobs\\test.xml');
      const op = j.run();
      const r = await settle(op);
      expect(r.ok).toBe(false);
      if (r.ok) return;
      expect(r.error).toBeInstanceOf(AxeError);
      expect(r.error).toMatchObject({ code: 'AXE_E_JOB_ASSESSMENTS_FAILED', hresult: 0x80041014, call: 'Engine::ExecuteJob' });
      expect(r.error.result.assessments[0]).toMatchObject({ code: 'AXE_E_ASSESSMENT_COMPLETED_WITH_ERROR', exitCode: 3 });
      await expect(op.cancel()).rejects.toBe(r.error);
    });

    it('manifest errors: missing file, not a manifest, a directory', async () => {
      const { winops } = await make({});
      await expect(winops.axe.loadJob(join(dir, 'missing.xml'))).rejects.toMatchObject({ name: 'AxeError', code: 'ERROR_FILE_NOT_FOUND', hresult: 0x80070002 });
      await expect(winops.axe.loadJob(BAD)).rejects.toMatchObject({ code: 'AXE_E_BAD_MANIFEST', hresult: 0x80041000 });
      await expect(winops.axe.loadJob(dir)).rejects.toMatchObject({ code: 'E_ACCESSDENIED' });
    });

    it('one run at a time per job; AXE unavailable is a BackendUnavailableError that says how to enable it', async () => {
      const { winops } = await make(job([quick('a', { hold: true })]));
      await using j = await winops.axe.loadJob('C:\\jobs\\test.xml');
      const run = j.run();
      expect(() => j.run()).toThrow(AxeError);
      await run.cancel();
      const off = await make({ axe: { available: false } });
      await expect(off.winops.axe.loadJob(MANIFEST)).rejects.toBeInstanceOf(BackendUnavailableError);
      expect(off.winops.axe.availability()).toMatchObject({ available: false });
    });

    it('close() while a run is in flight ends the run through its ladder and resolves once the Job and the JobRun are released', async () => {
      // a is held: without the cancel it would not end, so only the cancel close() makes can end the run.
      const { winops, inspect } = await make(job([quick('a', { hold: true })]));
      const j = await winops.axe.loadJob('C:\\jobs\\test.xml');
      const run = j.run({ grace: 600_000 });
      await until(() => run.runningIndex === 0, undefined, 'assessment 0');
      const ran = settle(run);
      await j.close();
      expect(inspect.openHandles()).toEqual([]);
      expect(inspect.calls().filter((c) => c.call === 'Engine::CancelAssessment').map((c) => c.detail)).toEqual([0]);
      const r = await ran;
      expect(!r.ok && r.error).toBeInstanceOf(AbortError);
      expect(!r.ok && r.error.outcome).toMatchObject({ family: 'axe', status: 'cancelled', endedBy: 'cancel-assessment' });
      expect(!r.ok && String(r.error.cause?.message)).toMatch(/AxeJob\.close\(\) was called/);
      await j.close();
      expect(() => j.run()).toThrow(expect.objectContaining({ code: 'WINOPS_RELEASED' }));
      expect(inspect.violations()).toEqual([]);
    });

    it('close() while a run is in flight gives up once its ladder is spent: WINOPS_JOB_STILL_RUNNING, and the job is released when the run ends', async () => {
      // The ladder has only CancelAssessment, which the held assessment ignores: nothing the ladder does ends it.
      const { winops, inspect } = await make(job([quick('stubborn', { hold: true, honoursCancel: false })]));
      const j = await winops.axe.loadJob('C:\\jobs\\test.xml');
      const run = j.run({ escalation: ['cancel-assessment'], grace: 20 });
      await held(inspect, 'axe:stubborn');
      const closed = await settle(j.close());
      expect(!closed.ok && closed.error).toMatchObject({ name: 'StateError', code: 'WINOPS_JOB_STILL_RUNNING' });
      expect(!closed.ok && closed.error.message).toMatch(/cancel-assessment \(S_OK\)/);
      // The job is still running (held), so it was not released under it.
      expect(inspect.held()).toContain('axe:stubborn');
      expect(inspect.openHandles()).not.toEqual([]);
      inspect.release('axe:stubborn');
      expect(await run).toMatchObject({ executedAssessments: 1 });
      await until(() => inspect.openHandles().length === 0, undefined, 'the job released after the run ended');
      expect(inspect.violations()).toEqual([]);
    });

    it('an assessment that restarts the system: job-restart, the run rejects with WINOPS_AXE_REBOOT_UNSUPPORTED, the job is terminated', async () => {
      // OnJobRestart is a notification (desktop-src/axe/ijobrestarteventhandler-onjobrestart.md); winops cannot resume
      // a job after a restart, so it refuses the run and ends the job with TerminateJob. No restart comes in a test.
      const { winops, inspect } = await make(job([quick('reboots', { reboots: true }), quick('never')]));
      const j = await winops.axe.loadJob('C:\\jobs\\test.xml');
      const events: AxeEvent[] = [];
      const r = await settle(j.run({ onEvent: (e) => events.push(e) }));
      expect(!r.ok && r.error).toBeInstanceOf(AxeError);
      expect(!r.ok && r.error).toMatchObject({ code: 'WINOPS_AXE_REBOOT_UNSUPPORTED', call: 'IJobRestartEventHandler::OnJobRestart', message: expect.stringContaining('cannot resume a job after a restart') });
      await until(() => events.some((e) => e.type === 'job-end'), undefined, 'job-end after TerminateJob');
      expect(events.map((e) => e.type)).toEqual(['job-begin', 'assessment-begin', 'progress', 'progress', 'job-restart', 'assessment-end', 'job-end']);
      expect(events.find((e) => e.type === 'assessment-end')).toMatchObject({ index: 0, code: 'AXE_E_ASSESSMENT_TERMINATED' });
      expect(events.find((e) => e.type === 'job-end')).toMatchObject({ code: 'AXE_E_JOB_CANCELED', executedAssessments: 1 });
      const calls = inspect.calls().map((c) => c.call);
      expect(calls.indexOf('Engine::OnJobRestart')).toBeGreaterThan(-1);
      expect(calls.indexOf('Engine::TerminateJob')).toBeGreaterThan(calls.indexOf('Engine::OnJobRestart'));
      await j.close();
      await until(() => inspect.openHandles().length === 0, undefined, 'the Job and the JobRun released');
    });

    it('rejects bad arguments with TypeError/RangeError naming them', async () => {
      const { winops } = await make(job([quick('a')]));
      await expect(winops.axe.loadJob(3 as never)).rejects.toThrow(/manifestPath/);
      await expect(winops.axe.loadJob('')).rejects.toThrow(TypeError);
      await expect(winops.axe.loadJob('a\0b')).rejects.toThrow(/NUL/);
      await using j = await winops.axe.loadJob('C:\\jobs\\test.xml');
      expect(() => j.run({ grace: -5 })).toThrow(/grace/);
      expect(() => j.run({ escalation: ['explode' as never] })).toThrow(/escalation/);
      expect(() => j.run({ escalation: [] })).toThrow(/escalation/);
      expect(() => j.run({ onEvent: 3 as never })).toThrow(/onEvent/);
    });
  });
}
