// retry(): try an operation again when it fails with an error Microsoft documents as transient (`retryable`).
//
// The default policy is VSS's own advice for DoSnapshotSet's VSS_E_FLUSH_WRITES_TIMEOUT / VSS_E_HOLD_WRITES_TIMEOUT:
// "wait ten minutes and try again, up to three times" (../shared/reference/vss.md, "Per-method error lists"; the
// codes marked retryable and the text behind each are listed in scripts/gen-codes.mjs, RETRYABLE). The wait is on the
// global timers (vi.useFakeTimers controls it) and ends at once when the signal aborts.
import { describeValue } from './operation';

export interface RetryContext {
  /** 1 for the first try, 2 for the first retry, ... */
  readonly attempt: number;
  /** Aborted when the retry's own signal is: pass it on to the operation. */
  readonly signal: AbortSignal;
}

export interface RetryOptions {
  /** Tries after the first one. Default 3 ("try again, up to three times"). 0..100. */
  readonly retries?: number;
  /** Milliseconds to wait before each retry, or a function of the try that failed. Default 600,000 (ten minutes). */
  readonly delay?: number | ((failed: { readonly attempt: number; readonly error: unknown }) => number);
  /** Ends the retries: a wait ends at once, and the operation gets the signal through its context. */
  readonly signal?: AbortSignal;
  /** Called before each wait, e.g. to log it. */
  readonly onRetry?: (info: { readonly attempt: number; readonly error: unknown; readonly delay: number }) => void;
  /** Which failures are tried again. Default: errors whose `retryable` is true (WinopsError's documented transients). */
  readonly shouldRetry?: (error: unknown) => boolean;
}

const TEN_MINUTES = 10 * 60_000;

function isRetryable(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { retryable?: unknown }).retryable === true;
}

/** Node's AbortError shape (name, code 'ABORT_ERR', cause = the signal's reason), as winops' own aborts have. */
function abortError(signal: AbortSignal, lastError: unknown): Error {
  const e = new Error(`retry was aborted${lastError === undefined ? '' : ' while waiting to try again'}`, { cause: signal.reason });
  return Object.assign(e, { name: 'AbortError', code: 'ABORT_ERR', lastError });
}

function wait(ms: number, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve(false);
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Runs `fn`, and when it fails with a retryable error (`err.retryable === true` by default) waits `delay` and runs it
 * again, at most `retries` more times. Resolves with the first success; rejects with the last error when the tries
 * are used up or the error is not retryable, and with an AbortError (its `lastError` the last failure) when the
 * signal aborts.
 *
 * ```js
 * const set = await retry(({ signal }) => vss.createSnapshotSet('C:\\', { signal }), { signal });
 * ```
 */
export async function retry<T>(fn: (context: RetryContext) => PromiseLike<T> | T, options: RetryOptions = {}): Promise<T> {
  const name = 'retry';
  if (typeof fn !== 'function') throw new TypeError(`${name}: fn must be a function, got ${describeValue(fn)}`);
  if (typeof options !== 'object' || options === null) throw new TypeError(`${name}: options must be an object, got ${describeValue(options)}`);
  const { retries = 3, delay = TEN_MINUTES, signal, onRetry, shouldRetry = isRetryable } = options;
  if (typeof retries !== 'number' || !Number.isInteger(retries) || retries < 0 || retries > 100) {
    throw new RangeError(`${name}: options.retries must be an integer from 0 to 100, got ${describeValue(retries)}`);
  }
  const checkDelay = (ms: unknown, what: string): number => {
    if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0 || ms > 2_147_483_647) {
      throw new RangeError(`${name}: ${what} must be a number of milliseconds from 0 to 2147483647, got ${describeValue(ms)}`);
    }
    return ms;
  };
  if (typeof delay !== 'function') checkDelay(delay, 'options.delay');
  if (signal !== undefined && !(signal instanceof AbortSignal)) throw new TypeError(`${name}: options.signal must be an AbortSignal, got ${describeValue(signal)}`);
  if (onRetry !== undefined && typeof onRetry !== 'function') throw new TypeError(`${name}: options.onRetry must be a function, got ${describeValue(onRetry)}`);
  if (typeof shouldRetry !== 'function') throw new TypeError(`${name}: options.shouldRetry must be a function, got ${describeValue(shouldRetry)}`);

  const own = signal ?? new AbortController().signal;
  let lastError: unknown;
  for (let attempt = 1; ; attempt++) {
    if (own.aborted) throw abortError(own, lastError);
    try {
      return await fn({ attempt, signal: own });
    } catch (error) {
      // An abort of our own signal ends the retries with the operation's own AbortError.
      if (own.aborted || attempt > retries || !shouldRetry(error)) throw error;
      lastError = error;
      const ms = typeof delay === 'function' ? checkDelay(delay({ attempt, error }), 'options.delay()') : delay;
      onRetry?.({ attempt, error, delay: ms });
      if (!(await wait(ms, own))) throw abortError(own, lastError);
    }
  }
}
