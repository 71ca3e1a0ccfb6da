#include "imapi2/write_job.h"

#include <cstring>
#include <utility>

#include "imapi2/imapi2_abi.h"

namespace winops::imapi2 {

void WriteJob::SetTsfn(napi_threadsafe_function f) {
  std::lock_guard<std::mutex> lock(tsfnMutex_);
  tsfn_ = f;
}

bool WriteJob::Post(std::unique_ptr<Event> e) {
  std::lock_guard<std::mutex> lock(tsfnMutex_);
  if (tsfnGone_ || tsfn_ == nullptr) return false;
  if (napi_call_threadsafe_function(tsfn_, e.get(), napi_tsfn_nonblocking) != napi_ok) return false;
  e.release();
  return true;
}

void WriteJob::ReleaseTsfn() {
  std::lock_guard<std::mutex> lock(tsfnMutex_);
  if (tsfnGone_ || tsfn_ == nullptr) return;
  tsfnGone_ = true;
  napi_release_threadsafe_function(tsfn_, napi_tsfn_release);
}

void WriteJob::AbandonTsfn() {
  std::lock_guard<std::mutex> lock(tsfnMutex_);
  tsfnGone_ = true;
}

void WriteJob::RecordSourceFailure(HResultError e) {
  std::lock_guard<std::mutex> lock(failureMutex);
  if (!sourceFailure) sourceFailure = std::move(e);
}

void WriteJob::Stop() {
  cancelRequested = true;
  if (reported) ::SetEvent(reported.Get());
  Monitor::Lock lock(read);
  stopping = true;
  read.NotifyAll();
}

HRESULT WriteJob::Pull(uint64_t offset, ULONG length, BYTE* dst) {
  Monitor::Lock lock(read);
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
  lock.Unlock();
  Post(std::move(e));
  lock.Relock();
  // A cancel is carried out by CancelWrite in the next Update, but no Update comes while IMAPI waits
  // for this read: a source that never answers would make the cancel (and the write) wait forever.
  // Once a cancel is requested, the source gets kCancelReadGraceMs to answer; then the read fails and
  // the write ends as cancelled.
  const auto answered = [&] { return stopping.load() || (readReady && readSeq == seq); };
  bool abandoned = false;
  while (!answered()) {
    if (cancelRequested) {
      abandoned = !read.WaitFor(lock, static_cast<DWORD>(kCancelReadGraceMs), answered);
      break;
    }
    read.Wait(lock, [&] { return answered() || cancelRequested.load(); });
  }
  if (abandoned) {
    HResultError f;
    f.hresult = static_cast<uint32_t>(abi::kE_IMAPI_REQUEST_CANCELLED);
    f.call = "IStream::Read";
    f.systemMessage = "the write was cancelled while it waited for the source's data";
    lock.Unlock();
    RecordSourceFailure(std::move(f));
    return E_ABORT;
  }
  if (!readReady) {
    HResultError f;
    f.hresult = static_cast<uint32_t>(E_ABORT);
    f.call = "IStream::Read";
    f.systemMessage = "the JavaScript environment is shutting down";
    lock.Unlock();
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
    lock.Unlock();
    RecordSourceFailure(std::move(f));
    return E_FAIL;
  }
  std::memcpy(dst, readData.data(), length);
  return S_OK;
}

void WriteJob::RequestCancel() {
  Monitor::Lock lock(read);
  cancelRequested = true;
  read.NotifyAll();
}

void WriteJob::Deliver(uint64_t seq, std::optional<std::string> error, std::vector<uint8_t> data) {
  Monitor::Lock lock(read);
  if (seq != readSeq || readReady) return;  // stale or repeated delivery
  readError = std::move(error);
  readData = std::move(data);
  readReady = true;
  read.NotifyAll();
}

}  // namespace winops::imapi2
