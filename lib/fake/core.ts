import type { Family, Handle, OpenHandle, RawError } from '../../types/backend';
import type { Code } from '../../types/scenario';
import { codeByName, codeByValue } from '../codes';

/** One call the fake received, in order. */
export interface FakeCall {
  readonly family: Family;
  /** The Windows call, e.g. 'IVssAsync::Cancel'. */
  readonly call: string;
  /** The handle it was made on, if any. */
  readonly handle?: Handle | undefined;
  /** A short detail: a volume, an index, a reason. */
  readonly detail?: string | number | undefined;
  /** What it returned, as a symbolic code when it returned one. */
  result?: string | undefined;
  /** Milliseconds on the fake's clock since the backend was created. */
  readonly at: number;
}

/** Where the fake reads time. Defaults to the globals at call time, so fake timers (vitest, sinon) control it. */
export interface FakeClock {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(id: unknown): void;
  now(): number;
}

export const globalClock: FakeClock = {
  setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
  clearTimeout: (id) => globalThis.clearTimeout(id as ReturnType<typeof setTimeout>),
  now: () => Date.now(),
};

/** The shared bookkeeping of one fake backend: handles, the call log and protocol violations. */
export class FakeCore {
  readonly clock: FakeClock;
  readonly calls: FakeCall[] = [];
  readonly violations: string[] = [];
  readonly #handles = new Map<Handle, OpenHandle>();
  #next = 1;
  readonly #start: number;
  readonly #timers = new Set<unknown>();

  constructor(clock: FakeClock) {
    this.clock = clock;
    this.#start = clock.now();
  }

  now(): number {
    return this.clock.now() - this.#start;
  }

  record(family: Family, call: string, handle?: Handle, detail?: string | number): FakeCall {
    const c: FakeCall = { family, call, handle, detail, at: this.now() };
    this.calls.push(c);
    return c;
  }

  open(family: Family, kind: string): Handle {
    const handle = this.#next++;
    this.#handles.set(handle, { family, kind, handle });
    return handle;
  }

  isOpen(handle: Handle, kind?: string): boolean {
    const h = this.#handles.get(handle);
    return h !== undefined && (kind === undefined || h.kind === kind);
  }

  close(handle: Handle): boolean {
    return this.#handles.delete(handle);
  }

  openHandles(): OpenHandle[] {
    return [...this.#handles.values()];
  }

  violation(text: string): void {
    this.violations.push(text);
  }

  /** A timer on the fake's clock; cleared by dispose(). */
  after(ms: number, fn: () => void): unknown {
    const id = this.clock.setTimeout(() => {
      this.#timers.delete(id);
      fn();
    }, Math.max(0, ms));
    this.#timers.add(id);
    return id;
  }

  cancelTimer(id: unknown): void {
    if (id === undefined) return;
    this.clock.clearTimeout(id);
    this.#timers.delete(id);
  }

  readonly #gates = new Map<string, { released: boolean; logged: boolean; waiters: Set<() => void> }>();

  #gate(name: string): { released: boolean; logged: boolean; waiters: Set<() => void> } {
    let g = this.#gates.get(name);
    if (!g) this.#gates.set(name, (g = { released: false, logged: false, waiters: new Set() }));
    return g;
  }

  /**
   * A scenario hold: runs fn once the test has released `gate` (at once when it already was) and returns a function
   * that withdraws the wait (a cancel cut it short). While it waits the gate is listed by held(), and the call log
   * has a 'hold' entry (detail: the gate), as the Windows doubles log it.
   */
  hold(family: Family, gate: string, fn: () => void): () => void {
    const g = this.#gate(gate);
    if (g.released) {
      fn();
      return () => {};
    }
    if (!g.logged) this.record(family, 'hold', undefined, gate);
    g.logged = true;
    const waiter = (): void => fn();
    g.waiters.add(waiter);
    return () => {
      g.waiters.delete(waiter);
    };
  }

  /** Releases a gate: what waits on it goes on now, and a later hold on it passes at once. Logged as 'release'. */
  release(gate: string): void {
    const family = gate.split(':')[0];
    if (family === 'vss' || family === 'mi' || family === 'imapi2' || family === 'axe') this.record(family, 'release', undefined, gate);
    const g = this.#gate(gate);
    g.released = true;
    const waiters = [...g.waiters];
    g.waiters.clear();
    for (const w of waiters) w();
  }

  /** The gates something waits on now. */
  held(): string[] {
    return [...this.#gates].filter(([, g]) => g.waiters.size > 0).map(([name]) => name);
  }

  /** Number of timers still scheduled (work the fake still has to do). */
  get pendingTimers(): number {
    return this.#timers.size;
  }
}

/** A code from a scenario (name or number) as a uint32 HRESULT plus its symbolic name. */
/** `code` is typed wide: the fake also resolves names it reads from JSON and its own tables (the validator checked them). */
export function resolveCode(code: Code | string): { hresult: number | undefined; code: string } {
  if (typeof code === 'number') {
    const hr = code >>> 0;
    return { hresult: hr, code: codeByValue(hr)?.name ?? `0x${hr.toString(16).padStart(8, '0')}` };
  }
  const info = codeByName(code);
  if (!info) throw new RangeError(`scenario: unknown code ${JSON.stringify(code)}`);
  return { hresult: info.value, code: info.name };
}

/** A RawError for a Windows call that failed with a code. */
export function rawError(call: string, code: Code | string): RawError {
  const r = resolveCode(code);
  return { call, hresult: r.hresult, code: r.code };
}

export function hresultOf(code: Code | string): number {
  const r = resolveCode(code);
  if (r.hresult === undefined) throw new RangeError(`scenario: ${r.code} has no published value and cannot be returned as a number`);
  return r.hresult;
}
