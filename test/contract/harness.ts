import type { Backend, OpenHandle } from '../../types/backend';
import type { Scenario } from '../../types/scenario';
import { createWinops, type Winops } from '../../lib/index';
import type { FakeBackend } from '../../lib/fake/index';

/** What a contract test can see of a backend beyond the public API. Native + doubles report the same. */
export interface Inspector {
  /** Windows calls in order, with their symbolic result. */
  calls(): readonly { readonly call: string; readonly result?: string | undefined; readonly detail?: string | number | undefined }[];
  /** Manners broken: calls out of the documented order, close before the final result, ... */
  violations(): readonly string[];
  /** VSS: writer state left behind by a started set released without BackupComplete/AbortBackup. */
  vssLeftovers(): readonly string[];
  /** VSS: shadow copies that exist now. */
  shadowCopies(): number;
  openHandles(): OpenHandle[];
  /** Releases a scenario hold ('vss:<step>', 'imapi2:update:<n>', 'axe:<name>'; see types/scenario.ts). */
  release(gate: string): void;
  /** The holds something waits on now. */
  held(): readonly string[];
}

export interface Subject {
  readonly winops: Winops;
  readonly backend: Backend;
  readonly inspect: Inspector;
}

/** Makes a fresh backend that follows the scenario. */
export type BackendFactory = (scenario: Scenario) => Subject | Promise<Subject>;

/** What the fake backend shows of itself, as an Inspector (the contract and model suites on the fake). */
export function inspectFake(backend: FakeBackend): Inspector {
  return {
    calls: () => backend.calls,
    violations: () => backend.violations,
    vssLeftovers: () => backend.vss.leftovers(),
    shadowCopies: () => backend.vss.shadowCopies().length,
    openHandles: () => backend.openHandles(),
    release: (gate) => backend.release(gate),
    held: () => backend.held(),
  };
}

export function subjectOf(backend: Backend, inspect: Inspector): Subject {
  return { winops: createWinops({ backend }), backend, inspect };
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Waits until cond() holds. `ms` is a deadline that turns a hang into a failure, never what decides a test: it is
 * generous (30 s) because a loaded 2-core machine under Wine can be slow, and a state that comes is waited for.
 */
export async function until(cond: () => boolean, ms = 30_000, what = 'condition'): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(2);
  }
}

/** Settles a promise into a value or an error, for assertions. */
export async function settle<T>(p: PromiseLike<T>): Promise<{ ok: true; value: T } | { ok: false; error: any }> {
  try {
    return { ok: true, value: await p };
  } catch (error) {
    return { ok: false, error };
  }
}

export function callNames(inspect: Inspector): string[] {
  return inspect.calls().map((c) => c.call);
}

/** Waits until the backend holds `gate` (see Inspector.held): the state a test releases or cancels from. */
export function held(inspect: Inspector, gate: string): Promise<void> {
  return until(() => inspect.held().includes(gate), 30_000, `the hold ${gate}`);
}
