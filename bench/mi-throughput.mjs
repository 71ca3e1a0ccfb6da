// Streaming throughput (issue 6): N MI instances of 10 properties, from the backend into JS objects through the
// public API (`for await` over session.enumerate), in instances per second, against the ceiling: plain JS building
// the same N objects in the same process. Target: at least a quarter of the ceiling.
//
//   npm run bench:mi-throughput [-- --count 200000 --runs 5 --hwm 64]
//       (bench/mi-throughput.sh: Windows node.exe under Wine, the mi.dll double in system32 for the run)
//   node bench/mi-throughput.mjs [options]     (anywhere: the ceiling and the fake backend only)
//
// Options: --count N (200000), --runs R (5; the median is reported), --hwm H (the stream's highWaterMark;
// default: the library's), --backends native,fake (default: both where they can run), --fake-count N
// (default: --count).
//
// "The same objects": what the stream yields, property for property (names and order, value kinds and values:
// 4 strings, 4 numbers, a bigint, a Date) plus the two non-enumerable symbols every winops instance carries
// (MI_CLASS, MI_NAMESPACE). Each run's first, middle and last instances are checked against the ceiling's objects
// (own keys, symbols and descriptors). The plain object literal without the symbols is printed too, as a stricter
// reference. Consumers keep the last 1024 objects (a ring), so no object can be optimised away and memory stays flat.
import { createRequire } from 'node:module';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
const require = createRequire(import.meta.url);
const lib = require('../dist/lib/index.js');
const { createFakeBackend } = require('../dist/lib/fake/index.js');

const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : fallback;
};
const COUNT = Number(opt('count', 200_000));
const FAKE_COUNT = Number(opt('fake-count', COUNT));
const RUNS = Number(opt('runs', 5));
const HWM = opt('hwm', undefined) === undefined ? undefined : Number(opt('hwm'));
const TARGET = 0.25;
const onWindows = process.platform === 'win32';
const backends = (opt('backends', onWindows ? 'native,fake' : 'fake')).split(',');
const gc = globalThis.gc ?? (() => {});

const CLASS = 'Winops_BenchProcess';
const NAMESPACE = 'root/cimv2';
const BOOT = '2026-11-01T08:00:00.000Z';
const BOOT_MS = Date.parse(BOOT);
// The generated class (types/scenario.ts MiScenario.generated): instance i of 10 properties.
const properties = {
  Name: 'process{i}.exe',
  ProcessId: { $index: 1000 },
  ParentProcessId: 4,
  Handle: '{i}',
  ExecutablePath: 'C:\\Program Files\\Winops Bench\\bin\\process{i}.exe',
  Description: 'Winops benchmark process',
  ThreadCount: 12,
  Priority: 8,
  WorkingSetSize: { $uint64: '{i}000' },
  CreationDate: { $date: BOOT },
};
const scenario = (count) => ({ mi: { resultIntervalMs: 0, generated: { [CLASS]: { count, properties } } } });

/** The ceiling: plain JS building instance i as winops hands it out. */
function ceilingObject(i) {
  const o = {
    Name: `process${i}.exe`,
    ProcessId: 1000 + i,
    ParentProcessId: 4,
    Handle: `${i}`,
    ExecutablePath: `C:\\Program Files\\Winops Bench\\bin\\process${i}.exe`,
    Description: 'Winops benchmark process',
    ThreadCount: 12,
    Priority: 8,
    WorkingSetSize: BigInt(i) * 1000n,
    CreationDate: new Date(BOOT_MS),
  };
  Object.defineProperty(o, lib.MI_CLASS, { value: CLASS, enumerable: false });
  Object.defineProperty(o, lib.MI_NAMESPACE, { value: NAMESPACE, enumerable: false });
  return o;
}

/** The stricter reference: the same literal without the two symbols. */
function literalObject(i) {
  return {
    Name: `process${i}.exe`,
    ProcessId: 1000 + i,
    ParentProcessId: 4,
    Handle: `${i}`,
    ExecutablePath: `C:\\Program Files\\Winops Bench\\bin\\process${i}.exe`,
    Description: 'Winops benchmark process',
    ThreadCount: 12,
    Priority: 8,
    WorkingSetSize: BigInt(i) * 1000n,
    CreationDate: new Date(BOOT_MS),
  };
}

const ring = new Array(1024);

function build(n, make) {
  const t0 = performance.now();
  for (let i = 0; i < n; i++) ring[i & 1023] = make(i);
  return performance.now() - t0;
}

function descriptors(o) {
  return Reflect.ownKeys(o).map((k) => {
    const d = Object.getOwnPropertyDescriptor(o, k);
    return [String(k), d.enumerable, d.writable, d.configurable, d.value];
  });
}

/** The stream's instance i is the ceiling's object i: keys in order, values, symbols and their attributes. */
function check(x, i, where) {
  const want = ceilingObject(i);
  if (!isDeepStrictEqual(descriptors(x), descriptors(want)) || Object.getPrototypeOf(x) !== Object.prototype) {
    throw new Error(`${where}: instance ${i} differs from the ceiling's object:\n${JSON.stringify(descriptors(x), (k, v) => (typeof v === 'bigint' ? `${v}n` : v))}\n${JSON.stringify(descriptors(want), (k, v) => (typeof v === 'bigint' ? `${v}n` : v))}`);
  }
}

async function stream(session, n, where) {
  const options = HWM === undefined ? {} : { highWaterMark: HWM };
  const mid = n >> 1;
  let i = 0;
  const t0 = performance.now();
  for await (const x of session.enumerate(CLASS, options)) {
    if (i === 0 || i === mid || i === n - 1) check(x, i, where);
    ring[i & 1023] = x;
    i++;
  }
  const ms = performance.now() - t0;
  if (i !== n) throw new Error(`${where}: ${i} instances, expected ${n}`);
  return ms;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const rate = (n, ms) => (n / ms) * 1000;
const fmt = (x) => Math.round(x).toLocaleString('en-US');

// Sessions. The double reads WINOPS_SCENARIO at MI_Application_NewSession; without WINOPS_DOUBLE_LOG it writes no log.
const sessions = {};
if (backends.includes('native')) {
  if (!onWindows) throw new Error('the native backend needs Windows node.exe (npm run bench:mi-throughput runs it under Wine)');
  const file = path.join(os.tmpdir(), `winops-mi-throughput-${process.pid}.json`);
  fs.writeFileSync(file, JSON.stringify(scenario(COUNT)));
  process.env.WINOPS_SCENARIO = file;
  delete process.env.WINOPS_DOUBLE_LOG;
  sessions.native = { n: COUNT, session: await lib.createWinops({ backend: 'native' }).mi.openSession() };
}
if (backends.includes('fake')) {
  sessions.fake = { n: FAKE_COUNT, session: await lib.createWinops({ backend: createFakeBackend(scenario(FAKE_COUNT)) }).mi.openSession() };
}

// Warm-up: JIT for every path (a full run of each).
build(COUNT, ceilingObject);
build(COUNT, literalObject);
for (const [name, s] of Object.entries(sessions)) await stream(s.session, s.n, name);

const times = { ceiling: [], literal: [], ...Object.fromEntries(Object.keys(sessions).map((k) => [k, []])) };
for (let r = 0; r < RUNS; r++) {
  gc();
  times.ceiling.push(build(COUNT, ceilingObject));
  gc();
  times.literal.push(build(COUNT, literalObject));
  for (const [name, s] of Object.entries(sessions)) {
    gc();
    times[name].push(await stream(s.session, s.n, name));
  }
}
for (const s of Object.values(sessions)) await s.session.close();

const ceiling = rate(COUNT, median(times.ceiling));
const literal = rate(COUNT, median(times.literal));
const host = `${process.release.name} ${process.version} ${process.platform}/${process.arch}${process.env.WINOPS_BENCH_WINE ? ` under ${process.env.WINOPS_BENCH_WINE}` : ''}`;
console.log(`MI streaming throughput: ${fmt(COUNT)} instances of 10 properties, median of ${RUNS} runs, highWaterMark ${HWM ?? 'default (64)'}, ${host}, ${os.cpus().length} cores`);
console.log(`  ceiling, plain JS building the same objects:     ${fmt(ceiling).padStart(11)} instances/s`);
console.log(`  plain object literal without the MI_CLASS/MI_NAMESPACE symbols: ${fmt(literal)} instances/s (stricter reference)`);
const results = {};
for (const [name, s] of Object.entries(sessions)) {
  const r = rate(s.n, median(times[name]));
  const ratio = r / ceiling;
  results[name] = { instancesPerSecond: Math.round(r), ratio: Number(ratio.toFixed(4)), ratioToLiteral: Number((r / literal).toFixed(4)), count: s.n };
  const label = name === 'native' ? 'native (addon + mi.dll double)' : 'fake backend';
  console.log(`  ${label.padEnd(32)}${fmt(r).padStart(18)} instances/s = ${(ratio * 100).toFixed(1)}% of the ceiling (${(r / literal * 100).toFixed(1)}% of the literal): ${ratio >= TARGET ? 'PASS' : 'MISS'} (target ${TARGET * 100}%)`);
}
console.log(JSON.stringify({
  bench: 'mi-throughput', count: COUNT, runs: RUNS, highWaterMark: HWM ?? null, host,
  ceilingPerSecond: Math.round(ceiling), literalPerSecond: Math.round(literal), results,
  runsMs: Object.fromEntries(Object.entries(times).map(([k, v]) => [k, v.map((x) => Math.round(x))])),
}));
