// Overhead: require('winops') time (fresh processes, median) against an empty `node -e ''`, and memory per pending
// operation on the fake backend. Run: npm run build && node bench/overhead.mjs
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
const require = createRequire(import.meta.url);
const root = fileURLToPath(new URL('..', import.meta.url));

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const time = (code) => Number(execFileSync(process.execPath, ['-e', `const t=process.hrtime.bigint();${code};console.log(Number(process.hrtime.bigint()-t)/1e6)`], { cwd: root }).toString());
const RUNS = 15;
const base = median(Array.from({ length: RUNS }, () => time('')));
const req = median(Array.from({ length: RUNS }, () => time("require('./dist/lib/index.js')")));
console.log(`require('winops'): median ${req.toFixed(2)} ms (empty script ${base.toFixed(2)} ms), ${(req - base).toFixed(2)} ms added over ${RUNS} fresh processes`);

const { createWinops } = require('../dist/lib/index.js');
const { createFakeBackend } = require('../dist/lib/fake/index.js');
const gc = globalThis.gc ?? (() => {});
const fake = createFakeBackend({ vss: { steps: { doSnapshotSet: { durationMs: 3_600_000 } } }, mi: { indications: { intervalMs: 3_600_000 } } });
const w = createWinops({ backend: fake });
const session = await w.mi.openSession();
const K = 5000;
gc();
let before = process.memoryUsage().heapUsed;
const ops = [];
for (let i = 0; i < K; i++) ops.push(w.vss.createSnapshotSet('C:\\'));
await new Promise((r) => setTimeout(r, 200));
gc();
const vssPer = (process.memoryUsage().heapUsed - before) / K;
before = process.memoryUsage().heapUsed;
const subs = [];
for (let i = 0; i < K; i++) subs.push(session.subscribe('SELECT * FROM __InstanceCreationEvent'));
await new Promise((r) => setTimeout(r, 50));
gc();
const miPer = (process.memoryUsage().heapUsed - before) / K;
console.log(`memory per pending operation (fake backend, JS heap incl. the fake's own state): vss ${(vssPer / 1024).toFixed(2)} KiB, mi ${(miPer / 1024).toFixed(2)} KiB`);
await Promise.all(ops.map((o) => o.cancel().catch(() => {})));
await Promise.all(subs.map((s) => s.cancel()));
await session.close();
console.log(JSON.stringify({ bench: 'overhead', requireMs: req, emptyMs: base, vssBytesPerOp: Math.round(vssPer), miBytesPerOp: Math.round(miPer) }));
