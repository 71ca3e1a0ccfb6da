// IMAPI2 writes against the double (the imapi2-double run of scripts/wine/test.sh): the execution state held
// during Write (issue 11 item 12), the verification level given to IBurnVerification (item 10), and a teardown
// that never hangs the host however long a Write runs (item 15).
//
// Power state cannot be observed under Wine: what is checked is the addon's own count (imapi2.stats()) of the
// SetThreadExecutionState(ES_CONTINUOUS | ES_SYSTEM_REQUIRED) it holds while Write runs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { binding } from './helpers.mjs';
import { controlPath, distIndex, doubleModule, lib, runChild, runs, settle, useScenario as scenarioFor, withDeadline } from './doubles.mjs';

const { double: skipDouble } = runs('WINOPS_IMAPI2_DOUBLE', 'IMAPI2', 'real Windows has IMAPI2');
const useScenario = (imapi2) => scenarioFor('imapi2', imapi2);
const image = (sectors) => new Uint8Array(sectors * 2048);
const FAST = { updateIntervalMs: 10, sectorsPerUpdate: 64 };
// A worker's source that alone loads the addon and burns 256 sectors, posting 'in Write' at its first progress.
const BURNING_WORKER = `
  const { parentPort } = require('node:worker_threads');
  const lib = require(${JSON.stringify(distIndex)});
  const winops = lib.createWinops({ backend: 'native' });
  let told = false;
  winops.imapi2.burn(new Uint8Array(256 * 2048), { onProgress: () => {
    if (!told) { told = true; parentPort.postMessage('in Write'); }
  } }).catch((e) => parentPort.postMessage('rejected ' + e.message));
`;

test('double: the execution state is held while Write runs (stats), released after it', { skip: skipDouble }, async () => {
  const readLog = useScenario({ ...FAST, holdUpdates: [2] });
  const winops = lib.createWinops({ backend: 'native' });
  const before = binding.imapi2.stats();
  assert.equal(before.executionStateHeld, 0);
  const op = winops.imapi2.burn(image(256));
  await readLog.held('imapi2:update:2'); // inside Write, on the write thread
  const during = binding.imapi2.stats();
  assert.equal(during.executionStateRequests, before.executionStateRequests + 1, 'SetThreadExecutionState was called once for this write');
  assert.equal(during.executionStateFailures, before.executionStateFailures, 'and did not fail');
  assert.equal(during.executionStateHeld, 1, 'held while Write runs');
  readLog.release('imapi2:update:2');
  const r = await withDeadline(settle(op), 'the burn after Update 2 was released');
  assert.ok(r.ok, String(r.error));
  const after = binding.imapi2.stats();
  assert.equal(after.executionStateHeld, 0, 'cleared once Write returned');
});

test('double: burn gives IBurnVerification the level asked for, before Write', { skip: skipDouble }, async () => {
  const readLog = useScenario(FAST);
  const winops = lib.createWinops({ backend: 'native' });
  await withDeadline(winops.imapi2.burn(image(8), { verification: 'full' }), "a burn with verification 'full'");
  await withDeadline(winops.imapi2.burn(image(8)), 'a burn with the default verification');
  const calls = readLog().calls;
  const levels = calls.filter((c) => c.call === 'IBurnVerification::put_BurnVerificationLevel').map((c) => c.detail);
  assert.deepEqual(levels, ['full', 'quick']);
  const firstPut = calls.findIndex((c) => c.call === 'IBurnVerification::put_BurnVerificationLevel');
  const firstWrite = calls.findIndex((c) => c.call === 'IDiscFormat2Data::Write');
  assert.ok(firstPut >= 0 && firstWrite > firstPut, 'set before the write');
});

test('double: a worker terminated while its Write is held forever: the teardown abandons the write thread with the stderr line', { skip: skipDouble }, async () => {
  // Environment teardown (a worker's termination, Electron's quit) runs the addon's cleanup hooks; process.exit()
  // does not (lib/native/exit.ts), and there Windows ends the write thread with the process. Update 2 is never
  // released: the write thread cannot end (it holds before Update 2 whether or not teardown's cancel came first), so
  // the teardown waits its bound, abandons the thread and says so. The deadline only turns a hang into a failure.
  useScenario({ ...FAST, holdUpdates: [2] });
  const r = await withDeadline(runChild(`
    const { Worker } = require('node:worker_threads');
    const worker = new Worker(${JSON.stringify(BURNING_WORKER)}, { eval: true });
    worker.once('message', async (m) => {
      console.log('worker: ' + m);
      await worker.terminate();
      console.log('terminated');
      process.exit(7);
    });
  `, 60_000), 'the child with a held Write', 90_000);
  assert.equal(r.code, 7, r.output);
  assert.match(r.output, /worker: in Write\n/);
  assert.match(r.output, /winops: teardown: imapi2: abandoned an IDiscFormat2Data::Write thread after \d+ ms/);
  assert.match(r.output, /terminated/);
});

test('double: a worker that alone loaded the addon is terminated while its Write is held: the abandoned thread goes on in the pinned DLL once the hold is released, and releases everything', { skip: skipDouble }, async () => {
  // Node unloads an addon when the worker that alone loaded it ends (src/env.cc, Environment::~Environment), so
  // here the child's main thread never loads it: after terminate() only the abandon's pin keeps the DLL mapped.
  // Releasing Update 2 then sends the double into the addon's Update sink (our code) and Write returns into the
  // addon's write thread; unpinned, that is a jump into unmapped memory and the child dies with an access
  // violation. The child waits for the state (the double's objects all released, every Advise unadvised), never a time.
  useScenario({ ...FAST, holdUpdates: [2] });
  const r = await withDeadline(runChild(`
    const { Worker } = require('node:worker_threads');
    const control = require(${JSON.stringify(controlPath)});
    const dll = ${JSON.stringify(doubleModule.imapi2)};
    const worker = new Worker(${JSON.stringify(BURNING_WORKER)}, { eval: true });
    worker.once('message', async (m) => {
      console.log('worker: ' + m);
      await worker.terminate();
      console.log('terminated');
      control.release(dll, 'imapi2:update:2');
      for (;;) {
        const log = JSON.parse(control.snapshot(dll));
        const live = Object.values(log.live).reduce((a, b) => a + b, 0);
        const advises = log.calls.filter((c) => c.call === 'IConnectionPoint::Advise').length;
        const unadvises = log.calls.filter((c) => c.call === 'IConnectionPoint::Unadvise').length;
        if (advises > 0 && unadvises === advises && live === 0) break;
        await control.waitChange(dll, log.version, 2000);
      }
      console.log('the abandoned write thread released everything');
      process.exit(7);
    });
  `, 60_000), 'the child whose worker alone loaded the addon', 90_000);
  assert.match(r.output, /winops: teardown: imapi2: abandoned an IDiscFormat2Data::Write thread after \d+ ms/, r.output);
  assert.match(r.output, /the abandoned write thread released everything\n/, r.output);
  assert.equal(r.code, 7, r.output);
});
