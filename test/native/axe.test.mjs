// AXE through the public API (dist/, `npm run build`) on the native backend, inside Windows node.exe
// under Wine.
//
// Two runs of this file (scripts/wine/test.sh):
//   - plain: the shipped build has no AxeHosting.h (no public copy exists), so native/axe/unavailable.cc
//     is compiled: availability() says how to enable AXE and every call fails with that reason;
//   - WINOPS_AXE_DOUBLE=1: the addon built a second time against winops' STAND-IN AxeHosting.h
//     (WINOPS_ADDON=build/win32-x64-axe-standin/winops.node) runs native/axe/engine.cc against the
//     AxeCore.dll double (WINOPS_AXECORE), scripted by WINOPS_SCENARIO like the fake.
//
// WHAT THE SECOND RUN VERIFIES: winops' AXE logic — one Solution per process, CreateJob, handlers and
// ThreadingModelFree before ExecuteJob(ExecuteAsync), events reaching JS in order through the
// threadsafe function, CancelAssessment/CancelJob/TerminateJob and their codes, the escalation ladder,
// engines and jobs released. WHAT IT DOES NOT: Microsoft's binary interface. The stand-in's vtable order,
// destructor placement and the values of the unpublished AXE_E_* codes are ours; both the addon and the
// double are compiled from it. Nothing here has run against the real AxeCore.dll.
import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { root, addonPath } from './helpers.mjs';
import { STATE_DEADLINE_MS, useScenario as scenarioFor, withDeadline } from './doubles.mjs';

const require = createRequire(import.meta.url);
const onWindows = process.platform === 'win32';
const withDouble = Boolean(process.env.WINOPS_AXE_DOUBLE);
const distIndex = path.join(root, 'dist', 'lib', 'index.js');
const haveDist = fs.existsSync(distIndex);
const lib = onWindows && haveDist ? require(distIndex) : null;
const nativeIndex = onWindows && haveDist ? require(path.join(root, 'dist', 'lib', 'native', 'index.js')) : null;
const addon = onWindows ? require(addonPath()) : null;

const skipPlain = !onWindows ? 'Windows node.exe only (npm run test:wine)'
  : !haveDist ? 'needs dist/ (npm run build)'
  : withDouble ? 'this run uses the stand-in build and the AxeCore.dll double'
  : addon.axe.availability().available ? 'this build has AXE (WINOPS_AXE_SDK)' : false;
const skipDouble = !onWindows ? 'Windows node.exe only (npm run test:wine)'
  : !haveDist ? 'needs dist/ (npm run build)'
  : !withDouble ? 'needs the stand-in build and the AxeCore.dll double (WINOPS_AXE_DOUBLE, set by npm run test:wine)' : false;

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'winops-axe-'));
const MANIFEST = path.join(dir, 'job.xml');
fs.writeFileSync(MANIFEST, `<?xml version="1.0" encoding="utf-8"?>
<AxeJobManifest xmlns="http://www.microsoft.com/axe/job" Name="Boot performance">
  <AssessmentRuns>
    <AssessmentRun Id="{11111111-0000-0000-0000-000000000001}" Name="Boot Performance (Fast Startup)" AssessmentId="{00000000-0000-0000-0000-00000000000a}" />
    <AssessmentRun Id="{11111111-0000-0000-0000-000000000002}" Name="Memory footprint" AssessmentId="{00000000-0000-0000-0000-00000000000b}" />
  </AssessmentRuns>
</AxeJobManifest>`);
const BAD = path.join(dir, 'bad.xml');
fs.writeFileSync(BAD, '<NotAManifest/>');
const JOB = 'C:\\jobs\\test.xml';
const quick = (name, extra = {}) => ({ name, durationMs: 40, progressSteps: 2, ...extra });

// The double's log from the double itself, in this process (test/native/doubles.mjs, issue 10).
const useScenario = (axe) => scenarioFor('axe', axe);
const job = (assessments) => useScenario({ manifests: { [JOB]: { name: 'Test job', assessments } } });

const openJobs = new Set();
function winopsOnStandin() {
  const backend = nativeIndex.composeNativeBackend(addon);
  const winops = lib.createWinops({ backend });
  const loadJob = winops.axe.loadJob.bind(winops.axe);
  // Jobs are closed after each test, passed or failed, so that one failure does not leave a live Job
  // for the next test's leak check.
  winops.axe.loadJob = async (p) => {
    const j = await loadJob(p);
    openJobs.add(j);
    return j;
  };
  return { winops, backend };
}
afterEach(async () => {
  for (const j of openJobs) await j.close();
  openJobs.clear();
});

/** Waits for a state (JS's or the double's, read in this process). The deadline only turns a hang into a failure. */
async function until(cond, _deadline, what = 'condition') {
  const end = Date.now() + STATE_DEADLINE_MS;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

async function settle(p) {
  try {
    return { ok: true, value: await p };
  } catch (error) {
    return { ok: false, error };
  }
}

function assertClean(log) {
  assert.deepEqual(log.violations, [], 'the double saw no violation');
  for (const [cls, n] of Object.entries(log.live)) assert.equal(n, 0, `${cls}: ${n} still alive`);
}

// ------------------------------------------------------------------------------------------ no header

test('shipped build: AXE is unavailable and says how to enable it (WINOPS_AXE_SDK)', { skip: skipPlain }, async () => {
  const winops = lib.createWinops({ backend: 'native' });
  const a = winops.axe.availability();
  assert.equal(a.available, false);
  assert.match(a.reason, /AxeHosting\.h/);
  assert.match(a.reason, /WINOPS_AXE_SDK=/);
  const r = await settle(winops.axe.loadJob(MANIFEST));
  assert.ok(!r.ok && r.error instanceof lib.BackendUnavailableError, String(r.error));
  assert.equal(r.error.code, 'WINOPS_AXE_UNAVAILABLE');
  assert.equal(r.error.message, a.reason);
});

test('shipped build: every backend call fails with the same typed reason', { skip: skipPlain }, async () => {
  const { backend } = { backend: lib.createWinops({ backend: 'native' }).backend };
  const reason = backend.axe.availability().reason;
  await assert.rejects(backend.axe.loadJob(MANIFEST), (e) => e.code === 'WINOPS_AXE_UNAVAILABLE' && e.call === 'AxeInitSolution' && e.systemMessage === reason);
  assert.throws(() => addon.axe.execute({}, {}), (e) => e.code === 'WINOPS_AXE_UNAVAILABLE' && e.systemMessage === reason);
  assert.deepEqual(backend.openHandles(), []);
});

// ------------------------------------------------------------------------------------------ stand-in + double

test('stand-in: loads a manifest from disk and runs it, events in order; engine and job released', { skip: skipDouble }, async () => {
  const readLog = useScenario({ assessments: { 'Memory footprint': { durationMs: 30 }, 'Boot Performance (Fast Startup)': { durationMs: 30, progressSteps: 3 } } });
  const { winops, backend } = winopsOnStandin();
  assert.deepEqual(winops.axe.availability(), { available: true });
  const j = await winops.axe.loadJob(MANIFEST);
  assert.equal(j.name, 'Boot performance');
  assert.deepEqual(j.assessments, [{ index: 0, name: 'Boot Performance (Fast Startup)' }, { index: 1, name: 'Memory footprint' }]);
  const events = [];
  const r = await j.run({ onEvent: (e) => events.push(e) });
  assert.equal(r.executedAssessments, 2);
  assert.equal(r.failedAssessments, 0);
  assert.match(r.resultPath, /Boot performance\.xml$/);
  assert.deepEqual(r.assessments.map((a) => [a.name, a.code, a.exitCode]), [['Boot Performance (Fast Startup)', 'S_OK', 0], ['Memory footprint', 'S_OK', 0]]);
  assert.deepEqual(events.map((e) => e.type), [
    'job-begin',
    'assessment-begin', 'progress', 'progress', 'progress', 'assessment-end',
    'assessment-begin', 'progress', 'progress', 'progress', 'progress', 'assessment-end',
    'job-end',
  ]);
  assert.deepEqual(events.filter((e) => e.type === 'progress' && e.index === 0).map((e) => [e.progressType, e.value]), [['Percent', 25], ['Percent', 50], ['Percent', 75]]);
  await j.close();
  assert.deepEqual(backend.openHandles(), []);
  await until(() => readLog().live.Job === 0, 2000, 'the job to be deleted');
  const log = readLog();
  assertClean(log);
  const names = log.calls.map((c) => c.call);
  assert.ok(names.includes('Engine::~Engine'));
  assert.equal(log.calls.find((c) => c.call === 'Engine::ExecuteJob').detail, 'ExecuteAsync');
});

test('stand-in: ExecuteJob gets an empty RestartCommand, never the bare host executable; a job that restarts the system is refused (WINOPS_AXE_REBOOT_UNSUPPORTED) and terminated', { skip: skipDouble }, async () => {
  const readLog = job([quick('reboots', { reboots: true })]);
  const { winops, backend } = winopsOnStandin();
  const j = await winops.axe.loadJob(JOB);
  const events = [];
  const r = await settle(j.run({ onEvent: (e) => events.push(e.type) }));
  assert.ok(!r.ok && r.error instanceof lib.AxeError, String(r.error));
  assert.equal(r.error.code, 'WINOPS_AXE_REBOOT_UNSUPPORTED');
  assert.equal(r.error.call, 'IJobRestartEventHandler::OnJobRestart');
  await until(() => events.includes('job-end'), undefined, 'job-end after TerminateJob');
  assert.deepEqual(events, ['job-begin', 'assessment-begin', 'progress', 'progress', 'job-restart', 'assessment-end', 'job-end']);
  await j.close();
  assert.deepEqual(backend.openHandles(), []);
  await until(() => readLog().live.Job === 0 && readLog().live.Engine === 0, 2000, 'engine and job deleted');
  const log = readLog();
  // Non-NULL (jobexecutioninfo: required outside workload mode) and empty (the double logs it quoted).
  assert.deepEqual(log.calls.filter((c) => c.call === 'JobExecutionInfo.RestartCommand').map((c) => c.detail), ['""']);
  const names = log.calls.map((c) => c.call);
  assert.ok(names.indexOf('Engine::TerminateJob') > names.indexOf('Engine::OnJobRestart'), names.join(', '));
  assertClean(log);
});

test('stand-in: cancel of an assessment that honours it ends the job by CancelAssessment, with the begin-event index', { skip: skipDouble }, async () => {
  // b and c are held: each ends only through its cancel (so c still runs when its CancelAssessment comes).
  const readLog = job([quick('a'), quick('b', { hold: true }), quick('c', { hold: true })]);
  const { winops, backend } = winopsOnStandin();
  const j = await winops.axe.loadJob(JOB);
  const events = [];
  const run = j.run({ onEvent: (e) => events.push(e) });
  await until(() => run.runningIndex === 1, undefined, 'assessment 1');
  const outcome = await run.cancel();
  // the cooperative path: no CancelJob step (the default 30 s grace never ran out)
  assert.deepEqual(outcome.steps.map((s) => s.step), ['cancel-assessment', 'cancel-assessment']);
  assert.equal(outcome.status, 'cancelled');
  assert.equal(outcome.endedBy, 'cancel-assessment');
  assert.equal(outcome.jobCode, 'AXE_E_JOB_ASSESSMENTS_FAILED');
  assert.deepEqual({ step: outcome.steps[0].step, index: outcome.steps[0].index, code: outcome.steps[0].code }, { step: 'cancel-assessment', index: 1, code: 'S_OK' });
  const r = await settle(run);
  assert.ok(!r.ok && r.error instanceof lib.AbortError, String(r.error));
  assert.ok(events.some((e) => e.type === 'progress' && e.progressType === 'Cancelling'));
  const end = events.find((e) => e.type === 'assessment-end' && e.index === 1);
  assert.equal(end.code, 'AXE_E_ASSESSMENT_CANCELED');
  assert.equal(end.hresult, 0x8004100d);
  const log = readLog();
  assert.deepEqual(log.calls.filter((c) => c.call === 'Engine::CancelAssessment').map((c) => [c.detail, c.result]), [['1', 'S_OK'], ['2', 'S_OK']]);
  await j.close();
  assert.deepEqual(backend.openHandles(), []);
  await until(() => readLog().live.Job === 0 && readLog().live.Engine === 0, 2000, 'engine and job deleted');
  assertClean(readLog());
});

test('stand-in: an assessment that ignores cancel: CancelJob after the grace, then TerminateJob (synchronous, end events still raised)', { skip: skipDouble }, async () => {
  const readLog = job([quick('stubborn', { hold: true, honoursCancel: false }), quick('never')]);
  const { winops } = winopsOnStandin();
  const j = await winops.axe.loadJob(JOB);
  const ac = new AbortController();
  const events = [];
  const run = j.run({ signal: ac.signal, grace: 60, onEvent: (e) => events.push(e) });
  await until(() => run.runningIndex === 0);
  ac.abort(new Error('stop'));
  const r = await settle(run);
  assert.ok(!r.ok && r.error.name === 'AbortError', String(r.error));
  assert.deepEqual(r.error.cause, new Error('stop'));
  assert.equal(r.error.outcome.endedBy, 'terminate-job');
  assert.deepEqual(r.error.outcome.steps.map((s) => [s.step, s.code]), [['cancel-assessment', 'S_OK'], ['cancel-job', 'S_OK'], ['terminate-job', 'S_OK']]);
  assert.equal(r.error.outcome.jobCode, 'AXE_E_JOB_CANCELED');
  assert.deepEqual(events.filter((e) => e.type === 'assessment-end').map((e) => e.code), ['AXE_E_ASSESSMENT_TERMINATED']);
  assert.equal(events.at(-1).type, 'job-end');
  assert.equal(events.filter((e) => e.type === 'assessment-begin').length, 1, 'CancelJob kept the second assessment from starting');
  await j.close();
  await until(() => readLog().live.Job === 0 && readLog().live.Engine === 0, 2000, 'engine and job deleted');
  const log = readLog();
  assert.deepEqual(log.calls.filter((c) => c.call === 'Engine::TerminateJob').map((c) => c.result), ['S_OK']);
  assertClean(log);
});

test('stand-in: CancelAssessment with the wrong index is AXE_E_INVALID_INDEX; with no job, AXE_E_NO_JOB_RUNNING (header symbols)', { skip: skipDouble }, async () => {
  // a is held: it is the running assessment when CancelAssessment(1) comes, then the test lets it finish.
  const readLog = job([quick('a', { hold: true }), quick('b')]);
  const { winops } = winopsOnStandin();
  const j = await winops.axe.loadJob(JOB);
  const run = j.run();
  await until(() => run.runningIndex === 0);
  const wrong = await settle(run.cancelAssessment(1));
  assert.ok(!wrong.ok && wrong.error instanceof lib.AxeError, String(wrong.error));
  assert.equal(wrong.error.code, 'AXE_E_INVALID_INDEX');
  assert.equal(typeof wrong.error.hresult, 'number', 'the value comes from the header (a stand-in value here)');
  await readLog.held('axe:a');
  readLog.release('axe:a');
  await run;
  const late = await settle(run.cancelAssessment(0));
  assert.ok(!late.ok && late.error.code === 'AXE_E_NO_JOB_RUNNING', String(late.error));
  await j.close();
  assertClean(readLog());
});

test('stand-in: a failed assessment fails the job with AXE_E_JOB_ASSESSMENTS_FAILED', { skip: skipDouble }, async () => {
  const readLog = job([quick('a', { error: 'AXE_E_ASSESSMENT_COMPLETED_WITH_ERROR', exitCode: 3 }), quick('b')]);
  const { winops } = winopsOnStandin();
  const j = await winops.axe.loadJob(JOB);
  const r = await settle(j.run());
  assert.ok(!r.ok && r.error instanceof lib.AxeError, String(r.error));
  assert.equal(r.error.code, 'AXE_E_JOB_ASSESSMENTS_FAILED');
  assert.equal(r.error.hresult, 0x80041014);
  assert.deepEqual({ code: r.error.result.assessments[0].code, exitCode: r.error.result.assessments[0].exitCode }, { code: 'AXE_E_ASSESSMENT_COMPLETED_WITH_ERROR', exitCode: 3 });
  await j.close();
  assertClean(readLog());
});

test('stand-in: manifest errors are AxeErrors: missing file, not a manifest, a directory', { skip: skipDouble }, async () => {
  const readLog = useScenario({});
  const { winops } = winopsOnStandin();
  const missing = await settle(winops.axe.loadJob(path.join(dir, 'missing.xml')));
  assert.ok(!missing.ok && missing.error instanceof lib.AxeError, String(missing.error));
  assert.equal(missing.error.hresult, 0x80070002);
  assert.equal(missing.error.call, 'Solution::CreateJob');
  const bad = await settle(winops.axe.loadJob(BAD));
  assert.ok(!bad.ok && bad.error.code === 'AXE_E_BAD_MANIFEST' && bad.error.hresult === 0x80041000, String(bad.error));
  const folder = await settle(winops.axe.loadJob(dir));
  assert.ok(!folder.ok && folder.error.hresult === 0x80070005, String(folder.error));
  assertClean(readLog());
});

test('stand-in: one job at a time: a second job while one runs is AXE_E_JOB_RUNNING', { skip: skipDouble }, async () => {
  const readLog = job([quick('a', { hold: true })]);
  const { winops } = winopsOnStandin();
  const j1 = await winops.axe.loadJob(JOB);
  const j2 = await winops.axe.loadJob(JOB);
  const run = j1.run({ grace: 50 });
  await until(() => run.runningIndex === 0);
  const second = await settle(j2.run());
  assert.ok(!second.ok && second.error instanceof lib.AxeError && second.error.code === 'AXE_E_JOB_RUNNING', String(second.error));
  assert.equal(second.error.hresult, 0x80041005);
  const outcome = await run.cancel();
  assert.equal(outcome.endedBy, 'cancel-assessment');
  await j1.close();
  await j2.close();
  await until(() => readLog().live.Job === 0 && readLog().live.Engine === 0, 2000, 'engines and jobs deleted');
  assertClean(readLog());
});

test('stand-in: closing a job during its run cancels the run; when its ladder is spent, the release waits for the end of the run', { skip: skipDouble }, async () => {
  // a ignores CancelAssessment and is held, and the ladder has only CancelAssessment: nothing close() sets off ends
  // the run, so the Job must outlive close() until the test lets a go.
  const readLog = job([quick('a', { hold: true, honoursCancel: false })]);
  const { winops, backend } = winopsOnStandin();
  const j = await winops.axe.loadJob(JOB);
  const run = j.run({ escalation: ['cancel-assessment'], grace: 20 });
  await readLog.held('axe:a');
  const closed = await j.close().then(() => undefined, (e) => e);
  assert.equal(closed?.code, 'WINOPS_JOB_STILL_RUNNING', 'close() says the job still runs');
  assert.deepEqual(readLog().calls.filter((c) => c.call === 'Engine::CancelAssessment').map((c) => c.n), [0]);
  assert.equal(readLog().live.Job, 1, 'still alive while the job runs');
  readLog.release('axe:a');
  const r = await run;
  assert.equal(r.executedAssessments, 1);
  assert.deepEqual(backend.openHandles(), []);
  await until(() => readLog().live.Job === 0 && readLog().live.Engine === 0, 2000, 'engine and job deleted');
  assertClean(readLog());
});

test('stand-in: Engine calls run in order on one thread of the run\'s own, answered through the run\'s events; the thread is joined when the run has ended', { skip: skipDouble }, async () => {
  const readLog = job([quick('a', { hold: true })]);
  await until(() => addon.diag.liveThreads() === 0, 2000, 'threads of earlier tests joined');
  const loaded = await addon.axe.loadJob(JOB);
  await until(() => addon.diag.liveThreads() === 0, 2000, 'the loadJob thread joined');
  const events = [];
  let ended;
  const jobEnded = new Promise((r) => (ended = r));
  const run = addon.axe.execute(loaded.job, {
    jobBegin() {},
    jobRestart() {},
    assessmentBegin: (index) => events.push(['begin', index]),
    progress() {},
    assessmentEnd: (index, error) => events.push(['end', index, error.code]),
    jobEnd: (r) => {
      events.push(['job-end', r.error.code]);
      ended();
    },
  });
  assert.equal(addon.diag.liveThreads(), 1, 'one call thread, started with the run');
  await until(() => events.some((e) => e[0] === 'begin'), 5000, 'assessment-begin');
  // Two calls at once: carried out in the order they were made, on that one thread.
  const [wrong, right] = await Promise.all([run.cancelAssessment(5), run.cancelAssessment(0)]);
  assert.equal(wrong.code, 'AXE_E_INVALID_INDEX');
  assert.equal(right.code, 'S_OK');
  assert.equal(addon.diag.liveThreads(), 1, 'no thread per call');
  await jobEnded;
  assert.deepEqual(events, [['begin', 0], ['end', 0, 'AXE_E_ASSESSMENT_CANCELED'], ['job-end', 'AXE_E_JOB_ASSESSMENTS_FAILED']]);
  // After the end: answered at once, the thread is gone.
  assert.equal((await run.cancelJob()).code, 'AXE_E_NO_JOB_RUNNING');
  await until(() => addon.diag.liveThreads() === 0, 2000, 'the call thread joined');
  loaded.job.release();
  await until(() => readLog().live.Job === 0 && readLog().live.Engine === 0, 2000, 'engine and job deleted');
  const log = readLog();
  // In the order made (the double names the unpublished AXE_E_INVALID_INDEX by its stand-in value).
  const calls = log.calls.filter((c) => c.call === 'Engine::CancelAssessment');
  assert.deepEqual(calls.map((c) => c.detail), ['5', '0']);
  assert.notEqual(calls[0].result, 'S_OK');
  assert.equal(calls[1].result, 'S_OK');
  assertClean(log);
});

test('stand-in: a worker terminated mid-job: teardown terminates the job (the last resort) and deletes engine and job', { skip: skipDouble }, async () => {
  const { Worker } = await import('node:worker_threads');
  const readLog = job([quick('endless', { hold: true, honoursCancel: false })]);
  const worker = new Worker(`
    const { parentPort, workerData } = require('node:worker_threads');
    const lib = require(workerData.dist);
    const { composeNativeBackend } = require(workerData.native);
    const winops = lib.createWinops({ backend: composeNativeBackend(require(workerData.addon)) });
    winops.axe.loadJob(workerData.job).then((j) => {
      j.run({ onEvent: (e) => { if (e.type === 'assessment-begin') parentPort.postMessage('running'); } }).catch(() => {});
    });
  `, { eval: true, workerData: { dist: distIndex, native: path.join(root, 'dist', 'lib', 'native', 'index.js'), addon: addonPath(), job: JOB } });
  await new Promise((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  // The assessment is held and ignores cancels: only the teardown's TerminateJob ends the job, so without it this
  // would never return.
  await withDeadline(worker.terminate(), 'worker.terminate() with an assessment that only TerminateJob ends');
  await until(() => readLog().live.Engine === 0 && readLog().live.Job === 0, 3000, 'engine and job deleted');
  const log = readLog();
  assert.deepEqual(log.calls.filter((c) => c.call === 'Engine::TerminateJob').map((c) => c.result), ['S_OK']);
  assertClean(log);
  // The process-wide engine slot is free again: a new job runs.
  job([quick('after')]);
  const { winops } = winopsOnStandin();
  const j = await winops.axe.loadJob(JOB);
  assert.equal((await j.run()).executedAssessments, 1);
});
