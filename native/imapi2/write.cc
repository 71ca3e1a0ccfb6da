// startWrite: IDiscFormat2Data::Write or IWriteEngine2::WriteSection on a thread the addon owns, with
// the Update event sink that carries the cancel protocol:
//
//   requestCancel() (JS thread)  -> atomic flag
//   Update handler (IMAPI thread) -> reads the EventArgs, reports `update`; when the flag is set and
//                                    no cancel took yet, calls CancelWrite HERE (the only place the
//                                    docs allow), reports `cancelAttempt(hr)`; the request stays
//                                    while CancelWrite answers S_IMAPI_WRITE_NOT_IN_PROGRESS (or
//                                    IDiscFormat2Data's E_IMAPI_DF2DATA_WRITE_NOT_IN_PROGRESS) and
//                                    is retried on the next Update.
//   Write returns                 -> Unadvise, release every object, CoUninitialize, then
//                                    `done(error | null, hr)`; the thread frees its copy of a
//                                    'bytes' source, ends and is joined.
//
// Apartment: the reference does not say which model imapi2.dll's classes are registered with. The
// thread joins the MTA: with ThreadingModel Both/Free the objects live on it and call the sink
// directly; with Apartment COM hosts them in an STA of its own and the oleautomation event
// interfaces are marshalled to the sink (which is agile: it only touches atomics and the
// threadsafe function). Neither case needs a message pump on this thread.
//
// Every report reaches JS through one threadsafe function per write, so JS callbacks run on the JS
// thread and never inside startWrite. Env teardown (worker_threads terminate, exit) requests the
// cancel, fails pending 'pull' reads and joins the thread (blocks until the write returns: on real
// hardware a CD can take minutes to stop; no API exists to make it faster).
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <initializer_list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

#include "common/apartment.h"
#include "common/args.h"
#include "common/com_ptr.h"
#include "common/handles.h"
#include "common/hresult.h"
#include "common/instance.h"
#include "common/utf.h"
#include "imapi2/com_impl.h"
#include "imapi2/imapi2.h"
#include "imapi2/imapi2_abi.h"
#include "imapi2/source_stream.h"

namespace winops::imapi2 {
namespace {

using namespace abi;

// How long a read of a 'pull' source may still take once a cancel is requested (see WriteJob::Pull).
constexpr int kCancelReadGraceMs = 1000;

enum class Api { kFormat2Data, kWriteEngine2 };
enum class SourceKind { kFile, kBytes, kPull };

// At most this long the write thread keeps a 'bytes' source's copy after posting `done` (WriteJob::bytesKept).
constexpr DWORD kReportWaitMs = 1000;

struct UpdateFigures {
  LONG startLba = 0, sectorCount = 0, lastReadLba = 0, lastWrittenLba = 0;
  LONG totalSystemBuffer = 0, usedSystemBuffer = 0, freeSystemBuffer = 0;
  bool hasFormatFigures = false;
  LONG elapsedTime = 0, remainingTime = 0, totalTime = 0;
  int currentAction = 0;
};

struct Event {
  enum class Kind { kUpdate, kCancelAttempt, kRead, kDone } kind;
  UpdateFigures update;
  HRESULT hr = S_OK;
  uint64_t offset = 0;
  ULONG length = 0;
  uint64_t seq = 0;
  std::optional<HResultError> error;
};

// Shared by the JS thread, the write thread and whatever thread IMAPI calls the sink / stream on.
struct WriteJob {
  // The request (immutable once the thread starts).
  Api api = Api::kFormat2Data;
  std::wstring recorderId, clientName, path;
  bool forceOverwrite = false;
  LONG startLba = 0, sectorCount = 0, bytesPerSector = 2048;
  SourceKind sourceKind = SourceKind::kBytes;
  std::vector<uint8_t> bytes;
  uint64_t size = 0;
  // The copy of a 'bytes' source, shared with the stream. The write thread lets go of it only once the
  // JS thread has handled `done` and what reacts to it (`reported`, set from a setImmediate, or at
  // teardown; bounded by kReportWaitMs): freeing a large copy takes milliseconds (16 MiB: 1 to 3 ms
  // under Wine) and, while it runs, holds up the JS thread. Write thread only.
  std::shared_ptr<const std::vector<uint8_t>> bytesKept;
  UniqueHandle reported;  // manual-reset event; may be null (then no wait)

  std::atomic<bool> cancelRequested{false};
  std::atomic<bool> cancelAccepted{false};
  std::atomic<bool> stopping{false};  // env teardown
  napi_threadsafe_function tsfn = nullptr;

  // 'pull' reads: one outstanding request at a time (IStream::Read is serialised).
  std::mutex readMutex;
  std::condition_variable readCv;
  uint64_t readSeq = 0;
  bool readReady = false;
  std::vector<uint8_t> readData;
  std::optional<std::string> readError;

  // The first failure of the source, reported instead of what Write makes of it.
  std::mutex failureMutex;
  std::optional<HResultError> sourceFailure;

  const char* WriteCall() const {
    return api == Api::kFormat2Data ? "IDiscFormat2Data::Write" : "IWriteEngine2::WriteSection";
  }

  bool Post(std::unique_ptr<Event> e) {
    if (napi_call_threadsafe_function(tsfn, e.get(), napi_tsfn_nonblocking) != napi_ok) return false;
    e.release();
    return true;
  }

  void RecordSourceFailure(HResultError e) {
    std::lock_guard<std::mutex> lock(failureMutex);
    if (!sourceFailure) sourceFailure = std::move(e);
  }

  void Stop() {
    cancelRequested = true;
    if (reported) ::SetEvent(reported.Get());
    {
      std::lock_guard<std::mutex> lock(readMutex);
      stopping = true;
    }
    readCv.notify_all();
  }

  // Blocks the reading thread until JS delivered the bytes (or teardown).
  HRESULT Pull(uint64_t offset, ULONG length, BYTE* dst) {
    std::unique_lock<std::mutex> lock(readMutex);
    if (stopping) return E_ABORT;
    const uint64_t seq = ++readSeq;
    readReady = false;
    readData.clear();
    readError.reset();
    auto e = std::make_unique<Event>();
    e->kind = Event::Kind::kRead;
    e->offset = offset;
    e->length = length;
    e->seq = seq;
    lock.unlock();
    Post(std::move(e));
    lock.lock();
    // A cancel is carried out by CancelWrite in the next Update, but no Update comes while IMAPI waits
    // for this read: a source that never answers would make the cancel (and the write) wait forever.
    // Once a cancel is requested, the source gets kCancelReadGraceMs to answer; then the read fails and
    // the write ends as cancelled.
    const auto answered = [&] { return stopping.load() || (readReady && readSeq == seq); };
    bool abandoned = false;
    while (!answered()) {
      if (cancelRequested) {
        abandoned = !readCv.wait_for(lock, std::chrono::milliseconds(kCancelReadGraceMs), answered);
        break;
      }
      readCv.wait(lock, [&] { return answered() || cancelRequested.load(); });
    }
    if (abandoned) {
      HResultError f;
      f.hresult = static_cast<uint32_t>(kE_IMAPI_REQUEST_CANCELLED);
      f.call = "IStream::Read";
      f.systemMessage = "the write was cancelled while it waited for the source's data";
      lock.unlock();
      RecordSourceFailure(std::move(f));
      return E_ABORT;
    }
    if (!readReady) {
      HResultError f;
      f.hresult = static_cast<uint32_t>(E_ABORT);
      f.call = "IStream::Read";
      f.systemMessage = "the JavaScript environment is shutting down";
      lock.unlock();
      RecordSourceFailure(std::move(f));
      return E_ABORT;
    }
    if (readError || readData.size() != length) {
      HResultError f;
      f.hresult = static_cast<uint32_t>(E_FAIL);
      f.call = "IStream::Read";
      f.systemMessage = readError ? *readError
                                  : "the source delivered " + std::to_string(readData.size()) +
                                        " bytes at offset " + std::to_string(offset) + ", not " +
                                        std::to_string(length);
      lock.unlock();
      RecordSourceFailure(std::move(f));
      return E_FAIL;
    }
    std::memcpy(dst, readData.data(), length);
    return S_OK;
  }

  // JS thread: requestCancel(). Also wakes a read waiting for the source (see Pull).
  void RequestCancel() {
    {
      std::lock_guard<std::mutex> lock(readMutex);
      cancelRequested = true;
    }
    readCv.notify_all();
  }

  void Deliver(uint64_t seq, std::optional<std::string> error, std::vector<uint8_t> data) {
    {
      std::lock_guard<std::mutex> lock(readMutex);
      if (seq != readSeq || readReady) return;  // stale or repeated delivery
      readError = std::move(error);
      readData = std::move(data);
      readReady = true;
    }
    readCv.notify_all();
  }
};

// JS-thread side of one write; owned by the threadsafe function (deleted in its finalizer).
struct JsSide {
  std::shared_ptr<WriteJob> job;
  Napi::ObjectReference sink;
  Napi::FunctionReference read;
  std::thread thread;
  std::shared_ptr<AddonState> state;
  bool hookRegistered = false;
  bool done = false;

  void Join() {
    if (thread.joinable()) {
      thread.join();
      if (state) state->liveThreads.fetch_sub(1);
    }
  }
};

// ------------------------------------------------------------------------------------ event sink

WINOPS_COM_IMPL_BEGIN
// Implements DDiscFormat2DataEvents or DWriteEngine2Events (same layout: IDispatch + Update at slot
// 7), answering Invoke(DISPID Update) and direct slot-7 calls alike (imapi2-abi.md, "Sink facts").
class UpdateSink final : public DDiscFormat2DataEvents {
 public:
  explicit UpdateSink(std::shared_ptr<WriteJob> job) : job_(std::move(job)) {}
  virtual ~UpdateSink() = default;

  HRESULT STDMETHODCALLTYPE QueryInterface(REFIID iid, void** out) override {
    if (!out) return E_POINTER;
    if (IsEqualIID(iid, IID_IUnknown) || IsEqualIID(iid, IID_IDispatch) || IsEqualIID(iid, EventIid())) {
      *out = static_cast<IDispatch*>(this);
      AddRef();
      return S_OK;
    }
    *out = nullptr;
    return E_NOINTERFACE;
  }
  ULONG STDMETHODCALLTYPE AddRef() override { return ++refs_; }
  ULONG STDMETHODCALLTYPE Release() override {
    const ULONG n = --refs_;
    if (n == 0) delete this;
    return n;
  }

  HRESULT STDMETHODCALLTYPE GetTypeInfoCount(UINT* count) override {
    if (count) *count = 0;
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE GetTypeInfo(UINT, LCID, ITypeInfo** info) override {
    if (info) *info = nullptr;
    return E_NOTIMPL;
  }
  HRESULT STDMETHODCALLTYPE GetIDsOfNames(REFIID, LPOLESTR* names, UINT count, LCID, DISPID* ids) override {
    if (!names || !ids) return E_POINTER;
    HRESULT hr = S_OK;
    for (UINT i = 0; i < count; ++i) {
      if (names[i] && ::lstrcmpiW(names[i], L"Update") == 0 && i == 0) {
        ids[i] = Dispid();
      } else {
        ids[i] = DISPID_UNKNOWN;
        hr = DISP_E_UNKNOWNNAME;
      }
    }
    return hr;
  }
  HRESULT STDMETHODCALLTYPE Invoke(DISPID id, REFIID, LCID, WORD flags, DISPPARAMS* params, VARIANT*,
                                   EXCEPINFO*, UINT* argErr) override {
    if (id != Dispid()) return DISP_E_MEMBERNOTFOUND;
    if (!(flags & DISPATCH_METHOD)) return DISP_E_MEMBERNOTFOUND;
    if (!params || params->cArgs != 2) return DISP_E_BADPARAMCOUNT;
    // DISPPARAMS are in reverse order: rgvarg[0] = progress, rgvarg[1] = object.
    ComPtr<IDispatch> progress, object;
    if (!AsDispatch(params->rgvarg[0], progress)) {
      if (argErr) *argErr = 0;
      return DISP_E_TYPEMISMATCH;
    }
    if (!AsDispatch(params->rgvarg[1], object)) {
      if (argErr) *argErr = 1;
      return DISP_E_TYPEMISMATCH;
    }
    return Update(object.Get(), progress.Get());
  }

  HRESULT STDMETHODCALLTYPE Update(IDispatch* object, IDispatch* progress) override {
    // Whether to cancel is decided before this Update reaches JS: a cancel that JS asks for in
    // reaction to this very Update is issued in the next one, whatever the thread timing (as in the
    // fake, where the request lands after the update callback returned).
    const bool cancelNow = job_->cancelRequested && !job_->cancelAccepted;
    auto e = std::make_unique<Event>();
    e->kind = Event::Kind::kUpdate;
    ReadFigures(progress, e->update);
    job_->Post(std::move(e));
    if (cancelNow) CancelInsideUpdate(object);
    return S_OK;
  }

 private:
  bool IsFormat() const { return job_->api == Api::kFormat2Data; }
  const IID& EventIid() const { return IsFormat() ? kIID_DDiscFormat2DataEvents : kIID_DWriteEngine2Events; }
  DISPID Dispid() const {
    return IsFormat() ? kDispidDDiscFormat2DataEventsUpdate : kDispidDWriteEngine2EventsUpdate;
  }

  static bool AsDispatch(const VARIANT& v, ComPtr<IDispatch>& out) {
    const VARIANT* p = &v;
    if (p->vt == (VT_VARIANT | VT_BYREF) && p->pvarVal) p = p->pvarVal;
    if (p->vt == VT_DISPATCH) {
      if (p->pdispVal) p->pdispVal->AddRef();
      out = ComPtr<IDispatch>::Attach(p->pdispVal);
      return true;
    }
    if (p->vt == VT_UNKNOWN) {
      return p->punkVal && SUCCEEDED(p->punkVal->QueryInterface(IID_IDispatch, out.PutVoid()));
    }
    return false;
  }

  void ReadFigures(IDispatch* progress, UpdateFigures& f) {
    if (!progress) return;
    ComPtr<IWriteEngine2EventArgs> args;
    ComPtr<IDiscFormat2DataEventArgs> formatArgs;
    if (IsFormat() && SUCCEEDED(progress->QueryInterface(kIID_IDiscFormat2DataEventArgs, formatArgs.PutVoid()))) {
      formatArgs->AddRef();
      args = ComPtr<IWriteEngine2EventArgs>::Attach(formatArgs.Get());
    } else if (FAILED(progress->QueryInterface(kIID_IWriteEngine2EventArgs, args.PutVoid()))) {
      return;
    }
    IWriteEngine2EventArgs* a = args.Get();
    // A getter that fails leaves its figure at 0: progress is informative, never fatal.
    a->get_StartLba(&f.startLba);
    a->get_SectorCount(&f.sectorCount);
    a->get_LastReadLba(&f.lastReadLba);
    a->get_LastWrittenLba(&f.lastWrittenLba);
    a->get_TotalSystemBuffer(&f.totalSystemBuffer);
    a->get_UsedSystemBuffer(&f.usedSystemBuffer);
    a->get_FreeSystemBuffer(&f.freeSystemBuffer);
    if (formatArgs) {
      f.hasFormatFigures = true;
      formatArgs->get_ElapsedTime(&f.elapsedTime);
      formatArgs->get_RemainingTime(&f.remainingTime);
      formatArgs->get_TotalTime(&f.totalTime);
      IMAPI_FORMAT2_DATA_WRITE_ACTION action = IMAPI_FORMAT2_DATA_WRITE_ACTION_VALIDATING_MEDIA;
      if (SUCCEEDED(formatArgs->get_CurrentAction(&action))) f.currentAction = static_cast<int>(action);
    }
  }

  // CancelWrite on the object the event came from (valid in the handler's context).
  void CancelInsideUpdate(IDispatch* object) {
    HRESULT hr = E_POINTER;
    if (object) {
      if (IsFormat()) {
        ComPtr<IDiscFormat2Data> f;
        hr = object->QueryInterface(kIID_IDiscFormat2Data, f.PutVoid());
        if (SUCCEEDED(hr)) hr = f->CancelWrite();
      } else {
        ComPtr<IWriteEngine2> w;
        hr = object->QueryInterface(kIID_IWriteEngine2, w.PutVoid());
        if (SUCCEEDED(hr)) hr = w->CancelWrite();
      }
    }
    auto e = std::make_unique<Event>();
    e->kind = Event::Kind::kCancelAttempt;
    e->hr = hr;
    job_->Post(std::move(e));
    const bool notYet = hr == kS_IMAPI_WRITE_NOT_IN_PROGRESS || hr == kE_IMAPI_DF2DATA_WRITE_NOT_IN_PROGRESS;
    if (SUCCEEDED(hr) && !notYet) job_->cancelAccepted = true;
    // Any other answer keeps the request: it is tried again on the next Update.
  }

  std::atomic<ULONG> refs_{1};
  std::shared_ptr<WriteJob> job_;
};
WINOPS_COM_IMPL_END

// ------------------------------------------------------------------------------------ write thread

HResultError Capture(HRESULT hr, std::string call) {
  HResultError e;
  e.hresult = static_cast<uint32_t>(hr);
  e.call = std::move(call);
  e.systemMessage = ImapiMessage(hr);
  return e;
}

// Builds the source stream, or fails with what went wrong.
std::optional<HResultError> OpenSource(const std::shared_ptr<WriteJob>& job, ComPtr<IStream>& stream) {
  switch (job->sourceKind) {
    case SourceKind::kBytes: {
      auto data = std::make_shared<const std::vector<uint8_t>>(std::move(job->bytes));
      job->bytesKept = data;
      stream = MakeSourceStream(data->size(), [data](uint64_t offset, ULONG length, BYTE* dst) -> HRESULT {
        std::memcpy(dst, data->data() + offset, length);
        return S_OK;
      });
      return std::nullopt;
    }
    case SourceKind::kPull: {
      std::weak_ptr<WriteJob> weak = job;
      stream = MakeSourceStream(job->size, [weak](uint64_t offset, ULONG length, BYTE* dst) -> HRESULT {
        auto j = weak.lock();
        return j ? j->Pull(offset, length, dst) : E_ABORT;
      });
      return std::nullopt;
    }
    case SourceKind::kFile: {
      auto file = std::make_shared<UniqueHandle>(::CreateFileW(
          job->path.c_str(), GENERIC_READ, FILE_SHARE_READ, nullptr, OPEN_EXISTING,
          FILE_ATTRIBUTE_NORMAL | FILE_FLAG_SEQUENTIAL_SCAN, nullptr));
      if (!*file) return CaptureWin32(::GetLastError(), "CreateFileW");
      LARGE_INTEGER size{};
      if (!::GetFileSizeEx(file->Get(), &size)) return CaptureWin32(::GetLastError(), "GetFileSizeEx");
      std::weak_ptr<WriteJob> weak = job;
      stream = MakeSourceStream(static_cast<uint64_t>(size.QuadPart),
                                [file, weak](uint64_t offset, ULONG length, BYTE* dst) -> HRESULT {
        ULONG done = 0;
        while (done < length) {
          OVERLAPPED at{};
          const uint64_t pos = offset + done;
          at.Offset = static_cast<DWORD>(pos & 0xFFFFFFFFu);
          at.OffsetHigh = static_cast<DWORD>(pos >> 32);
          DWORD got = 0;
          if (!::ReadFile(file->Get(), dst + done, length - done, &got, &at) || got == 0) {
            const DWORD err = got == 0 && ::GetLastError() == ERROR_SUCCESS ? ERROR_HANDLE_EOF : ::GetLastError();
            if (auto j = weak.lock()) j->RecordSourceFailure(CaptureWin32(err, "ReadFile"));
            return HRESULT_FROM_WIN32(err);
          }
          done += got;
        }
        return S_OK;
      });
      return std::nullopt;
    }
  }
  return Capture(E_INVALIDARG, "source");
}

// Everything COM, inside the apartment. Returns what Write returned and the error to report.
std::pair<HRESULT, std::optional<HResultError>> RunWrite(const std::shared_ptr<WriteJob>& job) {
  ComApartment com(Apartment::kMta);
  if (!com.ok()) return {com.hr(), CaptureHResult(com.hr(), "CoInitializeEx")};

  ComPtr<IDiscRecorder2> recorder;
  HRESULT hr = ::CoCreateInstance(kCLSID_MsftDiscRecorder2, nullptr, CLSCTX_ALL, kIID_IDiscRecorder2,
                                  recorder.PutVoid());
  if (FAILED(hr)) return {hr, Capture(hr, "CoCreateInstance(MsftDiscRecorder2)")};
  {
    Bstr id(job->recorderId);
    hr = recorder->InitializeDiscRecorder(id.Get());
    if (FAILED(hr)) return {hr, Capture(hr, "IDiscRecorder2::InitializeDiscRecorder")};
  }

  ComPtr<IDiscFormat2Data> format;
  ComPtr<IWriteEngine2> engine;
  ComPtr<IUnknown> writer;  // whichever of the two
  bool exclusive = false;
  if (job->api == Api::kFormat2Data) {
    hr = ::CoCreateInstance(kCLSID_MsftDiscFormat2Data, nullptr, CLSCTX_ALL, kIID_IDiscFormat2Data,
                            format.PutVoid());
    if (FAILED(hr)) return {hr, Capture(hr, "CoCreateInstance(MsftDiscFormat2Data)")};
    hr = format->put_Recorder(recorder.Get());
    if (FAILED(hr)) return {hr, Capture(hr, "IDiscFormat2Data::put_Recorder")};
    Bstr name(job->clientName);
    hr = format->put_ClientName(name.Get());
    if (FAILED(hr)) return {hr, Capture(hr, "IDiscFormat2Data::put_ClientName")};
    hr = format->put_ForceOverwrite(job->forceOverwrite ? VARIANT_TRUE : VARIANT_FALSE);
    if (FAILED(hr)) return {hr, Capture(hr, "IDiscFormat2Data::put_ForceOverwrite")};
    format->AddRef();
    writer = ComPtr<IUnknown>::Attach(format.Get());
  } else {
    hr = ::CoCreateInstance(kCLSID_MsftWriteEngine2, nullptr, CLSCTX_ALL, kIID_IWriteEngine2, engine.PutVoid());
    if (FAILED(hr)) return {hr, Capture(hr, "CoCreateInstance(MsftWriteEngine2)")};
    ComPtr<IDiscRecorder2Ex> recorderEx;
    hr = recorder.As(kIID_IDiscRecorder2Ex, recorderEx);
    if (FAILED(hr)) return {hr, Capture(hr, "IDiscRecorder2::QueryInterface(IDiscRecorder2Ex)")};
    hr = engine->put_Recorder(recorderEx.Get());
    if (FAILED(hr)) return {hr, Capture(hr, "IWriteEngine2::put_Recorder")};
    hr = engine->put_BytesPerSector(job->bytesPerSector);
    if (FAILED(hr)) return {hr, Capture(hr, "IWriteEngine2::put_BytesPerSector")};
    // IWriteEngine2 leaves exclusive access to its caller (IDiscFormat2Data takes it itself, under
    // the client name it is given).
    Bstr name(job->clientName);
    hr = recorder->AcquireExclusiveAccess(VARIANT_FALSE, name.Get());
    if (FAILED(hr)) return {hr, Capture(hr, "IDiscRecorder2::AcquireExclusiveAccess")};
    exclusive = true;
    engine->AddRef();
    writer = ComPtr<IUnknown>::Attach(engine.Get());
  }
  struct ExclusiveRelease {
    IDiscRecorder2* recorder;
    bool held;
    ~ExclusiveRelease() {
      if (held) recorder->ReleaseExclusiveAccess();
    }
  } exclusiveRelease{recorder.Get(), exclusive};

  ComPtr<IStream> stream;
  if (auto failure = OpenSource(job, stream)) return {static_cast<HRESULT>(failure->hresult), failure};

  // Advise the Update sink.
  const bool isFormat = job->api == Api::kFormat2Data;
  const char* const cpCall = isFormat ? "IDiscFormat2Data::FindConnectionPoint(DDiscFormat2DataEvents)"
                                      : "IWriteEngine2::FindConnectionPoint(DWriteEngine2Events)";
  ComPtr<IConnectionPointContainer> container;
  hr = writer.As(IID_IConnectionPointContainer, container);
  if (FAILED(hr)) return {hr, Capture(hr, cpCall)};
  ComPtr<IConnectionPoint> point;
  hr = container->FindConnectionPoint(isFormat ? kIID_DDiscFormat2DataEvents : kIID_DWriteEngine2Events,
                                      point.Put());
  if (FAILED(hr)) return {hr, Capture(hr, cpCall)};
  ComPtr<IDispatch> sink = ComPtr<IDispatch>::Attach(new UpdateSink(job));
  DWORD cookie = 0;
  hr = point->Advise(sink.Get(), &cookie);
  if (FAILED(hr)) return {hr, Capture(hr, isFormat ? "IConnectionPoint::Advise(DDiscFormat2DataEvents)"
                                                   : "IConnectionPoint::Advise(DWriteEngine2Events)")};

  const HRESULT writeHr = isFormat ? format->Write(stream.Get())
                                   : engine->WriteSection(stream.Get(), job->startLba, job->sectorCount);
  point->Unadvise(cookie);

  std::optional<HResultError> error;
  if (FAILED(writeHr)) {
    std::lock_guard<std::mutex> lock(job->failureMutex);
    error = job->sourceFailure ? *job->sourceFailure : Capture(writeHr, job->WriteCall());
  }
  return {writeHr, error};
}

void ThreadMain(std::shared_ptr<WriteJob> job) {
  std::pair<HRESULT, std::optional<HResultError>> result;
  try {
    result = RunWrite(job);  // every COM object is released (and COM uninitialised) when it returns
  } catch (const std::exception& e) {
    HResultError err;
    err.hresult = static_cast<uint32_t>(E_UNEXPECTED);
    err.call = job->WriteCall();
    err.systemMessage = e.what();
    result = {E_UNEXPECTED, err};
  }
  auto done = std::make_unique<Event>();
  done->kind = Event::Kind::kDone;
  done->hr = result.first;
  done->error = std::move(result.second);
  const bool posted = job->Post(std::move(done));
  if (job->bytesKept && posted && job->reported) ::WaitForSingleObject(job->reported.Get(), kReportWaitMs);
  job->bytesKept.reset();  // after the report was handled (see bytesKept); still before the thread ends
  napi_release_threadsafe_function(job->tsfn, napi_tsfn_release);
}

// ------------------------------------------------------------------------------------ JS side

void TeardownHook(void* arg) {
  auto* side = static_cast<JsSide*>(arg);
  side->hookRegistered = false;
  side->job->Stop();
  side->Join();
}

void Finalize(napi_env env, void*, void* context) {
  std::unique_ptr<JsSide> side(static_cast<JsSide*>(context));
  if (side->hookRegistered) {
    napi_remove_env_cleanup_hook(env, TeardownHook, side.get());
    side->hookRegistered = false;
  }
  side->Join();
}

Napi::Object UpdateObject(Napi::Env env, const UpdateFigures& f) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("startLba", f.startLba);
  o.Set("sectorCount", f.sectorCount);
  o.Set("lastReadLba", f.lastReadLba);
  o.Set("lastWrittenLba", f.lastWrittenLba);
  o.Set("totalSystemBuffer", f.totalSystemBuffer);
  o.Set("usedSystemBuffer", f.usedSystemBuffer);
  o.Set("freeSystemBuffer", f.freeSystemBuffer);
  if (f.hasFormatFigures) {
    o.Set("elapsedTime", f.elapsedTime);
    o.Set("remainingTime", f.remainingTime);
    o.Set("totalTime", f.totalTime);
    o.Set("currentAction", f.currentAction);
  }
  return o;
}

void CallMember(Napi::Env env, const Napi::ObjectReference& sink, const char* name,
                std::initializer_list<napi_value> args) {
  Napi::Value fn = sink.Value().Get(name);
  if (fn.IsFunction()) fn.As<Napi::Function>().Call(sink.Value(), args);
  (void)env;
}

void SignalReported(const std::weak_ptr<WriteJob>& weak) {
  if (auto job = weak.lock()) {
    if (job->reported) ::SetEvent(job->reported.Get());
  }
}

// Sets the job's `reported` event from a setImmediate, i.e. once the reactions to `done` (promise
// callbacks, which run after this callback) have run; at once when setImmediate cannot be called.
void SignalReportedLater(Napi::Env env, std::weak_ptr<WriteJob> weak) {
  try {
    Napi::Value immediate = env.Global().Get("setImmediate");
    if (immediate.IsFunction()) {
      immediate.As<Napi::Function>().Call(
          {Napi::Function::New(env, [weak](const Napi::CallbackInfo&) { SignalReported(weak); }, "winopsWriteReported")});
      return;
    }
  } catch (const Napi::Error&) {
    // fall through: signal now
  }
  SignalReported(weak);
}

void CallJs(napi_env rawEnv, napi_value, void* context, void* data) {
  std::unique_ptr<Event> e(static_cast<Event*>(data));
  if (rawEnv == nullptr || !e) return;
  auto* side = static_cast<JsSide*>(context);
  Napi::Env env(rawEnv);
  Napi::HandleScope scope(env);
  const double hr = static_cast<double>(static_cast<uint32_t>(e->hr));
  try {
    switch (e->kind) {
      case Event::Kind::kUpdate:
        if (!side->done) CallMember(env, side->sink, "update", {UpdateObject(env, e->update)});
        break;
      case Event::Kind::kCancelAttempt:
        if (!side->done) CallMember(env, side->sink, "cancelAttempt", {Napi::Number::New(env, hr)});
        break;
      case Event::Kind::kRead: {
        std::weak_ptr<WriteJob> weak = side->job;
        const uint64_t seq = e->seq;
        const ULONG length = e->length;
        Napi::Function deliver = Napi::Function::New(env, [weak, seq, length](const Napi::CallbackInfo& info) {
          auto job = weak.lock();
          if (!job) return;
          if (info.Length() > 0 && !info[0].IsNull() && !info[0].IsUndefined()) {
            std::string message = info[0].IsString() ? info[0].As<Napi::String>().Utf8Value()
                                                     : info[0].ToString().Utf8Value();
            job->Deliver(seq, std::move(message), {});
            return;
          }
          if (info.Length() < 2 || !info[1].IsTypedArray() ||
              info[1].As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array) {
            job->Deliver(seq, std::string("read() must deliver a Uint8Array"), {});
            return;
          }
          Napi::Uint8Array bytes = info[1].As<Napi::Uint8Array>();
          if (bytes.ByteLength() != length) {
            job->Deliver(seq, "read() delivered " + std::to_string(bytes.ByteLength()) + " bytes, not " +
                                  std::to_string(length), {});
            return;
          }
          job->Deliver(seq, std::nullopt, std::vector<uint8_t>(bytes.Data(), bytes.Data() + bytes.ByteLength()));
        }, "deliver");
        try {
          side->read.Call({Napi::Number::New(env, static_cast<double>(e->offset)),
                           Napi::Number::New(env, static_cast<double>(e->length)), deliver});
        } catch (const Napi::Error& err) {
          side->job->Deliver(seq, "read() threw: " + err.Message(), {});
        }
        break;
      }
      case Event::Kind::kDone: {
        side->done = true;
        Napi::Value error = env.Null();
        if (e->error) error = ToJsData(env, *e->error);
        CallMember(env, side->sink, "done", {error, Napi::Number::New(env, hr)});
        side->sink.Reset();
        side->read.Reset();
        SignalReportedLater(env, side->job);  // the write thread may now free what it kept (bytesKept)
        break;
      }
    }
  } catch (const Napi::Error& err) {
    if (e->kind == Event::Kind::kDone) SignalReported(side->job);
    // A throwing sink is an ordinary uncaught exception, as in common/worker.cc.
    napi_fatal_exception(env, err.Value());
  }
}

// ------------------------------------------------------------------------------------ argument parsing

// Arguments (common/args.h): a TypeError or RangeError naming the property, before anything runs.
std::wstring StringProp(const Napi::Object& o, const char* object, const char* name) {
  return args::WideString(o.Get(name), std::string("startWrite: ") + object + "." + name);
}

double NumberProp(const Napi::Object& o, const char* object, const char* name, double min, double max) {
  const std::string what = std::string("startWrite: ") + object + "." + name;
  char expected[96];
  std::snprintf(expected, sizeof expected, "an integer from %.0f to %.0f", min, max);
  return args::Integer(o.Get(name), what, min, max, expected);
}

}  // namespace

Napi::Value StartWrite(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!args::At(info, 0).IsObject()) args::TypeFail(args::At(info, 0), "startWrite: request", "an object");
  if (!args::At(info, 1).IsObject()) args::TypeFail(args::At(info, 1), "startWrite: sink", "an object");
  Napi::Object request = info[0].As<Napi::Object>();
  Napi::Object sink = info[1].As<Napi::Object>();
  for (const char* m : {"update", "cancelAttempt", "done"}) {
    Napi::Value fn = sink.Get(m);
    if (!fn.IsFunction()) args::TypeFail(fn, std::string("startWrite: sink.") + m, "a function");
  }

  auto job = std::make_shared<WriteJob>();
  job->reported.Reset(::CreateEventW(nullptr, TRUE, FALSE, nullptr));
  const std::wstring api = StringProp(request, "request", "api");
  if (api == L"format2data") {
    job->api = Api::kFormat2Data;
    job->forceOverwrite = args::Boolean(request.Get("forceOverwrite"), "startWrite: request.forceOverwrite", false);
  } else if (api == L"writeEngine2") {
    job->api = Api::kWriteEngine2;
    job->startLba = static_cast<LONG>(NumberProp(request, "request", "startLba", -2147483648.0, 2147483647.0));
    job->sectorCount = static_cast<LONG>(NumberProp(request, "request", "sectorCount", 1, 2147483647.0));
    job->bytesPerSector = static_cast<LONG>(NumberProp(request, "request", "bytesPerSector", 1, 65536));
  } else {
    throw Napi::TypeError::New(env, "startWrite: request.api must be 'format2data' or 'writeEngine2'");
  }
  job->recorderId = StringProp(request, "request", "recorderId");
  job->clientName = StringProp(request, "request", "clientName");
  // IDiscFormat2Data::Write refuses an empty client name (E_IMAPI_DF2DATA_CLIENT_NAME_IS_NOT_VALID).
  if (job->clientName.empty()) throw Napi::TypeError::New(env, "startWrite: request.clientName must not be empty");

  Napi::Value sourceValue = request.Get("source");
  if (!sourceValue.IsObject()) args::TypeFail(sourceValue, "startWrite: request.source", "an object");
  Napi::Object source = sourceValue.As<Napi::Object>();
  const std::wstring kind = StringProp(source, "source", "kind");
  Napi::Function read;
  if (kind == L"file") {
    job->sourceKind = SourceKind::kFile;
    job->path = StringProp(source, "source", "path");
  } else if (kind == L"bytes") {
    Napi::Value data = source.Get("data");
    if (!data.IsTypedArray() || data.As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array) {
      args::TypeFail(data, "startWrite: source.data", "a Uint8Array");
    }
    Napi::Uint8Array bytes = data.As<Napi::Uint8Array>();
    job->sourceKind = SourceKind::kBytes;
    // A copy: the write thread must not read memory JS can detach or change meanwhile.
    job->bytes.assign(bytes.Data(), bytes.Data() + bytes.ByteLength());
  } else if (kind == L"pull") {
    job->sourceKind = SourceKind::kPull;
    job->size = static_cast<uint64_t>(NumberProp(source, "source", "size", 0, 9007199254740991.0));
    Napi::Value fn = source.Get("read");
    if (!fn.IsFunction()) args::TypeFail(fn, "startWrite: source.read", "a function");
    read = fn.As<Napi::Function>();
  } else {
    throw Napi::TypeError::New(env, "startWrite: source.kind must be 'file', 'bytes' or 'pull'");
  }

  auto side = std::make_unique<JsSide>();
  side->job = job;
  side->sink = Napi::Persistent(sink);
  if (!read.IsEmpty()) side->read = Napi::Persistent(read);
  side->state = StateOf(env);

  napi_threadsafe_function tsfn = nullptr;
  if (napi_create_threadsafe_function(env, nullptr, nullptr, Napi::String::New(env, "winops.imapi2.write"), 0, 1,
                                      nullptr, Finalize, side.get(), CallJs, &tsfn) != napi_ok) {
    throw Napi::Error::New(env, "napi_create_threadsafe_function failed");
  }
  JsSide* raw = side.release();  // owned by the threadsafe function from here (Finalize)
  job->tsfn = tsfn;
  try {
    raw->thread = std::thread(ThreadMain, job);
  } catch (const std::system_error& e) {
    napi_release_threadsafe_function(tsfn, napi_tsfn_release);
    throw Napi::Error::New(env, std::string("could not start a thread: ") + e.what());
  }
  if (raw->state) raw->state->liveThreads.fetch_add(1);
  if (napi_add_env_cleanup_hook(env, TeardownHook, raw) == napi_ok) raw->hookRegistered = true;

  Napi::Object handle = Napi::Object::New(env);
  std::weak_ptr<WriteJob> weak = job;
  handle.Set("requestCancel", Napi::Function::New(env, [weak](const Napi::CallbackInfo&) {
    if (auto j = weak.lock()) j->RequestCancel();
  }, "requestCancel"));
  return handle;
}

}  // namespace winops::imapi2
