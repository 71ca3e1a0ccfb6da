// The registry, stats and the components calls of the `vss` binding (state.h).
#include "vss/state.h"

#include <utility>

#include "common/utf.h"
#include "vss/com_security.h"
#include "vss/wow64.h"

namespace winops::vss {

// The dispatcher's teardown hook owns the state until the environment goes away (the reference
// cycle state -> dispatcher -> hook -> state is broken when the hook has run).
void State::Start() {
  auto self = shared_from_this();
  dispatcher_ = Dispatcher::Create(env_, "winops.vss", [self] { self->Teardown(); });
}

std::shared_ptr<Components> State::FindComponents(Handle h) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = components_.find(h);
  if (it == components_.end() || !it->second->visible || it->second->releasing) return nullptr;
  return it->second;
}

std::shared_ptr<AsyncObj> State::FindAsync(Handle h) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = asyncs_.find(h);
  if (it == asyncs_.end() || it->second->releasing) return nullptr;
  return it->second;
}

void State::RegisterAsync(const std::shared_ptr<AsyncObj>& a) {
  std::lock_guard<std::mutex> lock(mu_);
  asyncs_[a->handle] = a;
}

Napi::Value State::OpenHandles(Napi::Env env) {
  Napi::Array list = Napi::Array::New(env);
  uint32_t i = 0;
  auto add = [&](const char* kind, const std::string& detail, Handle h) {
    Napi::Object o = Napi::Object::New(env);
    o.Set("family", "vss");
    o.Set("kind", detail.empty() ? std::string(kind) : std::string(kind) + "(" + detail + ")");
    o.Set("handle", Num(h));
    list.Set(i++, o);
  };
  std::lock_guard<std::mutex> lock(mu_);
  for (auto& [h, c] : components_) {
    if (c->visible) add("IVssBackupComponents", "", h);
  }
  for (auto& [h, a] : asyncs_) add("IVssAsync", a->step, h);
  return list;
}

Napi::Value State::Stats(Napi::Env env) {
  Napi::Object o = Napi::Object::New(env);
  std::lock_guard<std::mutex> lock(mu_);
  o.Set("componentThreads", Num(static_cast<uint32_t>(components_.size())));
  o.Set("waitThreads", Num(static_cast<uint32_t>(waits_.size())));
  o.Set("spareThreads", Num(static_cast<uint32_t>(spares_.size())));
  o.Set("endingThreads", Num(static_cast<uint32_t>(retiring_.size())));
  o.Set("controlThread", control_ != nullptr);
  // CoInitializeSecurity's result (RPC_E_TOO_LATE when the host had called it), null before the first
  // createBackupComponents; comSecurity() has the whole state.
  const ComSecurityState sec = CurrentComSecurity();
  o.Set("comSecurityHr", sec.called ? Napi::Value(Napi::Number::New(env, HrNum(sec.securityHr))) : env.Null());
  return o;
}

// Runs work(components) on the components' own MTA thread and settles the returned promise.
Napi::Value State::OnComponents(Napi::Env env, Handle h, const char* call,
                         std::function<Finish(Components&)> work) {
  auto deferred = Napi::Promise::Deferred::New(env);
  auto c = FindComponents(h);
  if (!c) {
    deferred.Reject(ToJsError(env, CaptureHResult(E_HANDLE, call)).Value());
    return deferred.Promise();
  }
  auto self = shared_from_this();
  dispatcher_->Hold();
  std::string callName = call;
  const bool posted = c->worker->Post([self, c, work = std::move(work), deferred, callName]() {
    Finish finish = Guarded([&]() -> Finish {
      if (self->tearingDown_.load()) throw HResultException(CaptureHResult(E_ABORT, callName));
      return work(*c);
    });
    self->Deliver(deferred, std::move(finish));
  });
  if (!posted) {
    dispatcher_->Unhold();
    deferred.Reject(ToJsError(env, CaptureHResult(E_HANDLE, call)).Value());
  }
  return deferred.Promise();
}

// Any thread: settle `deferred` on the JS thread with `finish`.
void State::Deliver(Napi::Promise::Deferred deferred, Finish finish) {
  auto self = shared_from_this();
  dispatcher_->Post([self, deferred, finish = std::move(finish)](Napi::Env env) mutable {
    self->dispatcher_->Unhold();
    Settle(env, deferred, finish);
  });
}

Napi::Value State::CreateBackupComponents(Napi::Env env) {
  auto deferred = Napi::Promise::Deferred::New(env);
  auto c = std::make_shared<Components>();
  c->worker = TakeWorker(env);
  c->handle = NextHandle();
  {
    std::lock_guard<std::mutex> lock(mu_);
    components_[c->handle] = c;
  }
  auto self = shared_from_this();
  dispatcher_->Hold();
  c->worker->Post([self, c, deferred]() {
    bool ok = false;
    Finish finish = Guarded([&]() -> Finish {
      if (self->tearingDown_.load()) {
        throw HResultException(CaptureHResult(E_ABORT, "CreateVssBackupComponents"));
      }
      // Before any VSS call: a 32-bit process on 64-bit Windows is refused (wow64.h).
      if (auto refusal = Wow64Refusal(DetectWow64())) throw HResultException(*refusal);
      // Process-wide, once: CoInitializeSecurity and COMGLB_EXCEPTION_DONOT_HANDLE (com_security.h). Its
      // outcome (RPC_E_TOO_LATE when something in the process used COM first) is reported, not fatal.
      EnsureComSecurity();
      HResultError loadError;
      auto api = VssApi::Load(&loadError);
      if (!api) throw HResultException(loadError);
      ComPtr<IVssBackupComponents> backup;
      const HRESULT hr = api->create(backup.Put());
      if (FAILED(hr)) {
        throw HResultException(
            CaptureHResult(hr, "CreateVssBackupComponents", api->module.Get()));
      }
      if (!backup) {
        throw HResultException(CaptureHResult(E_POINTER, "CreateVssBackupComponents"));
      }
      c->api = std::move(api);
      c->backup = std::move(backup);
      ok = true;
      const Handle h = c->handle;
      return [h](Napi::Env jsEnv) -> Napi::Value { return Napi::Number::New(jsEnv, Num(h)); };
    });
    self->dispatcher_->Post([self, c, ok, deferred, finish](Napi::Env jsEnv) mutable {
      self->dispatcher_->Unhold();
      if (ok) {
        c->visible = true;
      } else {
        self->Unregister(c);  // nothing was created: the thread goes back at once
      }
      Settle(jsEnv, deferred, finish);
    });
  });
  return deferred.Promise();
}

// JS thread, once c's thread has run everything it was given: drops c from the registry and gives
// its thread back.
void State::Unregister(const std::shared_ptr<Components>& c) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    components_.erase(c->handle);
  }
  GiveBack(std::move(c->worker));
}

Napi::Value State::ReleaseBackupComponents(Napi::Env env, Handle h) {
  auto deferred = Napi::Promise::Deferred::New(env);
  auto c = FindComponents(h);
  if (!c) {
    deferred.Reject(
        ToJsError(env, CaptureHResult(E_HANDLE, "IVssBackupComponents::Release")).Value());
    return deferred.Promise();
  }
  c->releasing = true;
  dispatcher_->Hold();
  auto self = shared_from_this();
  c->worker->Post([self, c, deferred]() {
    c->backup.Reset();  // IVssBackupComponents::Release on the thread it lives on
    c->api.reset();
    self->dispatcher_->Post([self, c, deferred](Napi::Env jsEnv) mutable {
      self->Unregister(c);
      self->dispatcher_->Unhold();
      deferred.Resolve(jsEnv.Undefined());
    });
  });
  return deferred.Promise();
}

// A call that returns an IVssAsync: registers it (on the worker thread, so teardown sees it at once)
// and resolves with its handle.
Finish State::NewAsync(Components& c, const std::shared_ptr<Components>& owner, const char* step,
                ComPtr<IVssAsync> async) {
  auto a = std::make_shared<AsyncObj>();
  a->handle = NextHandle();
  a->step = step;
  a->owner = owner;
  a->api = c.api;
  a->async = std::move(async);
  RegisterAsync(a);
  const Handle h = a->handle;
  return [h](Napi::Env env) -> Napi::Value { return Napi::Number::New(env, Num(h)); };
}

Napi::Value State::AsyncCall(Napi::Env env, Handle h, const char* call, const char* step,
                      AsyncMethod method, bool marksFinished) {
  auto self = shared_from_this();
  auto owner = FindComponents(h);
  return OnComponents(env, h, call, [self, owner, call, step, method, marksFinished](Components& c) {
    ComPtr<IVssAsync> async;
    Check((c.backup.Get()->*method)(async.Put()), call, c.api->module.Get());
    if (!async) throw HResultException(CaptureHResult(E_POINTER, call));
    if (marksFinished) c.finished = true;
    return self->NewAsync(c, owner, step, std::move(async));
  });
}

}  // namespace winops::vss
