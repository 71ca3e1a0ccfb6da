// Per-thread COM apartment guard, and the process-wide CoInitializeSecurity call VSS requesters make.
#pragma once

#include "common/win.h"

namespace winops {

enum class Apartment { kMta, kSta };

// CoInitializeEx on construction, CoUninitialize on destruction when (and only when) it succeeded.
// Use on threads the addon owns; never on the JS main thread (Node owns its COM state).
class ComApartment {
 public:
  explicit ComApartment(Apartment kind) noexcept;
  ~ComApartment();
  ComApartment(const ComApartment&) = delete;
  ComApartment& operator=(const ComApartment&) = delete;

  // S_OK, S_FALSE (already initialised in the same model) or the failure
  // (RPC_E_CHANGED_MODE when the thread is already in the other model).
  HRESULT hr() const noexcept { return hr_; }
  bool ok() const noexcept { return SUCCEEDED(hr_); }

 private:
  HRESULT hr_;
};

// CoInitializeSecurity as the VSS requester samples do (vshadow): packet privacy, identify-level
// impersonation, dynamic cloaking. Process-wide and once only: RPC_E_TOO_LATE means someone (us or the
// host) already did it, which callers should treat as "as good as it gets" rather than a failure.
HRESULT InitializeComSecurityForVss() noexcept;

// IGlobalOptions::Set(COMGLB_EXCEPTION_HANDLING, COMGLB_EXCEPTION_DONOT_HANDLE): COM no longer swallows a
// fatal exception in a COM method (it would return RPC_E_SERVERFAULT and leave the process in an unknown
// state). The VSS requester security page asks requesters to set it (MicrosoftDocs/win32
// desktop-src/VSS/security-considerations-for-requestors.md, "Disabling COM Exception Handling"; the values:
// sdk-api objidlbase/nn-objidlbase-iglobaloptions). Process-wide; needs COM initialised on the calling thread.
// Returns CoCreateInstance(CLSID_GlobalOptions)'s or Set's HRESULT.
HRESULT DisableComExceptionHandling() noexcept;

}  // namespace winops
