// The event loop stays free: 32 native operations blocked inside the Windows test doubles at once, and what
// that does to the JS thread and to the libuv pool, against the same process idle. Then the same number of
// waits through a naive design (bench/naive: each wait blocks a libuv pool thread in napi_async_work).
//
// Run: npm run bench:eventloop [-- windowMs]   (Linux: scripts/wine/bench.sh runs this file inside Windows
// node.exe under Wine with the four doubles in place; it does not run in Linux node.)
//
// Per phase, for windowMs (default 4000): perf_hooks.monitorEventLoopDelay at 1 ms resolution (its figures
// include that 1 ms sampling interval), and fs.promises.stat of one file started every 10 ms (open loop, so
// a stat stuck behind the pool is timed from when it was asked for, not from when the last one returned).
// Phases: idle -> winops, 32 ops held -> (cancel, close, leak check) -> idle -> naive, 32 waits -> (cancel,
// leak check) -> idle. Targets (winops design): delay p99 < 10 ms; fs.stat median <= 1.5x idle.
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { liveInDoubles, pct, probeDoubles, sleep } from './common.mjs';

if (process.platform !== 'win32') {
  console.error('bench/eventloop.mjs runs inside Windows node.exe: npm run bench:eventloop (scripts/wine/bench.sh)');
  process.exit(2);
}
for (const v of ['WINOPS_ADDON', 'WINOPS_AXECORE', 'WINOPS_NAIVE_ADDON', 'WINOPS_VSS_DOUBLE']) {
  if (!process.env[v]) {
    console.error(`${v} is not set: run through scripts/wine/bench.sh (npm run bench:eventloop)`);
    process.exit(2);
  }
}

const require = createRequire(import.meta.url);
const root = path.resolve(fileURLToPath(new URL('.', import.meta.url)), '..');
const lib = require(path.join(root, 'dist', 'lib', 'index.js'));
const { composeNativeBackend } = require(path.join(root, 'dist', 'lib', 'native', 'index.js'));
const addon = require(process.env.WINOPS_ADDON);
const naive = require(process.env.WINOPS_NAIVE_ADDON);

const WINDOW_MS = Number(process.argv[2] ?? 4000);
const STAT_EVERY_MS = 10;
const HOLD = 3_600_000; // what the scenario holds an operation for: never reached here
const MIX = { vss: 10, miQuery: 6, miSubscribe: 5, imapi2: 10, axe: 1 };
const NAIVE_MIX = { vss: 16, mi: 16 };

// ---------------------------------------------------------------------------------------------- scenario

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'winops-bench-eventloop-'));
const statTarget = path.join(dir, 'stat-target.txt');
fs.writeFileSync(statTarget, 'x');
const image = path.join(dir, 'image.iso');
fs.writeFileSync(image, Buffer.alloc(1024 * 2048)); // 1024 sectors, 2 per Update: minutes of writing
const JOB = 'C:\\jobs\\bench.xml';
const drives = 'EFGHIJKLMN'.split('');
const scenario = (vssSteps) => ({
  vss: { steps: vssSteps },
  mi: { classes: { Big: [{ Id: 1 }] }, resultIntervalMs: HOLD, indications: { intervalMs: HOLD }, cancelLatencyMs: 0 },
  imapi2: {
    recorders: drives.map((d, i) => ({ id: `{6D3F9A31-0000-4F5E-9C1B-BENCH000000${i}}`, volumePaths: [`${d}:\\`] })),
    updateIntervalMs: 500, // the documented interval
    sectorsPerUpdate: 2,
  },
  axe: { manifests: { [JOB]: { name: 'Bench job', assessments: [{ name: 'held', durationMs: HOLD, progressSteps: 4 }] } } },
});
const scenarioFile = (name, vssSteps) => {
  const f = path.join(dir, `${name}.json`);
  fs.writeFileSync(f, JSON.stringify(scenario(vssSteps)));
  return f;
};
// Only one shadow-copy set can be in creation at a time (VSS_E_SNAPSHOT_SET_IN_PROGRESS, also in the double):
// one set is held in DoSnapshotSet, the others in PrepareForBackup. The double reads the scenario at every
// CreateVssBackupComponents, so the file is switched once the first set is in DoSnapshotSet.
const SCENARIO_SNAPSHOT = scenarioFile('snapshot', { doSnapshotSet: { durationMs: HOLD, cancelLatencyMs: 0 } });
const SCENARIO_PREPARE = scenarioFile('prepare', { prepareForBackup: { durationMs: HOLD, cancelLatencyMs: 0 } });
const logFile = (name) => path.join(dir, `${name}.log.json`);
const readLog = (name) => JSON.parse(fs.readFileSync(logFile(name), 'utf8'));
process.env.WINOPS_SCENARIO = SCENARIO_PREPARE;
process.env.WINOPS_DOUBLE_LOG = ''; // no call log while measuring (each double rewrites its log on every call)

// ---------------------------------------------------------------------------------------------- measuring

const ms = (ns) => ns / 1e6;

/** One phase: event-loop delay over the window; fs.stat latencies, including stats still pending at its end. */
async function phase(label, windowMs = WINDOW_MS) {
  const h = monitorEventLoopDelay({ resolution: 1 });
  const stats = [];
  let inWindow = 0;
  const t0 = performance.now();
  h.enable();
  const timer = setInterval(() => {
    const s = performance.now();
    stats.push(fsp.stat(statTarget).then(() => {
      const e = performance.now();
      if (e - t0 <= windowMs) inWindow++;
      return e - s;
    }));
  }, STAT_EVERY_MS);
  await sleep(windowMs);
  clearInterval(timer);
  h.disable();
  const delay = { p50: ms(h.percentile(50)), p99: ms(h.percentile(99)), max: ms(h.max), n: h.count };
  const issued = stats.length;
  const r = { label, delay, issued, completedInWindow: inWindow };
  // The caller awaits r.fs once whatever blocked the pool has been cancelled.
  r.fs = Promise.all(stats).then((lat) => Object.assign(r, { stat: { p50: pct(lat, 50), p99: pct(lat, 99), max: Math.max(...lat), n: lat.length } }));
  return r;
}

function row(r) {
  const d = r.delay;
  const s = r.stat;
  return `${r.label.padEnd(36)} delay p50 ${d.p50.toFixed(2).padStart(6)}  p99 ${d.p99.toFixed(2).padStart(7)}  max ${d.max.toFixed(1).padStart(7)} ms` +
    ` | fs.stat median ${s.p50.toFixed(3).padStart(9)}  p99 ${s.p99.toFixed(3).padStart(9)} ms  (${r.completedInWindow}/${r.issued} within the window)`;
}

// ---------------------------------------------------------------------------------------------- winops

const backend = composeNativeBackend(addon);
const w = lib.createWinops({ backend });

async function startWinopsLoad() {
  const ops = { vss: [], mi: [], imapi2: [], axe: [] };
  const entered = [];
  const when = () => {
    let go;
    const p = new Promise((r) => (go = r));
    entered.push(p);
    return [p, go];
  };
  // VSS: the first set into DoSnapshotSet, then the rest into PrepareForBackup.
  for (let i = 0; i < MIX.vss; i++) {
    const step = i === 0 ? 'doSnapshotSet' : 'prepareForBackup';
    if (i === 0) process.env.WINOPS_SCENARIO = SCENARIO_SNAPSHOT;
    const [p, go] = when();
    const op = w.vss.createSnapshotSet('C:\\', { onStep: (e) => { if (e.step === step) go(); } });
    op.catch(() => {});
    ops.vss.push(op);
    if (i === 0) {
      await p;
      process.env.WINOPS_SCENARIO = SCENARIO_PREPARE;
    }
  }
  // MI: queries and event subscriptions with no result yet.
  const session = await w.mi.openSession();
  for (let i = 0; i < MIX.miQuery; i++) ops.mi.push(session.query('SELECT * FROM Big'));
  for (let i = 0; i < MIX.miSubscribe; i++) ops.mi.push(session.subscribe("SELECT * FROM __InstanceCreationEvent WITHIN 1 WHERE TargetInstance ISA 'Win32_Process'"));
  // IMAPI2: one burn per recorder (a recorder takes one write at a time), inside IDiscFormat2Data::Write.
  for (let i = 0; i < MIX.imapi2; i++) {
    const [p, go] = when();
    const op = w.imapi2.burn(image, { recorder: `${drives[i]}:\\`, onProgress: () => go() });
    op.catch(() => {});
    ops.imapi2.push(op);
    void p;
  }
  // AXE: the engine runs one job per process (AXE_E_JOB_RUNNING otherwise).
  const job = await w.axe.loadJob(JOB);
  const [p, go] = when();
  const run = job.run({ onEvent: (e) => { if (e.type === 'assessment-begin') go(); } });
  run.catch(() => {});
  ops.axe.push(run);
  void p;
  await Promise.all(entered);
  const count = ops.vss.length + ops.mi.length + ops.imapi2.length + ops.axe.length;
  return { ops, session, job, count };
}

/** Cancels and closes one family at a time, each with its own double log, and checks nothing is left. */
async function stopWinopsLoad({ ops, session, job }) {
  const report = {};
  const settle = (p) => p.then((v) => ({ ok: true, v }), (e) => ({ ok: false, e }));
  const t0 = performance.now();

  process.env.WINOPS_DOUBLE_LOG = logFile('vss');
  const vssOutcomes = await Promise.all(ops.vss.map((op) => op.cancel()));
  const vssSettled = await Promise.all(ops.vss.map(settle));
  report.vss = { outcomes: count(vssOutcomes.map((o) => `${o.status}@${o.step}${o.backupAborted ? '+AbortBackup' : ''}`)), aborted: vssSettled.filter((s) => s.e?.name === 'AbortError').length, log: readLog('vss') };

  process.env.WINOPS_DOUBLE_LOG = logFile('mi');
  const miOutcomes = await Promise.all(ops.mi.map((s) => s.cancel()));
  await session.close();
  report.mi = { outcomes: count(miOutcomes.map((o) => o.status)), log: readLog('mi') };

  process.env.WINOPS_DOUBLE_LOG = logFile('imapi2');
  const imapiOutcomes = await Promise.all(ops.imapi2.map((op) => op.cancel()));
  const imapiSettled = await Promise.all(ops.imapi2.map(settle));
  report.imapi2 = { outcomes: count(imapiOutcomes.map((o) => o.status)), aborted: imapiSettled.filter((s) => s.e?.name === 'AbortError').length, log: readLog('imapi2') };

  process.env.WINOPS_DOUBLE_LOG = logFile('axe');
  const axeOutcomes = await Promise.all(ops.axe.map((r) => r.cancel()));
  await Promise.all(ops.axe.map(settle));
  await job.close();
  report.axe = { outcomes: count(axeOutcomes.map((o) => `${o.status} by ${o.endedBy}`)), log: readLog('axe') };
  process.env.WINOPS_DOUBLE_LOG = '';
  report.ms = performance.now() - t0;
  return report;
}

function count(xs) {
  const m = {};
  for (const x of xs) m[x] = (m[x] ?? 0) + 1;
  return m;
}

// ---------------------------------------------------------------------------------------------- naive

async function startNaiveLoad() {
  const ops = [];
  for (let i = 0; i < NAIVE_MIX.vss; i++) ops.push(naive.startVss('C:\\'));
  for (let i = 0; i < NAIVE_MIX.mi; i++) ops.push(naive.startMi('SELECT * FROM Big'));
  // Give the pool time to take its first items into the doubles.
  const end = Date.now() + 2000;
  while (naive.stats().executing < 4 && Date.now() < end) await sleep(10);
  await sleep(200);
  return ops;
}

// ---------------------------------------------------------------------------------------------- run

console.log(`event loop under load: node ${process.version} (Windows node.exe${addon.diag?.wineVersion?.() ? `, Wine ${addon.diag.wineVersion()}` : ''}), ${os.cpus().length} CPUs, UV_THREADPOOL_SIZE=${process.env.UV_THREADPOOL_SIZE ?? '4 (default)'}, window ${WINDOW_MS} ms, fs.stat every ${STAT_EVERY_MS} ms`);
await sleep(300);

const idle1 = await phase('idle (before)');
await idle1.fs;

const load = await startWinopsLoad();
const threadsUnderLoad = addon.diag.liveThreads?.();
const loaded = await phase(`winops: ${load.count} ops held`);
const held = { vss: addon.vss.stats(), mi: addon.mi.stats(), liveThreads: threadsUnderLoad };
const stopped = await stopWinopsLoad(load);
await loaded.fs;
const handles = backend.openHandles();
const leftWinops = liveInDoubles({ vss: stopped.vss.log, mi: stopped.mi.log, imapi2: stopped.imapi2.log, axe: stopped.axe.log });
await sleep(200);
const after = { vss: addon.vss.stats(), mi: addon.mi.stats(), liveThreads: addon.diag.liveThreads?.() };

const idle2 = await phase('idle (between)');
await idle2.fs;

const naiveOps = await startNaiveLoad();
const naiveHeld = naive.stats();
const naivePhase = await phase(`naive (pool): ${naiveOps.length} waits`);
const naiveDuring = naive.stats();
const tCancel = performance.now();
const cancelledInFlight = naive.cancelAll();
const naiveResults = await Promise.all(naiveOps);
const naiveCancelMs = performance.now() - tCancel;
await naivePhase.fs;
naive.close();
const naiveLeft = await probeDoubles(w, dir);

const idle3 = await phase('idle (after)');
await idle3.fs;

// ---------------------------------------------------------------------------------------------- report

for (const r of [idle1, loaded, idle2, naivePhase, idle3]) console.log(row(r));
// The idle reference: the mean of the two idle medians measured before the naive run.
const idleRef = (idle1.stat.p50 + idle2.stat.p50) / 2;
const ratio = loaded.stat.p50 / idleRef;
const naiveRatio = naivePhase.stat.p50 / idleRef;
const verdict = (ok) => (ok ? 'PASS' : 'MISS');
console.log('');
console.log(`winops (own threads), ${load.count} ops: ${MIX.vss} VSS (1 in DoSnapshotSet, ${MIX.vss - 1} in PrepareForBackup), ${MIX.miQuery} MI queries + ${MIX.miSubscribe} MI subscriptions with no result yet, ${MIX.imapi2} IMAPI2 burns inside Write, ${MIX.axe} AXE job`);
console.log(`  threads of the addon while held: ${held.liveThreads} write and call threads (one per IMAPI2 burn, one per AXE run for its Engine calls), ${held.vss.componentThreads} VSS components + ${held.vss.waitThreads} VSS wait threads${held.vss.controlThread ? ' + 1 VSS control thread' : ''}; MI (${held.mi.operations} operations) holds none: its DLL calls back`);
console.log(`  event-loop delay p99 ${loaded.delay.p99.toFixed(2)} ms (idle ${idle1.delay.p99.toFixed(2)} / ${idle2.delay.p99.toFixed(2)} ms)  target < 10 ms: ${verdict(loaded.delay.p99 < 10)}`);
console.log(`  fs.stat median ${loaded.stat.p50.toFixed(3)} ms / idle ${idleRef.toFixed(3)} ms = ${ratio.toFixed(2)}x  target <= 1.5x: ${verdict(ratio <= 1.5)}`);
console.log(`  cancel + close of all ${load.count}: ${stopped.ms.toFixed(0)} ms; outcomes: vss ${JSON.stringify(stopped.vss.outcomes)}, mi ${JSON.stringify(stopped.mi.outcomes)}, imapi2 ${JSON.stringify(stopped.imapi2.outcomes)}, axe ${JSON.stringify(stopped.axe.outcomes)}`);
console.log(`  afterwards: open handles ${handles.length}, objects alive in the doubles ${leftWinops.length ? leftWinops.join(', ') : 'none'}, addon threads ${after.liveThreads}, VSS threads ${after.vss.componentThreads + after.vss.waitThreads} (+ ${after.vss.spareThreads ?? 0} idle, kept for reuse), MI operations ${after.mi.operations}, sessions ${after.mi.sessions}`);
console.log(`naive (napi_async_work on the libuv pool), ${naiveOps.length} waits: ${NAIVE_MIX.vss} VSS (IVssAsync::Wait in PrepareForBackup) + ${NAIVE_MIX.mi} MI (waiting for a query's final result)`);
console.log(`  items inside a double at once: ${naiveHeld.maxExecuting} (the other ${naiveOps.length - naiveHeld.maxExecuting} queued behind them in the pool); during the window ${naiveDuring.executing} executing`);
console.log(`  event-loop delay p99 ${naivePhase.delay.p99.toFixed(2)} ms: ${verdict(naivePhase.delay.p99 < 10)} (the JS thread itself is not blocked)`);
console.log(`  fs.stat median ${naivePhase.stat.p50.toFixed(1)} ms / idle ${idleRef.toFixed(3)} ms = ${naiveRatio.toFixed(0)}x: ${verdict(naiveRatio <= 1.5)}; ${naivePhase.completedInWindow} of ${naivePhase.issued} stats returned within the ${WINDOW_MS} ms window, the rest only after cancelAll() (so the figure grows with the window: a stat waits as long as the waits last)`);
console.log(`  cancelAll(): ${cancelledInFlight} waits cancelled in flight, ${naiveResults.filter((r) => !r.started).length} never started; all ${naiveResults.length} settled in ${naiveCancelMs.toFixed(0)} ms; objects alive in the doubles afterwards: ${naiveLeft.length ? naiveLeft.join(', ') : 'none'}`);
const result = {
  bench: 'eventloop', node: process.version, windowMs: WINDOW_MS, ops: load.count,
  idle: [idle1, idle2, idle3].map((r) => ({ delay: r.delay, stat: r.stat })),
  winops: { delay: loaded.delay, stat: loaded.stat, fsRatio: ratio, pass: { delay: loaded.delay.p99 < 10, fs: ratio <= 1.5 } },
  naive: { delay: naivePhase.delay, stat: naivePhase.stat, fsRatio: naiveRatio, inDoubleAtOnce: naiveHeld.maxExecuting },
  clean: handles.length === 0 && leftWinops.length === 0 && after.liveThreads === 0 && naiveLeft.length === 0,
};
console.log(JSON.stringify(result));
if (!result.clean) {
  console.log('NOT CLEAN: something was left open or alive (see above)');
  process.exitCode = 1;
}
fs.rmSync(dir, { recursive: true, force: true });
