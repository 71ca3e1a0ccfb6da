/**
 * Which backend the CLI runs on, chosen the library's way (never silently): --backend, else --scenario (a fake-only
 * notion, so it means the fake), else WINOPS_BACKEND, else the native addon on Windows, else exit status 3 with a
 * message that says how to simulate. Whenever the fake runs, a note on stderr says so.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { AxeBackend, Backend, Handle } from '../../types/backend';
import type { Scenario } from '../../types/scenario';
import { resolveBackend } from '../backend';
import { createFakeBackend, scenarioFromEnv, type FakeBackend } from '../fake/index';
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

export function readScenario(file: string, cwd: string): Scenario {
  let text: string;
  try {
    text = readFileSync(resolve(cwd, file), 'utf8');
  } catch (e) {
    throw new UsageError(`--scenario: cannot read ${file}: ${e instanceof Error ? e.message : String(e)}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`--scenario: ${file} is not JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new UsageError(`--scenario: ${file} must hold a JSON object (a Scenario)`);
  return parsed as Scenario;
}

/**
 * `demo`, when given, is the scenario `winops demo` runs on: the demo uses the fake wherever a command would need
 * --backend fake (and also where Windows is absent and nothing was chosen), with the user's scenario laid over it.
 */
export function chooseBackend(flags: BackendFlags, env: NodeJS.ProcessEnv, platform: string, cwd: string, demo?: Scenario): ChosenBackend {
  const want = flags.backend?.trim().toLowerCase();
  if (want !== undefined && want !== 'fake' && want !== 'native') throw new UsageError(`--backend must be 'fake' or 'native', got ${JSON.stringify(flags.backend)}`);
  if (flags.scenario !== undefined && want === 'native') throw new UsageError('--scenario scripts the fake backend; it cannot be used with --backend native');
  let backend: Backend;
  if (demo !== undefined) {
    const fromEnv = env.WINOPS_BACKEND?.trim().toLowerCase();
    const useFake = want === 'fake' || flags.scenario !== undefined || (want === undefined && (fromEnv === 'fake' || (fromEnv !== 'native' && platform !== 'win32')));
    if (useFake) {
      const user = flags.scenario !== undefined ? readScenario(flags.scenario, cwd) : scenarioFromEnv(env);
      backend = createFakeBackend(mergeScenario(demo, user));
    } else {
      backend = resolveBackend(want as 'native' | undefined, env, platform);
    }
  } else if (flags.scenario !== undefined) {
    backend = createFakeBackend(readScenario(flags.scenario, cwd));
  } else {
    backend = resolveBackend(want as 'fake' | 'native' | undefined, env, platform);
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

/**
 * The AXE backend with the handle of the run in flight kept, so a second Ctrl+C (or --terminate-after) can call
 * Engine::TerminateJob at once instead of waiting out the escalation ladder's grace periods.
 *
 * The library's AxeRun has no "escalate now" yet; until it does, the CLI calls TerminateJob on the backend itself and
 * reports that call beside the library's outcome (which stays as the library gave it).
 */
export function trackAxeRuns(backend: Backend): { backend: Backend; current(): Handle | undefined } {
  const axe = backend.axe;
  let current: Handle | undefined;
  const wrapped: AxeBackend = {
    availability: () => axe.availability(),
    loadJob: (path) => axe.loadJob(path),
    releaseJob: (job) => axe.releaseJob(job),
    execute: (job, sink) => {
      const run = axe.execute(job, {
        jobBegin: () => sink.jobBegin(),
        assessmentBegin: (i, n) => sink.assessmentBegin(i, n),
        progress: (i, t, v, m) => sink.progress(i, t, v, m),
        assessmentEnd: (i, e, c) => sink.assessmentEnd(i, e, c),
        jobEnd: (r) => {
          current = undefined;
          sink.jobEnd(r);
        },
      });
      current = run;
      return run;
    },
    cancelAssessment: (run, index) => axe.cancelAssessment(run, index),
    cancelJob: (run) => axe.cancelJob(run),
    terminateJob: (run) => axe.terminateJob(run),
  };
  const out: Backend = {
    name: backend.name,
    vss: backend.vss,
    mi: backend.mi,
    imapi2: backend.imapi2,
    axe: wrapped,
    openHandles: () => backend.openHandles(),
  };
  return { backend: out, current: () => current };
}
