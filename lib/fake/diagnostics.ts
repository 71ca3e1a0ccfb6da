/**
 * The fake's answers to doctor(): a simulated, healthy Windows 11 x64 machine (an elevated administrator with the
 * backup privileges, the services in their default start types, every family's API present). Nothing here is
 * read from the machine the fake runs on; doctor() says so on its first line.
 */
import type { DiagnosticFacts, DiagnosticService } from '../../types/backend';

/** Default start types and states as a fresh Windows 11 install has them (VSS and swprv start on demand). */
const SERVICES: Record<string, Omit<DiagnosticService, 'name'>> = {
  vss: { installed: true, state: 'stopped', startType: 'manual' },
  swprv: { installed: true, state: 'stopped', startType: 'manual' },
  winmgmt: { installed: true, state: 'running', startType: 'auto' },
  winrm: { installed: true, state: 'running', startType: 'auto' },
};

export function fakeDiagnostics(services: readonly string[]): DiagnosticFacts {
  return {
    simulated: true,
    os: { major: 10, minor: 0, build: 22631 },
    wine: null,
    machines: { wow64: false, processMachine: 'x64', nativeMachine: 'x64' },
    addon: null,
    token: {
      elevated: true,
      privileges: [
        { name: 'SeBackupPrivilege', enabled: false },
        { name: 'SeRestorePrivilege', enabled: false },
        { name: 'SeChangeNotifyPrivilege', enabled: true },
      ],
    },
    services: services.map((name) => ({ name, ...(SERVICES[name.toLowerCase()] ?? { installed: false, call: 'OpenServiceW', win32Error: 1060 }) })),
    probes: {
      vss: { call: 'CreateVssBackupComponentsInternal', hresult: 0 },
      mi: { call: 'LoadLibraryExW(mi.dll)', hresult: 0 },
      imapi2: { call: 'CoCreateInstance(MsftDiscMaster2)', hresult: 0 },
    },
    comSecurityHr: null,
  };
}
