// A per-environment channel from addon threads (and threads of Windows DLLs, such as MI's callback
// threads) to the JS thread, for families whose objects outlive one call: VSS components and their
// IVssAsync objects, MI sessions and operations.
//
//   auto d = Dispatcher::Create(env, "winops.vss", [state] { state->Teardown(); });
//   d->Post([](Napi::Env env) { ... resolve a deferred, call a callback ... });   // any thread
//
// One napi_threadsafe_function per family and environment, unreferenced while nothing is pending
// (Hold/Unhold keep the event loop alive while an operation is). On environment teardown (process exit,
// worker_threads terminate) a cleanup hook, registered right after the threadsafe function was created
// and so run before Node closes it (hooks run last-in first-out), first refuses further posts, then runs
// onTeardown on the JS thread, which must cancel what runs and join every thread the family owns.
// Posts from threads that are not joined (a DLL's own threads) are refused from then on; Post holds a
// lock while it hands a task over, so no thread ever touches a closed threadsafe function.
#pragma once

#include <functional>
#include <memory>
#include <mutex>

#include <napi.h>

namespace winops {

class Dispatcher {
 public:
  // Runs on the JS thread. Must not capture N-API handles other than through Napi::Reference /
  // Napi::Promise::Deferred that are used on the JS thread only.
  using Task = std::function<void(Napi::Env)>;

  // JS thread. The returned dispatcher stays valid until onTeardown has returned.
  static std::shared_ptr<Dispatcher> Create(Napi::Env env, const char* name,
                                            std::function<void()> onTeardown);
  ~Dispatcher();
  Dispatcher(const Dispatcher&) = delete;
  Dispatcher& operator=(const Dispatcher&) = delete;

  // Any thread. Runs task on the JS thread later (never re-entrantly). Returns false, and destroys
  // the task on the calling thread, once environment teardown began.
  bool Post(Task task);

  // JS thread. While the count is above zero the threadsafe function keeps the event loop alive.
  void Hold();
  void Unhold();

  // Any thread.
  bool TearingDown() const;

 private:
  Dispatcher() = default;
  static void CallJs(napi_env env, napi_value jsCallback, void* context, void* data);
  static void OnEnvTeardown(void* arg);

  napi_env env_ = nullptr;
  napi_threadsafe_function tsfn_ = nullptr;
  mutable std::mutex mu_;
  bool closing_ = false;
  int holds_ = 0;
  std::function<void()> onTeardown_;
};

}  // namespace winops
