// doctor() on the fake and on hand-made facts: every line has a status and a next step where something is missing,
// the fake says it is the fake, and 'error' (only) makes the report not ok.
import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { doctor, DOCTOR_SERVICES, type DoctorCheck } from '../../lib/index';
import { createFakeBackend } from '../../lib/fake/index';
import type { Backend, DiagnosticFacts } from '../../types/backend';

const byName = (checks: readonly DoctorCheck[]): Record<string, DoctorCheck> => Object.fromEntries(checks.map((c) => [c.check, c]));

/** The fake with its diagnostics replaced by `facts` laid over the fake's own. */
async function withFacts(over: Partial<DiagnosticFacts>, scenario = {}): Promise<Backend> {
  const fake = createFakeBackend(scenario);
  const base = await fake.diagnostics(DOCTOR_SERVICES);
  return Object.assign(Object.create(fake) as Backend, { name: 'native', diagnostics: () => Promise.resolve({ ...base, simulated: false, ...over }) });
}

describe('doctor() on the fake', () => {
  it('says first that it is the fake, and covers every area the issue lists', async () => {
    const r = await doctor({ backend: 'fake' });
    expect(r).toMatchObject({ backend: 'fake', simulated: true, ok: true });
    expect(r.checks[0]).toMatchObject({ check: 'backend', status: 'warn', detail: expect.stringMatching(/SIMULATED/) });
    expect(r.checks.map((c) => c.check)).toEqual([
      'backend', 'os', 'architecture', 'host', 'addon', 'elevation', 'backup privileges', 'VSS service', 'VSS API', 'VSS providers',
      'mi.dll', 'Winmgmt service', 'WinRM service', 'IMAPI2 classes', 'recorders', 'AXE', 'COM security',
    ]);
    for (const c of r.checks) {
      expect(['ok', 'missing', 'warn', 'error']).toContain(c.status);
      expect(c.detail.length, c.check).toBeGreaterThan(0);
      if (c.status !== 'ok') expect(c.next, `${c.check} has a next step`).toMatch(/\w/);
    }
    const c = byName(r.checks);
    expect(c['host']!.detail).toBe(`Node ${process.version}, N-API ${process.versions.napi}`);
    expect(c['VSS providers']).toMatchObject({ status: 'ok', detail: 'Microsoft Software Shadow Copy provider 1.0 1.0.0.7' });
    expect(c['recorders']).toMatchObject({ status: 'ok', detail: '1 recorder' });
  });

  it('follows the fake scenario: no recorders, AXE not installed', async () => {
    const r = await doctor({ backend: createFakeBackend({ imapi2: { recorders: [] }, axe: { available: false } }) });
    const c = byName(r.checks);
    expect(c['recorders']).toMatchObject({ status: 'missing', detail: 'no disc recorder' });
    expect(c['AXE']).toMatchObject({ status: 'missing', next: expect.stringMatching(/Assessment Toolkit/) });
    expect(r.ok).toBe(true);
  });

  it('bad options are TypeError / RangeError naming the option', async () => {
    await expect(doctor(null as never)).rejects.toThrow(TypeError);
    await expect(doctor({ backend: 'fake', timeout: 0 })).rejects.toThrow(/options\.timeout/);
  });
});

describe('doctor() turns facts into lines', () => {
  it('not elevated, no backup privileges: missing, with what to do', async () => {
    const r = await doctor({ backend: await withFacts({ token: { elevated: false, privileges: [{ name: 'SeChangeNotifyPrivilege', enabled: true }] } }) });
    const c = byName(r.checks);
    expect(c['elevation']).toMatchObject({ status: 'missing', next: expect.stringMatching(/administrator/) });
    expect(c['backup privileges']).toMatchObject({ status: 'missing', next: expect.stringMatching(/Backup Operators/) });
    expect(r.ok).toBe(true);
  });

  it('a disabled VSS service is an error (ok false); a stopped WinRM a warning', async () => {
    const r = await doctor({
      backend: await withFacts({
        services: [
          { name: 'VSS', installed: true, state: 'stopped', startType: 'disabled' },
          { name: 'swprv', installed: true, state: 'stopped', startType: 'manual' },
          { name: 'Winmgmt', installed: true, state: 'running', startType: 'auto' },
          { name: 'WinRM', installed: true, state: 'stopped', startType: 'manual' },
        ],
      }),
    });
    const c = byName(r.checks);
    expect(c['VSS service']).toMatchObject({ status: 'error', next: 'enable it: sc config VSS start= demand (as administrator)' });
    expect(c['WinRM service']).toMatchObject({ status: 'warn', next: expect.stringMatching(/winrm quickconfig/) });
    expect(r.ok).toBe(false);
  });

  it('what Wine gives without the doubles: E_NOTIMPL, mi.dll missing, IMAPI2 not registered, no services', async () => {
    const r = await doctor({
      backend: await withFacts({
        wine: '8.0',
        services: DOCTOR_SERVICES.map((name) => ({ name, installed: false, call: 'OpenServiceW', win32Error: 1060 })),
        probes: { vss: { call: 'CreateVssBackupComponentsInternal', hresult: 0x80004001 }, mi: { call: 'LoadLibraryExW(mi.dll)', hresult: 0x8007007e }, imapi2: { call: 'CoCreateInstance(MsftDiscMaster2)', hresult: 0x80040154 } },
      }),
    });
    const c = byName(r.checks);
    expect(c['os']).toMatchObject({ status: 'warn', detail: expect.stringMatching(/Wine 8\.0/) });
    expect(c['VSS API']).toMatchObject({ status: 'missing', detail: expect.stringMatching(/E_NOTIMPL/) });
    expect(c['mi.dll']).toMatchObject({ status: 'missing', detail: expect.stringMatching(/0x8007007E/) });
    expect(c['IMAPI2 classes']).toMatchObject({ status: 'missing', detail: expect.stringMatching(/REGDB_E_CLASSNOTREG/) });
    expect(c['recorders']).toBeUndefined();
    expect(c['VSS service']).toMatchObject({ status: 'missing' });
  });

  it('WOW64 and a foreign architecture are warnings that name the tested build', async () => {
    const r = await doctor({ backend: await withFacts({ machines: { wow64: true, processMachine: 'ia32', nativeMachine: 'x64' } }) });
    expect(byName(r.checks)['architecture']).toMatchObject({ status: 'warn', detail: 'process ia32, machine x64, under WOW64', next: expect.stringMatching(/win32-x64/) });
  });

  it('COM security: RPC_E_TOO_LATE is a warning that says the host chose; another failure an error', async () => {
    const late = await doctor({ backend: await withFacts({ comSecurityHr: 0x80010119 }) });
    expect(byName(late.checks)['COM security']).toMatchObject({ status: 'warn', detail: expect.stringMatching(/RPC_E_TOO_LATE/) });
    const bad = await doctor({ backend: await withFacts({ comSecurityHr: 0x80070005 }) });
    expect(byName(bad.checks)['COM security']).toMatchObject({ status: 'error' });
    expect(bad.ok).toBe(false);
  });

  it('the addon: its SHA-256 against manifest.json beside it (shipped, replaced, or a build without one)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'winops-doctor-'));
    try {
      const file = join(dir, 'winops.napi.node');
      writeFileSync(file, 'MZ not really');
      const sha = createHash('sha256').update('MZ not really').digest('hex');
      const none = byName((await doctor({ backend: await withFacts({ addon: { path: file } }) })).checks);
      expect(none['addon']).toMatchObject({ status: 'ok', detail: `loaded from ${file}, SHA-256 ${sha}` });
      expect(none['addon build']).toMatchObject({ status: 'warn', detail: expect.stringMatching(/no prebuild manifest/) });
      writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ file: 'winops.napi.node', sha256: sha, size: 13, commit: 'abc', toolchain: 'x86_64-w64-mingw32-g++-posix (GCC) 12-posix' }));
      const shipped = byName((await doctor({ backend: await withFacts({ addon: { path: file } }) })).checks);
      expect(shipped['addon build']).toMatchObject({ status: 'ok', detail: expect.stringMatching(/the shipped prebuild .*built from abc/) });
      writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ file: 'winops.napi.node', sha256: '0'.repeat(64), size: 13 }));
      const replaced = await doctor({ backend: await withFacts({ addon: { path: file } }) });
      expect(byName(replaced.checks)['addon build']).toMatchObject({ status: 'error' });
      expect(replaced.ok).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a backend without diagnostics() is reported as such', async () => {
    const fake = createFakeBackend();
    const own: Backend = { name: 'mine', vss: fake.vss, mi: fake.mi, imapi2: fake.imapi2, axe: fake.axe, openHandles: () => [] };
    const r = await doctor({ backend: own });
    expect(r.checks).toEqual([expect.objectContaining({ check: 'backend', status: 'warn', detail: expect.stringMatching(/without diagnostics/) })]);
  });
});
