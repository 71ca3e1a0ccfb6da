#include "diag/diag.h"
#include "diag/system.h"

#include <cstring>

#include "common/apartment.h"
#include "common/args.h"
#include "common/handles.h"
#include "common/hresult.h"
#include "common/instance.h"
#include "common/utf.h"
#include "common/worker.h"
#include "imapi2/probe.h"
#include "mi/probe.h"
#include "vss/probe.h"

namespace winops::diag {
namespace {

uint32_t HResultArg(const Napi::CallbackInfo& info, size_t i, const char* fn) {
  return args::Hresult(args::At(info, i), std::string(fn) + ": hr");
}

Napi::Function CallbackArg(const Napi::CallbackInfo& info, size_t i, const char* fn) {
  if (info.Length() <= i || info[i].IsUndefined()) return Napi::Function();
  if (!info[i].IsFunction()) args::TypeFail(info[i], std::string(fn) + ": callback", "a function");
  return info[i].As<Napi::Function>();
}

// comInitOnWorker(): { hresult, apartmentType, threadId } from an addon thread.
Napi::Value ComInitOnWorker(const Napi::CallbackInfo& info) {
  return RunOnOwnThread(info.Env(), "winops.diag.comInit", [](const StopToken&) -> Finish {
    ComApartment com(Apartment::kMta);
    APTTYPE type = APTTYPE_CURRENT;
    APTTYPEQUALIFIER qualifier = APTTYPEQUALIFIER_NONE;
    const HRESULT typeHr = com.ok() ? ::CoGetApartmentType(&type, &qualifier) : com.hr();
    const HRESULT hr = com.hr();
    const DWORD tid = ::GetCurrentThreadId();
    const int apt = SUCCEEDED(typeHr) ? static_cast<int>(type) : -1;
    return [hr, apt, tid](Napi::Env env) -> Napi::Value {
      Napi::Object o = Napi::Object::New(env);
      o.Set("hresult", Napi::Number::New(env, static_cast<double>(static_cast<uint32_t>(hr))));
      o.Set("apartmentType", Napi::Number::New(env, apt));  // APTTYPE_MTA = 1
      o.Set("threadId", Napi::Number::New(env, static_cast<double>(tid)));
      return o;
    };
  }, CallbackArg(info, 0, "comInitOnWorker"));
}

// sleepOnWorker(ms[, cb]): blocks an addon thread for ms (or until env teardown).
Napi::Value SleepOnWorker(const Napi::CallbackInfo& info) {
  // INFINITE (2^32-1) is not a sleep: the thread would hold the process until teardown.
  const DWORD ms = static_cast<DWORD>(args::Integer(args::At(info, 0), "sleepOnWorker: ms", 0, 4294967294.0,
                                                     "an integer from 0 to 4294967294"));
  return RunOnOwnThread(info.Env(), "winops.diag.sleep", [ms](const StopToken& stop) -> Finish {
    const ULONGLONG start = ::GetTickCount64();
    const bool stopped = stop.WaitFor(ms);
    const double elapsed = static_cast<double>(::GetTickCount64() - start);
    const DWORD tid = ::GetCurrentThreadId();
    return [elapsed, stopped, tid](Napi::Env env) -> Napi::Value {
      Napi::Object o = Napi::Object::New(env);
      o.Set("elapsedMs", Napi::Number::New(env, elapsed));
      o.Set("stopped", Napi::Boolean::New(env, stopped));
      o.Set("threadId", Napi::Number::New(env, static_cast<double>(tid)));
      return o;
    };
  }, CallbackArg(info, 1, "sleepOnWorker"));
}

// stuckOnWorker(ms): an addon thread that ignores the environment's stop request for ms (a Windows call that
// does not return), so that a test can prove the teardown bound (common/teardown.h) abandons it.
Napi::Value StuckOnWorker(const Napi::CallbackInfo& info) {
  const DWORD ms = static_cast<DWORD>(args::Integer(args::At(info, 0), "stuckOnWorker: ms", 0, 600000.0,
                                                     "an integer from 0 to 600000"));
  return RunOnOwnThread(info.Env(), "winops.diag.stuck", [ms](const StopToken&) -> Finish {
    ::Sleep(ms);
    return [](Napi::Env env) -> Napi::Value { return env.Undefined(); };
  });
}

// failOnWorker(hr): rejects, from an addon thread, with the Error shape the TS layer consumes.
Napi::Value FailOnWorker(const Napi::CallbackInfo& info) {
  const uint32_t hr = HResultArg(info, 0, "failOnWorker");
  return RunOnOwnThread(info.Env(), "winops.diag.fail", [hr](const StopToken&) -> Finish {
    Check(static_cast<HRESULT>(hr), "diag.failOnWorker");
    return [](Napi::Env env) -> Napi::Value { return env.Undefined(); };
  });
}

// formatMessage(hr[, moduleName]): the system text ("" when unknown), optionally searching the
// message table of a System32 module first (e.g. "vssapi.dll").
Napi::Value FormatMessageJs(const Napi::CallbackInfo& info) {
  const uint32_t hr = HResultArg(info, 0, "formatMessage");
  UniqueModule module;
  if (!args::At(info, 1).IsUndefined() && !args::At(info, 1).IsNull()) {
    const std::wstring name = args::WideString(info[1], "formatMessage: moduleName");
    module.Reset(::LoadLibraryExW(name.c_str(), nullptr,
                                  LOAD_LIBRARY_AS_DATAFILE | LOAD_LIBRARY_SEARCH_SYSTEM32));
  }
  return Napi::String::New(info.Env(), SystemMessage(static_cast<HRESULT>(hr), module.Get()));
}

Napi::Value LiveThreads(const Napi::CallbackInfo& info) {
  auto state = StateOf(info.Env());
  return Napi::Number::New(info.Env(), state ? state->liveThreads.load() : -1);
}

Napi::Value CurrentThreadId(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), static_cast<double>(::GetCurrentThreadId()));
}

// wineVersion(): Wine's version string when running under Wine (ntdll exports wine_get_version),
// else null. Lets the native tests hold Wine-specific expectations only where they apply.
Napi::Value WineVersion(const Napi::CallbackInfo& info) {
  using WineGetVersionFn = const char*(__cdecl*)();
  HMODULE ntdll = ::GetModuleHandleW(L"ntdll.dll");
  FARPROC p = ntdll ? ::GetProcAddress(ntdll, "wine_get_version") : nullptr;
  if (!p) return info.Env().Null();
  WineGetVersionFn fn;
  std::memcpy(&fn, &p, sizeof fn);
  const char* v = fn();
  return v ? Napi::String::New(info.Env(), v) : info.Env().Null();
}

}  // namespace

Napi::Object Create(Napi::Env env) {
  Napi::Object diag = Napi::Object::New(env);
  diag.Set("comInitOnWorker", Napi::Function::New(env, ComInitOnWorker, "comInitOnWorker"));
  diag.Set("sleepOnWorker", Napi::Function::New(env, SleepOnWorker, "sleepOnWorker"));
  diag.Set("failOnWorker", Napi::Function::New(env, FailOnWorker, "failOnWorker"));
  diag.Set("stuckOnWorker", Napi::Function::New(env, StuckOnWorker, "stuckOnWorker"));
  diag.Set("formatMessage", Napi::Function::New(env, FormatMessageJs, "formatMessage"));
  diag.Set("liveThreads", Napi::Function::New(env, LiveThreads, "liveThreads"));
  diag.Set("currentThreadId", Napi::Function::New(env, CurrentThreadId, "currentThreadId"));
  diag.Set("wineVersion", Napi::Function::New(env, WineVersion, "wineVersion"));
  diag.Set("vssCreateProbe", Napi::Function::New(env, vss::CreateProbe, "vssCreateProbe"));
  diag.Set("miLoadProbe", Napi::Function::New(env, mi::LoadProbe, "miLoadProbe"));
  diag.Set("systemProbe", Napi::Function::New(env, SystemProbe, "systemProbe"));
  diag.Set("imapi2Probe", Napi::Function::New(env, imapi2::Probe, "imapi2Probe"));
  return diag;
}

}  // namespace winops::diag
