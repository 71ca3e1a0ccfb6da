#include "mi/starter.h"

#include <deque>
#include <mutex>
#include <system_error>
#include <utility>

#include "common/handles.h"

namespace winops::mi {

struct StartQueue::Shared {
  SRWLOCK lock = SRWLOCK_INIT;
  CONDITION_VARIABLE wake = CONDITION_VARIABLE_INIT;
  std::deque<std::function<void()>> tasks;
  bool stopped = false;
  bool drain = false;  // stopped, but the queued tasks still run
  bool threadStarted = false;
  UniqueHandle ended{::CreateEventW(nullptr, TRUE, FALSE, nullptr)};
};

StartQueue::StartQueue() : shared_(std::make_shared<Shared>()) {}

StartQueue::~StartQueue() {
  if (waited_) return;
  Stop();
  WaitEnded(INFINITE);
}

bool StartQueue::Post(std::function<void()> task) {
  Shared& s = *shared_;
  ::AcquireSRWLockExclusive(&s.lock);
  if (s.stopped) {
    ::ReleaseSRWLockExclusive(&s.lock);
    return false;
  }
  s.tasks.push_back(std::move(task));
  const bool start = !s.threadStarted;
  s.threadStarted = true;
  ::ReleaseSRWLockExclusive(&s.lock);
  ::WakeConditionVariable(&s.wake);
  if (!start) return true;
  try {
    thread_ = std::thread([shared = shared_] {
      Shared& q = *shared;
      for (;;) {
        std::function<void()> next;
        ::AcquireSRWLockExclusive(&q.lock);
        while (!q.stopped && q.tasks.empty()) ::SleepConditionVariableSRW(&q.wake, &q.lock, INFINITE, 0);
        if (q.tasks.empty() || (q.stopped && !q.drain)) {
          ::ReleaseSRWLockExclusive(&q.lock);
          break;
        }
        next = std::move(q.tasks.front());
        q.tasks.pop_front();
        ::ReleaseSRWLockExclusive(&q.lock);
        next();
      }
      ::SetEvent(q.ended.Get());
    });
  } catch (const std::system_error&) {
    std::deque<std::function<void()>> dropped;
    ::AcquireSRWLockExclusive(&s.lock);
    s.threadStarted = false;
    s.stopped = true;
    dropped.swap(s.tasks);
    ::ReleaseSRWLockExclusive(&s.lock);
    ::SetEvent(s.ended.Get());
    return false;
  }
  return true;
}

void StartQueue::Stop(bool dropQueued) {
  std::deque<std::function<void()>> dropped;
  Shared& s = *shared_;
  ::AcquireSRWLockExclusive(&s.lock);
  s.stopped = true;
  s.drain = !dropQueued;
  if (dropQueued) dropped.swap(s.tasks);
  if (!s.threadStarted) ::SetEvent(s.ended.Get());
  ::ReleaseSRWLockExclusive(&s.lock);
  ::WakeAllConditionVariable(&s.wake);
}

bool StartQueue::TryJoin() {
  if (::WaitForSingleObject(shared_->ended.Get(), 0) != WAIT_OBJECT_0) return false;
  waited_ = true;
  if (thread_.joinable()) thread_.join();
  return true;
}

bool StartQueue::WaitEnded(DWORD ms) {
  waited_ = true;
  const bool ended = ::WaitForSingleObject(shared_->ended.Get(), ms) == WAIT_OBJECT_0;
  if (thread_.joinable()) {
    if (ended) thread_.join();
    else thread_.detach();
  }
  return ended;
}

}  // namespace winops::mi
