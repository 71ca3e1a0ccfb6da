// diag.systemProbe(serviceNames): the facts `winops doctor` reports about the process and the machine, each
// from one Windows call, each with the call's own error when it fails (data, never an exception).
//
// Sources (learn.microsoft.com, sdk-api):
//   RtlGetVersion           wdm.h / ntddk: fills RTL_OSVERSIONINFOW; unlike GetVersionEx it is not subject to
//                           the application manifest's compatibility shim. Exported by ntdll.dll.
//   IsWow64Process2         wow64apiset/nf-wow64apiset-iswow64process2: pProcessMachine is
//                           IMAGE_FILE_MACHINE_UNKNOWN when the process is not under WOW64; pNativeMachine is the
//                           host's architecture. Windows 10 1709+, so it is looked up with GetProcAddress.
//   GetTokenInformation     securitybaseapi/nf-securitybaseapi-gettokeninformation, TokenElevation
//                           (TOKEN_ELEVATION.TokenIsElevated) and TokenPrivileges (TOKEN_PRIVILEGES,
//                           SE_PRIVILEGE_ENABLED); names by LookupPrivilegeNameW (winbase.h).
//   OpenSCManagerW / OpenServiceW / QueryServiceStatusEx / QueryServiceConfigW   winsvc.h: SERVICE_STATUS_PROCESS
//                           dwCurrentState, QUERY_SERVICE_CONFIGW dwStartType; OpenServiceW fails with
//                           ERROR_SERVICE_DOES_NOT_EXIST when the service is not installed.
//   GetModuleHandleExW      libloaderapi: GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS | ..._UNCHANGED_REFCOUNT gives
//                           the module holding an address (this file's function: the addon itself);
//                           GetModuleFileNameW its path.
#include <napi.h>

#include <cstring>
#include <string>
#include <vector>

#include "common/args.h"
#include "common/utf.h"
#include "common/win.h"
#include "diag/system.h"

namespace winops::diag {
namespace {

double Num(DWORD v) { return static_cast<double>(v); }

Napi::Object Win32Failure(Napi::Env env, const char* call, DWORD err) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("call", call);
  o.Set("win32Error", Num(err));
  return o;
}

const char* MachineName(USHORT m) {
  switch (m) {
    case IMAGE_FILE_MACHINE_UNKNOWN: return "none";
    case IMAGE_FILE_MACHINE_I386: return "ia32";
    case IMAGE_FILE_MACHINE_AMD64: return "x64";
    case IMAGE_FILE_MACHINE_ARM64: return "arm64";
    case IMAGE_FILE_MACHINE_ARMNT: return "arm";
    default: return "other";
  }
}

Napi::Value OsVersion(Napi::Env env) {
  using RtlGetVersionFn = LONG(WINAPI*)(PRTL_OSVERSIONINFOW);
  HMODULE ntdll = ::GetModuleHandleW(L"ntdll.dll");
  FARPROC p = ntdll ? ::GetProcAddress(ntdll, "RtlGetVersion") : nullptr;
  if (!p) return Win32Failure(env, "GetProcAddress(RtlGetVersion)", ::GetLastError());
  RtlGetVersionFn fn;
  std::memcpy(&fn, &p, sizeof fn);
  RTL_OSVERSIONINFOW v{};
  v.dwOSVersionInfoSize = sizeof v;
  const LONG status = fn(&v);
  Napi::Object o = Napi::Object::New(env);
  o.Set("call", "RtlGetVersion");
  if (status != 0) {
    o.Set("hresult", static_cast<double>(static_cast<uint32_t>(status)));  // an NTSTATUS, never expected
  } else {
    o.Set("major", Num(v.dwMajorVersion));
    o.Set("minor", Num(v.dwMinorVersion));
    o.Set("build", Num(v.dwBuildNumber));
    o.Set("servicePack", WideToUtf8(v.szCSDVersion));
  }
  return o;
}

Napi::Value Machines(Napi::Env env) {
  using IsWow64Process2Fn = BOOL(WINAPI*)(HANDLE, USHORT*, USHORT*);
  HMODULE k32 = ::GetModuleHandleW(L"kernel32.dll");
  FARPROC p = k32 ? ::GetProcAddress(k32, "IsWow64Process2") : nullptr;
  if (!p) return Win32Failure(env, "GetProcAddress(IsWow64Process2)", ::GetLastError());
  IsWow64Process2Fn fn;
  std::memcpy(&fn, &p, sizeof fn);
  USHORT process = 0, native = 0;
  if (!fn(::GetCurrentProcess(), &process, &native)) return Win32Failure(env, "IsWow64Process2", ::GetLastError());
  Napi::Object o = Napi::Object::New(env);
  o.Set("call", "IsWow64Process2");
  o.Set("wow64", process != IMAGE_FILE_MACHINE_UNKNOWN);
  o.Set("processMachine", MachineName(process));
  o.Set("nativeMachine", MachineName(native));
  return o;
}

Napi::Value Token(Napi::Env env) {
  HANDLE raw = nullptr;
  if (!::OpenProcessToken(::GetCurrentProcess(), TOKEN_QUERY, &raw)) return Win32Failure(env, "OpenProcessToken", ::GetLastError());
  struct Closer { HANDLE h; ~Closer() { ::CloseHandle(h); } } closer{raw};
  Napi::Object o = Napi::Object::New(env);
  o.Set("call", "GetTokenInformation");
  TOKEN_ELEVATION elevation{};
  DWORD len = 0;
  if (::GetTokenInformation(raw, TokenElevation, &elevation, sizeof elevation, &len)) {
    o.Set("elevated", elevation.TokenIsElevated != 0);
  } else {
    o.Set("elevated", env.Null());
    o.Set("elevationError", Num(::GetLastError()));
  }
  // TokenPrivileges: first call for the size (fails with ERROR_INSUFFICIENT_BUFFER), second for the data.
  len = 0;
  ::GetTokenInformation(raw, TokenPrivileges, nullptr, 0, &len);
  std::vector<unsigned char> buf(len > 0 ? len : sizeof(TOKEN_PRIVILEGES));
  Napi::Array privileges = Napi::Array::New(env);
  if (len > 0 && ::GetTokenInformation(raw, TokenPrivileges, buf.data(), len, &len)) {
    const auto* tp = reinterpret_cast<const TOKEN_PRIVILEGES*>(buf.data());
    uint32_t n = 0;
    for (DWORD i = 0; i < tp->PrivilegeCount; ++i) {
      LUID luid = tp->Privileges[i].Luid;
      wchar_t name[128];
      DWORD cch = 128;
      if (!::LookupPrivilegeNameW(nullptr, &luid, name, &cch)) continue;
      Napi::Object pr = Napi::Object::New(env);
      pr.Set("name", WideToUtf8(std::wstring_view(name, cch)));
      pr.Set("enabled", (tp->Privileges[i].Attributes & SE_PRIVILEGE_ENABLED) != 0);
      privileges.Set(n++, pr);
    }
  } else {
    o.Set("privilegesError", Num(::GetLastError()));
  }
  o.Set("privileges", privileges);
  return o;
}

const char* StateName(DWORD s) {
  switch (s) {
    case SERVICE_STOPPED: return "stopped";
    case SERVICE_START_PENDING: return "start-pending";
    case SERVICE_STOP_PENDING: return "stop-pending";
    case SERVICE_RUNNING: return "running";
    case SERVICE_CONTINUE_PENDING: return "continue-pending";
    case SERVICE_PAUSE_PENDING: return "pause-pending";
    case SERVICE_PAUSED: return "paused";
    default: return "unknown";
  }
}

const char* StartName(DWORD t) {
  switch (t) {
    case SERVICE_BOOT_START: return "boot";
    case SERVICE_SYSTEM_START: return "system";
    case SERVICE_AUTO_START: return "auto";
    case SERVICE_DEMAND_START: return "manual";
    case SERVICE_DISABLED: return "disabled";
    default: return "unknown";
  }
}

Napi::Value Service(Napi::Env env, SC_HANDLE scm, const std::string& name) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("name", name);
  const std::wstring wide = Utf8ToWide(name);
  SC_HANDLE svc = ::OpenServiceW(scm, wide.c_str(), SERVICE_QUERY_STATUS | SERVICE_QUERY_CONFIG);
  if (!svc) {
    const DWORD err = ::GetLastError();
    o.Set("installed", err == ERROR_SERVICE_DOES_NOT_EXIST ? Napi::Value(Napi::Boolean::New(env, false)) : env.Null());
    o.Set("call", "OpenServiceW");
    o.Set("win32Error", Num(err));
    return o;
  }
  o.Set("installed", true);
  SERVICE_STATUS_PROCESS st{};
  DWORD needed = 0;
  if (::QueryServiceStatusEx(svc, SC_STATUS_PROCESS_INFO, reinterpret_cast<LPBYTE>(&st), sizeof st, &needed)) {
    o.Set("state", StateName(st.dwCurrentState));
  } else {
    o.Set("call", "QueryServiceStatusEx");
    o.Set("win32Error", Num(::GetLastError()));
  }
  needed = 0;
  ::QueryServiceConfigW(svc, nullptr, 0, &needed);
  if (needed > 0) {
    std::vector<unsigned char> buf(needed);
    auto* cfg = reinterpret_cast<QUERY_SERVICE_CONFIGW*>(buf.data());
    if (::QueryServiceConfigW(svc, cfg, needed, &needed)) o.Set("startType", StartName(cfg->dwStartType));
  }
  ::CloseServiceHandle(svc);
  return o;
}

Napi::Value Services(Napi::Env env, const std::vector<std::string>& names) {
  SC_HANDLE scm = ::OpenSCManagerW(nullptr, nullptr, SC_MANAGER_CONNECT);
  if (!scm) return Win32Failure(env, "OpenSCManagerW", ::GetLastError());
  Napi::Array list = Napi::Array::New(env);
  uint32_t i = 0;
  for (const auto& n : names) list.Set(i++, Service(env, scm, n));
  ::CloseServiceHandle(scm);
  return list;
}

Napi::Value AddonPath(Napi::Env env) {
  HMODULE self = nullptr;
  if (!::GetModuleHandleExW(GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS | GET_MODULE_HANDLE_EX_FLAG_UNCHANGED_REFCOUNT,
                            reinterpret_cast<LPCWSTR>(&AddonPath), &self)) {
    return Win32Failure(env, "GetModuleHandleExW", ::GetLastError());
  }
  std::wstring path(MAX_PATH, L'\0');
  for (;;) {
    const DWORD n = ::GetModuleFileNameW(self, path.data(), static_cast<DWORD>(path.size()));
    if (n == 0) return Win32Failure(env, "GetModuleFileNameW", ::GetLastError());
    if (n < path.size()) {
      path.resize(n);
      break;
    }
    path.resize(path.size() * 2);
  }
  Napi::Object o = Napi::Object::New(env);
  o.Set("call", "GetModuleFileNameW");
  o.Set("path", WideToUtf8(path));
  return o;
}

}  // namespace

Napi::Value SystemProbe(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::vector<std::string> names;
  const Napi::Value arg = args::At(info, 0);
  if (!arg.IsUndefined()) {
    if (!arg.IsArray()) args::TypeFail(arg, "systemProbe: serviceNames", "an array of strings");
    const Napi::Array a = arg.As<Napi::Array>();
    for (uint32_t i = 0; i < a.Length(); ++i) {
      const Napi::Value v = a.Get(i);
      if (!v.IsString()) args::TypeFail(v, "systemProbe: serviceNames[" + std::to_string(i) + "]", "a string");
      names.push_back(v.As<Napi::String>().Utf8Value());
    }
  }
  Napi::Object o = Napi::Object::New(env);
  o.Set("os", OsVersion(env));
  o.Set("machines", Machines(env));
  o.Set("token", Token(env));
  o.Set("services", Services(env, names));
  o.Set("addon", AddonPath(env));
  return o;
}

}  // namespace winops::diag
