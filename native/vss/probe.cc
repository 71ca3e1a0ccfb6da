#include "vss/probe.h"

#include "common/apartment.h"
#include "common/com_ptr.h"
#include "common/handles.h"
#include "common/hresult.h"
#include "common/worker.h"
#include "vss/vss_api.h"  // the VSS SDK headers, in the SDK's order; CreateInternalFn

namespace winops::vss {
namespace {

Finish Report(HResultError e) {
  return [e = std::move(e)](Napi::Env env) -> Napi::Value { return ToJsData(env, e); };
}

}  // namespace

Napi::Value CreateProbe(const Napi::CallbackInfo& info) {
  return RunOnOwnThread(info.Env(), "winops.vss.createProbe", [](const StopToken&) -> Finish {
    ComApartment com(Apartment::kMta);
    if (!com.ok()) return Report(CaptureHResult(com.hr(), "CoInitializeEx"));
    UniqueModule vssapi(::LoadLibraryExW(L"vssapi.dll", nullptr, LOAD_LIBRARY_SEARCH_SYSTEM32));
    if (!vssapi) return Report(CaptureWin32(::GetLastError(), "LoadLibraryExW(vssapi.dll)"));
    auto create = vssapi.Proc<CreateInternalFn>("CreateVssBackupComponentsInternal");
    if (!create) {
      return Report(
          CaptureWin32(::GetLastError(), "GetProcAddress(CreateVssBackupComponentsInternal)"));
    }
    ComPtr<IVssBackupComponents> backup;
    const HRESULT hr = create(backup.Put());
    HResultError result = CaptureHResult(hr, "CreateVssBackupComponentsInternal", vssapi.Get());
    backup.Reset();  // before vssapi is freed and COM uninitialised (reverse declaration order)
    return Report(std::move(result));
  });
}

}  // namespace winops::vss
