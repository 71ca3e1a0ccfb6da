/**
 * doctor(): what a user or a support engineer needs to know first about where winops runs, one line per check, each
 * with a plain next step when something is missing. Every line comes from a real call: the backend's diagnostics()
 * (on native the addon's probes, native/diag/system.cc and the three family probes; on the fake its simulated
 * machine, said on the first line), the family APIs themselves (recorders, AXE availability, the VSS providers over
 * MI) and the running process (process.versions). `winops doctor` prints it (lib/cli/commands/doctor.ts).
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Backend, DiagnosticFacts, DiagnosticFailure, DiagnosticService } from '../types/backend';
import { resolveBackend, type BackendChoice } from './backend';
import { describeHresult, toHex } from './codes';
import { Imapi2 } from './imapi2';
import { Mi } from './mi';

export type DoctorStatus = 'ok' | 'missing' | 'warn' | 'error';

export interface DoctorCheck {
  readonly check: string;
  readonly status: DoctorStatus;
  readonly detail: string;
  /** What to do about it; present when the status is not 'ok'. */
  readonly next?: string;
}

export interface DoctorReport {
  readonly backend: string;
  readonly simulated: boolean;
  readonly checks: readonly DoctorCheck[];
  /** True when no check is 'error' (`winops doctor` exits 0). */
  readonly ok: boolean;
}

export interface DoctorOptions {
  /** 'fake', 'native' or a Backend. Default: as createWinops (WINOPS_BACKEND, else native on Windows). */
  readonly backend?: BackendChoice;
  /** Per MI call (the VSS providers query), in ms. Default 15000. */
  readonly timeout?: number;
}

/** The services doctor asks the service control manager about (names as `sc query` takes them). */
export const DOCTOR_SERVICES = ['VSS', 'swprv', 'Winmgmt', 'WinRM'] as const;

/** S_OK; RPC_E_TOO_LATE (CoInitializeSecurity after the host had set security, winerror.h). */
const RPC_E_TOO_LATE = 0x80010119;
const REGDB_E_CLASSNOTREG = 0x80040154;
/** N-API version the addon is built for (binding.gyp / CMakeLists.txt NAPI_VERSION). */
const ADDON_NAPI_VERSION = 8;

function isFailure(x: unknown): x is DiagnosticFailure {
  return typeof x === 'object' && x !== null && !Array.isArray(x) && ('win32Error' in x || 'hresult' in x);
}

function failureText(f: DiagnosticFailure): string {
  if (f.win32Error !== undefined) return `${f.call} failed (Win32 error ${f.win32Error})`;
  return `${f.call} failed (${toHex(f.hresult ?? 0)})`;
}

function hrText(hr: number): string {
  const d = describeHresult(hr);
  return d.code ? `${d.code} (${d.hex})` : d.hex;
}

/** The manifest scripts/build-win.sh writes beside the prebuild (prebuilds/win32-x64/manifest.json). */
export interface PrebuildManifest {
  readonly file: string;
  readonly sha256: string;
  readonly size: number;
  readonly commit?: string;
  readonly toolchain?: string;
}

export function readPrebuildManifest(addonPath: string): PrebuildManifest | undefined {
  const file = join(dirname(addonPath), 'manifest.json');
  if (!existsSync(file)) return undefined;
  try {
    const m = JSON.parse(readFileSync(file, 'utf8')) as PrebuildManifest;
    return m.file === basename(addonPath) ? m : undefined;
  } catch {
    return undefined;
  }
}

function addonChecks(facts: DiagnosticFacts): DoctorCheck[] {
  if (facts.addon === null) {
    return [{ check: 'addon', status: 'warn', detail: 'none loaded: the fake backend is pure TypeScript', next: 'on Windows run with --backend native (or WINOPS_BACKEND=native) to check the real addon' }];
  }
  if (isFailure(facts.addon)) return [{ check: 'addon', status: 'error', detail: failureText(facts.addon), next: 'report this with the output of `winops doctor --json`' }];
  // The path Windows gives is a Windows path; node reads it on Windows (and under Wine) as it is.
  const path = facts.addon.path;
  let sha256: string;
  try {
    sha256 = createHash('sha256').update(readFileSync(path)).digest('hex');
  } catch (e) {
    return [{ check: 'addon', status: 'warn', detail: `loaded from ${path}; its SHA-256 could not be read (${e instanceof Error ? e.message : String(e)})`, next: 'check that the file is readable' }];
  }
  const manifest = readPrebuildManifest(path);
  const loaded: DoctorCheck = { check: 'addon', status: 'ok', detail: `loaded from ${path}, SHA-256 ${sha256}` };
  if (!manifest) {
    return [loaded, { check: 'addon build', status: 'warn', detail: 'no prebuild manifest beside it: a build from source (node-gyp/MSVC) or a development build, not the shipped prebuild', next: 'for the tested binary install the package as published (prebuilds/win32-x64 and its manifest.json)' }];
  }
  if (manifest.sha256 !== sha256) {
    return [loaded, { check: 'addon build', status: 'error', detail: `SHA-256 differs from manifest.json's ${manifest.sha256}: the file is not the one the package shipped`, next: 'reinstall winops (npm install --ignore-scripts winops works) and do not replace files under prebuilds/' }];
  }
  return [loaded, { check: 'addon build', status: 'ok', detail: `the shipped prebuild (matches manifest.json${manifest.commit ? `, built from ${manifest.commit}` : ''}${manifest.toolchain ? ` with ${manifest.toolchain}` : ''})` }];
}

function serviceCheck(services: DiagnosticFacts['services'], name: string, role: string, whenStopped: (s: DiagnosticService) => DoctorCheck): DoctorCheck {
  const check = `${name} service`;
  if (isFailure(services)) return { check, status: 'warn', detail: failureText(services), next: 'the service control manager could not be asked: run `sc query ' + name + '`' };
  const s = services.find((x) => x.name.toLowerCase() === name.toLowerCase());
  if (!s) return { check, status: 'warn', detail: 'not asked', next: 'report this with the output of `winops doctor --json`' };
  if (s.installed === false) return { check, status: 'missing', detail: `not installed (${role})`, next: `${role} needs the ${name} service; it is part of Windows: check the edition and \`sc query ${name}\`` };
  if (s.installed === null) return { check, status: 'warn', detail: `could not be opened (${s.call ?? 'OpenServiceW'}: Win32 error ${s.win32Error ?? '?'})`, next: `run \`sc query ${name}\` to see it` };
  if (s.startType === 'disabled') return { check, status: 'error', detail: `disabled (${role})`, next: `enable it: sc config ${name} start= demand (as administrator)` };
  if (s.state === 'running') return { check, status: 'ok', detail: `running, start ${s.startType ?? 'unknown'}` };
  return whenStopped(s);
}

async function providersCheck(backend: Backend, timeout: number): Promise<DoctorCheck> {
  const check = 'VSS providers';
  try {
    const session = await new Mi(() => backend).openSession({ timeout });
    try {
      const rows = await session.query('SELECT Name, Version, ID FROM Win32_ShadowProvider', { timeout }).toArray();
      if (rows.length === 0) return { check, status: 'missing', detail: 'Win32_ShadowProvider has no instances', next: 'the system provider (swprv) should be listed: check `vssadmin list providers` as administrator' };
      return { check, status: 'ok', detail: rows.map((r) => `${String(r.Name)} ${String(r.Version ?? '')}`.trim()).join('; ') };
    } finally {
      await session.close();
    }
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    return { check, status: 'warn', detail: `could not be listed over MI (Win32_ShadowProvider): ${typeof code === 'string' ? code : e instanceof Error ? e.message : String(e)}`, next: 'run `vssadmin list providers` as administrator' };
  }
}

/** Runs every check. Never throws for what it finds; a bad option is a TypeError. */
export async function doctor(options: DoctorOptions = {}): Promise<DoctorReport> {
  if (typeof options !== 'object' || options === null) throw new TypeError('doctor: options must be an object');
  const timeout = options.timeout ?? 15_000;
  if (typeof timeout !== 'number' || !Number.isFinite(timeout) || timeout <= 0) throw new RangeError('doctor: options.timeout must be a positive number of ms');
  const backend = resolveBackend(options.backend);
  const checks: DoctorCheck[] = [];
  const add = (c: DoctorCheck): void => void checks.push(c);

  if (typeof backend.diagnostics !== 'function') {
    add({ check: 'backend', status: 'warn', detail: `${backend.name}: a backend without diagnostics(), nothing else can be checked`, next: 'run doctor with { backend: "native" } or "fake"' });
    return { backend: backend.name, simulated: false, checks, ok: true };
  }
  const facts = await backend.diagnostics(DOCTOR_SERVICES);
  add(facts.simulated
    ? { check: 'backend', status: 'warn', detail: 'fake: every line below is the SIMULATED machine, not this one', next: 'on Windows run `winops doctor --backend native` for the real checks' }
    : { check: 'backend', status: 'ok', detail: `${backend.name} (the winops addon over the Windows APIs)` });

  // OS and architecture.
  if (isFailure(facts.os)) add({ check: 'os', status: 'warn', detail: failureText(facts.os) });
  else {
    const v = `Windows ${facts.os.major}.${facts.os.minor}.${facts.os.build}`;
    if (facts.wine !== null) add({ check: 'os', status: 'warn', detail: `${v} as reported by Wine ${facts.wine}`, next: 'Wine is not Windows: the real services are absent unless test doubles stand in for them' });
    else if (facts.os.major < 10) add({ check: 'os', status: 'error', detail: `${v}: Node 20 and later need Windows 10 / Server 2016 or later`, next: 'upgrade Windows' });
    else add({ check: 'os', status: 'ok', detail: v });
  }
  if (isFailure(facts.machines)) add({ check: 'architecture', status: 'warn', detail: `${failureText(facts.machines)} (before Windows 10 1709); process.arch ${process.arch}` });
  else {
    const m = facts.machines;
    const detail = `process ${m.wow64 ? m.processMachine : m.nativeMachine}, machine ${m.nativeMachine}${m.wow64 ? ', under WOW64' : ''}`;
    if (m.wow64) add({ check: 'architecture', status: 'warn', detail, next: `a 32-bit process on ${m.nativeMachine} Windows: only win32-x64 is prebuilt and tested; install the ${m.nativeMachine} Node` });
    else if (m.nativeMachine !== 'x64') add({ check: 'architecture', status: 'warn', detail, next: `${m.nativeMachine} is built from source only and untested (docs/install.md); win32-x64 is the tested build` });
    else add({ check: 'architecture', status: 'ok', detail });
  }

  // The host.
  const napi = Number(process.versions.napi ?? 0);
  const host = `Node ${process.version}${process.versions.electron ? `, Electron ${process.versions.electron}` : ''}, N-API ${process.versions.napi ?? 'none'}`;
  if (napi < ADDON_NAPI_VERSION) add({ check: 'host', status: 'error', detail: `${host}: the addon needs N-API ${ADDON_NAPI_VERSION}`, next: 'use Node 20 or later (or an Electron built on it)' });
  else add({ check: 'host', status: 'ok', detail: host });
  for (const c of addonChecks(facts)) add(c);

  // Token.
  if (isFailure(facts.token)) add({ check: 'elevation', status: 'warn', detail: failureText(facts.token) });
  else {
    const t = facts.token;
    if (t.elevated === true) add({ check: 'elevation', status: 'ok', detail: 'elevated (administrator token)' });
    else if (t.elevated === false) add({ check: 'elevation', status: 'missing', detail: 'not elevated', next: 'VSS snapshots need an elevated prompt: "Run as administrator"' });
    else add({ check: 'elevation', status: 'warn', detail: 'TokenElevation could not be read' });
    const have = (n: string) => t.privileges.find((p) => p.name === n);
    const b = have('SeBackupPrivilege'), r = have('SeRestorePrivilege');
    const names = [b && `SeBackupPrivilege${b.enabled ? ' (enabled)' : ' (held, disabled until used)'}`, r && `SeRestorePrivilege${r.enabled ? ' (enabled)' : ' (held, disabled until used)'}`].filter(Boolean).join(', ');
    if (b && r) add({ check: 'backup privileges', status: 'ok', detail: names });
    else add({ check: 'backup privileges', status: 'missing', detail: names ? `only ${names}` : 'neither SeBackupPrivilege nor SeRestorePrivilege is in the token', next: 'run elevated as a member of Administrators or Backup Operators' });
  }

  // VSS.
  add(serviceCheck(facts.services, 'VSS', 'VSS snapshots', (s) => ({ check: 'VSS service', status: 'ok', detail: `${s.state ?? 'state unknown'}, start ${s.startType ?? 'unknown'} (it starts on demand)` })));
  const vp = facts.probes.vss;
  if (vp.hresult === 0) add({ check: 'VSS API', status: 'ok', detail: `${vp.call} succeeded (created and released)` });
  else add({ check: 'VSS API', status: vp.hresult === 0x80004001 ? 'missing' : 'error', detail: `${vp.call}: ${hrText(vp.hresult)}`, next: vp.hresult === 0x80070005 ? 'run elevated (VSS refuses a non-administrator)' : 'winops explain ' + toHex(vp.hresult) });
  add(await providersCheck(backend, timeout));

  // MI and WinRM.
  const mp = facts.probes.mi;
  if (mp.hresult === 0) add({ check: 'mi.dll', status: 'ok', detail: `${mp.call} found MI_Application_InitializeV1` });
  else add({ check: 'mi.dll', status: 'missing', detail: `${mp.call}: ${hrText(mp.hresult)}`, next: 'mi.dll is part of Windows 8 / Server 2012 and later (Windows Management Framework 3.0 before)' });
  add(serviceCheck(facts.services, 'Winmgmt', 'local MI queries', (s) => ({ check: 'Winmgmt service', status: 'ok', detail: `${s.state ?? 'state unknown'}, start ${s.startType ?? 'unknown'} (started by the first query)` })));
  add(serviceCheck(facts.services, 'WinRM', 'remote MI sessions over WS-Management', (s) => ({ check: 'WinRM service', status: 'warn', detail: `${s.state ?? 'state unknown'}, start ${s.startType ?? 'unknown'}`, next: 'needed only for --computer over WinRM: winrm quickconfig (as administrator)' })));

  // IMAPI2.
  const ip = facts.probes.imapi2;
  if (ip.hresult === 0) {
    add({ check: 'IMAPI2 classes', status: 'ok', detail: `${ip.call} succeeded` });
    try {
      const n = (await new Imapi2(() => backend).listRecorders()).length;
      add(n > 0 ? { check: 'recorders', status: 'ok', detail: `${n} recorder${n === 1 ? '' : 's'}` } : { check: 'recorders', status: 'missing', detail: 'no disc recorder', next: 'connect an optical drive that can write to burn discs' });
    } catch (e) {
      const code = (e as { code?: unknown }).code;
      add({ check: 'recorders', status: 'error', detail: `listRecorders failed: ${typeof code === 'string' ? code : e instanceof Error ? e.message : String(e)}`, next: 'winops recorders --verbose' });
    }
  } else {
    add({ check: 'IMAPI2 classes', status: 'missing', detail: `${ip.call}: ${hrText(ip.hresult)}`, next: ip.hresult === REGDB_E_CLASSNOTREG ? 'IMAPI2 is not registered: on Windows Server add the feature (Install-WindowsFeature ... ) or use a client edition' : 'winops explain ' + toHex(ip.hresult) });
  }

  // AXE.
  const axe = backend.axe.availability();
  const from = process.env.WINOPS_AXECORE ? `WINOPS_AXECORE=${process.env.WINOPS_AXECORE}` : 'the standard DLL search for AxeCore.dll';
  if (axe.available) add({ check: 'AXE', status: 'ok', detail: facts.simulated ? 'available (simulated)' : `available, AxeCore.dll from ${from}` });
  else add({ check: 'AXE', status: 'missing', detail: axe.reason, next: 'install the Windows Assessment Toolkit (Windows ADK) and, if it is not on the DLL search path, set WINOPS_AXECORE to AxeCore.dll' });

  // COM security of the process.
  const cs = facts.comSecurityHr;
  if (cs === null) add({ check: 'COM security', status: 'ok', detail: 'not set by winops yet (CoInitializeSecurity is called with the first VSS components)' });
  else if (cs === 0) add({ check: 'COM security', status: 'ok', detail: 'set by winops (CoInitializeSecurity succeeded)' });
  else if (cs === RPC_E_TOO_LATE) add({ check: 'COM security', status: 'warn', detail: 'the host had already set the process COM security (RPC_E_TOO_LATE): winops uses what the host chose', next: "if VSS writers fail to call back, the host's CoInitializeSecurity needs impersonation level IMPERSONATE or higher" });
  else add({ check: 'COM security', status: 'error', detail: `CoInitializeSecurity: ${hrText(cs)}`, next: 'winops explain ' + toHex(cs) });

  return { backend: backend.name, simulated: facts.simulated, checks, ok: !checks.some((c) => c.status === 'error') };
}
