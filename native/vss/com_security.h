// The process-wide COM security a VSS requester needs, and what became of it (issue 11 item 7).
//
// VSS calls back into the requester (writers and the VSS service call COM interfaces in our process), so
// the process must allow those calls: CoInitializeSecurity (common/apartment.h), as the VSS requester
// security page describes (MicrosoftDocs/win32 desktop-src/VSS/security-considerations-for-requestors.md).
// CoInitializeSecurity can be called once per process and only before any interface was marshalled or
// unmarshalled (winerror.h RPC_E_TOO_LATE: "Security must be initialized before any interfaces are
// marshalled or unmarshalled. It cannot be changed once initialized."; COM applies default security
// itself when a process marshals without having called it: sdk-api combaseapi/nf-combaseapi-coinitializesecurity,
// Remarks). In a
// host that used COM first (Electron, another addon, our own MI session) it returns RPC_E_TOO_LATE and the
// process keeps the security COM chose: writers running as other accounts (the System Writer runs as
// Network Service) may then be refused when they call back (E_ACCESSDENIED), and the set is not
// application-consistent. That is not a failure of ours to hide: the state is reported (comSecurity() on
// the binding, SnapshotSet.comSecurity and VssError.comSecurity in lib/vss.ts) so the caller, and the
// writer-status check, can act on it.
#pragma once

#include "common/win.h"

namespace winops::vss {

struct ComSecurityState {
  bool called = false;        // EnsureComSecurity ran (the first createBackupComponents)
  HRESULT securityHr = S_OK;  // CoInitializeSecurity: S_OK, or RPC_E_TOO_LATE when it was too late
  HRESULT exceptionHr = S_OK; // IGlobalOptions COMGLB_EXCEPTION_DONOT_HANDLE (DisableComExceptionHandling)
};

// A components thread (in the MTA), before the first VSS call; runs once per process.
void EnsureComSecurity() noexcept;
// Any thread.
ComSecurityState CurrentComSecurity() noexcept;

}  // namespace winops::vss
