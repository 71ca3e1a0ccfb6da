#include "common/worker.h"

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <system_error>
#include <thread>
#include <utility>

#include "common/handles.h"
#include "common/hresult.h"
#include "common/instance.h"
#include "common/teardown.h"

namespace winops {

bool StopToken::StopRequested() const noexcept {
  return ::WaitForSingleObject(event_, 0) == WAIT_OBJECT_0;
}

bool StopToken::WaitFor(DWORD ms) const noexcept {
  return ::WaitForSingleObject(event_, ms) == WAIT_OBJECT_0;
}

namespace {

// Shared by a thread and its record: lets an environment teardown abandon a thread that does not end (issue 11
// item 15) without that thread ever touching the threadsafe function afterwards.
struct ThreadGate {
  std::mutex mutex;
  bool abandoned = false;  // teardown gave up on it: the thread must not call or release the function
  bool reported = false;   // the thread has called and released the function (its last act follows)
  UniqueHandle done;       // manual-reset, set once `reported` is
};

// Main-thread-owned record of one thread. Deleted in the threadsafe function's finalizer.
struct ThreadJob {
  napi_env env = nullptr;
  std::string name;
  std::thread thread;
  UniqueHandle stop;
  std::shared_ptr<ThreadGate> gate;
  std::optional<Napi::Promise::Deferred> deferred;
  Napi::FunctionReference callback;
  std::shared_ptr<AddonState> state;
  bool hookRegistered = false;

  void Join() {
    if (thread.joinable()) {
      thread.join();
      if (state) state->liveThreads.fetch_sub(1);
    }
  }
};

// Environment teardown: ask the thread to stop and wait for it, within the budget of common/teardown.h shared by
// every RunOnOwnThread thread of this environment. A thread that has not reported by then is abandoned: detached,
// never to touch the threadsafe function (Node closes it after this hook), and said on stderr.
void TeardownHook(void* arg) {
  auto* job = static_cast<ThreadJob*>(arg);
  job->hookRegistered = false;  // Node drops a hook once it has run
  ::SetEvent(job->stop.Get());
  if (!job->thread.joinable()) return;
  unsigned long long start = ::GetTickCount64();
  if (job->state) {
    unsigned long long expected = 0;
    if (!job->state->teardownStart.compare_exchange_strong(expected, start)) start = expected;
  }
  ::WaitForSingleObject(job->gate->done.Get(), TeardownRemainingMs(start));
  {
    std::lock_guard<std::mutex> lock(job->gate->mutex);
    if (!job->gate->reported) job->gate->abandoned = true;
  }
  if (!job->gate->abandoned) {
    job->Join();  // it has reported: only its last instructions are left
    return;
  }
  job->thread.detach();
  if (job->state) job->state->liveThreads.fetch_sub(1);
  ReportAbandoned("common", (std::string("the addon thread ") + job->name).c_str(), start);
}

void Finalize(napi_env env, void* /*finalize_data*/, void* context) {
  std::unique_ptr<ThreadJob> job(static_cast<ThreadJob*>(context));
  if (job->hookRegistered) {
    napi_remove_env_cleanup_hook(env, TeardownHook, job.get());
    job->hookRegistered = false;
  }
  job->Join();  // the thread has released the function: it is at its last instruction
}

Finish RejectWith(HResultError e) {
  return [e = std::move(e)](Napi::Env env) -> Napi::Value { throw ToJsError(env, e); };
}

Finish RejectWithMessage(std::string message) {
  return [message = std::move(message)](Napi::Env env) -> Napi::Value {
    throw Napi::Error::New(env, message);
  };
}

void CallJs(napi_env raw_env, napi_value /*js_cb*/, void* context, void* data) {
  std::unique_ptr<Finish> finish(static_cast<Finish*>(data));
  if (raw_env == nullptr || !finish) return;  // environment going away: drop
  auto* job = static_cast<ThreadJob*>(context);
  Napi::Env env(raw_env);
  Napi::HandleScope scope(env);

  Napi::Value value;
  Napi::Value error;
  try {
    value = (*finish)(env);
  } catch (const Napi::Error& e) {
    error = e.Value();
  }

  try {
    if (job->deferred) {
      if (error.IsEmpty()) {
        job->deferred->Resolve(value.IsEmpty() ? env.Undefined() : value);
      } else {
        job->deferred->Reject(error);
      }
    } else if (!job->callback.IsEmpty()) {
      job->callback.Call({error.IsEmpty() ? env.Null() : error,
                          value.IsEmpty() ? env.Undefined() : value});
    }
  } catch (const Napi::Error& e) {
    // A throwing callback becomes an ordinary uncaught exception ('uncaughtException' / exit 1).
    // Merely leaving it pending would hit Node's DEP0168 policy: a warning, and the error is lost.
    napi_fatal_exception(env, e.Value());
  }
}

}  // namespace

Napi::Value RunOnOwnThread(Napi::Env env, const char* name, Work work, Napi::Function callback) {
  auto job = std::make_unique<ThreadJob>();
  job->env = env;
  job->state = StateOf(env);
  job->name = name;
  job->stop.Reset(::CreateEventW(nullptr, TRUE, FALSE, nullptr));
  if (!job->stop) throw ToJsError(env, CaptureWin32(::GetLastError(), "CreateEventW"));
  job->gate = std::make_shared<ThreadGate>();
  job->gate->done.Reset(::CreateEventW(nullptr, TRUE, FALSE, nullptr));
  if (!job->gate->done) throw ToJsError(env, CaptureWin32(::GetLastError(), "CreateEventW"));

  Napi::Value result = env.Undefined();
  if (callback.IsEmpty() || callback.IsUndefined()) {
    job->deferred.emplace(Napi::Promise::Deferred::New(env));
    result = job->deferred->Promise();
  } else {
    job->callback = Napi::Persistent(callback);
  }

  napi_threadsafe_function tsfn = nullptr;
  napi_status status = napi_create_threadsafe_function(
      env, nullptr, nullptr, Napi::String::New(env, name), 0, 1, nullptr, Finalize, job.get(),
      CallJs, &tsfn);
  if (status != napi_ok) throw Napi::Error::New(env, "napi_create_threadsafe_function failed");
  ThreadJob* raw = job.release();  // owned by the threadsafe function from here (Finalize)

  HANDLE stopEvent = raw->stop.Get();
  std::shared_ptr<ThreadGate> gate = raw->gate;
  try {
    raw->thread = std::thread([work = std::move(work), tsfn, stopEvent, gate]() {
      StopToken stop(stopEvent);
      Finish finish;
      try {
        finish = work(stop);
      } catch (const HResultException& e) {
        finish = RejectWith(e.error());
      } catch (const std::exception& e) {
        finish = RejectWithMessage(e.what());
      } catch (...) {
        finish = RejectWithMessage("unknown C++ exception on an addon thread");
      }
      std::lock_guard<std::mutex> lock(gate->mutex);
      if (gate->abandoned) return;  // the environment is gone, and with it the function: touch nothing
      auto* payload = new Finish(std::move(finish));
      if (napi_call_threadsafe_function(tsfn, payload, napi_tsfn_nonblocking) != napi_ok) {
        delete payload;  // closing: nobody will run it
      }
      napi_release_threadsafe_function(tsfn, napi_tsfn_release);
      gate->reported = true;
      ::SetEvent(gate->done.Get());
    });
  } catch (const std::system_error& e) {
    napi_release_threadsafe_function(tsfn, napi_tsfn_release);  // Finalize deletes the job
    throw Napi::Error::New(env, std::string("could not start a thread: ") + e.what());
  }
  if (raw->state) raw->state->liveThreads.fetch_add(1);

  if (napi_add_env_cleanup_hook(env, TeardownHook, raw) == napi_ok) raw->hookRegistered = true;
  return result;
}

}  // namespace winops
