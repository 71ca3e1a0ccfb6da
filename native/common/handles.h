// RAII owners for the Win32/OLE resources the families use: HANDLE, HMODULE, BSTR, VARIANT.
#pragma once

#include <cstring>
#include <string_view>
#include <utility>

#include "common/win.h"

namespace winops {

// A kernel handle. Both NULL and INVALID_HANDLE_VALUE mean "none".
class UniqueHandle {
 public:
  UniqueHandle() noexcept = default;
  explicit UniqueHandle(HANDLE h) noexcept : h_(h) {}
  UniqueHandle(UniqueHandle&& o) noexcept : h_(std::exchange(o.h_, nullptr)) {}
  UniqueHandle& operator=(UniqueHandle&& o) noexcept {
    if (this != &o) Reset(std::exchange(o.h_, nullptr));
    return *this;
  }
  UniqueHandle(const UniqueHandle&) = delete;
  UniqueHandle& operator=(const UniqueHandle&) = delete;
  ~UniqueHandle() { Reset(); }

  void Reset(HANDLE h = nullptr) noexcept {
    HANDLE old = std::exchange(h_, h);
    if (old && old != INVALID_HANDLE_VALUE) ::CloseHandle(old);
  }
  HANDLE Get() const noexcept { return h_; }
  HANDLE Release() noexcept { return std::exchange(h_, nullptr); }
  explicit operator bool() const noexcept { return h_ && h_ != INVALID_HANDLE_VALUE; }

 private:
  HANDLE h_ = nullptr;
};

// A module from LoadLibrary*; FreeLibrary on destruction.
class UniqueModule {
 public:
  UniqueModule() noexcept = default;
  explicit UniqueModule(HMODULE m) noexcept : m_(m) {}
  UniqueModule(UniqueModule&& o) noexcept : m_(std::exchange(o.m_, nullptr)) {}
  UniqueModule& operator=(UniqueModule&& o) noexcept {
    if (this != &o) Reset(std::exchange(o.m_, nullptr));
    return *this;
  }
  UniqueModule(const UniqueModule&) = delete;
  UniqueModule& operator=(const UniqueModule&) = delete;
  ~UniqueModule() { Reset(); }

  void Reset(HMODULE m = nullptr) noexcept {
    if (HMODULE old = std::exchange(m_, m)) ::FreeLibrary(old);
  }
  HMODULE Get() const noexcept { return m_; }
  explicit operator bool() const noexcept { return m_ != nullptr; }

  // GetProcAddress cast to the function type F (a function pointer type).
  template <typename F>
  F Proc(const char* name) const noexcept {
    if (!m_) return nullptr;
    FARPROC p = ::GetProcAddress(m_, name);
    F f;
    static_assert(sizeof(f) == sizeof(p), "function pointer size");
    std::memcpy(&f, &p, sizeof(f));  // FARPROC -> F without a cast warning
    return f;
  }

 private:
  HMODULE m_ = nullptr;
};

// A BSTR we own (SysFreeString on destruction).
class Bstr {
 public:
  Bstr() noexcept = default;
  explicit Bstr(std::wstring_view s)
      : b_(::SysAllocStringLen(s.data(), static_cast<UINT>(s.size()))) {}
  Bstr(Bstr&& o) noexcept : b_(std::exchange(o.b_, nullptr)) {}
  Bstr& operator=(Bstr&& o) noexcept {
    if (this != &o) Reset(std::exchange(o.b_, nullptr));
    return *this;
  }
  Bstr(const Bstr&) = delete;
  Bstr& operator=(const Bstr&) = delete;
  ~Bstr() { Reset(); }

  void Reset(BSTR b = nullptr) noexcept {
    if (BSTR old = std::exchange(b_, b)) ::SysFreeString(old);
  }
  BSTR Get() const noexcept { return b_; }
  BSTR* Put() noexcept {  // for [out] BSTR*
    Reset();
    return &b_;
  }
  BSTR Detach() noexcept { return std::exchange(b_, nullptr); }
  std::wstring_view View() const noexcept {
    return b_ ? std::wstring_view(b_, ::SysStringLen(b_)) : std::wstring_view();
  }

 private:
  BSTR b_ = nullptr;
};

// A VARIANT we own (VariantClear on destruction).
class Variant {
 public:
  Variant() noexcept { ::VariantInit(&v_); }
  Variant(Variant&& o) noexcept : v_(o.v_) { ::VariantInit(&o.v_); }
  Variant& operator=(Variant&& o) noexcept {
    if (this != &o) {
      Clear();
      v_ = o.v_;
      ::VariantInit(&o.v_);
    }
    return *this;
  }
  Variant(const Variant&) = delete;
  Variant& operator=(const Variant&) = delete;
  ~Variant() { Clear(); }

  void Clear() noexcept { ::VariantClear(&v_); }
  VARIANT* Get() noexcept { return &v_; }
  const VARIANT* Get() const noexcept { return &v_; }
  VARIANT* Put() noexcept {  // for [out] VARIANT*
    Clear();
    return &v_;
  }

 private:
  VARIANT v_;
};

}  // namespace winops
