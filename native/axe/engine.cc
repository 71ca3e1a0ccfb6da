// The AXE family against the Windows ADK's AxeHosting.h (built only when WINOPS_AXE_SDK names the
// folder that holds it; otherwise unavailable.cc is built instead). The `axe` object's registration; the
// family is split by concern (issue 11):
//   load.cc      AxeCore.dll, by full path only, and the one Solution per process (AxeInitSolution)
//   job.cc       AXE codes and failures; Solution::CreateJob -> Job::GetAssessmentCount / GetAssessment
//   run.h/.cc    a run: CreateEngine, ThreadingModelFree, every handler, ExecuteJob(ExecuteAsync), events and
//                CancelAssessment / CancelJob / TerminateJob through one threadsafe function per run
//   teardown.cc  the run's environment teardown (bounded, native/common/teardown.h) and its finalizer
//
// WHAT IS AND IS NOT VERIFIED: these files call AXE by the names and argument lists of the archived
// docs (axe.md). They have been compiled and run only against winops' stand-in header
// (test/doubles/axe/include/AxeHosting.h, whose vtable order is ours) and our AxeCore.dll double.
// Against the real header, any name or signature the docs got wrong is a compile error; the vtable
// order is then the real header's. A g++ build against the real header is refused (engine.h): MSVC lays
// out virtual destructors and overloaded virtual methods differently, and AxeCore.dll is MSVC-built.
//
// AxeCore.dll is loaded at run time (load.cc), so a build with AXE support still loads where the Assessment
// Toolkit is not installed; availability() then says so.
#include "axe/axe.h"

#include "axe/engine.h"

namespace winops::axe {

Napi::Object Create(Napi::Env env) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("availability", Napi::Function::New(env, Availability, "availability"));
  o.Set("loadJob", Napi::Function::New(env, LoadJob, "loadJob"));
  o.Set("execute", Napi::Function::New(env, Execute, "execute"));
  return o;
}

}  // namespace winops::axe
