// Where MI operations are started (issue 11 item 14): never on the JS thread.
//
// The MI_SessionFT calls that start an operation (QueryInstances, EnumerateInstances, GetInstance, Invoke,
// Subscribe) return once the operation is under way, but nothing in mi.h or the MI_Session_* pages bounds how
// long that takes (the docs are silent; a first operation to a remote DCOM destination may connect before the
// call returns). So each session has one thread of the addon's own that makes those calls, in the order JS
// asked for them: a slow start delays only later starts of that session, never JS or another session.
//
// Lifetime: Stop() refuses further tasks and drops queued ones (or lets them run first) (a dropped task's destructor runs on the stopping
// thread); the thread ends after the task it runs. WaitEnded(ms) joins it, or, when it has not ended within ms,
// detaches it (teardown abandons it: the task keeps what it uses alive through its own shared_ptrs).
#pragma once

#include <functional>
#include <memory>
#include <thread>

#include "common/win.h"

namespace winops::mi {

class StartQueue {
 public:
  StartQueue();
  ~StartQueue();  // Stop() and WaitEnded(INFINITE) unless WaitEnded already ran
  StartQueue(const StartQueue&) = delete;
  StartQueue& operator=(const StartQueue&) = delete;

  // JS thread. False (and the task is destroyed here) once stopped, or when no thread could be started.
  bool Post(std::function<void()> task);
  // Any thread. dropQueued false: the tasks already queued still run, then the thread ends.
  void Stop(bool dropQueued = true);
  // JS thread, after Stop(): joins the thread when it has ended (true), else leaves it (false).
  bool TryJoin();
  // After Stop(). True when the thread ended within ms (joined), false when it was detached still running.
  bool WaitEnded(DWORD ms);

 private:
  struct Shared;
  std::shared_ptr<Shared> shared_;
  std::thread thread_;
  bool waited_ = false;
};

}  // namespace winops::mi
