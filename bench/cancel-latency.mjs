// Cancel latency: from abort() to the operation's promise settling, per family, p50 and p99.
//
// Run: npm run bench:cancel [-- iterations]
//   1. here (Linux, or any OS): the fake backend;
//   2. then, from Linux, scripts/wine/bench.sh runs this file again inside Windows node.exe under Wine with the four
//      test doubles in place: the fake backend and the native addon + doubles in the same process, one iteration
//      of each in turn, so both see the same machine at the same moment. The target ("native within 2 ms of the
//      fake at p99") is judged against that in-process fake; the Linux figures are printed beside it.
// Every backend gets the same scenario: each operation is held until cancelled, and cancel is honoured at once
// (cancelLatencyMs 0, no extra MI results after cancel; IMAPI2 can only cancel inside the next Update, which
// comes every updateIntervalMs = 1 ms). Iterations are 5 ms apart (see quiet()). Flags: --fake-only (skip the Wine
// half).
import { performance } from 'node:perf_hooks';
import { createRequire } from 'node:module';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pct, probeDoubles } from './common.mjs';

const require = createRequire(import.meta.url);
const root = path.resolve(fileURLToPath(new URL('.', import.meta.url)), '..');
const args = process.argv.slice(2);
const flag = (name) => args.includes(name);
const option = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const positional = args.filter((a, i) => !a.startsWith('--') && !(i > 0 && args[i - 1] === '--linux-fake'));
const N = Number(positional[0] ?? 300);
const onWindows = process.platform === 'win32';
const withNative = onWindows && Boolean(process.env.WINOPS_ADDON);

const { createWinops } = require(path.join(root, 'dist', 'lib', 'index.js'));
const { createFakeBackend } = require(path.join(root, 'dist', 'lib', 'fake', 'index.js'));

const JOB = 'C:\\jobs\\cancel-latency.xml';
const HOLD = 60_000;
const SCENARIO = {
  vss: { steps: { gatherWriterMetadata: { durationMs: 0 }, prepareForBackup: { durationMs: 0 }, doSnapshotSet: { durationMs: HOLD, cancelLatencyMs: 0 } } },
  mi: { classes: { Big: Array.from({ length: 1000 }, (_, i) => ({ Id: i })) }, resultIntervalMs: 1, extraResultsAfterCancel: 0, cancelLatencyMs: 0 },
  imapi2: { updateIntervalMs: 1, sectorsPerUpdate: 16, cancelLatencyUpdates: 0, notInProgressUpdates: 0 },
  axe: { manifests: { [JOB]: { name: 'J', assessments: [{ name: 'a', durationMs: HOLD, honoursCancel: true, cancelLatencyMs: 0 }] } } },
};
const IMAGE = new Uint8Array(1 << 24); // 8192 sectors, 16 per Update

const started = () => {
  let go;
  const p = new Promise((r) => (go = r));
  return [p, go];
};

/** Per family: start(ctx, signal) -> { op, running }; `running` resolves once the operation is under way. */
const FAMILIES = {
  vss: (ctx, signal) => {
    const [running, go] = started();
    const op = ctx.w.vss.createSnapshotSet('C:\\', { signal, onStep: (e) => { if (e.step === 'doSnapshotSet') go(); } });
    return { op, running };
  },
  mi: (ctx, signal) => {
    const s = ctx.session.enumerate('Big', { signal, highWaterMark: 4 });
    const it = s[Symbol.asyncIterator]();
    const running = it.next();
    return { op: (async () => { await running; for (;;) { const r = await it.next(); if (r.done) return; } })(), running };
  },
  imapi2: (ctx, signal) => {
    const [running, go] = started();
    const op = ctx.w.imapi2.burn(IMAGE, { signal, onProgress: () => go() });
    return { op, running };
  },
  axe: (ctx, signal) => {
    const [running, go] = started();
    const op = ctx.job.run({ signal, onEvent: (e) => { if (e.type === 'assessment-begin') go(); } });
    return { op, running };
  },
};

async function context(backend) {
  const w = createWinops({ backend });
  return { w, session: await w.mi.openSession(), job: await w.axe.loadJob(JOB) };
}

/** One cancel: start, wait until it runs, abort, time until the promise settles (either way). */
async function once(ctx, start) {
  const ac = new AbortController();
  const { op, running } = start(ctx, ac.signal);
  op.catch(() => {});
  await running;
  const t = performance.now();
  ac.abort();
  await op.then(() => {}, () => {});
  return performance.now() - t;
}

/**
 * A short pause between iterations: what a backend still does after its promise settled (a thread ending and being
 * joined, a large source buffer freed) happens here rather than inside the next iteration, which may be the other
 * backend's. It is not part of any measurement.
 */
const quiet = () => new Promise((resolve) => setTimeout(resolve, GAP_MS));
const GAP_MS = 5;

const summary = (xs) => ({ p50: pct(xs, 50), p99: pct(xs, 99), n: xs.length });
const f3 = (x) => x.toFixed(3).padStart(7);

async function run() {
  const fakeCtx = await context(createFakeBackend(SCENARIO));
  let nativeCtx;
  let nativeBackend;
  let dir;
  if (withNative) {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'winops-bench-cancel-'));
    const scenarioPath = path.join(dir, 'scenario.json');
    fs.writeFileSync(scenarioPath, JSON.stringify(SCENARIO));
    process.env.WINOPS_SCENARIO = scenarioPath; // the doubles read it when each object is created
    process.env.WINOPS_DOUBLE_LOG = ''; // no call log while measuring: each double rewrites its log on every call
    const { composeNativeBackend } = require(path.join(root, 'dist', 'lib', 'native', 'index.js'));
    nativeBackend = composeNativeBackend(require(process.env.WINOPS_ADDON));
    nativeCtx = await context(nativeBackend);
  }
  const results = { fake: {}, native: {} };
  for (const [family, start] of Object.entries(FAMILIES)) {
    const fake = [];
    const native = [];
    for (let i = 0; i < N; i++) {
      fake.push(await once(fakeCtx, start));
      await quiet();
      if (nativeCtx) {
        native.push(await once(nativeCtx, start));
        await quiet();
      }
    }
    results.fake[family] = summary(fake);
    if (nativeCtx) results.native[family] = summary(native);
  }
  await fakeCtx.session.close();
  await fakeCtx.job.close();
  let left = [];
  if (nativeCtx) {
    await nativeCtx.session.close();
    await nativeCtx.job.close();
    left = await probeDoubles(nativeCtx.w, dir, { axeJob: JOB });
    left.push(...nativeBackend.openHandles().map((h) => `open handle ${h.kind}`));
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return { results, left };
}

const where = onWindows ? `Windows node.exe ${process.version}${withNative ? ' under Wine' : ''}` : `${process.platform} node ${process.version}`;
const { results, left } = await run();

if (!withNative) {
  console.log(`cancel latency, abort() -> promise settled, fake backend, ${where}, ${os.cpus().length} CPUs, n=${N} per family`);
  for (const [family, r] of Object.entries(results.fake)) console.log(`${family.padEnd(7)} fake: p50 ${f3(r.p50)} ms  p99 ${f3(r.p99)} ms`);
  const out = { bench: 'cancel-latency', backend: 'fake', where, n: N, results: results.fake };
  console.log(JSON.stringify(out));
  if (!onWindows && !flag('--fake-only')) {
    // The native half: this file again, inside node.exe under Wine (scripts/wine/bench.sh puts the doubles in place).
    const saved = path.join(root, '.cache', 'bench-cancel-fake.json');
    fs.mkdirSync(path.dirname(saved), { recursive: true });
    fs.writeFileSync(saved, JSON.stringify(out));
    console.log('\nnative + doubles, inside Windows node.exe under Wine (scripts/wine/bench.sh):');
    const r = spawnSync('bash', [path.join(root, 'scripts', 'wine', 'bench.sh'), 'bench/cancel-latency.mjs', String(N), '--linux-fake', path.relative(root, saved).split(path.sep).join('/')], { cwd: root, stdio: 'inherit' });
    process.exit(r.status ?? 1);
  }
} else {
  let linux;
  const linuxPath = option('--linux-fake');
  if (linuxPath && fs.existsSync(path.resolve(root, linuxPath))) linux = JSON.parse(fs.readFileSync(path.resolve(root, linuxPath), 'utf8'));
  console.log(`cancel latency, abort() -> promise settled, ${where}, ${os.cpus().length} CPUs, n=${N} per family and backend, one iteration of each backend in turn`);
  console.log(`target: native + doubles p99 <= fake p99 (same process) + 2 ms`);
  console.log(`family  fake here p50     p99 | native p50     p99 | p99 diff | target${linux ? ` | fake (${linux.where}) p50     p99` : ''}`);
  const verdicts = {};
  for (const family of Object.keys(FAMILIES)) {
    const f = results.fake[family];
    const n = results.native[family];
    const diff = n.p99 - f.p99;
    verdicts[family] = diff <= 2 ? 'PASS' : 'MISS';
    const l = linux?.results?.[family];
    console.log(`${family.padEnd(7)} ${f3(f.p50)} ${f3(f.p99)} | ${f3(n.p50)} ${f3(n.p99)} | ${diff >= 0 ? '+' : ''}${diff.toFixed(3).padStart(6)} | ${verdicts[family]}  ${l ? ` | ${f3(l.p50)} ${f3(l.p99)}` : ''}`);
  }
  console.log(`afterwards: ${left.length ? `LEFT OVER: ${left.join(', ')}` : 'no open handle, nothing alive in the doubles, no violation logged'}`);
  console.log(JSON.stringify({ bench: 'cancel-latency', where, n: N, fake: results.fake, native: results.native, verdicts, clean: left.length === 0 }));
  if (left.length) process.exitCode = 1; // a leak fails the run; a missed target does not
}
