// The write thread: everything COM for one write (IDiscFormat2Data::Write or IWriteEngine2::WriteSection),
// inside the MTA, then `done` through the threadsafe function. See write.cc for the protocol.
#include "imapi2/write_thread.h"

#include <cstring>
#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/apartment.h"
#include "common/com_ptr.h"
#include "common/handles.h"
#include "common/hresult.h"
#include "common/utf.h"
#include "imapi2/imapi2.h"
#include "imapi2/imapi2_abi.h"
#include "imapi2/source_stream.h"
#include "imapi2/update_sink.h"

namespace winops::imapi2 {
namespace {

using namespace abi;

// ES_CONTINUOUS | ES_SYSTEM_REQUIRED on this thread for the life of the object; then ES_CONTINUOUS alone, which
// clears it (nf-winbase-setthreadexecutionstate.md: the state "should remain in effect until the next call that
// uses ES_CONTINUOUS and one of the other state flags is cleared"; its example clears with SetThreadExecutionState
// (ES_CONTINUOUS)). The write thread is the addon's own and holds no other state, so clearing restores it.
// stats count it: the tests' only view of it (Wine does not sleep).
class ExecutionStateHold {
 public:
  explicit ExecutionStateHold(WriteStats& stats) : stats_(stats) {
    stats_.executionStateRequests.fetch_add(1);
    held_ = ::SetThreadExecutionState(ES_CONTINUOUS | ES_SYSTEM_REQUIRED) != 0;
    if (held_) stats_.executionStateHeld.fetch_add(1);
    else stats_.executionStateFailures.fetch_add(1);  // a write still runs; only the idle sleep is not held off
  }
  ~ExecutionStateHold() {
    if (!held_) return;
    ::SetThreadExecutionState(ES_CONTINUOUS);
    stats_.executionStateHeld.fetch_sub(1);
  }
  ExecutionStateHold(const ExecutionStateHold&) = delete;
  ExecutionStateHold& operator=(const ExecutionStateHold&) = delete;

 private:
  WriteStats& stats_;
  bool held_ = false;
};

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
    if (job->verificationLevel >= 0) {
      // IBurnVerification (nn-imapi2-iburnverification.md: "Burn verification level should be set prior to a burn
      // operation"), reached by QueryInterface on the IDiscFormat2Data, as that page's example does.
      ComPtr<IBurnVerification> verification;
      hr = format.As(kIID_IBurnVerification, verification);
      if (FAILED(hr)) return {hr, Capture(hr, "IDiscFormat2Data::QueryInterface(IBurnVerification)")};
      hr = verification->put_BurnVerificationLevel(static_cast<IMAPI_BURN_VERIFICATION_LEVEL>(job->verificationLevel));
      if (FAILED(hr)) return {hr, Capture(hr, "IBurnVerification::put_BurnVerificationLevel")};
    }
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
  ComPtr<IDispatch> sink = MakeUpdateSink(job);
  DWORD cookie = 0;
  hr = point->Advise(sink.Get(), &cookie);
  if (FAILED(hr)) return {hr, Capture(hr, isFormat ? "IConnectionPoint::Advise(DDiscFormat2DataEvents)"
                                                   : "IConnectionPoint::Advise(DWriteEngine2Events)")};

  HRESULT writeHr;
  {
    // "Preventing Logoff or Suspend During a Burn" (desktop-src/imapi/preventing-logoff-or-suspend-during-a-burn.md):
    // a power transition interrupts the burn and can leave the disc unusable; applications should call
    // SetThreadExecutionState to prevent the idle time-out to Suspend (it does not stop a Suspend the user asks
    // for). Held on this thread, the one that runs the synchronous Write, and cleared after it (see ExecutionStateHold).
    ExecutionStateHold awake(job->family->stats);
    writeHr = isFormat ? format->Write(stream.Get())
                       : engine->WriteSection(stream.Get(), job->startLba, job->sectorCount);
  }
  point->Unadvise(cookie);

  std::optional<HResultError> error;
  if (FAILED(writeHr)) {
    std::lock_guard<std::mutex> lock(job->failureMutex);
    error = job->sourceFailure ? *job->sourceFailure : Capture(writeHr, job->WriteCall());
  }
  return {writeHr, error};
}

}  // namespace

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
  job->ReleaseTsfn();      // the last use of the threadsafe function (a no-op if teardown abandoned it)
  if (job->threadEnded) ::SetEvent(job->threadEnded.Get());  // what a teardown waits for
}

}  // namespace winops::imapi2
