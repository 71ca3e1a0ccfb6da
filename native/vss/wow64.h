// VSS refuses requesters that run under WOW64 (a 32-bit process on 64-bit Windows): "All 32-bit VSS
// applications (requesters, providers, and writers) must run as native 32-bit or 64-bit applications.
// Running them under WOW64 is not supported" (MicrosoftDocs/win32 desktop-src/VSS/
// volume-shadow-copy-service-portal.md, Run-time requirements; support for 32-bit requesters under WOW64
// was removed in Windows Vista). The docs do not say how the refusal shows, so the binding checks first
// and fails with a typed error that says why, before any VSS call (issue 11 item 9).
#pragma once

#include <optional>

#include "common/hresult.h"
#include "common/win.h"

namespace winops::vss {

struct ProcessArch {
  // IsWow64Process2 (sdk-api wow64apiset/nf-wow64apiset-iswow64process2, Windows 10 1709 and later):
  // IMAGE_FILE_MACHINE_UNKNOWN when the process is not under WOW64, else the process's machine;
  // nativeMachine is the system's. With the IsWow64Process fallback: I386 / UNKNOWN.
  USHORT processMachine = 0;
  USHORT nativeMachine = 0;
  const char* via = "none";  // "IsWow64Process2", "IsWow64Process", or "none" (neither answered)
};

// Asks Windows (kernel32, IsWow64Process2 looked up with GetProcAddress, else IsWow64Process). Any thread.
ProcessArch DetectWow64() noexcept;

// The decision, apart from the detection so it can be tested with any machine pair (the binding's
// wow64Refusal() test hook): the error createBackupComponents rejects with, or nothing when the process
// may use VSS. The code is ERROR_NOT_SUPPORTED, the call "IsWow64Process2" (or the fallback's name).
std::optional<HResultError> Wow64Refusal(const ProcessArch& arch);

}  // namespace winops::vss
