#include "vss/mta_worker.h"

#include <utility>

#include "common/apartment.h"

namespace winops::vss {

MtaWorker::MtaWorker() : ended_(::CreateEventW(nullptr, TRUE, FALSE, nullptr)), thread_([this] { Run(); }) {}

MtaWorker::~MtaWorker() {
  Stop();
  Join();
  if (ended_) ::CloseHandle(ended_);
}

bool MtaWorker::Post(std::function<void()> task) {
  Monitor::Lock lock(m_);
  if (stop_) return false;
  queue_.push_back(std::move(task));
  m_.NotifyOne();
  return true;
}

void MtaWorker::Stop(std::function<void()> afterExit) {
  Monitor::Lock lock(m_);
  if (stop_) return;
  stop_ = true;
  afterExit_ = std::move(afterExit);
  m_.NotifyOne();
}

void MtaWorker::Join() {
  if (!thread_.joinable()) return;
  if (thread_.get_id() == std::this_thread::get_id()) {
    thread_.detach();  // the last owner let go from inside a task: the thread ends on its own
  } else {
    thread_.join();
  }
}

bool MtaWorker::RunAndWait(std::function<void()> task, DWORD ms) {
  // Shared with the task: if the wait gives up, the task (run later, or never) keeps the event alive.
  auto done = std::shared_ptr<void>(::CreateEventW(nullptr, TRUE, FALSE, nullptr), [](void* h) {
    if (h) ::CloseHandle(static_cast<HANDLE>(h));
  });
  if (!done.get() || !Post([task = std::move(task), done] {
        task();
        ::SetEvent(static_cast<HANDLE>(done.get()));
      })) {
    return false;
  }
  return ::WaitForSingleObject(static_cast<HANDLE>(done.get()), ms) == WAIT_OBJECT_0;
}

bool MtaWorker::JoinFor(DWORD ms) {
  if (!thread_.joinable()) return true;
  if (ended_ && ::WaitForSingleObject(ended_, ms) != WAIT_OBJECT_0) return false;
  thread_.join();  // Run has returned: only the thread's exit is left
  return true;
}

void MtaWorker::Abandon(std::unique_ptr<MtaWorker> worker) {
  if (!worker) return;
  if (worker->thread_.joinable()) worker->thread_.detach();
  (void)worker.release();  // intentionally kept: the detached thread still runs in it
}

void MtaWorker::Run() {
  std::function<void()> afterExit;
  {
    ComApartment com(Apartment::kMta);
    comHr_ = com.hr();
    for (;;) {
      std::function<void()> task;
      {
        Monitor::Lock lock(m_);
        m_.Wait(lock, [this] { return stop_ || !queue_.empty(); });
        if (queue_.empty()) {
          afterExit = std::move(afterExit_);
          break;
        }
        task = std::move(queue_.front());
        queue_.pop_front();
      }
      task();
    }
  }  // CoUninitialize
  if (afterExit) afterExit();
  if (ended_) ::SetEvent(ended_);
}

}  // namespace winops::vss
