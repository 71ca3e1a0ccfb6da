// MI result delivery in batches (issue 6), on the native backend against the mi.dll double (test/doubles/mi),
// inside Windows node.exe under Wine: the run of test/native/mi*.test.mjs with WINOPS_MI_DOUBLE set.
//
// The addon copies each result in MI's callback, acknowledges it there while fewer than `window` instances are
// outstanding, and hands JS batches (types/backend.ts MiResultBatch) when JS polls or waits. These tests check the
// batches themselves (boundaries, schemas, the split of large batches, held), back-pressure as MI sees it (the
// double logs every result and acknowledgement, and "ackHeld" when a result callback returned without one), and a
// cancel in the middle of a batch (every instance MI delivered is either read or counted as discarded).
//
// Every test decides from states the double reports (readLog.until: the double wakes the test at each change),
// never from what happened during a sleep (issue 10).
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

/** The last delivery event of the operation: 'more' / a final result name, 'held', or 'acked'. */
function deliveryState(log) {
  for (let i = log.calls.length - 1; i >= 0; i--) {
    const c = log.calls[i];
    if (c.call === 'ackHeld') return { state: 'held', n: c.n };
    if (c.call === 'resultAcknowledgement') return { state: 'acked', n: c.n };
    if (c.call === 'instanceResult' || c.call === 'indicationResult') return { state: c.result, n: c.n };
  }
  return { state: 'none', n: 0 };
}

/** MI is held back: the callback for result n returned without an acknowledgement and none came since. */
const heldAt = (n) => (log) => {
  const d = deliveryState(log);
  return d.state === 'held' && (n === undefined || d.n === n);
};

/**
 * Runs one operation on the raw backend (the MiBackend contract) and collects its batches: the consumer starts
 * once ready() resolves, then reports every batch consumed and polls (yielding 1 ms when nothing waits: pacing only).
 */
function collect(mi, session, request, window, ready = async () => {}) {
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
      await ready();
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
  const batches = await collect(mi, session, request, 600, () => readLog.until(heldAt(600), 'MI held at result 600 (a full window)'));
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
  const batches = await collect(mi, session, { kind: 'enumerate', namespace: 'root/cimv2', className: 'Mixed', keysOnly: false }, 64,
    () => readLog.until((l) => calls(l, 'instanceResult').length === 6, 'all 5 rows and the final result delivered'));
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
  const stalls = [];
  for (;;) {
    const r = await it.next();
    if (r.done) break;
    assert.deepEqual({ ...r.value }, expected(read));
    read++;
    if (read % 50 === 1) {
      // The consumer stalls: MI fills the window and is then held (its callback returns without an
      // acknowledgement), however long the consumer waits; a winops that never held would let all N through and
      // this wait would fail. (What was read is reported to the addon in steps of half the window, so at least
      // half of it is unread.)
      const log = await readLog.until(heldAt(), `MI held back while the consumer stalls after ${read} read`);
      const d = calls(log, 'instanceResult').length;
      stalls.push(d - read);
      assert.equal(deliveryState(log).n, d, 'held at the last result delivered');
      assert.ok(d - read <= HWM && d - read >= HWM / 2, `${d} delivered while ${read} read (window ${HWM})`);
    }
  }
  assert.equal(read, N);
  assert.equal(stalls.length, 6);
  await session.close();
  const log = readLog();
  // Every stall held MI; MI may also have been held at other times while this consumer was slower than it.
  assert.ok(calls(log, 'ackHeld').length >= stalls.length, `${calls(log, 'ackHeld').length} holds`);
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
  // MI fills the window before anyone reads, and is held there: the first read takes a batch of 32.
  const full = await readLog.until(heldAt(), 'MI held back by a full window');
  assert.equal(calls(full, 'instanceResult').length, HWM, 'held at a full window, nothing more until an acknowledgement');
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
  // The outcome means the operation is closed (issue 10: "MI_Operation: 1 alive" was a stale file, not this): read
  // from the double at the moment the outcome arrived, MI_Operation_Close has run and no MI_Operation is alive.
  const atOutcome = readLog();
  assert.equal(calls(atOutcome, 'MI_Operation_Close').length, 1, 'MI_Operation_Close ran before the outcome');
  assert.equal(atOutcome.live.MI_Operation, 0, 'no MI_Operation alive when the outcome arrives');
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
