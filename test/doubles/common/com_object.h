// IUnknown for the doubles' COM classes, once (issue 10): reference counting and QueryInterface for a class that
// implements one or more COM interfaces.
//
//   class Async final : public doubles::ComObject<Async, IVssAsync> {
//    public:
//     void* Interface(REFIID iid) { return IsEqualIID(iid, __uuidof(IVssAsync)) ? static_cast<IVssAsync*>(this) : nullptr; }
//     ...
//   };
//
// - The object starts with one reference (the creator's) and deletes itself when the last one goes.
// - QueryInterface answers IID_IUnknown with the first interface (COM's identity rule: the same pointer every time)
//   and any other IID with Derived::Interface(iid), which returns the interface pointer or null (E_NOINTERFACE).
//   Both AddRef the object, as COM requires of a successful QueryInterface.
// - Derived may define OnFinalRelease(): called once, when the count reaches zero, before the object is deleted.
// - Functions of a class override the virtual functions of the same signature in all of its bases, so the three
//   defined here are the IUnknown of every interface the object derives from.
//
// Test code only: nothing here is part of the addon.
#pragma once

#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#include <windows.h>
#include <unknwn.h>

#include <atomic>

namespace doubles {

// COM interfaces have no virtual destructor by design: an object is never deleted through one (Release deletes it as
// Derived, below), so -Wnon-virtual-dtor, right for ordinary classes, does not apply to these bases.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wnon-virtual-dtor"
template <class Derived, class First, class... Rest>
class ComObject : public First, public Rest... {
 public:
  HRESULT STDMETHODCALLTYPE QueryInterface(REFIID iid, void** out) override {
    if (!out) return E_POINTER;
    *out = IsEqualIID(iid, IID_IUnknown) ? static_cast<First*>(this) : static_cast<Derived*>(this)->Interface(iid);
    if (!*out) return E_NOINTERFACE;
    AddRef();
    return S_OK;
  }
  ULONG STDMETHODCALLTYPE AddRef() override { return ++refs_; }
  ULONG STDMETHODCALLTYPE Release() override {
    const ULONG n = --refs_;
    if (n == 0) {
      static_cast<Derived*>(this)->OnFinalRelease();
      delete static_cast<Derived*>(this);
    }
    return n;
  }

 protected:
  ComObject() = default;
  ComObject(const ComObject&) = delete;
  ComObject& operator=(const ComObject&) = delete;
  virtual ~ComObject() = default;
  void OnFinalRelease() {}

 private:
  std::atomic<ULONG> refs_{1};
};
#pragma GCC diagnostic pop

}  // namespace doubles
