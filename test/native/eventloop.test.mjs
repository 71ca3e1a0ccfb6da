import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { setTimeout as delay } from 'node:timers/promises';
import { binding } from './helpers.mjs';

const skip = process.platform !== 'win32' && 'Windows node.exe only (npm run test:wine)';

async function untilNoLiveThreads(ms = 2000) {
  const end = Date.now() + ms;
  while (binding.diag.liveThreads() !== 0 && Date.now() < end) await delay(10);
  return binding.diag.liveThreads();
}

test('timers keep firing while sleepOnWorker blocks a native thread', { skip }, async () => {
  let ticks = 0;
  const timer = setInterval(() => ticks++, 10);
  const t0 = Date.now();
  const r = await new Promise((resolve, reject) =>
    binding.diag.sleepOnWorker(500, (err, value) => (err ? reject(err) : resolve(value))));
  clearInterval(timer);
  assert.equal(r.stopped, false);
  assert.ok(r.elapsedMs >= 450, `slept ${r.elapsedMs} ms`);
  assert.ok(Date.now() - t0 >= 450);
  assert.ok(ticks >= 10, `only ${ticks} timer ticks during a 500 ms native sleep`);
  assert.notEqual(r.threadId, binding.diag.currentThreadId());
});

test('long native waits do not occupy the libuv pool (fs stays fast with 8 sleepers)', { skip }, async () => {
  // The default pool has 4 threads: 8 sleepers on it would stall readFile for 800 ms.
  const sleepers = Array.from({ length: 8 }, () => binding.diag.sleepOnWorker(800));
  await delay(50);
  const t0 = Date.now();
  await readFile(new URL(import.meta.url));
  const fsMs = Date.now() - t0;
  const results = await Promise.all(sleepers);
  assert.ok(fsMs < 400, `readFile took ${fsMs} ms while native threads slept`);
  assert.equal(new Set(results.map((r) => r.threadId)).size, 8, 'one thread per operation');
});

test('every addon thread is joined after it completes', { skip }, async () => {
  await Promise.all([binding.diag.sleepOnWorker(20), binding.diag.comInitOnWorker()]);
  assert.equal(await untilNoLiveThreads(), 0);
});
