// One run of a job (run.cc): the engine, its event handlers, the threadsafe function its events and Engine-call
// results reach JS through, and the run's call thread. Its teardown is teardown.cc.
#pragma once

#include "axe/engine.h"

#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>

#include "common/instance.h"
#include "common/monitor.h"

namespace winops::axe {

struct Event {
  enum class Kind { kJobBegin, kAssessmentBegin, kProgress, kAssessmentEnd, kJobRestart, kJobEnd, kCallResult } kind;
  uint64_t callId = 0;  // kCallResult: which call; its HRESULT is `error`
  int index = -1;
  std::string name;
  int progressType = 0;
  double value = 0;
  std::optional<std::string> message;
  HRESULT error = S_OK;
  int exitCode = 0;
  double executed = 0, failed = 0;
  std::optional<std::string> resultPath;
};

struct Run;

// Every event handler, forwarding to the run's threadsafe function (ThreadingModelFree: any engine thread).
// The handler interfaces have no virtual destructor (the engine never deletes a handler).
#if defined(__GNUC__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wnon-virtual-dtor"
#endif
class Handlers final : public ah::IJobBeginEventHandler,
                       public ah::IAssessmentBeginEventHandler,
                       public ah::IProgressUpdateEventHandler,
                       public ah::IAssessmentEndEventHandler,
                       public ah::IJobRestartEventHandler,
                       public ah::IJobEndEventHandler {
 public:
  explicit Handlers(Run* run) : run_(run) {}
  virtual ~Handlers() = default;
  void OnJobBegin(ah::Engine*, const ah::JobBeginEventArgs*) override;
  void OnAssessmentBegin(ah::Engine*, const ah::AssessmentBeginEventArgs* e) override;
  void OnProgressUpdate(ah::Engine*, const ah::ProgressUpdateEventArgs* e) override;
  void OnAssessmentEnd(ah::Engine*, const ah::AssessmentEndEventArgs* e) override;
  void OnJobRestart(ah::Engine*, const ah::JobRestartEventArgs* e) override;
  void OnJobEnd(ah::Engine*, const ah::JobEndEventArgs* e) override;

 private:
  Run* run_;
};
#if defined(__GNUC__)
#pragma GCC diagnostic pop
#endif

// One Engine call (CancelAssessment / CancelJob / TerminateJob) for the run's call thread.
struct EngineCallRequest {
  uint64_t id = 0;
  std::function<HRESULT(Run&)> call;
};

struct Run {
  std::shared_ptr<JobHolder> job;
  ah::Engine* engine = nullptr;
  Handlers handlers{this};
  std::mutex engineMutex;  // Engine calls are serialised (the docs promise no thread safety)
  std::atomic<bool> ended{false};
  napi_threadsafe_function tsfn = nullptr;
  std::mutex tsfnMutex;
  // Under tsfnMutex. The engine's reference (events) was released, after JobEnd; or the run was abandoned at
  // environment teardown (teardown.cc), after which no thread of the run touches the threadsafe function again.
  bool tsfnReleased = false;
  bool abandoned = false;

  // Engine calls run in order on one thread of the run's own, started with the run and ended once
  // JobEnd was handled (Shutdown closes the queue; the calls still queued are answered
  // AXE_E_NO_JOB_RUNNING). A cancel then wakes a waiting thread instead of starting one. The thread
  // holds a reference to the threadsafe function of its own and posts each result through it, in
  // order with the events; it is joined in Finalize (or by the teardown hook, within its bound).
  std::thread callThread;
  Monitor call;  // calls and callsClosed (common/monitor.h)
  std::deque<EngineCallRequest> calls;
  bool callsClosed = false;
  std::shared_ptr<AddonState> state;
  // JS thread only: the promises of the calls not answered yet.
  std::map<uint64_t, Napi::Promise::Deferred> pendingCalls;
  uint64_t nextCall = 1;

  // JS thread. False when the queue is closed (the job ended).
  bool Enqueue(EngineCallRequest request) {
    Monitor::Lock lock(call);
    if (callsClosed) return false;
    calls.push_back(std::move(request));
    call.NotifyOne();
    return true;
  }

  void CloseCalls() {
    Monitor::Lock lock(call);
    callsClosed = true;
    call.NotifyOne();
  }

  // The call thread.
  void CallLoop() {
    for (;;) {
      EngineCallRequest request;
      {
        Monitor::Lock lock(call);
        call.Wait(lock, [&] { return callsClosed || !calls.empty(); });
        if (calls.empty()) break;
        request = std::move(calls.front());
        calls.pop_front();
      }
      auto e = std::make_unique<Event>();
      e->kind = Event::Kind::kCallResult;
      e->callId = request.id;
      e->error = request.call(*this);
      std::lock_guard<std::mutex> lock(tsfnMutex);
      if (abandoned) return;  // the environment is gone, and its threadsafe function with it
      if (napi_call_threadsafe_function(tsfn, e.get(), napi_tsfn_nonblocking) == napi_ok) e.release();
    }
    std::lock_guard<std::mutex> lock(tsfnMutex);
    if (!abandoned) napi_release_threadsafe_function(tsfn, napi_tsfn_release);
  }

  // Not on the call thread. After CloseCalls: the thread answers what is queued, then ends.
  void JoinCallThread() {
    if (callThread.joinable()) {
      callThread.join();
      if (state) state->liveThreads.fetch_sub(1);
    }
  }

  void Post(std::unique_ptr<Event> e) {
    std::lock_guard<std::mutex> lock(tsfnMutex);
    if (tsfnReleased) return;
    const bool last = e->kind == Event::Kind::kJobEnd;
    // Before the post: the JS thread may handle JobEnd (and Shutdown, which terminates a job that has not
    // ended) before this thread runs another instruction. Set after it, a JobEnd handled that fast sent a
    // TerminateJob to a job that had ended (seen once in CI: the AXE contract's "ladder stops at CancelJob").
    if (last) ended = true;
    if (napi_call_threadsafe_function(tsfn, e.get(), napi_tsfn_nonblocking) == napi_ok) e.release();
    if (last) {
      tsfnReleased = true;
      napi_release_threadsafe_function(tsfn, napi_tsfn_release);
    }
  }

  HRESULT Call(HRESULT (ah::Engine::*method)()) {
    std::lock_guard<std::mutex> lock(engineMutex);
    return engine ? (engine->*method)() : AXE_E_NO_JOB_RUNNING;
  }

  // Deletes the engine (once) and lets go of the job. A job still running is terminated first: the
  // last resort, only at environment teardown. Closes the call queue: the call thread then ends.
  void Shutdown() {
    {
      std::lock_guard<std::mutex> lock(engineMutex);
      if (engine) {
        if (!ended) engine->TerminateJob();
        delete engine;  // Engine is released through its destructor (axe.md)
        engine = nullptr;
      }
      job.reset();  // deletes the Job if JS released it already
    }
    CloseCalls();
  }
};

// The family's teardown budget in one environment (native/common/teardown.h): started by the first of its runs'
// teardown hooks, spent by all of them.
struct TeardownBudget {
  std::atomic<ULONGLONG> start{0};
};
std::shared_ptr<TeardownBudget> BudgetOf(napi_env env);  // teardown.cc; JS thread

// JS-thread side, owned by the threadsafe function.
struct JsSide {
  std::shared_ptr<Run> run;
  Napi::ObjectReference sink;
  std::shared_ptr<TeardownBudget> budget;
  bool hookRegistered = false;
};

// teardown.cc: the environment cleanup hook (bounded) and the threadsafe function's finalizer.
void TeardownHook(void* arg);
void Finalize(napi_env env, void* data, void* context);

}  // namespace winops::axe
