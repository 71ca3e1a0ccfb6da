#include "common/worker.h"

#include <memory>
#include <optional>
#include <system_error>
#include <thread>
#include <utility>

#include "common/handles.h"
#include "common/hresult.h"
#include "common/instance.h"

namespace winops {

bool StopToken::StopRequested() const noexcept {
  return ::WaitForSingleObject(event_, 0) == WAIT_OBJECT_0;
}

bool StopToken::WaitFor(DWORD ms) const noexcept {
  return ::WaitForSingleObject(event_, ms) == WAIT_OBJECT_0;
}

namespace {

// Main-thread-owned record of one thread. Deleted in the threadsafe function's finalizer.
struct ThreadJob {
  napi_env env = nullptr;
  std::thread thread;
  UniqueHandle stop;
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

// Environment teardown: ask the thread to stop, wait for it.
void TeardownHook(void* arg) {
  auto* job = static_cast<ThreadJob*>(arg);
  job->hookRegistered = false;  // Node drops a hook once it has run
  ::SetEvent(job->stop.Get());
  job->Join();
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
  job->stop.Reset(::CreateEventW(nullptr, TRUE, FALSE, nullptr));
  if (!job->stop) throw ToJsError(env, CaptureWin32(::GetLastError(), "CreateEventW"));

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
  try {
    raw->thread = std::thread([work = std::move(work), tsfn, stopEvent]() {
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
      auto* payload = new Finish(std::move(finish));
      if (napi_call_threadsafe_function(tsfn, payload, napi_tsfn_nonblocking) != napi_ok) {
        delete payload;  // closing: nobody will run it
      }
      napi_release_threadsafe_function(tsfn, napi_tsfn_release);
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
