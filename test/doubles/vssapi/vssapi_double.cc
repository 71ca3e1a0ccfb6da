// vssapi.dll test double: stands where Windows' (and Wine's) vssapi.dll stands, so the production addon
// runs unchanged against a VSS that follows a script. Exports CreateVssBackupComponentsInternal and
// VssFreeSnapshotPropertiesInternal; the objects implement IVssBackupComponents, IVssAsync and
// IVssExamineWriterMetadata with the vtables of mingw-w64's vsbackup.h / vss.h, i.e. the real layout.
//
// Behaviour mirrors lib/fake/vss.ts (the reference state machine): the documented call order
// (VSS_E_BAD_STATE plus a recorded violation otherwise), IVssAsync Wait/QueryStatus/Cancel with their
// documented return values, shadow copies that exist until released, aborted or deleted, and a
// "leftover" violation when a started set is released after PrepareForBackup without BackupComplete
// or AbortBackup.
//
// Scenario: WINOPS_SCENARIO's "vss" section (types/scenario.ts VssScenario), read again by every
// CreateVssBackupComponentsInternal, so one process can run several scenarios.
// Log: WINOPS_DOUBLE_LOG (see test/doubles/common/double_support.h): every call with its result,
// violations, and live object counts per class ("IVssBackupComponents", "IVssAsync",
// "IVssExamineWriterMetadata", "VSS_SNAPSHOT_PROP" not yet freed, "shadowCopy" existing now).
//
// Test code only: nothing here is part of the addon.
#include "common/double_support.h"
#include "common/control_exports.h"
#include "common/com_object.h"
#include "vssapi/writer_status.h"

#include <objbase.h>
#include <oleauto.h>

#include <vss.h>
#include <vsbackup.h>
#include <vsserror.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

using doubles::Json;
using doubles::Log;
using doubles::Tracked;

extern "C" const char WinopsDoubleMarker[] = "winops test double: vssapi.dll";

namespace {

constexpr LONG kContextAll = static_cast<LONG>(0xffffffffu);

// ------------------------------------------------------------------------------------------ helpers

std::string Upper(std::string s) {
  for (char& c : s) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return s;
}

std::string GuidText(const GUID& g) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%08lx-%04x-%04x-%02x%02x-%02x%02x%02x%02x%02x%02x",
                static_cast<unsigned long>(g.Data1), g.Data2, g.Data3, g.Data4[0], g.Data4[1], g.Data4[2],
                g.Data4[3], g.Data4[4], g.Data4[5], g.Data4[6], g.Data4[7]);
  return buf;
}

bool ParseGuidText(const std::string& text, GUID* g) {
  std::wstring w = L"{" + doubles::Widen(text) + L"}";
  return SUCCEEDED(::IIDFromString(w.c_str(), g));
}

GUID NewGuid() {
  GUID g = GUID_NULL;
  ::CoCreateGuid(&g);
  return g;
}

wchar_t* TaskString(const std::string& s) {
  const std::wstring w = doubles::Widen(s);
  auto* p = static_cast<wchar_t*>(::CoTaskMemAlloc((w.size() + 1) * sizeof(wchar_t)));
  if (p) std::copy(w.c_str(), w.c_str() + w.size() + 1, p);
  return p;
}

// ------------------------------------------------------------------------------------------ scenario

enum Step { kGather, kPrepare, kSnapshot, kComplete, kGatherStatus, kStepCount };
const char* const kStepNames[kStepCount] = {"gatherWriterMetadata", "prepareForBackup", "doSnapshotSet",
                                            "backupComplete", "gatherWriterStatus"};
const DWORD kDefaultDuration[kStepCount] = {20, 20, 50, 20, 10};

struct StepScript {
  DWORD durationMs = 0;
  HRESULT fail = S_OK;
  DWORD cancelLatencyMs = 0;
  bool hold = false;  // after durationMs, stays pending until the test releases "vss:<step>" (or a cancel)
};

using vssdouble::WriterRun;
using vssdouble::WriterScript;

HRESULT CodeOrViolation(const Json* code, const std::string& where) {
  const HRESULT hr = doubles::CodeOf(code, E_FAIL);
  if (code && code->IsString() && hr == E_FAIL && code->s != "E_FAIL") {
    Log::Get().Violation("scenario: unknown code " + code->s + " at " + where);
  }
  return hr;
}

#include "vssapi/inventory_script.h"

struct Scenario {
  std::vector<std::string> volumes;
  std::vector<std::string> unsupported;
  std::vector<WriterScript> writers;
  bool writerStatusEx = true;  // the components object answers QueryInterface for IVssBackupComponentsEx3
  StepScript steps[kStepCount];
  std::vector<std::pair<std::string, HRESULT>> failCall;
  InventoryScript inventory;  // shadowCopies, undeletable, holdCalls (inventory_script.h)

  HRESULT FailOf(const char* syncCall) const {
    for (const auto& [name, hr] : failCall) {
      if (name == syncCall) return hr;
    }
    return S_OK;
  }
};

std::shared_ptr<const Scenario> LoadScenario() {
  auto s = std::make_shared<Scenario>();
  const Json vss = doubles::ScenarioSection("vss");
  const Json* volumes = vss.Get("volumes");
  if (volumes && volumes->type == Json::Type::kArray) {
    for (const Json& v : volumes->a) s->volumes.push_back(Upper(v.s));
  } else {
    s->volumes = {"C:\\", "D:\\"};
  }
  if (const Json* u = vss.Get("unsupportedVolumes"); u && u->type == Json::Type::kArray) {
    for (const Json& v : u->a) s->unsupported.push_back(Upper(v.s));
  }
  const Json* writers = vss.Get("writers");
  if (writers && writers->type == Json::Type::kArray) {
    for (const Json& w : writers->a) {
      WriterScript ws;
      ws.name = w.Str("name", "");
      ParseGuidText(w.Str("writerId", ""), &ws.writerId);
      ParseGuidText(w.Str("instanceId", ""), &ws.instanceId);
      const std::string at = w.Str("failAt", "");
      ws.failAt = vssdouble::WriterEventOf(at);
      if (!at.empty() && ws.failAt == vssdouble::kEvNone) Log::Get().Violation("scenario: unknown writer event " + at);
      if (const Json* f = w.Get("failure")) ws.failure = CodeOrViolation(f, "writers.failure");
      if (const Json* a = w.Get("applicationHr")) ws.applicationHr = CodeOrViolation(a, "writers.applicationHr");
      ws.applicationMessage = w.Str("applicationMessage", "");
      s->writers.push_back(ws);
    }
  } else {
    // lib/fake/vss.ts DEFAULT_WRITERS
    WriterScript a;
    a.name = "System Writer";
    ParseGuidText("e8132975-6f93-4464-a53e-1050253ae220", &a.writerId);
    ParseGuidText("a5b2e4cc-7f1c-4a9b-8f0e-2c4d7b0e9a11", &a.instanceId);
    WriterScript b;
    b.name = "Registry Writer";
    ParseGuidText("afbab4a2-367d-4d15-a586-71dbb18f8485", &b.writerId);
    ParseGuidText("6e1f4b3a-2a8f-4c2b-9d39-5a0b8e7c1d22", &b.instanceId);
    s->writers = {a, b};
  }
  s->writerStatusEx = vss.Bool("writerStatusEx", true);
  const Json* steps = vss.Get("steps");
  for (int i = 0; i < kStepCount; ++i) {
    StepScript& st = s->steps[i];
    st.durationMs = kDefaultDuration[i];
    const Json* js = steps ? steps->Get(kStepNames[i]) : nullptr;
    if (!js) continue;
    st.durationMs = static_cast<DWORD>(js->Num("durationMs", kDefaultDuration[i]));
    st.cancelLatencyMs = static_cast<DWORD>(js->Num("cancelLatencyMs", 0));
    st.hold = js->Bool("hold", false);
    if (const Json* f = js->Get("fail")) st.fail = CodeOrViolation(f, std::string("steps.") + kStepNames[i]);
  }
  if (const Json* fc = vss.Get("failCall"); fc && fc->type == Json::Type::kObject) {
    for (const auto& [name, code] : fc->o) s->failCall.emplace_back(name, CodeOrViolation(&code, "failCall." + name));
  }
  s->inventory = LoadInventoryScript(vss);
  return s;
}

// ------------------------------------------------------------------------------------------ machine

// The simulated machine: everything below is guarded by g_mu (Log has its own lock, taken after it).
std::mutex g_mu;

struct ShadowCopy {
  GUID snapshotId;
  GUID setId;
  std::string volume;
  std::string deviceObject;
  bool persistent;
  LONGLONG created;
  LONG attributes;
  std::string originatingMachine = "WINEHOST";
  GUID providerId = GUID_NULL;
  std::string exposedName;
};

std::vector<std::shared_ptr<ShadowCopy>> g_copies;
bool g_snapshotInProgress = false;
int g_deviceCounter = 0;

void AddCopy(const std::shared_ptr<ShadowCopy>& c) {
  g_copies.push_back(c);
  Log::Get().Live("shadowCopy", +1);
}

void RemoveCopy(const ShadowCopy* c) {
  auto it = std::find_if(g_copies.begin(), g_copies.end(), [c](const auto& x) { return x.get() == c; });
  if (it == g_copies.end()) return;
  g_copies.erase(it);
  Log::Get().Live("shadowCopy", -1);
}

#include "vssapi/inventory_calls.h"

// The state of one IVssBackupComponents; outlives the COM object while its operations run.
struct CompState {
  std::shared_ptr<const Scenario> scenario;
  bool initialized = false;
  LONG context = 0;
  bool contextSet = false;
  enum { kNo, kRunning, kDone } gathered = kNo, prepared = kNo;
  enum { kSnapNo, kSnapRunning, kSnapDone, kSnapFailed, kSnapCancelled } snapshot = kSnapNo;
  bool hasSet = false;
  GUID setId = GUID_NULL;
  std::vector<std::pair<GUID, std::string>> volumes;  // snapshotId -> volume
  bool backupStateSet = false;
  bool completed = false;
  bool aborted = false;
  std::vector<std::shared_ptr<ShadowCopy>> created;
  int pendingOps = 0;
  std::vector<std::string> pendingSteps;
  // Writers (writer_status.h): from GatherWriterMetadata on; the status GatherWriterStatus captured, held until
  // FreeWriterStatus (live class "writerStatus"); GatherWriterStatus calls so far (its hold gate is numbered).
  std::vector<WriterRun> writers;
  enum { kStatusNo, kStatusRunning, kStatusDone } status = kStatusNo;
  std::vector<WriterRun> statusRows;
  int statusCalls = 0;
};

// g_mu held. FreeWriterStatus, also what Release does with a status never freed.
void FreeStatus(CompState& c) {
  if (c.status == CompState::kStatusDone) Log::Get().Live("writerStatus", -1);
  if (c.status != CompState::kStatusRunning) c.status = CompState::kStatusNo;
  c.statusRows.clear();
}

// ------------------------------------------------------------------------------------------ IVssAsync

struct AsyncOp {
  int step = 0;
  std::string gate;  // the scenario hold's gate: "vss:<step>", "vss:gatherWriterStatus:<n>"
  std::shared_ptr<CompState> comp;
  enum State { kPending, kCancelling, kFinished, kCancelled, kFailed } state = kPending;
  HRESULT failHr = S_OK;
  HANDLE done = nullptr;    // manual reset: the operation ended
  HANDLE cancel = nullptr;  // manual reset: Cancel was accepted
  ~AsyncOp() {
    if (done) ::CloseHandle(done);
    if (cancel) ::CloseHandle(cancel);
  }
};

// g_mu held.
void EndOp(AsyncOp& op, AsyncOp::State end) {
  op.state = end;
  CompState& c = *op.comp;
  c.pendingOps--;
  auto it = std::find(c.pendingSteps.begin(), c.pendingSteps.end(), kStepNames[op.step]);
  if (it != c.pendingSteps.end()) c.pendingSteps.erase(it);
  switch (op.step) {
    case kGather:
      c.gathered = end == AsyncOp::kFinished ? CompState::kDone : CompState::kNo;
      if (end == AsyncOp::kFinished) {
        c.writers.clear();
        for (const WriterScript& w : c.scenario->writers) {
          WriterRun run;
          run.script = &w;
          c.writers.push_back(run);
        }
      }
      break;
    case kPrepare:
      c.prepared = end == AsyncOp::kFinished ? CompState::kDone : CompState::kNo;
      if (end == AsyncOp::kFinished) {
        vssdouble::PassEvent(c.writers, vssdouble::kEvPrepareBackup, vssdouble::kEvPrepareBackup, VSS_WS_STABLE);
      }
      break;
    case kGatherStatus:
      if (end == AsyncOp::kFinished) {
        c.status = CompState::kStatusDone;
        c.statusRows = c.writers;
        Log::Get().Live("writerStatus", +1);
      } else {
        c.status = CompState::kStatusNo;
      }
      break;
    case kSnapshot:
      g_snapshotInProgress = false;
      if (end == AsyncOp::kFinished) {
        const bool persistent = (c.context & VSS_VOLSNAP_ATTR_PERSISTENT) != 0 && c.context != kContextAll;
        FILETIME ft;
        ::GetSystemTimeAsFileTime(&ft);
        const LONGLONG now = (static_cast<LONGLONG>(ft.dwHighDateTime) << 32) | ft.dwLowDateTime;
        for (const auto& [id, volume] : c.volumes) {
          auto copy = std::make_shared<ShadowCopy>();
          copy->snapshotId = id;
          copy->setId = c.setId;
          copy->volume = volume;
          copy->deviceObject = "\\\\?\\GLOBALROOT\\Device\\HarddiskVolumeShadowCopy" + std::to_string(++g_deviceCounter);
          copy->persistent = persistent;
          copy->created = now;
          copy->attributes = c.context == kContextAll ? 0 : c.context;
          ParseGuidText(kSoftwareProvider, &copy->providerId);
          c.created.push_back(copy);
          AddCopy(copy);
        }
        c.snapshot = CompState::kSnapDone;
        vssdouble::PassEvent(c.writers, vssdouble::kEvPrepareSnapshot, vssdouble::kEvPostSnapshot,
                             VSS_WS_WAITING_FOR_BACKUP_COMPLETE);
      } else {
        c.snapshot = end == AsyncOp::kFailed ? CompState::kSnapFailed : CompState::kSnapCancelled;
      }
      break;
    case kComplete:
      if (end == AsyncOp::kFinished) {
        c.completed = true;
        vssdouble::PassEvent(c.writers, vssdouble::kEvBackupComplete, vssdouble::kEvBackupComplete, VSS_WS_STABLE);
      }
      break;
    default:
      break;
  }
  ::SetEvent(op.done);
}

void RunOp(std::shared_ptr<AsyncOp> op, StepScript script) {
  std::thread([op, script]() {
    bool cancelled = ::WaitForSingleObject(op->cancel, script.durationMs) == WAIT_OBJECT_0;
    // A held step (scenario "hold") ends when the test releases it; a cancel still cuts it short.
    if (!cancelled && script.hold) cancelled = !Log::Get().Hold(op->gate, op->cancel);
    {
      std::lock_guard<std::mutex> lock(g_mu);
      if (!cancelled && op->state == AsyncOp::kPending) {
        if (script.fail != S_OK) {
          op->failHr = script.fail;
          EndOp(*op, AsyncOp::kFailed);
        } else {
          EndOp(*op, AsyncOp::kFinished);
        }
        return;
      }
    }
    // Cancel was accepted (state is kCancelling): the operation notices after cancelLatencyMs; with 0, at once
    // (Sleep(0) would give up the processor, which on a loaded machine took up to several milliseconds).
    if (script.cancelLatencyMs > 0) ::Sleep(script.cancelLatencyMs);
    std::lock_guard<std::mutex> lock(g_mu);
    if (op->state == AsyncOp::kCancelling) EndOp(*op, AsyncOp::kCancelled);
  }).detach();
}

class VssAsyncImpl final : public doubles::ComObject<VssAsyncImpl, IVssAsync> {
 public:
  explicit VssAsyncImpl(std::shared_ptr<AsyncOp> op) : op_(std::move(op)) {}

  void* Interface(REFIID riid) { return riid == __uuidof(IVssAsync) ? static_cast<IVssAsync*>(this) : nullptr; }
  void OnFinalRelease() { Log::Get().Call("IVssAsync::Release", "S_OK", kStepNames[op_->step], 0); }

  HRESULT STDMETHODCALLTYPE Cancel() override {
    std::lock_guard<std::mutex> lock(g_mu);
    HRESULT hr = S_OK;
    switch (op_->state) {
      case AsyncOp::kPending:
        op_->state = AsyncOp::kCancelling;
        ::SetEvent(op_->cancel);
        hr = S_OK;
        break;
      case AsyncOp::kCancelling:
      case AsyncOp::kCancelled:
        hr = VSS_S_ASYNC_CANCELLED;
        break;
      case AsyncOp::kFinished:
        hr = VSS_S_ASYNC_FINISHED;
        break;
      case AsyncOp::kFailed:
        hr = op_->failHr;
        break;
    }
    Log::Get().Call("IVssAsync::Cancel", Name(hr), kStepNames[op_->step]);
    return hr;
  }

  HRESULT STDMETHODCALLTYPE Wait(DWORD ms) override {
    ::WaitForSingleObject(op_->done, ms);
    std::lock_guard<std::mutex> lock(g_mu);
    const HRESULT hr = op_->state == AsyncOp::kFailed ? op_->failHr : S_OK;
    Log::Get().Call("IVssAsync::Wait", Name(hr),
                    std::string(kStepNames[op_->step]) + " " + (ms == INFINITE ? std::string("INFINITE") : std::to_string(ms)));
    return hr;
  }

  HRESULT STDMETHODCALLTYPE QueryStatus(HRESULT* pHrResult, INT* pReserved) override {
    if (!pHrResult) {
      Log::Get().Call("IVssAsync::QueryStatus", "E_INVALIDARG", kStepNames[op_->step]);
      return E_INVALIDARG;
    }
    if (pReserved) Log::Get().Violation("IVssAsync::QueryStatus: pReserved must be NULL");
    std::lock_guard<std::mutex> lock(g_mu);
    HRESULT status = VSS_S_ASYNC_PENDING;
    switch (op_->state) {
      case AsyncOp::kPending:
      case AsyncOp::kCancelling:
        status = VSS_S_ASYNC_PENDING;
        break;
      case AsyncOp::kFinished:
        status = VSS_S_ASYNC_FINISHED;
        break;
      case AsyncOp::kCancelled:
        status = VSS_S_ASYNC_CANCELLED;
        break;
      case AsyncOp::kFailed:
        status = op_->failHr;
        break;
    }
    *pHrResult = status;
    Log::Get().Call("IVssAsync::QueryStatus", Name(status), kStepNames[op_->step]);
    return S_OK;
  }

  static std::string Name(HRESULT hr) { return hr == S_OK ? "S_OK" : doubles::CodeName(hr); }

 private:
  std::shared_ptr<AsyncOp> op_;
  Tracked tracked_{"IVssAsync"};
};

// ------------------------------------------------------------------------------------------ writer metadata

class ExamineWriterMetadataImpl final : public doubles::ComObject<ExamineWriterMetadataImpl, IVssExamineWriterMetadata> {
 public:
  explicit ExamineWriterMetadataImpl(WriterScript w) : w_(std::move(w)) {}

  void* Interface(REFIID riid) {
    return riid == __uuidof(IVssExamineWriterMetadata) ? static_cast<IVssExamineWriterMetadata*>(this) : nullptr;
  }

  HRESULT STDMETHODCALLTYPE GetIdentity(VSS_ID* pidInstance, VSS_ID* pidWriter, BSTR* pbstrWriterName,
                                        VSS_USAGE_TYPE* pUsage, VSS_SOURCE_TYPE* pSource) override {
    if (!pidInstance || !pidWriter || !pbstrWriterName || !pUsage || !pSource) return E_INVALIDARG;
    *pidInstance = w_.instanceId;
    *pidWriter = w_.writerId;
    *pbstrWriterName = ::SysAllocString(doubles::Widen(w_.name).c_str());
    *pUsage = VSS_UT_SYSTEMSERVICE;
    *pSource = VSS_ST_OTHER;
    Log::Get().Call("IVssExamineWriterMetadata::GetIdentity", "S_OK", w_.name);
    return S_OK;
  }

#define WINOPS_NOTIMPL(sig, name)                                          \
  HRESULT STDMETHODCALLTYPE sig override {                                 \
    Log::Get().Call("IVssExamineWriterMetadata::" name, "E_NOTIMPL");      \
    return E_NOTIMPL;                                                      \
  }
  WINOPS_NOTIMPL(GetFileCounts(UINT*, UINT*, UINT*), "GetFileCounts")
  WINOPS_NOTIMPL(GetIncludeFile(UINT, IVssWMFiledesc**), "GetIncludeFile")
  WINOPS_NOTIMPL(GetExcludeFile(UINT, IVssWMFiledesc**), "GetExcludeFile")
  WINOPS_NOTIMPL(GetComponent(UINT, IVssWMComponent**), "GetComponent")
  WINOPS_NOTIMPL(GetRestoreMethod(VSS_RESTOREMETHOD_ENUM*, BSTR*, BSTR*, VSS_WRITERRESTORE_ENUM*, boolean*, UINT*), "GetRestoreMethod")
  WINOPS_NOTIMPL(GetAlternateLocationMapping(UINT, IVssWMFiledesc**), "GetAlternateLocationMapping")
  WINOPS_NOTIMPL(GetBackupSchema(DWORD*), "GetBackupSchema")
  WINOPS_NOTIMPL(GetDocument(IXMLDOMDocument**), "GetDocument")
  WINOPS_NOTIMPL(SaveAsXML(BSTR*), "SaveAsXML")
  WINOPS_NOTIMPL(LoadFromXML(BSTR), "LoadFromXML")
#undef WINOPS_NOTIMPL

 private:
  WriterScript w_;
  Tracked tracked_{"IVssExamineWriterMetadata"};
};

// ------------------------------------------------------------------------------------------ IVssBackupComponents

// IVssBackupComponentsEx3 (and so Ex2, Ex and IVssBackupComponents, which it derives from): GetWriterStatusEx is
// what the addon uses where QueryInterface finds it; scenario writerStatusEx: false answers E_NOINTERFACE, as
// Windows before 7 / Server 2008 R2 would.
class BackupComponentsImpl final : public doubles::ComObject<BackupComponentsImpl, IVssBackupComponentsEx3> {
 public:
  explicit BackupComponentsImpl(std::shared_ptr<const Scenario> scenario) : c_(std::make_shared<CompState>()) {
    c_->scenario = std::move(scenario);
  }

  void* Interface(REFIID riid) {
    if (riid == __uuidof(IVssBackupComponents)) return static_cast<IVssBackupComponents*>(this);
    if (!c_->scenario->writerStatusEx) return nullptr;
    if (riid == __uuidof(IVssBackupComponentsEx)) return static_cast<IVssBackupComponentsEx*>(this);
    if (riid == __uuidof(IVssBackupComponentsEx2)) return static_cast<IVssBackupComponentsEx2*>(this);
    if (riid == __uuidof(IVssBackupComponentsEx3)) return static_cast<IVssBackupComponentsEx3*>(this);
    return nullptr;
  }
  void OnFinalRelease() { Final(); }

  // ---- the requester flow

  HRESULT STDMETHODCALLTYPE InitializeForBackup(BSTR) override {
    const char* call = "IVssBackupComponents::InitializeForBackup";
    std::lock_guard<std::mutex> lock(g_mu);
    if (HRESULT f = Fail("initializeForBackup", call)) return f;
    if (c_->initialized) return BadState(call, "called twice");
    c_->initialized = true;
    return Ok(call);
  }

  HRESULT STDMETHODCALLTYPE SetContext(LONG context) override {
    const char* call = "IVssBackupComponents::SetContext";
    std::lock_guard<std::mutex> lock(g_mu);
    if (HRESULT f = Fail("setContext", call)) return f;
    if (!c_->initialized) return BadState(call, "before InitializeForBackup");
    if (c_->hasSet) return BadState(call, "after StartSnapshotSet");
    c_->context = context;
    c_->contextSet = true;
    return Ok(call, std::to_string(static_cast<unsigned long>(context)));
  }

  HRESULT STDMETHODCALLTYPE SetBackupState(boolean, boolean, VSS_BACKUP_TYPE type, boolean) override {
    const char* call = "IVssBackupComponents::SetBackupState";
    std::lock_guard<std::mutex> lock(g_mu);
    if (HRESULT f = Fail("setBackupState", call)) return f;
    if (!c_->initialized) return BadState(call, "before InitializeForBackup");
    if (c_->prepared != CompState::kNo) return BadState(call, "after PrepareForBackup");
    c_->backupStateSet = true;
    return Ok(call, std::to_string(static_cast<int>(type)));
  }

  HRESULT STDMETHODCALLTYPE GatherWriterMetadata(IVssAsync** ppAsync) override {
    const char* call = "IVssBackupComponents::GatherWriterMetadata";
    if (!ppAsync) return E_INVALIDARG;
    *ppAsync = nullptr;
    std::lock_guard<std::mutex> lock(g_mu);
    if (!c_->initialized) return BadState(call, "before InitializeForBackup");
    if (c_->gathered != CompState::kNo) return BadState(call, "may be called only once per IVssBackupComponents");
    c_->gathered = CompState::kRunning;
    *ppAsync = StartOp(kGather);
    return Ok(call);
  }

  HRESULT STDMETHODCALLTYPE GetWriterMetadataCount(UINT* pcWriters) override {
    const char* call = "IVssBackupComponents::GetWriterMetadataCount";
    if (!pcWriters) return E_INVALIDARG;
    std::lock_guard<std::mutex> lock(g_mu);
    if (c_->gathered != CompState::kDone) return BadState(call, "before GatherWriterMetadata completed");
    *pcWriters = static_cast<UINT>(c_->scenario->writers.size());
    return Ok(call, std::to_string(*pcWriters));
  }

  HRESULT STDMETHODCALLTYPE GetWriterMetadata(UINT i, VSS_ID* pidInstance, IVssExamineWriterMetadata** pp) override {
    const char* call = "IVssBackupComponents::GetWriterMetadata";
    if (!pidInstance || !pp) return E_INVALIDARG;
    *pp = nullptr;
    std::lock_guard<std::mutex> lock(g_mu);
    if (c_->gathered != CompState::kDone) return BadState(call, "before GatherWriterMetadata completed");
    if (i >= c_->scenario->writers.size()) return Result(call, E_INVALIDARG, std::to_string(i));
    const WriterScript& w = c_->scenario->writers[i];
    *pidInstance = w.instanceId;
    *pp = new ExamineWriterMetadataImpl(w);
    return Ok(call, std::to_string(i));
  }

  HRESULT STDMETHODCALLTYPE FreeWriterMetadata() override {
    std::lock_guard<std::mutex> lock(g_mu);
    return Ok("IVssBackupComponents::FreeWriterMetadata");
  }

  // ---- writer status (writer_status.h)

  HRESULT STDMETHODCALLTYPE GatherWriterStatus(IVssAsync** ppAsync) override {
    const char* call = "IVssBackupComponents::GatherWriterStatus";
    if (!ppAsync) return E_INVALIDARG;
    *ppAsync = nullptr;
    std::lock_guard<std::mutex> lock(g_mu);
    // GetWriterStatus reports only writers whose metadata was gathered (Determining Writer Status); as in the fake,
    // out of that sequence is VSS_E_BAD_STATE ("not been called within the correct sequence").
    if (c_->gathered != CompState::kDone) return BadState(call, "before GatherWriterMetadata completed");
    if (c_->status == CompState::kStatusRunning) return BadState(call, "while another GatherWriterStatus is pending");
    FreeStatus(*c_);
    c_->status = CompState::kStatusRunning;
    c_->statusCalls++;
    *ppAsync = StartOp(kGatherStatus, "vss:gatherWriterStatus:" + std::to_string(c_->statusCalls));
    return Ok(call);
  }

  HRESULT STDMETHODCALLTYPE GetWriterStatusCount(UINT* pcWriters) override {
    const char* call = "IVssBackupComponents::GetWriterStatusCount";
    if (!pcWriters) return E_INVALIDARG;
    std::lock_guard<std::mutex> lock(g_mu);
    if (HRESULT f = Fail("getWriterStatus", call)) return f;
    // The docs do not say what GetWriterStatus* answers after FreeWriterStatus; the fake and this double treat the
    // status as gone (VSS_E_BAD_STATE).
    if (c_->status != CompState::kStatusDone) return BadState(call, "before GatherWriterStatus completed (or after FreeWriterStatus)");
    *pcWriters = static_cast<UINT>(c_->statusRows.size());
    return Ok(call, std::to_string(*pcWriters));
  }

  HRESULT STDMETHODCALLTYPE GetWriterStatus(UINT i, VSS_ID* pidInstance, VSS_ID* pidWriter, BSTR* pbstrWriter,
                                            VSS_WRITER_STATE* pnStatus, HRESULT* phResultFailure) override {
    return StatusRow("IVssBackupComponents::GetWriterStatus", i, pidInstance, pidWriter, pbstrWriter, pnStatus,
                     phResultFailure, nullptr, nullptr);
  }

  HRESULT STDMETHODCALLTYPE GetWriterStatusEx(UINT i, VSS_ID* pidInstance, VSS_ID* pidWriter, BSTR* pbstrWriter,
                                              VSS_WRITER_STATE* pnStatus, HRESULT* phrFailureWriter,
                                              HRESULT* phrApplication, BSTR* pbstrApplicationMessage) override {
    return StatusRow("IVssBackupComponentsEx3::GetWriterStatusEx", i, pidInstance, pidWriter, pbstrWriter, pnStatus,
                     phrFailureWriter, phrApplication, pbstrApplicationMessage);
  }

  HRESULT STDMETHODCALLTYPE FreeWriterStatus() override {
    std::lock_guard<std::mutex> lock(g_mu);
    // Also when nothing was gathered: nothing to free, S_OK. The page lists VSS_E_BAD_STATE for a call out of
    // sequence without saying which; this double chooses not to report that case (our reading, not documented).
    FreeStatus(*c_);
    return Ok("IVssBackupComponents::FreeWriterStatus");
  }

  HRESULT STDMETHODCALLTYPE StartSnapshotSet(VSS_ID* pSnapshotSetId) override {
    const char* call = "IVssBackupComponents::StartSnapshotSet";
    if (!pSnapshotSetId) return E_INVALIDARG;
    std::lock_guard<std::mutex> lock(g_mu);
    if (HRESULT f = Fail("startSnapshotSet", call)) return f;
    if (!c_->initialized) return BadState(call, "before InitializeForBackup");
    if (c_->hasSet) return Result(call, VSS_E_SNAPSHOT_SET_IN_PROGRESS);
    c_->hasSet = true;
    c_->setId = NewGuid();
    *pSnapshotSetId = c_->setId;
    return Ok(call, GuidText(c_->setId));
  }

  HRESULT STDMETHODCALLTYPE AddToSnapshotSet(VSS_PWSZ pwszVolumeName, VSS_ID, VSS_ID* pidSnapshot) override {
    const char* call = "IVssBackupComponents::AddToSnapshotSet";
    if (!pwszVolumeName || !pidSnapshot) return E_INVALIDARG;
    const std::string v = Upper(doubles::Narrow(pwszVolumeName));
    std::lock_guard<std::mutex> lock(g_mu);
    if (HRESULT f = Fail("addToSnapshotSet", call, v)) return f;
    if (!c_->hasSet) return BadState(call, "before StartSnapshotSet");
    if (c_->prepared != CompState::kNo) return BadState(call, "after PrepareForBackup");
    const Scenario& s = *c_->scenario;
    if (std::find(s.volumes.begin(), s.volumes.end(), v) == s.volumes.end()) return Result(call, VSS_E_OBJECT_NOT_FOUND, v);
    if (std::find(s.unsupported.begin(), s.unsupported.end(), v) != s.unsupported.end()) {
      return Result(call, VSS_E_VOLUME_NOT_SUPPORTED, v);
    }
    for (const auto& [id, vol] : c_->volumes) {
      if (vol == v) return Result(call, VSS_E_OBJECT_ALREADY_EXISTS, v);
    }
    const GUID id = NewGuid();
    c_->volumes.emplace_back(id, v);
    *pidSnapshot = id;
    return Ok(call, v);
  }

  HRESULT STDMETHODCALLTYPE PrepareForBackup(IVssAsync** ppAsync) override {
    const char* call = "IVssBackupComponents::PrepareForBackup";
    if (!ppAsync) return E_INVALIDARG;
    *ppAsync = nullptr;
    std::lock_guard<std::mutex> lock(g_mu);
    if (!c_->hasSet || c_->volumes.empty()) return BadState(call, "before StartSnapshotSet/AddToSnapshotSet");
    if (!c_->backupStateSet) return BadState(call, "before SetBackupState");
    if (c_->prepared != CompState::kNo) return BadState(call, "called twice");
    c_->prepared = CompState::kRunning;
    *ppAsync = StartOp(kPrepare);
    return Ok(call);
  }

  HRESULT STDMETHODCALLTYPE DoSnapshotSet(IVssAsync** ppAsync) override {
    const char* call = "IVssBackupComponents::DoSnapshotSet";
    if (!ppAsync) return E_INVALIDARG;
    *ppAsync = nullptr;
    std::lock_guard<std::mutex> lock(g_mu);
    if (c_->prepared != CompState::kDone) return BadState(call, "before PrepareForBackup completed");
    if (c_->snapshot != CompState::kSnapNo) return BadState(call, "called twice");
    if (g_snapshotInProgress) return Result(call, VSS_E_SNAPSHOT_SET_IN_PROGRESS);
    g_snapshotInProgress = true;
    c_->snapshot = CompState::kSnapRunning;
    *ppAsync = StartOp(kSnapshot);
    return Ok(call);
  }

  HRESULT STDMETHODCALLTYPE GetSnapshotProperties(VSS_ID SnapshotId, VSS_SNAPSHOT_PROP* p) override {
    const char* call = "IVssBackupComponents::GetSnapshotProperties";
    if (!p) return E_INVALIDARG;
    std::lock_guard<std::mutex> lock(g_mu);
    if (HRESULT f = Fail("getSnapshotProperties", call, GuidText(SnapshotId))) return f;
    auto it = std::find_if(g_copies.begin(), g_copies.end(), [&](const auto& x) { return x->snapshotId == SnapshotId; });
    if (it == g_copies.end()) return Result(call, VSS_E_OBJECT_NOT_FOUND, GuidText(SnapshotId));
    FillProp(**it, p);
    return Ok(call, GuidText(SnapshotId));
  }

  HRESULT STDMETHODCALLTYPE BackupComplete(IVssAsync** ppAsync) override {
    const char* call = "IVssBackupComponents::BackupComplete";
    if (!ppAsync) return E_INVALIDARG;
    *ppAsync = nullptr;
    std::lock_guard<std::mutex> lock(g_mu);
    if (c_->snapshot != CompState::kSnapDone) return BadState(call, "before DoSnapshotSet completed");
    *ppAsync = StartOp(kComplete);
    return Ok(call);
  }

  HRESULT STDMETHODCALLTYPE AbortBackup() override {
    const char* call = "IVssBackupComponents::AbortBackup";
    std::lock_guard<std::mutex> lock(g_mu);
    if (HRESULT f = Fail("abortBackup", call)) return f;
    // "ignored if nothing underway"
    c_->aborted = true;
    for (const auto& copy : c_->created) RemoveCopy(copy.get());
    c_->created.clear();
    return Ok(call);
  }

  // Synchronous, no IVssAsync and no cancel. The scenario's holdCalls "deleteSnapshots" keeps it from returning
  // until the test releases vss:deleteSnapshots (the caller's thread waits, as it would on a slow provider).
  HRESULT STDMETHODCALLTYPE DeleteSnapshots(VSS_ID id, VSS_OBJECT_TYPE type, WINBOOL force, LONG* plDeleted,
                                            VSS_ID* pNondeleted) override {
    const char* call = "IVssBackupComponents::DeleteSnapshots";
    if (!plDeleted || !pNondeleted) return E_INVALIDARG;
    *plDeleted = 0;
    *pNondeleted = GUID_NULL;
    const std::string detail = std::string(type == VSS_OBJECT_SNAPSHOT_SET ? "set " : "snapshot ") + GuidText(id) +
                               (force ? " force" : "");
    {
      std::lock_guard<std::mutex> lock(g_mu);
      // One DeleteSnapshots for both of the fake's calls (deleteSnapshotSet, deleteSnapshots): either failCall fails it,
      // deleteSnapshots' first (as the fake).
      if (HRESULT f = Fail("deleteSnapshots", call, detail)) return f;
      if (HRESULT f = Fail("deleteSnapshotSet", call, detail)) return f;
      if (type != VSS_OBJECT_SNAPSHOT_SET && type != VSS_OBJECT_SNAPSHOT) return Result(call, E_INVALIDARG, detail);
      if (!c_->initialized) return BadState(call, "before InitializeForBackup");
    }
    if (c_->scenario->inventory.holdDelete) Log::Get().Hold("vss:deleteSnapshots", nullptr);
    std::lock_guard<std::mutex> lock(g_mu);
    return Result(call, DeleteCopies(c_->scenario->inventory, id, type, plDeleted, pNondeleted), detail);
  }

  // "must be preceded by calls to IVssBackupComponents::InitializeForBackup and IVssBackupComponents::SetContext";
  // QueriedObjectId "must be GUID_NULL", eQueriedObjectType "must be VSS_OBJECT_NONE", eReturnedObjectsType
  // VSS_OBJECT_SNAPSHOT or VSS_OBJECT_PROVIDER (the double has no providers: E_NOTIMPL for that). Synchronous; the
  // scenario's holdCalls "querySnapshots" keeps it from returning until the test releases vss:querySnapshots.
  HRESULT STDMETHODCALLTYPE Query(VSS_ID queried, VSS_OBJECT_TYPE queriedType, VSS_OBJECT_TYPE returned,
                                  IVssEnumObject** ppEnum) override {
    const char* call = "IVssBackupComponents::Query";
    if (!ppEnum) return Result(call, E_INVALIDARG);
    *ppEnum = nullptr;
    {
      std::lock_guard<std::mutex> lock(g_mu);
      if (HRESULT f = Fail("querySnapshots", call)) return f;
      if (!c_->initialized) return BadState(call, "before InitializeForBackup");
      if (!c_->contextSet) return BadState(call, "before SetContext");
      if (queried != GUID_NULL || queriedType != VSS_OBJECT_NONE) {
        Log::Get().Violation(std::string(call) + ": QueriedObjectId must be GUID_NULL and eQueriedObjectType VSS_OBJECT_NONE");
        return Result(call, E_INVALIDARG);
      }
      if (returned == VSS_OBJECT_PROVIDER) return Result(call, E_NOTIMPL, "providers");
      if (returned != VSS_OBJECT_SNAPSHOT) return Result(call, E_INVALIDARG);
    }
    if (c_->scenario->inventory.holdQuery) Log::Get().Hold("vss:querySnapshots", nullptr);
    std::lock_guard<std::mutex> lock(g_mu);
    std::vector<ShadowCopy> rows;
    for (const auto& x : g_copies) {
      if (InContext(*x, c_->context)) rows.push_back(*x);
    }
    *ppEnum = new EnumObjectImpl(std::move(rows));
    return Ok(call, std::to_string(static_cast<unsigned long>(c_->context)));
  }

  // ---- not part of the scripted flow: recorded, E_NOTIMPL

#define WINOPS_NOTIMPL(sig, name)                                     \
  HRESULT STDMETHODCALLTYPE sig override {                            \
    Log::Get().Call("IVssBackupComponents::" name, "E_NOTIMPL");      \
    return E_NOTIMPL;                                                 \
  }
  WINOPS_NOTIMPL(GetWriterComponentsCount(UINT*), "GetWriterComponentsCount")
  WINOPS_NOTIMPL(GetWriterComponents(UINT, IVssWriterComponentsExt**), "GetWriterComponents")
  WINOPS_NOTIMPL(InitializeForRestore(BSTR), "InitializeForRestore")
  WINOPS_NOTIMPL(SetRestoreState(VSS_RESTORE_TYPE), "SetRestoreState")
  WINOPS_NOTIMPL(AddComponent(VSS_ID, VSS_ID, VSS_COMPONENT_TYPE, LPCWSTR, LPCWSTR), "AddComponent")
  WINOPS_NOTIMPL(SetBackupSucceeded(VSS_ID, VSS_ID, VSS_COMPONENT_TYPE, LPCWSTR, LPCWSTR, boolean), "SetBackupSucceeded")
  WINOPS_NOTIMPL(SetBackupOptions(VSS_ID, VSS_COMPONENT_TYPE, LPCWSTR, LPCWSTR, LPCWSTR), "SetBackupOptions")
  WINOPS_NOTIMPL(SetSelectedForRestore(VSS_ID, VSS_COMPONENT_TYPE, LPCWSTR, LPCWSTR, boolean), "SetSelectedForRestore")
  WINOPS_NOTIMPL(SetRestoreOptions(VSS_ID, VSS_COMPONENT_TYPE, LPCWSTR, LPCWSTR, LPCWSTR), "SetRestoreOptions")
  WINOPS_NOTIMPL(SetAdditionalRestores(VSS_ID, VSS_COMPONENT_TYPE, LPCWSTR, LPCWSTR, boolean), "SetAdditionalRestores")
  WINOPS_NOTIMPL(SetPreviousBackupStamp(VSS_ID, VSS_COMPONENT_TYPE, LPCWSTR, LPCWSTR, LPCWSTR), "SetPreviousBackupStamp")
  WINOPS_NOTIMPL(SaveAsXML(BSTR*), "SaveAsXML")
  WINOPS_NOTIMPL(AddAlternativeLocationMapping(VSS_ID, VSS_COMPONENT_TYPE, LPCWSTR, LPCWSTR, LPCWSTR, LPCWSTR, boolean, LPCWSTR), "AddAlternativeLocationMapping")
  WINOPS_NOTIMPL(AddRestoreSubcomponent(VSS_ID, VSS_COMPONENT_TYPE, LPCWSTR, LPCWSTR, LPCWSTR, LPCWSTR, boolean), "AddRestoreSubcomponent")
  WINOPS_NOTIMPL(SetFileRestoreStatus(VSS_ID, VSS_COMPONENT_TYPE, LPCWSTR, LPCWSTR, VSS_FILE_RESTORE_STATUS), "SetFileRestoreStatus")
  WINOPS_NOTIMPL(AddNewTarget(VSS_ID, VSS_COMPONENT_TYPE, LPCWSTR, LPCWSTR, LPCWSTR, LPCWSTR, boolean, LPCWSTR), "AddNewTarget")
  WINOPS_NOTIMPL(SetRangesFilePath(VSS_ID, VSS_COMPONENT_TYPE, LPCWSTR, LPCWSTR, UINT, LPCWSTR), "SetRangesFilePath")
  WINOPS_NOTIMPL(PreRestore(IVssAsync**), "PreRestore")
  WINOPS_NOTIMPL(PostRestore(IVssAsync**), "PostRestore")
  WINOPS_NOTIMPL(ImportSnapshots(IVssAsync**), "ImportSnapshots")
  WINOPS_NOTIMPL(BreakSnapshotSet(VSS_ID), "BreakSnapshotSet")
  WINOPS_NOTIMPL(IsVolumeSupported(VSS_ID, VSS_PWSZ, WINBOOL*), "IsVolumeSupported")
  WINOPS_NOTIMPL(DisableWriterClasses(const VSS_ID*, UINT), "DisableWriterClasses")
  WINOPS_NOTIMPL(EnableWriterClasses(const VSS_ID*, UINT), "EnableWriterClasses")
  WINOPS_NOTIMPL(DisableWriterInstances(const VSS_ID*, UINT), "DisableWriterInstances")
  WINOPS_NOTIMPL(ExposeSnapshot(VSS_ID, VSS_PWSZ, LONG, VSS_PWSZ, VSS_PWSZ*), "ExposeSnapshot")
  WINOPS_NOTIMPL(RevertToSnapshot(VSS_ID, WINBOOL), "RevertToSnapshot")
  WINOPS_NOTIMPL(QueryRevertStatus(VSS_PWSZ, IVssAsync**), "QueryRevertStatus")
  // IVssBackupComponentsEx, Ex2, Ex3 (mingw-w64 vsbackup.h; the SDK's declares the same methods in the same order).
  WINOPS_NOTIMPL(GetWriterMetadataEx(UINT, VSS_ID*, IVssExamineWriterMetadataEx**), "GetWriterMetadataEx")
  WINOPS_NOTIMPL(SetSelectedForRestoreEx(VSS_ID, VSS_COMPONENT_TYPE, LPCWSTR, LPCWSTR, boolean, VSS_ID), "SetSelectedForRestoreEx")
  WINOPS_NOTIMPL(UnexposeSnapshot(VSS_ID), "UnexposeSnapshot")
  WINOPS_NOTIMPL(SetAuthoritativeRestore(VSS_ID, VSS_COMPONENT_TYPE, LPCWSTR, LPCWSTR, boolean), "SetAuthoritativeRestore")
  WINOPS_NOTIMPL(SetRollForward(VSS_ID, VSS_COMPONENT_TYPE, LPCWSTR, LPCWSTR, VSS_ROLLFORWARD_TYPE, LPCWSTR), "SetRollForward")
  WINOPS_NOTIMPL(SetRestoreName(VSS_ID, VSS_COMPONENT_TYPE, LPCWSTR, LPCWSTR, LPCWSTR), "SetRestoreName")
  WINOPS_NOTIMPL(BreakSnapshotSetEx(VSS_ID, DWORD, IVssAsync**), "BreakSnapshotSetEx")
  WINOPS_NOTIMPL(PreFastRecovery(VSS_ID, DWORD, IVssAsync**), "PreFastRecovery")
  WINOPS_NOTIMPL(FastRecovery(VSS_ID, DWORD, IVssAsync**), "FastRecovery")
  WINOPS_NOTIMPL(AddSnapshotToRecoverySet(VSS_ID, DWORD, VSS_PWSZ), "AddSnapshotToRecoverySet")
  WINOPS_NOTIMPL(RecoverSet(DWORD, IVssAsync**), "RecoverSet")
  WINOPS_NOTIMPL(GetSessionId(VSS_ID*), "GetSessionId")
#undef WINOPS_NOTIMPL

 private:
  // g_mu held for all of these.
  HRESULT Result(const char* call, HRESULT hr, const std::string& detail = std::string()) {
    Log::Get().Call(call, VssAsyncImpl::Name(hr), detail);
    return hr;
  }
  HRESULT Ok(const char* call, const std::string& detail = std::string()) { return Result(call, S_OK, detail); }
  HRESULT BadState(const char* call, const char* why) {
    Log::Get().Violation(std::string(call) + ": " + why);
    return Result(call, VSS_E_BAD_STATE);
  }
  // The scenario's failCall for this call: recorded and returned; S_OK when none.
  HRESULT Fail(const char* syncCall, const char* call, const std::string& detail = std::string()) {
    const HRESULT hr = c_->scenario->FailOf(syncCall);
    if (hr == S_OK) return S_OK;
    return Result(call, hr, detail);
  }

  // One row of the captured status, for GetWriterStatus (no application fields) and GetWriterStatusEx.
  HRESULT StatusRow(const char* call, UINT i, VSS_ID* pidInstance, VSS_ID* pidWriter, BSTR* pbstrWriter,
                    VSS_WRITER_STATE* pnStatus, HRESULT* phrFailure, HRESULT* phrApplication, BSTR* pbstrMessage) {
    if (!pidInstance || !pidWriter || !pbstrWriter || !pnStatus || !phrFailure) return E_INVALIDARG;
    std::lock_guard<std::mutex> lock(g_mu);
    if (c_->status != CompState::kStatusDone) return BadState(call, "before GatherWriterStatus completed (or after FreeWriterStatus)");
    if (i >= c_->statusRows.size()) return Result(call, VSS_E_OBJECT_NOT_FOUND, std::to_string(i));
    const WriterRun& w = c_->statusRows[i];
    *pidInstance = w.script->instanceId;
    *pidWriter = w.script->writerId;
    *pbstrWriter = ::SysAllocString(doubles::Widen(w.script->name).c_str());
    *pnStatus = w.state;
    *phrFailure = w.failure;
    if (phrApplication) *phrApplication = w.applicationHr;
    if (pbstrMessage) *pbstrMessage = ::SysAllocString(doubles::Widen(w.applicationMessage).c_str());
    return Ok(call, std::to_string(i));
  }

  IVssAsync* StartOp(int step, std::string gate = std::string()) {
    auto op = std::make_shared<AsyncOp>();
    op->step = step;
    op->gate = gate.empty() ? std::string("vss:") + kStepNames[step] : std::move(gate);
    op->comp = c_;
    op->done = ::CreateEventW(nullptr, TRUE, FALSE, nullptr);
    op->cancel = ::CreateEventW(nullptr, TRUE, FALSE, nullptr);
    c_->pendingOps++;
    c_->pendingSteps.push_back(kStepNames[step]);
    RunOp(op, c_->scenario->steps[step]);
    return new VssAsyncImpl(op);
  }

  // The last reference went: what the fake checks in releaseBackupComponents.
  void Final() {
    const char* call = "IVssBackupComponents::Release";
    std::lock_guard<std::mutex> lock(g_mu);
    for (const std::string& step : c_->pendingSteps) {
      Log::Get().Violation(std::string(call) + ": released while " + step + " is still pending");
    }
    if (c_->hasSet && c_->prepared != CompState::kNo && !c_->completed && !c_->aborted &&
        c_->snapshot != CompState::kSnapDone) {
      Log::Get().Violation(std::string(call) + ": snapshot set " + GuidText(c_->setId) +
                           " released after PrepareForBackup without BackupComplete or AbortBackup (leftover)");
    }
    for (const auto& copy : c_->created) {
      if (!copy->persistent) RemoveCopy(copy.get());
    }
    c_->created.clear();
    FreeStatus(*c_);
    Log::Get().Call(call, "S_OK", std::string(), 0);
  }

  std::shared_ptr<CompState> c_;
  Tracked tracked_{"IVssBackupComponents"};
};

}  // namespace

// ------------------------------------------------------------------------------------------ exports

extern "C" HRESULT STDAPICALLTYPE CreateVssBackupComponentsInternal(IVssBackupComponents** ppBackup) {
  if (!ppBackup) return E_INVALIDARG;
  *ppBackup = nullptr;
  auto scenario = LoadScenario();
  const HRESULT fail = scenario->FailOf("createBackupComponents");
  if (fail != S_OK) {
    Log::Get().Call("CreateVssBackupComponents", VssAsyncImpl::Name(fail));
    return fail;
  }
  {
    std::lock_guard<std::mutex> lock(g_mu);
    SeedCopies(scenario->inventory);
  }
  *ppBackup = new BackupComponentsImpl(std::move(scenario));
  Log::Get().Call("CreateVssBackupComponents", "S_OK");
  return S_OK;
}

extern "C" void APIENTRY VssFreeSnapshotPropertiesInternal(VSS_SNAPSHOT_PROP* p) {
  if (!p) return;
  for (VSS_PWSZ* s : {&p->m_pwszSnapshotDeviceObject, &p->m_pwszOriginalVolumeName, &p->m_pwszOriginatingMachine,
                      &p->m_pwszServiceMachine, &p->m_pwszExposedName, &p->m_pwszExposedPath}) {
    ::CoTaskMemFree(*s);
    *s = nullptr;
  }
  Log::Get().Live("VSS_SNAPSHOT_PROP", -1);
  Log::Get().Call("VssFreeSnapshotProperties", "S_OK");
}

BOOL WINAPI DllMain(HINSTANCE instance, DWORD reason, LPVOID) {
  if (reason == DLL_PROCESS_ATTACH) {
    // Stay loaded for the life of the process: the simulated machine (shadow copies, the log) is
    // process-wide, and operation threads may outlive the caller's last reference to the DLL.
    // WINOPS_VSSAPI_DOUBLE_UNPINNED=1 leaves that to the caller: the test that the addon never
    // unloads vssapi.dll (issue 11 item 8) needs the DLL to go when the addon's last reference does.
    wchar_t unpinned[4] = {};
    const DWORD n = ::GetEnvironmentVariableW(L"WINOPS_VSSAPI_DOUBLE_UNPINNED", unpinned, 4);
    if (!(n == 1 && unpinned[0] == L'1')) {
      HMODULE self = nullptr;
      ::GetModuleHandleExW(GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS | GET_MODULE_HANDLE_EX_FLAG_PIN,
                           reinterpret_cast<LPCWSTR>(&DllMain), &self);
    }
    ::DisableThreadLibraryCalls(instance);
  }
  return TRUE;
}
