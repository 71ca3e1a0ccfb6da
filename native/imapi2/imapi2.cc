#include "imapi2/imapi2.h"

#include "common/handles.h"
#include "common/hresult.h"

namespace winops::imapi2 {

std::string ImapiMessage(HRESULT hr) {
  // imapi2error.h's codes (facility 0xAA) are only known to imapi2.dll's message table, if anyone's.
  UniqueModule module;
  if (HRESULT_FACILITY(hr) == 0xAA) {
    module.Reset(::LoadLibraryExW(L"imapi2.dll", nullptr,
                                  LOAD_LIBRARY_AS_DATAFILE | LOAD_LIBRARY_SEARCH_SYSTEM32));
  }
  return SystemMessage(hr, module.Get());
}

Napi::Object Create(Napi::Env env) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("listRecorders", Napi::Function::New(env, ListRecorders, "listRecorders"));
  o.Set("startWrite", Napi::Function::New(env, StartWrite, "startWrite"));
  return o;
}

}  // namespace winops::imapi2
