// HRESULT capture: the number, the call that failed, and the system's message text.
//
// Capture happens where the failure happens (often an addon thread: no N-API there); the JS value is
// built later on the JS thread with ToJsError/ToJsData. The JS shape is plain data
// { hresult: number (uint32), call: string, systemMessage: string }; the TS layer maps it to typed errors.
#pragma once

#include <cstdint>
#include <exception>
#include <string>

#include <napi.h>

#include "common/win.h"

namespace winops {

struct HResultError {
  uint32_t hresult = 0;
  std::string call;           // e.g. "CreateVssBackupComponentsInternal"
  std::string systemMessage;  // FormatMessageW text, UTF-8, trailing whitespace trimmed; may be empty
};

// FormatMessageW text for hr. When messageModule is given (e.g. vssapi.dll), its message table is
// searched before the system's. For FACILITY_WIN32 HRESULTs the plain Win32 code is tried as well.
// Returns "" when no text is known.
std::string SystemMessage(HRESULT hr, HMODULE messageModule = nullptr);

HResultError CaptureHResult(HRESULT hr, std::string call, HMODULE messageModule = nullptr);
// A Win32 error (GetLastError) as HRESULT_FROM_WIN32.
HResultError CaptureWin32(DWORD error, std::string call);

// Thrown by code running on addon threads; the thread plumbing turns it into a rejected promise.
class HResultException : public std::exception {
 public:
  explicit HResultException(HResultError e) : error_(std::move(e)) {}
  const HResultError& error() const noexcept { return error_; }
  const char* what() const noexcept override { return error_.call.c_str(); }

 private:
  HResultError error_;
};

// Throws HResultException when FAILED(hr); returns hr otherwise (S_FALSE etc. pass through).
HRESULT Check(HRESULT hr, const char* call, HMODULE messageModule = nullptr);

// JS thread only.
Napi::Object ToJsData(Napi::Env env, const HResultError& e);
// An Error whose own properties are hresult, call and systemMessage.
Napi::Error ToJsError(Napi::Env env, const HResultError& e);

std::string HexHResult(uint32_t hr);  // "0x80004001"

}  // namespace winops
