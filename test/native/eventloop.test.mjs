import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { setTimeout as delay } from 'node:timers/promises';
import { binding } from './helpers.mjs';

const skip = process.platform !== 'win32' && 'Windows node.exe only (npm run test:wine)';

async function untilNoLiveThreads(ms = 30_000) {
  const end = Date.now() + ms;
  while (binding.diag.liveThreads() !== 0 && Date.now() < end) await delay(10);
  return binding.diag.liveThreads();
}

// Decided by order, not by durations (issue 10): what the JS side does while a native call is pending must happen
// before that call's callback. The native sleeps are long (3 s) only so that a loop stalled for less than that
// cannot pass for a free one; no test waits them out on purpose.
const PENDING_MS = 3000;

test('timers fire while sleepOnWorker blocks a native thread: a timer set after the call runs before its callback', { skip }, async () => {
  let done = false;
  const sleeping = new Promise((resolve, reject) =>
    binding.diag.sleepOnWorker(PENDING_MS, (err, value) => { done = true; return err ? reject(err) : resolve(value); }));
  let ticks = 0;
  for (let i = 0; i < 10; i++) {
    await delay(1);
    ticks++;
  }
  assert.equal(done, false, `the native sleep ended before ${ticks} timer turns of the event loop`);
  const r = await sleeping;
  assert.equal(r.stopped, false);
  assert.notEqual(r.threadId, binding.diag.currentThreadId());
});

test('long native waits do not occupy the libuv pool: fs completes while 8 sleepers are pending', { skip }, async () => {
  // The default pool has 4 threads: 8 sleepers on it would hold readFile until 4 of them ended.
  let ended = 0;
  const sleepers = Array.from({ length: 8 }, () => binding.diag.sleepOnWorker(PENDING_MS).then((r) => { ended++; return r; }));
  await readFile(new URL(import.meta.url));
  assert.equal(ended, 0, 'readFile completed before any of the native sleeps ended');
  const results = await Promise.all(sleepers);
  assert.equal(new Set(results.map((r) => r.threadId)).size, 8, 'one thread per operation');
});

test('every addon thread is joined after it completes', { skip }, async () => {
  await Promise.all([binding.diag.sleepOnWorker(20), binding.diag.comInitOnWorker()]);
  assert.equal(await untilNoLiveThreads(), 0);
});
