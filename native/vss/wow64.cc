#include "vss/wow64.h"

#include <string>

namespace winops::vss {

ProcessArch DetectWow64() noexcept {
  ProcessArch a;
  HMODULE kernel32 = ::GetModuleHandleW(L"kernel32.dll");
  if (!kernel32) return a;
  using IsWow64Process2Fn = BOOL(WINAPI*)(HANDLE, USHORT*, USHORT*);
  using IsWow64ProcessFn = BOOL(WINAPI*)(HANDLE, PBOOL);
  auto wow2 = reinterpret_cast<IsWow64Process2Fn>(
      reinterpret_cast<void*>(::GetProcAddress(kernel32, "IsWow64Process2")));
  if (wow2) {
    USHORT process = 0, native = 0;
    if (wow2(::GetCurrentProcess(), &process, &native)) {
      a.processMachine = process;
      a.nativeMachine = native;
      a.via = "IsWow64Process2";
      return a;
    }
  }
  // Before Windows 10 1709: IsWow64Process (sdk-api wow64apiset/nf-wow64apiset-iswow64process) says only
  // whether the process runs under WOW64; on the x86-on-x64 WOW64 of those versions that is I386 on AMD64.
  auto wow = reinterpret_cast<IsWow64ProcessFn>(
      reinterpret_cast<void*>(::GetProcAddress(kernel32, "IsWow64Process")));
  BOOL under = FALSE;
  if (wow && wow(::GetCurrentProcess(), &under)) {
    a.via = "IsWow64Process";
    if (under) {
      a.processMachine = IMAGE_FILE_MACHINE_I386;
      a.nativeMachine = IMAGE_FILE_MACHINE_AMD64;
    }
  }
  return a;
}

namespace {
const char* MachineName(USHORT m) {
  switch (m) {
    case IMAGE_FILE_MACHINE_I386: return "x86";
    case IMAGE_FILE_MACHINE_AMD64: return "x64";
    case 0xAA64: return "arm64";  // IMAGE_FILE_MACHINE_ARM64
    case IMAGE_FILE_MACHINE_ARMNT: return "arm";
    default: return "unknown";
  }
}
}  // namespace

std::optional<HResultError> Wow64Refusal(const ProcessArch& arch) {
  if (arch.processMachine == IMAGE_FILE_MACHINE_UNKNOWN) return std::nullopt;
  HResultError e;
  e.hresult = static_cast<uint32_t>(HRESULT_FROM_WIN32(ERROR_NOT_SUPPORTED));
  e.call = arch.via;
  e.systemMessage = std::string("this process is ") + MachineName(arch.processMachine) + " on " +
                    MachineName(arch.nativeMachine) +
                    " Windows (WOW64), and VSS does not support requesters running under WOW64: run a native "
                    "build of Node.js or Electron (e.g. x64 on x64 Windows)";
  return e;
}

}  // namespace winops::vss
