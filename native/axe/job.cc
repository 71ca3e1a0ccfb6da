// AXE codes and failures, and jobs: Solution::CreateJob (+ ErrorList) -> Job::GetAssessmentCount / GetAssessment.
#include "axe/engine.h"

#include <cstdint>
#include <cstdio>
#include <cwchar>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/args.h"
#include "common/utf.h"
#include "common/worker.h"

namespace winops::axe {
namespace {

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

}  // namespace

std::string CodeOf(HRESULT hr) {
  if (hr == S_OK) return "S_OK";
  for (const AxeCode& c : kAxeCodes) {
    if (c.hr == hr) return c.name;
  }
  return std::string();
}

AxeFailure Fail(HRESULT hr, std::string call, std::string detail) {
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

std::string Utf8(LPCWSTR s) { return s ? WideToUtf8(s) : std::string(); }

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

}  // namespace winops::axe
