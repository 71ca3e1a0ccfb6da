#include "common/hresult.h"

#include <cstdio>

#include "common/utf.h"

namespace winops {
namespace {

std::wstring Format(DWORD flags, HMODULE module, DWORD code) {
  LPWSTR buffer = nullptr;
  const DWORD n = ::FormatMessageW(
      flags | FORMAT_MESSAGE_ALLOCATE_BUFFER | FORMAT_MESSAGE_IGNORE_INSERTS, module, code,
      0, reinterpret_cast<LPWSTR>(&buffer), 0, nullptr);
  std::wstring text;
  if (n > 0 && buffer) text.assign(buffer, n);
  if (buffer) ::LocalFree(buffer);
  while (!text.empty() && (text.back() == L'\r' || text.back() == L'\n' || text.back() == L' ' ||
                           text.back() == L'\t')) {
    text.pop_back();
  }
  return text;
}

}  // namespace

std::string SystemMessage(HRESULT hr, HMODULE messageModule) {
  const DWORD code = static_cast<DWORD>(hr);
  std::wstring text;
  if (messageModule) text = Format(FORMAT_MESSAGE_FROM_HMODULE, messageModule, code);
  if (text.empty()) text = Format(FORMAT_MESSAGE_FROM_SYSTEM, nullptr, code);
  if (text.empty() && HRESULT_FACILITY(hr) == FACILITY_WIN32) {
    text = Format(FORMAT_MESSAGE_FROM_SYSTEM, nullptr, static_cast<DWORD>(HRESULT_CODE(hr)));
  }
  return WideToUtf8(text);
}

HResultError CaptureHResult(HRESULT hr, std::string call, HMODULE messageModule) {
  HResultError e;
  e.hresult = static_cast<uint32_t>(hr);
  e.call = std::move(call);
  e.systemMessage = SystemMessage(hr, messageModule);
  return e;
}

HResultError CaptureWin32(DWORD error, std::string call) {
  return CaptureHResult(HRESULT_FROM_WIN32(error), std::move(call));
}

HRESULT Check(HRESULT hr, const char* call, HMODULE messageModule) {
  if (FAILED(hr)) throw HResultException(CaptureHResult(hr, call, messageModule));
  return hr;
}

std::string HexHResult(uint32_t hr) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%08X", static_cast<unsigned>(hr));
  return buf;
}

Napi::Object ToJsData(Napi::Env env, const HResultError& e) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("hresult", Napi::Number::New(env, static_cast<double>(e.hresult)));
  o.Set("call", Napi::String::New(env, e.call));
  o.Set("systemMessage", Napi::String::New(env, e.systemMessage));
  return o;
}

Napi::Error ToJsError(Napi::Env env, const HResultError& e) {
  std::string message = e.call + " failed with " + HexHResult(e.hresult);
  if (!e.systemMessage.empty()) message += ": " + e.systemMessage;
  Napi::Error error = Napi::Error::New(env, message);
  Napi::Object o = error.Value();
  o.Set("hresult", Napi::Number::New(env, static_cast<double>(e.hresult)));
  o.Set("call", Napi::String::New(env, e.call));
  o.Set("systemMessage", Napi::String::New(env, e.systemMessage));
  return error;
}

}  // namespace winops
