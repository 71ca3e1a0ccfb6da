/**
 * Which backend the CLI runs on, chosen the library's way (never silently): --backend, else --scenario (a fake-only
 * notion, so it means the fake), else WINOPS_BACKEND, else the native addon on Windows, else exit status 3 with a
 * message that says how to simulate. Whenever the fake runs, a note on stderr says so.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Backend } from '../../types/backend';
import type { Scenario } from '../../types/scenario';
import { resolveBackend } from '../backend';
import { createFakeBackend, validateScenario, type FakeBackend } from '../fake/index';
import { UsageError } from './exit';

export interface BackendFlags {
  readonly backend?: string | undefined;
  readonly scenario?: string | undefined;
}

export interface ChosenBackend {
  readonly backend: Backend;
  /** True when Windows is simulated (the fake). */
  readonly simulated: boolean;
  /** The fake, to report on at exit (WINOPS_FAKE_REPORT). */
  readonly fake: FakeBackend | undefined;
}

function isFake(b: Backend): b is FakeBackend {
  return b.name === 'fake' && typeof (b as Partial<FakeBackend>).callsTo === 'function';
}

const SCENARIO_FAMILIES = ['vss', 'mi', 'imapi2', 'axe'] as const;

/**
 * Checks what a scenario file holds, naming the file and the key: the families here (with a hint of what a Scenario
 * has), then every key types/scenario.ts declares, its type and the codes it names (the fake's validateScenario). A
 * scenario it refuses is a usage error (exit 2).
 */
export function checkScenario(parsed: unknown, where: string): Scenario {
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new UsageError(`${where} must hold a JSON object (a Scenario), got ${parsed === null ? 'null' : Array.isArray(parsed) ? 'an array' : typeof parsed}`);
  for (const [key, value] of Object.entries(parsed)) {
    if (!(SCENARIO_FAMILIES as readonly string[]).includes(key)) throw new UsageError(`${where}: unknown key ${JSON.stringify(key)} (a Scenario has ${SCENARIO_FAMILIES.join(', ')})`);
    if (value !== undefined && (typeof value !== 'object' || value === null || Array.isArray(value))) throw new UsageError(`${where}: ${key} must be an object`);
  }
  // Every key and value below the families, as the library checks them (unknown keys, wrong types, unknown codes).
  try {
    validateScenario(parsed, `${where}: scenario`);
  } catch (e) {
    if (e instanceof TypeError || e instanceof RangeError) throw new UsageError(e.message);
    throw e;
  }
  return parsed as Scenario;
}

/** Reads a scenario file; `option` is how the user named it ('--scenario' or 'WINOPS_SCENARIO'). */
export function readScenario(file: string, cwd: string, option = '--scenario'): Scenario {
  let text: string;
  try {
    text = readFileSync(resolve(cwd, file), 'utf8');
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : e instanceof Error ? e.message : String(e);
    throw new UsageError(`${option}: cannot read the scenario file ${file}: ${why}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`${option}: the scenario file ${file} is not JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  return checkScenario(parsed, `${option}: the scenario file ${file}`);
}

/** The scenario WINOPS_SCENARIO gives (inline JSON starting with '{', else a file path); {} when it is unset. */
export function scenarioOfEnv(env: NodeJS.ProcessEnv, cwd: string): { scenario: Scenario; where: string | undefined } {
  const v = env.WINOPS_SCENARIO;
  if (v === undefined || v.trim() === '') return { scenario: {}, where: undefined };
  if (!v.trim().startsWith('{')) return { scenario: readScenario(v, cwd, 'WINOPS_SCENARIO'), where: `WINOPS_SCENARIO: the scenario file ${v}` };
  let parsed: unknown;
  try {
    parsed = JSON.parse(v);
  } catch (e) {
    throw new UsageError(`WINOPS_SCENARIO: the inline scenario is not JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  return { scenario: checkScenario(parsed, 'WINOPS_SCENARIO'), where: 'WINOPS_SCENARIO' };
}

/** The fake on `scenario`; a scenario it refuses (an unknown code name, a wrong type) is a usage error naming `where`. */
function fakeFrom(scenario: Scenario, where: string | undefined): Backend {
  try {
    return createFakeBackend(scenario);
  } catch (e) {
    if (where !== undefined && (e instanceof TypeError || e instanceof RangeError)) throw new UsageError(`${where}: ${e.message.replace(/^createFakeBackend: /, '')}`);
    throw e;
  }
}

/**
 * `demo`, when given, is the scenario `winops demo` runs on: the demo uses the fake wherever a command would need
 * --backend fake (and also where Windows is absent and nothing was chosen), with the user's scenario laid over it.
 */
export function chooseBackend(flags: BackendFlags, env: NodeJS.ProcessEnv, platform: string, cwd: string, demo?: Scenario): ChosenBackend {
  const want = flags.backend?.trim().toLowerCase();
  if (want !== undefined && want !== 'fake' && want !== 'native') throw new UsageError(`--backend must be 'fake' or 'native', got ${JSON.stringify(flags.backend)}`);
  if (flags.scenario !== undefined && want === 'native') throw new UsageError('--scenario scripts the fake backend; it cannot be used with --backend native');
  const fromEnv = env.WINOPS_BACKEND?.trim().toLowerCase();
  const userScenario = (): { scenario: Scenario; where: string | undefined } =>
    flags.scenario !== undefined ? { scenario: readScenario(flags.scenario, cwd), where: `--scenario: the scenario file ${flags.scenario}` } : scenarioOfEnv(env, cwd);
  let backend: Backend;
  if (demo !== undefined) {
    const useFake = want === 'fake' || flags.scenario !== undefined || (want === undefined && (fromEnv === 'fake' || (fromEnv !== 'native' && platform !== 'win32')));
    if (useFake) {
      const user = userScenario();
      backend = fakeFrom(mergeScenario(demo, user.scenario), user.where);
    } else {
      backend = resolveBackend(want as 'native' | undefined, env, platform);
    }
  } else if (want === 'fake' || flags.scenario !== undefined || (want === undefined && fromEnv === 'fake')) {
    // The fake, on the user's scenario (read here, not by the library, so that its errors are usage errors).
    const user = userScenario();
    backend = fakeFrom(user.scenario, user.where);
  } else {
    backend = resolveBackend(want as 'native' | undefined, env, platform);
  }
  const fake = isFake(backend) ? backend : undefined;
  return { backend, simulated: backend.name === 'fake', fake };
}

/** `over` laid on `base`, family by family (a family's fields in `over` replace those in `base`). */
export function mergeScenario(base: Scenario, over: Scenario): Scenario {
  return {
    vss: { ...base.vss, ...over.vss },
    mi: { ...base.mi, ...over.mi },
    imapi2: { ...base.imapi2, ...over.imapi2 },
    axe: { ...base.axe, ...over.axe },
  };
}

/** The note printed when the fake runs. */
export function simulationNote(platform: string): string {
  return platform === 'win32'
    ? 'winops: simulating Windows with the fake backend (--backend fake): no real Windows API is called.'
    : `winops: simulating Windows with the fake backend: this machine runs ${platform}, not Windows, so nothing real is touched.`;
}

/**
 * Writes what the fake holds at exit to the file WINOPS_FAKE_REPORT names: shadow copies that still exist,
 * open handles, order violations. Tests (and curious users) read it to check that nothing was left behind.
 */
export function writeFakeReport(fake: FakeBackend | undefined, env: NodeJS.ProcessEnv, cwd: string): void {
  const file = env.WINOPS_FAKE_REPORT;
  if (!fake || file === undefined || file === '') return;
  const report = {
    shadowCopies: fake.vss.shadowCopies().map((s) => ({ ...s, createdAt: s.createdAt.toISOString() })),
    openHandles: fake.openHandles(),
    violations: [...fake.violations],
    calls: fake.calls.map((c) => c.call),
  };
  writeFileSync(resolve(cwd, file), `${JSON.stringify(report, null, 2)}\n`);
}
