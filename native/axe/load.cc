// Loading AxeCore.dll and the process-wide Solution (AxeInitSolution: once per process, AxeCore.dll refuses a
// second init, AXE_E_ALREADY_INIT).
//
// AxeCore.dll is loaded by full path only (issue 11 item 17: a bare "AxeCore.dll" went through the standard
// search, so a DLL of that name in the current directory or on PATH was loaded):
//   - WINOPS_AXECORE, when set, is the one candidate. It must be a full path ("C:\...\AxeCore.dll" or
//     "\\server\share\...\AxeCore.dll"); anything else is refused before any load, naming the variable.
//   - else the Windows ADK's Assessment Toolkit folder: KitsRoot10 under
//     HKLM\SOFTWARE\Microsoft\Windows Kits\Installed Roots (32-bit registry view) +
//     "Assessment and Deployment Kit\Windows Assessment Toolkit\<amd64|x86|arm64>\AxeCore.dll".
//     UNVERIFIED: no Microsoft page we found states that key or that folder layout (the archived AXE docs,
//     desktop-src/axe/, name only "AxeCore.dll"); they are what the ADK installs on the machines we know of.
// Each candidate is loaded with LoadLibraryExW(path, nullptr, LOAD_LIBRARY_SEARCH_DLL_LOAD_DIR |
// LOAD_LIBRARY_SEARCH_SYSTEM32): the file itself, and its dependencies from its own folder and System32 only
// (sdk-api libloaderapi/nf-libloaderapi-loadlibraryexw: DLL_LOAD_DIR needs a fully qualified path; "be sure to use
// backslashes", so '/' in WINOPS_AXECORE is turned into '\'). When nothing loads, the reason lists every path
// tried. The export is looked up undecorated ("AxeInitSolution"), which the docs do not state either.
#include "axe/engine.h"

#include <mutex>
#include <string>
#include <vector>

#include "common/handles.h"
#include "common/utf.h"

namespace winops::axe {
namespace {

using InitFn = decltype(&::AxeInitSolution);

// One per process, never destroyed: AxeCore.dll allows one Solution per process (axe.md), shared by
// every environment (main thread and worker_threads) that loads the addon.
struct Runtime {
  std::mutex mutex;
  bool tried = false;
  UniqueModule dll;
  InitFn init = nullptr;
  std::string loadError;
  DWORD loadErrorCode = ERROR_MOD_NOT_FOUND;  // of the last candidate: LoadLibraryExW's error, ERROR_PROC_NOT_FOUND,
                                              // or ERROR_INVALID_PARAMETER (a WINOPS_AXECORE that is not a full path)
  ah::Solution* solution = nullptr;
  HRESULT initHr = S_OK;
};

Runtime& TheRuntime() {
  static Runtime* runtime = new Runtime();
  return *runtime;
}

constexpr wchar_t kVariable[] = L"WINOPS_AXECORE";
constexpr wchar_t kRootsKey[] = L"SOFTWARE\\Microsoft\\Windows Kits\\Installed Roots";
constexpr char kRootsName[] = "HKLM\\SOFTWARE\\Microsoft\\Windows Kits\\Installed Roots\\KitsRoot10";
#if defined(_M_ARM64) || defined(__aarch64__)
constexpr wchar_t kArch[] = L"arm64";
#elif defined(_M_X64) || defined(__x86_64__)
constexpr wchar_t kArch[] = L"amd64";
#else
constexpr wchar_t kArch[] = L"x86";
#endif

// "X:\..." or "\\..." (UNC, \\?\): what LOAD_LIBRARY_SEARCH_DLL_LOAD_DIR calls fully qualified. "X:file" and
// "\file" depend on the current drive's directory, so they are relative here.
bool IsFullPath(const std::wstring& p) {
  if (p.size() >= 3 && ((p[0] >= L'A' && p[0] <= L'Z') || (p[0] >= L'a' && p[0] <= L'z')) && p[1] == L':' && p[2] == L'\\') return true;
  return p.size() >= 2 && p[0] == L'\\' && p[1] == L'\\';
}

std::wstring EnvVar(const wchar_t* name) {
  const DWORD n = ::GetEnvironmentVariableW(name, nullptr, 0);
  if (n == 0) return std::wstring();
  std::wstring value(n, L'\0');
  value.resize(::GetEnvironmentVariableW(name, value.data(), n));
  return value;
}

// KitsRoot10 (REG_SZ) from the 32-bit view, where the ADK's (32-bit) installer writes it; "" when absent.
std::wstring KitsRoot10() {
  HKEY key = nullptr;
  if (::RegOpenKeyExW(HKEY_LOCAL_MACHINE, kRootsKey, 0, KEY_QUERY_VALUE | KEY_WOW64_32KEY, &key) != ERROR_SUCCESS) return std::wstring();
  std::wstring value;
  DWORD type = 0, bytes = 0;
  if (::RegQueryValueExW(key, L"KitsRoot10", nullptr, &type, nullptr, &bytes) == ERROR_SUCCESS && type == REG_SZ && bytes > 0) {
    std::wstring buf(bytes / sizeof(wchar_t) + 1, L'\0');
    DWORD got = bytes;
    if (::RegQueryValueExW(key, L"KitsRoot10", nullptr, &type, reinterpret_cast<BYTE*>(buf.data()), &got) == ERROR_SUCCESS && type == REG_SZ) {
      buf.resize(got / sizeof(wchar_t));
      while (!buf.empty() && buf.back() == L'\0') buf.pop_back();
      value = buf;
    }
  }
  ::RegCloseKey(key);
  return value;
}

// Under runtime.mutex.
void LoadLocked(Runtime& rt) {
  if (rt.tried) return;
  rt.tried = true;
  std::vector<std::wstring> candidates;
  std::string tried;
  auto note = [&tried](const std::string& what) { tried += (tried.empty() ? "" : "; ") + what; };
  std::wstring fromEnv = EnvVar(kVariable);
  if (!fromEnv.empty()) {
    for (wchar_t& c : fromEnv) {
      if (c == L'/') c = L'\\';
    }
    if (!IsFullPath(fromEnv)) {
      rt.loadErrorCode = ERROR_INVALID_PARAMETER;
      rt.loadError = "WINOPS_AXECORE must be the full path of AxeCore.dll (e.g. C:\\...\\AxeCore.dll), got \"" +
                     WideToUtf8(fromEnv) + "\": a relative path is not loaded (the DLL search could find another file of that name)";
      return;
    }
    candidates.push_back(fromEnv);
  } else {
    std::wstring root = KitsRoot10();
    if (root.empty()) {
      note(std::string(kRootsName) + ": not set");
    } else if (!IsFullPath(root)) {
      note(std::string(kRootsName) + ": not a full path (" + WideToUtf8(root) + ")");
    } else {
      if (root.back() != L'\\') root += L'\\';
      candidates.push_back(root + L"Assessment and Deployment Kit\\Windows Assessment Toolkit\\" + kArch + L"\\AxeCore.dll");
    }
  }
  for (const std::wstring& c : candidates) {
    rt.dll.Reset(::LoadLibraryExW(c.c_str(), nullptr, LOAD_LIBRARY_SEARCH_DLL_LOAD_DIR | LOAD_LIBRARY_SEARCH_SYSTEM32));
    if (!rt.dll) {
      const DWORD err = ::GetLastError();
      rt.loadErrorCode = err;
      note(WideToUtf8(c) + ": " + SystemMessage(HRESULT_FROM_WIN32(err)));
      continue;
    }
    rt.init = rt.dll.Proc<InitFn>("AxeInitSolution");
    if (rt.init) return;
    rt.loadErrorCode = ERROR_PROC_NOT_FOUND;
    note(WideToUtf8(c) + ": no export AxeInitSolution");
    rt.dll.Reset();
  }
  if (candidates.empty()) rt.loadErrorCode = ERROR_MOD_NOT_FOUND;
  rt.loadError = "AxeCore.dll could not be loaded (" + tried +
                 "): install the Windows Assessment Toolkit from the Windows ADK, or set WINOPS_AXECORE "
                 "to the full path of its AxeCore.dll";
}

}  // namespace

ah::Solution* SolutionOrThrow() {
  Runtime& rt = TheRuntime();
  std::lock_guard<std::mutex> lock(rt.mutex);
  LoadLocked(rt);
  if (!rt.init) {
    HResultError e;
    e.hresult = static_cast<uint32_t>(HRESULT_FROM_WIN32(rt.loadErrorCode));
    e.call = "LoadLibraryExW(AxeCore.dll)";
    e.systemMessage = rt.loadError;
    throw AxeException({e, ""});
  }
  if (!rt.solution) {
    ah::SolutionParameters params{};
    params.Size = sizeof params;
    params.Flags = ah::SolutionFlagNone;
    rt.initHr = rt.init(&params, &rt.solution);
    if (FAILED(rt.initHr) || !rt.solution) {
      rt.solution = nullptr;
      throw AxeException(Fail(FAILED(rt.initHr) ? rt.initHr : E_POINTER, "AxeInitSolution"));
    }
  }
  return rt.solution;
}

Napi::Value Availability(const Napi::CallbackInfo& info) {
  Runtime& rt = TheRuntime();
  std::lock_guard<std::mutex> lock(rt.mutex);
  LoadLocked(rt);
  Napi::Object o = Napi::Object::New(info.Env());
  o.Set("available", rt.init != nullptr);
  if (!rt.init) o.Set("reason", rt.loadError);
  return o;
}

}  // namespace winops::axe
