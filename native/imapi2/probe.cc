#include "imapi2/probe.h"

#include "common/apartment.h"
#include "common/com_ptr.h"
#include "common/hresult.h"
#include "common/worker.h"

namespace winops::imapi2 {
namespace {
// CLSID_MsftDiscMaster2 {2735412E-7F64-5B0F-8F00-5D77AFBE261E} (imapi2-abi.md, GUIDs table).
const CLSID kClsidMsftDiscMaster2 = {
    0x2735412E, 0x7F64, 0x5B0F, {0x8F, 0x00, 0x5D, 0x77, 0xAF, 0xBE, 0x26, 0x1E}};
}  // namespace

Napi::Value Probe(const Napi::CallbackInfo& info) {
  return RunOnOwnThread(info.Env(), "winops.imapi2.probe", [](const StopToken&) -> Finish {
    ComApartment com(Apartment::kMta);
    HResultError e;
    if (!com.ok()) {
      e = CaptureHResult(com.hr(), "CoInitializeEx");
    } else {
      ComPtr<IUnknown> master;  // no IMAPI2 interface is declared yet: IUnknown is enough here
      const HRESULT hr = ::CoCreateInstance(kClsidMsftDiscMaster2, nullptr, CLSCTX_ALL,
                                            IID_IUnknown, master.PutVoid());
      e = CaptureHResult(hr, "CoCreateInstance(MsftDiscMaster2)");
    }
    return [e = std::move(e)](Napi::Env env) -> Napi::Value { return ToJsData(env, e); };
  });
}

}  // namespace winops::imapi2
