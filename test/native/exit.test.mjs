import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, openSync, closeSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { addonPath } from './helpers.mjs';

const skip = process.platform !== 'win32' && 'Windows node.exe only (npm run test:wine)';

// Runs `source` in a child of this same host with stdio going to files (a pipe as node.exe's
// stdout/stderr breaks under Wine). Resolves { code, signal, ms, output } or { timedOut }.
function runChild(source, timeoutMs) {
  const dir = mkdtempSync(path.join(tmpdir(), 'winops-exit-'));
  const script = path.join(dir, 'child.js');
  writeFileSync(script, source);
  const outPath = path.join(dir, 'out.log');
  const fd = openSync(outPath, 'w');
  const t0 = Date.now();
  const child = spawn(process.execPath, [script], {
    stdio: ['ignore', fd, fd],
    env: { ...process.env, WINOPS_ADDON: addonPath() },
  });
  closeSync(fd);
  return new Promise((resolve) => {
    const timer = setTimeout(() => { child.kill(); }, timeoutMs);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      const ms = Date.now() - t0;
      const output = readFileSync(outPath, 'utf8');
      rmSync(dir, { recursive: true, force: true });
      resolve({ code, signal, ms, output, timedOut: ms >= timeoutMs });
    });
  });
}

const prelude = `const b = require(process.env.WINOPS_ADDON);\n`;

test('process.exit while a native thread sleeps exits at once with the given code', { skip }, async () => {
  const r = await runChild(prelude + `
    b.diag.sleepOnWorker(60000, () => console.log('never'));
    setTimeout(() => { console.log('exiting'); process.exit(7); }, 200);
  `, 20000);
  assert.equal(r.timedOut, false, `child hung (${r.ms} ms): ${r.output}`);
  assert.equal(r.code, 7, r.output);
  assert.match(r.output, /exiting/);
  assert.doesNotMatch(r.output, /never/);
});

test('an uncaught exception while native threads sleep exits with 1, no hang or crash', { skip }, async () => {
  const r = await runChild(prelude + `
    b.diag.sleepOnWorker(60000);
    b.diag.comInitOnWorker();
    setTimeout(() => { throw new Error('boom'); }, 200);
  `, 20000);
  assert.equal(r.timedOut, false, `child hung (${r.ms} ms): ${r.output}`);
  assert.equal(r.code, 1, r.output);
  assert.match(r.output, /boom/);
});

test('a worker_thread with a sleeping native thread does not hold up process.exit', { skip }, async () => {
  const r = await runChild(prelude + `
    const { Worker } = require('node:worker_threads');
    const w = new Worker("require(process.env.WINOPS_ADDON).diag.sleepOnWorker(60000); require('node:worker_threads').parentPort.postMessage(1)", { eval: true });
    w.once('message', () => process.exit(3));
  `, 20000);
  assert.equal(r.timedOut, false, `child hung (${r.ms} ms): ${r.output}`);
  assert.equal(r.code, 3, r.output);
});

test('a worker terminated while an addon thread ignores the stop: terminate() resolves, the thread abandoned after the teardown bound, said on stderr', { skip }, async () => {
  // stuckOnWorker stands for a Windows call that does not return (a probe, listRecorders, loadJob on a thread of
  // RunOnOwnThread): the environment teardown waits at most kTeardownBoundMs, then abandons it. The child's deadline
  // only turns a hang into a failure.
  const r = await runChild(prelude + `
    const { Worker } = require('node:worker_threads');
    const w = new Worker("require(process.env.WINOPS_ADDON).diag.stuckOnWorker(60000); require('node:worker_threads').parentPort.postMessage(1)", { eval: true });
    w.once('message', () => w.terminate().then(() => { console.log('terminated'); process.exit(0); }));
  `, 30000);
  assert.equal(r.timedOut, false, `child hung (${r.ms} ms): ${r.output}`);
  assert.equal(r.code, 0, r.output);
  assert.match(r.output, /terminated/);
  assert.match(r.output, /winops: teardown: common: abandoned the addon thread winops\.diag\.stuck after \d+ ms/);
});

test('the loop stays alive for a pending native operation, then exits 0', { skip }, async () => {
  const r = await runChild(prelude + `b.diag.sleepOnWorker(300, (e, v) => console.log('done', v.stopped));`, 20000);
  assert.equal(r.code, 0, r.output);
  assert.match(r.output, /done false/);
});

test('a callback that throws becomes an uncaught exception (exit 1), not a crash', { skip }, async () => {
  const r = await runChild(prelude + `b.diag.sleepOnWorker(1, () => { throw new Error('from callback'); });`, 20000);
  assert.equal(r.code, 1, r.output);
  assert.match(r.output, /from callback/);
});
