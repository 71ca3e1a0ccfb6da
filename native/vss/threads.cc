// The threads of the `vss` binding (state.h): spare MTA threads, and environment teardown.
#include "vss/state.h"

#include <system_error>
#include <utility>

#include <vsserror.h>

#include "common/teardown.h"

namespace winops::vss {

// JS thread. An MTA thread for a new components object or an IVssAsync::Wait: a spare one when there
// is one, else a new one. Threads are kept rather than ended when their object goes (GiveBack): a
// cancel's report no longer waits for a thread to leave the apartment and end and for the JS thread
// to join it, and the next object does not wait for a thread to start. At most kMaxSpareThreads
// are kept; teardown ends and joins them with the others.
std::unique_ptr<MtaWorker> State::TakeWorker(Napi::Env env) {
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
void State::GiveBack(std::unique_ptr<MtaWorker> w) {
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

namespace {

// Of the teardown bound (common/teardown.h), what the wait for cancelled operations leaves to the
// steps after it (AbortBackup, the releases, the joins), so they are not abandoned only because the
// cancel wait took the whole budget.
constexpr DWORD kAfterCancelReserveMs = 300;

// What the control thread found, shared with its task: the task may run after teardown stopped
// waiting for it, so it touches nothing on the teardown's stack.
struct CancelScan {
  std::vector<std::shared_ptr<AsyncObj>> asyncs;
  std::vector<std::shared_ptr<WaitJob>> waits;
  std::vector<IVssAsync*> unfinished;  // still pending after Cancel and the bounded wait
  bool Unfinished(IVssAsync* x) const {
    for (IVssAsync* y : unfinished) {
      if (x == y) return true;
    }
    return false;
  }
};

// An object a thread that was abandoned may still use: one reference is kept for the life of the
// process, so nothing of it is ever destroyed or released (leaked at exit, on purpose).
template <typename T>
void KeepForever(const std::shared_ptr<T>& p) {
  (void)new std::shared_ptr<T>(p);
}

}  // namespace

// JS thread, environment going away; the dispatcher no longer delivers anything.
// Also called by shutdown() (lib/native/vss.ts calls it on process 'exit': process.exit() ends the
// process without running environment cleanup hooks). Runs once.
//
// Bounded (issue 11 item 15): everything below waits at most kTeardownBoundMs in total. What has not
// ended by then is abandoned (common/teardown.h): its thread is detached, the objects it may still use
// are never released, and one stderr line names it ("winops: teardown: vss: abandoned ...").
void State::Teardown() {
  if (tornDown_) return;
  tornDown_ = true;
  tearingDown_ = true;  // calls still queued on components threads become no-ops
  const ULONGLONG start = ::GetTickCount64();
  auto left = [start] { return TeardownRemainingMs(start); };
  auto abandon = [start](std::unique_ptr<MtaWorker> w, const std::string& what) {
    ReportAbandoned("vss", what.c_str(), start);
    MtaWorker::Abandon(std::move(w));
  };
  // Idle threads have nothing to do: they end now, alongside what follows.
  for (auto& w : spares_) w->Stop();

  std::vector<std::shared_ptr<Components>> comps;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto& [h, c] : components_) comps.push_back(c);
  }
  // 1. Let every components thread finish the call it is in: afterwards the async registry is complete.
  //    A thread still in a VSS call when the budget is gone is abandoned with its object.
  std::vector<std::shared_ptr<Components>> live;
  for (auto& c : comps) {
    if (c->worker->RunAndWait([] {}, left())) {
      live.push_back(c);
    } else {
      KeepForever(c);  // the thread may still use it: never released
      abandon(std::move(c->worker), "IVssBackupComponents thread (a call did not return)");
    }
  }

  auto scan = std::make_shared<CancelScan>();
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto& [h, a] : asyncs_) scan->asyncs.push_back(a);
    for (auto& [id, w] : waits_) scan->waits.push_back(w);
  }
  // 2. Cancel what is still pending and let it end, so waits return and nothing runs when the
  //    components are released. IVssAsync::Wait gets what is left of the budget but the reserve.
  MtaWorker& control = Control();
  const bool scanned = control.RunAndWait([scan, start]() {
    std::vector<IVssAsync*> all;
    for (auto& a : scan->asyncs) {
      if (a->async) all.push_back(a->async.Get());
    }
    for (auto& w : scan->waits) {
      if (w->ref) all.push_back(w->ref.Get());
    }
    std::vector<IVssAsync*> cancelled;
    std::vector<IVssAsync*> seen;
    for (IVssAsync* x : all) {
      bool dup = false;
      for (IVssAsync* y : seen) dup = dup || (x == y);
      if (dup) continue;
      seen.push_back(x);
      HRESULT status = S_OK;
      if (SUCCEEDED(x->QueryStatus(&status, nullptr)) && status == VSS_S_ASYNC_PENDING) {
        if (SUCCEEDED(x->Cancel())) {
          cancelled.push_back(x);
        } else {
          scan->unfinished.push_back(x);
        }
      }
    }
    for (IVssAsync* x : cancelled) {
      const DWORD rest = TeardownRemainingMs(start);
      x->Wait(rest > kAfterCancelReserveMs ? rest - kAfterCancelReserveMs : 0);
      HRESULT status = S_OK;
      if (SUCCEEDED(x->QueryStatus(&status, nullptr)) && status == VSS_S_ASYNC_PENDING) {
        scan->unfinished.push_back(x);
      }
    }
  }, left());
  // Without the scan nothing is known to have ended: every IVssAsync counts as unfinished.
  auto unfinished = [&](IVssAsync* x) { return !scanned || scan->Unfinished(x); };
  for (auto& a : scan->asyncs) {
    if (a->async && unfinished(a->async.Get())) {
      ReportAbandoned("vss", ("IVssAsync(" + a->step + "), still pending after IVssAsync::Cancel").c_str(), start);
    }
  }
  // A wait on an unfinished operation cannot return: its thread is abandoned at once.
  for (auto& w : scan->waits) {
    if (!w->worker) continue;
    if (unfinished(w->ref.Get()) || !w->worker->RunAndWait([] {}, left())) {
      abandon(std::move(w->worker), "IVssAsync::Wait thread");
    }
  }

  // 3. AbortBackup where a set was started and is neither finished nor aborted, release, join. The
  //    components of an unfinished operation are not released (its operation may still use them).
  for (auto& c : live) {
    bool pending = !scanned;
    for (auto& a : scan->asyncs) {
      pending = pending || (a->owner == c && a->async && unfinished(a->async.Get()));
    }
    c->worker->Post([c, pending]() {
      if (c->backup && c->started && !c->finished && !c->snapshotDone.load()) {
        c->backup->AbortBackup();
      }
      if (pending) {
        (void)c->backup.Detach();  // never released
      } else {
        c->backup.Reset();
        c->api.reset();
      }
    });
    c->worker->Stop();
  }
  for (auto& c : live) {
    if (!c->worker->JoinFor(left())) abandon(std::move(c->worker), "IVssBackupComponents thread");
  }

  // 4. Release the IVssAsync objects still held (not the unfinished ones), end the control thread.
  bool controlEnded = false;
  if (scanned) {
    const bool released = control.RunAndWait([scan]() {
      for (auto& a : scan->asyncs) {
        if (a->async && scan->Unfinished(a->async.Get())) {
          (void)a->async.Detach();
        } else {
          a->async.Reset();
          a->api.reset();
        }
        a->owner.reset();
      }
      for (auto& w : scan->waits) {
        // Its thread abandoned (moved out above): the Wait may still be using the object.
        if (w->ref && (!w->worker || scan->Unfinished(w->ref.Get()))) {
          (void)w->ref.Detach();
        } else {
          w->ref.Reset();
          w->api.reset();
        }
      }
    }, left());
    control.Stop();
    controlEnded = released && control.JoinFor(left());
  } else {
    KeepForever(scan);  // the control thread may still use all of them
    control.Stop();
  }
  if (!controlEnded) abandon(std::move(control_), "IVssAsync control thread");

  // 5. End the threads of the waits, the spare threads and those already ending.
  for (auto& w : scan->waits) {
    if (w->worker) w->worker->Stop();
  }
  for (auto& w : scan->waits) {
    if (w->worker && !w->worker->JoinFor(left())) abandon(std::move(w->worker), "IVssAsync::Wait thread");
  }
  for (auto& w : spares_) {
    if (!w->JoinFor(left())) abandon(std::move(w), "idle MTA thread");
  }
  for (auto& w : retiring_) {
    if (w && !w->JoinFor(left())) abandon(std::move(w), "ending MTA thread");
  }
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

}  // namespace winops::vss
