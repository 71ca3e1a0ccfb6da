// control.node: the tests' in-process channel to the Windows test doubles (issue 10). Test code only, never
// shipped. The doubles (vssapi.dll, mi.dll, imapi2_double.dll, AxeCore.dll) are DLLs inside the same node.exe as
// the test; each exports WinopsDoubleSnapshot / WinopsDoubleFree / WinopsDoubleWaitChange
// (test/doubles/common/control_exports.h). This module finds a double by its module name and calls them:
//
//   snapshot(module)                   the double's log as a JSON string (with its version), or null while no
//                                      module of that name is loaded in this process
//   waitChange(module, seen, timeoutMs) a Promise of the log's version once it is past `seen` (or the timeout
//                                      passed); waits on a thread of its own, so the event loop runs meanwhile
//   release(module, gate)              releases a scenario hold of that double (e.g. "vss:doSnapshotSet")
//   loaded(module)                     whether a module of that name is loaded in this process now; unlike the
//                                      others it neither pins the module nor changes its reference count
//
// A double found here is pinned (GET_MODULE_HANDLE_EX_FLAG_PIN): its state must outlive a FreeLibrary by the
// addon or COM (an inproc server may be unloaded) while a test still reads it.
#include <napi.h>

#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#include <windows.h>

#include <string>
#include <thread>

namespace {

using SnapshotFn = char* (*)(size_t*);
using FreeFn = void (*)(char*);
using WaitFn = unsigned long long (*)(unsigned long long, unsigned long);
using ReleaseFn = void (*)(const char*);

struct Double {
  SnapshotFn snapshot = nullptr;
  FreeFn free = nullptr;
  WaitFn wait = nullptr;
  ReleaseFn release = nullptr;
};

std::wstring Wide(const std::string& s) {
  if (s.empty()) return std::wstring();
  const int n = ::MultiByteToWideChar(CP_UTF8, 0, s.data(), static_cast<int>(s.size()), nullptr, 0);
  std::wstring w(static_cast<size_t>(n), L'\0');
  ::MultiByteToWideChar(CP_UTF8, 0, s.data(), static_cast<int>(s.size()), w.data(), n);
  return w;
}

// The double loaded under that module name, or false (not loaded). Throws a message when the module is loaded
// but is not one of our doubles (no control exports), i.e. the real Windows DLL.
bool Find(const std::wstring& name, Double& d, std::string& error) {
  HMODULE m = nullptr;
  if (!::GetModuleHandleExW(GET_MODULE_HANDLE_EX_FLAG_PIN, name.c_str(), &m) || !m) return false;
  d.snapshot = reinterpret_cast<SnapshotFn>(reinterpret_cast<void*>(::GetProcAddress(m, "WinopsDoubleSnapshot")));
  d.free = reinterpret_cast<FreeFn>(reinterpret_cast<void*>(::GetProcAddress(m, "WinopsDoubleFree")));
  d.wait = reinterpret_cast<WaitFn>(reinterpret_cast<void*>(::GetProcAddress(m, "WinopsDoubleWaitChange")));
  d.release = reinterpret_cast<ReleaseFn>(reinterpret_cast<void*>(::GetProcAddress(m, "WinopsDoubleRelease")));
  if (!d.snapshot || !d.free || !d.wait || !d.release) {
    error = "the loaded module is not a winops test double (no WinopsDoubleSnapshot export)";
    return false;
  }
  return true;
}

std::wstring ModuleArg(const Napi::CallbackInfo& info) {
  if (info.Length() < 1 || !info[0].IsString()) throw Napi::TypeError::New(info.Env(), "module must be a string");
  return Wide(info[0].As<Napi::String>().Utf8Value());
}

Napi::Value Snapshot(const Napi::CallbackInfo& info) {
  const std::wstring name = ModuleArg(info);
  Double d;
  std::string error;
  if (!Find(name, d, error)) {
    if (!error.empty()) throw Napi::Error::New(info.Env(), error);
    return info.Env().Null();
  }
  size_t size = 0;
  char* json = d.snapshot(&size);
  Napi::String out = Napi::String::New(info.Env(), json, size);
  d.free(json);
  return out;
}

Napi::Value Release(const Napi::CallbackInfo& info) {
  const std::wstring name = ModuleArg(info);
  if (info.Length() < 2 || !info[1].IsString()) throw Napi::TypeError::New(info.Env(), "release(module, gate): gate must be a string");
  Double d;
  std::string error;
  if (!Find(name, d, error)) {
    throw Napi::Error::New(info.Env(), error.empty() ? "release: the double is not loaded in this process" : error);
  }
  d.release(info[1].As<Napi::String>().Utf8Value().c_str());
  return info.Env().Undefined();
}

struct Waiter {
  Napi::Promise::Deferred deferred;
  Napi::ThreadSafeFunction tsfn;
  unsigned long long result = 0;
  std::string error;
  explicit Waiter(Napi::Env env) : deferred(Napi::Promise::Deferred::New(env)) {}
};

// Waits for the module to load (it is loaded by the addon's first call of it: checked every 5 ms, the one
// place that polls, until then), then for the version to pass `seen`.
void WaitThread(Waiter* w, std::wstring name, unsigned long long seen, unsigned long timeoutMs) {
  const ULONGLONG deadline = ::GetTickCount64() + timeoutMs;
  Double d;
  for (;;) {
    if (Find(name, d, w->error)) {
      const ULONGLONG now = ::GetTickCount64();
      w->result = d.wait(seen, static_cast<unsigned long>(now >= deadline ? 0 : deadline - now));
      break;
    }
    if (!w->error.empty() || ::GetTickCount64() >= deadline) break;
    ::Sleep(5);
  }
  w->tsfn.BlockingCall([w](Napi::Env env, Napi::Function) {
    if (!w->error.empty()) {
      w->deferred.Reject(Napi::Error::New(env, w->error).Value());
    } else {
      w->deferred.Resolve(Napi::Number::New(env, static_cast<double>(w->result)));
    }
    w->tsfn.Release();
    delete w;
  });
}

Napi::Value WaitChange(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const std::wstring name = ModuleArg(info);
  if (info.Length() < 3 || !info[1].IsNumber() || !info[2].IsNumber()) {
    throw Napi::TypeError::New(env, "waitChange(module, seen, timeoutMs): seen and timeoutMs must be numbers");
  }
  const double seen = info[1].As<Napi::Number>().DoubleValue();
  const double timeout = info[2].As<Napi::Number>().DoubleValue();
  if (!(seen >= 0) || !(timeout >= 0) || timeout > 0x7FFFFFFF) {
    throw Napi::RangeError::New(env, "waitChange: seen must be >= 0 and timeoutMs within 0..2^31-1");
  }
  auto* w = new Waiter(env);
  w->tsfn = Napi::ThreadSafeFunction::New(env, Napi::Function::New(env, [](const Napi::CallbackInfo&) {}),
                                          "winops-double-wait", 0, 1);
  Napi::Promise promise = w->deferred.Promise();
  std::thread(WaitThread, w, name, static_cast<unsigned long long>(seen), static_cast<unsigned long>(timeout))
      .detach();
  return promise;
}

Napi::Value Loaded(const Napi::CallbackInfo& info) {
  const std::wstring name = ModuleArg(info);
  HMODULE m = nullptr;
  const bool loaded = ::GetModuleHandleExW(GET_MODULE_HANDLE_EX_FLAG_UNCHANGED_REFCOUNT, name.c_str(), &m) && m;
  return Napi::Boolean::New(info.Env(), loaded);
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("loaded", Napi::Function::New(env, Loaded, "loaded"));
  exports.Set("snapshot", Napi::Function::New(env, Snapshot, "snapshot"));
  exports.Set("waitChange", Napi::Function::New(env, WaitChange, "waitChange"));
  exports.Set("release", Napi::Function::New(env, Release, "release"));
  return exports;
}

}  // namespace

NODE_API_MODULE(winops_double_control, Init)
