import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';
import { addonPath } from './helpers.mjs';

const skip = process.platform !== 'win32' && 'Windows node.exe only (npm run test:wine)';

const workerSource = `
  const { parentPort, workerData } = require('node:worker_threads');
  const b = require(workerData.addon);
  (async () => {
    if (workerData.mode === 'hang') {
      b.diag.sleepOnWorker(60000);
      parentPort.postMessage({ sleeping: true });
      return;
    }
    const com = await b.diag.comInitOnWorker();
    const sleep = await b.diag.sleepOnWorker(100);
    parentPort.postMessage({ com, sleep, jsThread: b.diag.currentThreadId(), live: b.diag.liveThreads() });
  })().catch((e) => { throw e; });
`;

function start(mode) {
  return new Worker(workerSource, { eval: true, workerData: { addon: addonPath(), mode } });
}

function firstMessage(worker) {
  return new Promise((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`worker exited ${code} before replying`)));
  });
}

test('the addon loads and works in 3 worker_threads at once', { skip }, async () => {
  const workers = [start('run'), start('run'), start('run')];
  const replies = await Promise.all(workers.map(firstMessage));
  await Promise.all(workers.map((w) => w.terminate()));
  for (const r of replies) {
    assert.equal(r.com.apartmentType, 1);
    assert.equal(r.sleep.stopped, false);
    assert.notEqual(r.sleep.threadId, r.jsThread);
  }
  assert.equal(new Set(replies.map((r) => r.jsThread)).size, 3, 'three distinct JS threads');
});

test('terminating a worker whose native thread sleeps 60 s stops and joins it promptly', { skip }, async () => {
  const w = start('hang');
  await firstMessage(w);
  const t0 = Date.now();
  await w.terminate();
  const ms = Date.now() - t0;
  assert.ok(ms < 5000, `terminate took ${ms} ms`);
});
