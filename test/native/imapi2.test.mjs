// IMAPI2 through the public API (dist/, `npm run build`) on the native backend, inside Windows
// node.exe under Wine.
//
// Two runs of this file (scripts/wine/test.sh):
//   - plain: Wine has no imapi2, so every call fails with REGDB_E_CLASSNOTREG, typed, naming the class;
//   - WINOPS_IMAPI2_DOUBLE=<dll>: the test double (test/doubles/imapi2) is registered under the real
//     CLSIDs and the production addon runs unchanged against it. The double follows the scenario
//     (WINOPS_SCENARIO) like the fake does and logs calls, violations and live objects (WINOPS_DOUBLE_LOG).
//
// What the double proves and what it cannot: the addon drives the documented COM protocol (vtable
// slots of imapi2-abi.md, connection points, Update through IDispatch::Invoke or slot 7, CancelWrite
// only inside Update, Unadvise, every reference released). It cannot prove how real imapi2.dll and
// real drives time their events, or which threads they fire them on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { Readable } from 'node:stream';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { root, underWine, hex, REGDB_E_CLASSNOTREG } from './helpers.mjs';
import { STATE_DEADLINE_MS, settle, useScenario as scenarioFor } from './doubles.mjs';

const require = createRequire(import.meta.url);
const onWindows = process.platform === 'win32';
const withDouble = Boolean(process.env.WINOPS_IMAPI2_DOUBLE);
const distIndex = path.join(root, 'dist', 'lib', 'index.js');
const haveDist = fs.existsSync(distIndex);
const lib = onWindows && haveDist ? require(distIndex) : null;

const skipPlain = !onWindows ? 'Windows node.exe only (npm run test:wine)'
  : !haveDist ? 'needs dist/ (npm run build)'
  : withDouble ? 'the IMAPI2 double is registered in this run'
  : !underWine ? 'real Windows has IMAPI2' : false;
const skipDouble = !onWindows ? 'Windows node.exe only (npm run test:wine)'
  : !haveDist ? 'needs dist/ (npm run build)'
  : !withDouble ? 'needs the IMAPI2 double registered (WINOPS_IMAPI2_DOUBLE, set by npm run test:wine)' : false;

const E_IMAPI_REQUEST_CANCELLED = 0xc0aa0002;
const image = (sectors) => new Uint8Array(sectors * 2048);
const FAST = { updateIntervalMs: 10, sectorsPerUpdate: 64 };

/** A fresh scenario and log for the double; returns a reader of the log, from the double in this process (doubles.mjs). */
const useScenario = (imapi2) => scenarioFor('imapi2', imapi2);

function assertClean(log) {
  assert.deepEqual(log.violations, [], 'the double saw no violation');
  for (const [cls, n] of Object.entries(log.live)) assert.equal(n, 0, `${cls}: ${n} object(s) still alive`);
  const advises = log.calls.filter((c) => c.call === 'IConnectionPoint::Advise').length;
  const unadvises = log.calls.filter((c) => c.call === 'IConnectionPoint::Unadvise').length;
  assert.equal(unadvises, advises, 'every Advise has its Unadvise');
}

// ------------------------------------------------------------------------------------------ no IMAPI2

test('without IMAPI2: listRecorders rejects with ImapiError REGDB_E_CLASSNOTREG naming MsftDiscMaster2', { skip: skipPlain }, async () => {
  const winops = lib.createWinops({ backend: 'native' });
  const r = await settle(winops.imapi2.listRecorders());
  assert.equal(r.ok, false);
  assert.ok(r.error instanceof lib.ImapiError, `${r.error?.name}: ${r.error?.message}`);
  assert.equal(r.error.code, 'REGDB_E_CLASSNOTREG');
  assert.equal(r.error.hresult, REGDB_E_CLASSNOTREG, hex(r.error.hresult));
  assert.equal(r.error.call, 'CoCreateInstance(MsftDiscMaster2)');
  assert.equal(r.error.family, 'imapi2');
});

test('without IMAPI2: burn rejects with the same typed error, and a raw write reports it through done()', { skip: skipPlain }, async () => {
  const winops = lib.createWinops({ backend: 'native' });
  const r = await settle(winops.imapi2.burn(image(4)));
  assert.ok(!r.ok && r.error instanceof lib.ImapiError && r.error.code === 'REGDB_E_CLASSNOTREG', String(r.error));
  // The backend directly: the write thread fails at its first CoCreateInstance.
  const backend = winops.backend;
  const done = await new Promise((resolve) => {
    backend.imapi2.startWrite(
      { api: 'writeEngine2', recorderId: 'r1', clientName: 'test', startLba: 0, sectorCount: 1, bytesPerSector: 2048, source: { kind: 'bytes', data: image(1) } },
      { update() {}, cancelAttempt() {}, done: (error, hr) => resolve({ error, hr }) },
    );
    assert.equal(backend.openHandles().length, 1, 'the write is open until done()');
  });
  assert.equal(done.hr, REGDB_E_CLASSNOTREG);
  assert.equal(done.error.hresult, REGDB_E_CLASSNOTREG);
  assert.equal(done.error.call, 'CoCreateInstance(MsftDiscRecorder2)');
  assert.deepEqual(backend.openHandles(), []);
});

// ------------------------------------------------------------------------------------------ the double

test('double: lists recorders with media state (IDiscMaster2, IDiscRecorder2, IDiscFormat2Data)', { skip: skipDouble }, async () => {
  const readLog = useScenario({
    recorders: [
      { id: '{AAAA0001-0000-0000-0000-000000000001}', vendorId: 'ACME', productId: 'Burner 9000', productRevision: '2.01', volumePaths: ['E:\\', 'C:\\mnt\\disc\\'],
        media: { physicalType: 'BDR', blank: false, totalSectors: 12_219_392, freeSectors: 1000 } },
      { id: '{AAAA0002-0000-0000-0000-000000000002}', volumePaths: ['F:\\'], media: { present: false } },
      { id: '{AAAA0003-0000-0000-0000-000000000003}', media: { physicalType: 'CDRW', writeProtected: true } },
    ],
  });
  const winops = lib.createWinops({ backend: 'native' });
  const rs = await winops.imapi2.listRecorders();
  assert.deepEqual(rs, [
    { id: '{AAAA0001-0000-0000-0000-000000000001}', vendorId: 'ACME', productId: 'Burner 9000', productRevision: '2.01', volumePaths: ['E:\\', 'C:\\mnt\\disc\\'],
      media: { physicalType: 'BDR', present: true, blank: false, writeProtected: false, freeSectors: 1000, totalSectors: 12_219_392 } },
    { id: '{AAAA0002-0000-0000-0000-000000000002}', vendorId: 'WINOPS', productId: 'Simulated recorder', productRevision: '1.00', volumePaths: ['F:\\'],
      media: { physicalType: 'NONE', present: false, blank: false, writeProtected: false, freeSectors: 0, totalSectors: 0 } },
    { id: '{AAAA0003-0000-0000-0000-000000000003}', vendorId: 'WINOPS', productId: 'Simulated recorder', productRevision: '1.00', volumePaths: [],
      media: { physicalType: 'CDRW', present: true, blank: true, writeProtected: true, freeSectors: 2_295_104, totalSectors: 2_295_104 } },
  ]);
  assertClean(readLog());
});

test('double: burns bytes with Update progress and resolves S_OK; everything released and unadvised', { skip: skipDouble }, async () => {
  const readLog = useScenario(FAST);
  const winops = lib.createWinops({ backend: 'native' });
  const progress = [];
  const r = await winops.imapi2.burn(image(256), { onProgress: (p) => progress.push(p) });
  assert.deepEqual({ ...r }, { hresult: 0, code: 'S_OK', warning: undefined, sectors: 256, updates: progress.length });
  assert.ok(progress.length >= 5, `${progress.length} updates`);
  assert.equal(progress[0].action, 'writing-data');
  const last = progress.at(-1);
  assert.equal(last.action, 'completed');
  assert.equal(last.percent, 100);
  assert.equal(last.lastWrittenLba, 255);
  for (const p of progress) assert.equal(p.totalSystemBuffer, p.usedSystemBuffer + p.freeSystemBuffer);
  assert.deepEqual(winops.backend.openHandles(), []);
  const log = readLog();
  assertClean(log);
  assert.ok(log.calls.some((c) => c.call === 'IDiscFormat2Data::Write' && c.result === 'S_OK'));
  assert.equal(log.calls.filter((c) => c.call.endsWith('::CancelWrite')).length, 0, 'no cancel was asked for');
});

// Issue 11 item 16: an Update in flight on another thread when Unadvise returned (the double's scenario lateUpdate)
// reaches the addon's sink after the write thread released its threadsafe function and after the burn settled.
// The sink holds the job, never the function; Post drops the report. What the test can see: the host lives, the
// sink answers S_OK, no progress reaches JS after the burn settled, nothing is left alive. (Calling a released
// threadsafe function is undefined behaviour, which need not crash: with Post's guard removed, this test crashed the
// host in 1 of 2 runs here. It shows the late Update is survived and dropped; it cannot always catch the unguarded code.)
test('double: an Update that arrives after Unadvise, once the burn has settled, is dropped: no progress after the result, the sink answers S_OK', { skip: skipDouble }, async () => {
  const readLog = useScenario({ ...FAST, lateUpdate: true });
  const winops = lib.createWinops({ backend: 'native' });
  let settled = false, lateProgress = 0, progress = 0;
  const r = await winops.imapi2.burn(image(128), { onProgress: () => { progress++; if (settled) lateProgress++; } });
  settled = true;
  assert.equal(r.code, 'S_OK');
  assert.equal(r.updates, progress);
  await readLog.held('imapi2:lateUpdate');
  readLog.release('imapi2:lateUpdate');
  const log = await readLog.until((l) => l.calls.some((c) => c.call === 'late Update'), 'the late Update to return');
  assert.equal(log.calls.find((c) => c.call === 'late Update').result, 'S_OK');
  // A report the sink had queued would run on this loop turn's poll phase, before the check phase's setImmediate.
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(lateProgress, 0, 'no progress reached JS after the burn settled');
  assertClean(log);
  assert.deepEqual(winops.backend.openHandles(), []);
});

test('double: cancel with 2 not-in-progress Updates -> 3 attempts, CancelWrite only inside Update, then AbortError', { skip: skipDouble }, async () => {
  // Update 2 is held until the cancel has been requested: the first attempt is inside Update 2 whatever the
  // machine's speed.
  const readLog = useScenario({ updateIntervalMs: 3, sectorsPerUpdate: 64, notInProgressUpdates: 3, holdUpdates: [2] });
  const winops = lib.createWinops({ backend: 'native' });
  const op = winops.imapi2.burn(image(100_000));
  await readLog.held('imapi2:update:2');
  const cancelled = op.cancel();
  readLog.release('imapi2:update:2');
  const outcome = await cancelled;
  assert.deepEqual(outcome, { family: 'imapi2', status: 'cancelled', attempts: 3, notInProgress: 2, hresult: E_IMAPI_REQUEST_CANCELLED, code: 'E_IMAPI_REQUEST_CANCELLED' });
  const r = await settle(op);
  assert.equal(r.ok, false);
  assert.ok(r.error instanceof lib.AbortError, String(r.error));
  assert.ok(!(r.error instanceof lib.ImapiError));
  assert.equal(r.error.outcome, outcome);
  const log = readLog();
  const cancels = log.calls.filter((c) => c.call.endsWith('::CancelWrite'));
  assert.deepEqual(cancels.map((c) => c.result), ['S_IMAPI_WRITE_NOT_IN_PROGRESS', 'S_IMAPI_WRITE_NOT_IN_PROGRESS', 'S_OK']);
  for (const c of cancels) assert.equal(c.detail, 'inside Update');
  assert.deepEqual(cancels.map((c) => c.n), [2, 3, 4], 'one attempt per Update, from the Update after the request on');
  assert.ok(log.calls.some((c) => c.call === 'IDiscFormat2Data::Write' && c.result === 'E_IMAPI_REQUEST_CANCELLED'));
  assertClean(log);
  assert.deepEqual(winops.backend.openHandles(), []);
});

test('double: a cancel the drive takes Updates to honour (cancelLatencyUpdates) still ends as cancelled', { skip: skipDouble }, async () => {
  // The TimeoutError abort (what options.timeout makes) lands while Update 2 is held, so the write has begun.
  const readLog = useScenario({ ...FAST, cancelLatencyUpdates: 2, holdUpdates: [2] });
  const winops = lib.createWinops({ backend: 'native' });
  const ac = new AbortController();
  const op = winops.imapi2.burn(image(100_000), { signal: ac.signal });
  await readLog.held('imapi2:update:2');
  ac.abort(new DOMException('The operation timed out.', 'TimeoutError'));
  readLog.release('imapi2:update:2');
  const r = await settle(op);
  assert.equal(r.ok, false);
  assert.equal(r.error.cause?.name, 'TimeoutError');
  assert.equal(r.error.outcome.status, 'cancelled');
  assert.equal(r.error.outcome.attempts, 1);
  assertClean(readLog());
});

test('double: Update fired through vtable slot 7 (not Invoke) reaches the sink as well', { skip: skipDouble }, async () => {
  const readLog = useScenario(FAST);
  process.env.WINOPS_DOUBLE_FIRE = 'vtable';
  try {
    const winops = lib.createWinops({ backend: 'native' });
    const progress = [];
    const ac = new AbortController();
    const r = await settle(winops.imapi2.burn(image(100_000), { signal: ac.signal, onProgress: (p) => { progress.push(p); if (progress.length === 3) ac.abort(); } }));
    assert.ok(!r.ok && r.error instanceof lib.AbortError, String(r.error));
    assert.ok(progress.length >= 3);
    assert.equal(r.error.outcome.status, 'cancelled');
    const cancels = readLog().calls.filter((c) => c.call.endsWith('::CancelWrite'));
    assert.ok(cancels.length >= 1 && cancels.every((c) => c.detail === 'inside Update'));
    assertClean(readLog());
  } finally {
    delete process.env.WINOPS_DOUBLE_FIRE;
  }
});

test('double: burns a file, and a stream of known size pulled through the IStream', { skip: skipDouble }, async () => {
  const readLog = useScenario(FAST);
  const winops = lib.createWinops({ backend: 'native' });
  const file = path.join(os.tmpdir(), `winops-image-${process.pid}.iso`);
  fs.writeFileSync(file, Buffer.alloc(64 * 2048, 1));
  try {
    const a = await winops.imapi2.burn(file);
    assert.equal(a.code, 'S_OK');
    assert.equal(a.sectors, 64);
  } finally {
    fs.rmSync(file, { force: true });
  }
  const chunks = Array.from({ length: 40 }, () => Buffer.alloc(8192, 3));
  const b = await winops.imapi2.burn({ stream: Readable.from(chunks), size: 40 * 8192 });
  assert.equal(b.sectors, 160);
  const missing = await settle(winops.imapi2.burn(path.join(os.tmpdir(), 'no-such-image.iso')));
  assert.ok(!missing.ok && missing.error instanceof lib.ImapiError, String(missing.error));
  assert.equal(missing.error.hresult, 0x80070002);
  assert.equal(missing.error.call, 'CreateFileW');
  assertClean(readLog());
  assert.deepEqual(winops.backend.openHandles(), []);
});

test('double: a stream shorter than its declared size fails the write with the read error, not garbage', { skip: skipDouble }, async () => {
  const readLog = useScenario(FAST);
  const winops = lib.createWinops({ backend: 'native' });
  const r = await settle(winops.imapi2.burn({ stream: Readable.from([Buffer.alloc(2048)]), size: 2048 * 200 }));
  assert.equal(r.ok, false);
  assert.ok(r.error instanceof lib.ImapiError, String(r.error));
  assert.equal(r.error.call, 'IStream::Read');
  assert.match(r.error.systemMessage, /ended at 2048 bytes/);
  assertClean(readLog());
});

test('double: writeSection writes raw sectors from a stream, with exclusive access taken and given back', { skip: skipDouble }, async () => {
  const readLog = useScenario(FAST);
  const winops = lib.createWinops({ backend: 'native' });
  const progress = [];
  const chunks = Array.from({ length: 32 }, () => Buffer.alloc(4096, 7));
  const r = await winops.imapi2.writeSection({ stream: Readable.from(chunks), size: 32 * 4096 }, { recorder: 'E:\\', startLba: 1000, sectorCount: 64, clientName: 'winops-test', onProgress: (p) => progress.push(p) });
  assert.equal(r.code, 'S_OK');
  assert.equal(progress[0].startLba, 1000);
  assert.equal(progress.at(-1).lastWrittenLba, 1063);
  assert.equal(progress[0].action, undefined, 'IWriteEngine2EventArgs has no CurrentAction');
  const log = readLog();
  const names = log.calls.map((c) => c.call);
  assert.ok(names.indexOf('IDiscRecorder2::AcquireExclusiveAccess') < names.indexOf('IWriteEngine2::WriteSection'));
  assert.ok(names.indexOf('IDiscRecorder2::ReleaseExclusiveAccess') > names.indexOf('IWriteEngine2::WriteSection'));
  assert.equal(log.calls.find((c) => c.call === 'IDiscRecorder2::AcquireExclusiveAccess').detail, 'winops-test');
  assertClean(log);
});

test('double: write failures are ImapiErrors with the documented codes; success codes are warnings', { skip: skipDouble }, async () => {
  const winops = lib.createWinops({ backend: 'native' });
  let readLog = useScenario({ ...FAST, failAtUpdate: { update: 2, code: 'E_IMAPI_LOSS_OF_STREAMING' } });
  const op = winops.imapi2.burn(image(10_000));
  const r = await settle(op);
  assert.ok(!r.ok && r.error instanceof lib.ImapiError, String(r.error));
  assert.equal(r.error.code, 'E_IMAPI_LOSS_OF_STREAMING');
  assert.equal(r.error.hresult, 0xc0aa0300);
  assert.equal(r.error.call, 'IDiscFormat2Data::Write');
  await assert.rejects(op.cancel(), (e) => e === r.error);
  assertClean(readLog());

  readLog = useScenario({ ...FAST, recorders: [{ id: 'r1', volumePaths: ['E:\\'], media: { blank: false } }] });
  await assert.rejects(winops.imapi2.burn(image(4)), { code: 'E_IMAPI_DF2DATA_MEDIA_NOT_BLANK' });
  assert.equal((await winops.imapi2.burn(image(4), { forceOverwrite: true })).code, 'S_OK');
  // Not a multiple of 2048 (IDiscFormat2Data::Write would fail with E_IMAPI_DF2DATA_STREAM_NOT_SUPPORTED): refused up front.
  assert.throws(() => winops.imapi2.burn(new Uint8Array(1000), { forceOverwrite: true }), RangeError);
  assertClean(readLog());

  readLog = useScenario({ ...FAST, successCode: 'S_IMAPI_SPEEDADJUSTED' });
  const s = await winops.imapi2.burn(image(8));
  assert.equal(s.hresult, 0x00aa0004);
  assert.equal(s.code, 'S_IMAPI_SPEEDADJUSTED');
  assert.match(s.warning, /speed/i);
  assertClean(readLog());
});

test('double: two writes to one recorder at once: the second gets E_IMAPI_DF2DATA_WRITE_IN_PROGRESS', { skip: skipDouble }, async () => {
  // The first write is held at Update 2 until the second has been refused.
  const readLog = useScenario({ ...FAST, holdUpdates: [2] });
  const winops = lib.createWinops({ backend: 'native' });
  const a = winops.imapi2.burn(image(2000));
  await readLog.held('imapi2:update:2');
  const b = await settle(winops.imapi2.burn(image(4)));
  assert.ok(!b.ok && b.error.code === 'E_IMAPI_DF2DATA_WRITE_IN_PROGRESS', String(b.error));
  readLog.release('imapi2:update:2');
  assert.equal((await a).code, 'S_OK');
  assertClean(readLog());
});

test('double: a worker terminated mid-burn: teardown cancels inside the next Update and joins the write thread', { skip: skipDouble }, async () => {
  const { Worker } = await import('node:worker_threads');
  const readLog = useScenario({ updateIntervalMs: 50, sectorsPerUpdate: 64 });
  const worker = new Worker(`
    const { parentPort, workerData } = require('node:worker_threads');
    const lib = require(workerData.dist);
    const winops = lib.createWinops({ backend: 'native' });
    let told = false;
    winops.imapi2.burn(new Uint8Array(100000 * 2048), { onProgress: () => { if (!told) { told = true; parentPort.postMessage('writing'); } } })
      .catch((e) => parentPort.postMessage('settled: ' + e.name));
  `, { eval: true, workerData: { dist: distIndex } });
  const first = await new Promise((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  assert.equal(first, 'writing');
  const t0 = Date.now();
  await worker.terminate();
  const took = Date.now() - t0;
  assert.ok(took < STATE_DEADLINE_MS, `terminate took ${took} ms`);
  const log = readLog();
  const cancels = log.calls.filter((c) => c.call.endsWith('::CancelWrite'));
  assert.deepEqual(cancels.map((c) => [c.result, c.detail]), [['S_OK', 'inside Update']]);
  assert.ok(log.calls.some((c) => c.call === 'IDiscFormat2Data::Write' && c.result === 'E_IMAPI_REQUEST_CANCELLED'));
  assertClean(log);
});

test('double: a worker terminated while the IStream waits for JS bytes: the read fails, the write ends, the thread joins', { skip: skipDouble }, async () => {
  const { Worker } = await import('node:worker_threads');
  const readLog = useScenario({ updateIntervalMs: 20, sectorsPerUpdate: 64 });
  const worker = new Worker(`
    const { parentPort, workerData } = require('node:worker_threads');
    const lib = require(workerData.dist);
    const winops = lib.createWinops({ backend: 'native' });
    // A stream whose bytes never come: IStream::Read blocks on it.
    const stream = { [Symbol.asyncIterator]() { return { next: () => { parentPort.postMessage('reading'); return new Promise(() => {}); } }; } };
    winops.imapi2.burn({ stream, size: 64 * 2048 }).catch(() => {});
  `, { eval: true, workerData: { dist: distIndex } });
  await new Promise((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  await new Promise((r) => setTimeout(r, 50));
  const t0 = Date.now();
  await worker.terminate();
  assert.ok(Date.now() - t0 < 5000);
  const log = readLog();
  const write = log.calls.find((c) => c.call === 'IDiscFormat2Data::Write');
  assert.equal(write?.result, 'E_ABORT', 'the blocked read failed with E_ABORT at teardown');
  assertClean(log);
});
