'use strict';
// The cases of test/native/badinput.test.mjs: every export of the addon, and the public API on the native
// backend, against hostile values. Each group runs in a child node.exe (a crash or a hang is a failed test,
// not a dead runner); this file is loaded by both sides: the parent only lists the cases, the child runs them.
//
// A case's verdict:
//   named   a TypeError/RangeError (thrown or as the rejection) whose message names the argument
//   typed   a Windows error as data: an Error with `call` and `hresult`/`miResult`/`code` (the addon's shape,
//           and WinopsError's)
//   aborted an AbortError (public API, already-aborted signal)
//   getter  the very error a throwing getter/valueOf/toString/proxy trap of the argument threw, passed
//           through unchanged (the caller's own exception: replacing it by a TypeError would hide it)
//   ok      returned or resolved
//   other   any other error: always a failure
//   hang    not settled within HANG_MS: always a failure
// What a case accepts depends on the value: an `invalid` value must be `named`; an `odd` value (valid in
// type, strange in content: empty, 1 MB, surrogates, non-BMP, WQL injection, a path that does not exist)
// may be named, typed or ok; a `getter` value must be `getter` or `named`; an `unknown` handle (valid in
// shape) must be typed or ok. After every case: no uncaught exception and no unhandled rejection unless
// the case expects them (a throwing callback); after every group: nothing held by the addon, every
// thread joined, every object of the doubles released, and the child exits by itself (nothing keeps its
// event loop alive).
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const HANG_MS = 3000;
const MISSING = Symbol('missing');
const SENTINEL = new Error('winops badinput: thrown by the test on purpose');
const GETTER = Symbol('throwing getter');

const throwing = () => {
  throw SENTINEL;
};
const throwingPrimitive = { valueOf: throwing, toString: throwing, [Symbol.toPrimitive]: throwing };
const throwingProxy = new Proxy({}, { get: throwing, has: throwing, ownKeys: throwing, getOwnPropertyDescriptor: throwing });

const ONE_MB = 'x'.repeat(1 << 20);
const NONEXISTENT = 'Q:\\no\\such\\thing\\';

// [label, value, kind]. kind: invalid | odd | getter.
const HANDLES = [
  ['missing', MISSING, 'invalid'], ['undefined', undefined, 'invalid'], ['null', null, 'invalid'],
  ['the string "1"', '1', 'invalid'], ['NaN', NaN, 'invalid'], ['-1', -1, 'invalid'], ['0', 0, 'invalid'],
  ['1.5', 1.5, 'invalid'], ['2^32', 2 ** 32, 'invalid'], ['1e300', 1e300, 'invalid'], ['Infinity', Infinity, 'invalid'],
  ['true', true, 'invalid'], ['an object', {}, 'invalid'], ['an array', [1], 'invalid'], ['a bigint', 1n, 'invalid'],
  ['a symbol', Symbol('h'), 'invalid'], ['an object with a throwing valueOf', throwingPrimitive, 'invalid'],
];
const UNKNOWN_HANDLE = 2 ** 31;

const UINT32 = [
  ['missing', MISSING, 'invalid'], ['undefined', undefined, 'invalid'], ['null', null, 'invalid'], ['the string "5"', '5', 'invalid'],
  ['NaN', NaN, 'invalid'], ['-1', -1, 'invalid'], ['1.5', 1.5, 'invalid'], ['2^32', 2 ** 32, 'invalid'], ['1e300', 1e300, 'invalid'],
  ['Infinity', Infinity, 'invalid'], ['-Infinity', -Infinity, 'invalid'], ['true', true, 'invalid'], ['a bigint', 5n, 'invalid'],
  ['an object with a throwing valueOf', throwingPrimitive, 'invalid'], ['0', 0, 'odd'],
];
const UINT32_MAX = [['2^32-1', 2 ** 32 - 1, 'odd']];

const STRINGS = [
  ['missing', MISSING, 'invalid'], ['undefined', undefined, 'invalid'], ['null', null, 'invalid'], ['42', 42, 'invalid'],
  ['NaN', NaN, 'invalid'], ['true', true, 'invalid'], ['an object', {}, 'invalid'], ['an array', ['C:\\'], 'invalid'],
  ['a bigint', 1n, 'invalid'], ['a symbol', Symbol('s'), 'invalid'], ['an object with a throwing toString', throwingPrimitive, 'invalid'],
  ['a string with NUL inside', 'C:\\\0evil', 'invalid'], ['a string that is NUL', '\0', 'invalid'],
  ['the empty string', '', 'odd'], ['a 1 MB string', ONE_MB, 'odd'], ['an unpaired high surrogate', 'C:\\a\uD800b', 'odd'],
  ['an unpaired low surrogate', 'C:\\\uDC00', 'odd'], ['non-BMP characters', 'C:\\😀\\', 'odd'],
  ['a WQL injection', "x' OR 1=1 --", 'odd'], ['a path that does not exist', NONEXISTENT, 'odd'],
];

const OBJECTS = [
  ['missing', MISSING, 'invalid'], ['undefined', undefined, 'invalid'], ['null', null, 'invalid'], ['42', 42, 'invalid'],
  ['a string', 'request', 'invalid'], ['true', true, 'invalid'], ['a bigint', 1n, 'invalid'], ['a symbol', Symbol('o'), 'invalid'],
  ['a proxy whose every trap throws', throwingProxy, 'getter'],
];

const FUNCTIONS = [
  ['missing', MISSING, 'invalid'], ['undefined', undefined, 'invalid'], ['null', null, 'invalid'], ['42', 42, 'invalid'],
  ['a string', 'f', 'invalid'], ['an object', {}, 'invalid'], ['a symbol', Symbol('f'), 'invalid'],
];

const BOOLEANS = [
  ['the string "yes"', 'yes', 'invalid'], ['1', 1, 'invalid'], ['an object', {}, 'invalid'], ['a symbol', Symbol('b'), 'invalid'],
];

// A property of an object argument: MISSING deletes it, GETTER makes it a getter that throws.
const PROPERTY_GETTER = [['a getter that throws', GETTER, 'getter']];
function withProp(base, key, value) {
  const o = { ...base };
  if (value === MISSING) delete o[key];
  else if (value === GETTER) Object.defineProperty(o, key, { get: throwing, enumerable: true });
  else o[key] = value;
  return o;
}
/** Optional arguments: missing/undefined/null are fine. */
const optional = (table) => table.map(([l, v, k]) => [l, v, v === MISSING || v === undefined || v === null ? 'odd' : k]);
/** Drops the values a test cannot use (e.g. INFINITE on an operation that never ends). */
const without = (table, ...labels) => table.filter(([l]) => !labels.includes(l));

/** fn(...args) with the arguments from the first MISSING on left out. */
function call(target, name, ...args) {
  const i = args.indexOf(MISSING);
  return target[name](...(i < 0 ? args : args.slice(0, i)));
}

// ---------------------------------------------------------------------------------------------- verdicts

function classify(e, when) {
  if (e === SENTINEL) return { verdict: 'getter', when };
  if (e instanceof TypeError || e instanceof RangeError) return { verdict: 'named', name: e.name, message: e.message, when };
  if (e && typeof e === 'object' && e.name === 'AbortError') return { verdict: 'aborted', message: e.message, when };
  if (e && typeof e === 'object' && typeof e.call === 'string' &&
      (typeof e.hresult === 'number' || typeof e.miResult === 'number' || typeof e.code === 'string')) {
    return { verdict: 'typed', call: e.call, hresult: e.hresult, miResult: e.miResult, code: e.code, message: String(e.message ?? '').slice(0, 300), when };
  }
  return { verdict: 'other', name: e?.name, message: String(e?.message ?? e).slice(0, 300), when };
}

function summarize(v) {
  if (v === undefined || v === null || typeof v === 'number' || typeof v === 'boolean') return v;
  if (typeof v === 'string') return v.length > 80 ? `${v.slice(0, 80)}... (${v.length})` : v;
  try {
    const s = JSON.stringify(v, (_, x) => (typeof x === 'bigint' ? `${x}n` : x));
    return s === undefined ? typeof v : s.length > 200 ? `${s.slice(0, 200)}...` : s;
  } catch {
    return typeof v;
  }
}

async function verdictOf(fn) {
  let r;
  try {
    r = fn();
  } catch (e) {
    return classify(e, 'sync');
  }
  if (r && typeof r.then === 'function') {
    let timer;
    const hang = new Promise((resolve) => {
      timer = setTimeout(() => resolve({ verdict: 'hang' }), HANG_MS);
    });
    try {
      return await Promise.race([Promise.resolve(r).then((value) => ({ verdict: 'ok', value })), hang]);
    } catch (e) {
      return classify(e, 'async');
    } finally {
      clearTimeout(timer);
    }
  }
  return { verdict: 'ok', value: r, when: 'sync' };
}

function judge(c, r) {
  if (r.verdict === 'hang') return `did not settle within ${HANG_MS} ms`;
  if (r.verdict === 'other') return `threw ${r.name}: ${r.message}`;
  const allowed = {
    invalid: ['named'],
    odd: ['named', 'typed', 'ok'],
    getter: ['getter', 'named'],
    unknown: ['typed', 'ok'],
    api: ['named', 'typed', 'aborted', 'getter', 'ok'],
    aborted: ['aborted'],
    typed: ['typed'],
    ok: ['ok'],
  }[c.kind];
  if (!allowed) return `unknown case kind ${c.kind}`;
  if (!allowed.includes(r.verdict)) {
    const what = r.verdict === 'named' ? `${r.name}: ${r.message}` : r.verdict === 'typed' ? `${r.code ?? r.hresult ?? r.miResult} from ${r.call}` : r.verdict === 'ok' ? `ok (${summarize(r.value)})` : r.verdict;
    return `expected ${allowed.join(' or ')}, got ${what}`;
  }
  if (r.verdict === 'named' && c.arg && !r.message.includes(c.arg)) return `the ${r.name} does not name ${c.arg}: ${r.message}`;
  return undefined;
}

// ---------------------------------------------------------------------------------------------- helpers

let scenarioSeq = 0;
let scenarioDir;
/**
 * A scenario for the doubles (read when an object is created) and a fresh log; returns a reader of the log. In a
 * directory of this process's own, removed at exit: Wine reuses pids, and a log left by another process must never
 * be read as this one's.
 */
function useScenario(scenario) {
  if (!scenarioDir) {
    scenarioDir = fs.mkdtempSync(path.join(os.tmpdir(), 'winops-badinput-'));
    process.once('exit', () => fs.rmSync(scenarioDir, { recursive: true, force: true }));
  }
  const base = path.join(scenarioDir, String(++scenarioSeq));
  fs.writeFileSync(`${base}.scenario.json`, JSON.stringify(scenario));
  process.env.WINOPS_SCENARIO = `${base}.scenario.json`;
  process.env.WINOPS_DOUBLE_LOG = `${base}.log.json`;
  const read = () => (fs.existsSync(`${base}.log.json`) ? JSON.parse(fs.readFileSync(`${base}.log.json`, 'utf8')) : { calls: [], violations: [], live: {} });
  return read;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Every class the double counts is back to zero (MI_Application: one per environment, closed at teardown). */
function liveObjects(log) {
  return Object.entries(log.live ?? {}).filter(([cls, n]) => n !== 0 && cls !== 'MI_Application').map(([cls, n]) => `${cls}: ${n}`);
}

/** Waits (bounded) for a condition that threads reach asynchronously; returns the last value. */
async function until(fn, ok, ms = 3000) {
  const t0 = Date.now();
  let v = fn();
  while (!ok(v) && Date.now() - t0 < ms) {
    await sleep(20);
    v = fn();
  }
  return v;
}

/** What the addon still holds, as problems. */
async function addonHolds(addon) {
  const problems = [];
  const vh = addon.vss.openHandles();
  if (vh.length) problems.push(`vss.openHandles(): ${JSON.stringify(vh)}`);
  const vs = await until(() => addon.vss.stats(), (s) => s.componentThreads === 0 && s.waitThreads === 0);
  if (vs.componentThreads || vs.waitThreads) problems.push(`vss.stats(): ${JSON.stringify(vs)}`);
  const mh = addon.mi.openHandles();
  if (mh.length) problems.push(`mi.openHandles(): ${JSON.stringify(mh)}`);
  const ms = await until(() => addon.mi.stats(), (s) => s.sessions === 0 && s.operations === 0);
  if (ms.sessions || ms.operations) problems.push(`mi.stats(): ${JSON.stringify(ms)}`);
  const threads = await until(() => addon.diag.liveThreads(), (n) => n === 0);
  if (threads !== 0) problems.push(`diag.liveThreads(): ${threads}`);
  return problems;
}

// A case: { label, arg, kind, run(ctx) -> value/promise, cleanup?(value, ctx), uncaught?: n, check?(r, ctx) -> problem }
function cases(prefix, arg, table, run, extra = {}) {
  return table.map(([label, value, kind]) => ({ label: `${prefix}: ${label}`, arg, kind, run: (ctx) => run(ctx, value), ...extra }));
}

// ------------------------------------------------------------------------------------- the addon: VSS

const VSS_HANDLE_FNS = ['initializeForBackup', 'gatherWriterMetadata', 'getWriters', 'startSnapshotSet', 'prepareForBackup', 'doSnapshotSet', 'backupComplete', 'abortBackup', 'querySnapshots', 'releaseBackupComponents'];
const VSS_ASYNC_FNS = ['asyncQueryStatus', 'asyncCancel', 'asyncRelease'];
const STATE = { selectComponents: false, backupBootableSystemState: false, backupType: 5, partialFileSupport: false };
const GUID = '{6B0E4D6F-1C31-4E0B-9C2E-000000000001}';
const INT32 = [
  ['missing', MISSING, 'invalid'], ['null', null, 'invalid'], ['the string "5"', '5', 'invalid'], ['NaN', NaN, 'invalid'],
  ['1.5', 1.5, 'invalid'], ['2^31', 2 ** 31, 'invalid'], ['1e300', 1e300, 'invalid'], ['-Infinity', -Infinity, 'invalid'],
  ['a bigint', 5n, 'invalid'], ['an object with a throwing valueOf', throwingPrimitive, 'invalid'], ['-1', -1, 'odd'], ['99', 99, 'odd'],
];

function vssExports() {
  const H = UNKNOWN_HANDLE;
  const list = [];
  for (const fn of VSS_HANDLE_FNS) {
    list.push(...cases(`vss.${fn}(components)`, 'components', [...HANDLES, ['a handle that does not exist', H, 'unknown']], ({ addon }, v) => call(addon.vss, fn, v)));
  }
  for (const fn of VSS_ASYNC_FNS) {
    list.push(...cases(`vss.${fn}(async)`, 'async', [...HANDLES, ['a handle that does not exist', H, 'unknown']], ({ addon }, v) => call(addon.vss, fn, v)));
  }
  list.push(...cases('vss.asyncWait(async, 0)', 'async', HANDLES, ({ addon }, v) => addon.vss.asyncWait(v === MISSING ? undefined : v, 0)));
  list.push(...cases('vss.asyncWait(unknown, timeoutMs)', 'timeoutMs', [...UINT32, ...UINT32_MAX], ({ addon }, v) => call(addon.vss, 'asyncWait', H, v)));
  list.push(...cases('vss.setContext(unknown, context)', 'context', [...UINT32, ...UINT32_MAX], ({ addon }, v) => call(addon.vss, 'setContext', H, v)));
  list.push(...cases('vss.setContext(components, 0)', 'components', HANDLES, ({ addon }, v) => addon.vss.setContext(v === MISSING ? undefined : v, 0)));
  list.push(...cases('vss.setBackupState(unknown, state)', 'state', OBJECTS, ({ addon }, v) => call(addon.vss, 'setBackupState', H, v)));
  list.push(...cases('vss.setBackupState(unknown, state.backupType)', 'backupType', [...INT32, ...PROPERTY_GETTER], ({ addon }, v) => addon.vss.setBackupState(H, withProp(STATE, 'backupType', v))));
  for (const key of ['selectComponents', 'backupBootableSystemState', 'partialFileSupport']) {
    list.push(...cases(`vss.setBackupState(unknown, state.${key})`, key, [...BOOLEANS, ...PROPERTY_GETTER, ['missing', MISSING, 'odd']], ({ addon }, v) => addon.vss.setBackupState(H, withProp(STATE, key, v))));
  }
  list.push(...cases('vss.addToSnapshotSet(unknown, volume)', 'volume', STRINGS, ({ addon }, v) => call(addon.vss, 'addToSnapshotSet', H, v)));
  list.push(...cases('vss.addToSnapshotSet(components, "C:\\\\")', 'components', HANDLES, ({ addon }, v) => addon.vss.addToSnapshotSet(v === MISSING ? undefined : v, 'C:\\')));
  for (const [fn, arg] of [['getSnapshotProperties', 'snapshotId'], ['deleteSnapshotSet', 'snapshotSetId']]) {
    list.push(...cases(`vss.${fn}(unknown, ${arg})`, arg, [...STRINGS, ['not a GUID', 'not-a-guid', 'odd'], ['a GUID nobody has', GUID, 'odd']], ({ addon }, v) => call(addon.vss, fn, H, v)));
  }
  list.push(...cases('vss.deleteSnapshots(unknown, id)', 'id', [...STRINGS, ['not a GUID', 'not-a-guid', 'odd'], ['a GUID nobody has', GUID, 'odd']], ({ addon }, v) => call(addon.vss, 'deleteSnapshots', H, v, 'set', false)));
  list.push(...cases('vss.deleteSnapshots(unknown, GUID, kind)', 'kind', [...STRINGS, ['a kind that is not one', 'volume', 'invalid']], ({ addon }, v) => call(addon.vss, 'deleteSnapshots', H, GUID, v, false)));
  list.push(...cases('vss.deleteSnapshots(unknown, GUID, "set", force)', 'force', [...BOOLEANS, ['missing', MISSING, 'odd']], ({ addon }, v) => call(addon.vss, 'deleteSnapshots', H, GUID, 'set', v)));
  list.push({ label: 'vss.createBackupComponents("junk", 1): extra arguments are ignored', kind: 'odd', run: ({ addon }) => addon.vss.createBackupComponents('junk', 1), cleanup: (h, { addon }) => addon.vss.releaseBackupComponents(h) });
  list.push({ label: 'vss.openHandles(junk)', kind: 'ok', run: ({ addon }) => addon.vss.openHandles(throwingProxy, 1) });
  list.push({ label: 'vss.stats(junk)', kind: 'ok', run: ({ addon }) => addon.vss.stats(throwingProxy) });
  return list;
}

// VSS against the vssapi double: values that reach a live IVssBackupComponents / IVssAsync.
function vssLive() {
  const list = [];
  const setup = async (ctx) => {
    // The double reads the scenario when components are created: c's steps are quick, c2's GatherWriterMetadata
    // stays pending for 60 s unless cancelled.
    useScenario({ vss: { volumes: ['C:\\', 'D:\\'] } });
    const { vss } = ctx.addon;
    ctx.c = await vss.createBackupComponents();
    ctx.vssLog = useScenario({ vss: { volumes: ['C:\\', 'D:\\'], steps: { gatherWriterMetadata: { durationMs: 60_000 } } } });
    ctx.c2 = await vss.createBackupComponents();
    await vss.initializeForBackup(ctx.c);
    await vss.setContext(ctx.c, 0);
    await vss.initializeForBackup(ctx.c2);
    ctx.pending = await vss.gatherWriterMetadata(ctx.c2);
    const g = await vss.gatherWriterMetadata(ctx.c);
    ctx.c1async = g;
    await vss.asyncWait(g, 60_000);
    await vss.asyncRelease(g);
    await vss.startSnapshotSet(ctx.c);
  };
  list.push({ label: 'setup: two components, one with a snapshot set started, one with a pending GatherWriterMetadata', kind: 'ok', run: setup });
  list.push(...cases('vss.addToSnapshotSet(live, volume)', 'volume', STRINGS, ({ addon, c }, v) => call(addon.vss, 'addToSnapshotSet', c, v)));
  list.push(...cases('vss.getSnapshotProperties(live, snapshotId)', 'snapshotId', [...STRINGS, ['a GUID nobody has', GUID, 'odd']], ({ addon, c }, v) => call(addon.vss, 'getSnapshotProperties', c, v)));
  list.push(...cases('vss.deleteSnapshots(live, id)', 'id', [...STRINGS, ['a GUID nobody has', GUID, 'odd']], ({ addon, c }, v) => call(addon.vss, 'deleteSnapshots', c, v, 'snapshot', true)));
  list.push({ label: 'vss.querySnapshots(live): a list after SetContext', kind: 'ok', run: ({ addon, c }) => addon.vss.querySnapshots(c) });
  list.push(...cases('vss.setBackupState(live, state.backupType)', 'backupType', INT32, ({ addon, c2 }, v) => addon.vss.setBackupState(c2, withProp(STATE, 'backupType', v))));
  // INFINITE (2^32-1) is a valid timeout and would wait for the 60 s step: not a bad input.
  list.push(...cases('vss.asyncWait(pending, timeoutMs)', 'timeoutMs', UINT32, ({ addon, pending }, v) => call(addon.vss, 'asyncWait', pending, v)));
  list.push(...cases('vss.asyncWait(released, 0)', 'async', [['the released GatherWriterMetadata', 0, 'typed']], ({ addon, c1async }) => addon.vss.asyncWait(c1async, 0)));
  list.push({
    label: 'teardown: cancel the pending step, AbortBackup the started set, release everything', kind: 'ok',
    run: async ({ addon, c, c2, pending }) => {
      const { vss } = addon;
      await vss.asyncCancel(pending);
      await vss.asyncWait(pending, 10_000);
      await vss.asyncRelease(pending);
      await vss.abortBackup(c);
      await vss.releaseBackupComponents(c);
      await vss.releaseBackupComponents(c2);
    },
  });
  return list;
}

// ------------------------------------------------------------------------------------- the addon: MI

/** The window start() gets: at most this many delivered instances outstanding. */
const WINDOW = 64;
const QUERY = { kind: 'query', namespace: 'root/cimv2', dialect: 'WQL', expression: 'SELECT * FROM Rows' };
const SESSION_REQUEST = { computer: null, protocol: null, credentials: null };
const CREDENTIALS = { username: 'u', password: 'p' };

/**
 * start() and, when it returned an operation, its final result (then the operation is closed). The batched
 * delivery of native/mi: onBatch(newSchemas, shapes, final, held, ...values); every delivered instance is
 * reported with consumed() and poll() asks for the next batch, so the window never stalls the operation.
 */
function startAndFinish(mi, session, request, onResult) {
  return new Promise((resolve, reject) => {
    let h;
    let done = false;
    const finish = (final) => {
      const closed = mi.close(h);
      resolve({ operation: h, miResult: final.result, closed });
    };
    try {
      h = mi.start(session, request, WINDOW, (newSchemas, shapes, final, held, ...values) => {
        const r = { newSchemas, shapes, final, held, values };
        if (final) {
          done = true;
          setImmediate(() => finish(final));
        } else {
          setImmediate(() => {
            if (done) return;
            if (shapes.length > 0) mi.consumed(h, shapes.length);
            mi.poll(h);
          });
        }
        if (onResult) onResult(r, h);  // last: it may throw
      });
    } catch (e) {
      reject(e);
      return;
    }
    // On a turn of its own: a batch poll() hands over runs onBatch inside it, and a throw there must surface as
    // an uncaught exception, as it does when the addon posts the batch, not as this promise's rejection.
    setImmediate(() => mi.poll(h));
  });
}

function miExports() {
  const S = UNKNOWN_HANDLE;
  const list = [];
  list.push(...cases('mi.openSession(request)', 'request', OBJECTS, ({ addon }, v) => call(addon.mi, 'openSession', v)));
  list.push(...cases('mi.openSession(request.computer)', 'computer', [...optional(STRINGS), ...PROPERTY_GETTER], ({ addon }, v) => addon.mi.openSession(withProp(SESSION_REQUEST, 'computer', v))));
  list.push(...cases('mi.openSession(request.protocol)', 'protocol', [...optional(STRINGS), ['wsman', 'wsman', 'odd'], ['dcom', 'dcom', 'odd'], ...PROPERTY_GETTER], ({ addon }, v) => addon.mi.openSession(withProp(SESSION_REQUEST, 'protocol', v))));
  list.push(...cases('mi.openSession(request.credentials)', 'credentials', [...optional(OBJECTS), ['a string', 'admin:secret', 'invalid'], ['42', 42, 'invalid'], ...PROPERTY_GETTER], ({ addon }, v) => addon.mi.openSession(withProp(SESSION_REQUEST, 'credentials', v))));
  for (const key of ['username', 'password']) {
    list.push(...cases(`mi.openSession(credentials.${key})`, key, [...STRINGS, ...PROPERTY_GETTER], ({ addon }, v) => addon.mi.openSession({ ...SESSION_REQUEST, credentials: withProp(CREDENTIALS, key, v) })));
  }
  list.push(...cases('mi.openSession(credentials.domain)', 'domain', [...optional(STRINGS), ...PROPERTY_GETTER], ({ addon }, v) => addon.mi.openSession({ ...SESSION_REQUEST, credentials: withProp(CREDENTIALS, 'domain', v) })));
  list.push(...cases('mi.openSession(credentials.authentication)', 'authentication', [...optional(STRINGS), ['kerberos', 'kerberos', 'odd'], ...PROPERTY_GETTER], ({ addon }, v) => addon.mi.openSession({ ...SESSION_REQUEST, credentials: withProp(CREDENTIALS, 'authentication', v) })));
  list.push(...cases('mi.closeSession(session)', 'session', [...HANDLES, ['a handle that does not exist', S, 'unknown']], ({ addon }, v) => call(addon.mi, 'closeSession', v)));
  list.push(...cases('mi.start(session, query, window, onBatch)', 'session', [...HANDLES, ['a handle that does not exist', S, 'unknown']], ({ addon }, v) => startAndFinish(addon.mi, v === MISSING ? undefined : v, QUERY)));
  list.push(...cases('mi.start(unknown, request, window, onBatch)', 'request', OBJECTS, ({ addon }, v) => call(addon.mi, 'start', S, v, WINDOW, () => {})));
  list.push(...cases('mi.start(unknown, query, window, onBatch)', 'window', UINT32.filter(([l]) => l !== '0'), ({ addon }, v) => call(addon.mi, 'start', S, QUERY, v, () => {})));
  list.push(...cases('mi.start(unknown, query, window, onBatch)', 'onBatch', FUNCTIONS, ({ addon }, v) => call(addon.mi, 'start', S, QUERY, WINDOW, v)));
  list.push(...cases('mi.start(unknown, request.kind)', 'kind', [...STRINGS.filter(([, , k]) => k === 'invalid'), ['"delete"', 'delete', 'invalid'], ['"QUERY"', 'QUERY', 'invalid'], ...PROPERTY_GETTER], ({ addon }, v) => startAndFinish(addon.mi, S, withProp(QUERY, 'kind', v))));
  for (const key of ['namespace', 'dialect', 'expression']) {
    list.push(...cases(`mi.start(unknown, query.${key})`, key, [...STRINGS, ...PROPERTY_GETTER], ({ addon }, v) => startAndFinish(addon.mi, S, withProp(QUERY, key, v))));
  }
  const INVOKE = { kind: 'invoke', namespace: 'root/cimv2', className: 'Win32_Process', methodName: 'Create', parameters: {} };
  for (const key of ['className', 'methodName']) {
    list.push(...cases(`mi.start(unknown, invoke.${key})`, key, [...STRINGS, ...PROPERTY_GETTER], ({ addon }, v) => startAndFinish(addon.mi, S, withProp(INVOKE, key, v))));
  }
  for (const fn of ['poll', 'close']) {
    list.push(...cases(`mi.${fn}(operation)`, 'operation', [...HANDLES, ['a handle that does not exist', S, 'unknown']], ({ addon }, v) => call(addon.mi, fn, v)));
  }
  list.push(...cases('mi.cancel(operation, 0)', 'operation', HANDLES, ({ addon }, v) => addon.mi.cancel(v === MISSING ? undefined : v, 0)));
  const REASONS = [...UINT32.filter(([l]) => l !== '0'), ['4', 4, 'invalid'], ['0 (MI_REASON_NONE)', 0, 'odd'], ['3 (MI_REASON_SERVICESTOP)', 3, 'odd']];
  list.push(...cases('mi.cancel(unknown, reason)', 'reason', REASONS, ({ addon }, v) => call(addon.mi, 'cancel', S, v)));
  list.push({
    label: 'mi.start(unknown, query, window, onBatch that throws): the exception is uncaught, the operation still closes', kind: 'ok', uncaught: 1,
    run: ({ addon }) => startAndFinish(addon.mi, S, QUERY, () => {
      throw SENTINEL;
    }),
  });
  list.push({
    label: 'mi.start(unknown, query, window, onBatch that closes its own operation, reports and polls it)', kind: 'ok',
    run: ({ addon }) => new Promise((resolve) => {
      const h = addon.mi.start(S, QUERY, WINDOW, () => {
        const r = [addon.mi.close(h), addon.mi.close(h), addon.mi.cancel(h, 0)];
        for (const f of [() => addon.mi.consumed(h, 1), () => addon.mi.poll(h)]) {
          try {
            r.push(f());
          } catch (e) {
            r.push(e instanceof Error ? e.name : String(e));
          }
        }
        setImmediate(() => resolve(r));
      });
      addon.mi.poll(h);
    }),
  });
  list.push({ label: 'mi.openHandles(junk)', kind: 'ok', run: ({ addon }) => addon.mi.openHandles(throwingProxy) });
  list.push({ label: 'mi.stats(junk)', kind: 'ok', run: ({ addon }) => addon.mi.stats(throwingProxy) });
  return list;
}

// MI against the mi.dll double: values that reach a live session (keys, parameters, query text).
const MI_VALUES = [
  ['a symbol', Symbol('v'), 'invalid'], ['a function', () => 1, 'invalid'], ['a plain object', {}, 'invalid'],
  ['NaN', NaN, 'invalid'], ['Infinity', Infinity, 'invalid'], ['an Invalid Date', new Date(NaN), 'invalid'],
  ['an array mixing types', [1, 'a'], 'invalid'], ['an array with null', [1, null], 'invalid'], ['a bigint beyond 64 bits', 2n ** 70n, 'invalid'],
  ['a string with NUL inside', 'Spooler\0evil', 'invalid'], ['undefined', undefined, 'odd'],
  ['the empty string', '', 'odd'], ['a 1 MB string', ONE_MB, 'odd'], ['an unpaired surrogate', 'a\uD800b', 'odd'], ['non-BMP characters', '😀', 'odd'],
  ['-1n', -1n, 'odd'], ['2^64-1 as a bigint', 2n ** 64n - 1n, 'odd'], ['1e300', 1e300, 'odd'], ['a WQL injection', "x' OR 1=1 --", 'odd'],
  ['a getter that throws', GETTER, 'getter'],
];

function miLive() {
  const list = [];
  list.push({
    label: 'setup: a session on the double', kind: 'ok',
    run: async (ctx) => {
      ctx.miLog = useScenario({ mi: { classes: { Rows: [{ Id: 1, Name: 'a' }, { Id: 2, Name: 'b' }, { Id: 3, Name: 'c' }] }, methods: { Rows: { Ping: { returnValue: 0 } } } } });
      ctx.s = await ctx.addon.mi.openSession(SESSION_REQUEST);
    },
  });
  const GET = { kind: 'get', namespace: 'root/cimv2', className: 'Rows' };
  const INVOKE = { kind: 'invoke', namespace: 'root/cimv2', className: 'Rows', methodName: 'Ping' };
  list.push(...cases('mi.start(live, get.keys)', 'keys', [...OBJECTS, ['an array', [1], 'odd'], ['an empty object', {}, 'odd']], ({ addon, s }, v) => startAndFinish(addon.mi, s, withProp(GET, 'keys', v))));
  list.push(...cases('mi.start(live, get.keys.Id)', 'keys.Id', MI_VALUES, ({ addon, s }, v) => startAndFinish(addon.mi, s, { ...GET, keys: withProp({ Name: 'a' }, 'Id', v) })));
  list.push(...cases('mi.start(live, invoke.parameters.Text)', 'parameters.Text', MI_VALUES, ({ addon, s }, v) => startAndFinish(addon.mi, s, { ...INVOKE, parameters: withProp({}, 'Text', v) })));
  // Short strings (kept inside the string object) and longer ones (on the heap), many of them: the elements' storage
  // must stay where MI was told it is until MI_Instance_AddElement has copied the array.
  const NAMES = Array.from({ length: 64 }, (_, i) => (i % 2 ? `s${i}` : `a longer string, number ${i}, on the heap`));
  list.push({
    label: 'mi.start(live, invoke.parameters.Names = 9 strings): MI receives every element intact', kind: 'ok',
    run: ({ addon, s }) => startAndFinish(addon.mi, s, { ...INVOKE, parameters: { Names: NAMES } }),
    check: (r, { miLog }) => {
      const call = miLog().calls.filter((c) => c.call === 'MI_Session_Invoke').at(-1);
      const detail = call?.detail ?? '';
      const got = detail.slice(detail.indexOf('Names='));
      return got.startsWith(`Names=[${NAMES.join(',')}]`) ? undefined : `the double received ${JSON.stringify(got.slice(0, 300))}`;
    },
  });
  list.push(...cases('mi.start(live, invoke.parameters)', 'parameters', [['a proxy whose every trap throws', throwingProxy, 'getter'], ['a string', 'p', 'odd'], ['null', null, 'odd']], ({ addon, s }, v) => startAndFinish(addon.mi, s, { ...INVOKE, parameters: v })));
  list.push(...cases('mi.start(live, invoke.parameters key)', 'parameters', [['a key that is not a CIM name', { 'not a name': 1 }, 'odd'], ['a 1 MB key', { [ONE_MB]: 1 }, 'odd']], ({ addon, s }, v) => startAndFinish(addon.mi, s, { ...INVOKE, parameters: v })));
  list.push(...cases('mi.start(live, enumerate.keysOnly)', 'keysOnly', [...PROPERTY_GETTER, ['the string "yes"', 'yes', 'odd']], ({ addon, s }, v) => startAndFinish(addon.mi, s, withProp({ kind: 'enumerate', namespace: 'root/cimv2', className: 'Rows' }, 'keysOnly', v))));
  list.push(...cases('mi.start(live, query.expression)', 'expression', STRINGS.filter(([, , k]) => k === 'odd'), ({ addon, s }, v) => startAndFinish(addon.mi, s, withProp(QUERY, 'expression', v))));
  list.push(...cases('mi.start(live, query.namespace)', 'namespace', STRINGS.filter(([, , k]) => k === 'odd'), ({ addon, s }, v) => startAndFinish(addon.mi, s, withProp(QUERY, 'namespace', v))));
  list.push({
    label: 'mi.start(live, enumerate, onBatch that throws at every batch): uncaught, acknowledged, closed', kind: 'ok', uncaught: 'some',
    run: ({ addon, s }) => startAndFinish(addon.mi, s, { kind: 'enumerate', namespace: 'root/cimv2', className: 'Rows' }, () => {
      throw SENTINEL;
    }).catch(() => 'n/a'),
  });
  list.push({
    label: 'mi.start(live, enumerate): close before the final result is refused (INVALID_PARAMETER); cancel, drain, close', kind: 'ok',
    run: ({ addon, s }) => new Promise((resolve) => {
      let early;
      const h = addon.mi.start(s, { kind: 'enumerate', namespace: 'root/cimv2', className: 'Rows' }, WINDOW, (newSchemas, shapes, final) => {
        if (early === undefined) {
          early = [addon.mi.close(h), addon.mi.cancel(h, 0)];
        }
        if (!final) {
          setImmediate(() => {
            if (shapes.length > 0) addon.mi.consumed(h, shapes.length);  // dropped after the cancel: reported all the same
            addon.mi.poll(h);
          });
        } else {
          setImmediate(() => resolve({ early, final: final.result, close: addon.mi.close(h), again: addon.mi.close(h) }));
        }
      });
      addon.mi.poll(h);
    }),
    check: (r) => (JSON.stringify(r.value.early) === '[4,0]' && r.value.close === 0 && r.value.again === 4 ? undefined : `got ${JSON.stringify(r.value)}`),
  });
  list.push({ label: 'teardown: close the session', kind: 'ok', run: ({ addon, s }) => addon.mi.closeSession(s) });
  return list;
}

// ---------------------------------------------------------------------------------- the addon: IMAPI2

const SINK_KEYS = ['update', 'cancelAttempt', 'done'];
function imapiRequest(extra = {}) {
  return { api: 'format2data', recorderId: '{6D3F9A31-0000-4F5E-9C1B-FAKE00000001}', clientName: 'winops-badinput', forceOverwrite: false, source: { kind: 'bytes', data: new Uint8Array(2048 * 64) }, ...extra };
}
const SECTION = { api: 'writeEngine2', recorderId: '{6D3F9A31-0000-4F5E-9C1B-FAKE00000001}', clientName: 'winops-badinput', startLba: 0, sectorCount: 64, bytesPerSector: 2048, source: { kind: 'bytes', data: new Uint8Array(2048 * 64) } };

/** startWrite, then its done(): an error there is the verdict (a rejection), null resolves with the hr. */
function writeAndFinish(imapi2, request, sinkExtra = {}) {
  return new Promise((resolve, reject) => {
    const sink = {
      update() {}, cancelAttempt() {},
      done(error, hr) {
        setImmediate(() => (error ? reject(Object.assign(new Error(error.message ?? 'write failed'), error)) : resolve({ hr })));
        if (sinkExtra.done) sinkExtra.done(error, hr);
      },
    };
    for (const k of ['update', 'cancelAttempt']) if (sinkExtra[k]) sink[k] = sinkExtra[k];
    try {
      const handle = imapi2.startWrite(request, sink);
      if (sinkExtra.onHandle) sinkExtra.onHandle(handle);
    } catch (e) {
      reject(e);
    }
  });
}

const NUMBER_PROPS = [
  ['missing', MISSING, 'invalid'], ['null', null, 'invalid'], ['the string "1"', '1', 'invalid'], ['NaN', NaN, 'invalid'],
  ['1.5', 1.5, 'invalid'], ['-1', -1, 'invalid'], ['2^31', 2 ** 31, 'invalid'], ['1e300', 1e300, 'invalid'], ['Infinity', Infinity, 'invalid'],
  ['a bigint', 1n, 'invalid'], ['an object with a throwing valueOf', throwingPrimitive, 'invalid'], ['a getter that throws', GETTER, 'getter'],
];

function imapiExports({ live }) {
  const list = [];
  const fine = live ? 'ok' : 'typed';  // Wine has no IMAPI2: a well-formed write fails with REGDB_E_CLASSNOTREG
  list.push({ label: 'imapi2.listRecorders(junk): extra arguments are ignored', kind: live ? 'ok' : 'typed', run: ({ addon }) => addon.imapi2.listRecorders(throwingProxy, 1) });
  list.push(...cases('imapi2.startWrite(request, sink)', 'request', OBJECTS, ({ addon }, v) => call(addon.imapi2, 'startWrite', v, { update() {}, cancelAttempt() {}, done() {} })));
  list.push(...cases('imapi2.startWrite(request, sink)', 'sink', OBJECTS, ({ addon }, v) => call(addon.imapi2, 'startWrite', imapiRequest(), v)));
  for (const key of SINK_KEYS) {
    list.push(...cases(`imapi2.startWrite(request, sink.${key})`, key, [...FUNCTIONS.filter(([l]) => l !== 'missing'), ...PROPERTY_GETTER], ({ addon }, v) => addon.imapi2.startWrite(imapiRequest(), withProp({ update() {}, cancelAttempt() {}, done() {} }, key, v))));
  }
  list.push(...cases('imapi2.startWrite(request.api)', 'api', [...STRINGS.filter(([, , k]) => k === 'invalid'), ['"burn"', 'burn', 'invalid'], ...PROPERTY_GETTER], ({ addon }, v) => writeAndFinish(addon.imapi2, withProp(imapiRequest(), 'api', v))));
  for (const key of ['recorderId', 'clientName']) {
    list.push(...cases(`imapi2.startWrite(request.${key})`, key, [...STRINGS, ...PROPERTY_GETTER], ({ addon }, v) => writeAndFinish(addon.imapi2, withProp(imapiRequest(), key, v))));
  }
  list.push(...cases('imapi2.startWrite(request.forceOverwrite)', 'forceOverwrite', [...BOOLEANS, ...PROPERTY_GETTER, ['missing', MISSING, live ? 'ok' : 'typed']], ({ addon }, v) => writeAndFinish(addon.imapi2, withProp(imapiRequest(), 'forceOverwrite', v))));
  for (const key of ['startLba', 'sectorCount', 'bytesPerSector']) {
    // A negative LBA is a LONG like any other for IWriteEngine2::WriteSection: IMAPI judges it.
    const table = key === 'startLba' ? NUMBER_PROPS.map(([l, v, k]) => [l, v, l === '-1' ? 'odd' : k]) : NUMBER_PROPS;
    list.push(...cases(`imapi2.startWrite(section.${key})`, key, table, ({ addon }, v) => writeAndFinish(addon.imapi2, withProp(SECTION, key, v))));
  }
  list.push(...cases('imapi2.startWrite(request.source)', 'source', [...OBJECTS, ...PROPERTY_GETTER], ({ addon }, v) => writeAndFinish(addon.imapi2, withProp(imapiRequest(), 'source', v))));
  list.push(...cases('imapi2.startWrite(source.kind)', 'kind', [...STRINGS.filter(([, , k]) => k === 'invalid'), ['"stream"', 'stream', 'invalid'], ...PROPERTY_GETTER], ({ addon }, v) => writeAndFinish(addon.imapi2, imapiRequest({ source: withProp({ kind: 'file', path: NONEXISTENT }, 'kind', v) }))));
  list.push(...cases('imapi2.startWrite(source.path)', 'path', [...STRINGS, ...PROPERTY_GETTER], ({ addon }, v) => writeAndFinish(addon.imapi2, imapiRequest({ source: withProp({ kind: 'file' }, 'path', v) }))));
  list.push(...cases('imapi2.startWrite(source.data)', 'data', [
    ['missing', MISSING, 'invalid'], ['an array of numbers', [1, 2, 3], 'invalid'], ['a Uint16Array', new Uint16Array(1024), 'invalid'],
    ['an ArrayBuffer', new ArrayBuffer(2048), 'invalid'], ['a string', 'bytes', 'invalid'], ['a getter that throws', GETTER, 'getter'],
    ['an empty Uint8Array', new Uint8Array(0), 'odd'], ['3 bytes (not whole sectors)', new Uint8Array(3), 'odd'],
  ], ({ addon }, v) => writeAndFinish(addon.imapi2, imapiRequest({ source: withProp({ kind: 'bytes' }, 'data', v) }))));
  list.push(...cases('imapi2.startWrite(source.size)', 'size', [...NUMBER_PROPS.filter(([l]) => l !== '2^31'), ['2^53', 2 ** 53, 'invalid']], ({ addon }, v) => writeAndFinish(addon.imapi2, imapiRequest({ source: withProp({ kind: 'pull', read() {} }, 'size', v) }))));
  list.push(...cases('imapi2.startWrite(source.read)', 'read', [...FUNCTIONS, ...PROPERTY_GETTER], ({ addon }, v) => writeAndFinish(addon.imapi2, imapiRequest({ source: withProp({ kind: 'pull', size: 2048 * 64 }, 'read', v) }))));
  // Callbacks that throw or misbehave. Without IMAPI2 only done() is ever called.
  list.push({
    label: 'imapi2.startWrite(..., sink.done throws): uncaught, the write thread still ends', kind: fine, uncaught: 1,
    run: ({ addon }) => writeAndFinish(addon.imapi2, imapiRequest(), { done: throwing }),
  });
  list.push({
    label: 'imapi2.startWrite(...).requestCancel(junk), before and after done: a cancel like any other', kind: 'typed',
    check: (r) => (live && r.hresult !== 0xC0AA0002 ? `expected E_IMAPI_REQUEST_CANCELLED, got ${r.hresult}` : undefined),
    run: ({ addon }) => writeAndFinish(addon.imapi2, imapiRequest(), {
      onHandle: (h) => h.requestCancel(throwingProxy, 1),
      done: () => {},
    }),
  });
  if (live) {
    const pull = (read) => imapiRequest({ source: { kind: 'pull', size: 2048 * 64, read } });
    list.push({
      label: 'imapi2 live: sink.update throws at every Update: uncaught each time, the write completes', kind: 'ok', uncaught: 'some',
      run: ({ addon }) => writeAndFinish(addon.imapi2, imapiRequest(), { update: throwing }),
    });
    list.push({ label: 'imapi2 live: source.read throws: the write fails, typed', kind: 'typed', run: ({ addon }) => writeAndFinish(addon.imapi2, pull(throwing)) });
    list.push({ label: 'imapi2 live: source.read never delivers: cancel still ends the write', kind: 'odd',
      run: ({ addon }) => writeAndFinish(addon.imapi2, pull(() => {}), { onHandle: (h) => setTimeout(() => h.requestCancel(), 200) }) });
    list.push({ label: 'imapi2 live: deliver(error string): the write fails, typed', kind: 'typed', run: ({ addon }) => writeAndFinish(addon.imapi2, pull((o, l, d) => d('disk on fire'))) });
    list.push({ label: 'imapi2 live: deliver(null, wrong length): typed', kind: 'typed', run: ({ addon }) => writeAndFinish(addon.imapi2, pull((o, l, d) => d(null, new Uint8Array(l + 1)))) });
    list.push({ label: 'imapi2 live: deliver(null, not bytes): typed', kind: 'typed', run: ({ addon }) => writeAndFinish(addon.imapi2, pull((o, l, d) => d(null, 'bytes'))) });
    list.push({ label: 'imapi2 live: deliver(throwing toString error): typed or the getter error', kind: 'typed', uncaught: 'any',
      run: ({ addon }) => writeAndFinish(addon.imapi2, pull((o, l, d) => {
        try {
          d(throwingPrimitive);
        } finally {
          d('fallback');
        }
      })) });
    list.push({ label: 'imapi2 live: deliver called twice and late: the second is ignored', kind: 'ok',
      run: ({ addon }) => writeAndFinish(addon.imapi2, pull((o, l, d) => {
        d(null, new Uint8Array(l));
        d(null, new Uint8Array(l));
        setTimeout(() => d(null, new Uint8Array(l)), 5);
      })) });
  }
  return list;
}

// ------------------------------------------------------------------------------------- the addon: AXE

const AXE_SINK = () => ({ jobBegin() {}, assessmentBegin() {}, progress() {}, assessmentEnd() {}, jobRestart() {}, jobEnd() {} });
const AXE_SINK_KEYS = ['jobBegin', 'assessmentBegin', 'progress', 'assessmentEnd', 'jobRestart', 'jobEnd'];
const AXE_JOB = 'C:\\jobs\\badinput.xml';

function axeExports({ live }) {
  const list = [];
  const target = live ? 'standin' : 'addon';
  list.push({ label: 'axe.availability(junk)', kind: 'ok', run: (ctx) => ctx[target].axe.availability(throwingProxy) });
  if (live) {
    list.push({
      label: 'setup: a manifest directory and a scenario', kind: 'ok',
      run: (ctx) => {
        ctx.axeLog = useScenario({ axe: { manifests: { [AXE_JOB]: { name: 'Job', assessments: [{ name: 'a', durationMs: 300, progressSteps: 3 }, { name: 'b', durationMs: 300, progressSteps: 3, honoursCancel: false }] } } } });
      },
    });
  }
  list.push(...cases(`${target}.axe.loadJob(path)`, 'path', [...STRINGS, ['a directory', path.join(os.tmpdir()), 'odd']], (ctx, v) => call(ctx[target].axe, 'loadJob', v), { cleanup: (r) => r && r.job && r.job.release() }));
  // The shipped build fails every call with WINOPS_AXE_UNAVAILABLE once the arguments have the right types.
  const notAJob = live ? 'invalid' : 'odd';
  const objects = live ? OBJECTS : OBJECTS.map(([l, v, k]) => [l, v, k === 'getter' ? 'odd' : k]);  // the shipped build reads nothing of the job
  list.push(...cases(`${target}.axe.execute(job, sink)`, 'job', [...objects, ['an object without a job', {}, notAJob], ['a job-like object', { __holder: 1, release() {} }, notAJob]], (ctx, v) => call(ctx[target].axe, 'execute', v, AXE_SINK())));
  if (!live) list.push(...cases('addon.axe.execute({}, sink)', 'sink', OBJECTS.filter(([, , k]) => k === 'invalid'), (ctx, v) => call(ctx.addon.axe, 'execute', {}, v)));
  if (!live) return list;

  const load = async (ctx) => (await ctx.standin.axe.loadJob(AXE_JOB)).job;
  /** execute, then jobEnd; returns what jobEnd got. */
  const runToEnd = (ctx, job, sink = {}, onRun) => new Promise((resolve, reject) => {
    const s = AXE_SINK();
    for (const k of AXE_SINK_KEYS) if (sink[k]) s[k] = sink[k];
    const jobEnd = s.jobEnd;
    s.jobEnd = (r) => {
      setImmediate(() => resolve(r));
      jobEnd.call(s, r);
    };
    try {
      const run = ctx.standin.axe.execute(job, s);
      if (onRun) onRun(run);
    } catch (e) {
      reject(e);
    }
  });
  list.push(...cases('standin.axe.execute(job, sink)', 'sink', OBJECTS, async (ctx, v) => {
    const job = await load(ctx);
    try {
      return call(ctx.standin.axe, 'execute', job, v);
    } finally {
      job.release();
    }
  }));
  for (const key of AXE_SINK_KEYS) {
    list.push(...cases(`standin.axe.execute(job, sink.${key})`, key, [...FUNCTIONS.filter(([l]) => l !== 'missing'), ...PROPERTY_GETTER], async (ctx, v) => {
      const job = await load(ctx);
      try {
        return ctx.standin.axe.execute(job, withProp(AXE_SINK(), key, v));
      } finally {
        job.release();
      }
    }));
  }
  list.push({ label: 'standin.axe.execute(released job, sink)', arg: 'job', kind: 'invalid', run: async (ctx) => {
    const job = await load(ctx);
    job.release();
    job.release(throwingProxy);  // twice, with junk: harmless
    return ctx.standin.axe.execute(job, AXE_SINK());
  } });
  const INDEXES = [
    ['missing', MISSING, 'invalid'], ['null', null, 'invalid'], ['the string "0"', '0', 'invalid'], ['NaN', NaN, 'invalid'], ['0.5', 0.5, 'invalid'],
    ['2^32', 2 ** 32, 'invalid'], ['1e300', 1e300, 'invalid'], ['-Infinity', -Infinity, 'invalid'], ['a bigint', 0n, 'invalid'],
    ['an object with a throwing valueOf', throwingPrimitive, 'invalid'], ['-1', -1, 'odd'], ['7 (no such assessment)', 7, 'odd'], ['1 (not running)', 1, 'odd'],
  ];
  list.push(...cases('standin run.cancelAssessment(index)', 'index', INDEXES, async (ctx, v) => {
    const job = await load(ctx);
    let verdict;
    const end = runToEnd(ctx, job, {
      assessmentBegin: () => {
        if (!verdict) verdict = Promise.resolve().then(() => call(ctx.run, 'cancelAssessment', v)).then((value) => ({ value }), (error) => ({ error }));
      },
    }, (run) => {
      ctx.run = run;
    });
    await end;
    job.release();
    if (!verdict) throw new Error('no assessment began');
    const r = await verdict;
    if ('error' in r) throw r.error;
    // cancelAssessment resolves with the Engine's answer: an index that is not the running one is AXE_E_INVALID_INDEX.
    return r.value;
  }));
  list.push({
    label: 'standin: every sink callback throws: uncaught each time, the job still ends and is released', kind: 'ok', uncaught: 'some',
    run: async (ctx) => {
      const job = await load(ctx);
      const sink = Object.fromEntries(AXE_SINK_KEYS.map((k) => [k, throwing]));
      const r = await runToEnd(ctx, job, sink);
      job.release();
      return r;
    },
  });
  list.push({
    label: 'standin: cancelJob/terminateJob(junk) during and after the run', kind: 'ok',
    run: async (ctx) => {
      const job = await load(ctx);
      let run;
      const r = await runToEnd(ctx, job, {}, (x) => {
        run = x;
        setTimeout(() => void run.cancelJob(throwingProxy), 50);
        setTimeout(() => void run.terminateJob(1, 2, 3), 400);
      });
      const after = [await run.cancelJob('junk'), await run.terminateJob(), await run.cancelAssessment(0)];
      job.release();
      return { r, after };
    },
  });
  list.push({
    label: 'standin: release the job while its run runs: the run keeps it until it ends', kind: 'ok',
    run: async (ctx) => {
      const job = await load(ctx);
      return runToEnd(ctx, job, {}, () => job.release());
    },
  });
  return list;
}

// ------------------------------------------------------------------------------------- the addon: diag

const HRESULTS = [
  ['missing', MISSING, 'invalid'], ['null', null, 'invalid'], ['the string "0x80004005"', '0x80004005', 'invalid'], ['NaN', NaN, 'invalid'],
  ['1.5', 1.5, 'invalid'], ['2^32', 2 ** 32, 'invalid'], ['-2^31-1', -(2 ** 31) - 1, 'invalid'], ['1e300', 1e300, 'invalid'], ['a bigint', 1n, 'invalid'],
  ['an object with a throwing valueOf', throwingPrimitive, 'invalid'], ['-2147467259 (E_FAIL as int32)', -2147467259, 'odd'], ['0x80004005', 0x80004005, 'odd'], ['0', 0, 'odd'],
];

function diagExports() {
  const list = [];
  const cb = (resolve) => (err, value) => setImmediate(() => resolve({ err: err && err.message, value }));
  list.push(...cases('diag.comInitOnWorker(callback)', 'callback', [...optional(FUNCTIONS)], ({ addon }, v) => call(addon.diag, 'comInitOnWorker', v)));
  list.push({ label: 'diag.comInitOnWorker(callback that throws): uncaught, the thread ends', kind: 'ok', uncaught: 1,
    run: ({ addon }) => new Promise((resolve) => addon.diag.comInitOnWorker(() => {
      setImmediate(resolve);
      throw SENTINEL;
    })) });
  list.push(...cases('diag.sleepOnWorker(ms)', 'ms', UINT32, ({ addon }, v) => call(addon.diag, 'sleepOnWorker', v)));
  list.push(...cases('diag.sleepOnWorker(0, callback)', 'callback', FUNCTIONS.filter(([l]) => !['missing', 'undefined'].includes(l)), ({ addon }, v) => addon.diag.sleepOnWorker(0, v)));
  list.push({ label: 'diag.sleepOnWorker(1, callback)', kind: 'ok', run: ({ addon }) => new Promise((resolve) => addon.diag.sleepOnWorker(1, cb(resolve))) });
  list.push(...cases('diag.stuckOnWorker(ms)', 'ms', [...UINT32, ['600001', 600001, 'invalid']], ({ addon }, v) => call(addon.diag, 'stuckOnWorker', v)));
  list.push(...cases('diag.failOnWorker(hr)', 'hr', HRESULTS, ({ addon }, v) => call(addon.diag, 'failOnWorker', v)));
  list.push(...cases('diag.formatMessage(hr)', 'hr', HRESULTS, ({ addon }, v) => call(addon.diag, 'formatMessage', v)));
  list.push(...cases('diag.formatMessage(E_FAIL, moduleName)', 'moduleName', [...optional(STRINGS), ['"vssapi.dll"', 'vssapi.dll', 'ok']], ({ addon }, v) => call(addon.diag, 'formatMessage', 0x80004005, v)));
  for (const fn of ['liveThreads', 'currentThreadId', 'wineVersion']) {
    list.push({ label: `diag.${fn}(junk)`, kind: 'ok', run: ({ addon }) => addon.diag[fn](throwingProxy, 1) });
  }
  for (const fn of ['vssCreateProbe', 'miLoadProbe', 'imapi2Probe']) {
    list.push({ label: `diag.${fn}(junk)`, kind: 'ok', run: ({ addon }) => addon.diag[fn](throwingProxy, 1) });
  }
  return list;
}

// shutdown() with junk arguments, twice; every later call is refused typed (E_ABORT) or as before.
function shutdownGroup() {
  const list = [];
  list.push({ label: 'vss.shutdown(junk) twice', kind: 'ok', run: ({ addon }) => [addon.vss.shutdown(throwingProxy), addon.vss.shutdown()] });
  list.push({ label: 'mi.shutdown(junk) twice', kind: 'ok', run: ({ addon }) => [addon.mi.shutdown(throwingProxy), addon.mi.shutdown()] });
  list.push({ label: 'vss.createBackupComponents() after shutdown', kind: 'typed', run: ({ addon }) => addon.vss.createBackupComponents() });
  list.push({ label: 'vss.asyncWait(unknown, -1) after shutdown', arg: 'timeoutMs', kind: 'invalid', run: ({ addon }) => addon.vss.asyncWait(UNKNOWN_HANDLE, -1) });
  list.push({ label: 'mi.openSession() after shutdown', kind: 'typed', run: ({ addon }) => addon.mi.openSession(SESSION_REQUEST) });
  list.push({ label: 'mi.start(unknown, query) after shutdown', kind: 'ok', run: ({ addon }) => startAndFinish(addon.mi, UNKNOWN_HANDLE, QUERY) });
  return list;
}

// --------------------------------------------------------------------------------- the public API (dist/)

// The values of test/unit/bad-input.test.ts, against the native backend.
const API_VALUES = [
  ['undefined', undefined], ['null', null], ['NaN', NaN], ['-1', -1], ['a huge number', 1e300], ['Infinity', Infinity],
  ['the empty string', ''], ['a 1 MB string', ONE_MB], ['a string with NUL', 'C:\\\0evil'], ['an unpaired surrogate', 'a\uD800b'],
  ['non-BMP characters', 'C:\\😀'], ['an object with toString', { toString: () => 'C:\\' }], ['an array', ['C:\\']], ['a function', () => 'C:\\'],
  ['a symbol', Symbol('s')], ['a bigint', 10n], ['a WQL injection', "x' OR 1=1 --"], ['a path that does not exist', NONEXISTENT],
  ['a proxy whose every trap throws', throwingProxy],
];
const API_OPTIONS = [
  ['null', null], ['a string', 'fast'], ['timeout NaN', { timeout: NaN }], ['timeout negative', { timeout: -5 }], ['timeout huge', { timeout: 2 ** 40 }],
  ['timeout a string', { timeout: '5m' }], ['a signal that is not an AbortSignal', { signal: { aborted: true } }],
  ['a proxy whose every trap throws', throwingProxy],
];
const ABORTED = () => ({ signal: AbortSignal.abort('early') });

/** Drains iterables and closes what has close(): an API call's whole effect. */
async function settleApi(p) {
  let r = await p;
  if (r && typeof r === 'object' && Symbol.asyncIterator in r) {
    const got = [];
    for await (const x of r) got.push(x);
    r = got;
  }
  if (r && typeof r.close === 'function') await r.close();
  return summarize(r);
}

function apiGroup({ live }) {
  const list = [];
  const api = (label, arg, run, kind = 'api') => list.push({ label: `api ${label}`, arg, kind, run: (ctx) => settleApi(run(ctx.w, ctx)) });
  const setup = (ctx) => {
    ctx.apiLog = live ? useScenario({
      vss: { volumes: ['C:\\', 'D:\\'] },
      mi: { classes: { Win32_Service: [{ Name: 'Spooler', State: 'Running' }] } },
      imapi2: { updateIntervalMs: 5, sectorsPerUpdate: 1 << 20 },
      axe: { manifests: { [AXE_JOB]: { name: 'Job', assessments: [{ name: 'a', durationMs: 30, progressSteps: 2 }] } } },
    }) : null;
    const backend = live ? ctx.nativeIndex.composeNativeBackend(ctx.standin) : 'native';
    ctx.w = ctx.lib.createWinops({ backend });
    ctx.backend = ctx.w.backend;
  };
  list.push({ label: 'setup: createWinops on the native backend', kind: 'ok', run: setup });
  for (const [l, v] of API_VALUES) api(`vss.createSnapshotSet(${l})`, 'volumes', (w) => w.vss.createSnapshotSet(v));
  for (const [l, v] of API_VALUES) api(`vss.createSnapshotSet([${l}])`, 'volumes[0]', (w) => w.vss.createSnapshotSet([v]));
  for (const [l, v] of API_OPTIONS) api(`vss.createSnapshotSet("C:\\\\", options ${l})`, 'options', (w) => w.vss.createSnapshotSet('C:\\', v));
  api('vss.createSnapshotSet("C:\\\\", an aborted signal): no Windows call', 'options', (w) => w.vss.createSnapshotSet('C:\\', ABORTED()), 'aborted');
  api('vss.createSnapshotSet("C:\\\\\\0evil")', 'volumes', (w) => w.vss.createSnapshotSet('C:\\\0evil'), 'invalid');
  api('vss.createSnapshotSet(a volume that does not exist)', 'volumes', (w) => w.vss.createSnapshotSet(NONEXISTENT), 'typed');
  for (const [l, v] of API_VALUES) api(`mi.openSession({ computer: ${l} })`, 'computer', (w) => w.mi.openSession({ computer: v }));
  for (const [l, v] of API_VALUES) api(`mi.openSession({ namespace: ${l} })`, 'namespace', (w) => w.mi.openSession({ namespace: v }));
  for (const [l, v] of API_VALUES) api(`mi.openSession({ credentials: { username: ${l} } })`, 'username', (w) => w.mi.openSession({ credentials: { username: v, password: 'p' } }));
  for (const [l, v] of API_OPTIONS) api(`mi.openSession(options ${l})`, 'options', (w) => w.mi.openSession(v));
  api('mi.openSession(an aborted signal)', 'options', (w) => w.mi.openSession(ABORTED()), 'aborted');
  if (live) {
    list.push({ label: 'api setup: an MI session', kind: 'ok', run: async (ctx) => {
      ctx.session = await ctx.w.mi.openSession();
    } });
    const s = (run) => (ctx) => settleApi(run(ctx.session));
    const add = (label, arg, run, kind = 'api') => list.push({ label: `api ${label}`, arg, kind, run: s(run) });
    for (const [l, v] of API_VALUES) add(`session.query(${l})`, 'query', (x) => x.query(v));
    for (const [l, v] of API_VALUES) add(`session.get("Win32_Service", { Name: ${l} })`, 'keys', (x) => x.get('Win32_Service', { Name: v }));
    for (const [l, v] of API_VALUES) add(`session.invoke("Win32_Process", "Create", { CommandLine: ${l} })`, 'parameters', (x) => x.invoke('Win32_Process', 'Create', { CommandLine: v }));
    for (const [l, v] of API_OPTIONS) add(`session.query(..., options ${l})`, 'options', (x) => x.query('SELECT * FROM Win32_Service', v));
    for (const [l, v] of [['an array mixing types', [1, 'a']], ['an array with null', [1, null]], ['a bigint beyond 64 bits', 2n ** 70n], ['a string with NUL', 'a\0b']]) {
      add(`session.invoke("Win32_Process", "Create", { X: ${l} })`, 'parameters', (x) => x.invoke('Win32_Process', 'Create', { X: v }), 'invalid');
    }
    add('session.query(a WQL injection in the text)', 'query', (x) => x.query("SELECT * FROM Win32_Service WHERE Name = 'x' OR 1=1 --"), 'odd');
    add('session.query(an aborted signal)', 'options', (x) => x.query('SELECT * FROM Win32_Service', ABORTED()), 'aborted');
    list.push({ label: 'api teardown: close the MI session', kind: 'ok', run: (ctx) => ctx.session.close() });
  }
  for (const [l, v] of API_VALUES) api(`imapi2.burn(${l})`, 'image', (w) => w.imapi2.burn(v));
  for (const [l, v] of API_OPTIONS) api(`imapi2.burn(bytes, options ${l})`, 'options', (w) => w.imapi2.burn(new Uint8Array(2048), v));
  for (const [l, v] of API_VALUES) api(`imapi2.burn(bytes, { recorder: ${l} })`, 'recorder', (w) => w.imapi2.burn(new Uint8Array(2048), { recorder: v }));
  for (const [l, v] of API_VALUES) api(`imapi2.writeSection(bytes, { startLba: ${l} })`, 'startLba', (w) => w.imapi2.writeSection(new Uint8Array(2048), { recorder: 'E:\\', startLba: v, sectorCount: 1 }));
  api('imapi2.burn(bytes, an aborted signal)', 'options', (w) => w.imapi2.burn(new Uint8Array(2048), ABORTED()), 'aborted');
  api('imapi2.burn(bytes, onProgress that throws)', 'options', (w) => w.imapi2.burn(new Uint8Array(2048 * 4), { onProgress: throwing }), live ? 'ok' : 'typed');
  for (const [l, v] of API_VALUES) api(`axe.loadJob(${l})`, 'manifestPath', (w) => w.axe.loadJob(v));
  api('axe.loadJob(a directory)', 'manifestPath', (w) => w.axe.loadJob(os.tmpdir()), 'typed');
  if (live) {
    list.push({ label: 'api: axe job.run with onEvent that throws: the run completes', kind: 'ok', run: async (ctx) => {
      const job = await ctx.w.axe.loadJob(AXE_JOB);
      try {
        return summarize(await job.run({ onEvent: throwing }));
      } finally {
        await job.close();
      }
    } });
    list.push({ label: 'api: imapi2.burn of a stream that never answers, then cancel(): cancelled within the 1 s grace', kind: 'aborted',
      run: async (ctx) => {
        const { Readable } = require('node:stream');
        const op = ctx.w.imapi2.burn({ stream: new Readable({ read() {} }), size: 2048 * 64 });
        setTimeout(() => void op.cancel().catch(() => undefined), 200);
        return op;
      },
      check: (r) => (/cancelled/.test(r.message ?? '') ? undefined : `expected the write to end cancelled: ${r.message}`) });
    list.push({ label: 'api: vss.createSnapshotSet with onStep that throws: the set is made and closed', kind: 'ok', run: async (ctx) => {
      const set = await ctx.w.vss.createSnapshotSet('C:\\', { onStep: throwing });
      await set.close();
      return set.snapshots.length;
    } });
  }
  for (const [l, v] of API_VALUES) api(`describeHresult(${l})`, 'hr', (w, ctx) => ctx.lib.describeHresult(v));
  list.push({ label: 'api: nothing open on the backend', kind: 'ok', run: (ctx) => {
    const open = ctx.backend.openHandles();
    if (open.length) throw new Error(`open handles: ${JSON.stringify(open)}`);
  } });
  return list;
}

// ------------------------------------------------------------------------------------------- groups

/**
 * Groups: name -> { title, mode: 'plain' (Wine as it is) | 'doubles' (every double in place, see
 * scripts/wine/model.sh), cases(), after?(ctx) -> problems }.
 */
const GROUPS = {
  'vss-exports': { title: 'vss: every export against hostile values (Wine\'s vssapi)', mode: 'plain', cases: vssExports },
  'mi-exports': { title: 'mi: every export against hostile values (no mi.dll)', mode: 'plain', cases: miExports },
  'imapi2-exports': { title: 'imapi2: every export against hostile values (no IMAPI2)', mode: 'plain', cases: () => imapiExports({ live: false }) },
  'axe-exports': { title: 'axe: every export of the shipped build (no AxeHosting.h) against hostile values', mode: 'plain', cases: () => axeExports({ live: false }) },
  'diag-exports': { title: 'diag: every export against hostile values', mode: 'plain', cases: diagExports },
  'shutdown': { title: 'shutdown(): with junk, twice, and calls after it', mode: 'plain', cases: shutdownGroup },
  'api-plain': { title: 'public API on backend native (Wine as it is) against the unit suite\'s hostile values', mode: 'plain', cases: () => apiGroup({ live: false }) },
  'vss-live': { title: 'vss: hostile values reaching live objects of the vssapi double', mode: 'doubles', cases: vssLive, logs: ['vssLog'] },
  'mi-live': { title: 'mi: hostile values reaching a live session of the mi.dll double', mode: 'doubles', cases: miLive, logs: ['miLog'] },
  'imapi2-live': { title: 'imapi2: hostile values and misbehaving callbacks against the IMAPI2 double', mode: 'doubles', cases: () => imapiExports({ live: true }), logs: ['imapiLog'],
    before: (ctx) => {
      ctx.imapiLog = useScenario({ imapi2: { updateIntervalMs: 5, sectorsPerUpdate: 16 } });
    } },
  'axe-live': { title: 'axe: hostile values and misbehaving callbacks against the stand-in build and the AxeCore.dll double', mode: 'doubles', cases: () => axeExports({ live: true }), logs: ['axeLog'] },
  'api-live': { title: 'public API on the native backend with every double in place, against hostile values', mode: 'doubles', cases: () => apiGroup({ live: true }), logs: ['apiLog'] },
};

/** In the child: runs one group, printing a line per case and a final DONE line. */
async function runGroup(name, env) {
  const group = GROUPS[name];
  const ctx = { ...env, addon: require(env.addonPath), standin: env.standinPath ? require(env.standinPath) : null };
  if (env.distDir) {
    ctx.lib = require(path.join(env.distDir, 'lib', 'index.js'));
    ctx.nativeIndex = require(path.join(env.distDir, 'lib', 'native', 'index.js'));
  }
  const events = [];
  process.on('uncaughtException', (e) => events.push({ kind: 'uncaught', sentinel: e === SENTINEL, message: String(e?.message ?? e) }));
  process.on('unhandledRejection', (e) => events.push({ kind: 'unhandled', sentinel: e === SENTINEL, message: String(e?.message ?? e) }));
  if (group.before) group.before(ctx);
  const out = (line) => process.stdout.write(`${line}\n`);
  for (const c of group.cases()) {
    const seen = events.length;
    const r = await verdictOf(() => c.run(ctx));
    // Late callbacks of this case land here, not in the next one.
    await (c.uncaught === undefined ? new Promise((r) => setImmediate(() => setImmediate(r))) : sleep(50));
    let problem = judge(c, r);
    const mine = events.slice(seen);
    const want = c.uncaught ?? 0;
    if (!problem) {
      const bad = mine.filter((e) => !e.sentinel);
      const count = mine.length;
      if (bad.length) problem = `${bad[0].kind}: ${bad[0].message}`;
      else if (typeof want === 'number' && count !== want) problem = `${count} uncaught exception(s) of the test's own, expected ${want}`;
      else if (want === 'some' && count === 0) problem = 'expected the throwing callback to surface as an uncaught exception';
    }
    if (!problem && c.check) {
      try {
        problem = (await c.check(r, ctx)) ?? undefined;
      } catch (e) {
        problem = `check failed: ${e?.message ?? e}`;
      }
    }
    if (r.verdict === 'ok' && c.cleanup) {
      try {
        await c.cleanup(r.value, ctx);
      } catch (e) {
        problem ??= `cleanup failed: ${e?.message ?? e}`;
      }
    }
    out(`CASE ${JSON.stringify({ label: c.label, verdict: r.verdict, detail: r.verdict === 'named' ? `${r.name}: ${r.message}` : r.verdict === 'typed' ? `${r.code ?? r.hresult ?? r.miResult} from ${r.call}` : r.verdict === 'ok' ? summarize(r.value) : r.message, problem: problem ?? null })}`);
  }
  const problems = await addonHolds(ctx.addon);
  if (ctx.standin) problems.push(...(await addonHolds(ctx.standin)).map((p) => `stand-in ${p}`));
  for (const key of group.logs ?? []) {
    if (!ctx[key]) continue;
    const log = await until(() => ctx[key](), (l) => liveObjects(l).length === 0);
    if (liveObjects(log).length) problems.push(`the double still has live objects: ${liveObjects(log).join(', ')}`);
    if (log.violations?.length) problems.push(`the double saw violations: ${log.violations.join('; ')}`);
  }
  const late = events.filter((e) => !e.sentinel);
  if (late.length) problems.push(`uncaught/unhandled: ${late.map((e) => e.message).join('; ')}`);
  out(`DONE ${JSON.stringify({ problems })}`);
  // No process.exit: the parent checks that the child ends by itself.
}

module.exports = { GROUPS, runGroup, MISSING, GETTER };
