/**
 * winops/fake: a pure TypeScript backend that behaves like Windows' VSS, MI, IMAPI2 and AXE, for tests on any OS.
 *
 *   import { createWinops } from 'winops';
 *   import { createFakeBackend } from 'winops/fake';
 *   const fake = createFakeBackend({ vss: { steps: { doSnapshotSet: { fail: 'VSS_E_PROVIDER_VETO' } } } });
 *   const winops = createWinops({ backend: fake });
 *   ...
 *   expect(fake.openHandles()).toEqual([]);   // nothing leaked
 *   expect(fake.violations).toEqual([]);      // no call out of the documented order
 */
import { readFileSync } from 'node:fs';
import type { Backend, DiagnosticFacts, OpenHandle } from '../../types/backend';
import type { Scenario } from '../../types/scenario';
import { FakeAxe } from './axe';
import { FakeCore, globalClock, type FakeCall, type FakeClock } from './core';
import { FakeImapi } from './imapi2';
import { fakeDiagnostics } from './diagnostics';
import { FakeMi } from './mi';
import { validateScenario } from './scenario';
import { FakeVss } from './vss';

export type { Scenario } from '../../types/scenario';
export type { FakeCall, FakeClock } from './core';
export type { FakeShadowCopy } from './vss';
export { parseJobManifest } from './axe';
export { validateScenario } from './scenario';

/** The fake backend, with what a test needs to look inside. */
export interface FakeBackend extends Backend {
  readonly name: 'fake';
  readonly scenario: Scenario;
  readonly vss: FakeVss;
  readonly mi: FakeMi;
  readonly imapi2: FakeImapi;
  readonly axe: FakeAxe;
  /** Every Windows call made, in order, with what it returned. */
  readonly calls: readonly FakeCall[];
  /** Calls out of the documented order or manners (e.g. MI_Operation_Close before the final result). */
  readonly violations: readonly string[];
  /** Calls whose name contains `name` (e.g. 'Cancel'). */
  callsTo(name: string): FakeCall[];
  /** Empties the call log (for long-running tests; the log otherwise grows with every call). */
  clearCalls(): void;
  openHandles(): OpenHandle[];
  /** doctor()'s facts: the simulated machine (lib/fake/diagnostics.ts). */
  diagnostics(services: readonly string[]): Promise<DiagnosticFacts>;
  /** Timers the simulation still has scheduled. */
  readonly pendingWork: number;
  /**
   * Releases a scenario hold (`vss.steps.<step>.hold` → 'vss:<step>', `imapi2.holdUpdates` → 'imapi2:update:<n>',
   * an AXE assessment's `hold` → 'axe:<name>'): what waits on it goes on now, and later holds on it pass at once.
   */
  release(gate: string): void;
  /** The holds something waits on now (each has a 'hold' entry in `calls` from when it began). */
  held(): string[];
}

export interface FakeBackendOptions {
  /** Where time comes from. Default: the global timers at call time, so vi.useFakeTimers() and sinon work. */
  readonly clock?: FakeClock;
}

/**
 * Creates a fake backend that follows `scenario` (see the Scenario type; every field optional). The scenario is
 * checked first (validateScenario): an unknown key, a value of the wrong type or an unknown code name is a TypeError
 * or RangeError naming the key's path, e.g. `scenario.vss.steps.doSnapshotSett: unknown key (...)`.
 */
export function createFakeBackend(scenario: Scenario = {}, options: FakeBackendOptions = {}): FakeBackend {
  if (typeof scenario !== 'object' || scenario === null || Array.isArray(scenario)) {
    throw new TypeError(`createFakeBackend: scenario must be an object, got ${scenario === null ? 'null' : typeof scenario}`);
  }
  if (typeof options !== 'object' || options === null) throw new TypeError('createFakeBackend: options must be an object');
  validateScenario(scenario, 'createFakeBackend: scenario');
  const core = new FakeCore(options.clock ?? globalClock);
  const vss = new FakeVss(core, scenario.vss ?? {});
  const mi = new FakeMi(core, scenario.mi ?? {});
  const imapi2 = new FakeImapi(core, scenario.imapi2 ?? {});
  const axe = new FakeAxe(core, scenario.axe ?? {});
  return {
    name: 'fake',
    scenario,
    vss,
    mi,
    imapi2,
    axe,
    calls: core.calls,
    violations: core.violations,
    callsTo: (name: string) => core.calls.filter((c) => c.call.includes(name)),
    clearCalls: () => {
      core.calls.length = 0;
    },
    openHandles: () => core.openHandles(),
    diagnostics: (services: readonly string[]) => Promise.resolve(fakeDiagnostics(services)),
    get pendingWork() {
      return core.pendingTimers;
    },
    release: (gate: string) => {
      if (typeof gate !== 'string' || gate === '') throw new TypeError('release: gate must be a non-empty string');
      core.release(gate);
    },
    held: () => core.held(),
  };
}

/**
 * Reads a scenario from WINOPS_SCENARIO: inline JSON (starting with '{') or a path to a JSON file, and checks it
 * (validateScenario; the message names the file when it came from one). Returns {} when the variable is not set.
 */
export function scenarioFromEnv(env: NodeJS.ProcessEnv = process.env): Scenario {
  const v = env.WINOPS_SCENARIO;
  if (v === undefined || v.trim() === '') return {};
  const inline = v.trim().startsWith('{');
  let text: string;
  try {
    text = inline ? v : readFileSync(v, 'utf8');
  } catch (e) {
    // A file the user named: say which one and why, keeping Node's code (ENOENT, EACCES, EISDIR) and the path.
    const cause = e as NodeJS.ErrnoException;
    const why = cause.code === 'ENOENT' ? 'does not exist' : `cannot be read (${cause.code ?? cause.message})`;
    throw Object.assign(new Error(`WINOPS_SCENARIO names the scenario file ${JSON.stringify(v)}, which ${why}`, { cause }), { code: cause.code, path: v });
  }
  const source = inline ? 'WINOPS_SCENARIO' : `WINOPS_SCENARIO (file ${v})`;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new TypeError('not an object');
  } catch (e) {
    throw new TypeError(`${source} does not hold a scenario object: ${e instanceof Error ? e.message : String(e)}`);
  }
  validateScenario(parsed, `${source}: scenario`);
  return parsed;
}
