// AxeCore.dll test double: exports AxeInitSolution and implements Solution / Engine / Job of the
// STAND-IN AxeHosting.h (test/doubles/axe/include — its vtable order is ours, not Microsoft's), scripted
// by AxeScenario (types/scenario.ts) the way lib/fake/axe.ts is: one job at a time (process-wide), events
// in order on an engine thread (ThreadingModelFree), CancelAssessment valid only for the running index
// (AXE_E_INVALID_INDEX / AXE_E_NO_JOB_RUNNING), cooperative cancel (honoursCancel, cancelLatencyMs, a
// ProgressTypeCancelling acknowledgement), CancelJob stopping after the current assessment, TerminateJob
// synchronous and still raising the end events, terminateFail; an assessment that restarts the system (reboots:
// OnJobRestart, "raised when a job is ending because the system is being restarted",
// desktop-src/axe/ijobrestarteventhandler-onjobrestart.md; no restart comes in a test, so the job stays ending until
// TerminateJob or the engine's end); a TerminateJob that does not return until the test releases it (terminateHold,
// a hang the docs do not rule out: TerminateJob is synchronous and has no documented bound).
//
// WHAT THIS PROVES: winops' AXE code drives the documented protocol (init once, CreateJob, handlers and
// ThreadingModelFree before ExecuteJob(ExecuteAsync), cancel/terminate semantics, releasing engines and
// jobs). WHAT IT CANNOT: anything about Microsoft's binary interface — both sides are compiled from our
// stand-in header — or how real assessments behave.
//
// Log (WINOPS_DOUBLE_LOG): calls, violations (handlers or threading model changed during a job, a model
// other than Free, ExecuteJob without restart settings, an Engine or Job deleted while its job runs),
// live Engine/Job objects.
#include <AxeHosting.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <memory>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "common/double_support.h"
#include "common/control_exports.h"

namespace ah = ::Microsoft::Assessments::Hosting;
using doubles::Json;
using doubles::Log;

namespace {

struct Script {
  std::string name;
  double durationMs = 100;
  int progressSteps = 4;
  bool honoursCancel = true;
  double cancelLatencyMs = 0;
  HRESULT error = S_OK;
  bool hasExitCode = false;
  int exitCode = 0;
  bool hold = false;  // after durationMs, does not end until the test releases "axe:<name>"
  bool reboots = false;  // after durationMs, restarts the system (OnJobRestart)
};

void ApplyScript(const Json& j, Script& s) {
  s.durationMs = j.Num("durationMs", s.durationMs);
  s.progressSteps = static_cast<int>(j.Num("progressSteps", s.progressSteps));
  s.honoursCancel = j.Bool("honoursCancel", s.honoursCancel);
  s.cancelLatencyMs = j.Num("cancelLatencyMs", s.cancelLatencyMs);
  s.error = doubles::CodeOf(j.Get("error"), s.error);
  s.hold = j.Bool("hold", s.hold);
  s.reboots = j.Bool("reboots", s.reboots);
  if (const Json* e = j.Get("exitCode"); e && e->IsNumber()) {
    s.hasExitCode = true;
    s.exitCode = static_cast<int>(e->n);
  }
}

#if defined(__GNUC__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wnon-virtual-dtor"
#endif

class ErrorListImpl final : public ah::ErrorList {
 public:
  ErrorListImpl(HRESULT hr, const std::wstring& file) {
    info_ = {};
    info_.size = sizeof info_;
    info_.assessmentIndex = static_cast<UINT>(-1);
    info_.errorType = ah::ErrorTypeJobParsing;
    info_.errorValue = hr;
    wcsncpy(info_.file, file.c_str(), MAX_PATH - 1);
  }
  HRESULT GetCount(UINT* count) const override {
    if (!count) return E_POINTER;
    *count = 1;
    return S_OK;
  }
  HRESULT GetError(UINT index, const ah::ErrorInfo** info) const override {
    if (!info) return E_POINTER;
    if (index != 0) return static_cast<HRESULT>(0x8000000BL);  // E_BOUNDS
    *info = &info_;
    return S_OK;
  }

 private:
  ah::ErrorInfo info_;
};

class AssessmentImpl final : public ah::Assessment {
 public:
  explicit AssessmentImpl(Script s) : script(std::move(s)), name_(doubles::Widen(script.name)) {}
  HRESULT GetName(LPCWSTR* name) const override {
    if (!name) return E_POINTER;
    *name = name_.c_str();
    return S_OK;
  }
  Script script;

 private:
  std::wstring name_;
};


class JobImpl final : public ah::Job {
 public:
  JobImpl(std::string name, std::vector<Script> scripts) : tracked_("Job"), name_(doubles::Widen(name)) {
    for (Script& s : scripts) assessments_.push_back(std::make_unique<AssessmentImpl>(std::move(s)));
  }
  ~JobImpl() override {
    if (running > 0) Log::Get().Violation("Job deleted while its job runs");
    Log::Get().Call("Job::~Job", "");
  }
  HRESULT GetAssessmentCount(INT* count) const override {
    if (!count) return E_POINTER;
    *count = static_cast<INT>(assessments_.size());
    return S_OK;
  }
  HRESULT GetAssessment(INT index, const ah::Assessment** a) const override {
    if (!a) return E_POINTER;
    if (index < 0 || index >= static_cast<INT>(assessments_.size())) return static_cast<HRESULT>(0x80070284L);  // HRESULT_FROM_WIN32(ERROR_RANGE_NOT_FOUND)
    *a = assessments_[static_cast<size_t>(index)].get();
    return S_OK;
  }
  HRESULT GetName(LPCWSTR* name) const override {
    if (!name) return E_POINTER;
    *name = name_.c_str();
    return S_OK;
  }
  const AssessmentImpl* At(size_t i) const { return assessments_[i].get(); }
  size_t Count() const { return assessments_.size(); }
  std::atomic<int> running{0};

 private:
  doubles::Tracked tracked_;
  std::wstring name_;
  std::vector<std::unique_ptr<AssessmentImpl>> assessments_;
};

std::mutex g_jobMutex;
bool g_jobRunning = false;  // one job at a time, process-wide

class EngineImpl final : public ah::Engine {
 public:
  EngineImpl() : tracked_("Engine"), wake_(::CreateEventW(nullptr, FALSE, FALSE, nullptr)) {}
  ~EngineImpl() override {
    bool wasRunning;
    {
      std::lock_guard<std::mutex> lock(m_);
      wasRunning = running_;
      if (running_) {
        terminated_ = true;
        cv_.notify_all();
        ::SetEvent(wake_);  // a held assessment (Log::Hold) looks at its state again
      }
    }
    if (wasRunning) Log::Get().Violation("Engine deleted while its job runs");
    if (runner_.joinable()) runner_.join();
    ::CloseHandle(wake_);
    Log::Get().Call("Engine::~Engine", "");
  }

  HRESULT CancelAssessment(INT index) override {
    HRESULT hr;
    {
      std::lock_guard<std::mutex> lock(m_);
      if (!running_) hr = AXE_E_NO_JOB_RUNNING;
      else if (index != current_) hr = AXE_E_INVALID_INDEX;
      else {
        assessmentCancelled_ = true;
        cv_.notify_all();
        ::SetEvent(wake_);  // a held assessment (Log::Hold) looks at its state again
        hr = S_OK;
      }
    }
    Log::Get().Call("Engine::CancelAssessment", doubles::CodeName(hr), std::to_string(index), static_cast<long long>(index));
    return hr;
  }
  HRESULT CancelJob() override {
    HRESULT hr;
    {
      std::lock_guard<std::mutex> lock(m_);
      hr = running_ ? S_OK : AXE_E_NO_JOB_RUNNING;
      if (running_) jobCancelled_ = true;
    }
    Log::Get().Call("Engine::CancelJob", doubles::CodeName(hr));
    return hr;
  }
  HRESULT TerminateJob() override {
    HRESULT hr = S_OK;
    bool join = false;
    if (scenarioTerminateHold_) Log::Get().Hold("axe:terminate-job", nullptr);
    {
      std::lock_guard<std::mutex> lock(m_);
      if (!running_) hr = AXE_E_NO_JOB_RUNNING;
      else if (scenarioTerminateFail_ != S_OK) hr = scenarioTerminateFail_;
      else {
        terminated_ = true;
        cv_.notify_all();
        ::SetEvent(wake_);  // a held assessment (Log::Hold) looks at its state again
        join = std::this_thread::get_id() != runner_.get_id();
      }
    }
    // Synchronous: the end events are raised (by the runner) before TerminateJob returns.
    if (join && runner_.joinable()) runner_.join();
    Log::Get().Call("Engine::TerminateJob", doubles::CodeName(hr));
    return hr;
  }

  HRESULT ExecuteJob(ah::JobExecutionInfo* info) override {
    auto fail = [](HRESULT hr) {
      Log::Get().Call("Engine::ExecuteJob", doubles::CodeName(hr));
      return hr;
    };
    if (!info || !info->Job) return fail(E_POINTER);
    if (info->Size != sizeof *info) return fail(E_INVALIDARG);
    if (!info->RestartDirectory || !info->RestartCommand) {
      Log::Get().Violation("ExecuteJob without RestartDirectory/RestartCommand (required in solution mode)");
      return fail(E_INVALIDARG);
    }
    if (model_ != ah::ThreadingModelFree) Log::Get().Violation("ExecuteJob without SetEventThreadingModel(ThreadingModelFree)");
    {
      std::lock_guard<std::mutex> lock(m_);
      if (running_) return fail(AXE_E_JOB_RUNNING);
      std::lock_guard<std::mutex> global(g_jobMutex);
      if (g_jobRunning) return fail(AXE_E_JOB_RUNNING);
      g_jobRunning = true;
      running_ = true;
      current_ = -1;
      terminated_ = jobCancelled_ = assessmentCancelled_ = false;
      const Json sc = doubles::ScenarioSection("axe");
      scenarioTerminateFail_ = doubles::CodeOf(sc.Get("terminateFail"), S_OK);
      scenarioTerminateHold_ = sc.Bool("terminateHold", false);
    }
    if (runner_.joinable()) runner_.join();  // the previous job's thread has finished
    job_ = static_cast<const JobImpl*>(info->Job);
    const_cast<JobImpl*>(job_)->running++;
    info->Error = S_OK;
    info->Restarting = FALSE;
    Log::Get().Call("Engine::ExecuteJob", "S_OK", (info->Flags & ah::ExecuteAsync) ? "ExecuteAsync" : "sync");
    // Quoted, so that an empty command is logged too.
    Log::Get().Call("JobExecutionInfo.RestartCommand", "", "\"" + doubles::Narrow(info->RestartCommand) + "\"");
    if (info->Flags & ah::ExecuteAsync) {
      runner_ = std::thread([this] { RunJob(); });
    } else {
      RunJob();
    }
    return S_OK;
  }

  HRESULT GetEventThreadingModel(ah::ThreadingModel* m) override {
    if (!m) return E_POINTER;
    *m = model_;
    return S_OK;
  }
  HRESULT SetEventThreadingModel(ah::ThreadingModel m) override {
    if (Busy("SetEventThreadingModel")) return AXE_E_JOB_RUNNING;
    if (m == ah::ThreadingModelNone) return E_INVALIDARG;
    if (m != ah::ThreadingModelFree) Log::Get().Violation("SetEventThreadingModel: only ThreadingModelFree suits a Node addon (APC needs an alertable wait)");
    model_ = m;
    return S_OK;
  }
  HRESULT SetAssessmentBegin(ah::IAssessmentBeginEventHandler* h) override { return Set("SetAssessmentBegin", assessmentBegin_, h); }
  HRESULT SetAssessmentEnd(ah::IAssessmentEndEventHandler* h) override { return Set("SetAssessmentEnd", assessmentEnd_, h); }
  HRESULT SetJobBegin(ah::IJobBeginEventHandler* h) override { return Set("SetJobBegin", jobBegin_, h); }
  HRESULT SetJobEnd(ah::IJobEndEventHandler* h) override { return Set("SetJobEnd", jobEnd_, h); }
  HRESULT SetJobRestart(ah::IJobRestartEventHandler* h) override { return Set("SetJobRestart", jobRestart_, h); }
  HRESULT SetProgressUpdate(ah::IProgressUpdateEventHandler* h) override { return Set("SetProgressUpdate", progress_, h); }

 private:
  bool Busy(const char* what) {
    std::lock_guard<std::mutex> lock(m_);
    if (running_) Log::Get().Violation(std::string("Engine::") + what + " while a job runs (AXE_E_JOB_RUNNING)");
    return running_;
  }
  template <class H>
  HRESULT Set(const char* what, H*& slot, H* h) {
    if (Busy(what)) return AXE_E_JOB_RUNNING;
    slot = h;
    return S_OK;
  }

  void Progress(int index, const AssessmentImpl* a, ah::AxeProgressType type, UINT value) {
    if (!progress_) return;
    ah::ProgressUpdateEventArgs e{};
    e.Size = sizeof e;
    e.AssessmentIndex = index;
    e.Assessment = a;
    e.ProgressType = type;
    e.ProgressValue = value;
    e.ProgressMessage = nullptr;
    progress_->OnProgressUpdate(this, &e);
  }

  void RunJob() {
    using Clock = std::chrono::steady_clock;
    if (jobBegin_) {
      ah::JobBeginEventArgs e{sizeof(ah::JobBeginEventArgs), job_};
      jobBegin_->OnJobBegin(this, &e);
    }
    UINT executed = 0, failed = 0;
    bool terminated = false;
    for (size_t i = 0; i < job_->Count(); ++i) {
      {
        std::lock_guard<std::mutex> lock(m_);
        if (jobCancelled_ || terminated_) break;
        current_ = static_cast<int>(i);
        assessmentCancelled_ = false;
      }
      const AssessmentImpl* a = job_->At(i);
      const Script& s = a->script;
      const int index = static_cast<int>(i);
      if (assessmentBegin_) {
        ah::AssessmentBeginEventArgs e{sizeof(ah::AssessmentBeginEventArgs), index, a};
        assessmentBegin_->OnAssessmentBegin(this, &e);
      }
      const int steps = std::max(1, s.progressSteps);
      const auto start = Clock::now();
      auto at = [&](double ms) { return start + std::chrono::microseconds(static_cast<long long>(ms * 1000)); };
      const auto end = at(s.durationMs);
      int step = 1;
      bool acknowledged = false;
      bool released = false;  // a held assessment's gate (scenario "hold")
      bool restarting = false;  // OnJobRestart was raised (scenario "reboots"): only the job's termination ends it
      auto cancelEnd = end;
      HRESULT error = S_OK;
      int exitCode = 0;
      for (;;) {
        std::unique_lock<std::mutex> lock(m_);
        const auto nextProgress = step <= steps && !acknowledged ? at(s.durationMs * step / (steps + 1)) : Clock::time_point::max();
        const auto deadline = std::min(acknowledged ? cancelEnd : end, nextProgress);
        // A deadline already due is not waited for: with cancelLatencyMs 0 the assessment ends at once, as the
        // scenario says (a timed wait that is already due still cost a timer tick or two under Wine).
        const auto woken = [&] { return terminated_ || (assessmentCancelled_ && s.honoursCancel && !acknowledged); };
        if (restarting) cv_.wait(lock, [&] { return terminated_; });
        else if (deadline > Clock::now()) cv_.wait_until(lock, deadline, woken);
        if (terminated_) {
          terminated = true;
          error = AXE_E_ASSESSMENT_TERMINATED;
          exitCode = 1;
          break;
        }
        if (assessmentCancelled_ && s.honoursCancel && !acknowledged) {
          acknowledged = true;
          cancelEnd = Clock::now() + std::chrono::microseconds(static_cast<long long>(s.cancelLatencyMs * 1000));
          lock.unlock();
          Progress(index, a, ah::ProgressTypeCancelling, 0);  // the assessment acknowledges the cancel
          continue;
        }
        const auto now = Clock::now();
        // A progress step that is due goes first, even when a late wake-up finds the end due as well
        // (the fake's timers fire in time order).
        if (!acknowledged && step <= steps && now >= nextProgress) {
          const UINT value = static_cast<UINT>(std::lround(100.0 * step / (steps + 1)));
          ++step;
          lock.unlock();
          Progress(index, a, ah::ProgressTypePercent, value);
          continue;
        }
        if (acknowledged && now >= cancelEnd) {
          error = AXE_E_ASSESSMENT_CANCELED;
          exitCode = 1;
          break;
        }
        if (!acknowledged && now >= end) {
          if (s.reboots) {
            restarting = true;
            lock.unlock();
            Log::Get().Call("Engine::OnJobRestart", "", std::to_string(index), static_cast<long long>(index));
            if (jobRestart_) {
              ah::JobRestartEventArgs e{sizeof(ah::JobRestartEventArgs), job_};
              jobRestart_->OnJobRestart(this, &e);
            }
            continue;
          }
          if (s.hold && !released) {
            // Ends when the test releases it; a cancel it honours or TerminateJob wakes the wait (see above).
            lock.unlock();
            released = Log::Get().Hold("axe:" + s.name, wake_);
            continue;
          }
          error = s.error;
          exitCode = s.hasExitCode ? s.exitCode : (error == S_OK ? 0 : 1);
          break;
        }
      }
      ++executed;
      if (error != S_OK) ++failed;
      {
        std::lock_guard<std::mutex> lock(m_);
        current_ = -1;
      }
      if (assessmentEnd_) {
        ah::AssessmentEndEventArgs e{};
        e.Size = sizeof e;
        e.AssessmentIndex = index;
        e.Assessment = a;
        e.Error = error;
        e.ErrorList = nullptr;
        e.ExitCode = exitCode;
        assessmentEnd_->OnAssessmentEnd(this, &e);
      }
      if (terminated) break;
    }
    bool cancelled;
    {
      std::lock_guard<std::mutex> lock(m_);
      cancelled = jobCancelled_ || terminated_;
    }
    const HRESULT jobError = cancelled ? AXE_E_JOB_CANCELED : failed > 0 ? AXE_E_JOB_ASSESSMENTS_FAILED : S_OK;
    LPCWSTR name = nullptr;
    job_->GetName(&name);
    const std::wstring resultPath = std::wstring(L"C:\\Users\\Public\\Assessments\\") + (name ? name : L"job") + L".xml";
    const_cast<JobImpl*>(job_)->running--;
    {
      // Not running any more from here: the handler may start the next job.
      std::lock_guard<std::mutex> lock(m_);
      running_ = false;
      std::lock_guard<std::mutex> global(g_jobMutex);
      g_jobRunning = false;
    }
    if (jobEnd_) {
      ah::JobEndEventArgs e{};
      e.Size = sizeof e;
      e.Job = job_;
      e.Error = jobError;
      e.ErrorList = nullptr;
      e.ExecutedAssessmentCount = executed;
      e.FailedAssessmentCount = failed;
      e.ResultPath = jobError == S_OK ? resultPath.c_str() : nullptr;
      jobEnd_->OnJobEnd(this, &e);
    }
  }

  doubles::Tracked tracked_;
  std::mutex m_;
  std::condition_variable cv_;
  HANDLE wake_;  // auto-reset: set with every cv_ notification, for a runner held on a gate
  std::thread runner_;
  bool running_ = false, terminated_ = false, jobCancelled_ = false, assessmentCancelled_ = false;
  int current_ = -1;
  HRESULT scenarioTerminateFail_ = S_OK;
  bool scenarioTerminateHold_ = false;
  const JobImpl* job_ = nullptr;
  ah::ThreadingModel model_ = ah::ThreadingModelNone;
  ah::IJobBeginEventHandler* jobBegin_ = nullptr;
  ah::IAssessmentBeginEventHandler* assessmentBegin_ = nullptr;
  ah::IProgressUpdateEventHandler* progress_ = nullptr;
  ah::IAssessmentEndEventHandler* assessmentEnd_ = nullptr;
  ah::IJobEndEventHandler* jobEnd_ = nullptr;
  ah::IJobRestartEventHandler* jobRestart_ = nullptr;
};

class SolutionImpl final : public ah::Solution {
 public:
  HRESULT CreateEngine(ah::Engine** engine) override {
    if (!engine) return E_POINTER;
    *engine = new EngineImpl();
    return S_OK;
  }
  HRESULT CreateJob(LPCWSTR path, ah::Job** job) override { return CreateJob(path, job, nullptr); }
  HRESULT CreateJob(LPCWSTR path, ah::Job** job, ah::ErrorList** errors) override {
    if (!path || !job) return E_POINTER;
    *job = nullptr;
    if (errors) *errors = nullptr;
    const std::string p = doubles::Narrow(path);
    auto fail = [&](HRESULT hr) {
      if (errors) *errors = new ErrorListImpl(hr, path);
      Log::Get().Call("Solution::CreateJob", doubles::CodeName(hr), p);
      return hr;
    };
    const Json sc = doubles::ScenarioSection("axe");
    if (!sc.Bool("available", true)) return fail(AXE_E_INIT_FAILED);
    std::string name;
    std::vector<Script> scripts;
    const Json* manifests = sc.Get("manifests");
    const Json* spec = manifests ? manifests->Get(p.c_str()) : nullptr;
    if (spec) {
      name = spec->Str("name", "job");
      if (const Json* list = spec->Get("assessments")) {
        for (const Json& a : list->a) {
          Script s;
          s.name = a.Str("name", "assessment");
          ApplyScript(a, s);
          scripts.push_back(s);
        }
      }
    } else {
      std::string xml;
      if (!doubles::ReadFileUtf8(p, xml)) return fail(HRESULT_FROM_WIN32(::GetLastError()));  // CreateFileW's error
      if (xml.size() >= 3 && static_cast<unsigned char>(xml[0]) == 0xEF) xml = xml.substr(3);
      std::smatch m;
      if (!std::regex_search(xml, std::regex("<AxeJobManifest[\\s>]"))) return fail(AXE_E_BAD_MANIFEST);
      if (!std::regex_search(xml, m, std::regex("<AssessmentRuns\\b[^>]*>([\\s\\S]*?)</AssessmentRuns>"))) return fail(AXE_E_BAD_MANIFEST);
      const std::string runs = m[1];
      const std::regex run("<AssessmentRun\\b([^>]*)>");
      const std::regex nameAttr("\\bName\\s*=\\s*\"([^\"]*)\"");
      int i = 0;
      for (auto it = std::sregex_iterator(runs.begin(), runs.end(), run); it != std::sregex_iterator(); ++it, ++i) {
        Script s;
        const std::string attrs = (*it)[1];
        std::smatch n;
        s.name = std::regex_search(attrs, n, nameAttr) ? std::string(n[1]) : "Assessment " + std::to_string(i);
        if (const Json* perName = sc.Get("assessments") ? sc.Get("assessments")->Get(s.name.c_str()) : nullptr) ApplyScript(*perName, s);
        scripts.push_back(s);
      }
      if (scripts.empty()) return fail(AXE_E_BAD_MANIFEST);
      std::smatch jn;
      name = std::regex_search(xml, jn, std::regex("<AxeJobManifest\\b[^>]*\\bName\\s*=\\s*\"([^\"]*)\"")) ? std::string(jn[1])
             : std::regex_search(xml, jn, std::regex("<Name>([^<]*)</Name>"))                     ? std::string(jn[1])
                                                                                                     : p;
    }
    *job = new JobImpl(name, scripts);
    Log::Get().Call("Solution::CreateJob", "S_OK", p);
    return S_OK;
  }
};

#if defined(__GNUC__)
#pragma GCC diagnostic pop
#endif

std::mutex g_initMutex;
SolutionImpl* g_solution = nullptr;

}  // namespace

extern "C" HRESULT WINAPI AxeInitSolution(ah::SolutionParameters* params, ah::Solution** solution) {
  std::lock_guard<std::mutex> lock(g_initMutex);
  HRESULT hr = S_OK;
  if (params && params->Size != sizeof *params) hr = E_INVALIDARG;
  else if (g_solution) hr = AXE_E_ALREADY_INIT;
  else {
    g_solution = new SolutionImpl();  // process lifetime
    if (solution) *solution = g_solution;
  }
  Log::Get().Call("AxeInitSolution", doubles::CodeName(hr));
  return hr;
}
