import type { Handle, MiBackend, MiErrorDetails, MiInstanceData, MiOperationRequest, MiResultBatch, MiSchema, MiSessionRequest, MiValue } from '../../types/backend';
import type { MiScenario } from '../../types/scenario';
import { MI_RESULTS } from '../codes';
import { FakeCore } from './core';
import { evaluate, parseWql, WqlSyntaxError, type ParsedQuery } from './wql-eval';

const R = Object.fromEntries(MI_RESULTS.map((r) => [r.name.replace('MI_RESULT_', ''), r.value])) as Record<string, number>;
const OK = 0;
/** With no time between two results, how many MI may deliver in one tick of the fake's clock (one batch). */
const RESULTS_PER_TICK = 1024;

/** One result as MI's instance/indication callback delivers it. */
interface MiResultData {
  readonly instance: MiInstanceData | null;
  readonly moreResults: boolean;
  readonly result: number;
  readonly errorMessage?: string | undefined;
  readonly errorDetails?: MiErrorDetails | undefined;
}

/** A batch being filled (MiResultBatch without `held`, which is read when it is handed over). */
interface Batch {
  readonly newSchemas: MiSchema[];
  readonly shapes: number[];
  readonly values: MiValue[];
  final: MiResultBatch['final'];
}

function miCode(code: string | number): number {
  if (typeof code === 'number') return code;
  const name = code.replace(/^MI_RESULT_/, '');
  const v = R[name];
  if (v === undefined) throw new RangeError(`scenario: unknown MI_Result ${JSON.stringify(code)}`);
  return v;
}

const BOOT = new Date(Date.UTC(2026, 10, 1, 8, 0, 0));

/**
 * The classes the fake machine has whatever the scenario says. A scenario's `classes` add to them; a class of the
 * same name (case-insensitive) in the scenario's `classes` or `generated` replaces that one class.
 */
export const DEFAULT_CLASSES: Record<string, Record<string, unknown>[]> = {
  Win32_OperatingSystem: [
    { Caption: 'Microsoft Windows 11 Pro (simulated)', Version: '10.0.26100', BuildNumber: '26100', OSArchitecture: '64-bit', CSName: 'FAKEHOST', LastBootUpTime: { $date: BOOT.toISOString() }, FreePhysicalMemory: { $uint64: '8388608' }, NumberOfProcesses: 3, Primary: true },
  ],
  Win32_Process: [
    { ProcessId: 4, Name: 'System', ExecutablePath: null, ThreadCount: 180, Handle: '4' },
    { ProcessId: 612, Name: 'svchost.exe', ExecutablePath: 'C:\\Windows\\System32\\svchost.exe', ThreadCount: 12, Handle: '612' },
    { ProcessId: 4242, Name: 'node.exe', ExecutablePath: 'C:\\Program Files\\nodejs\\node.exe', ThreadCount: 11, Handle: '4242' },
  ],
  Win32_Service: [
    { Name: 'VSS', DisplayName: 'Volume Shadow Copy', State: 'Stopped', StartMode: 'Manual', ProcessId: 0 },
    { Name: 'Winmgmt', DisplayName: 'Windows Management Instrumentation', State: 'Running', StartMode: 'Auto', ProcessId: 612 },
    { Name: 'WinRM', DisplayName: "Windows Remote Management (WS-Management)", State: 'Running', StartMode: 'Auto', ProcessId: 612 },
    { Name: 'Spooler', DisplayName: 'Print Spooler', State: 'Running', StartMode: 'Auto', ProcessId: 1712 },
  ],
  // Win32_ShadowProvider (previous-versions/windows/desktop/vsswmi/win32-shadowprovider): ID, Name, CLSID,
  // Type (1 = System), Version, VersionID. One provider, the system's; the GUIDs are the simulated machine's own.
  Win32_ShadowProvider: [
    { ID: '{b5946137-7b9f-4925-af80-51abd60b20d5}', Name: 'Microsoft Software Shadow Copy provider 1.0', CLSID: '{65ee1dba-8ff4-4a58-ac1c-3470ee2f376a}', Type: 1, Version: '1.0.0.7', VersionID: '{00000001-0000-0000-0007-000000000001}' },
  ],
  Win32_LogicalDisk: [
    { DeviceID: 'C:', DriveType: 3, FileSystem: 'NTFS', Size: { $uint64: '510770802688' }, FreeSpace: { $uint64: '123456789012' }, VolumeName: 'Windows' },
    { DeviceID: 'D:', DriveType: 3, FileSystem: 'NTFS', Size: { $uint64: '1000186310656' }, FreeSpace: { $uint64: '900000000000' }, VolumeName: 'Data' },
  ],
};

/**
 * Methods the fake machine has when the scenario does not script them (a scenario's `methods` entry of the same name
 * wins). Win32_Process.Create: `uint32 Create([in] string CommandLine, [in] string CurrentDirectory,
 * [in] Win32_ProcessStartup ProcessStartupInformation, [out] uint32 ProcessId)`, 0 when the process was created
 * (https://learn.microsoft.com/windows/win32/cimwin32prov/create-method-in-class-win32-process). The fake starts nothing.
 */
export const DEFAULT_METHODS: Readonly<Record<string, { readonly returnValue?: unknown; readonly out?: Readonly<Record<string, unknown>> }>> = {
  'Win32_Process.Create': { returnValue: 0, out: { ProcessId: 5150 } },
};

const KEYS: Record<string, string[]> = {
  win32_process: ['Handle'],
  win32_service: ['Name'],
  win32_logicaldisk: ['DeviceID'],
  win32_operatingsystem: ['Name'],
};

/** JSON scenario values -> MI values: {"$date": iso}, {"$uint64": "..."}, {"$interval": {...}}, nested objects are embedded instances. */
export function toMiValue(v: unknown): MiValue {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return v;
  if (v instanceof Date) return v;
  if (Array.isArray(v)) return v.map(toMiValue);
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if (typeof o.$date === 'string') return new Date(o.$date);
    if (typeof o.$uint64 === 'string' || typeof o.$sint64 === 'string') return BigInt((o.$uint64 ?? o.$sint64) as string);
    if (typeof o.$interval === 'object' && o.$interval !== null) {
      const i = o.$interval as Record<string, number>;
      return { kind: 'interval', days: i.days ?? 0, hours: i.hours ?? 0, minutes: i.minutes ?? 0, seconds: i.seconds ?? 0, microseconds: i.microseconds ?? 0 };
    }
    if (o.kind === 'instance' || o.kind === 'interval') return o as unknown as MiValue;
    const className = typeof o.$class === 'string' ? o.$class : 'Embedded';
    // fromEntries: a property called __proto__ stays a property.
    const properties: Record<string, MiValue> = Object.fromEntries(Object.entries(o).filter(([k]) => k !== '$class').map(([k, x]) => [k, toMiValue(x)]));
    return { kind: 'instance', className, properties };
  }
  throw new TypeError(`scenario: cannot turn ${typeof v} into an MI value`);
}

function instance(className: string, namespace: string, props: Readonly<Record<string, unknown>>): MiInstanceData {
  const properties: Record<string, MiValue> = Object.fromEntries(Object.entries(props).map(([k, v]) => [k, toMiValue(v)]));
  return { kind: 'instance', className, namespace, properties };
}

/** Row i of a generated class (MiScenario.generated): "{i}" in top-level strings, {"$index": n} as n + i. */
function rowMaker(properties: Readonly<Record<string, unknown>>): (i: number) => Record<string, unknown> {
  const fill = (text: string): ((i: number) => string) | undefined => {
    const parts = text.split('{i}');
    return parts.length === 1 ? undefined : (i) => parts.join(String(i));
  };
  const makers = Object.entries(properties).map(([k, v]): [string, (i: number) => unknown] => {
    if (typeof v === 'string') {
      const f = fill(v);
      if (f) return [k, f];
    } else if (typeof v === 'object' && v !== null && !Array.isArray(v)) {
      const o = v as Record<string, unknown>;
      if (typeof o.$index === 'number') {
        const base = o.$index;
        return [k, (i) => base + i];
      }
      for (const key of ['$uint64', '$sint64']) {
        const f = typeof o[key] === 'string' ? fill(o[key] as string) : undefined;
        if (f) return [k, (i) => ({ [key]: f(i) })];
      }
    }
    return [k, () => v];
  });
  return (i) => {
    const row: Record<string, unknown> = {};
    for (const [k, make] of makers) row[k] = make(i);
    return row;
  };
}

/** The instances of a generated class, made one at a time. */
interface Generator {
  next: number;
  readonly count: number;
  emitted: number;
  /** failAfter.results, or -1. */
  readonly limit: number;
  /** Instance i, or undefined when a WHERE clause leaves it out. */
  readonly make: (i: number) => MiInstanceData | undefined;
}

interface Op {
  handle: Handle;
  session: Handle;
  onBatch: (b: MiResultBatch) => void;
  readonly window: number;
  /** Instances delivered and not yet reported consumed. */
  outstanding: number;
  /** Results since the last batch handed over. */
  batch: Batch | undefined;
  /** Schema ids of this operation, by class, namespace and property names. */
  readonly schemaIds: Map<string, number>;
  queue: MiResultData[];
  /** The last result's acknowledgement is held (the window is full): MI delivers nothing more until it is given. */
  awaitingAck: boolean;
  /** The consumer waits (a poll found nothing): the next results are handed over as they come. */
  waiting: boolean;
  finalDelivered: boolean;
  cancelled: boolean;
  extraAfterCancel: number;
  timer: unknown;
  closed: boolean;
  endless: boolean;
  produced: number;
  indicationTemplate: MiInstanceData | undefined;
  indicationCount: number;
  gen: Generator | undefined;
  /** Scenario holdFinal: the final result waits for the gate 'mi:final' (withdrawn by a cancel or close). */
  unhold: (() => void) | undefined;
  finalReleased: boolean;
  /** A method's durationMs: the time before its first result (instead of resultIntervalMs), as the MI double has it. */
  firstDelayMs: number;
  /** Results delivered so far (instances and the final result). */
  delivered: number;
}

/**
 * MI as a state machine: sessions, operations in callback mode with manual acknowledgement (one result in flight,
 * acknowledged in the callback while the window has room, batched towards JS),
 * MI_Operation_Cancel that is asynchronous (extra results may still arrive, then a final result), and the rule that
 * every operation is closed, and only after its final result.
 */
export class FakeMi implements MiBackend {
  readonly #core: FakeCore;
  readonly #scenario: MiScenario;
  readonly #sessions = new Map<Handle, { request: MiSessionRequest; ops: Set<Handle>; closing: boolean }>();
  readonly #ops = new Map<Handle, Op>();

  constructor(core: FakeCore, scenario: MiScenario) {
    this.#core = core;
    this.#scenario = scenario;
    for (const [name, g] of Object.entries(scenario.generated ?? {})) {
      const where = `createFakeBackend: scenario.mi.generated.${name}`;
      if (typeof g !== 'object' || g === null) throw new TypeError(`${where} must be { count, properties }`);
      if (!Number.isSafeInteger(g.count) || g.count < 0) throw new RangeError(`${where}.count must be a non-negative integer, got ${String(g.count)}`);
      if (typeof g.properties !== 'object' || g.properties === null || Array.isArray(g.properties)) throw new TypeError(`${where}.properties must be an object (a row)`);
    }
  }

  #classes(): Record<string, readonly Readonly<Record<string, unknown>>[]> {
    const named = new Set([...Object.keys(this.#scenario.classes ?? {}), ...Object.keys(this.#scenario.generated ?? {})].map((k) => k.toLowerCase()));
    const builtIn = Object.entries(DEFAULT_CLASSES).filter(([k]) => !named.has(k.toLowerCase()));
    return { ...Object.fromEntries(builtIn), ...(this.#scenario.classes ?? {}) };
  }

  #namespaces(): string[] {
    return (this.#scenario.namespaces ?? ['root/cimv2', 'root/standardcimv2', 'root/microsoft/windows/storage', 'root/subscription']).map((n) => n.toLowerCase().replace(/\\/g, '/'));
  }

  async openSession(request: MiSessionRequest): Promise<Handle> {
    const rec = this.#core.record('mi', 'MI_Application_NewSession', undefined, request.computer ?? 'local');
    const fail = (result: number, message: string): never => {
      rec.result = `MI_RESULT_${MI_RESULTS.find((r) => r.value === result)?.name.replace('MI_RESULT_', '') ?? result}`;
      throw { call: 'MI_Application_NewSession', miResult: result, errorMessage: message };
    };
    if (this.#scenario.sessionFail !== undefined) fail(miCode(this.#scenario.sessionFail), 'the session could not be opened (scripted)');
    const reachable = this.#scenario.reachableComputers;
    if (request.computer !== null && reachable !== undefined && !reachable.map((c) => c.toLowerCase()).includes(request.computer.toLowerCase())) {
      fail(R.FAILED!, `The client cannot connect to the destination specified in the request (${request.computer}).`);
    }
    rec.result = 'MI_RESULT_OK';
    const h = this.#core.open('mi', 'MI_Session');
    this.#sessions.set(h, { request, ops: new Set(), closing: false });
    return h;
  }

  async closeSession(session: Handle): Promise<void> {
    const s = this.#sessions.get(session);
    this.#core.record('mi', 'MI_Session_Close', session);
    if (!s) throw { call: 'MI_Session_Close', miResult: R.INVALID_PARAMETER };
    s.closing = true;
    // MI_Session_Close completes when every operation of the session is closed.
    while (s.ops.size > 0) await new Promise<void>((resolve) => this.#core.after(1, resolve));
    this.#sessions.delete(session);
    this.#core.close(session);
  }

  start(session: Handle, request: MiOperationRequest, window: number, onBatch: (b: MiResultBatch) => void): Handle {
    if (!Number.isInteger(window) || window < 1) throw new RangeError(`start: window must be a positive integer, got ${String(window)}`);
    const call = `MI_Session_${{ query: 'QueryInstances', enumerate: 'EnumerateInstances', get: 'GetInstance', invoke: 'Invoke', subscribe: 'Subscribe' }[request.kind]}`;
    const rec = this.#core.record('mi', call, session, 'expression' in request ? request.expression : 'className' in request ? request.className : undefined);
    const s = this.#sessions.get(session);
    const handle = this.#core.open('mi', 'MI_Operation');
    const op: Op = {
      handle, session, onBatch, window, outstanding: 0, batch: undefined, schemaIds: new Map(), queue: [], awaitingAck: false, waiting: false, finalDelivered: false, cancelled: false, extraAfterCancel: 0,
      timer: undefined, closed: false, endless: false, produced: 0, indicationTemplate: undefined, indicationCount: 0,
      gen: undefined, unhold: undefined, finalReleased: false, firstDelayMs: 0, delivered: 0,
    };
    this.#ops.set(handle, op);
    if (!s || s.closing) {
      rec.result = 'MI_RESULT_INVALID_PARAMETER';
      op.queue.push({ instance: null, moreResults: false, result: R.INVALID_PARAMETER!, errorMessage: 'The session handle is not valid' });
    } else {
      s.ops.add(handle);
      rec.result = 'MI_RESULT_OK';
      this.#plan(op, request);
    }
    this.#schedule(op);
    return handle;
  }

  #final(op: Op, result: number, errorMessage?: string, errorDetails?: MiResultData['errorDetails']): void {
    op.queue.push({ instance: null, moreResults: false, result, errorMessage, errorDetails });
  }

  #plan(op: Op, request: MiOperationRequest): void {
    if (!this.#namespaces().includes(request.namespace.toLowerCase().replace(/\\/g, '/'))) {
      this.#final(op, R.INVALID_NAMESPACE!, `Invalid namespace ${request.namespace}`, { errorType: 'HRESULT', errorCode: 0x8004100e, category: 13, message: 'Invalid namespace' });
      return;
    }
    const classes = this.#classes();
    const findClass = (name: string): [string, readonly Readonly<Record<string, unknown>>[]] | undefined => {
      const key = Object.keys(classes).find((k) => k.toLowerCase() === name.toLowerCase());
      return key === undefined ? undefined : [key, classes[key]!];
    };
    const generated = this.#scenario.generated ?? {};
    /** A generated class: its instances are made as they are delivered, then the final result follows. */
    const generate = (name: string, project: (row: Record<string, unknown>) => Record<string, unknown>, where?: (row: Record<string, unknown>, className: string) => boolean): boolean => {
      const className = Object.keys(generated).find((k) => k.toLowerCase() === name.toLowerCase());
      if (className === undefined) return false;
      const spec = generated[className]!;
      const row = rowMaker(spec.properties ?? {});
      op.gen = {
        next: 0,
        count: Math.max(0, Math.floor(spec.count)),
        emitted: 0,
        limit: failAfter ? failAfter.results : -1,
        make: (i) => {
          const r = row(i);
          return where && !where(r, className) ? undefined : instance(className, request.namespace, project(r));
        },
      };
      return true;
    };
    const invalidClass = (name: string): void =>
      this.#final(op, R.INVALID_CLASS!, `Invalid class ${name}`, { errorType: 'HRESULT', errorCode: 0x80041010, category: 13, message: 'Invalid class' });
    const failAfter = this.#scenario.failAfter;
    const emit = (list: MiInstanceData[]): void => {
      for (const inst of list) {
        if (failAfter && op.queue.length >= failAfter.results) break;
        op.queue.push({ instance: inst, moreResults: true, result: OK });
      }
      if (failAfter && list.length >= failAfter.results) this.#final(op, miCode(failAfter.result), failAfter.message ?? 'the operation failed (scripted)');
      else this.#final(op, OK);
    };
    switch (request.kind) {
      case 'query':
      case 'subscribe': {
        let q: ParsedQuery;
        try {
          q = parseWql(request.expression);
        } catch (e) {
          if (!(e instanceof WqlSyntaxError)) throw e;
          this.#final(op, R.INVALID_QUERY!, `Invalid query: ${e.message}`, { errorType: 'HRESULT', errorCode: 0x80041017, category: 16, message: 'Invalid query' });
          return;
        }
        if (request.kind === 'subscribe') {
          const ind = this.#scenario.indications ?? {};
          op.endless = ind.count === undefined;
          op.indicationCount = ind.count ?? Number.POSITIVE_INFINITY;
          op.indicationTemplate = instance(ind.className ?? q.className, request.namespace, ind.properties ?? { TargetInstance: { $class: 'Win32_Process', Name: 'notepad.exe', ProcessId: 5150 } });
          return;
        }
        const project = (r: Readonly<Record<string, unknown>>): Record<string, unknown> =>
          q.properties === '*' ? { ...r } : Object.fromEntries(Object.entries(r).filter(([k]) => (q.properties as readonly string[]).some((p) => p.toLowerCase() === k.toLowerCase())));
        const found = findClass(q.className);
        if (!found) {
          if (generate(q.className, project, q.where ? (r, className) => evaluate(q.where!, r, () => className) : undefined)) return;
          return invalidClass(q.className);
        }
        const [className, rows] = found;
        const matches = rows.filter((r) => !q.where || evaluate(q.where, r, () => className));
        emit(matches.map((r) => instance(className, request.namespace, project(r))));
        return;
      }
      case 'enumerate': {
        const keysOf = (className: string) => (r: Readonly<Record<string, unknown>>): Record<string, unknown> => {
          const keys = KEYS[className.toLowerCase()];
          return request.keysOnly && keys ? Object.fromEntries(Object.entries(r).filter(([k]) => keys.includes(k))) : { ...r };
        };
        const found = findClass(request.className);
        if (!found) {
          const name = Object.keys(generated).find((k) => k.toLowerCase() === request.className.toLowerCase());
          if (name !== undefined && generate(name, keysOf(name))) return;
          return invalidClass(request.className);
        }
        const [className, rows] = found;
        emit(rows.map((r) => instance(className, request.namespace, keysOf(className)(r))));
        return;
      }
      case 'get': {
        const found = findClass(request.className);
        if (!found) return invalidClass(request.className);
        const [className, rows] = found;
        const match = rows.find((r) => Object.entries(request.keys).every(([k, v]) => {
          const key = Object.keys(r).find((x) => x.toLowerCase() === k.toLowerCase());
          const have = key === undefined ? undefined : toMiValue(r[key]);
          return have !== undefined && String(have).toLowerCase() === String(v).toLowerCase();
        }));
        if (!match) {
          this.#final(op, R.NOT_FOUND!, 'Not found', { errorType: 'HRESULT', errorCode: 0x80041002, category: 13, message: 'Not found' });
          return;
        }
        emit([instance(className, request.namespace, match)]);
        return;
      }
      case 'invoke': {
        const wanted = `${request.className}.${request.methodName}`.toLowerCase();
        const lookup = <T,>(table: Readonly<Record<string, T>> | undefined): T | undefined => {
          const key = Object.keys(table ?? {}).find((k) => k.toLowerCase() === wanted);
          return key === undefined ? undefined : table![key];
        };
        const m: NonNullable<MiScenario['methods']>[string] | undefined =
          lookup(this.#scenario.methods) ?? (findClass(request.className) ? lookup(DEFAULT_METHODS) : undefined);
        if (!m) {
          if (!findClass(request.className)) return invalidClass(request.className);
          this.#final(op, R.METHOD_NOT_FOUND!, `Method ${request.methodName} not found`, { errorType: 'HRESULT', errorCode: 0x80041055, category: 13, message: 'Method not found' });
          return;
        }
        // The method runs for durationMs: its first result (the out-parameters, or the failure) comes after it.
        op.firstDelayMs = Math.max(0, m.durationMs ?? 0);
        if (m.fail !== undefined) {
          this.#final(op, miCode(m.fail), 'the method failed (scripted)');
          return;
        }
        op.queue.push({ instance: instance('__PARAMETERS', request.namespace, { ReturnValue: m.returnValue ?? 0, ...(m.out ?? {}) }), moreResults: true, result: OK });
        this.#final(op, OK);
        return;
      }
    }
  }

  #interval(op: Op): number {
    if (op.indicationTemplate) return this.#scenario.indications?.intervalMs ?? 100;
    return this.#scenario.resultIntervalMs ?? 1;
  }

  #schedule(op: Op): void {
    if (op.timer !== undefined || op.awaitingAck || op.finalDelivered || op.closed || op.unhold) return;
    // A cancel cuts any wait short (the cancel latency follows), a method's durationMs too.
    const delay = op.cancelled && op.extraAfterCancel === 0 ? this.#scenario.cancelLatencyMs ?? 0 : op.delivered === 0 && op.firstDelayMs > 0 ? op.firstDelayMs : this.#interval(op);
    op.timer = this.#core.after(delay, () => {
      op.timer = undefined;
      this.#tick(op);
    });
  }

  /**
   * One tick of MI's clock: MI delivers a result, and with no time between two results it goes on while each is
   * acknowledged at once (up to RESULTS_PER_TICK); then, if the consumer waits or the final result came, JS gets
   * what arrived as one batch (else it waits for a poll).
   */
  #tick(op: Op): void {
    let budget = this.#interval(op) === 0 && !op.cancelled ? RESULTS_PER_TICK : 1;
    while (budget-- > 0 && !op.closed && !op.finalDelivered && !op.awaitingAck) {
      const r = this.#next(op);
      if (!r) break;
      if (!r.moreResults && !op.cancelled && this.#scenario.holdFinal && !op.finalReleased) {
        // Held until the test releases it (a cancel withdraws the wait, and its own final result comes instead).
        op.queue.unshift(r);
        const unhold = this.#core.hold('mi', 'mi:final', () => {
          op.unhold = undefined;
          op.finalReleased = true;
          this.#schedule(op);
        });
        if (!op.finalReleased) op.unhold = unhold;
        break;
      }
      if (r.instance) op.produced++;
      this.#callback(op, r);
    }
    if (op.waiting || op.batch?.final) this.#handOver(op);
    this.#schedule(op);
  }

  /** What arrived since the last batch, to onBatch. */
  #handOver(op: Op): boolean {
    const b = op.batch;
    op.batch = undefined;
    if (!b || op.closed) return false;
    op.waiting = false;
    op.onBatch({ newSchemas: b.newSchemas, shapes: b.shapes, values: b.values, final: b.final, held: op.awaitingAck });
    return true;
  }

  poll(handle: Handle): boolean {
    const op = this.#op(handle, 'poll');
    if (!op) return false;
    if (this.#handOver(op)) return true;
    op.waiting = true;
    return false;
  }

  /** What the backend does in MI's callback: the result goes into the batch; acknowledged unless the window is full. */
  #callback(op: Op, r: MiResultData): void {
    op.delivered++;
    const b = (op.batch ??= { newSchemas: [], shapes: [], values: [], final: null });
    if (r.instance) {
      const inst = r.instance;
      const names = Object.keys(inst.properties);
      const key = `${inst.className}\u0000${inst.namespace === undefined ? '\u0001' : inst.namespace}\u0000${names.join('\u0000')}`;
      let id = op.schemaIds.get(key);
      if (id === undefined) {
        id = op.schemaIds.size;
        op.schemaIds.set(key, id);
        b.newSchemas.push({ className: inst.className, namespace: inst.namespace, names });
      }
      b.shapes.push(id);
      for (const k of names) b.values.push(inst.properties[k]!);
      op.outstanding++;
    }
    if (!r.moreResults) {
      // The final result's acknowledgement is given by MI_Operation_Close.
      op.finalDelivered = true;
      b.final = { result: r.result, errorMessage: r.errorMessage, errorDetails: r.errorDetails };
    } else if (!r.instance || op.outstanding < op.window) {
      this.#core.record('mi', 'resultAcknowledgement', op.handle);
    } else {
      // Held: MI waits for this acknowledgement until the consumer makes room (the Windows double logs the same).
      op.awaitingAck = true;
      this.#core.record('mi', 'ackHeld', op.handle);
    }
  }

  /** The result MI delivers next, or undefined when it has none now. */
  #next(op: Op): MiResultData | undefined {
    let r: MiResultData | undefined;
    if (op.cancelled) {
      if (op.extraAfterCancel > 0) {
        op.extraAfterCancel--;
        r = (op.gen ? this.#generated(op) : undefined) ?? (op.queue[0]?.moreResults ? op.queue.shift() : op.indicationTemplate ? this.#indication(op) : undefined);
      }
      // After MI_Operation_Cancel the final result reports the cancellation as a failure.
      r ??= { instance: null, moreResults: false, result: R.FAILED!, errorMessage: 'The operation was cancelled', errorDetails: { errorType: 'MI', errorCode: R.FAILED!, category: 14, message: 'Operation cancelled' } };
    } else if (op.indicationTemplate) {
      r = op.produced < op.indicationCount ? this.#indication(op) : { instance: null, moreResults: false, result: OK };
    } else {
      r = (op.gen ? this.#generated(op) : undefined) ?? op.queue.shift();
    }
    return r;
  }

  /** The next instance of a generated class; when there is none left, the final result is queued (as emit does). */
  #generated(op: Op): MiResultData | undefined {
    const g = op.gen!;
    while (g.next < g.count && (g.limit < 0 || g.emitted < g.limit)) {
      const inst = g.make(g.next++);
      if (inst) {
        g.emitted++;
        return { instance: inst, moreResults: true, result: OK };
      }
    }
    op.gen = undefined;
    const failAfter = this.#scenario.failAfter;
    if (failAfter && g.emitted >= g.limit) this.#final(op, miCode(failAfter.result), failAfter.message ?? 'the operation failed (scripted)');
    else this.#final(op, OK);
    return undefined;
  }

  #indication(op: Op): MiResultData {
    const t = op.indicationTemplate!;
    return { instance: { ...t, properties: { ...t.properties, SequenceNumber: op.produced + 1 } }, moreResults: true, result: OK };
  }

  #op(handle: Handle, call: string): Op | undefined {
    const op = this.#ops.get(handle);
    if (!op || op.closed) {
      this.#core.violation(`${call} on an operation that is closed or unknown (${handle})`);
      return undefined;
    }
    return op;
  }

  consumed(handle: Handle, n: number): void {
    const op = this.#op(handle, 'consumed');
    if (!op) return;
    if (!Number.isInteger(n) || n < 1 || n > op.outstanding) {
      this.#core.violation(`consumed(${String(n)}) with ${op.outstanding} instance(s) outstanding (${handle})`);
      if (!Number.isInteger(n) || n < 1) return;
    }
    op.outstanding = Math.max(0, op.outstanding - n);
    if (op.awaitingAck && op.outstanding < op.window) {
      op.awaitingAck = false;
      this.#core.record('mi', 'resultAcknowledgement', handle);
      this.#schedule(op);
    }
  }

  cancel(handle: Handle, reason: number): number {
    const rec = this.#core.record('mi', 'MI_Operation_Cancel', handle, reason);
    const op = this.#op(handle, 'MI_Operation_Cancel');
    if (!op) {
      rec.result = 'MI_RESULT_INVALID_PARAMETER';
      return R.INVALID_PARAMETER!;
    }
    rec.result = 'MI_RESULT_OK';
    if (op.finalDelivered || op.cancelled) return OK;
    op.cancelled = true;
    op.extraAfterCancel = this.#scenario.extraResultsAfterCancel ?? 0;
    op.unhold?.();
    op.unhold = undefined;
    // Cancellation is asynchronous: the final result comes later, through the same callback.
    if (!op.awaitingAck) {
      this.#core.cancelTimer(op.timer);
      op.timer = undefined;
      this.#schedule(op);
    }
    return OK;
  }

  close(handle: Handle): number {
    const rec = this.#core.record('mi', 'MI_Operation_Close', handle);
    const op = this.#op(handle, 'MI_Operation_Close');
    if (!op) {
      rec.result = 'MI_RESULT_INVALID_PARAMETER';
      return R.INVALID_PARAMETER!;
    }
    if (!op.finalDelivered) {
      // On Windows this would block (sync mode) or abandon results; the caller must drain first.
      this.#core.violation(`MI_Operation_Close before the final result (${handle})`);
    }
    rec.result = 'MI_RESULT_OK';
    op.closed = true;
    op.batch = undefined;
    this.#core.cancelTimer(op.timer);
    op.unhold?.();
    op.unhold = undefined;
    this.#sessions.get(op.session)?.ops.delete(handle);
    this.#ops.delete(handle);
    this.#core.close(handle);
    return OK;
  }
}
