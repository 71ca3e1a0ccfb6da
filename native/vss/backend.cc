#include "vss/backend.h"

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include <vsserror.h>

#include "common/apartment.h"
#include "common/args.h"
#include "common/com_ptr.h"
#include "common/dispatcher.h"
#include "common/handles.h"
#include "common/hresult.h"
#include "common/utf.h"
#include "common/worker.h"
#include "vss/mta_worker.h"
#include "vss/vss_api.h"

namespace winops::vss {
namespace {

using Handle = uint32_t;

// How long teardown waits for a cancelled IVssAsync to end before releasing it anyway.
constexpr DWORD kTeardownWaitMs = 10000;

// Idle MTA threads kept for the next components object or IVssAsync::Wait (see State::TakeWorker).
constexpr size_t kMaxSpareThreads = 4;

// CoInitializeSecurity is process-wide and may be called once: the first components worker does it.
std::once_flag g_securityOnce;
std::atomic<bool> g_securityCalled{false};
std::atomic<HRESULT> g_securityHr{S_OK};

struct Components {
  Handle handle = 0;
  // The MTA thread the object lives on, from createBackupComponents until releaseBackupComponents has
  // run (then it goes back to the spare threads). JS thread only: tasks never touch the pointer.
  std::unique_ptr<MtaWorker> worker;
  // Worker thread only.
  std::shared_ptr<VssApi> api;
  ComPtr<IVssBackupComponents> backup;
  bool started = false;   // StartSnapshotSet succeeded
  bool finished = false;  // AbortBackup or BackupComplete was called and returned S_OK
  // Any thread.
  std::atomic<bool> snapshotDone{false};  // DoSnapshotSet's IVssAsync reported VSS_S_ASYNC_FINISHED
  // JS thread only.
  bool visible = false;  // createBackupComponents resolved with the handle
  bool releasing = false;
};

struct AsyncObj {
  Handle handle = 0;
  std::string step;  // 'gatherWriterMetadata', 'prepareForBackup', 'doSnapshotSet', 'backupComplete'
  std::shared_ptr<Components> owner;
  std::shared_ptr<VssApi> api;
  ComPtr<IVssAsync> async;  // reset on the control thread by asyncRelease / teardown
  bool releasing = false;   // JS thread only
};

// One IVssAsync::Wait in flight, on a thread of its own until Wait returned. `ref` is the wait's own
// reference, released on the control thread.
struct WaitJob {
  std::unique_ptr<MtaWorker> worker;  // JS thread only
  ComPtr<IVssAsync> ref;
  std::shared_ptr<VssApi> api;
};

void Settle(Napi::Env env, Napi::Promise::Deferred& deferred, const Finish& finish) {
  Napi::Value value;
  try {
    value = finish(env);
  } catch (const Napi::Error& e) {
    deferred.Reject(e.Value());
    return;
  }
  deferred.Resolve(value.IsEmpty() ? env.Undefined() : value);
}

Finish RejectWith(HResultError e) {
  return [e = std::move(e)](Napi::Env env) -> Napi::Value { throw ToJsError(env, e); };
}

// Runs work, turning C++ failures into a rejecting Finish.
template <typename F>
Finish Guarded(F&& work) {
  try {
    return work();
  } catch (const HResultException& e) {
    return RejectWith(e.error());
  } catch (const std::exception& e) {
    std::string what = e.what();
    return [what](Napi::Env env) -> Napi::Value { throw Napi::Error::New(env, what); };
  }
}

Napi::Value Undefined(Napi::Env env) { return env.Undefined(); }

double Num(uint32_t v) { return static_cast<double>(v); }
double HrNum(HRESULT hr) { return static_cast<double>(static_cast<uint32_t>(hr)); }

class State : public std::enable_shared_from_this<State> {
 public:
  explicit State(Napi::Env env) : env_(env) {}

  // The dispatcher's teardown hook owns the state until the environment goes away (the reference
  // cycle state -> dispatcher -> hook -> state is broken when the hook has run).
  void Start() {
    auto self = shared_from_this();
    dispatcher_ = Dispatcher::Create(env_, "winops.vss", [self] { self->Teardown(); });
  }

  // ------------------------------------------------------------------------------ registry lookups

  Handle NextHandle() { return next_.fetch_add(1); }

  std::shared_ptr<Components> FindComponents(Handle h) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = components_.find(h);
    if (it == components_.end() || !it->second->visible || it->second->releasing) return nullptr;
    return it->second;
  }

  std::shared_ptr<AsyncObj> FindAsync(Handle h) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = asyncs_.find(h);
    if (it == asyncs_.end() || it->second->releasing) return nullptr;
    return it->second;
  }

  void RegisterAsync(const std::shared_ptr<AsyncObj>& a) {
    std::lock_guard<std::mutex> lock(mu_);
    asyncs_[a->handle] = a;
  }

  Napi::Value OpenHandles(Napi::Env env) {
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

  Napi::Value Stats(Napi::Env env) {
    Napi::Object o = Napi::Object::New(env);
    std::lock_guard<std::mutex> lock(mu_);
    o.Set("componentThreads", Num(static_cast<uint32_t>(components_.size())));
    o.Set("waitThreads", Num(static_cast<uint32_t>(waits_.size())));
    o.Set("spareThreads", Num(static_cast<uint32_t>(spares_.size())));
    o.Set("endingThreads", Num(static_cast<uint32_t>(retiring_.size())));
    o.Set("controlThread", control_ != nullptr);
    // CoInitializeSecurity's result (RPC_E_TOO_LATE when the host had called it), null before the first
    // createBackupComponents.
    o.Set("comSecurityHr", g_securityCalled.load() ? Napi::Value(Napi::Number::New(env, HrNum(g_securityHr.load())))
                                                   : env.Null());
    return o;
  }

  // ------------------------------------------------------------------------------ components calls

  // Runs work(components) on the components' own MTA thread and settles the returned promise.
  Napi::Value OnComponents(Napi::Env env, Handle h, const char* call,
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
  void Deliver(Napi::Promise::Deferred deferred, Finish finish) {
    auto self = shared_from_this();
    dispatcher_->Post([self, deferred, finish = std::move(finish)](Napi::Env env) mutable {
      self->dispatcher_->Unhold();
      Settle(env, deferred, finish);
    });
  }

  Napi::Value CreateBackupComponents(Napi::Env env) {
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
        // As the VSS requester samples do (vshadow). RPC_E_TOO_LATE (the host did it) is fine.
        std::call_once(g_securityOnce, [] {
          g_securityHr = InitializeComSecurityForVss();
          g_securityCalled = true;
        });
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
  void Unregister(const std::shared_ptr<Components>& c) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      components_.erase(c->handle);
    }
    GiveBack(std::move(c->worker));
  }

  // ------------------------------------------------------------------------------ threads

  // JS thread. An MTA thread for a new components object or an IVssAsync::Wait: a spare one when there
  // is one, else a new one. Threads are kept rather than ended when their object goes (GiveBack): a
  // cancel's report no longer waits for a thread to leave the apartment and end and for the JS thread
  // to join it, and the next object does not wait for a thread to start. At most kMaxSpareThreads
  // are kept; teardown ends and joins them with the others.
  std::unique_ptr<MtaWorker> TakeWorker(Napi::Env env) {
    if (!spares_.empty()) {
      std::unique_ptr<MtaWorker> w = std::move(spares_.back());
      spares_.pop_back();
      return w;
    }
    try {
      return std::make_unique<MtaWorker>();
    } catch (const std::system_error& e) {
      throw Napi::Error::New(env, std::string("could not start a thread: ") + e.what());
    }
  }

  // JS thread. w has run (or is finishing) the last task its owner gave it and is given nothing else
  // by that owner. Kept as a spare, or ended: it leaves the apartment on its own, then the JS thread
  // joins it (never waiting for it).
  void GiveBack(std::unique_ptr<MtaWorker> w) {
    if (!w) return;
    if (tornDown_) {  // after shutdown(): every thread was stopped and joined already
      w->Stop();
      w->Join();
      return;
    }
    if (spares_.size() < kMaxSpareThreads) {
      spares_.push_back(std::move(w));
      return;
    }
    MtaWorker* raw = w.get();
    retiring_.push_back(std::move(w));
    auto self = shared_from_this();
    dispatcher_->Hold();
    raw->Stop([self, raw]() {
      self->dispatcher_->Post([self, raw](Napi::Env) {
        for (auto it = self->retiring_.begin(); it != self->retiring_.end(); ++it) {
          if (it->get() == raw) {
            (*it)->Join();
            self->retiring_.erase(it);
            break;
          }
        }
        self->dispatcher_->Unhold();
      });
    });
  }

  Napi::Value ReleaseBackupComponents(Napi::Env env, Handle h) {
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
  Finish NewAsync(Components& c, const std::shared_ptr<Components>& owner, const char* step,
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

  using AsyncMethod = decltype(&IVssBackupComponents::DoSnapshotSet);

  Napi::Value AsyncCall(Napi::Env env, Handle h, const char* call, const char* step,
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

  // ------------------------------------------------------------------------------------- IVssAsync

  MtaWorker& Control() {
    if (!control_) control_ = std::make_unique<MtaWorker>();
    return *control_;
  }

  Napi::Value OnAsync(Napi::Env env, Handle h, const char* call,
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

  Napi::Value AsyncQueryStatus(Napi::Env env, Handle h) {
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

  Napi::Value AsyncCancel(Napi::Env env, Handle h) {
    return OnAsync(env, h, "IVssAsync::Cancel", [](AsyncObj& a) -> Finish {
      const HRESULT hr = a.async->Cancel();
      return [hr](Napi::Env jsEnv) -> Napi::Value { return Napi::Number::New(jsEnv, HrNum(hr)); };
    });
  }

  Napi::Value AsyncRelease(Napi::Env env, Handle h) {
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
  Napi::Value AsyncWait(Napi::Env env, Handle h, DWORD timeoutMs, bool withStatus) {
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
  void FinishWait(uint64_t id) {
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

  // ---------------------------------------------------------------------------------------- teardown

  // JS thread, environment going away; the dispatcher no longer delivers anything.
  // Also called by shutdown() (lib/native/vss.ts calls it on process 'exit': process.exit() ends the
  // process without running environment cleanup hooks). Runs once.
  void Teardown() {
    if (tornDown_) return;
    tornDown_ = true;
    tearingDown_ = true;  // calls still queued on components threads become no-ops
    std::vector<std::shared_ptr<Components>> comps;
    {
      std::lock_guard<std::mutex> lock(mu_);
      for (auto& [h, c] : components_) comps.push_back(c);
    }
    // 1. Let every components thread finish the call it is in: afterwards the async registry is complete.
    for (auto& c : comps) c->worker->RunAndWait([] {});

    std::vector<std::shared_ptr<AsyncObj>> asyncs;
    std::vector<std::shared_ptr<WaitJob>> waits;
    {
      std::lock_guard<std::mutex> lock(mu_);
      for (auto& [h, a] : asyncs_) asyncs.push_back(a);
      for (auto& [id, w] : waits_) waits.push_back(w);
    }
    // 2. Cancel what is still pending and let it end (bounded), so waits return and nothing runs
    //    when the components are released.
    MtaWorker& control = Control();
    control.RunAndWait([&]() {
      std::vector<IVssAsync*> all;
      for (auto& a : asyncs) {
        if (a->async) all.push_back(a->async.Get());
      }
      for (auto& w : waits) {
        if (w->ref) all.push_back(w->ref.Get());
      }
      std::vector<IVssAsync*> cancelled;
      for (IVssAsync* x : all) {
        bool seen = false;
        for (IVssAsync* y : cancelled) seen = seen || (x == y);
        if (seen) continue;
        HRESULT status = S_OK;
        if (SUCCEEDED(x->QueryStatus(&status, nullptr)) && status == VSS_S_ASYNC_PENDING &&
            SUCCEEDED(x->Cancel())) {
          cancelled.push_back(x);
        }
      }
      for (IVssAsync* x : cancelled) x->Wait(kTeardownWaitMs);
    });
    for (auto& w : waits) {
      if (w->worker) w->worker->RunAndWait([] {});  // its Wait has returned
    }

    // 3. AbortBackup where a set was started and is neither finished nor aborted, release, join.
    for (auto& c : comps) {
      c->worker->Post([c]() {
        if (c->backup && c->started && !c->finished && !c->snapshotDone.load()) {
          c->backup->AbortBackup();
        }
        c->backup.Reset();
        c->api.reset();
      });
      c->worker->Stop();
    }
    for (auto& c : comps) c->worker->Join();

    // 4. Release the IVssAsync objects still held, end the control thread.
    control.RunAndWait([&]() {
      for (auto& a : asyncs) {
        a->async.Reset();
        a->api.reset();
        a->owner.reset();
      }
      for (auto& w : waits) {
        w->ref.Reset();
        w->api.reset();
      }
    });
    control.Stop();
    control.Join();

    // 5. End the threads of the waits, the spare threads and those already ending.
    for (auto& w : waits) {
      if (w->worker) w->worker->Stop();
    }
    for (auto& w : spares_) w->Stop();
    for (auto& w : waits) {
      if (w->worker) w->worker->Join();
    }
    for (auto& w : spares_) w->Join();
    for (auto& w : retiring_) w->Join();
    spares_.clear();
    retiring_.clear();
    {
      std::lock_guard<std::mutex> lock(mu_);
      components_.clear();
      asyncs_.clear();
      waits_.clear();
    }
    comps.clear();
    control_.reset();
  }

 private:
  Napi::Env env_;
  std::shared_ptr<Dispatcher> dispatcher_;
  std::atomic<Handle> next_{1};
  std::atomic<bool> tearingDown_{false};
  bool tornDown_ = false;  // JS thread
  uint64_t nextWait_ = 1;  // JS thread
  std::mutex mu_;
  std::map<Handle, std::shared_ptr<Components>> components_;
  std::map<Handle, std::shared_ptr<AsyncObj>> asyncs_;
  std::map<uint64_t, std::shared_ptr<WaitJob>> waits_;
  std::unique_ptr<MtaWorker> control_;  // JS thread creates; teardown ends
  // JS thread only. Idle threads kept for reuse, and threads ending (joined once they left the apartment).
  std::vector<std::unique_ptr<MtaWorker>> spares_;
  std::vector<std::unique_ptr<MtaWorker>> retiring_;
};

// ------------------------------------------------------------------------------------ JS arguments

State& StateOf(const Napi::CallbackInfo& info) { return *static_cast<State*>(info.Data()); }

// Arguments (common/args.h): a TypeError or RangeError naming the argument, before anything runs.
Handle HandleArg(const Napi::CallbackInfo& info, size_t i, const char* fn, const char* what = "components") {
  return args::Handle(args::At(info, i), std::string(fn) + ": " + what);
}

std::wstring StringArg(const Napi::CallbackInfo& info, size_t i, const char* fn, const char* what) {
  return args::WideString(args::At(info, i), std::string(fn) + ": " + what);
}

uint32_t Uint32Arg(const Napi::CallbackInfo& info, size_t i, const char* fn, const char* what) {
  return args::Uint32(args::At(info, i), std::string(fn) + ": " + what);
}

bool BoolProp(const Napi::Object& o, const char* name) {
  return args::Boolean(o.Get(name), std::string("setBackupState: state.") + name, false);
}

Napi::Value RejectArg(Napi::Env env, HRESULT hr, const char* call) {
  auto d = Napi::Promise::Deferred::New(env);
  d.Reject(ToJsError(env, CaptureHResult(hr, call)).Value());
  return d.Promise();
}

// ------------------------------------------------------------------------------------ JS functions

Napi::Value JsCreateBackupComponents(const Napi::CallbackInfo& info) {
  return StateOf(info).CreateBackupComponents(info.Env());
}

Napi::Value JsInitializeForBackup(const Napi::CallbackInfo& info) {
  const Handle h = HandleArg(info, 0, "initializeForBackup");
  return StateOf(info).OnComponents(info.Env(), h, "IVssBackupComponents::InitializeForBackup",
                                    [](Components& c) -> Finish {
    Check(c.backup->InitializeForBackup(nullptr), "IVssBackupComponents::InitializeForBackup",
          c.api->module.Get());
    return Undefined;
  });
}

Napi::Value JsSetContext(const Napi::CallbackInfo& info) {
  const Handle h = HandleArg(info, 0, "setContext");
  const LONG context = static_cast<LONG>(Uint32Arg(info, 1, "setContext", "context"));
  return StateOf(info).OnComponents(info.Env(), h, "IVssBackupComponents::SetContext",
                                    [context](Components& c) -> Finish {
    Check(c.backup->SetContext(context), "IVssBackupComponents::SetContext", c.api->module.Get());
    return Undefined;
  });
}

Napi::Value JsSetBackupState(const Napi::CallbackInfo& info) {
  const Handle h = HandleArg(info, 0, "setBackupState");
  if (info.Length() < 2 || !info[1].IsObject()) args::TypeFail(args::At(info, 1), "setBackupState: state", "an object");
  Napi::Object s = info[1].As<Napi::Object>();
  const bool select = BoolProp(s, "selectComponents");
  const bool bootable = BoolProp(s, "backupBootableSystemState");
  const bool partial = BoolProp(s, "partialFileSupport");
  const auto type = static_cast<VSS_BACKUP_TYPE>(args::Int32(s.Get("backupType"), "setBackupState: state.backupType"));
  return StateOf(info).OnComponents(info.Env(), h, "IVssBackupComponents::SetBackupState",
                                    [=](Components& c) -> Finish {
    Check(c.backup->SetBackupState(select, bootable, type, partial),
          "IVssBackupComponents::SetBackupState", c.api->module.Get());
    return Undefined;
  });
}

Napi::Value JsGatherWriterMetadata(const Napi::CallbackInfo& info) {
  const Handle h = HandleArg(info, 0, "gatherWriterMetadata");
  return StateOf(info).AsyncCall(info.Env(), h, "IVssBackupComponents::GatherWriterMetadata",
                                 "gatherWriterMetadata",
                                 &IVssBackupComponents::GatherWriterMetadata, false);
}

Napi::Value JsPrepareForBackup(const Napi::CallbackInfo& info) {
  const Handle h = HandleArg(info, 0, "prepareForBackup");
  return StateOf(info).AsyncCall(info.Env(), h, "IVssBackupComponents::PrepareForBackup",
                                 "prepareForBackup", &IVssBackupComponents::PrepareForBackup,
                                 false);
}

Napi::Value JsDoSnapshotSet(const Napi::CallbackInfo& info) {
  const Handle h = HandleArg(info, 0, "doSnapshotSet");
  return StateOf(info).AsyncCall(info.Env(), h, "IVssBackupComponents::DoSnapshotSet",
                                 "doSnapshotSet", &IVssBackupComponents::DoSnapshotSet, false);
}

Napi::Value JsBackupComplete(const Napi::CallbackInfo& info) {
  const Handle h = HandleArg(info, 0, "backupComplete");
  return StateOf(info).AsyncCall(info.Env(), h, "IVssBackupComponents::BackupComplete",
                                 "backupComplete", &IVssBackupComponents::BackupComplete, true);
}

struct WriterInfo {
  std::string name, writerId, instanceId;
};

Napi::Value JsGetWriters(const Napi::CallbackInfo& info) {
  const Handle h = HandleArg(info, 0, "getWriters");
  return StateOf(info).OnComponents(info.Env(), h, "IVssBackupComponents::GetWriterMetadata",
                                    [](Components& c) -> Finish {
    HMODULE mod = c.api->module.Get();
    UINT count = 0;
    Check(c.backup->GetWriterMetadataCount(&count), "IVssBackupComponents::GetWriterMetadataCount",
          mod);
    std::vector<WriterInfo> writers;
    for (UINT i = 0; i < count; ++i) {
      VSS_ID instanceId = GUID_NULL;
      ComPtr<IVssExamineWriterMetadata> metadata;
      Check(c.backup->GetWriterMetadata(i, &instanceId, metadata.Put()),
            "IVssBackupComponents::GetWriterMetadata", mod);
      if (!metadata) continue;
      VSS_ID instance = GUID_NULL, writer = GUID_NULL;
      Bstr name;
      VSS_USAGE_TYPE usage = VSS_UT_UNDEFINED;
      VSS_SOURCE_TYPE source = VSS_ST_UNDEFINED;
      Check(metadata->GetIdentity(&instance, &writer, name.Put(), &usage, &source),
            "IVssExamineWriterMetadata::GetIdentity", mod);
      writers.push_back({WideToUtf8(name.View()), GuidToString(writer), GuidToString(instance)});
    }
    return [writers](Napi::Env env) -> Napi::Value {
      Napi::Array list = Napi::Array::New(env, writers.size());
      for (size_t i = 0; i < writers.size(); ++i) {
        Napi::Object o = Napi::Object::New(env);
        o.Set("name", writers[i].name);
        o.Set("writerId", writers[i].writerId);
        o.Set("instanceId", writers[i].instanceId);
        list.Set(static_cast<uint32_t>(i), o);
      }
      return list;
    };
  });
}

Napi::Value JsStartSnapshotSet(const Napi::CallbackInfo& info) {
  const Handle h = HandleArg(info, 0, "startSnapshotSet");
  return StateOf(info).OnComponents(info.Env(), h, "IVssBackupComponents::StartSnapshotSet",
                                    [](Components& c) -> Finish {
    VSS_ID id = GUID_NULL;
    Check(c.backup->StartSnapshotSet(&id), "IVssBackupComponents::StartSnapshotSet",
          c.api->module.Get());
    c.started = true;
    const std::string s = GuidToString(id);
    return [s](Napi::Env env) -> Napi::Value { return Napi::String::New(env, s); };
  });
}

Napi::Value JsAddToSnapshotSet(const Napi::CallbackInfo& info) {
  const Handle h = HandleArg(info, 0, "addToSnapshotSet");
  const std::wstring volume = StringArg(info, 1, "addToSnapshotSet", "volume");
  return StateOf(info).OnComponents(info.Env(), h, "IVssBackupComponents::AddToSnapshotSet",
                                    [volume](Components& c) -> Finish {
    std::wstring v = volume;  // VSS_PWSZ is not const
    VSS_ID id = GUID_NULL;
    Check(c.backup->AddToSnapshotSet(v.data(), GUID_NULL, &id),
          "IVssBackupComponents::AddToSnapshotSet", c.api->module.Get());
    const std::string s = GuidToString(id);
    return [s](Napi::Env env) -> Napi::Value { return Napi::String::New(env, s); };
  });
}

struct SnapshotProps {
  std::string snapshotId, snapshotSetId, originalVolumeName, snapshotDeviceObject,
      originatingMachine;
  double createdAt = 0;
  LONG count = 0;
  LONG attributes = 0;
};

std::string Narrow(const wchar_t* s) { return s ? WideToUtf8(s) : std::string(); }

Napi::Value JsGetSnapshotProperties(const Napi::CallbackInfo& info) {
  const char* call = "IVssBackupComponents::GetSnapshotProperties";
  const Handle h = HandleArg(info, 0, "getSnapshotProperties");
  GUID id;
  if (!ParseGuid(WideToUtf8(StringArg(info, 1, "getSnapshotProperties", "snapshotId")), &id)) {
    return RejectArg(info.Env(), E_INVALIDARG, call);
  }
  return StateOf(info).OnComponents(info.Env(), h, call, [id, call](Components& c) -> Finish {
    VSS_SNAPSHOT_PROP p{};
    Check(c.backup->GetSnapshotProperties(id, &p), call, c.api->module.Get());
    SnapshotProps r;
    r.snapshotId = GuidToString(p.m_SnapshotId);
    r.snapshotSetId = GuidToString(p.m_SnapshotSetId);
    r.originalVolumeName = Narrow(p.m_pwszOriginalVolumeName);
    r.snapshotDeviceObject = Narrow(p.m_pwszSnapshotDeviceObject);
    r.originatingMachine = Narrow(p.m_pwszOriginatingMachine);
    r.createdAt = TimestampToJsTime(p.m_tsCreationTimestamp);
    r.count = p.m_lSnapshotsCount;
    r.attributes = p.m_lSnapshotAttributes;
    c.api->FreeSnapshotProperties(&p);
    return [r](Napi::Env env) -> Napi::Value {
      Napi::Object o = Napi::Object::New(env);
      o.Set("snapshotId", r.snapshotId);
      o.Set("snapshotSetId", r.snapshotSetId);
      o.Set("originalVolumeName", r.originalVolumeName);
      o.Set("snapshotDeviceObject", r.snapshotDeviceObject);
      o.Set("originatingMachine", r.originatingMachine);
      o.Set("createdAt", Napi::Date::New(env, r.createdAt));
      o.Set("snapshotCount", static_cast<double>(r.count));
      // VSS_SNAPSHOT_PROP.m_lSnapshotAttributes: the VSS_VOLSNAP_ATTR_* bits the context is made of.
      o.Set("context", static_cast<double>(static_cast<uint32_t>(r.attributes)));
      return o;
    };
  });
}

Napi::Value JsAbortBackup(const Napi::CallbackInfo& info) {
  const Handle h = HandleArg(info, 0, "abortBackup");
  return StateOf(info).OnComponents(info.Env(), h, "IVssBackupComponents::AbortBackup",
                                    [](Components& c) -> Finish {
    Check(c.backup->AbortBackup(), "IVssBackupComponents::AbortBackup", c.api->module.Get());
    c.finished = true;
    return Undefined;
  });
}

Napi::Value JsDeleteSnapshotSet(const Napi::CallbackInfo& info) {
  const char* call = "IVssBackupComponents::DeleteSnapshots";
  const Handle h = HandleArg(info, 0, "deleteSnapshotSet");
  GUID id;
  if (!ParseGuid(WideToUtf8(StringArg(info, 1, "deleteSnapshotSet", "snapshotSetId")), &id)) {
    return RejectArg(info.Env(), E_INVALIDARG, call);
  }
  return StateOf(info).OnComponents(info.Env(), h, call, [id, call](Components& c) -> Finish {
    LONG deleted = 0;
    VSS_ID nondeleted = GUID_NULL;
    Check(c.backup->DeleteSnapshots(id, VSS_OBJECT_SNAPSHOT_SET, TRUE, &deleted, &nondeleted),
          call, c.api->module.Get());
    return [deleted](Napi::Env env) -> Napi::Value {
      return Napi::Number::New(env, static_cast<double>(deleted));
    };
  });
}

Napi::Value JsReleaseBackupComponents(const Napi::CallbackInfo& info) {
  return StateOf(info).ReleaseBackupComponents(info.Env(),
                                                HandleArg(info, 0, "releaseBackupComponents"));
}

Napi::Value JsAsyncWait(const Napi::CallbackInfo& info) {
  const Handle h = HandleArg(info, 0, "asyncWait", "async");
  const DWORD ms = Uint32Arg(info, 1, "asyncWait", "timeoutMs");
  return StateOf(info).AsyncWait(info.Env(), h, ms, false);
}

Napi::Value JsAsyncWaitStatus(const Napi::CallbackInfo& info) {
  const Handle h = HandleArg(info, 0, "asyncWaitStatus");
  const DWORD ms = Uint32Arg(info, 1, "asyncWaitStatus", "timeoutMs");
  return StateOf(info).AsyncWait(info.Env(), h, ms, true);
}

Napi::Value JsAsyncQueryStatus(const Napi::CallbackInfo& info) {
  return StateOf(info).AsyncQueryStatus(info.Env(), HandleArg(info, 0, "asyncQueryStatus", "async"));
}

Napi::Value JsAsyncCancel(const Napi::CallbackInfo& info) {
  return StateOf(info).AsyncCancel(info.Env(), HandleArg(info, 0, "asyncCancel", "async"));
}

Napi::Value JsAsyncRelease(const Napi::CallbackInfo& info) {
  return StateOf(info).AsyncRelease(info.Env(), HandleArg(info, 0, "asyncRelease", "async"));
}

Napi::Value JsOpenHandles(const Napi::CallbackInfo& info) {
  return StateOf(info).OpenHandles(info.Env());
}

Napi::Value JsStats(const Napi::CallbackInfo& info) { return StateOf(info).Stats(info.Env()); }

Napi::Value JsShutdown(const Napi::CallbackInfo& info) {
  StateOf(info).Teardown();
  return info.Env().Undefined();
}

}  // namespace

Napi::Object CreateBinding(Napi::Env env) {
  auto state = std::make_shared<State>(env);
  state->Start();
  // The functions hold a raw pointer: the state lives until the environment's teardown hook has run,
  // and no JS runs after that.
  State* raw = state.get();
  Napi::Object o = Napi::Object::New(env);
  auto fn = [&](const char* name, Napi::Function::Callback cb) {
    o.Set(name, Napi::Function::New(env, cb, name, raw));
  };
  fn("createBackupComponents", JsCreateBackupComponents);
  fn("initializeForBackup", JsInitializeForBackup);
  fn("setContext", JsSetContext);
  fn("setBackupState", JsSetBackupState);
  fn("gatherWriterMetadata", JsGatherWriterMetadata);
  fn("getWriters", JsGetWriters);
  fn("startSnapshotSet", JsStartSnapshotSet);
  fn("addToSnapshotSet", JsAddToSnapshotSet);
  fn("prepareForBackup", JsPrepareForBackup);
  fn("doSnapshotSet", JsDoSnapshotSet);
  fn("getSnapshotProperties", JsGetSnapshotProperties);
  fn("backupComplete", JsBackupComplete);
  fn("abortBackup", JsAbortBackup);
  fn("deleteSnapshotSet", JsDeleteSnapshotSet);
  fn("releaseBackupComponents", JsReleaseBackupComponents);
  fn("asyncWait", JsAsyncWait);
  fn("asyncWaitStatus", JsAsyncWaitStatus);
  fn("asyncQueryStatus", JsAsyncQueryStatus);
  fn("asyncCancel", JsAsyncCancel);
  fn("asyncRelease", JsAsyncRelease);
  fn("openHandles", JsOpenHandles);
  fn("stats", JsStats);
  fn("shutdown", JsShutdown);
  return o;
}

}  // namespace winops::vss
