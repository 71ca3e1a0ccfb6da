// IVssAsync in the `vss` binding (state.h): QueryStatus, Cancel and Release on the per-environment
// control thread, and each IVssAsync::Wait on a thread of its own.
#include "vss/state.h"

#include <utility>

#include <vsserror.h>

namespace winops::vss {

MtaWorker& State::Control() {
  if (!control_) control_ = std::make_unique<MtaWorker>();
  return *control_;
}

Napi::Value State::OnAsync(Napi::Env env, Handle h, const char* call,
                    std::function<Finish(AsyncObj&)> work) {
  auto deferred = Napi::Promise::Deferred::New(env);
  auto a = FindAsync(h);
  if (!a) {
    deferred.Reject(ToJsError(env, CaptureHResult(E_HANDLE, call)).Value());
    return deferred.Promise();
  }
  auto self = shared_from_this();
  dispatcher_->Hold();
  Control().Post([self, a, work = std::move(work), deferred]() {
    Finish finish = Guarded([&]() -> Finish { return work(*a); });
    self->Deliver(deferred, std::move(finish));
  });
  return deferred.Promise();
}

Napi::Value State::AsyncQueryStatus(Napi::Env env, Handle h) {
  return OnAsync(env, h, "IVssAsync::QueryStatus", [](AsyncObj& a) -> Finish {
    HRESULT status = S_OK;
    const HRESULT hr = a.async->QueryStatus(&status, nullptr);
    if (SUCCEEDED(hr) && status == VSS_S_ASYNC_FINISHED && a.step == "doSnapshotSet" && a.owner) {
      a.owner->snapshotDone = true;
    }
    return [hr, status](Napi::Env jsEnv) -> Napi::Value {
      Napi::Object o = Napi::Object::New(jsEnv);
      o.Set("hr", HrNum(hr));
      o.Set("status", HrNum(status));
      return o;
    };
  });
}

Napi::Value State::AsyncCancel(Napi::Env env, Handle h) {
  return OnAsync(env, h, "IVssAsync::Cancel", [](AsyncObj& a) -> Finish {
    const HRESULT hr = a.async->Cancel();
    return [hr](Napi::Env jsEnv) -> Napi::Value { return Napi::Number::New(jsEnv, HrNum(hr)); };
  });
}

Napi::Value State::AsyncRelease(Napi::Env env, Handle h) {
  auto a = FindAsync(h);
  if (a) a->releasing = true;
  auto deferred = Napi::Promise::Deferred::New(env);
  if (!a) {
    deferred.Reject(ToJsError(env, CaptureHResult(E_HANDLE, "IVssAsync::Release")).Value());
    return deferred.Promise();
  }
  auto self = shared_from_this();
  dispatcher_->Hold();
  Control().Post([self, a, deferred]() {
    a->async.Reset();
    a->api.reset();
    a->owner.reset();
    self->dispatcher_->Post([self, a, deferred](Napi::Env jsEnv) mutable {
      {
        std::lock_guard<std::mutex> lock(self->mu_);
        self->asyncs_.erase(a->handle);
      }
      self->dispatcher_->Unhold();
      deferred.Resolve(jsEnv.Undefined());
    });
  });
  return deferred.Promise();
}

// IVssAsync::Wait(timeoutMs) on a thread of its own; resolves with Wait's HRESULT, whatever it is.
// withStatus (asyncWaitStatus): when Wait succeeded, IVssAsync::QueryStatus follows on the same
// thread and the promise resolves with { wait, hr, status }: one trip back to the JS thread instead
// of two (Wait, then QueryStatus on the control thread).
Napi::Value State::AsyncWait(Napi::Env env, Handle h, DWORD timeoutMs, bool withStatus) {
  auto deferred = Napi::Promise::Deferred::New(env);
  auto a = FindAsync(h);
  if (!a) {
    deferred.Reject(ToJsError(env, CaptureHResult(E_HANDLE, "IVssAsync::Wait")).Value());
    return deferred.Promise();
  }
  auto job = std::make_shared<WaitJob>();
  try {
    job->worker = TakeWorker(env);
  } catch (const Napi::Error& e) {
    deferred.Reject(e.Value());
    return deferred.Promise();
  }
  job->ref = a->async;  // AddRef: the wait keeps the object alive even if it is released meanwhile
  job->api = a->api;
  // What QueryStatus marks (as AsyncQueryStatus does): read here, never on the waiting thread.
  std::shared_ptr<Components> snapshotOwner = a->step == "doSnapshotSet" ? a->owner : nullptr;
  const uint64_t id = nextWait_++;
  auto self = shared_from_this();
  dispatcher_->Hold();
  {
    std::lock_guard<std::mutex> lock(mu_);
    waits_[id] = job;
  }
  IVssAsync* raw = job->ref.Get();
  job->worker->Post([self, raw, id, timeoutMs, withStatus, snapshotOwner, deferred]() {
    const HRESULT hr = raw->Wait(timeoutMs);
    HRESULT queryHr = S_OK;
    HRESULT status = S_OK;
    const bool queried = withStatus && SUCCEEDED(hr);
    if (queried) {
      queryHr = raw->QueryStatus(&status, nullptr);
      if (SUCCEEDED(queryHr) && status == VSS_S_ASYNC_FINISHED && snapshotOwner) {
        snapshotOwner->snapshotDone = true;
      }
    }
    self->dispatcher_->Post([self, id, hr, withStatus, queried, queryHr, status, deferred](Napi::Env jsEnv) mutable {
      self->FinishWait(id);
      self->dispatcher_->Unhold();
      if (!withStatus) {
        deferred.Resolve(Napi::Number::New(jsEnv, HrNum(hr)));
        return;
      }
      Napi::Object o = Napi::Object::New(jsEnv);
      o.Set("wait", HrNum(hr));
      if (queried) {
        o.Set("hr", HrNum(queryHr));
        o.Set("status", HrNum(status));
      }
      deferred.Resolve(o);
    });
  });
  return deferred.Promise();
}

// JS thread: the wait's thread posted its result and has nothing left to do for it.
void State::FinishWait(uint64_t id) {
  std::shared_ptr<WaitJob> job;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = waits_.find(id);
    if (it == waits_.end()) return;
    job = it->second;
    waits_.erase(it);
  }
  GiveBack(std::move(job->worker));
  // The wait's reference goes on the control thread (a COM Release is not the JS thread's job).
  Control().Post([job]() {
    job->ref.Reset();
    job->api.reset();
  });
}

}  // namespace winops::vss
