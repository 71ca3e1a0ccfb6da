// MI through the public API (dist/, `npm run build`) on the native backend, inside Windows node.exe
// under Wine.
//
// Two runs of this file (scripts/wine/test.sh):
//   - plain: Wine has no mi.dll, so opening a session fails, typed, with the Win32 cause as data;
//   - WINOPS_MI_DOUBLE=<dll>: the test double (test/doubles/mi) is the prefix's system32\mi.dll for that
//     run only, and the production addon runs unchanged against it. The double follows the scenario
//     (WINOPS_SCENARIO, read at every MI_Application_NewSession) like lib/fake/mi.ts does and logs calls,
//     violations and live objects (WINOPS_DOUBLE_LOG).
//
// What the double proves and what it cannot: the addon calls mi.dll through the function-table slots of
// mi-abi.md, converts every MI_Type, acknowledges each result before MI sends the next, cancels, drains to
// the final result, closes every operation, session and the application, and keeps credentials out of
// every log. It cannot prove how a real WMI provider or WinRM times results, or which MI_Result the final
// result of a cancelled operation carries on Windows (the double sends MI_RESULT_FAILED, as the fake does).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';
import fs from 'node:fs';
import { binding, hex, HRESULT_FROM_WIN32, ERROR_MOD_NOT_FOUND } from './helpers.mjs';
import { STATE_DEADLINE_MS, distIndex, lib, runChild, runs, settle, sleep, useScenario as scenarioFor } from './doubles.mjs';

const { plain: skipPlain, double: skipDouble } = runs('WINOPS_MI_DOUBLE', 'mi.dll', 'real Windows has mi.dll');

const MI_RESULT_FAILED = 1;
const MI_RESULT_INVALID_PARAMETER = 4;
const many = (n) => Array.from({ length: n }, (_, i) => ({ Id: i, Name: `item${i}` }));

const useScenario = (mi) => scenarioFor('mi', mi);

const calls = (log, name) => log.calls.filter((c) => c.call === name);

/** No violation; every operation, session, instance and options object the addon was given is gone. */
function assertClean(log) {
  assert.deepEqual(log.violations, [], 'the double saw no violation');
  for (const [cls, n] of Object.entries(log.live)) {
    if (cls === 'MI_Application') continue;  // one per environment, closed at teardown
    assert.equal(n, 0, `${cls}: ${n} alive`);
  }
}

/** Manual ack: each non-final result was acknowledged before the next result came. */
function assertAckedInTurn(log, call) {
  let pending = false;
  for (const c of log.calls.filter((x) => x.detail?.startsWith(call) || x.detail === call)) {
    if (c.call === 'instanceResult' || c.call === 'indicationResult') {
      assert.equal(pending, false, `a result came before the previous one was acknowledged (${c.n})`);
      pending = c.result === 'more';
    } else if (c.call === 'resultAcknowledgement') {
      pending = false;
    }
  }
}

// ------------------------------------------------------------------------------------------ no mi.dll

test('without mi.dll: openSession rejects with MiError carrying ERROR_MOD_NOT_FOUND as data, nothing held', { skip: skipPlain }, async () => {
  const winops = lib.createWinops({ backend: 'native' });
  const r = await settle(winops.mi.openSession());
  assert.equal(r.ok, false);
  assert.ok(r.error instanceof lib.MiError, `${r.error?.name}: ${r.error?.message}`);
  assert.equal(r.error.code, 'MI_RESULT_FAILED');
  assert.equal(r.error.miResult, MI_RESULT_FAILED);
  assert.equal(r.error.hresult, HRESULT_FROM_WIN32(ERROR_MOD_NOT_FOUND), hex(r.error.hresult));
  assert.equal(r.error.details.errorType, 'WIN32');
  assert.equal(r.error.details.errorCode, ERROR_MOD_NOT_FOUND);
  assert.match(r.error.message, /mi\.dll/);
  // The backend's own data names the call that failed.
  const raw = await settle(winops.backend.mi.openSession({ computer: null, protocol: null, credentials: null }));
  assert.equal(raw.error.call, 'LoadLibraryExW(mi.dll)');
  assert.equal(raw.error.miResult, MI_RESULT_FAILED);
  assert.deepEqual(winops.backend.openHandles(), []);
  assert.deepEqual(binding.mi.stats(), { sessions: 0, operations: 0, sessionThreads: 0, application: false });
});

test('without mi.dll: start on a session that does not exist delivers a final INVALID_PARAMETER, later', { skip: skipPlain }, async () => {
  const mi = lib.createWinops({ backend: 'native' }).backend.mi;
  let inStart = true;
  const result = new Promise((resolve) => {
    const h = mi.start(999, { kind: 'query', namespace: 'root/cimv2', dialect: 'WQL', expression: 'SELECT * FROM X' }, 64, (b) => {
      assert.equal(inStart, false, 'never called from inside start()');
      resolve({ h, b });
    });
  });
  inStart = false;
  const { h, b } = await result;
  assert.deepEqual({ ...b, shapes: [...b.shapes], final: { ...b.final, errorMessage: undefined } },
    { newSchemas: [], shapes: [], values: [], final: { result: MI_RESULT_INVALID_PARAMETER, errorMessage: undefined }, held: false });
  assert.match(b.final.errorMessage, /session handle is not valid/);
  assert.equal(mi.close(h), 0);
  assert.equal(mi.close(h), MI_RESULT_INVALID_PARAMETER, 'closing twice');
  assert.equal(mi.cancel(h, 0), MI_RESULT_INVALID_PARAMETER, 'cancel after close');
});

// ------------------------------------------------------------------------------------------ the double

test('double: a WQL query: typed values, one result per acknowledgement, every operation closed', { skip: skipDouble }, async () => {
  const readLog = useScenario({
    classes: {
      Win32_OperatingSystem: [{ Caption: 'Windows', BuildNumber: '26100', LastBootUpTime: { $date: '2026-11-01T08:00:00.000Z' }, FreePhysicalMemory: { $uint64: '18446744073709551615' }, NumberOfProcesses: 120, Primary: true, MUILanguages: ['en-US', 'de-DE'], Uptime: { $interval: { days: 1, hours: 2 } }, Owner: { $class: 'Win32_Account', Name: 'me' } }],
      Win32_Service: [{ Name: 'VSS', State: 'Stopped' }, { Name: 'WinRM', State: 'Running' }, { Name: 'Winmgmt', State: 'Running' }],
    },
  });
  const winops = lib.createWinops({ backend: 'native' });
  const session = await winops.mi.openSession();
  const [osRow] = await session.query('SELECT * FROM Win32_OperatingSystem').toArray();
  assert.equal(lib.miClassName(osRow), 'Win32_OperatingSystem');
  assert.equal(osRow.Caption, 'Windows');
  assert.deepEqual(osRow.LastBootUpTime, new Date('2026-11-01T08:00:00.000Z'));
  assert.equal(osRow.FreePhysicalMemory, 18446744073709551615n);
  assert.equal(osRow.NumberOfProcesses, 120);
  assert.equal(osRow.Primary, true);
  assert.deepEqual(osRow.MUILanguages, ['en-US', 'de-DE']);
  assert.deepEqual(osRow.Uptime, { kind: 'interval', days: 1, hours: 2, minutes: 0, seconds: 0, microseconds: 0 });
  assert.equal(osRow.Owner.Name, 'me');
  assert.equal(lib.miClassName(osRow.Owner), 'Win32_Account');
  const running = await session.query(lib.wql`SELECT Name FROM Win32_Service WHERE State = ${'running'}`).toArray();
  assert.deepEqual(running.map((r) => ({ ...r })), [{ Name: 'WinRM' }, { Name: 'Winmgmt' }]);
  await session.close();
  const log = readLog();
  assert.ok(calls(log, 'MI_Session_QueryInstances').every((c) => c.detail.endsWith('[MANUAL_ACK]')));
  assertAckedInTurn(log, 'MI_Session_QueryInstances');
  assert.equal(calls(log, 'MI_Operation_Close').length, 2);
  assertClean(log);
  assert.deepEqual(winops.backend.openHandles(), []);
});

test('double: every MI_Type arrives as the contract says (bigint, Date, interval, instances, arrays, null)', { skip: skipDouble }, async () => {
  const T = (type, value) => ({ $type: type, value });
  const readLog = useScenario({
    classes: {
      Winops_AllTypes: [{
        Boolean: T('MI_BOOLEAN', true), Uint8: T('MI_UINT8', 255), Sint8: T('MI_SINT8', -128), Uint16: T('MI_UINT16', 65535),
        Sint16: T('MI_SINT16', -32768), Uint32: T('MI_UINT32', 4294967295), Sint32: T('MI_SINT32', -2147483648),
        Uint64: T('MI_UINT64', '18446744073709551615'), Sint64: T('MI_SINT64', '-9223372036854775808'),
        Real32: T('MI_REAL32', 1.5), Real64: T('MI_REAL64', 2.25), Char16: T('MI_CHAR16', 'Z'),
        Timestamp: T('MI_DATETIME', { $date: '2024-02-29T23:59:58.123+01:00' }),
        Interval: T('MI_DATETIME', { $interval: { days: 3, hours: 4, minutes: 5, seconds: 6, microseconds: 7 } }),
        String: T('MI_STRING', 'ünïcødé ✓'), Nothing: null,
        Reference: T('MI_REFERENCE', { $class: 'Win32_Process', Handle: '4' }),
        Instance: T('MI_INSTANCE', { $class: 'Inner', Deep: { $class: 'Deeper', Value: 1 } }),
        BooleanA: T('MI_BOOLEANA', [true, false]), Uint8A: T('MI_UINT8A', [1, 2]), Sint8A: T('MI_SINT8A', [-1]),
        Uint16A: T('MI_UINT16A', [3]), Sint16A: T('MI_SINT16A', [-3]), Uint32A: T('MI_UINT32A', [4]), Sint32A: T('MI_SINT32A', [-4]),
        Uint64A: T('MI_UINT64A', ['5', '18446744073709551615']), Sint64A: T('MI_SINT64A', ['-5']),
        Real32A: T('MI_REAL32A', [0.5]), Real64A: T('MI_REAL64A', [0.25, 1e300]), Char16A: T('MI_CHAR16A', ['a', 'b']),
        DatetimeA: T('MI_DATETIMEA', [{ $date: '2000-01-01T00:00:00Z' }, { $interval: { seconds: 9 } }]),
        StringA: T('MI_STRINGA', ['x', '']), ReferenceA: T('MI_REFERENCEA', [{ $class: 'R', K: 'k' }]),
        InstanceA: T('MI_INSTANCEA', [{ $class: 'I1', A: 1 }, { $class: 'I2', B: 'two' }]), EmptyA: T('MI_UINT32A', []),
      }],
    },
  });
  const winops = lib.createWinops({ backend: 'native' });
  const session = await winops.mi.openSession();
  const [x] = await session.enumerate('Winops_AllTypes').toArray();
  const iv = (o) => ({ kind: 'interval', days: 0, hours: 0, minutes: 0, seconds: 0, microseconds: 0, ...o });
  assert.deepEqual(
    { ...x, Reference: undefined, Instance: undefined, ReferenceA: undefined, InstanceA: undefined },
    {
      Boolean: true, Uint8: 255, Sint8: -128, Uint16: 65535, Sint16: -32768, Uint32: 4294967295, Sint32: -2147483648,
      Uint64: 18446744073709551615n, Sint64: -9223372036854775808n, Real32: 1.5, Real64: 2.25, Char16: 'Z',
      Timestamp: new Date('2024-02-29T22:59:58.123Z'), Interval: iv({ days: 3, hours: 4, minutes: 5, seconds: 6, microseconds: 7 }),
      String: 'ünïcødé ✓', Nothing: null,
      BooleanA: [true, false], Uint8A: [1, 2], Sint8A: [-1], Uint16A: [3], Sint16A: [-3], Uint32A: [4], Sint32A: [-4],
      Uint64A: [5n, 18446744073709551615n], Sint64A: [-5n], Real32A: [0.5], Real64A: [0.25, 1e300], Char16A: ['a', 'b'],
      DatetimeA: [new Date('2000-01-01T00:00:00Z'), iv({ seconds: 9 })], StringA: ['x', ''], EmptyA: [],
      Reference: undefined, Instance: undefined, ReferenceA: undefined, InstanceA: undefined,
    },
  );
  assert.equal(lib.miClassName(x.Reference), 'Win32_Process');
  assert.equal(x.Reference.Handle, '4');
  assert.equal(lib.miClassName(x.Instance.Deep), 'Deeper');
  assert.equal(x.Instance.Deep.Value, 1);
  assert.deepEqual(x.ReferenceA.map((r) => [lib.miClassName(r), r.K]), [['R', 'k']]);
  assert.deepEqual(x.InstanceA.map((r) => lib.miClassName(r)), ['I1', 'I2']);
  assert.equal(x.InstanceA[1].B, 'two');
  await session.close();
  assertClean(readLog());
});

test('double: back-pressure: with highWaterMark 1 MI delivers nothing more until the consumer reads', { skip: skipDouble }, async () => {
  const readLog = useScenario({ classes: { Big: many(20) } });
  const winops = lib.createWinops({ backend: 'native' });
  const session = await winops.mi.openSession();
  const stream = session.enumerate('Big', { highWaterMark: 1 });
  const it = stream[Symbol.asyncIterator]();
  assert.equal((await it.next()).value.Id, 0);
  // The consumer holds one: MI comes to be held back (an acknowledgement withheld), and stays so until it reads.
  const heldLog = await readLog.until((l) => l.calls.filter((c) => c.call === 'ackHeld' || c.call === 'resultAcknowledgement').at(-1)?.call === 'ackHeld',
    'MI held back by the consumer');
  const delivered = calls(heldLog, 'instanceResult').length;
  assert.ok(delivered <= 2, `${delivered} results delivered while the consumer held one (buffer 1)`);
  let n = 1;
  for (;;) {
    const r = await it.next();
    if (r.done) break;
    assert.equal(r.value.Id, n++);
  }
  assert.equal(n, 20);
  await stream.closed;
  await session.close();
  const log = readLog();
  assertAckedInTurn(log, 'MI_Session_EnumerateInstances');
  assertClean(log);
});

test('double: cancel mid-stream: MI_Operation_Cancel, extra results dropped, drained to the final result, closed', { skip: skipDouble }, async () => {
  const readLog = useScenario({ classes: { Big: many(1000) }, resultIntervalMs: 5, extraResultsAfterCancel: 3, cancelLatencyMs: 100 });
  const winops = lib.createWinops({ backend: 'native' });
  const session = await winops.mi.openSession();
  const stream = session.enumerate('Big', { highWaterMark: 4 });
  const seen = [];
  let outcome;
  const r = await settle((async () => {
    for await (const x of stream) {
      seen.push(x.Id);
      if (seen.length === 5) outcome = stream.cancel('enough');
    }
  })());
  assert.equal(r.ok, false);
  assert.ok(r.error instanceof lib.AbortError, String(r.error));
  const o = await outcome;
  assert.equal(o.status, 'cancelled');
  assert.equal(o.reason, 'none');
  assert.equal(o.miResult, 0);
  assert.equal(o.finalResult, MI_RESULT_FAILED);
  assert.ok(o.discarded >= 3, `discarded ${o.discarded}`);
  assert.equal(seen.length, 5);
  const log = readLog();
  const cancel = log.calls.findIndex((c) => c.call === 'MI_Operation_Cancel');
  assert.equal(log.calls[cancel].n, 0, 'MI_REASON_NONE');
  const after = log.calls.slice(cancel).filter((c) => c.call === 'instanceResult');
  assert.deepEqual(after.map((c) => c.result), ['more', 'more', 'more', 'MI_RESULT_FAILED']);
  assert.ok(log.calls.findIndex((c) => c.call === 'MI_Operation_Close') > cancel);
  assertAckedInTurn(log, 'MI_Session_EnumerateInstances');
  await session.close();
  assertClean(readLog());
});

test('double: a subscription ended by a TimeoutError abort (what options.timeout makes): MI_REASON_TIMEOUT, AbortError with a TimeoutError cause', { skip: skipDouble }, async () => {
  const readLog = useScenario({ indications: { intervalMs: 20, className: 'Win32_ProcessStartTrace', properties: { ProcessName: 'notepad.exe', ProcessID: 5150 } } });
  const winops = lib.createWinops({ backend: 'native' });
  const session = await winops.mi.openSession();
  const got = [];
  // The abort comes once 3 indications were read (test/unit/timeout.test.ts runs the timer itself on fake time).
  const ac = new AbortController();
  const r = await settle((async () => {
    for await (const e of session.subscribe('SELECT * FROM Win32_ProcessStartTrace', { signal: ac.signal })) {
      got.push(e);
      if (got.length === 3) ac.abort(new DOMException('The operation timed out.', 'TimeoutError'));
    }
  })());
  assert.equal(r.ok, false);
  assert.equal(r.error.cause?.name, 'TimeoutError');
  assert.equal(r.error.outcome.reason, 'timeout');
  assert.equal(got.length, 3, 'nothing is handed over after the abort');
  assert.equal(lib.miClassName(got[0]), 'Win32_ProcessStartTrace');
  assert.deepEqual(got.slice(0, 3).map((e) => e.SequenceNumber), [1, 2, 3]);
  assert.equal(got[0].ProcessName, 'notepad.exe');
  const log = readLog();
  assert.equal(calls(log, 'MI_Operation_Cancel')[0].n, 1, 'MI_REASON_TIMEOUT');
  assertAckedInTurn(log, 'MI_Session_Subscribe');
  await session.close();
  assertClean(readLog());
});

test('double: failures come as MiError with the MI_Result and the MSFT_WmiError details', { skip: skipDouble }, async () => {
  const readLog = useScenario({ classes: { Big: many(10) }, failAfter: { results: 2, result: 'ACCESS_DENIED', message: 'not for you' } });
  const winops = lib.createWinops({ backend: 'native' });
  const session = await winops.mi.openSession();
  const seen = [];
  const r = await settle((async () => { for await (const x of session.enumerate('Big')) seen.push(x.Id); })());
  assert.deepEqual(seen, [0, 1]);
  assert.ok(r.error instanceof lib.MiError, String(r.error));
  assert.equal(r.error.code, 'MI_RESULT_ACCESS_DENIED');
  assert.equal(r.error.miResult, 2);
  assert.match(r.error.message, /not for you/);
  const ns = await settle(session.query('SELECT * FROM Win32_Process', { namespace: 'root/nowhere' }).toArray());
  assert.equal(ns.error.code, 'MI_RESULT_INVALID_NAMESPACE');
  assert.equal(ns.error.hresult, 0x8004100e, hex(ns.error.hresult ?? 0));
  assert.equal(ns.error.details.errorType, 'HRESULT');
  assert.equal(ns.error.category, 'MI_ERRORCATEGORY_OBJECT_NOT_FOUND');
  const cls = await settle(session.enumerate('No_Such_Class').toArray());
  assert.equal(cls.error.code, 'MI_RESULT_INVALID_CLASS');
  assert.equal(cls.error.hresult, 0x80041010);
  const q = await settle(session.query('SELECT FROM').toArray());
  assert.equal(q.error.code, 'MI_RESULT_INVALID_QUERY');
  await session.close();
  assertClean(readLog());
});

test('double: get by key and invoke with parameters: inbound instances built, passed and deleted', { skip: skipDouble }, async () => {
  const readLog = useScenario({
    methods: { 'Win32_Process.Create': { returnValue: 0, out: { ProcessId: 4711 } }, 'Win32_Service.StopService': { returnValue: 5 } },
  });
  const winops = lib.createWinops({ backend: 'native' });
  const session = await winops.mi.openSession();
  const p = await session.get('Win32_Process', { Handle: '612' });
  assert.equal(p.Name, 'svchost.exe');
  const missing = await settle(session.get('Win32_Process', { Handle: '1' }));
  assert.equal(missing.error.code, 'MI_RESULT_NOT_FOUND');
  const created = await session.invoke('Win32_Process', 'Create', { CommandLine: 'notepad.exe', Priority: 32, Big: 2n ** 40n, When: new Date('2026-01-02T03:04:05Z'), Flags: [1, 2, 3], Ratio: 0.5, Visible: true });
  assert.deepEqual(created, { returnValue: 0, out: { ProcessId: 4711 } });
  const stopped = await session.invoke('Win32_Service', 'StopService', {}, { keys: { Name: 'Spooler' } });
  assert.equal(stopped.returnValue, 5);
  const noMethod = await settle(session.invoke('Win32_Process', 'Explode'));
  assert.equal(noMethod.error.code, 'MI_RESULT_METHOD_NOT_FOUND');
  await session.close();
  const log = readLog();
  assert.equal(calls(log, 'MI_Session_GetInstance')[0].detail, 'Win32_Process{Handle=612} [MANUAL_ACK]');
  const invoke = calls(log, 'MI_Session_Invoke')[0].detail;
  assert.match(invoke, /^Win32_Process\.Create keys null parameters __parameters\{/);
  for (const part of ['CommandLine=notepad.exe', 'Priority=32', 'Big=1099511627776', 'Ratio=0.5', 'Visible=true']) assert.ok(invoke.includes(part), `${part} in ${invoke}`);
  assert.match(calls(log, 'MI_Session_Invoke')[1].detail, /StopService keys Win32_Service\{Name=Spooler\} parameters __parameters\{\}/);
  assertClean(log);  // every inbound instance (MI_Instance) was deleted
});

test('double: a remote session with credentials: WinRM, the password never in a log; unreachable and refused sessions fail typed', { skip: skipDouble }, async () => {
  const secret = 's3cr3t-Pa55-' + process.pid;
  const readLog = useScenario({ reachableComputers: ['server1'] });
  const winops = lib.createWinops({ backend: 'native' });
  const s = await winops.mi.openSession({ computer: 'server1', credentials: { username: 'alice', password: secret, domain: 'CORP', authentication: 'negotiate' } });
  assert.equal(s.computer, 'server1');
  await s.close();
  const dcom = await winops.mi.openSession({ computer: 'server1', protocol: 'dcom', credentials: { username: 'bob', password: secret, authentication: 'kerberos' } });
  await dcom.close();
  const far = await settle(winops.mi.openSession({ computer: 'server2' }));
  assert.ok(far.error instanceof lib.MiError);
  assert.equal(far.error.code, 'MI_RESULT_FAILED');
  assert.match(far.error.message, /cannot connect to the destination specified in the request \(server2\)/);
  const log = readLog();
  assert.deepEqual(calls(log, 'MI_Application_NewSession').map((c) => c.detail), [
    'protocol=WINRM destination=server1 credentials=NegoWithCreds alice@CORP with a password',
    'protocol=WMIDCOM destination=server1 credentials=Kerberos bob with a password',
    'protocol=WINRM destination=server2',
  ]);
  assert.ok(!fs.readFileSync(readLog.path, 'utf8').includes(secret), 'the password is not in the log');
  assertClean(log);
  // A scripted refusal.
  const readLog2 = useScenario({ sessionFail: 'ACCESS_DENIED' });
  const denied = await settle(winops.mi.openSession());
  assert.equal(denied.error.code, 'MI_RESULT_ACCESS_DENIED');
  assert.equal(denied.error.details.errorType, 'MI');
  assertClean(readLog2());  // the extended error instance was deleted
  assert.deepEqual(winops.backend.openHandles(), []);
});

test('double: process.exit during a subscription: cancelled (SHUTDOWN), drained, closed, session and application closed', { skip: skipDouble }, async () => {
  const readLog = useScenario({ indications: { intervalMs: 20 } });
  const r = await runChild(`
    const lib = require(${JSON.stringify(distIndex)});
    (async () => {
      const session = await lib.createWinops({ backend: 'native' }).mi.openSession();
      let n = 0;
      for await (const e of session.subscribe('SELECT * FROM __InstanceCreationEvent WITHIN 1 WHERE TargetInstance ISA "Win32_Process"')) {
        if (++n === 3) { console.log('exiting'); process.exit(6); }
      }
    })();
  `);
  assert.equal(r.code, 6, r.output);
  assert.ok(r.ms < STATE_DEADLINE_MS, `${r.ms} ms`);
  const log = readLog.file(); // the child's double wrote it; the child has exited
  assert.equal(calls(log, 'MI_Operation_Cancel')[0]?.n, 2, 'MI_REASON_SHUTDOWN');
  for (const call of ['MI_Operation_Close', 'MI_Session_Close', 'MI_Application_Close']) assert.equal(calls(log, call).length, 1, call);
  assertClean(log);
  assert.equal(log.live.MI_Application, 0);
});

test('double: terminating a worker_thread mid-query tears its MI objects down', { skip: skipDouble }, async () => {
  const readLog = useScenario({ classes: { Big: many(5000) }, resultIntervalMs: 5 });
  const w = new Worker(`
    const { parentPort } = require('node:worker_threads');
    const lib = require(${JSON.stringify(distIndex)});
    (async () => {
      const session = await lib.createWinops({ backend: 'native' }).mi.openSession();
      let n = 0;
      for await (const x of session.enumerate('Big')) if (++n === 10) parentPort.postMessage('reading');
    })();
  `, { eval: true });
  await new Promise((resolve, reject) => { w.once('message', resolve); w.once('error', reject); });
  const t0 = Date.now();
  await w.terminate();
  assert.ok(Date.now() - t0 < STATE_DEADLINE_MS, `terminate took ${Date.now() - t0} ms`);
  const log = readLog();
  for (const call of ['MI_Operation_Cancel', 'MI_Operation_Close', 'MI_Session_Close', 'MI_Application_Close']) assert.equal(calls(log, call).length, 1, call);
  assertClean(log);
  assert.deepEqual(binding.mi.openHandles(), [], 'this environment never opened anything');
});
