// MI result delivery in batches (issue 6), on the native backend against the mi.dll double (test/doubles/mi),
// inside Windows node.exe under Wine: the run of test/native/mi*.test.mjs with WINOPS_MI_DOUBLE set.
//
// The addon copies each result in MI's callback, acknowledges it there while fewer than `window` instances are
// outstanding, and hands JS batches (types/backend.ts MiResultBatch) when JS polls or waits. These tests check the
// batches themselves (boundaries, schemas, the split of large batches, held), back-pressure as MI sees it (the
// double logs every result and acknowledgement and how long it waited for one), and a cancel in the middle of a
// batch (every instance MI delivered is either read or counted as discarded).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lib, runs, settle, sleep, useScenario as scenarioFor } from './doubles.mjs';

const { double: skipDouble } = runs('WINOPS_MI_DOUBLE', 'mi.dll', 'real Windows has mi.dll');
const useScenario = (mi) => scenarioFor('mi', mi);
const calls = (log, name) => log.calls.filter((c) => c.call === name);
const MI_RESULT_FAILED = 1;

/** 10 properties: 4 strings, 4 numbers, a uint64 and a datetime (as bench/mi-throughput.mjs). */
const properties = {
  Name: 'process{i}.exe',
  ProcessId: { $index: 1000 },
  ParentProcessId: 4,
  Handle: '{i}',
  ExecutablePath: 'C:\\Program Files\\Winops Bench\\bin\\process{i}.exe',
  Description: 'Winops b\u00e9nchmark \u2713',
  ThreadCount: 12,
  Priority: 8,
  WorkingSetSize: { $uint64: '{i}000' },
  CreationDate: { $date: '2026-11-01T08:00:00.000Z' },
};
const expected = (i) => ({
  Name: `process${i}.exe`, ProcessId: 1000 + i, ParentProcessId: 4, Handle: `${i}`,
  ExecutablePath: `C:\\Program Files\\Winops Bench\\bin\\process${i}.exe`, Description: 'Winops b\u00e9nchmark \u2713',
  ThreadCount: 12, Priority: 8, WorkingSetSize: BigInt(i) * 1000n, CreationDate: new Date('2026-11-01T08:00:00.000Z'),
});

function assertClean(log) {
  assert.deepEqual(log.violations, [], 'the double saw no violation');
  for (const [cls, n] of Object.entries(log.live)) {
    if (cls !== 'MI_Application') assert.equal(n, 0, `${cls}: ${n} alive`);
  }
}

/** Each result was acknowledged before MI delivered the next one. */
function assertAckedInTurn(log) {
  let pending = false;
  for (const c of log.calls) {
    if (c.call === 'instanceResult' || c.call === 'indicationResult') {
      assert.equal(pending, false, `result ${c.n} came before the previous one was acknowledged`);
      pending = c.result === 'more';
    } else if (c.call === 'resultAcknowledgement') {
      pending = false;
    }
  }
}

/** Resolves once check() is true (polled every 10 ms, at most 20 s). */
async function until(check, what) {
  const t0 = Date.now();
  while (!check()) {
    if (Date.now() - t0 > 20_000) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

/**
 * Runs one operation on the raw backend (the MiBackend contract) and collects its batches: the consumer starts
 * once ready() says so, then reports every batch consumed and polls (sleeping 1 ms when nothing waits).
 */
function collect(mi, session, request, window, ready = () => true) {
  return new Promise((resolve, reject) => {
    const batches = [];
    let outstanding = 0;
    const h = mi.start(session, request, window, (b) => {
      try {
        batches.push({ newSchemas: b.newSchemas, shapes: [...b.shapes], values: [...b.values], final: b.final, held: b.held, outstanding: outstanding + b.shapes.length });
        outstanding += b.shapes.length;
        if (b.final) {
          assert.equal(mi.close(h), 0);
          resolve(batches);
        }
      } catch (e) {
        reject(e);
      }
    });
    (async () => {
      await until(ready, 'the consumer to start');
      for (;;) {
        if (batches.at(-1)?.final) return;
        if (outstanding > 0) {
          mi.consumed(h, outstanding);
          outstanding = 0;
        }
        if (!mi.poll(h)) await sleep(1);
      }
    })().catch(reject);
  });
}

test('double: batches carry every instance once, in order, with schemas introduced at first use; a large batch is split between instances', { skip: skipDouble }, async () => {
  const N = 1000;
  const readLog = useScenario({ resultIntervalMs: 0, generated: { Winops_Bench: { count: N, properties } } });
  const winops = lib.createWinops({ backend: 'native' });
  const mi = winops.backend.mi;
  const session = await mi.openSession({ computer: null, protocol: null, credentials: null });
  const request = { kind: 'enumerate', namespace: 'root/cimv2', className: 'Winops_Bench', keysOnly: false };
  // A window of 600 and a consumer that starts once MI has filled it: the first poll takes 600 instances (6,000
  // values), more than one call carries (4,096 values): they come in two calls, cut between instances, and only
  // the second says that the acknowledgement is held.
  const batches = await collect(mi, session, request, 600, () => calls(readLog(), 'instanceResult').length >= 600);
  const schemas = batches.flatMap((b) => b.newSchemas);
  assert.deepEqual(schemas, [{ className: 'Winops_Bench', namespace: 'root/cimv2', names: Object.keys(properties) }]);
  assert.deepEqual(batches[0].newSchemas.length, 1, 'the schema comes with its first instance');
  let i = 0;
  for (const [k, b] of batches.entries()) {
    assert.equal(b.values.length, b.shapes.length * 10, `batch ${k}: 10 values per instance`);
    assert.ok(b.values.length <= 4096, `batch ${k}: ${b.values.length} values in one call`);
    assert.equal(Boolean(b.final), k === batches.length - 1, `batch ${k}: only the last has the final result`);
    for (let j = 0; j < b.shapes.length; j++, i++) {
      assert.equal(b.shapes[j], 0);
      const row = Object.fromEntries(Object.keys(properties).map((name, p) => [name, b.values[j * 10 + p]]));
      assert.deepEqual(row, expected(i));
    }
  }
  assert.equal(i, N);
  assert.deepEqual(batches.at(-1).final, { result: 0 });
  assert.deepEqual(batches.slice(0, 2).map((b) => [b.shapes.length, b.held]), [[409, false], [191, true]]);
  await mi.closeSession(session);
  const log = readLog();
  assert.equal(calls(log, 'instanceResult').length, N + 1, 'the final result is logged too');
  assertAckedInTurn(log);
  assertClean(log);
});

test('double: instances of several classes in one operation: a schema per class, each sent once', { skip: skipDouble }, async () => {
  // Rows with different properties are instances of different shapes (as in a polymorphic enumeration).
  const rows = [{ A: 1 }, { A: 2, B: 'x' }, { A: 3 }, { $class: 'Other', C: true }, { A: 4, B: 'y' }];
  const readLog = useScenario({ resultIntervalMs: 0, classes: { Mixed: rows } });
  const winops = lib.createWinops({ backend: 'native' });
  const mi = winops.backend.mi;
  const session = await mi.openSession({ computer: null, protocol: null, credentials: null });
  const batches = await collect(mi, session, { kind: 'enumerate', namespace: 'root/cimv2', className: 'Mixed', keysOnly: false }, 64, () => calls(readLog(), 'instanceResult').length === 6);
  assert.deepEqual(batches.flatMap((b) => b.newSchemas), [
    { className: 'Mixed', namespace: 'root/cimv2', names: ['A'] },
    { className: 'Mixed', namespace: 'root/cimv2', names: ['A', 'B'] },
    { className: 'Mixed', namespace: 'root/cimv2', names: ['C'] },
  ]);
  assert.deepEqual(batches.flatMap((b) => b.shapes), [0, 1, 0, 2, 1]);
  assert.deepEqual(batches.flatMap((b) => b.values), [1, 2, 'x', 3, true, 4, 'y']);
  await mi.closeSession(session);
  // The public API builds the same objects from them.
  const s = await winops.mi.openSession();
  const got = await s.enumerate('Mixed', { highWaterMark: 2 }).toArray();
  assert.deepEqual(got.map((x) => ({ ...x })), [{ A: 1 }, { A: 2, B: 'x' }, { A: 3 }, { C: true }, { A: 4, B: 'y' }]);
  assert.deepEqual(got.map((x) => lib.miClassName(x)), ['Mixed', 'Mixed', 'Mixed', 'Mixed', 'Mixed']);
  await s.close();
  assertClean(readLog());
});

test('double: a slow consumer holds MI back: at most highWaterMark instances outstanding, the double waits for the acknowledgement', { skip: skipDouble }, async () => {
  const N = 300;
  const HWM = 16;
  const readLog = useScenario({ resultIntervalMs: 0, generated: { Winops_Bench: { count: N, properties } } });
  const winops = lib.createWinops({ backend: 'native' });
  const session = await winops.mi.openSession();
  const it = session.enumerate('Winops_Bench', { highWaterMark: HWM })[Symbol.asyncIterator]();
  let read = 0;
  const delivered = () => calls(readLog(), 'instanceResult').length;
  const stalls = [];
  for (;;) {
    const r = await it.next();
    if (r.done) break;
    assert.deepEqual({ ...r.value }, expected(read));
    read++;
    if (read % 50 === 1) {
      // The consumer stalls: MI fills the window and then delivers nothing more, however long it waits. (What
      // was read is reported to the addon in steps of half the window, so at least half of it is unread.)
      await sleep(150);
      const d1 = delivered();
      await sleep(150);
      const d2 = delivered();
      stalls.push(d2 - read);
      assert.equal(d2, d1, `MI delivered ${d2 - d1} more during a stall with a full window`);
      assert.ok(d2 - read <= HWM && d2 - read >= HWM / 2, `${d2} delivered while ${read} read (window ${HWM})`);
    }
  }
  assert.equal(read, N);
  assert.equal(stalls.length, 6);
  await session.close();
  const log = readLog();
  // MI waited for an acknowledgement while the consumer slept.
  const wait = calls(log, 'longestAckWait').find((c) => c.detail === 'MI_Session_EnumerateInstances');
  assert.ok(wait.n >= 250, `longest wait for an acknowledgement: ${wait.n} ms`);
  assert.equal(calls(log, 'resultAcknowledgement').length, N + 1, 'every result acknowledged, the final one by Close');
  assertAckedInTurn(log);
  assertClean(log);
});

test('double: a cancel in the middle of a batch: the rest of it, what waits in the addon and the late results are discarded, and counted', { skip: skipDouble }, async () => {
  const HWM = 32;
  const readLog = useScenario({ resultIntervalMs: 0, extraResultsAfterCancel: 3, cancelLatencyMs: 50, generated: { Winops_Bench: { count: 10_000, properties } } });
  const winops = lib.createWinops({ backend: 'native' });
  const session = await winops.mi.openSession();
  const stream = session.enumerate('Winops_Bench', { highWaterMark: HWM });
  // MI fills the window before anyone reads: the first read takes a batch of 32.
  await until(() => calls(readLog(), 'instanceResult').length === HWM, 'a full window');
  await sleep(50);
  assert.equal(calls(readLog(), 'instanceResult').length, HWM, 'nothing more until an acknowledgement');
  const seen = [];
  let outcome;
  const r = await settle((async () => {
    for await (const x of stream) {
      seen.push(x.ProcessId - 1000);
      if (seen.length === 5) outcome = stream.cancel('enough');
    }
  })());
  assert.ok(r.error instanceof lib.AbortError, String(r.error));
  const o = await outcome;
  assert.equal(o.status, 'cancelled');
  assert.equal(o.finalResult, MI_RESULT_FAILED);
  assert.deepEqual(seen, [0, 1, 2, 3, 4]);
  await stream.closed;
  const log = readLog();
  const results = calls(log, 'instanceResult').filter((c) => c.result === 'more').length;
  assert.equal(o.discarded, results - seen.length, 'every instance MI delivered was read or discarded');
  assert.equal(o.discarded, HWM - 5 + 3, 'the rest of the batch and the 3 results after the cancel');
  const cancel = log.calls.findIndex((c) => c.call === 'MI_Operation_Cancel');
  assert.ok(cancel > 0 && log.calls.findIndex((c) => c.call === 'MI_Operation_Close') > cancel);
  assertAckedInTurn(log);
  await session.close();
  assertClean(readLog());
  assert.deepEqual(winops.backend.openHandles(), []);
});
