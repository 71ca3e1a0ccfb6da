// What the files of the AXE family share (engine.cc's split, issue 11): the header checks, the AXE codes and
// failures, the process-wide runtime (load.cc), jobs (job.cc). Built only with WINOPS_AXE_SDK; see engine.cc for
// what is and is not verified about Microsoft's AXE interface (nothing about its ABI is).
#pragma once

#if !defined(WINOPS_AXE_SDK)
#error "native/axe/engine.h is built only with WINOPS_AXE_SDK (see CMakeLists.txt / binding.gyp)"
#endif

#include <AxeHosting.h>

#if defined(WINOPS_AXE_STANDIN_HEADER) && !defined(WINOPS_AXE_STANDIN)
#error "This AxeHosting.h is winops' test stand-in (test/doubles/axe/include): its vtable order is ours, not Microsoft's. Never ship a build against it."
#endif
#if !defined(WINOPS_AXE_STANDIN_HEADER) && !defined(_MSC_VER)
#error "Build AXE against the real AxeHosting.h with MSVC (node-gyp): g++ lays out MSVC's virtual destructors and overloaded virtual methods differently."
#endif

#include <napi.h>

#include <exception>
#include <memory>
#include <string>
#include <utility>

#include "common/hresult.h"
#include "common/win.h"

namespace winops::axe {

namespace ah = ::Microsoft::Assessments::Hosting;

// The header's symbol for hr ("S_OK" for S_OK), "" when the header has none (lib/native/axe.ts names it then).
std::string CodeOf(HRESULT hr);

struct AxeFailure {
  HResultError error;
  std::string code;
};

AxeFailure Fail(HRESULT hr, std::string call, std::string detail = std::string());
// { hresult, code? } for an Engine call's result or an event's error.
Napi::Object ResultObject(Napi::Env env, HRESULT hr);
Napi::Error ToJs(Napi::Env env, const AxeFailure& f);

class AxeException : public std::exception {
 public:
  explicit AxeException(AxeFailure f) : f_(std::move(f)) {}
  const AxeFailure& failure() const noexcept { return f_; }
  const char* what() const noexcept override { return f_.error.call.c_str(); }

 private:
  AxeFailure f_;
};

std::string Utf8(LPCWSTR s);

// load.cc: the Solution, loading AxeCore.dll and initialising it on first use. Throws AxeException.
ah::Solution* SolutionOrThrow();
Napi::Value Availability(const Napi::CallbackInfo& info);

// job.cc
struct JobHolder {
  ah::Job* job = nullptr;
  ~JobHolder() { delete job; }  // Job is released through its destructor (axe.md)
};
Napi::Value LoadJob(const Napi::CallbackInfo& info);

// run.cc
Napi::Value Execute(const Napi::CallbackInfo& info);

}  // namespace winops::axe
