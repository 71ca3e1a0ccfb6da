// Cancel latency: from abort() to the operation's promise settling, per family, p50 and p99, on the fake backend.
// (The native + doubles half of this benchmark runs under Wine once the doubles exist: see bench/RESULTS.md.)
// Run: npm run build && node bench/cancel-latency.mjs [iterations]
import { performance } from 'node:perf_hooks';
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const { createWinops } = require('../dist/lib/index.js');
const { createFakeBackend } = require('../dist/lib/fake/index.js');

const N = Number(process.argv[2] ?? 300);
const fake = createFakeBackend({
  vss: { steps: { gatherWriterMetadata: { durationMs: 0 }, prepareForBackup: { durationMs: 0 }, doSnapshotSet: { durationMs: 60_000 } } },
  mi: { classes: { Big: Array.from({ length: 100_000 }, (_, i) => ({ Id: i })) }, resultIntervalMs: 1 },
  imapi2: { updateIntervalMs: 1, sectorsPerUpdate: 16 },
  axe: { manifests: { j: { name: 'J', assessments: [{ name: 'a', durationMs: 60_000 }] } } },
});
const w = createWinops({ backend: fake });
const session = await w.mi.openSession();
const job = await w.axe.loadJob('j');

const pct = (xs, p) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]; };

async function measure(name, start) {
  const xs = [];
  for (let i = 0; i < N; i++) {
    const ac = new AbortController();
    const { op, running } = start(ac.signal);
    await running;
    const t = performance.now();
    ac.abort();
    await op.then(() => {}, () => {});
    xs.push(performance.now() - t);
  }
  console.log(`${name.padEnd(7)} fake: p50 ${pct(xs, 50).toFixed(3)} ms  p99 ${pct(xs, 99).toFixed(3)} ms  (n=${N})`);
  return { p50: pct(xs, 50), p99: pct(xs, 99) };
}

const started = () => { let go; const p = new Promise((r) => (go = r)); return [p, go]; };
const results = {};
results.vss = await measure('vss', (signal) => { const [running, go] = started(); const op = w.vss.createSnapshotSet('C:\\', { signal, onStep: (e) => { if (e.step === 'doSnapshotSet') go(); } }); return { op, running }; });
results.mi = await measure('mi', (signal) => { const s = session.enumerate('Big', { signal, highWaterMark: 4 }); const it = s[Symbol.asyncIterator](); const running = it.next(); return { op: (async () => { await running; for (;;) { const r = await it.next(); if (r.done) return; } })(), running }; });
results.imapi2 = await measure('imapi2', (signal) => { const [running, go] = started(); const op = w.imapi2.burn(new Uint8Array(1 << 24), { signal, onProgress: () => go() }); return { op, running }; });
results.axe = await measure('axe', (signal) => { const [running, go] = started(); const op = job.run({ signal, onEvent: (e) => { if (e.type === 'assessment-begin') go(); } }); return { op, running }; });
await session.close();
await job.close();
console.log(JSON.stringify({ bench: 'cancel-latency', backend: 'fake', n: N, results }));
