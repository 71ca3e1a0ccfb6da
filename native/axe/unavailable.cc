// The AXE family in a build without the Windows ADK's AxeHosting.h (the default: no public copy of
// the header exists). availability() says why and how to enable it; every call fails with that reason
// as { call, code: 'WINOPS_AXE_UNAVAILABLE', systemMessage }. Nothing here guesses AXE's ABI.
#include <string>

#include "axe/axe.h"
#include "common/args.h"

namespace winops::axe {
namespace {

constexpr const char* kReason =
    "AXE needs the Windows ADK's AxeHosting.h at build time: set WINOPS_AXE_SDK=<folder containing "
    "AxeHosting.h> and rebuild (node-gyp with MSVC on Windows)";

Napi::Error Unavailable(Napi::Env env, const char* call) {
  Napi::Error e = Napi::Error::New(env, std::string(call) + " failed: " + kReason);
  Napi::Object o = e.Value();
  o.Set("call", call);
  o.Set("code", "WINOPS_AXE_UNAVAILABLE");
  o.Set("systemMessage", kReason);
  return e;
}

Napi::Value Availability(const Napi::CallbackInfo& info) {
  Napi::Object o = Napi::Object::New(info.Env());
  o.Set("available", false);
  o.Set("reason", kReason);
  return o;
}

// The arguments are checked as engine.cc checks them: a bad one is the same TypeError in both builds.
Napi::Value LoadJob(const Napi::CallbackInfo& info) {
  args::WideString(args::At(info, 0), "loadJob: path");
  auto deferred = Napi::Promise::Deferred::New(info.Env());
  deferred.Reject(Unavailable(info.Env(), "AxeInitSolution").Value());
  return deferred.Promise();
}

Napi::Value Execute(const Napi::CallbackInfo& info) {
  if (!args::At(info, 0).IsObject()) args::TypeFail(args::At(info, 0), "execute: job", "a job from loadJob()");
  if (!args::At(info, 1).IsObject()) args::TypeFail(args::At(info, 1), "execute: sink", "an object");
  throw Unavailable(info.Env(), "AxeInitSolution");
}

}  // namespace

Napi::Object Create(Napi::Env env) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("availability", Napi::Function::New(env, Availability, "availability"));
  o.Set("loadJob", Napi::Function::New(env, LoadJob, "loadJob"));
  o.Set("execute", Napi::Function::New(env, Execute, "execute"));
  return o;
}

}  // namespace winops::axe
