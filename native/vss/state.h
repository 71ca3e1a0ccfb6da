// The per-environment state of the `vss` binding (backend.h): the registry of components objects and
// IVssAsync objects, the MTA threads they live on, and teardown. Split by concern:
//   state.cc    registry, stats, components calls (create/release, calls that return an IVssAsync)
//   async.cc    IVssAsync::QueryStatus/Cancel/Release on the control thread, IVssAsync::Wait threads
//   threads.cc  spare threads, and environment teardown (bounded: common/teardown.h)
//   backend.cc  the JS functions and their arguments
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <napi.h>

#include "common/com_ptr.h"
#include "common/dispatcher.h"
#include "common/hresult.h"
#include "common/worker.h"
#include "vss/mta_worker.h"
#include "vss/vss_api.h"

namespace winops::vss {

using Handle = uint32_t;

// Idle MTA threads kept for the next components object or IVssAsync::Wait (see State::TakeWorker).
constexpr size_t kMaxSpareThreads = 4;

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

inline void Settle(Napi::Env env, Napi::Promise::Deferred& deferred, const Finish& finish) {
  Napi::Value value;
  try {
    value = finish(env);
  } catch (const Napi::Error& e) {
    deferred.Reject(e.Value());
    return;
  }
  deferred.Resolve(value.IsEmpty() ? env.Undefined() : value);
}

inline Finish RejectWith(HResultError e) {
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

inline Napi::Value Undefined(Napi::Env env) { return env.Undefined(); }

inline double Num(uint32_t v) { return static_cast<double>(v); }
inline double HrNum(HRESULT hr) { return static_cast<double>(static_cast<uint32_t>(hr)); }

class State : public std::enable_shared_from_this<State> {
 public:
  explicit State(Napi::Env env) : env_(env) {}

  // The dispatcher's teardown hook owns the state until the environment goes away (the reference
  // cycle state -> dispatcher -> hook -> state is broken when the hook has run).
  void Start();

  // Registry (state.cc).
  Handle NextHandle() { return next_.fetch_add(1); }
  std::shared_ptr<Components> FindComponents(Handle h);
  std::shared_ptr<AsyncObj> FindAsync(Handle h);
  void RegisterAsync(const std::shared_ptr<AsyncObj>& a);
  Napi::Value OpenHandles(Napi::Env env);
  Napi::Value Stats(Napi::Env env);

  // Components calls (state.cc).
  Napi::Value OnComponents(Napi::Env env, Handle h, const char* call, std::function<Finish(Components&)> work);
  void Deliver(Napi::Promise::Deferred deferred, Finish finish);
  Napi::Value CreateBackupComponents(Napi::Env env);
  void Unregister(const std::shared_ptr<Components>& c);
  Napi::Value ReleaseBackupComponents(Napi::Env env, Handle h);
  Finish NewAsync(Components& c, const std::shared_ptr<Components>& owner, const char* step,
                  ComPtr<IVssAsync> async);
  using AsyncMethod = decltype(&IVssBackupComponents::DoSnapshotSet);
  Napi::Value AsyncCall(Napi::Env env, Handle h, const char* call, const char* step, AsyncMethod method,
                        bool marksFinished);

  // IVssAsync (async.cc).
  MtaWorker& Control();
  Napi::Value OnAsync(Napi::Env env, Handle h, const char* call, std::function<Finish(AsyncObj&)> work);
  Napi::Value AsyncQueryStatus(Napi::Env env, Handle h);
  Napi::Value AsyncCancel(Napi::Env env, Handle h);
  Napi::Value AsyncRelease(Napi::Env env, Handle h);
  Napi::Value AsyncWait(Napi::Env env, Handle h, DWORD timeoutMs, bool withStatus);
  void FinishWait(uint64_t id);

  // Threads and teardown (threads.cc).
  std::unique_ptr<MtaWorker> TakeWorker(Napi::Env env);
  void GiveBack(std::unique_ptr<MtaWorker> w);
  void Teardown();

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

}  // namespace winops::vss
