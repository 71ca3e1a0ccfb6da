// The state of one IMAPI2 write (IDiscFormat2Data::Write or IWriteEngine2::WriteSection), shared by the JS
// thread, the write thread and whatever thread IMAPI calls the Update sink and the source stream on; and the
// family's per-environment state (stats, the teardown budget). See write.cc for the whole protocol.
#pragma once

#include <napi.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common/handles.h"
#include "common/hresult.h"
#include "common/monitor.h"
#include "common/win.h"

namespace winops::imapi2 {

// What the family counts in one environment, for the addon's `imapi2.stats()` (tests read it: under Wine the
// power state itself cannot be observed).
struct WriteStats {
  std::atomic<int> threads{0};                      // write threads started and not yet joined or abandoned
  std::atomic<int> executionStateHeld{0};           // writes holding ES_CONTINUOUS | ES_SYSTEM_REQUIRED now
  std::atomic<uint64_t> executionStateRequests{0};  // SetThreadExecutionState calls made to hold it
  std::atomic<uint64_t> executionStateFailures{0};  // ... of which answered 0 (failed)
  std::atomic<uint64_t> abandoned{0};               // write threads abandoned at teardown
};

// One per environment (imapi2::Create), shared by the functions it makes and every write.
struct Family {
  WriteStats stats;
  // GetTickCount64() when this environment's IMAPI2 teardown began (the first write's cleanup hook to run);
  // 0 before. JS thread only (cleanup hooks run there, one after the other).
  ULONGLONG teardownStart = 0;
};

enum class Api { kFormat2Data, kWriteEngine2 };
enum class SourceKind { kFile, kBytes, kPull };

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

// At most this long the write thread keeps a 'bytes' source's copy after posting `done` (WriteJob::bytesKept).
constexpr DWORD kReportWaitMs = 1000;

// How long a read of a 'pull' source may still take once a cancel is requested (see WriteJob::Pull).
constexpr int kCancelReadGraceMs = 1000;

struct WriteJob {
  // The request (immutable once the thread starts).
  Api api = Api::kFormat2Data;
  std::wstring recorderId, clientName, path;
  bool forceOverwrite = false;
  // IMAPI_BURN_VERIFICATION_LEVEL for IBurnVerification::put_BurnVerificationLevel; -1: leave IMAPI's default.
  int verificationLevel = -1;
  LONG startLba = 0, sectorCount = 0, bytesPerSector = 2048;
  SourceKind sourceKind = SourceKind::kBytes;
  std::vector<uint8_t> bytes;
  uint64_t size = 0;
  std::shared_ptr<Family> family;
  // The copy of a 'bytes' source, shared with the stream. The write thread lets go of it only once the
  // JS thread has handled `done` and what reacts to it (`reported`, set from a setImmediate, or at
  // teardown; bounded by kReportWaitMs): freeing a large copy takes milliseconds (16 MiB: 1 to 3 ms
  // under Wine) and, while it runs, holds up the JS thread. Write thread only.
  std::shared_ptr<const std::vector<uint8_t>> bytesKept;
  UniqueHandle reported;     // manual-reset event; may be null (then no wait)
  UniqueHandle threadEnded;  // manual-reset event, set as the write thread's last act (teardown waits on it)

  std::atomic<bool> cancelRequested{false};
  std::atomic<bool> cancelAccepted{false};
  std::atomic<bool> stopping{false};  // env teardown

  // 'pull' reads: one outstanding request at a time (IStream::Read is serialised).
  Monitor read;  // readSeq, readReady, readData, readError, stopping (common/monitor.h)
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

  // The threadsafe function, once. Post/ReleaseTsfn/AbandonTsfn may race (an Update that IMAPI delivers on
  // another thread after Unadvise, the write thread's release, teardown): tsfnMutex orders them, and nothing
  // calls the function once it was released or abandoned (issue 11 item 16).
  void SetTsfn(napi_threadsafe_function f);
  // Queues e for the JS thread; false (e dropped) once the function was released or abandoned.
  bool Post(std::unique_ptr<Event> e);
  // The write thread's release of the function (its last use of it).
  void ReleaseTsfn();
  // Teardown gave up on the write thread: the function is Node's to close; the thread never touches it again.
  void AbandonTsfn();

  void RecordSourceFailure(HResultError e);
  void Stop();                  // env teardown: cancel, fail pending reads, wake the bytesKept wait
  void RequestCancel();         // JS thread: requestCancel(); also wakes a read waiting for the source
  HRESULT Pull(uint64_t offset, ULONG length, BYTE* dst);  // blocks the reading thread until JS delivered
  void Deliver(uint64_t seq, std::optional<std::string> error, std::vector<uint8_t> data);

 private:
  std::mutex tsfnMutex_;
  napi_threadsafe_function tsfn_ = nullptr;
  bool tsfnGone_ = false;
};

}  // namespace winops::imapi2
