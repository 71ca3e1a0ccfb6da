// Long operations on threads the addon owns (never the libuv pool), reported back through a
// napi_threadsafe_function.
//
//   return RunOnOwnThread(env, "winops.vss.snapshot", [](const StopToken& stop) -> Finish {
//     ComApartment com(Apartment::kMta);          // worker side: no N-API here
//     ... Check(hr, "IVssAsync::Wait") ...          // HResultException -> rejected promise
//     return [result](Napi::Env env) -> Napi::Value { return ...; };  // JS side
//   });
//
// Lifetime: every thread is joined. Normally in the threadsafe function's finalizer (after the thread
// released it); on environment teardown (worker_threads terminate, env exit) by a cleanup hook that
// signals the StopToken and joins. The hook is registered after the threadsafe function is created,
// and Node runs cleanup hooks last-in first-out, so the thread is joined before Node closes that
// threadsafe function: no thread ever touches a closed one.
#pragma once

#include <functional>

#include <napi.h>

#include "common/win.h"

namespace winops {

// Set when the environment that started the operation is going away. Long waits should wait on
// Event() together with their own handle (or poll StopRequested()) and then cancel what they run.
class StopToken {
 public:
  explicit StopToken(HANDLE event) noexcept : event_(event) {}
  bool StopRequested() const noexcept;
  // Sleeps up to ms; returns true when stopped early.
  bool WaitFor(DWORD ms) const noexcept;
  HANDLE Event() const noexcept { return event_; }

 private:
  HANDLE event_;
};

// Runs on the JS thread, builds the outcome: return a value to resolve, throw Napi::Error to reject.
// Must not capture N-API handles (it is created, and may be destroyed, on the addon thread).
using Finish = std::function<Napi::Value(Napi::Env)>;
// Runs on the addon thread. May throw HResultException (-> rejection with ToJsError).
using Work = std::function<Finish(const StopToken&)>;

// Starts work on a new thread. Returns a Promise; or, when callback is a function, undefined and
// calls callback(err, value) node-style.
Napi::Value RunOnOwnThread(Napi::Env env, const char* name, Work work,
                           Napi::Function callback = Napi::Function());

}  // namespace winops
