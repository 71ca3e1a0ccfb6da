#include "imapi2/imapi2.h"

#include "common/handles.h"
#include "common/hresult.h"
#include "imapi2/write_job.h"

namespace winops::imapi2 {

namespace {

// imapi2.dll mapped as a data file for its message table: on first use, then kept for the life of the
// process (never written to after that; null when it cannot be mapped, e.g. on Server Core). Mapping
// it anew for each failure took about 1.5 ms under Wine, on the way from an accepted CancelWrite to
// the write's report.
HMODULE ImapiMessageModule() {
  static const HMODULE module =
      ::LoadLibraryExW(L"imapi2.dll", nullptr, LOAD_LIBRARY_AS_DATAFILE | LOAD_LIBRARY_SEARCH_SYSTEM32);
  return module;
}

}  // namespace

std::string ImapiMessage(HRESULT hr) {
  // imapi2error.h's codes (facility 0xAA) are only known to imapi2.dll's message table, if anyone's.
  return SystemMessage(hr, HRESULT_FACILITY(hr) == 0xAA ? ImapiMessageModule() : nullptr);
}

Napi::Object Create(Napi::Env env) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("listRecorders", Napi::Function::New(env, ListRecorders, "listRecorders"));
  // One Family per environment, shared by the functions below and every write they start.
  auto family = std::make_shared<Family>();
  o.Set("startWrite", Napi::Function::New(env, [family](const Napi::CallbackInfo& info) {
    return StartWrite(info, family);
  }, "startWrite"));
  o.Set("stats", Napi::Function::New(env, [family](const Napi::CallbackInfo& info) {
    return WriteStatsObject(info.Env(), *family);
  }, "stats"));
  return o;
}

}  // namespace winops::imapi2
