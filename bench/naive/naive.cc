// The design winops does NOT use, built only for bench/eventloop.mjs (never shipped, never in the
// package): every long wait blocks a libuv thread-pool thread inside napi_async_work's execute
// callback. The waits are the same ones the production addon makes, against the same test doubles:
//   startVss(volume)  IVssBackupComponents flow up to PrepareForBackup, then IVssAsync::Wait(INFINITE);
//   startMi(wql)      MI_Session_QueryInstances, then WaitForSingleObject until its final result (the
//                     mi.dll double does not simulate MI's synchronous pull mode, which would block the
//                     same thread in MI_Operation_GetInstance);
//   cancelAll()       IVssAsync::Cancel / MI_Operation_Cancel on every wait in progress; work items still
//                     queued behind the pool return at once when it reaches them;
//   stats()           { executing, maxExecuting, started, notStarted };
//   close()           MI_Application_Close once every MI item has ended.
// Each promise resolves { family, started, cancelled, hr } and never rejects: the benchmark only needs to
// know that every item ended and released what it held.
#include <windows.h>

#include <vss.h>
#include <vsbackup.h>

#include <atomic>
#include <cstring>
#include <mutex>
#include <set>
#include <string>

#include <node_api.h>

#include "mi/mi_abi.h"

using namespace winops::mi_abi;

namespace {

using CreateVssFn = HRESULT(STDAPICALLTYPE*)(IVssBackupComponents**);

std::mutex g_mu;
bool g_cancelling = false;             // g_mu
std::set<IVssAsync*> g_vssWaits;       // g_mu; each referenced by its item until it leaves the set
std::set<MI_Operation*> g_miWaits;     // g_mu
std::atomic<int> g_executing{0}, g_maxExecuting{0}, g_started{0}, g_notStarted{0};

HMODULE g_vssapi = nullptr;
CreateVssFn g_createVss = nullptr;
HMODULE g_mi = nullptr;
MI_Application g_app{};
bool g_appReady = false;

enum class Family { kVss, kMi };

struct Item {
  Family family;
  std::wstring text;
  napi_async_work work = nullptr;
  napi_deferred deferred = nullptr;
  bool started = false;
  bool cancelled = false;
  long hr = 0;
};

struct Executing {
  Executing() {
    const int n = ++g_executing;
    int m = g_maxExecuting.load();
    while (n > m && !g_maxExecuting.compare_exchange_weak(m, n)) {
    }
  }
  ~Executing() { --g_executing; }
};

bool Cancelling() {
  std::lock_guard<std::mutex> lock(g_mu);
  return g_cancelling;
}

// Pool thread: the async step is registered for cancelAll() while this thread blocks in Wait.
HRESULT WaitStep(IVssAsync* async, Item* item) {
  {
    std::lock_guard<std::mutex> lock(g_mu);
    g_vssWaits.insert(async);
    if (g_cancelling) async->Cancel();
  }
  async->Wait(INFINITE);
  {
    std::lock_guard<std::mutex> lock(g_mu);
    g_vssWaits.erase(async);
  }
  HRESULT status = S_OK;
  HRESULT hr = async->QueryStatus(&status, nullptr);
  async->Release();
  if (FAILED(hr)) return hr;
  if (status == VSS_S_ASYNC_CANCELLED) item->cancelled = true;
  return status == VSS_S_ASYNC_FINISHED || status == VSS_S_ASYNC_CANCELLED ? S_OK : status;
}

void RunVss(Item* item) {
  IVssBackupComponents* b = nullptr;
  HRESULT hr = g_createVss ? g_createVss(&b) : E_NOINTERFACE;
  bool started = false;
  if (SUCCEEDED(hr)) hr = b->InitializeForBackup(nullptr);
  if (SUCCEEDED(hr)) hr = b->SetContext(VSS_CTX_BACKUP);
  IVssAsync* async = nullptr;
  if (SUCCEEDED(hr)) hr = b->GatherWriterMetadata(&async);
  if (SUCCEEDED(hr)) hr = WaitStep(async, item);
  if (SUCCEEDED(hr) && item->cancelled) hr = S_FALSE;
  VSS_ID set = GUID_NULL, snap = GUID_NULL;
  if (hr == S_OK) hr = b->StartSnapshotSet(&set);
  if (hr == S_OK) {
    started = true;
    hr = b->AddToSnapshotSet(const_cast<VSS_PWSZ>(item->text.c_str()), GUID_NULL, &snap);
  }
  if (hr == S_OK) hr = b->SetBackupState(false, false, VSS_BT_COPY, false);
  if (hr == S_OK) hr = b->PrepareForBackup(&async);
  if (hr == S_OK) hr = WaitStep(async, item);  // held here by the scenario until cancelAll()
  if (started) b->AbortBackup();
  if (b) b->Release();
  item->hr = hr == S_FALSE ? S_OK : hr;
}

void WINOPS_MI_CALL OnInstance(MI_Operation*, void* context, const MI_Instance*, MI_Boolean more, MI_Result result,
                               const MI_Char*, const MI_Instance*, MI_ResultAcknowledgement) {
  if (more) return;
  auto* done = static_cast<std::pair<HANDLE, MI_Result>*>(context);
  done->second = result;
  ::SetEvent(done->first);
}

void RunMi(Item* item) {
  if (!g_appReady) {
    item->hr = MI_RESULT_FAILED;
    return;
  }
  MI_Session session{};
  MI_Instance* extended = nullptr;
  MI_Result r = g_app.ft->NewSession(&g_app, nullptr, nullptr, nullptr, nullptr, &extended, &session);
  if (extended) extended->ft->Delete(extended);
  if (r != MI_RESULT_OK) {
    item->hr = r;
    return;
  }
  std::pair<HANDLE, MI_Result> done{::CreateEventW(nullptr, TRUE, FALSE, nullptr), MI_RESULT_OK};
  MI_OperationCallbacks callbacks{};
  callbacks.callbackContext = &done;
  callbacks.instanceResult = OnInstance;
  MI_Operation op{};
  session.ft->QueryInstances(&session, 0, nullptr, L"root/cimv2", L"WQL", item->text.c_str(), &callbacks, &op);
  {
    std::lock_guard<std::mutex> lock(g_mu);
    g_miWaits.insert(&op);
    if (g_cancelling) op.ft->Cancel(&op, MI_REASON_NONE);
  }
  ::WaitForSingleObject(done.first, INFINITE);  // held here by the scenario until cancelAll()
  {
    std::lock_guard<std::mutex> lock(g_mu);
    g_miWaits.erase(&op);
    item->cancelled = g_cancelling;
  }
  op.ft->Close(&op);
  session.ft->Close(&session, nullptr, nullptr);
  ::CloseHandle(done.first);
  item->hr = done.second;
}

void Execute(napi_env, void* data) {
  auto* item = static_cast<Item*>(data);
  if (Cancelling()) {  // reached only after cancelAll(): never entered a double
    ++g_notStarted;
    return;
  }
  item->started = true;
  ++g_started;
  Executing busy;
  const bool com = SUCCEEDED(::CoInitializeEx(nullptr, COINIT_MULTITHREADED));
  if (item->family == Family::kVss) {
    RunVss(item);
  } else {
    RunMi(item);
  }
  if (com) ::CoUninitialize();
}

void SetNamed(napi_env env, napi_value obj, const char* name, napi_value v) { napi_set_named_property(env, obj, name, v); }

void Complete(napi_env env, napi_status, void* data) {
  auto* item = static_cast<Item*>(data);
  napi_value result, v;
  napi_create_object(env, &result);
  napi_create_string_utf8(env, item->family == Family::kVss ? "vss" : "mi", NAPI_AUTO_LENGTH, &v);
  SetNamed(env, result, "family", v);
  napi_get_boolean(env, item->started, &v);
  SetNamed(env, result, "started", v);
  napi_get_boolean(env, item->cancelled, &v);
  SetNamed(env, result, "cancelled", v);
  napi_create_uint32(env, static_cast<uint32_t>(item->hr), &v);
  SetNamed(env, result, "hr", v);
  napi_resolve_deferred(env, item->deferred, result);
  napi_delete_async_work(env, item->work);
  delete item;
}

napi_value Start(napi_env env, napi_callback_info info, Family family) {
  size_t argc = 1;
  napi_value arg;
  napi_get_cb_info(env, info, &argc, &arg, nullptr, nullptr);
  char16_t buf[512];
  size_t len = 0;
  if (argc < 1 || napi_get_value_string_utf16(env, arg, buf, 512, &len) != napi_ok) {
    napi_throw_type_error(env, nullptr, "a string argument is required");
    return nullptr;
  }
  if (family == Family::kMi && !g_appReady) {
    if (!g_mi) g_mi = ::LoadLibraryExW(L"mi.dll", nullptr, LOAD_LIBRARY_SEARCH_SYSTEM32);
    FARPROC p = g_mi ? ::GetProcAddress(g_mi, "MI_Application_InitializeV1") : nullptr;
    MI_Application_InitializeV1Fn init = nullptr;
    static_assert(sizeof p == sizeof init, "function pointer size");
    std::memcpy(&init, &p, sizeof p);
    MI_Instance* extended = nullptr;
    if (init && init(0, L"winops-bench-naive", &extended, &g_app) == MI_RESULT_OK) g_appReady = true;
    if (extended) extended->ft->Delete(extended);
  }
  if (family == Family::kVss && !g_createVss) {
    if (!g_vssapi) g_vssapi = ::LoadLibraryExW(L"vssapi.dll", nullptr, LOAD_LIBRARY_SEARCH_SYSTEM32);
    FARPROC p = g_vssapi ? ::GetProcAddress(g_vssapi, "CreateVssBackupComponentsInternal") : nullptr;
    std::memcpy(&g_createVss, &p, sizeof p);
  }
  auto* item = new Item{family, std::wstring(reinterpret_cast<wchar_t*>(buf), len)};
  napi_value promise, name;
  napi_create_promise(env, &item->deferred, &promise);
  napi_create_string_utf8(env, "winops.bench.naive", NAPI_AUTO_LENGTH, &name);
  napi_create_async_work(env, nullptr, name, Execute, Complete, item, &item->work);
  napi_queue_async_work(env, item->work);
  return promise;
}

napi_value StartVss(napi_env env, napi_callback_info info) { return Start(env, info, Family::kVss); }
napi_value StartMi(napi_env env, napi_callback_info info) { return Start(env, info, Family::kMi); }

napi_value CancelAll(napi_env env, napi_callback_info) {
  uint32_t n = 0;
  {
    std::lock_guard<std::mutex> lock(g_mu);
    g_cancelling = true;
    for (IVssAsync* a : g_vssWaits) {
      a->Cancel();
      ++n;
    }
    for (MI_Operation* op : g_miWaits) {
      op->ft->Cancel(op, MI_REASON_NONE);
      ++n;
    }
  }
  napi_value v;
  napi_create_uint32(env, n, &v);
  return v;
}

napi_value Stats(napi_env env, napi_callback_info) {
  napi_value result, v;
  napi_create_object(env, &result);
  const std::pair<const char*, int> fields[] = {{"executing", g_executing.load()},
                                                {"maxExecuting", g_maxExecuting.load()},
                                                {"started", g_started.load()},
                                                {"notStarted", g_notStarted.load()}};
  for (const auto& [k, n] : fields) {
    napi_create_int32(env, n, &v);
    SetNamed(env, result, k, v);
  }
  return result;
}

napi_value Close(napi_env env, napi_callback_info) {
  if (g_appReady) {
    g_app.ft->Close(&g_app);
    g_appReady = false;
  }
  napi_value v;
  napi_get_undefined(env, &v);
  return v;
}

napi_value Init(napi_env env, napi_value exports) {
  const std::pair<const char*, napi_callback> fns[] = {
      {"startVss", StartVss}, {"startMi", StartMi}, {"cancelAll", CancelAll}, {"stats", Stats}, {"close", Close}};
  for (const auto& [name, fn] : fns) {
    napi_value f;
    napi_create_function(env, name, NAPI_AUTO_LENGTH, fn, nullptr, &f);
    SetNamed(env, exports, name, f);
  }
  return exports;
}

}  // namespace

NAPI_MODULE(naive, Init)
