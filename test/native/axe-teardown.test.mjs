// AXE's environment teardown never hangs the host (issue 11 item 15; native/common/teardown.h, native/axe/teardown.cc),
// in the stand-in build against the AxeCore.dll double (the axe-standin run of scripts/wine/test.sh; see axe.test.mjs
// for what that run does and does not verify).
//
// The double's TerminateJob is held forever (scenario terminateHold: it waits on the gate 'axe:terminate-job', which
// no test releases), and the running assessment ignores cancels, so the teardown's TerminateJob (the last resort)
// never returns. Each case runs in a child node.exe (an abandoned thread stays in its process): the child must still
// exit, with the stderr line that says what was abandoned. The children's deadline only turns a hang into a failure.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { root, addonPath } from './helpers.mjs';
import { distIndex, runChild, useScenario } from './doubles.mjs';

const onWindows = process.platform === 'win32';
const skip = !onWindows ? 'Windows node.exe only (npm run test:wine)'
  : !fs.existsSync(distIndex) ? 'needs dist/ (npm run build)'
  : !process.env.WINOPS_AXE_DOUBLE ? 'needs the stand-in build and the AxeCore.dll double (WINOPS_AXE_DOUBLE, set by npm run test:wine)'
  : false;

const JOB = 'C:\\jobs\\teardown.xml';
const nativeIndex = path.join(root, 'dist', 'lib', 'native', 'index.js');
const ABANDONED = /^winops: teardown: axe: abandoned a job run \(TerminateJob, the engine's destructor or an Engine call did not return\) after \d+ ms$/m;

function stuckScenario() {
  return useScenario('axe', {
    terminateHold: true,
    manifests: { [JOB]: { name: 'Teardown', assessments: [{ name: 'endless', durationMs: 10, progressSteps: 1, hold: true, honoursCancel: false }] } },
  });
}

// The child's code that starts the job; `onRunning` runs once its assessment has begun.
const startJob = (onRunning) => `
  const lib = require(${JSON.stringify(distIndex)});
  const { composeNativeBackend } = require(${JSON.stringify(nativeIndex)});
  const winops = lib.createWinops({ backend: composeNativeBackend(require(${JSON.stringify(addonPath())})) });
  winops.axe.loadJob(${JSON.stringify(JOB)}).then((j) => {
    j.run({ onEvent: (e) => { if (e.type === 'assessment-begin') { ${onRunning} } } }).catch(() => {});
  }, (e) => { console.log('FAILED ' + (e && e.stack)); process.exit(3); });`;

function assertHeldTerminate(readLog) {
  // The double's own log (written as it goes): TerminateJob really was called and held, so the exit came from the bound.
  const log = readLog.file();
  assert.ok(log.calls.some((c) => c.call === 'hold' && c.detail === 'axe:terminate-job'), `TerminateJob held: ${JSON.stringify(log.calls.map((c) => c.call))}`);
  assert.ok(!log.calls.some((c) => c.call === 'Engine::TerminateJob'), 'TerminateJob never returned');
}

test('process.exit mid-job with a TerminateJob that would never return: the child exits with its code at once (process.exit runs no environment teardown)', { skip }, async () => {
  // process.exit() ends the process without Node-API cleanup hooks (lib/native/exit.ts); Windows ends the run's
  // threads with it, so nothing can hang there. The environment teardown and its bound are the worker test below.
  stuckScenario();
  const r = await runChild(startJob(`console.log('RUNNING'); process.exit(4);`));
  assert.equal(r.code, 4, r.output);
  assert.match(r.output, /RUNNING/);
  assert.doesNotMatch(r.output, /winops: teardown: axe:/, 'no teardown ran, so nothing was abandoned');
});

test('a worker terminated mid-job with a TerminateJob that never returns: terminate() resolves, the run abandoned, said on stderr', { skip }, async () => {
  const readLog = stuckScenario();
  const r = await runChild(`
    const { Worker } = require('node:worker_threads');
    const w = new Worker(${JSON.stringify(startJob(`require('node:worker_threads').parentPort.postMessage('running');`))}, { eval: true });
    w.once('error', (e) => { console.log('FAILED ' + (e && e.stack)); process.exit(3); });
    w.once('message', () => w.terminate().then(() => { console.log('TERMINATED'); process.exit(0); }));
  `);
  assert.equal(r.code, 0, r.output);
  assert.match(r.output, /TERMINATED/);
  assert.match(r.output, ABANDONED, r.output);
  assertHeldTerminate(readLog);
});
