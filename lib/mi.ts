import type { Backend, Handle, MiAuthentication, MiBackend, MiErrorDetails, MiFinalResult, MiInstanceData, MiInterval, MiOperationRequest, MiProtocol, MiResultBatch, MiSchema, MiValue } from '../types/backend';
import { miErrorFrom, MiError, StateError } from './errors';
import { AbortError, CancelScope, checkOptions, deferred, describeValue, isTimeoutReason, Operation, type CancelOutcomeBase, type OperationOptions } from './operation';
import { isWqlQuery, type WqlQuery } from './wql';
import { releaseOnClose, releaseWhenCollected } from './finalize';

const MI_RESULT_OK = 0;
/** MI_CancellationReason */
export const MI_REASON = { NONE: 0, TIMEOUT: 1, SHUTDOWN: 2, SERVICESTOP: 3 } as const;

/** The class name of an instance winops returned (a non-enumerable symbol property, so JSON stays clean). */
export const MI_CLASS: unique symbol = Symbol.for('winops.mi.className');
/** The namespace of an instance winops returned. */
export const MI_NAMESPACE: unique symbol = Symbol.for('winops.mi.namespace');

/** A value of an instance's property, as winops hands it to you. 64-bit integers are bigint, datetimes Date. */
export type MiJsValue = string | number | bigint | boolean | Date | MiIntervalValue | MiInstance | null | readonly MiJsValue[];
/** A CIM interval (MI_Interval), as the contract carries it. */
export type MiIntervalValue = MiInterval;
/** A CIM instance as a plain object of its properties; its class is `instance[MI_CLASS]`. */
export interface MiInstance {
  readonly [property: string]: MiJsValue;
  readonly [MI_CLASS]?: string;
  readonly [MI_NAMESPACE]?: string | undefined;
}

/** The class name of an instance returned by winops. */
export function miClassName(instance: MiInstance): string | undefined {
  return instance[MI_CLASS];
}

function toJs(v: MiValue): MiJsValue {
  if (Array.isArray(v)) return (v as readonly MiValue[]).map(toJs);
  if (v !== null && typeof v === 'object' && !(v instanceof Date) && (v as { kind?: unknown }).kind === 'instance') return toInstance(v as MiInstanceData);
  return v as MiJsValue;
}

/** Sets a property the way an object literal would, also for a property called __proto__ (no prototype change). */
function put(out: Record<string, MiJsValue>, name: string, value: MiJsValue): void {
  if (name === '__proto__') Object.defineProperty(out, name, { value, enumerable: true, writable: true, configurable: true });
  else out[name] = value;
}

export function toInstance(data: MiInstanceData): MiInstance {
  const out: Record<string, MiJsValue> = {};
  for (const [k, v] of Object.entries(data.properties)) put(out, k, toJs(v));
  Object.defineProperty(out, MI_CLASS, { value: data.className, enumerable: false });
  Object.defineProperty(out, MI_NAMESPACE, { value: data.namespace, enumerable: false });
  return out as MiInstance;
}

/** Builds the instances of one schema from a batch's flat values (the same objects toInstance makes). */
interface Shape {
  readonly size: number;
  build(values: ArrayLike<MiValue>, at: number): MiInstance;
}

function shapeOf(schema: MiSchema): Shape {
  const names = schema.names.slice();
  const size = names.length;
  const className = { value: schema.className, enumerable: false };
  const namespace = { value: schema.namespace, enumerable: false };
  const plain = !names.includes('__proto__');
  return {
    size,
    build(values, at) {
      const out: Record<string, MiJsValue> = {};
      for (let j = 0; j < size; j++) {
        const v = values[at + j]!;
        const js = typeof v !== 'object' || v === null || v instanceof Date ? v : toJs(v);
        if (plain) out[names[j]!] = js;
        else put(out, names[j]!, js);
      }
      Object.defineProperty(out, MI_CLASS, className);
      Object.defineProperty(out, MI_NAMESPACE, namespace);
      return out as MiInstance;
    },
  };
}

/** What cancelling an MI operation did. */
export interface MiCancelOutcome extends CancelOutcomeBase {
  readonly family: 'mi';
  /**
   * The MI_CancellationReason given: 'timeout' (MI_REASON_TIMEOUT) when the cancel's reason is a TimeoutError, which is
   * winops' own `timeout` option and equally a signal from `AbortSignal.timeout()` (both are a deadline that passed);
   * 'none' (MI_REASON_NONE) for any other abort and for cancel().
   */
  readonly reason: 'none' | 'timeout';
  /** MI_Operation_Cancel's MI_Result. */
  readonly miResult: number | undefined;
  /** Results that arrived after the cancel (or were buffered) and were not handed to you. */
  readonly discarded: number;
  /** The MI_Result of the final result, which the operation still delivered before it was closed. */
  readonly finalResult: number | undefined;
}

export interface MiCredentials {
  readonly username: string;
  readonly password: string;
  readonly domain?: string;
  readonly authentication?: MiAuthentication;
}

export interface MiSessionOptions extends OperationOptions {
  /** A remote computer; omitted = this computer. */
  readonly computer?: string;
  /** 'wsman' (WinRM) or 'dcom'. Default: DCOM locally, WinRM for a remote computer. */
  readonly protocol?: MiProtocol;
  readonly credentials?: MiCredentials;
  /** The default namespace of this session's operations. Default 'root/cimv2'. */
  readonly namespace?: string;
}

export interface MiOperationOptions extends OperationOptions {
  readonly namespace?: string;
  /** How many results to hold before back-pressure stops MI from delivering more. Default 64. */
  readonly highWaterMark?: number;
}

export interface MiQueryOptions extends MiOperationOptions {
  /** 'WQL' (default) or 'CQL'. */
  readonly dialect?: 'WQL' | 'CQL';
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;
const NAMESPACE = /^[A-Za-z0-9_]+([\\/][A-Za-z0-9_]+)*$/;
const MAX_QUERY = 65_536;

function checkString(value: unknown, fn: string, arg: string, max = 32_767): string {
  if (typeof value !== 'string') throw new TypeError(`${fn}: ${arg} must be a string, got ${describeValue(value)}`);
  if (value.length === 0) throw new TypeError(`${fn}: ${arg} must not be empty`);
  if (value.length > max) throw new RangeError(`${fn}: ${arg} is too long (${value.length} > ${max})`);
  if (value.includes('\0')) throw new TypeError(`${fn}: ${arg} must not contain a NUL character`);
  if (/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(value)) {
    throw new TypeError(`${fn}: ${arg} contains an unpaired surrogate and cannot be converted to UTF-16`);
  }
  return value;
}

function checkIdent(value: unknown, fn: string, arg: string): string {
  checkString(value, fn, arg, 256);
  if (!IDENT.test(value as string)) throw new RangeError(`${fn}: ${arg} must be a CIM name (letters, digits, _), got ${JSON.stringify(value)}`);
  return value as string;
}

function checkNamespace(value: unknown, fn: string, arg: string): string {
  checkString(value, fn, arg, 1024);
  if (!NAMESPACE.test(value as string)) throw new RangeError(`${fn}: ${arg} must be a namespace such as 'root/cimv2', got ${JSON.stringify(value)}`);
  return (value as string).replace(/\\/g, '/');
}

function checkValues(value: unknown, fn: string, arg: string): Record<string, MiValue> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new TypeError(`${fn}: ${arg} must be an object of property values, got ${describeValue(value)}`);
  const out: Record<string, MiValue> = {};
  for (const [k, v] of Object.entries(value)) {
    checkIdent(k, fn, `${arg} key`);
    out[k] = checkValue(v, fn, `${arg}.${k}`);
  }
  return out;
}

function checkValue(v: unknown, fn: string, arg: string): MiValue {
  if (v === null || typeof v === 'boolean' || typeof v === 'bigint') return v;
  if (typeof v === 'string') return checkString(v, fn, arg, 1 << 24) && v;
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new RangeError(`${fn}: ${arg} must be a finite number, got ${String(v)}`);
    return v;
  }
  if (v instanceof Date) {
    if (Number.isNaN(v.getTime())) throw new RangeError(`${fn}: ${arg} is an Invalid Date`);
    return v;
  }
  if (Array.isArray(v)) return v.map((x, i) => checkValue(x, fn, `${arg}[${i}]`));
  throw new TypeError(`${fn}: ${arg} must be a string, number, bigint, boolean, Date, null or an array of them, got ${describeValue(v)}`);
}

/**
 * One MI operation in callback mode with manual acknowledgement, driven as an async iterator. The backend
 * acknowledges MI's results as they arrive while fewer than highWaterMark instances are outstanding (delivered and
 * not yet reported consumed) and hands them over in batches, which this side takes (poll) when its buffer runs
 * dry; it builds the instances, buffers them and reports what the consumer took (back-pressure: once
 * highWaterMark instances wait, MI is held until the consumer has read half of them). A cancel calls
 * MI_Operation_Cancel, drops the buffered results and those that still arrive, drains to the final result and
 * always closes.
 */
class MiOperationDriver {
  readonly #mi: MiBackend;
  readonly #handle: Handle;
  readonly #scope: CancelScope;
  readonly #hwm: number;
  /** Consumption is reported every this many instances (half the window), and whenever the buffer runs dry. */
  readonly #reportEvery: number;
  readonly #call: string;
  readonly #buffer: MiInstance[] = [];
  readonly #shapes: Shape[] = [];
  /** Instances the consumer took that the backend has not been told about. */
  #unreported = 0;
  #final: MiFinalResult | undefined;
  #closed = false;
  #cancelled = false;
  #cancelMiResult: number | undefined;
  #discarded = 0;
  #waiter: (() => void) | undefined;
  readonly #closedPromise = deferred<void>();
  readonly #outcome = deferred<MiCancelOutcome>();
  #outcomeSettled = false;
  #consumed = false;
  readonly onClosed: () => void;

  constructor(mi: MiBackend, session: Handle, request: MiOperationRequest, options: MiOperationOptions, call: string, onClosed: () => void) {
    this.#mi = mi;
    this.#scope = new CancelScope(options);
    this.#hwm = options.highWaterMark ?? 64;
    this.#reportEvery = Math.max(1, this.#hwm >> 1);
    this.#call = call;
    this.onClosed = onClosed;
    this.#outcome.promise.catch(() => undefined);
    this.#handle = mi.start(session, request, this.#hwm, (b) => this.#onBatch(b));
    this.#scope.onAbort((reason) => this.#doCancel(reason));
  }

  #wake(): void {
    const w = this.#waiter;
    this.#waiter = undefined;
    w?.();
  }

  #onBatch(b: MiResultBatch): void {
    if (this.#closed) return;
    for (const schema of b.newSchemas) this.#shapes.push(shapeOf(schema));
    const n = b.shapes.length;
    if (this.#cancelled) {
      // Results that still arrive after the cancel: dropped, out of the window at once, and the next ones are
      // waited for (drained to the final result).
      this.#discarded += n;
      if (!b.final) {
        if (n > 0) this.#mi.consumed(this.#handle, n);
        this.#mi.poll(this.#handle);
      }
    } else {
      const { shapes, values } = b;
      const buffer = this.#buffer;
      for (let k = 0, at = 0; k < n; k++) {
        const shape = this.#shapes[shapes[k]!]!;
        buffer.push(shape.build(values, at));
        at += shape.size;
      }
    }
    if (b.final) {
      this.#final = b.final;
      this.#close();
    }
    this.#wake();
  }

  /** Tells the backend what the consumer took since the last report. */
  #report(): void {
    const n = this.#unreported;
    this.#unreported = 0;
    if (n > 0 && !this.#closed) this.#mi.consumed(this.#handle, n);
  }

  #close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#mi.close(this.#handle);
    this.#scope.dispose();
    if (this.#cancelled) {
      this.#settleOutcome({
        family: 'mi',
        status: 'cancelled',
        reason: isTimeoutReason(this.#scope.reason) ? 'timeout' : 'none',
        miResult: this.#cancelMiResult,
        discarded: this.#discarded,
        finalResult: this.#final?.result,
      });
    }
    this.#closedPromise.resolve();
    this.onClosed();
  }

  #settleOutcome(o: MiCancelOutcome): void {
    if (this.#outcomeSettled) return;
    this.#outcomeSettled = true;
    this.#outcome.resolve(o);
  }

  #doCancel(reason: unknown): void {
    if (this.#closed || this.#cancelled) return;
    this.#cancelled = true;
    const dropped = this.#buffer.length;
    this.#discarded += dropped;
    this.#buffer.length = 0;
    this.#cancelMiResult = this.#mi.cancel(this.#handle, isTimeoutReason(reason) ? MI_REASON.TIMEOUT : MI_REASON.NONE);
    // Everything delivered so far is done with: a held acknowledgement is given, and MI drains to the final result.
    const done = dropped + this.#unreported;
    this.#unreported = 0;
    if (done > 0) this.#mi.consumed(this.#handle, done);
    // What arrived meanwhile is dropped too, and from now on every result comes as soon as it arrives.
    if (!this.#closed) this.#mi.poll(this.#handle);
    this.#wake();
  }

  /** cancel(): the outcome; 'already-finished' when the final result had come; rejects if the operation failed. */
  cancel(reason: unknown): Promise<MiCancelOutcome> {
    if (this.#closed && !this.#cancelled && !this.#outcomeSettled) {
      const f = this.#final;
      if (f && f.result !== MI_RESULT_OK) {
        this.#outcomeSettled = true;
        this.#outcome.reject(this.#error(f));
      } else {
        this.#settleOutcome({ family: 'mi', status: 'already-finished', reason: 'none', miResult: undefined, discarded: 0, finalResult: f?.result });
      }
    }
    this.#scope.abort(reason);
    return this.#outcome.promise;
  }

  #error(f: MiFinalResult): MiError {
    return miErrorFrom(f.result, this.#call, f.errorMessage, f.errorDetails);
  }

  /**
   * A buffered instance, or undefined. What the consumer took leaves the backend's window in steps of half the
   * window, and at once when the buffer runs dry: so MI is held back once highWaterMark instances are outstanding
   * and goes on when the consumer has read half of them (or all, when there are fewer).
   */
  #take(): MiInstance | undefined {
    const item = this.#buffer.shift();
    if (item !== undefined && (++this.#unreported >= this.#reportEvery || this.#buffer.length === 0)) this.#report();
    return item;
  }

  /** The iterator's next(): without an extra promise turn when an instance is buffered or waits in the backend. */
  nextResult(): Promise<IteratorResult<MiInstance, undefined>> {
    if (!this.#cancelled) {
      let item = this.#take();
      if (item === undefined && !this.#closed && this.#mi.poll(this.#handle)) item = this.#cancelled ? undefined : this.#take();
      if (item !== undefined) {
        this.#consumed = true;
        return Promise.resolve({ done: false, value: item });
      }
    }
    return this.next().then((v) => (v === undefined ? { done: true, value: undefined } : { done: false, value: v }));
  }

  /** The next instance, or undefined at the end. Rejects with MiError or AbortError. */
  async next(): Promise<MiInstance | undefined> {
    this.#consumed = true;
    for (;;) {
      if (this.#cancelled) {
        await this.#closedPromise.promise;
        const outcome = await this.#outcome.promise;
        throw new AbortError(`${this.#call} was cancelled`, { cause: this.#scope.reason, outcome });
      }
      const item = this.#take();
      if (item !== undefined) return item;
      if (this.#final) {
        if (this.#final.result !== MI_RESULT_OK) throw this.#error(this.#final);
        return undefined;
      }
      // Results that wait in the backend come now; if there are none, the next one comes as soon as it arrives.
      if (!this.#closed && this.#mi.poll(this.#handle)) continue;
      await new Promise<void>((resolve) => {
        this.#waiter = resolve;
      });
    }
  }

  /** Stops early (break out of for await): cancel, drain, close. */
  async stop(): Promise<void> {
    if (!this.#closed) this.#scope.abort(new DOMException('the consumer stopped reading', 'AbortError'));
    await this.#closedPromise.promise;
  }

  get closed(): Promise<void> {
    return this.#closedPromise.promise;
  }

  get consumed(): boolean {
    return this.#consumed;
  }
}

/** A stream of instances: `for await (const x of stream)`, or toArray(); cancel() for a typed outcome. */
export class MiStream implements AsyncIterable<MiInstance> {
  readonly #driver: MiOperationDriver;

  /** @internal */
  constructor(driver: MiOperationDriver) {
    this.#driver = driver;
    // A stream nobody reads any more: cancel, drain and close its operation.
    const token = releaseWhenCollected(this, () => driver.stop());
    void driver.closed.then(() => releaseOnClose(token));
  }

  [Symbol.asyncIterator](): AsyncIterator<MiInstance> {
    const driver = this.#driver;
    return {
      next: () => driver.nextResult(),
      return: async () => {
        await this.#driver.stop();
        return { done: true, value: undefined };
      },
    };
  }

  /** Every instance, in order. */
  async toArray(): Promise<MiInstance[]> {
    const out: MiInstance[] = [];
    for (;;) {
      const v = await this.#driver.next();
      if (v === undefined) return out;
      out.push(v);
    }
  }

  /** Cancels the operation (MI_Operation_Cancel, drain, close) and resolves with the outcome. */
  cancel(reason?: unknown): Promise<MiCancelOutcome> {
    return this.#driver.cancel(reason ?? new DOMException('cancel() was called', 'AbortError'));
  }

  /** Resolves when the operation has been closed. */
  get closed(): Promise<void> {
    return this.#driver.closed;
  }
}

/** An open MI session. close() (or `await using`, on Node 24 and in TypeScript) cancels what is still running and closes the session. */
export class MiSession implements AsyncDisposable {
  readonly #mi: MiBackend;
  readonly #handle: Handle;
  readonly #namespace: string;
  readonly #ops = new Set<MiOperationDriver>();
  #closing: Promise<void> | undefined;
  /** The remote computer, or undefined for this one. */
  readonly computer: string | undefined;

  readonly #token: object;

  /** @internal */
  constructor(mi: MiBackend, handle: Handle, namespace: string, computer: string | undefined) {
    this.#mi = mi;
    this.#handle = handle;
    this.#namespace = namespace;
    this.computer = computer;
    const ops = this.#ops;
    // A session dropped without close(): stop its operations, then close it.
    this.#token = releaseWhenCollected(this, async () => {
      await Promise.all([...ops].map((d) => d.stop()));
      await mi.closeSession(handle);
    });
  }

  #ns(options: MiOperationOptions, fn: string): string {
    return options.namespace === undefined ? this.#namespace : checkNamespace(options.namespace, fn, 'options.namespace');
  }

  #opts<T extends MiOperationOptions>(options: unknown, fn: string): T {
    const o = checkOptions<T>(options, fn);
    if (o.highWaterMark !== undefined && (typeof o.highWaterMark !== 'number' || !Number.isInteger(o.highWaterMark) || o.highWaterMark < 1 || o.highWaterMark > 1_000_000)) {
      throw new RangeError(`${fn}: options.highWaterMark must be an integer from 1 to 1000000, got ${describeValue(o.highWaterMark)}`);
    }
    return o;
  }

  #start(request: MiOperationRequest, options: MiOperationOptions, call: string, fn: string): MiOperationDriver {
    if (this.#closing) throw new StateError({ family: 'mi', code: 'WINOPS_SESSION_CLOSED', hresult: undefined, call, message: `${fn}: the session is closed` });
    if (options.signal?.aborted) {
      const outcome: MiCancelOutcome = { family: 'mi', status: 'not-started', reason: isTimeoutReason(options.signal.reason) ? 'timeout' : 'none', miResult: undefined, discarded: 0, finalResult: undefined };
      throw new AbortError(`${fn} was aborted before it started`, { cause: options.signal.reason, outcome });
    }
    const driver: MiOperationDriver = new MiOperationDriver(this.#mi, this.#handle, request, options, call, () => this.#ops.delete(driver));
    this.#ops.add(driver);
    return driver;
  }

  #stream(request: MiOperationRequest, options: MiOperationOptions, call: string, fn: string): MiStream {
    try {
      return new MiStream(this.#start(request, options, call, fn));
    } catch (e) {
      if (e instanceof AbortError) return new MiStream(rejectingDriver(e));
      throw e;
    }
  }

  /** MI_Session_QueryInstances: a WQL (or CQL) query. Pass a wql`` query to get values escaped safely. */
  query(query: string | WqlQuery, options?: MiQueryOptions): MiStream {
    const fn = 'MiSession.query';
    const text = isWqlQuery(query) ? query.text : checkString(query, fn, 'query', MAX_QUERY);
    const o = this.#opts<MiQueryOptions>(options, fn);
    if (o.dialect !== undefined && o.dialect !== 'WQL' && o.dialect !== 'CQL') throw new RangeError(`${fn}: options.dialect must be 'WQL' or 'CQL', got ${describeValue(o.dialect)}`);
    return this.#stream({ kind: 'query', namespace: this.#ns(o, fn), dialect: o.dialect ?? 'WQL', expression: text }, o, 'MI_Session_QueryInstances', fn);
  }

  /** MI_Session_EnumerateInstances of a class. */
  enumerate(className: string, options?: MiOperationOptions & { readonly keysOnly?: boolean }): MiStream {
    const fn = 'MiSession.enumerate';
    checkIdent(className, fn, 'className');
    const o = this.#opts<MiOperationOptions & { keysOnly?: boolean }>(options, fn);
    return this.#stream({ kind: 'enumerate', namespace: this.#ns(o, fn), className, keysOnly: o.keysOnly === true }, o, 'MI_Session_EnumerateInstances', fn);
  }

  /** MI_Session_Subscribe: indications as a stream that runs until you stop reading or cancel. */
  subscribe(query: string | WqlQuery, options?: MiQueryOptions): MiStream {
    const fn = 'MiSession.subscribe';
    const text = isWqlQuery(query) ? query.text : checkString(query, fn, 'query', MAX_QUERY);
    const o = this.#opts<MiQueryOptions>(options, fn);
    return this.#stream({ kind: 'subscribe', namespace: this.#ns(o, fn), dialect: o.dialect ?? 'WQL', expression: text }, o, 'MI_Session_Subscribe', fn);
  }

  #single<T>(request: MiOperationRequest, options: MiOperationOptions, call: string, fn: string, map: (x: MiInstance | undefined) => T): Operation<T, MiCancelOutcome> {
    let driver: MiOperationDriver;
    try {
      driver = this.#start(request, options, call, fn);
    } catch (e) {
      if (e instanceof AbortError) {
        const outcome = e.outcome as MiCancelOutcome;
        return new Operation(Promise.reject(e), () => Promise.resolve(outcome));
      }
      throw e;
    }
    const result = (async () => {
      const first = await driver.next();
      while ((await driver.next()) !== undefined) {
        // a single-result operation: drain anything else
      }
      return map(first);
    })();
    return new Operation(result, (reason) => driver.cancel(reason));
  }

  /** MI_Session_GetInstance by key properties. Rejects with MI_RESULT_NOT_FOUND when there is none. */
  get(className: string, keys: Readonly<Record<string, unknown>>, options?: MiOperationOptions): Operation<MiInstance, MiCancelOutcome> {
    const fn = 'MiSession.get';
    checkIdent(className, fn, 'className');
    const k = checkValues(keys, fn, 'keys');
    if (Object.keys(k).length === 0) throw new TypeError(`${fn}: keys must name at least one key property`);
    const o = this.#opts<MiOperationOptions>(options, fn);
    return this.#single({ kind: 'get', namespace: this.#ns(o, fn), className, keys: k }, o, 'MI_Session_GetInstance', fn, (x) => {
      if (!x) throw miErrorFrom(6, 'MI_Session_GetInstance', 'no instance');
      return x;
    });
  }

  /**
   * MI_Session_Invoke: a static method (no keys) or a method of the instance with these keys.
   * Resolves with { returnValue, out } where out holds the out-parameters.
   */
  invoke(
    className: string,
    methodName: string,
    parameters: Readonly<Record<string, unknown>> = {},
    options?: MiOperationOptions & { readonly keys?: Readonly<Record<string, unknown>> },
  ): Operation<{ returnValue: MiJsValue; out: Record<string, MiJsValue> }, MiCancelOutcome> {
    const fn = 'MiSession.invoke';
    checkIdent(className, fn, 'className');
    checkIdent(methodName, fn, 'methodName');
    const params = checkValues(parameters, fn, 'parameters');
    const o = this.#opts<MiOperationOptions & { keys?: Readonly<Record<string, unknown>> }>(options, fn);
    const keys = o.keys === undefined ? null : checkValues(o.keys, fn, 'options.keys');
    return this.#single({ kind: 'invoke', namespace: this.#ns(o, fn), className, methodName, keys, parameters: params }, o, 'MI_Session_Invoke', fn, (x) => {
      const { ReturnValue, ...out } = (x ?? {}) as Record<string, MiJsValue>;
      return { returnValue: ReturnValue ?? null, out };
    });
  }

  /** Operations still open in this session. */
  get openOperations(): number {
    return this.#ops.size;
  }

  /** Cancels every open operation, waits for them to close, then MI_Session_Close. Idempotent. */
  close(): Promise<void> {
    releaseOnClose(this.#token);
    this.#closing ??= (async () => {
      const ops = [...this.#ops];
      await Promise.all(ops.map((d) => d.stop()));
      await this.#mi.closeSession(this.#handle).catch((e: unknown) => {
        throw miErrorFrom((e as { miResult?: number }).miResult ?? 1, 'MI_Session_Close', (e as { errorMessage?: string }).errorMessage);
      });
    })();
    return this.#closing;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

/** A driver stand-in for an operation that was aborted before it started. */
function rejectingDriver(error: AbortError): MiOperationDriver {
  return {
    next: () => Promise.reject(error),
    nextResult: () => Promise.reject(error),
    stop: () => Promise.resolve(),
    cancel: () => Promise.resolve(error.outcome as MiCancelOutcome),
    closed: Promise.resolve(),
    consumed: false,
  } as unknown as MiOperationDriver;
}

/** The MI family: CIM (WMI) queries, enumerations, methods and indications, locally or remotely. */
export class Mi {
  readonly #backend: () => Backend;

  /** @internal */
  constructor(backend: () => Backend) {
    this.#backend = backend;
  }

  /** Opens a session (local by default; remote over WinRM or DCOM with credentials). */
  async openSession(options?: MiSessionOptions): Promise<MiSession> {
    const fn = 'mi.openSession';
    const o = checkOptions<MiSessionOptions>(options, fn);
    const computer = o.computer === undefined ? undefined : checkString(o.computer, fn, 'options.computer', 255);
    if (o.protocol !== undefined && o.protocol !== 'wsman' && o.protocol !== 'dcom') throw new RangeError(`${fn}: options.protocol must be 'wsman' or 'dcom', got ${describeValue(o.protocol)}`);
    const namespace = o.namespace === undefined ? 'root/cimv2' : checkNamespace(o.namespace, fn, 'options.namespace');
    let credentials = null;
    if (o.credentials !== undefined) {
      const c = o.credentials;
      if (typeof c !== 'object' || c === null) throw new TypeError(`${fn}: options.credentials must be an object with username and password`);
      // Values are checked, but never echoed: credentials must not appear in any message.
      if (typeof c.username !== 'string' || c.username.length === 0 || c.username.length > 512 || c.username.includes('\0')) throw new TypeError(`${fn}: options.credentials.username must be a non-empty string without NUL`);
      if (typeof c.password !== 'string' || c.password.length > 4096 || c.password.includes('\0')) throw new TypeError(`${fn}: options.credentials.password must be a string without NUL`);
      if (c.domain !== undefined && (typeof c.domain !== 'string' || c.domain.includes('\0'))) throw new TypeError(`${fn}: options.credentials.domain must be a string without NUL`);
      const auth = c.authentication ?? 'default';
      if (!['default', 'negotiate', 'kerberos', 'ntlm', 'basic', 'digest', 'credssp'].includes(auth)) throw new RangeError(`${fn}: options.credentials.authentication is not a known mechanism`);
      credentials = { username: c.username, password: c.password, domain: c.domain ?? null, authentication: auth };
    }
    const scope = new CancelScope(o);
    if (scope.aborted) {
      const outcome: MiCancelOutcome = { family: 'mi', status: 'not-started', reason: 'none', miResult: undefined, discarded: 0, finalResult: undefined };
      throw new AbortError(`${fn} was aborted before it started`, { cause: scope.reason, outcome });
    }
    const mi = this.#backend().mi;
    try {
      const handle = await mi.openSession({ computer: computer ?? null, protocol: o.protocol ?? (computer ? 'wsman' : null), credentials });
      if (scope.aborted) {
        await mi.closeSession(handle).catch(() => undefined);
        const outcome: MiCancelOutcome = { family: 'mi', status: 'cancelled', reason: isTimeoutReason(scope.reason) ? 'timeout' : 'none', miResult: undefined, discarded: 0, finalResult: undefined };
        throw new AbortError(`${fn} was cancelled`, { cause: scope.reason, outcome });
      }
      return new MiSession(mi, handle, namespace, computer);
    } catch (e) {
      if (e instanceof AbortError) throw e;
      const raw = e as { miResult?: number; call?: string; errorMessage?: string; errorDetails?: MiErrorDetails };
      throw miErrorFrom(raw.miResult ?? 1, typeof raw.call === 'string' ? raw.call : 'MI_Application_NewSession', raw.errorMessage, raw.errorDetails);
    } finally {
      scope.dispose();
    }
  }
}
