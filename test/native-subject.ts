/**
 * The contract suites' Subject on the native backend + the Windows test doubles (test/doubles/), inside Windows
 * node.exe under Wine (scripts/wine/contract.sh puts the doubles in place; see the README, "How the doubles work").
 *
 * - vss, mi, imapi2: the production addon (prebuilds/win32-x64/winops.napi.node, scripts/build-win.sh) against the
 *   vssapi.dll double (WINEDLLOVERRIDES=vssapi=n), the mi.dll double (the prefix's system32) and the IMAPI2 double
 *   (an in-process COM server registered under the real CLSIDs);
 * - axe: the addon built a second time against the stand-in AxeHosting.h (build/win32-x64-axe-standin/winops.node,
 *   test/doubles/axe/build.sh) with WINOPS_AXECORE pointing at the AxeCore.dll double.
 *
 * Every subject writes its scenario to a fresh file and points WINOPS_SCENARIO and WINOPS_DOUBLE_LOG at it and at a
 * fresh log; the doubles read both whenever an object is created (CreateVssBackupComponents, NewSession,
 * CoCreateInstance, CreateJob), so the scenario binds to the objects a test creates after make(). The Inspector
 * reads that log: calls with their results, the violations of the documented manners, live objects per class. It
 * reads it from the doubles themselves, which are DLLs in this process (test/doubles/control/control.node): what it
 * sees is the state now, never a file that lags behind it.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import type { Family, OpenHandle } from '../types/backend';
import type { Scenario } from '../types/scenario';
import { composeNativeBackend, type NativeAddon } from '../lib/native/index';
import { subjectOf, type BackendFactory, type Inspector, type Subject } from './contract/harness';

const localRequire = createRequire(__filename);
export const repoRoot = path.resolve(__dirname, '..');

/** What the native + doubles run needs, by file. */
export const nativeFiles = {
  addon: path.join(repoRoot, 'prebuilds', 'win32-x64', 'winops.napi.node'),
  axeStandin: path.join(repoRoot, 'build', 'win32-x64-axe-standin', 'winops.node'),
  axeCore: path.join(repoRoot, 'build', 'doubles', 'axe', 'AxeCore.dll'),
  control: path.join(repoRoot, 'build', 'doubles', 'control', 'control.node'),
} as const;

/**
 * The environment variables scripts/wine/contract.sh sets when the double of that family is in place (the vssapi
 * override only takes effect for a Wine process started with it, so the process cannot check that by itself).
 */
export const doubleEnv: Readonly<Record<Exclude<Family, 'axe'>, string>> = {
  vss: 'WINOPS_VSS_DOUBLE',
  mi: 'WINOPS_MI_DOUBLE',
  imapi2: 'WINOPS_IMAPI2_DOUBLE',
};

const HOW = 'npm run test:wine:contract';

/** Whether native + doubles can run here, and if not, why (for a skipped suite's name). */
export function nativeDoublesAvailability(): { readonly available: true } | { readonly available: false; readonly reason: string } {
  if (process.platform !== 'win32') return { available: false, reason: `needs Windows node.exe with the doubles, ${HOW}` };
  const missing: string[] = [];
  for (const [what, file] of Object.entries(nativeFiles)) if (!fs.existsSync(file)) missing.push(`${what} ${path.relative(repoRoot, file)}`);
  for (const [family, v] of Object.entries(doubleEnv)) if (!process.env[v]) missing.push(`the ${family} double (${v})`);
  if (missing.length > 0) return { available: false, reason: `missing ${missing.join(', ')}; ${HOW}` };
  return { available: true };
}

/** The double's log (test/doubles/common/double_support.h). */
interface DoubleLog {
  readonly calls: readonly { readonly call: string; readonly result?: string; readonly detail?: string; readonly n?: number }[];
  readonly violations: readonly string[];
  readonly live: Readonly<Record<string, number>>;
  /** Scenario holds a thread of the double waits on now. */
  readonly held?: readonly string[];
}

/**
 * Double objects that live as long as the process by design, not leaks: MI_Application (the addon initializes MI
 * once per process and closes it at teardown).
 */
const PROCESS_LIFETIME = new Set(['MI_Application']);

/** Live counts that are state of the simulated machine rather than objects a client holds. */
const NOT_HANDLES = new Set(['shadowCopy']);

/** The stand-in build: WINOPS_AXE_STANDIN_ADDON (relative to the repository) when set, else the default. */
const axeStandinFile = (): string => (process.env.WINOPS_AXE_STANDIN_ADDON ? path.resolve(repoRoot, process.env.WINOPS_AXE_STANDIN_ADDON) : nativeFiles.axeStandin);

let addon: NativeAddon | undefined;
/** The production addon's vss/mi/imapi2 and the stand-in build's axe, loaded once per process. */
function nativeAddon(): NativeAddon {
  if (addon) return addon;
  if (!process.env.WINOPS_AXECORE) process.env.WINOPS_AXECORE = nativeFiles.axeCore;
  // npm run coverage:native selects its instrumented builds by environment: WINOPS_PREBUILD (node-gyp-build's own
  // override, a directory in its layout) and WINOPS_AXE_STANDIN_ADDON.
  const prod = (process.env.WINOPS_PREBUILD ? (localRequire('node-gyp-build') as (dir: string) => unknown)(repoRoot) : localRequire(nativeFiles.addon)) as NativeAddon;
  const standin = localRequire(axeStandinFile()) as NativeAddon;
  addon = { vss: prod.vss!, mi: prod.mi!, imapi2: prod.imapi2!, axe: standin.axe! };
  return addon;
}

let axeNotInstalled: NativeAddon['axe'];
/**
 * AXE where the Assessment Toolkit is not installed (the scenario's `axe.available: false`): the same stand-in
 * engine.cc, in a copy of the stand-in build (a separate module, so a separate once-per-process runtime) whose first
 * look for AxeCore.dll was made with WINOPS_AXECORE naming a file that does not exist. In one process AxeCore.dll
 * cannot be unloaded once loaded, so the double cannot play "not installed" after an earlier test loaded it.
 */
function axeWithoutAxeCore(): NonNullable<NativeAddon['axe']> {
  if (axeNotInstalled) return axeNotInstalled;
  const copy = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'winops-axe-absent-')), 'winops.node');
  removeAtExit(path.dirname(copy));
  fs.copyFileSync(axeStandinFile(), copy);
  const saved = process.env.WINOPS_AXECORE;
  process.env.WINOPS_AXECORE = path.join(path.dirname(copy), 'AxeCore.dll');
  try {
    const axe = (localRequire(copy) as NativeAddon).axe!;
    axe.availability(); // the runtime looks for AxeCore.dll once, now
    axeNotInstalled = axe;
  } finally {
    if (saved === undefined) delete process.env.WINOPS_AXECORE;
    else process.env.WINOPS_AXECORE = saved;
  }
  return axeNotInstalled;
}

/** Calls whose detail the contract reads as a number (the fake records these numbers; a double logs them as `n`). */
const NUMERIC_DETAIL = new Set(['MI_Operation_Cancel', 'Engine::CancelAssessment']);

type Call = ReturnType<Inspector['calls']>[number];

/**
 * The double's log in the contract's vocabulary, which is the Backend's: one entry per Windows call, except that
 * getWriters() (GetWriterMetadataCount, then GetWriterMetadata and IVssExamineWriterMetadata::GetIdentity per writer)
 * is one 'IVssBackupComponents::GetWriterMetadata' entry, and the VssFreeSnapshotProperties inside
 * getSnapshotProperties() is not an entry of its own, as the fake records them; getWriterStatus() (GetWriterStatusCount,
 * GetWriterStatus or GetWriterStatusEx per writer, FreeWriterStatus) is one 'IVssBackupComponents::GetWriterStatus'.
 */
function contractCalls(log: DoubleLog): Call[] {
  const out: Call[] = [];
  let writers: { call: string; result?: string | undefined; detail?: string | number | undefined } | undefined;
  // getWriterStatus() likewise: GetWriterStatusCount, GetWriterStatus(Ex) per writer, FreeWriterStatus.
  let status: { call: string; result?: string | undefined; detail?: string | number | undefined } | undefined;
  for (const c of log.calls) {
    const detail = NUMERIC_DETAIL.has(c.call) && c.n !== undefined ? c.n : c.detail;
    if (c.call === 'IVssBackupComponents::GetWriterMetadataCount') {
      writers = { call: 'IVssBackupComponents::GetWriterMetadata', result: c.result, detail };
      out.push(writers);
      continue;
    }
    if (writers && (c.call === 'IVssBackupComponents::GetWriterMetadata' || c.call.startsWith('IVssExamineWriterMetadata::'))) {
      if (c.result !== 'S_OK') writers.result = c.result;
      continue;
    }
    writers = undefined;
    if (c.call === 'IVssBackupComponents::GetWriterStatusCount') {
      status = { call: 'IVssBackupComponents::GetWriterStatus', result: c.result, detail };
      out.push(status);
      continue;
    }
    if (status && (c.call === 'IVssBackupComponents::GetWriterStatus' || c.call === 'IVssBackupComponentsEx3::GetWriterStatusEx' || c.call === 'IVssBackupComponents::FreeWriterStatus')) {
      if (c.result !== 'S_OK' && status.result === 'S_OK') status.result = c.result;
      continue;
    }
    status = undefined;
    if (c.call === 'VssFreeSnapshotProperties') continue;
    out.push({ call: c.call, result: c.result, detail });
  }
  return out;
}

let seq = 0;
let dir: string | undefined;
function subjectDir(): string {
  if (!dir) {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'winops-contract-'));
    removeAtExit(dir);
  }
  return dir;
}

const controlOf = (): DoubleControl => (control ??= localRequire(nativeFiles.control) as DoubleControl);

/** The module each family's double is loaded as in this process (test/doubles/<family>/*.def LIBRARY). */
const doubleModule: Readonly<Record<Family, string>> = { vss: 'vssapi.dll', mi: 'mi.dll', imapi2: 'imapi2_double.dll', axe: 'AxeCore.dll' };

interface DoubleControl {
  snapshot(module: string): string | null;
  release(module: string, gate: string): void;
}
let control: DoubleControl | undefined;

/** One double's log as it is now, from the double (test/doubles/common/control_exports.h); undefined before it loaded. */
function stateOf(family: Family): DoubleLog | undefined {
  const json = controlOf().snapshot(doubleModule[family]);
  return json === null ? undefined : (JSON.parse(json) as DoubleLog);
}

/** The log of one family's double, or of all four merged (calls in the order of each double, one double after another). */
function readLog(family: Family | undefined): DoubleLog {
  const logs = (family ? [family] : (Object.keys(doubleModule) as Family[])).map(stateOf).filter((l): l is DoubleLog => l !== undefined);
  const live: Record<string, number> = {};
  for (const l of logs) for (const [k, n] of Object.entries(l.live)) live[k] = (live[k] ?? 0) + n;
  return { calls: logs.flatMap((l) => l.calls), violations: logs.flatMap((l) => l.violations), live, held: logs.flatMap((l) => l.held ?? []) };
}

const leftFiles: string[] = [];
/** Scenario and log files go when the process ends (a double may write a log until then); WINOPS_CONTRACT_KEEP_LOGS=1 keeps them. */
function removeAtExit(...files: string[]): void {
  if (process.env.WINOPS_CONTRACT_KEEP_LOGS) return;
  if (leftFiles.length === 0) {
    process.once('exit', () => {
      for (const f of leftFiles) {
        try {
          fs.rmSync(f, { force: true, recursive: true });
        } catch {
          // still in use (a loaded module on Windows): the temp directory keeps it
        }
      }
    });
  }
  leftFiles.push(...files);
}

const handleKey = (h: OpenHandle): string => `${h.family}:${h.kind}:${h.handle}`;

/**
 * A Subject on native + doubles. `family` names the family the test exercises: its double writes the log (one log
 * per subject; each double DLL keeps its own). Without it, the scenario's only section decides, else 'all'.
 *
 * The fake gives every subject a fresh machine; here the addon, the doubles and their simulated machine (shadow
 * copies) live as long as the process. So a subject sees what it made: handles open and double objects alive when it
 * was created are not its own, and a leak is reported by the test that caused it, not by every test after it.
 */
export function createNativeSubject(scenario: Scenario, family?: Family): Subject {
  const keys = Object.keys(scenario) as Family[];
  const fam = family ?? (keys.length === 1 ? keys[0] : undefined);
  const tag = fam ?? 'all';
  // A directory of this process's own: a log left by an earlier process (Wine reuses pids) must never be read.
  const base = path.join(subjectDir(), `${tag}-${++seq}`);
  fs.writeFileSync(`${base}.scenario.json`, JSON.stringify(scenario));
  process.env.WINOPS_SCENARIO = `${base}.scenario.json`;
  process.env.WINOPS_DOUBLE_LOG = `${base}.log.json`;

  const native = nativeAddon();
  const backend = composeNativeBackend(scenario.axe?.available === false ? { ...native, axe: axeWithoutAxeCore() } : native);
  const before = new Set(backend.openHandles().map(handleKey));
  // Live counts carry over from log to log (they are the process's objects): what is alive now is not this subject's.
  const baseline: Readonly<Record<string, number>> = readLog(fam).live;

  const log = (): DoubleLog => readLog(fam);
  /** Objects of each double class made since this subject was created and still alive. */
  const live = (): Record<string, number> => {
    const now = log().live;
    return Object.fromEntries(Object.entries(now).map(([k, n]) => [k, n - (baseline[k] ?? 0)]));
  };

  const inspect: Inspector = {
    calls: () => contractCalls(log()),
    violations: () => log().violations,
    vssLeftovers: () => log().violations.filter((v) => v.includes('(leftover)')),
    shadowCopies: () => live().shadowCopy ?? 0,
    openHandles: () => {
      const doubles: OpenHandle[] = [];
      for (const [kind, count] of Object.entries(live())) {
        if (PROCESS_LIFETIME.has(kind) || NOT_HANDLES.has(kind)) continue;
        for (let i = 0; i < count; i++) doubles.push({ family: fam ?? familyOfClass(kind), kind: `double:${kind}`, handle: i + 1 });
      }
      return [...backend.openHandles().filter((h) => !before.has(handleKey(h))), ...doubles];
    },
    release: (gate) => {
      // A gate is named after its family ('vss:doSnapshotSet'): that family's double holds it.
      const family = gate.split(':')[0] as Family;
      if (!(family in doubleModule)) throw new RangeError(`release: no double for the gate ${gate}`);
      controlOf().release(doubleModule[family], gate);
    },
    held: () => log().held ?? [],
  };
  return subjectOf(backend, inspect);
}

function familyOfClass(cls: string): Family {
  if (cls.startsWith('IVss') || cls.startsWith('VSS_')) return 'vss';
  if (cls.startsWith('MI_')) return 'mi';
  if (cls === 'Job' || cls === 'Engine') return 'axe';
  return 'imapi2';
}

/** The contract suites' BackendFactory for one family on native + doubles. */
export function nativeBackendFactory(family: Family): BackendFactory {
  return (scenario) => createNativeSubject(scenario, family);
}
