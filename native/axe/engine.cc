// The AXE family against the Windows ADK's AxeHosting.h (built only when WINOPS_AXE_SDK names the
// folder that holds it; otherwise unavailable.cc is built instead).
//
//   AxeInitSolution (once per process: AxeCore.dll refuses a second init, AXE_E_ALREADY_INIT) ->
//   Solution::CreateJob (+ ErrorList) -> Job::GetAssessmentCount / GetAssessment;
//   per run: Solution::CreateEngine, SetEventThreadingModel(ThreadingModelFree), every event handler,
//   ExecuteJob(ExecuteAsync); handlers run on engine threads and report through one threadsafe
//   function per run; CancelAssessment / CancelJob / TerminateJob in order on one thread of the
//   run's own (TerminateJob is synchronous and still raises the end events), answered as
//   { hresult, code } with the header's symbols through the same threadsafe function.
//
// WHAT IS AND IS NOT VERIFIED: this file calls AXE by the names and argument lists of the archived
// docs (axe.md). It has been compiled and run only against winops' stand-in header
// (test/doubles/axe/include/AxeHosting.h, whose vtable order is ours) and our AxeCore.dll double.
// Against the real header, any name or signature the docs got wrong is a compile error; the vtable
// order is then the real header's. A g++ build against the real header is refused below: MSVC lays
// out virtual destructors and overloaded virtual methods differently, and AxeCore.dll is MSVC-built.
//
// AxeCore.dll is loaded at run time (LoadLibrary: WINOPS_AXECORE=<path to AxeCore.dll>, else the
// standard search for "AxeCore.dll"), so a build with AXE support still loads where the Assessment
// Toolkit is not installed; availability() then says so. The export is looked up undecorated
// ("AxeInitSolution"), which the docs do not state either.
#include "axe/axe.h"

#if !defined(WINOPS_AXE_SDK)
#error "native/axe/engine.cc is built only with WINOPS_AXE_SDK (see CMakeLists.txt / binding.gyp)"
#endif

#include <AxeHosting.h>

#if defined(WINOPS_AXE_STANDIN_HEADER) && !defined(WINOPS_AXE_STANDIN)
#error "This AxeHosting.h is winops' test stand-in (test/doubles/axe/include): its vtable order is ours, not Microsoft's. Never ship a build against it."
#endif
#if !defined(WINOPS_AXE_STANDIN_HEADER) && !defined(_MSC_VER)
#error "Build AXE against the real AxeHosting.h with MSVC (node-gyp): g++ lays out MSVC's virtual destructors and overloaded virtual methods differently."
#endif

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

#include "common/args.h"
#include "common/handles.h"
#include "common/hresult.h"
#include "common/instance.h"
#include "common/utf.h"
#include "common/win.h"
#include "common/worker.h"

namespace winops::axe {
namespace {

namespace ah = ::Microsoft::Assessments::Hosting;

// ------------------------------------------------------------------------------------ codes

// The header's symbols for the HRESULTs AXE returns (axe.md's list; a name the header lacks is a
// compile error).
struct AxeCode {
  HRESULT hr;
  const char* name;
};
#define WINOPS_AXE_CODE(name) {name, #name}
const AxeCode kAxeCodes[] = {
    WINOPS_AXE_CODE(AXE_E_ALREADY_INIT),        WINOPS_AXE_CODE(AXE_E_INTERNAL_ERROR),
    WINOPS_AXE_CODE(AXE_E_BAD_MANIFEST),        WINOPS_AXE_CODE(AXE_E_JOB_RUNNING),
    WINOPS_AXE_CODE(AXE_E_JOB_NOT_RUNNING),     WINOPS_AXE_CODE(AXE_E_ASSESSMENT_COULD_NOT_START),
    WINOPS_AXE_CODE(AXE_E_ASSESSMENT_COMPLETED_WITH_ERROR), WINOPS_AXE_CODE(AXE_E_ASSESSMENT_CANCELED),
    WINOPS_AXE_CODE(AXE_E_ASSESSMENT_TERMINATED), WINOPS_AXE_CODE(AXE_E_ASSESSMENT_CRASHED),
    WINOPS_AXE_CODE(AXE_E_QUEUED_APC_EVENTS),   WINOPS_AXE_CODE(AXE_E_JOB_CANCELED),
    WINOPS_AXE_CODE(AXE_E_JOB_ASSESSMENTS_FAILED), WINOPS_AXE_CODE(AXE_E_INVALID_INDEX),
    WINOPS_AXE_CODE(AXE_E_NO_JOB_RUNNING),      WINOPS_AXE_CODE(AXE_E_TERMINATE_FAILED),
    WINOPS_AXE_CODE(AXE_E_INIT_FAILED),
};
#undef WINOPS_AXE_CODE

// "" when the header has no symbol for hr (lib/native/axe.ts names it from lib/codes then).
std::string CodeOf(HRESULT hr) {
  if (hr == S_OK) return "S_OK";
  for (const AxeCode& c : kAxeCodes) {
    if (c.hr == hr) return c.name;
  }
  return std::string();
}

struct AxeFailure {
  HResultError error;
  std::string code;
};

AxeFailure Fail(HRESULT hr, std::string call, std::string detail = std::string()) {
  AxeFailure f{CaptureHResult(hr, std::move(call)), CodeOf(hr)};
  if (!detail.empty()) f.error.systemMessage = f.error.systemMessage.empty() ? detail : f.error.systemMessage + " " + detail;
  return f;
}

Napi::Object ResultObject(Napi::Env env, HRESULT hr) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("hresult", static_cast<double>(static_cast<uint32_t>(hr)));
  const std::string code = CodeOf(hr);
  if (!code.empty()) o.Set("code", code);
  return o;
}

Napi::Error ToJs(Napi::Env env, const AxeFailure& f) {
  Napi::Error e = ToJsError(env, f.error);
  if (!f.code.empty()) e.Value().Set("code", f.code);
  return e;
}

class AxeException : public std::exception {
 public:
  explicit AxeException(AxeFailure f) : f_(std::move(f)) {}
  const AxeFailure& failure() const noexcept { return f_; }
  const char* what() const noexcept override { return f_.error.call.c_str(); }

 private:
  AxeFailure f_;
};

// ------------------------------------------------------------------------------------ process-wide runtime

using InitFn = decltype(&::AxeInitSolution);

// One per process, never destroyed: AxeCore.dll allows one Solution per process (axe.md), shared by
// every environment (main thread and worker_threads) that loads the addon.
struct Runtime {
  std::mutex mutex;
  bool tried = false;
  UniqueModule dll;
  InitFn init = nullptr;
  std::string loadError;
  DWORD loadErrorCode = ERROR_MOD_NOT_FOUND;  // of the last candidate: LoadLibrary's error, or ERROR_PROC_NOT_FOUND
  ah::Solution* solution = nullptr;
  HRESULT initHr = S_OK;
};

Runtime& TheRuntime() {
  static Runtime* runtime = new Runtime();
  return *runtime;
}

// Under runtime.mutex.
void LoadLocked(Runtime& rt) {
  if (rt.tried) return;
  rt.tried = true;
  std::vector<std::wstring> candidates;
  const DWORD n = ::GetEnvironmentVariableW(L"WINOPS_AXECORE", nullptr, 0);
  if (n > 0) {
    std::wstring path(n, L'\0');
    path.resize(::GetEnvironmentVariableW(L"WINOPS_AXECORE", path.data(), n));
    candidates.push_back(path);
  } else {
    candidates.push_back(L"AxeCore.dll");
  }
  std::string tried;
  for (const std::wstring& c : candidates) {
    rt.dll.Reset(::LoadLibraryW(c.c_str()));
    if (!rt.dll) {
      const DWORD err = ::GetLastError();
      rt.loadErrorCode = err;
      tried += (tried.empty() ? "" : "; ") + WideToUtf8(c) + ": " + SystemMessage(HRESULT_FROM_WIN32(err));
      continue;
    }
    rt.init = rt.dll.Proc<InitFn>("AxeInitSolution");
    if (rt.init) return;
    rt.loadErrorCode = ERROR_PROC_NOT_FOUND;
    tried += (tried.empty() ? "" : "; ") + WideToUtf8(c) + ": no export AxeInitSolution";
    rt.dll.Reset();
  }
  rt.loadError = "AxeCore.dll could not be loaded (" + tried +
                 "): install the Windows Assessment Toolkit from the Windows ADK, or set WINOPS_AXECORE "
                 "to the path of its AxeCore.dll";
}

// The Solution, initialising it on first use. Throws AxeException.
ah::Solution* SolutionOrThrow() {
  Runtime& rt = TheRuntime();
  std::lock_guard<std::mutex> lock(rt.mutex);
  LoadLocked(rt);
  if (!rt.init) {
    HResultError e;
    e.hresult = static_cast<uint32_t>(HRESULT_FROM_WIN32(rt.loadErrorCode));
    e.call = "LoadLibrary(AxeCore.dll)";
    e.systemMessage = rt.loadError;
    throw AxeException({e, ""});
  }
  if (!rt.solution) {
    ah::SolutionParameters params{};
    params.Size = sizeof params;
    params.Flags = ah::SolutionFlagNone;
    rt.initHr = rt.init(&params, &rt.solution);
    if (FAILED(rt.initHr) || !rt.solution) {
      rt.solution = nullptr;
      throw AxeException(Fail(FAILED(rt.initHr) ? rt.initHr : E_POINTER, "AxeInitSolution"));
    }
  }
  return rt.solution;
}

std::string Utf8(LPCWSTR s) { return s ? WideToUtf8(s) : std::string(); }

// ------------------------------------------------------------------------------------ jobs

struct JobHolder {
  ah::Job* job = nullptr;
  ~JobHolder() { delete job; }  // Job is released through its destructor (axe.md)
};

std::string ErrorListText(const ah::ErrorList* list) {
  if (!list) return std::string();
  UINT count = 0;
  if (FAILED(list->GetCount(&count))) return std::string();
  std::string text;
  for (UINT i = 0; i < count; ++i) {
    const ah::ErrorInfo* info = nullptr;
    if (FAILED(list->GetError(i, &info)) || !info) continue;
    char hex[16];
    std::snprintf(hex, sizeof hex, "0x%08lX", static_cast<unsigned long>(info->errorValue));
    std::wstring file(info->file, ::wcsnlen(info->file, MAX_PATH));
    text += (text.empty() ? "" : "; ") + std::string(hex) + (file.empty() ? "" : " in " + WideToUtf8(file));
  }
  return text;
}

Napi::Value LoadJob(const Napi::CallbackInfo& info) {
  const std::wstring path = args::WideString(args::At(info, 0), "loadJob: path");
  return RunOnOwnThread(info.Env(), "winops.axe.loadJob", [path](const StopToken&) -> Finish {
    std::optional<AxeFailure> failure;
    auto holder = std::make_shared<JobHolder>();
    std::string name;
    std::vector<std::string> names;
    try {
      ah::Solution* solution = SolutionOrThrow();
      ah::ErrorList* errors = nullptr;
      const HRESULT hr = solution->CreateJob(path.c_str(), &holder->job, &errors);
      const std::string detail = ErrorListText(errors);
      delete errors;
      if (FAILED(hr) || !holder->job) throw AxeException(Fail(FAILED(hr) ? hr : E_POINTER, "Solution::CreateJob", detail));
      LPCWSTR jobName = nullptr;
      if (SUCCEEDED(holder->job->GetName(&jobName))) name = Utf8(jobName);
      INT count = 0;
      HRESULT chr = holder->job->GetAssessmentCount(&count);
      if (FAILED(chr)) throw AxeException(Fail(chr, "Job::GetAssessmentCount"));
      for (INT i = 0; i < count; ++i) {
        const ah::Assessment* a = nullptr;
        chr = holder->job->GetAssessment(i, &a);
        if (FAILED(chr) || !a) throw AxeException(Fail(FAILED(chr) ? chr : E_POINTER, "Job::GetAssessment"));
        LPCWSTR an = nullptr;
        names.push_back(SUCCEEDED(a->GetName(&an)) ? Utf8(an) : "Assessment " + std::to_string(i));
      }
    } catch (const AxeException& e) {
      failure = e.failure();
    }
    return [failure, holder, name, names](Napi::Env env) -> Napi::Value {
      if (failure) throw ToJs(env, *failure);
      Napi::Object job = Napi::Object::New(env);
      // The job object is the JS handle's; release() deletes it once no run holds it.
      auto slot = std::make_shared<std::shared_ptr<JobHolder>>(holder);
      job.Set("release", Napi::Function::New(env, [slot](const Napi::CallbackInfo&) { slot->reset(); }, "release"));
      job.Set("__holder", Napi::External<std::shared_ptr<std::shared_ptr<JobHolder>>>::New(
                              env, new std::shared_ptr<std::shared_ptr<JobHolder>>(slot),
                              [](Napi::Env, std::shared_ptr<std::shared_ptr<JobHolder>>* p) { delete p; }));
      Napi::Object result = Napi::Object::New(env);
      result.Set("job", job);
      result.Set("name", name);
      Napi::Array list = Napi::Array::New(env, names.size());
      for (uint32_t i = 0; i < names.size(); ++i) {
        Napi::Object a = Napi::Object::New(env);
        a.Set("index", i);
        a.Set("name", names[i]);
        list.Set(i, a);
      }
      result.Set("assessments", list);
      return result;
    };
  });
}

// ------------------------------------------------------------------------------------ runs

struct Event {
  enum class Kind { kJobBegin, kAssessmentBegin, kProgress, kAssessmentEnd, kJobEnd, kCallResult } kind;
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
                       public ah::IJobEndEventHandler {
 public:
  explicit Handlers(Run* run) : run_(run) {}
  virtual ~Handlers() = default;
  void OnJobBegin(ah::Engine*, const ah::JobBeginEventArgs*) override;
  void OnAssessmentBegin(ah::Engine*, const ah::AssessmentBeginEventArgs* e) override;
  void OnProgressUpdate(ah::Engine*, const ah::ProgressUpdateEventArgs* e) override;
  void OnAssessmentEnd(ah::Engine*, const ah::AssessmentEndEventArgs* e) override;
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
  bool tsfnReleased = false;  // the engine's reference (events) was released, after JobEnd

  // Engine calls run in order on one thread of the run's own, started with the run and ended once
  // JobEnd was handled (Shutdown closes the queue; the calls still queued are answered
  // AXE_E_NO_JOB_RUNNING). A cancel then wakes a waiting thread instead of starting one. The thread
  // holds a reference to the threadsafe function of its own and posts each result through it, in
  // order with the events; it is joined in Finalize (or by the teardown hook).
  std::thread callThread;
  std::mutex callMutex;
  std::condition_variable callCv;
  std::deque<EngineCallRequest> calls;
  bool callsClosed = false;
  std::shared_ptr<AddonState> state;
  // JS thread only: the promises of the calls not answered yet.
  std::map<uint64_t, Napi::Promise::Deferred> pendingCalls;
  uint64_t nextCall = 1;

  // JS thread. False when the queue is closed (the job ended).
  bool Enqueue(EngineCallRequest request) {
    {
      std::lock_guard<std::mutex> lock(callMutex);
      if (callsClosed) return false;
      calls.push_back(std::move(request));
    }
    callCv.notify_one();
    return true;
  }

  void CloseCalls() {
    {
      std::lock_guard<std::mutex> lock(callMutex);
      callsClosed = true;
    }
    callCv.notify_one();
  }

  // The call thread.
  void CallLoop() {
    for (;;) {
      EngineCallRequest request;
      {
        std::unique_lock<std::mutex> lock(callMutex);
        callCv.wait(lock, [&] { return callsClosed || !calls.empty(); });
        if (calls.empty()) break;
        request = std::move(calls.front());
        calls.pop_front();
      }
      auto e = std::make_unique<Event>();
      e->kind = Event::Kind::kCallResult;
      e->callId = request.id;
      e->error = request.call(*this);
      if (napi_call_threadsafe_function(tsfn, e.get(), napi_tsfn_nonblocking) == napi_ok) e.release();
    }
    napi_release_threadsafe_function(tsfn, napi_tsfn_release);
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

std::string AssessmentName(const ah::Assessment* a) {
  LPCWSTR n = nullptr;
  return a && SUCCEEDED(a->GetName(&n)) ? Utf8(n) : std::string();
}

void Handlers::OnJobBegin(ah::Engine*, const ah::JobBeginEventArgs*) {
  auto e = std::make_unique<Event>();
  e->kind = Event::Kind::kJobBegin;
  run_->Post(std::move(e));
}
void Handlers::OnAssessmentBegin(ah::Engine*, const ah::AssessmentBeginEventArgs* a) {
  auto e = std::make_unique<Event>();
  e->kind = Event::Kind::kAssessmentBegin;
  e->index = a ? a->AssessmentIndex : -1;
  e->name = a ? AssessmentName(a->Assessment) : std::string();
  run_->Post(std::move(e));
}
void Handlers::OnProgressUpdate(ah::Engine*, const ah::ProgressUpdateEventArgs* a) {
  if (!a) return;
  auto e = std::make_unique<Event>();
  e->kind = Event::Kind::kProgress;
  e->index = a->AssessmentIndex;
  e->progressType = static_cast<int>(a->ProgressType);
  e->value = a->ProgressValue;
  if (a->ProgressMessage) e->message = Utf8(a->ProgressMessage);
  run_->Post(std::move(e));
}
void Handlers::OnAssessmentEnd(ah::Engine*, const ah::AssessmentEndEventArgs* a) {
  if (!a) return;
  auto e = std::make_unique<Event>();
  e->kind = Event::Kind::kAssessmentEnd;
  e->index = a->AssessmentIndex;
  e->error = a->Error;
  e->exitCode = a->ExitCode;
  run_->Post(std::move(e));
}
void Handlers::OnJobEnd(ah::Engine*, const ah::JobEndEventArgs* a) {
  auto e = std::make_unique<Event>();
  e->kind = Event::Kind::kJobEnd;
  if (a) {
    e->error = a->Error;
    e->executed = a->ExecutedAssessmentCount;
    e->failed = a->FailedAssessmentCount;
    if (a->ResultPath && a->ResultPath[0]) e->resultPath = Utf8(a->ResultPath);
  }
  run_->Post(std::move(e));
}

// JS-thread side, owned by the threadsafe function.
struct JsSide {
  std::shared_ptr<Run> run;
  Napi::ObjectReference sink;
  bool hookRegistered = false;
};

void TeardownHook(void* arg) {
  auto* side = static_cast<JsSide*>(arg);
  side->hookRegistered = false;
  side->run->Shutdown();
  side->run->JoinCallThread();  // before Node closes the threadsafe function it posts to
}

void Finalize(napi_env env, void*, void* context) {
  std::unique_ptr<JsSide> side(static_cast<JsSide*>(context));
  if (side->hookRegistered) {
    napi_remove_env_cleanup_hook(env, TeardownHook, side.get());
    side->hookRegistered = false;
  }
  // After OnJobEnd: the engine only has to wind down its threads.
  side->run->Shutdown();
  side->run->JoinCallThread();  // it released the function: it is at its last instruction
}

void CallSink(const Napi::ObjectReference& sink, const char* name, const std::vector<napi_value>& args) {
  Napi::Value fn = sink.Value().Get(name);
  if (fn.IsFunction()) fn.As<Napi::Function>().Call(sink.Value(), args);
}

void CallJs(napi_env rawEnv, napi_value, void* context, void* data) {
  std::unique_ptr<Event> e(static_cast<Event*>(data));
  if (rawEnv == nullptr || !e) return;
  auto* side = static_cast<JsSide*>(context);
  Napi::Env env(rawEnv);
  Napi::HandleScope scope(env);
  try {
    switch (e->kind) {
      case Event::Kind::kJobBegin:
        CallSink(side->sink, "jobBegin", {});
        break;
      case Event::Kind::kAssessmentBegin:
        CallSink(side->sink, "assessmentBegin", {Napi::Number::New(env, e->index), Napi::String::New(env, e->name)});
        break;
      case Event::Kind::kProgress:
        CallSink(side->sink, "progress",
                 {Napi::Number::New(env, e->index), Napi::Number::New(env, e->progressType), Napi::Number::New(env, e->value),
                  e->message ? Napi::Value(Napi::String::New(env, *e->message)) : env.Null()});
        break;
      case Event::Kind::kAssessmentEnd:
        CallSink(side->sink, "assessmentEnd",
                 {Napi::Number::New(env, e->index), ResultObject(env, e->error), Napi::Number::New(env, e->exitCode)});
        break;
      case Event::Kind::kJobEnd: {
        Napi::Object r = Napi::Object::New(env);
        r.Set("error", ResultObject(env, e->error));
        r.Set("executedAssessments", e->executed);
        r.Set("failedAssessments", e->failed);
        r.Set("resultPath", e->resultPath ? Napi::Value(Napi::String::New(env, *e->resultPath)) : env.Null());
        // The engine goes before jobEnd is reported, so a settled run has nothing native left. Not from
        // inside OnJobEnd (an engine must not be deleted by its own event thread): here, on the JS
        // thread, once OnJobEnd has posted; the engine's destructor waits for its threads.
        side->run->Shutdown();
        CallSink(side->sink, "jobEnd", {r});
        side->sink.Reset();
        break;
      }
      case Event::Kind::kCallResult: {
        auto it = side->run->pendingCalls.find(e->callId);
        if (it != side->run->pendingCalls.end()) {
          Napi::Promise::Deferred deferred = it->second;
          side->run->pendingCalls.erase(it);
          deferred.Resolve(ResultObject(env, e->error));
        }
        break;
      }
    }
  } catch (const Napi::Error& err) {
    napi_fatal_exception(env, err.Value());
  }
}

// cancelAssessment/cancelJob/terminateJob: on the run's call thread (TerminateJob blocks until the
// assessment process is gone), resolving { hresult, code }.
Napi::Value EngineCall(Napi::Env env, const std::weak_ptr<Run>& weak, std::function<HRESULT(Run&)> call) {
  auto deferred = Napi::Promise::Deferred::New(env);
  if (auto run = weak.lock()) {
    const uint64_t id = run->nextCall++;
    run->pendingCalls.emplace(id, deferred);
    if (run->Enqueue({id, std::move(call)})) return deferred.Promise();
    run->pendingCalls.erase(id);
  }
  // A run whose JS side is gone, or whose job has ended, has no job running.
  deferred.Resolve(ResultObject(env, AXE_E_NO_JOB_RUNNING));
  return deferred.Promise();
}

Napi::Value Execute(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!args::At(info, 0).IsObject()) args::TypeFail(args::At(info, 0), "execute: job", "a job from loadJob()");
  if (!args::At(info, 1).IsObject()) args::TypeFail(args::At(info, 1), "execute: sink", "an object");
  Napi::Value holderValue = info[0].As<Napi::Object>().Get("__holder");
  if (!holderValue.IsExternal()) throw Napi::TypeError::New(env, "execute: job is not a job from loadJob()");
  auto slot = *holderValue.As<Napi::External<std::shared_ptr<std::shared_ptr<JobHolder>>>>().Data();
  std::shared_ptr<JobHolder> job = *slot;
  if (!job) throw Napi::TypeError::New(env, "execute: the job was released");
  Napi::Object sink = info[1].As<Napi::Object>();
  for (const char* m : {"jobBegin", "assessmentBegin", "progress", "assessmentEnd", "jobEnd"}) {
    Napi::Value fn = sink.Get(m);
    if (!fn.IsFunction()) args::TypeFail(fn, std::string("execute: sink.") + m, "a function");
  }

  auto run = std::make_shared<Run>();
  run->job = job;
  try {
    ah::Solution* solution = SolutionOrThrow();
    HRESULT hr = solution->CreateEngine(&run->engine);
    if (FAILED(hr) || !run->engine) throw AxeException(Fail(FAILED(hr) ? hr : E_POINTER, "Solution::CreateEngine"));
    struct Step {
      const char* call;
      HRESULT hr;
    };
    ah::Engine* engine = run->engine;
    for (const Step& s : {Step{"Engine::SetEventThreadingModel", engine->SetEventThreadingModel(ah::ThreadingModelFree)},
                          Step{"Engine::SetJobBegin", engine->SetJobBegin(&run->handlers)},
                          Step{"Engine::SetAssessmentBegin", engine->SetAssessmentBegin(&run->handlers)},
                          Step{"Engine::SetProgressUpdate", engine->SetProgressUpdate(&run->handlers)},
                          Step{"Engine::SetAssessmentEnd", engine->SetAssessmentEnd(&run->handlers)},
                          Step{"Engine::SetJobEnd", engine->SetJobEnd(&run->handlers)}}) {
      if (FAILED(s.hr)) throw AxeException(Fail(s.hr, s.call));
    }
  } catch (const AxeException& e) {
    run->Shutdown();
    throw ToJs(env, e.failure());
  }

  auto side = std::make_unique<JsSide>();
  side->run = run;
  side->sink = Napi::Persistent(sink);
  if (napi_create_threadsafe_function(env, nullptr, nullptr, Napi::String::New(env, "winops.axe.run"), 0, 1, nullptr,
                                      Finalize, side.get(), CallJs, &run->tsfn) != napi_ok) {
    run->Shutdown();
    throw Napi::Error::New(env, "napi_create_threadsafe_function failed");
  }
  JsSide* raw = side.release();  // owned by the threadsafe function (Finalize)

  // The call thread, with a reference to the threadsafe function of its own.
  run->state = StateOf(env);
  napi_acquire_threadsafe_function(run->tsfn);
  try {
    run->callThread = std::thread([run] { run->CallLoop(); });
  } catch (const std::system_error& e) {
    run->ended = true;  // nothing was executed
    {
      std::lock_guard<std::mutex> lock(run->tsfnMutex);
      run->tsfnReleased = true;
    }
    napi_release_threadsafe_function(run->tsfn, napi_tsfn_release);  // the call thread's
    napi_release_threadsafe_function(run->tsfn, napi_tsfn_release);  // Finalize deletes the engine
    throw Napi::Error::New(env, std::string("could not start a thread: ") + e.what());
  }
  if (run->state) run->state->liveThreads.fetch_add(1);

  // Restart settings must not be NULL in solution mode (axe.md): the host process itself.
  wchar_t exe[MAX_PATH] = {};
  ::GetModuleFileNameW(nullptr, exe, MAX_PATH);
  std::wstring dir(exe);
  const size_t slash = dir.find_last_of(L"\\/");
  dir = slash == std::wstring::npos ? std::wstring(L".") : dir.substr(0, slash);

  ah::JobExecutionInfo exec{};
  exec.Size = sizeof exec;
  exec.Job = job->job;
  exec.Flags = ah::ExecuteAsync;
  exec.Timeout = 0;
  exec.RestartDirectory = dir.c_str();
  exec.RestartCommand = exe;
  exec.RestartMinimumCommand = nullptr;
  exec.WorkloadTempDirectory = nullptr;
  exec.WorkloadAssessmentIndex = -1;
  HRESULT hr;
  {
    std::lock_guard<std::mutex> lock(run->engineMutex);
    hr = run->engine->ExecuteJob(&exec);
  }
  if (FAILED(hr)) {
    run->ended = true;
    {
      std::lock_guard<std::mutex> lock(run->tsfnMutex);
      run->tsfnReleased = true;
    }
    run->CloseCalls();  // the call thread ends and releases its reference
    napi_release_threadsafe_function(run->tsfn, napi_tsfn_release);  // Finalize deletes the engine
    throw ToJs(env, Fail(hr, "Engine::ExecuteJob"));
  }
  if (napi_add_env_cleanup_hook(env, TeardownHook, raw) == napi_ok) raw->hookRegistered = true;

  std::weak_ptr<Run> weak = run;
  Napi::Object handle = Napi::Object::New(env);
  handle.Set("cancelAssessment", Napi::Function::New(env, [weak](const Napi::CallbackInfo& ci) -> Napi::Value {
    const int index = args::Int32(args::At(ci, 0), "cancelAssessment: index");
    return EngineCall(ci.Env(), weak, [index](Run& r) {
      std::lock_guard<std::mutex> lock(r.engineMutex);
      return r.engine ? r.engine->CancelAssessment(index) : AXE_E_NO_JOB_RUNNING;
    });
  }, "cancelAssessment"));
  handle.Set("cancelJob", Napi::Function::New(env, [weak](const Napi::CallbackInfo& ci) -> Napi::Value {
    return EngineCall(ci.Env(), weak, [](Run& r) { return r.Call(&ah::Engine::CancelJob); });
  }, "cancelJob"));
  handle.Set("terminateJob", Napi::Function::New(env, [weak](const Napi::CallbackInfo& ci) -> Napi::Value {
    return EngineCall(ci.Env(), weak, [](Run& r) { return r.Call(&ah::Engine::TerminateJob); });
  }, "terminateJob"));
  return handle;
}

Napi::Value Availability(const Napi::CallbackInfo& info) {
  Runtime& rt = TheRuntime();
  std::lock_guard<std::mutex> lock(rt.mutex);
  LoadLocked(rt);
  Napi::Object o = Napi::Object::New(info.Env());
  o.Set("available", rt.init != nullptr);
  if (!rt.init) o.Set("reason", rt.loadError);
  return o;
}

}  // namespace

Napi::Object Create(Napi::Env env) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("availability", Napi::Function::New(env, Availability, "availability"));
  o.Set("loadJob", Napi::Function::New(env, LoadJob, "loadJob"));
  o.Set("execute", Napi::Function::New(env, Execute, "execute"));
  return o;
}

}  // namespace winops::axe
