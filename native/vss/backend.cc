// The JS functions of the `vss` binding (backend.h) and their arguments; the state they work on is
// state.h (registry, components calls: state.cc; IVssAsync: async.cc; threads and teardown: threads.cc).
#include "vss/backend.h"

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "common/args.h"
#include "common/com_ptr.h"
#include "common/hresult.h"
#include "common/utf.h"
#include "vss/com_security.h"
#include "vss/inventory.h"
#include "vss/js_util.h"
#include "vss/state.h"
#include "vss/vss_api.h"
#include "vss/wow64.h"
#include "vss/writers.h"

namespace winops::vss {
namespace {

// ------------------------------------------------------------------------------------ JS arguments

uint32_t Uint32Arg(const Napi::CallbackInfo& info, size_t i, const char* fn, const char* what) {
  return args::Uint32(args::At(info, i), std::string(fn) + ": " + what);
}

bool BoolProp(const Napi::Object& o, const char* name) {
  return args::Boolean(o.Get(name), std::string("setBackupState: state.") + name, false);
}

// ------------------------------------------------------------------------------------ JS functions

Napi::Value JsCreateBackupComponents(const Napi::CallbackInfo& info) {
  return StateOf(info).CreateBackupComponents(info.Env());
}

Napi::Value JsInitializeForBackup(const Napi::CallbackInfo& info) {
  const Handle h = HandleArg(info, 0, "initializeForBackup");
  return StateOf(info).OnComponents(info.Env(), h, "IVssBackupComponents::InitializeForBackup",
                                    [](Components& c) -> Finish {
    Check(c.backup->InitializeForBackup(nullptr), "IVssBackupComponents::InitializeForBackup",
          c.api->module.Get());
    return Undefined;
  });
}

Napi::Value JsSetContext(const Napi::CallbackInfo& info) {
  const Handle h = HandleArg(info, 0, "setContext");
  const LONG context = static_cast<LONG>(Uint32Arg(info, 1, "setContext", "context"));
  return StateOf(info).OnComponents(info.Env(), h, "IVssBackupComponents::SetContext",
                                    [context](Components& c) -> Finish {
    Check(c.backup->SetContext(context), "IVssBackupComponents::SetContext", c.api->module.Get());
    return Undefined;
  });
}

Napi::Value JsSetBackupState(const Napi::CallbackInfo& info) {
  const Handle h = HandleArg(info, 0, "setBackupState");
  if (info.Length() < 2 || !info[1].IsObject()) args::TypeFail(args::At(info, 1), "setBackupState: state", "an object");
  Napi::Object s = info[1].As<Napi::Object>();
  const bool select = BoolProp(s, "selectComponents");
  const bool bootable = BoolProp(s, "backupBootableSystemState");
  const bool partial = BoolProp(s, "partialFileSupport");
  const auto type = static_cast<VSS_BACKUP_TYPE>(args::Int32(s.Get("backupType"), "setBackupState: state.backupType"));
  return StateOf(info).OnComponents(info.Env(), h, "IVssBackupComponents::SetBackupState",
                                    [=](Components& c) -> Finish {
    Check(c.backup->SetBackupState(select, bootable, type, partial),
          "IVssBackupComponents::SetBackupState", c.api->module.Get());
    return Undefined;
  });
}

Napi::Value JsGatherWriterMetadata(const Napi::CallbackInfo& info) {
  const Handle h = HandleArg(info, 0, "gatherWriterMetadata");
  return StateOf(info).AsyncCall(info.Env(), h, "IVssBackupComponents::GatherWriterMetadata",
                                 "gatherWriterMetadata",
                                 &IVssBackupComponents::GatherWriterMetadata, false);
}

Napi::Value JsPrepareForBackup(const Napi::CallbackInfo& info) {
  const Handle h = HandleArg(info, 0, "prepareForBackup");
  return StateOf(info).AsyncCall(info.Env(), h, "IVssBackupComponents::PrepareForBackup",
                                 "prepareForBackup", &IVssBackupComponents::PrepareForBackup,
                                 false);
}

Napi::Value JsDoSnapshotSet(const Napi::CallbackInfo& info) {
  const Handle h = HandleArg(info, 0, "doSnapshotSet");
  return StateOf(info).AsyncCall(info.Env(), h, "IVssBackupComponents::DoSnapshotSet",
                                 "doSnapshotSet", &IVssBackupComponents::DoSnapshotSet, false);
}

Napi::Value JsBackupComplete(const Napi::CallbackInfo& info) {
  const Handle h = HandleArg(info, 0, "backupComplete");
  return StateOf(info).AsyncCall(info.Env(), h, "IVssBackupComponents::BackupComplete",
                                 "backupComplete", &IVssBackupComponents::BackupComplete, true);
}

Napi::Value JsStartSnapshotSet(const Napi::CallbackInfo& info) {
  const Handle h = HandleArg(info, 0, "startSnapshotSet");
  return StateOf(info).OnComponents(info.Env(), h, "IVssBackupComponents::StartSnapshotSet",
                                    [](Components& c) -> Finish {
    VSS_ID id = GUID_NULL;
    Check(c.backup->StartSnapshotSet(&id), "IVssBackupComponents::StartSnapshotSet",
          c.api->module.Get());
    c.started = true;
    const std::string s = GuidToString(id);
    return [s](Napi::Env env) -> Napi::Value { return Napi::String::New(env, s); };
  });
}

Napi::Value JsAddToSnapshotSet(const Napi::CallbackInfo& info) {
  const Handle h = HandleArg(info, 0, "addToSnapshotSet");
  const std::wstring volume = StringArg(info, 1, "addToSnapshotSet", "volume");
  return StateOf(info).OnComponents(info.Env(), h, "IVssBackupComponents::AddToSnapshotSet",
                                    [volume](Components& c) -> Finish {
    std::wstring v = volume;  // VSS_PWSZ is not const
    VSS_ID id = GUID_NULL;
    Check(c.backup->AddToSnapshotSet(v.data(), GUID_NULL, &id),
          "IVssBackupComponents::AddToSnapshotSet", c.api->module.Get());
    const std::string s = GuidToString(id);
    return [s](Napi::Env env) -> Napi::Value { return Napi::String::New(env, s); };
  });
}

Napi::Value JsAbortBackup(const Napi::CallbackInfo& info) {
  const Handle h = HandleArg(info, 0, "abortBackup");
  return StateOf(info).OnComponents(info.Env(), h, "IVssBackupComponents::AbortBackup",
                                    [](Components& c) -> Finish {
    Check(c.backup->AbortBackup(), "IVssBackupComponents::AbortBackup", c.api->module.Get());
    c.finished = true;
    return Undefined;
  });
}

Napi::Value JsReleaseBackupComponents(const Napi::CallbackInfo& info) {
  return StateOf(info).ReleaseBackupComponents(info.Env(),
                                                HandleArg(info, 0, "releaseBackupComponents"));
}

Napi::Value JsAsyncWait(const Napi::CallbackInfo& info) {
  const Handle h = HandleArg(info, 0, "asyncWait", "async");
  const DWORD ms = Uint32Arg(info, 1, "asyncWait", "timeoutMs");
  return StateOf(info).AsyncWait(info.Env(), h, ms, false);
}

Napi::Value JsAsyncWaitStatus(const Napi::CallbackInfo& info) {
  const Handle h = HandleArg(info, 0, "asyncWaitStatus");
  const DWORD ms = Uint32Arg(info, 1, "asyncWaitStatus", "timeoutMs");
  return StateOf(info).AsyncWait(info.Env(), h, ms, true);
}

Napi::Value JsAsyncQueryStatus(const Napi::CallbackInfo& info) {
  return StateOf(info).AsyncQueryStatus(info.Env(), HandleArg(info, 0, "asyncQueryStatus", "async"));
}

Napi::Value JsAsyncCancel(const Napi::CallbackInfo& info) {
  return StateOf(info).AsyncCancel(info.Env(), HandleArg(info, 0, "asyncCancel", "async"));
}

Napi::Value JsAsyncRelease(const Napi::CallbackInfo& info) {
  return StateOf(info).AsyncRelease(info.Env(), HandleArg(info, 0, "asyncRelease", "async"));
}

Napi::Value JsOpenHandles(const Napi::CallbackInfo& info) {
  return StateOf(info).OpenHandles(info.Env());
}

Napi::Value JsStats(const Napi::CallbackInfo& info) { return StateOf(info).Stats(info.Env()); }

// The process's COM security for VSS (com_security.h): null before the first createBackupComponents, else
// { securityHr, exceptionHandlingHr } (uint32 HRESULTs: CoInitializeSecurity's, IGlobalOptions::Set's).
Napi::Value JsComSecurity(const Napi::CallbackInfo& info) {
  const ComSecurityState s = CurrentComSecurity();
  if (!s.called) return info.Env().Null();
  Napi::Object o = Napi::Object::New(info.Env());
  o.Set("securityHr", HrNum(s.securityHr));
  o.Set("exceptionHandlingHr", HrNum(s.exceptionHr));
  return o;
}

// What DetectWow64 found for this process: { processMachine, nativeMachine, via } (wow64.h).
Napi::Value JsProcessArch(const Napi::CallbackInfo& info) {
  const ProcessArch a = DetectWow64();
  Napi::Object o = Napi::Object::New(info.Env());
  o.Set("processMachine", static_cast<double>(a.processMachine));
  o.Set("nativeMachine", static_cast<double>(a.nativeMachine));
  o.Set("via", a.via);
  return o;
}

// The WOW64 decision for a given machine pair (tests: the x64 build can never be under WOW64): null, or
// the error data createBackupComponents would reject with ({ hresult, call, systemMessage }).
Napi::Value JsWow64Refusal(const Napi::CallbackInfo& info) {
  ProcessArch a;
  a.processMachine = static_cast<USHORT>(Uint32Arg(info, 0, "wow64Refusal", "processMachine"));
  a.nativeMachine = static_cast<USHORT>(Uint32Arg(info, 1, "wow64Refusal", "nativeMachine"));
  a.via = "IsWow64Process2";
  auto refusal = Wow64Refusal(a);
  if (!refusal) return info.Env().Null();
  return ToJsData(info.Env(), *refusal);
}

Napi::Value JsShutdown(const Napi::CallbackInfo& info) {
  StateOf(info).Teardown();
  return info.Env().Undefined();
}

}  // namespace

Napi::Object CreateBinding(Napi::Env env) {
  auto state = std::make_shared<State>(env);
  state->Start();
  // The functions hold a raw pointer: the state lives until the environment's teardown hook has run,
  // and no JS runs after that.
  State* raw = state.get();
  Napi::Object o = Napi::Object::New(env);
  auto fn = [&](const char* name, Napi::Function::Callback cb) {
    o.Set(name, Napi::Function::New(env, cb, name, raw));
  };
  fn("createBackupComponents", JsCreateBackupComponents);
  fn("initializeForBackup", JsInitializeForBackup);
  fn("setContext", JsSetContext);
  fn("setBackupState", JsSetBackupState);
  fn("gatherWriterMetadata", JsGatherWriterMetadata);
  fn("getWriters", JsGetWriters);
  fn("gatherWriterStatus", JsGatherWriterStatus);
  fn("getWriterStatus", JsGetWriterStatus);
  fn("startSnapshotSet", JsStartSnapshotSet);
  fn("addToSnapshotSet", JsAddToSnapshotSet);
  fn("prepareForBackup", JsPrepareForBackup);
  fn("doSnapshotSet", JsDoSnapshotSet);
  fn("getSnapshotProperties", JsGetSnapshotProperties);
  fn("backupComplete", JsBackupComplete);
  fn("abortBackup", JsAbortBackup);
  fn("deleteSnapshotSet", JsDeleteSnapshotSet);
  fn("querySnapshots", JsQuerySnapshots);
  fn("deleteSnapshots", JsDeleteSnapshots);
  fn("releaseBackupComponents", JsReleaseBackupComponents);
  fn("asyncWait", JsAsyncWait);
  fn("asyncWaitStatus", JsAsyncWaitStatus);
  fn("asyncQueryStatus", JsAsyncQueryStatus);
  fn("asyncCancel", JsAsyncCancel);
  fn("asyncRelease", JsAsyncRelease);
  fn("openHandles", JsOpenHandles);
  fn("stats", JsStats);
  fn("comSecurity", JsComSecurity);
  fn("processArch", JsProcessArch);
  fn("wow64Refusal", JsWow64Refusal);
  fn("shutdown", JsShutdown);
  return o;
}

}  // namespace winops::vss
