// =====================================================================================================
//  STAND-IN for the Windows ADK's AxeHosting.h — TEST USE ONLY. NEVER USE FOR A SHIPPED BUILD.
// =====================================================================================================
//
// The real AxeHosting.h ships only with the Windows Assessment Toolkit (Windows ADK); no public copy
// exists (/work/shared/reference/axe.md). This file lets winops' AXE code (native/axe/engine.cc) be
// compiled and exercised under Wine against our AxeCore.dll double (test/doubles/axe/axe_double.cc).
//
// What it is: the names, argument lists, struct fields and enum values documented in the archived
// AXE docs (axe.md). What it is NOT: Microsoft's declaration order. The ORDER of the virtual methods
// below (hence every vtable slot), the presence and placement of virtual destructors, the grouping of
// overloads, and the VALUES of the AXE_E_* codes Microsoft never published (marked below) are OURS.
// A binary built against this header can only talk to a DLL built against this header, i.e. our
// double. native/axe/engine.cc refuses to compile against it unless WINOPS_AXE_STANDIN is defined
// (only scripts/wine/test.sh does that), and refuses g++ builds against any other AxeHosting.h
// (MSVC lays out virtual destructors and overloaded virtuals differently from g++).
//
// Methods the docs name without a signature (Job::GetName, Assessment::GetName, ErrorList access) are
// declared the way winops calls them; against the real header, a different signature is a compile
// error, never a silent ABI mismatch.
#pragma once

#define WINOPS_AXE_STANDIN_HEADER 1

#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#include <windows.h>

// --- HRESULTs with published values (axe.md "AXE HRESULTs") ---
#define AXE_E_ALREADY_INIT ((HRESULT)0x80040200L)
#define AXE_E_INTERNAL_ERROR ((HRESULT)0x80040202L)
#define AXE_E_BAD_MANIFEST ((HRESULT)0x80041000L)
#define AXE_E_JOB_RUNNING ((HRESULT)0x80041005L)
#define AXE_E_JOB_NOT_RUNNING ((HRESULT)0x80041006L)
#define AXE_E_ASSESSMENT_COULD_NOT_START ((HRESULT)0x80041009L)
#define AXE_E_ASSESSMENT_COMPLETED_WITH_ERROR ((HRESULT)0x8004100BL)
#define AXE_E_ASSESSMENT_CANCELED ((HRESULT)0x8004100DL)
#define AXE_E_ASSESSMENT_TERMINATED ((HRESULT)0x8004100FL)
#define AXE_E_ASSESSMENT_CRASHED ((HRESULT)0x80041010L)
#define AXE_E_QUEUED_APC_EVENTS ((HRESULT)0x80041012L)
#define AXE_E_JOB_CANCELED ((HRESULT)0x80041013L)
#define AXE_E_JOB_ASSESSMENTS_FAILED ((HRESULT)0x80041014L)

// --- HRESULTs Microsoft never published a value for: STAND-IN VALUES, chosen by winops from the
// unassigned gaps of 0x800410xx. The real header's values are unknown to us. ---
#define AXE_E_INVALID_INDEX ((HRESULT)0x80041001L)     // stand-in value
#define AXE_E_NO_JOB_RUNNING ((HRESULT)0x80041002L)    // stand-in value
#define AXE_E_TERMINATE_FAILED ((HRESULT)0x80041003L)  // stand-in value
#define AXE_E_INIT_FAILED ((HRESULT)0x80041004L)       // stand-in value

namespace Microsoft {
namespace Assessments {
namespace Hosting {

struct Engine;

// axe.md "Solution-side entry point".
struct SolutionParameters {
  DWORD Size;
  DWORD Flags;
};
enum SolutionFlags { SolutionFlagNone = 0, SolutionFlagWorkloads = 0x80000000 };

// axe.md: ThreadingModelNone = 0 (invalid), ThreadingModelFree = 1, ThreadingModelAPC = 2.
enum ThreadingModel { ThreadingModelNone = 0, ThreadingModelFree = 1, ThreadingModelAPC = 2 };

// axe.md JobExecutionFlags { None = 0, ExecuteAsync = 1 } (enumerator spelling of None is ours).
enum JobExecutionFlags { JobExecutionFlagsNone = 0, ExecuteAsync = 1 };

// axe.md AxeProgressType.
enum AxeProgressType {
  ProgressTypeNone = 0, ProgressTypePercent = 1, ProgressTypeMessage = 2, ProgressTypeHeartbeat = 3,
  ProgressTypeIncrement = 4, ProgressTypeCancelling = 5, ProgressTypeRemainingTime = 6,
  ProgressTypeWaitingForInput = 7, ProgressTypeOnOff = 8, ProgressTypeWarning = 9, ProgressTypeError = 10,
  ProgressTypeTestCase = 11, ProgressTypeIdle = 12, ProgressTypeInvalid = 13
};

// The docs' enums of HRESULT values.
typedef HRESULT AssessmentExecutionError;
typedef HRESULT JobExecutionError;

// axe.md: ErrorType None=0, JobParsing=1, AssessmentParsing=2, AssessmentValidation=3, AssessmentExecution=4.
enum ErrorType { ErrorTypeNone = 0, ErrorTypeJobParsing = 1, ErrorTypeAssessmentParsing = 2,
                 ErrorTypeAssessmentValidation = 3, ErrorTypeAssessmentExecution = 4 };
// axe.md ErrorInfo { DWORD size; UINT index; UINT assessmentIndex; ErrorType errorType; HRESULT errorValue; WCHAR file[MAX_PATH]; }
struct ErrorInfo {
  DWORD size;
  UINT index;
  UINT assessmentIndex;
  ErrorType errorType;
  HRESULT errorValue;
  WCHAR file[MAX_PATH];
};

// ORDER OURS (see the top of this file).
struct ErrorList {
  virtual HRESULT GetCount(UINT* count) const = 0;
  virtual HRESULT GetError(UINT index, const ErrorInfo** info) const = 0;
  virtual ~ErrorList() {}
};

struct Assessment {
  virtual HRESULT GetName(LPCWSTR* name) const = 0;
  virtual ~Assessment() {}
};

// axe.md "Job class" (CheckPrerequisites, GetJobParameter, GetToolTip, SetJobParameter omitted: unused).
struct Job {
  virtual HRESULT GetAssessmentCount(INT* count) const = 0;
  virtual HRESULT GetAssessment(INT index, const Assessment** assessment) const = 0;
  virtual HRESULT GetName(LPCWSTR* name) const = 0;
  virtual ~Job() {}
};

// axe.md "Event handler interfaces".
struct JobBeginEventArgs {
  DWORD Size;
  const ::Microsoft::Assessments::Hosting::Job* Job;  // the docs write `const Job *Job;` (g++ needs the qualified name)
};
struct AssessmentBeginEventArgs {
  DWORD Size;
  INT AssessmentIndex;
  const ::Microsoft::Assessments::Hosting::Assessment* Assessment;  // the docs write `const Assessment *Assessment;` (g++ needs the qualified name)
};
struct ProgressUpdateEventArgs {
  DWORD Size;
  INT AssessmentIndex;
  const ::Microsoft::Assessments::Hosting::Assessment* Assessment;  // the docs write `const Assessment *Assessment;` (g++ needs the qualified name)
  AxeProgressType ProgressType;
  UINT ProgressValue;
  LPCWSTR ProgressMessage;
};
struct AssessmentEndEventArgs {
  DWORD Size;
  INT AssessmentIndex;
  const ::Microsoft::Assessments::Hosting::Assessment* Assessment;  // the docs write `const Assessment *Assessment;` (g++ needs the qualified name)
  AssessmentExecutionError Error;
  const ::Microsoft::Assessments::Hosting::ErrorList* ErrorList;  // the docs write `const ErrorList *ErrorList;` (g++ needs the qualified name)
  INT ExitCode;
};
struct JobEndEventArgs {
  DWORD Size;
  const ::Microsoft::Assessments::Hosting::Job* Job;  // the docs write `const Job *Job;` (g++ needs the qualified name)
  JobExecutionError Error;
  const ::Microsoft::Assessments::Hosting::ErrorList* ErrorList;  // the docs write `const ErrorList *ErrorList;` (g++ needs the qualified name)
  UINT ExecutedAssessmentCount;
  UINT FailedAssessmentCount;
  LPCWSTR ResultPath;
  WCHAR ResultFolder[65];
  WCHAR ResultFileName[65];
};

struct IJobBeginEventHandler {
  virtual void OnJobBegin(Engine* sender, const JobBeginEventArgs* e) = 0;
};
struct IAssessmentBeginEventHandler {
  virtual void OnAssessmentBegin(Engine* sender, const AssessmentBeginEventArgs* e) = 0;
};
struct IProgressUpdateEventHandler {
  virtual void OnProgressUpdate(Engine* sender, const ProgressUpdateEventArgs* e) = 0;
};
struct IAssessmentEndEventHandler {
  virtual void OnAssessmentEnd(Engine* sender, const AssessmentEndEventArgs* e) = 0;
};
// desktop-src/axe/jobrestarteventargs.md, ijobrestarteventhandler-onjobrestart.md ("raised when a job is ending
// because the system is being restarted").
struct JobRestartEventArgs {
  DWORD Size;
  const ::Microsoft::Assessments::Hosting::Job* Job;  // the docs write `const Job *Job;` (g++ needs the qualified name)
};
struct IJobRestartEventHandler {
  virtual void OnJobRestart(Engine* sender, const JobRestartEventArgs* e) = 0;
};
struct IJobEndEventHandler {
  virtual void OnJobEnd(Engine* sender, const JobEndEventArgs* e) = 0;
};

// axe.md JobExecutionInfo.
struct JobExecutionInfo {
  DWORD Size;
  const ::Microsoft::Assessments::Hosting::Job* Job;  // the docs write `const Job *Job;` (g++ needs the qualified name)
  DWORD Flags;
  DWORD Timeout;
  LPCWSTR RestartDirectory;
  LPCWSTR RestartCommand;
  LPCWSTR RestartMinimumCommand;
  LPCWSTR WorkloadTempDirectory;
  INT WorkloadAssessmentIndex;
  JobExecutionError Error;
  BOOL Restarting;
};

// axe.md "Engine class" (AnalyzeResults, RemovePendingRebootJob, SetJobPending omitted: unused). ORDER OURS.
// (desktop-src/axe/engine-setjobrestart.md writes SetJobRestart without `virtual ... = 0`, unlike its siblings;
// a virtual method here, as every Engine method must be for the engine to be an interface at all.)
struct Engine {
  virtual HRESULT CancelAssessment(INT assessmentIndex) = 0;
  virtual HRESULT CancelJob() = 0;
  virtual HRESULT ExecuteJob(JobExecutionInfo* jobInfo) = 0;
  virtual HRESULT GetEventThreadingModel(ThreadingModel* model) = 0;
  virtual HRESULT SetAssessmentBegin(IAssessmentBeginEventHandler* handler) = 0;
  virtual HRESULT SetAssessmentEnd(IAssessmentEndEventHandler* handler) = 0;
  virtual HRESULT SetEventThreadingModel(ThreadingModel model) = 0;
  virtual HRESULT SetJobBegin(IJobBeginEventHandler* handler) = 0;
  virtual HRESULT SetJobEnd(IJobEndEventHandler* handler) = 0;
  virtual HRESULT SetJobRestart(IJobRestartEventHandler* handler) = 0;
  virtual HRESULT SetProgressUpdate(IProgressUpdateEventHandler* handler) = 0;
  virtual HRESULT TerminateJob() = 0;
  virtual ~Engine() {}
};

// axe.md "Solution class" (CreateLogger, CreateResults, GetErrorText, GetSessionFolder,
// GetSessionLogFile, ReadLogFile omitted: unused). ORDER OURS.
struct Solution {
  virtual HRESULT CreateEngine(Engine** engine) = 0;
  virtual HRESULT CreateJob(LPCWSTR jobPath, Job** newJob) = 0;
  virtual HRESULT CreateJob(LPCWSTR jobPath, Job** newJob, ErrorList** errorList) = 0;
  virtual ~Solution() {}
};

}  // namespace Hosting
}  // namespace Assessments
}  // namespace Microsoft

// axe.md: HRESULT AxeInitSolution(SolutionParameters *pParams, Solution **ppSolution). The double
// exports it undecorated (extern "C"); whether AxeCore.dll does is not documented.
extern "C" HRESULT WINAPI AxeInitSolution(Microsoft::Assessments::Hosting::SolutionParameters* pParams,
                                          Microsoft::Assessments::Hosting::Solution** ppSolution);
