#include "vss/mta_worker.h"

#include <utility>

#include "common/apartment.h"
#include "common/handles.h"

namespace winops::vss {

MtaWorker::MtaWorker() : thread_([this] { Run(); }) {}

MtaWorker::~MtaWorker() {
  Stop();
  Join();
}

bool MtaWorker::Post(std::function<void()> task) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stop_) return false;
    queue_.push_back(std::move(task));
  }
  cv_.notify_one();
  return true;
}

void MtaWorker::Stop(std::function<void()> afterExit) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stop_) return;
    stop_ = true;
    afterExit_ = std::move(afterExit);
  }
  cv_.notify_one();
}

void MtaWorker::Join() {
  if (!thread_.joinable()) return;
  if (thread_.get_id() == std::this_thread::get_id()) {
    thread_.detach();  // the last owner let go from inside a task: the thread ends on its own
  } else {
    thread_.join();
  }
}

void MtaWorker::RunAndWait(std::function<void()> task) {
  UniqueHandle done(::CreateEventW(nullptr, TRUE, FALSE, nullptr));
  HANDLE event = done.Get();
  if (!event || !Post([&task, event] {
        task();
        ::SetEvent(event);
      })) {
    return;
  }
  ::WaitForSingleObject(event, INFINITE);
}

void MtaWorker::Run() {
  std::function<void()> afterExit;
  {
    ComApartment com(Apartment::kMta);
    comHr_ = com.hr();
    for (;;) {
      std::function<void()> task;
      {
        std::unique_lock<std::mutex> lock(mu_);
        cv_.wait(lock, [this] { return stop_ || !queue_.empty(); });
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
}

}  // namespace winops::vss
