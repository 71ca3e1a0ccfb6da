import { join } from 'node:path';
import type { Backend, DiagnosticFacts } from '../../types/backend';
import { BackendUnavailableError } from '../errors';
import { NativeAxeBackend, type NativeAxe } from './axe';
import { NativeImapi, type NativeImapi2 } from './imapi2';
import { NativeVssBackend, type NativeVss } from './vss';
import { NativeMiBackend, type NativeMi } from './mi';

/** The package root (dist/lib/native/index.js or lib/native/index.ts -> three or two levels up). */
function packageRoot(): string {
  return __dirname.includes(`${join('dist', 'lib')}`) ? join(__dirname, '..', '..', '..') : join(__dirname, '..', '..');
}

/**
 * Loads the native addon (prebuilds/ or build/ through node-gyp-build) and returns its backend.
 * Throws BackendUnavailableError with every reason when it cannot.
 */
export function loadNativeBackend(): Backend {
  const root = packageRoot();
  let addon: unknown;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const load = require('node-gyp-build') as (dir: string) => unknown;
    addon = load(root);
  } catch (e) {
    throw new BackendUnavailableError({
      family: 'core',
      code: 'WINOPS_NATIVE_UNAVAILABLE',
      hresult: undefined,
      call: 'loadNativeBackend',
      message: `the winops native addon could not be loaded from ${root} (${e instanceof Error ? e.message : String(e)}). ` +
        `It ships prebuilt for win32-x64; elsewhere use { backend: 'fake' } or WINOPS_BACKEND=fake.`,
      cause: e,
    });
  }
  return composeNativeBackend(addon as NativeAddon);
}

/** What the addon exports, family by family (each family's adapter lives beside this file). */
export interface NativeAddon {
  /** native/diag: the probes doctor() reports (systemProbe is native/diag/system.cc). */
  readonly diag?: NativeDiag;
  readonly imapi2?: NativeImapi2;
  readonly axe?: NativeAxe;
  readonly vss?: NativeVss;
  readonly mi?: NativeMi;
}

/** The addon's `diag` object, as far as doctor() uses it (native/diag/diag.cc). */
export interface NativeDiag {
  systemProbe(services: readonly string[]): Omit<DiagnosticFacts, 'simulated' | 'wine' | 'probes' | 'comSecurityHr'>;
  wineVersion(): string | null;
  vssCreateProbe(): Promise<{ call: string; hresult: number }>;
  miLoadProbe(): Promise<{ call: string; hresult: number }>;
  imapi2Probe(): Promise<{ call: string; hresult: number }>;
}

/** doctor()'s facts from the addon: the system probe, the three family probes, then the VSS backend's stats. */
async function nativeDiagnostics(addon: NativeAddon, services: readonly string[]): Promise<DiagnosticFacts> {
  const diag = addon.diag;
  if (!diag || typeof diag.systemProbe !== 'function') {
    throw new BackendUnavailableError({ family: 'core', code: 'WINOPS_NATIVE_INCOMPLETE', hresult: undefined, call: 'diag.systemProbe', message: 'this build of the winops addon has no diag.systemProbe (built before doctor existed?)' });
  }
  const sys = diag.systemProbe([...services]);
  const probe = async (p: () => Promise<{ call: string; hresult: number }>) => {
    const r = await p();
    return { call: r.call, hresult: r.hresult >>> 0 };
  };
  const [vss, mi, imapi2] = await Promise.all([probe(() => diag.vssCreateProbe()), probe(() => diag.miLoadProbe()), probe(() => diag.imapi2Probe())]);
  const stats = addon.vss?.stats();
  return {
    simulated: false,
    os: sys.os,
    wine: diag.wineVersion(),
    machines: sys.machines,
    addon: sys.addon,
    token: sys.token,
    services: sys.services,
    probes: { vss, mi, imapi2 },
    comSecurityHr: stats?.comSecurityHr === null || stats?.comSecurityHr === undefined ? null : stats.comSecurityHr >>> 0,
  };
}

/** A family this build of the addon does not provide: every call throws WINOPS_NATIVE_INCOMPLETE. */
function missingFamily<T extends object>(family: string): T {
  return new Proxy({} as T, {
    get(_target, prop) {
      if (typeof prop !== 'string' || prop === 'then') return undefined;
      return () => {
        throw new BackendUnavailableError({
          family: 'core',
          code: 'WINOPS_NATIVE_INCOMPLETE',
          hresult: undefined,
          call: `${family}.${prop}`,
          message: `the winops native addon in this build does not implement ${family} yet (${family}.${prop}).`,
        });
      };
    },
  });
}

/**
 * The Backend over an addon's exports. Exported for the native tests, which load a second build of the
 * addon (against the AXE stand-in header) through it; everyone else goes through loadNativeBackend().
 */
export function composeNativeBackend(addon: NativeAddon): Backend {
  const imapi2 = addon.imapi2 ? new NativeImapi(addon.imapi2) : undefined;
  const axe = addon.axe ? new NativeAxeBackend(addon.axe) : undefined;
  const vss = addon.vss ? new NativeVssBackend(addon.vss) : undefined;
  const mi = addon.mi ? new NativeMiBackend(addon.mi) : undefined;
  return {
    name: 'native',
    vss: vss ?? missingFamily<Backend['vss']>('vss'),
    mi: mi ?? missingFamily<Backend['mi']>('mi'),
    imapi2: imapi2 ?? missingFamily<Backend['imapi2']>('imapi2'),
    axe: axe ?? missingFamily<Backend['axe']>('axe'),
    openHandles: () => [...(vss?.openHandles() ?? []), ...(mi?.openHandles() ?? []), ...(imapi2?.openHandles() ?? []), ...(axe?.openHandles() ?? [])],
    diagnostics: (services) => nativeDiagnostics(addon, services),
  };
}
