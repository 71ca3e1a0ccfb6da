/**
 * The cancellation core shared by the four families: option validation, the link between a caller's AbortSignal,
 * a timeout and an explicit cancel(), the AbortError, and the Operation object every long call returns.
 */

/** Options every long operation takes. */
export interface OperationOptions {
  /** Aborting it cancels the operation; the operation then rejects with an {@link AbortError}. */
  readonly signal?: AbortSignal | undefined;
  /** Milliseconds until the operation is cancelled with a TimeoutError reason. 0 < timeout <= 2147483647. */
  readonly timeout?: number | undefined;
}

/** What cancelling an operation did. Each family extends it with the facts it knows. */
export interface CancelOutcomeBase {
  readonly family: 'vss' | 'mi' | 'imapi2' | 'axe';
  /**
   * - `cancelled`: the cancel took effect; the operation ended without its result.
   * - `already-cancelled`: it had been cancelled before (IVssAsync::Cancel returned VSS_S_ASYNC_CANCELLED).
   * - `already-finished`: it had completed, or completed anyway; its promise resolves normally.
   * - `not-started`: the signal was aborted before the operation started; no Windows call was made.
   * - `in-background`: the Windows call under way has no cancel (IVssBackupComponents::Query, DeleteSnapshots):
   *   winops stopped waiting for it, and it goes on, on its own thread, to its end; the operation's `finished`
   *   promise says when it has returned and everything is released. Whether it did its work is not known.
   */
  readonly status: 'cancelled' | 'already-cancelled' | 'already-finished' | 'not-started' | 'in-background';
}

/**
 * What a cancel did, for any family: `outcome.family` narrows it (`if (e.outcome.family === 'vss') e.outcome.step`).
 */
export type CancelOutcome = import('./vss').VssCancelOutcome | import('./mi').MiCancelOutcome | import('./imapi2').ImapiCancelOutcome | import('./axe').AxeCancelOutcome;

/** Node's AbortError shape, plus what the cancel did. */
export class AbortError<O extends CancelOutcomeBase = CancelOutcome> extends Error {
  override name = 'AbortError';
  readonly code = 'ABORT_ERR';
  /** The outcome of the cancel that ended the operation. */
  readonly outcome: O;

  constructor(message: string, init: { cause: unknown; outcome: O }) {
    super(message, { cause: init.cause });
    this.outcome = init.outcome;
  }
}

/** True for an AbortError from winops (or any error named AbortError). */
export function isAbortError(error: unknown): error is AbortError {
  return error instanceof Error && error.name === 'AbortError';
}

/** The reason a timeout gives, like AbortSignal.timeout's. */
export function timeoutReason(ms: number): Error {
  return new DOMException(`The operation timed out after ${ms} ms`, 'TimeoutError');
}

/** True when an abort reason came from a timeout (ours or AbortSignal.timeout). */
export function isTimeoutReason(reason: unknown): boolean {
  return typeof reason === 'object' && reason !== null && (reason as { name?: unknown }).name === 'TimeoutError';
}

const MAX_TIMEOUT = 2_147_483_647;

/** Checks an options argument; throws TypeError/RangeError naming the argument. */
export function checkOptions<T extends object>(options: unknown, fn: string, argName = 'options'): T & OperationOptions {
  if (options === undefined) return {} as T & OperationOptions;
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new TypeError(`${fn}: ${argName} must be an object, got ${describeValue(options)}`);
  }
  const o = options as OperationOptions;
  if (o.signal !== undefined && !(o.signal instanceof AbortSignal)) {
    throw new TypeError(`${fn}: ${argName}.signal must be an AbortSignal, got ${describeValue(o.signal)}`);
  }
  if (o.timeout !== undefined) checkTimeout(o.timeout, fn, `${argName}.timeout`);
  return options as T & OperationOptions;
}

/** A timeout in milliseconds: a finite number, 0 < t <= 2^31-1. */
export function checkTimeout(value: unknown, fn: string, argName: string): number {
  if (typeof value !== 'number') throw new TypeError(`${fn}: ${argName} must be a number of milliseconds, got ${describeValue(value)}`);
  if (!Number.isFinite(value) || value <= 0 || value > MAX_TIMEOUT) {
    throw new RangeError(`${fn}: ${argName} must be a finite number of milliseconds in (0, ${MAX_TIMEOUT}], got ${String(value)}`);
  }
  return value;
}

export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return value.length > 40 ? `a string of length ${value.length}` : `the string ${JSON.stringify(value)}`;
  if (typeof value === 'number') return Number.isNaN(value) ? 'NaN' : `the number ${value}`;
  if (typeof value === 'object') {
    const tag = Object.prototype.toString.call(value).slice(8, -1);
    const ctor = (value as { constructor?: { name?: unknown } }).constructor?.name;
    // A class instance says its class ('a ReadStream'), a plain object says so.
    if (typeof ctor === 'string' && ctor !== '' && ctor !== 'Object' && ctor !== tag) return `a ${ctor}`;
    return tag === 'Object' ? 'a plain object' : `an object (${tag})`;
  }
  return typeof value;
}

/**
 * The cancel side of one operation: merges the caller's signal, the timeout and cancel() into one internal signal,
 * remembers the first reason, and cleans up its listeners and timer when the operation ends.
 */
export class CancelScope {
  readonly #controller = new AbortController();
  readonly #userSignal: AbortSignal | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  readonly #onUserAbort = (): void => this.abort(this.#userSignal?.reason);

  constructor(options: OperationOptions) {
    this.#userSignal = options.signal;
    if (this.#userSignal?.aborted) {
      this.#controller.abort(this.#userSignal.reason);
      return;
    }
    this.#userSignal?.addEventListener('abort', this.#onUserAbort, { once: true });
    if (options.timeout !== undefined) {
      const ms = options.timeout;
      this.#timer = setTimeout(() => this.abort(timeoutReason(ms)), ms);
    }
  }

  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  get aborted(): boolean {
    return this.#controller.signal.aborted;
  }

  get reason(): unknown {
    return this.#controller.signal.reason;
  }

  /** Cancels with this reason (the first reason wins). */
  abort(reason: unknown): void {
    if (!this.aborted) this.#controller.abort(reason);
    this.dispose();
  }

  /** Runs fn once when cancelled (at once if already cancelled). */
  onAbort(fn: (reason: unknown) => void): void {
    if (this.aborted) queueMicrotask(() => fn(this.reason));
    else this.#controller.signal.addEventListener('abort', () => fn(this.reason), { once: true });
  }

  /** Stops listening to the caller's signal and clears the timer. */
  dispose(): void {
    this.#userSignal?.removeEventListener('abort', this.#onUserAbort);
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}

/** The default reason of an explicit cancel(), as AbortController.abort() gives. */
export function defaultCancelReason(): Error {
  return new DOMException('cancel() was called', 'AbortError');
}

/**
 * A long operation: await it for its result, or call cancel() for a typed outcome.
 * It is a thenable (not a Promise subclass); `op.result` is the underlying promise.
 */
export class Operation<T, O extends CancelOutcomeBase> implements PromiseLike<T> {
  /** The promise of the operation's result. */
  readonly result: Promise<T>;
  readonly #cancel: (reason: unknown) => Promise<O>;

  constructor(result: Promise<T>, cancel: (reason: unknown) => Promise<O>) {
    this.result = result;
    // A caller who only cancels and never awaits must not get an unhandled rejection.
    result.catch(() => undefined);
    this.#cancel = cancel;
  }

  then<R1 = T, R2 = never>(
    onfulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null,
    onrejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    return this.result.then(onfulfilled, onrejected);
  }

  catch<R = never>(onrejected?: ((reason: unknown) => R | PromiseLike<R>) | null): Promise<T | R> {
    return this.result.catch(onrejected);
  }

  finally(onfinally?: (() => void) | null): Promise<T> {
    return this.result.finally(onfinally);
  }

  /**
   * Cancels the operation and resolves with what the cancel did. Calling it again returns the same outcome.
   * If the operation had already failed, it rejects with that failure.
   */
  cancel(reason?: unknown): Promise<O> {
    return this.#cancel(reason === undefined ? defaultCancelReason() : reason);
  }

  get [Symbol.toStringTag](): string {
    return 'WinopsOperation';
  }
}

/**
 * Tracks how an operation ended so cancel() can answer after the fact: a success gives `already-finished`,
 * a failure makes cancel() reject with it.
 */
export class Settlement<T> {
  state: 'running' | 'fulfilled' | 'rejected' = 'running';
  value: T | undefined;
  error: unknown;

  track(p: Promise<T>): Promise<T> {
    return p.then(
      (v) => {
        this.state = 'fulfilled';
        this.value = v;
        return v;
      },
      (e: unknown) => {
        this.state = 'rejected';
        this.error = e;
        throw e;
      },
    );
  }
}

/** A promise with its resolve/reject exposed. */
export function deferred<T>(): { promise: Promise<T>; resolve: (v: T) => void; reject: (e: unknown) => void } {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}
