#include "mi/probe.h"

#include "common/handles.h"
#include "common/hresult.h"
#include "common/worker.h"

namespace winops::mi {

Napi::Value LoadProbe(const Napi::CallbackInfo& info) {
  return RunOnOwnThread(info.Env(), "winops.mi.loadProbe", [](const StopToken&) -> Finish {
    DWORD win32 = ERROR_SUCCESS;
    const char* call = "LoadLibraryExW(mi.dll)";
    // System32 only: mi.dll ships with Windows 8+; a test double goes into the prefix's system32.
    UniqueModule mi(::LoadLibraryExW(L"mi.dll", nullptr, LOAD_LIBRARY_SEARCH_SYSTEM32));
    if (!mi) {
      win32 = ::GetLastError();
    } else {
      call = "GetProcAddress(MI_Application_InitializeV1)";
      if (!::GetProcAddress(mi.Get(), "MI_Application_InitializeV1")) win32 = ::GetLastError();
    }
    HResultError e = CaptureWin32(win32, call);
    if (win32 == ERROR_SUCCESS) e.hresult = S_OK;
    return [e = std::move(e), win32](Napi::Env env) -> Napi::Value {
      Napi::Object o = ToJsData(env, e);
      o.Set("win32Error", Napi::Number::New(env, static_cast<double>(win32)));
      return o;
    };
  });
}

}  // namespace winops::mi
