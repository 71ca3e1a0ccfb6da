#include "common/apartment.h"

namespace winops {

ComApartment::ComApartment(Apartment kind) noexcept
    : hr_(::CoInitializeEx(nullptr, kind == Apartment::kMta ? COINIT_MULTITHREADED
                                                             : COINIT_APARTMENTTHREADED)) {}

ComApartment::~ComApartment() {
  if (SUCCEEDED(hr_)) ::CoUninitialize();
}

HRESULT InitializeComSecurityForVss() noexcept {
  return ::CoInitializeSecurity(nullptr, -1, nullptr, nullptr, RPC_C_AUTHN_LEVEL_PKT_PRIVACY,
                                RPC_C_IMP_LEVEL_IDENTIFY, nullptr, EOAC_DYNAMIC_CLOAKING, nullptr);
}

HRESULT DisableComExceptionHandling() noexcept {
  IGlobalOptions* options = nullptr;
  HRESULT hr = ::CoCreateInstance(CLSID_GlobalOptions, nullptr, CLSCTX_INPROC_SERVER, IID_IGlobalOptions,
                                  reinterpret_cast<void**>(&options));
  if (FAILED(hr)) return hr;
  if (!options) return E_POINTER;
  hr = options->Set(COMGLB_EXCEPTION_HANDLING, COMGLB_EXCEPTION_DONOT_HANDLE);
  options->Release();
  return hr;
}

}  // namespace winops
