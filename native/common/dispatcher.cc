#include "common/dispatcher.h"

#include <utility>

namespace winops {

std::shared_ptr<Dispatcher> Dispatcher::Create(Napi::Env env, const char* name,
                                               std::function<void()> onTeardown) {
  std::shared_ptr<Dispatcher> d(new Dispatcher());
  d->env_ = env;
  d->onTeardown_ = std::move(onTeardown);
  napi_status status = napi_create_threadsafe_function(
      env, nullptr, nullptr, Napi::String::New(env, name), 0, 1, nullptr, nullptr, nullptr,
      CallJs, &d->tsfn_);
  if (status != napi_ok) throw Napi::Error::New(env, "napi_create_threadsafe_function failed");
  napi_unref_threadsafe_function(env, d->tsfn_);
  // The hook owns one reference until it has run: the dispatcher outlives everything it tears down.
  auto* hookRef = new std::shared_ptr<Dispatcher>(d);
  if (napi_add_env_cleanup_hook(env, OnEnvTeardown, hookRef) != napi_ok) {
    delete hookRef;
    throw Napi::Error::New(env, "napi_add_env_cleanup_hook failed");
  }
  return d;
}

Dispatcher::~Dispatcher() = default;

bool Dispatcher::Post(Task task) {
  auto* payload = new Task(std::move(task));
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!closing_ &&
        napi_call_threadsafe_function(tsfn_, payload, napi_tsfn_nonblocking) == napi_ok) {
      return true;
    }
  }
  delete payload;  // outside the lock: the task may own objects whose destructors do real work
  return false;
}

void Dispatcher::Hold() {
  if (holds_++ == 0) napi_ref_threadsafe_function(env_, tsfn_);
}

void Dispatcher::Unhold() {
  if (holds_ > 0 && --holds_ == 0) napi_unref_threadsafe_function(env_, tsfn_);
}

bool Dispatcher::TearingDown() const {
  std::lock_guard<std::mutex> lock(mu_);
  return closing_;
}

void Dispatcher::CallJs(napi_env rawEnv, napi_value /*jsCallback*/, void* /*context*/, void* data) {
  std::unique_ptr<Task> task(static_cast<Task*>(data));
  if (rawEnv == nullptr || !task || !*task) return;  // the function is being finalized: drop
  Napi::Env env(rawEnv);
  Napi::HandleScope scope(env);
  try {
    (*task)(env);
  } catch (const Napi::Error& e) {
    // A JS callback threw: an ordinary uncaught exception, as for any other event source.
    napi_fatal_exception(env, e.Value());
  }
}

void Dispatcher::OnEnvTeardown(void* arg) {
  std::unique_ptr<std::shared_ptr<Dispatcher>> ref(static_cast<std::shared_ptr<Dispatcher>*>(arg));
  Dispatcher& d = **ref;
  {
    std::lock_guard<std::mutex> lock(d.mu_);
    d.closing_ = true;
  }
  if (d.onTeardown_) {
    std::function<void()> teardown = std::move(d.onTeardown_);
    teardown();
  }
  napi_release_threadsafe_function(d.tsfn_, napi_tsfn_abort);
}

}  // namespace winops
