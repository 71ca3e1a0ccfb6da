import type { Backend, OpenHandle } from '../../types/backend';
import type { Scenario } from '../../types/scenario';
import { createWinops, type Winops } from '../../lib/index';

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
}

export interface Subject {
  readonly winops: Winops;
  readonly backend: Backend;
  readonly inspect: Inspector;
}

/** Makes a fresh backend that follows the scenario. */
export type BackendFactory = (scenario: Scenario) => Subject | Promise<Subject>;

export function subjectOf(backend: Backend, inspect: Inspector): Subject {
  return { winops: createWinops({ backend }), backend, inspect };
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Waits until cond() holds (or fails after ms). */
export async function until(cond: () => boolean, ms = 2000, what = 'condition'): Promise<void> {
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
