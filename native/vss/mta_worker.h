// One thread in the multithreaded apartment that runs tasks in order: the thread an
// IVssBackupComponents lives on (one per components object), or the per-environment thread that runs
// IVssAsync::QueryStatus/Cancel/Release. The JS thread only posts; it never waits on COM.
#pragma once

#include <atomic>
#include <deque>
#include <functional>
#include <memory>
#include <thread>

#include "common/monitor.h"
#include "common/win.h"

namespace winops::vss {

class MtaWorker {
 public:
  MtaWorker();
  ~MtaWorker();  // stops and joins if the owner did not
  MtaWorker(const MtaWorker&) = delete;
  MtaWorker& operator=(const MtaWorker&) = delete;

  // Any thread. Tasks run in order on the worker thread, inside the MTA. Returns false after Stop.
  bool Post(std::function<void()> task);
  // Any thread. The thread runs what is queued, leaves the apartment (CoUninitialize), then calls
  // afterExit (still on the worker thread, COM no longer usable) and ends.
  void Stop(std::function<void()> afterExit = {});
  // Any thread but the worker's own. Blocks until the thread has ended (after Stop).
  void Join();
  // Teardown only (the JS thread never waits otherwise). Posts task and waits at most `ms` for it to
  // have run; false when it did not run in time (or could not be posted). The task is on the heap: a
  // thread that runs it late touches nothing of the caller's.
  bool RunAndWait(std::function<void()> task, DWORD ms);
  // Teardown only: after Stop, waits at most `ms` for the thread to end and joins it; false if it did not.
  bool JoinFor(DWORD ms);
  // A worker whose thread did not end within the teardown bound (common/teardown.h): the thread is
  // detached and the object kept for the life of the process (the thread still uses it).
  static void Abandon(std::unique_ptr<MtaWorker> worker);

  // CoInitializeEx's result on the worker thread (S_OK once the thread runs).
  HRESULT ApartmentResult() const noexcept { return comHr_.load(); }

 private:
  void Run();

  Monitor m_;  // the queue, afterExit_ and stop_ (common/monitor.h: not winpthreads' condition variable)
  std::deque<std::function<void()>> queue_;
  std::function<void()> afterExit_;
  bool stop_ = false;
  std::atomic<HRESULT> comHr_{S_OK};
  HANDLE ended_ = nullptr;  // manual reset: Run has returned everything but its stack frame
  std::thread thread_;
};

}  // namespace winops::vss
