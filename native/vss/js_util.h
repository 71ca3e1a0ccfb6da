// What every JS function of the `vss` binding starts with: its State (the function's data) and its handle
// arguments, checked (common/args.h: a TypeError or RangeError naming the argument, before anything runs).
#pragma once

#include <cstddef>
#include <string>

#include <napi.h>

#include "common/args.h"
#include "common/hresult.h"
#include "vss/state.h"

namespace winops::vss {

inline State& StateOf(const Napi::CallbackInfo& info) { return *static_cast<State*>(info.Data()); }

inline std::wstring StringArg(const Napi::CallbackInfo& info, size_t i, const char* fn, const char* what) {
  return args::WideString(args::At(info, i), std::string(fn) + ": " + what);
}

// A promise rejected with the HRESULT error for `call` (an argument the Windows call would refuse anyway).
inline Napi::Value RejectArg(Napi::Env env, HRESULT hr, const char* call) {
  auto d = Napi::Promise::Deferred::New(env);
  d.Reject(ToJsError(env, CaptureHResult(hr, call)).Value());
  return d.Promise();
}

inline Handle HandleArg(const Napi::CallbackInfo& info, size_t i, const char* fn, const char* what = "components") {
  return args::Handle(args::At(info, i), std::string(fn) + ": " + what);
}

}  // namespace winops::vss
