// The MI family's state (one per environment) and the objects it keeps: shared by its files by concern,
//   sessions.cc    the application and sessions (mi.dll, MI_Application_*, MI_Session_Close)
//   operations.cc  operations and the delivery of their results (MI_Session_* on the starter, MI's callbacks,
//                  batches to JS, cancel, close)
//   teardown.cc    environment teardown (bounded, common/teardown.h), openHandles and stats
//   backend.cc     the JS functions (arguments) and their registration (CreateBinding)
// See backend.h for the contract. Internal to native/mi: nothing outside includes this.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <napi.h>

#include "common/dispatcher.h"
#include "common/handles.h"
#include "common/hresult.h"
#include "common/utf.h"
#include "common/win.h"
#include "mi/mi_abi.h"
#include "mi/starter.h"
#include "mi/values.h"

namespace winops::mi::detail {

using namespace mi_abi;
using Handle = uint32_t;

// The most values one onBatch call carries as arguments (a larger batch is split between instances).
constexpr size_t kCallValues = 4096;

// Teardown waits for MI within the shared budget of common/teardown.h (kTeardownBoundMs for the whole family).
constexpr const char* kFamily = "mi";

inline const MI_Char* W(const std::u16string& s) { return reinterpret_cast<const MI_Char*>(s.c_str()); }
inline std::u16string U16(const MI_Char* s) {
  return s ? std::u16string(reinterpret_cast<const char16_t*>(s)) : std::u16string();
}

// A failure as data: { miResult, call, errorMessage, errorDetails } (+ hresult for Win32 failures).
struct MiFailure {
  MI_Result miResult = MI_RESULT_FAILED;
  std::string call;
  std::u16string errorMessage;
  ErrorDetails details;
  std::optional<uint32_t> hresult;
};

inline Napi::Error ToJsError(Napi::Env env, const MiFailure& f) {
  std::string message = f.call + " failed with MI_Result " + std::to_string(static_cast<int>(f.miResult));
  if (!f.errorMessage.empty()) message += ": " + WideToUtf8(U16ToWide(f.errorMessage));
  Napi::Error e = Napi::Error::New(env, message);
  e.Set("miResult", Napi::Number::New(env, static_cast<double>(f.miResult)));
  e.Set("call", Napi::String::New(env, f.call));
  if (!f.errorMessage.empty()) e.Set("errorMessage", Napi::String::New(env, f.errorMessage));
  if (f.details.present) e.Set("errorDetails", ToJs(env, f.details));
  if (f.hresult) e.Set("hresult", Napi::Number::New(env, static_cast<double>(*f.hresult)));
  return e;
}

inline MiFailure Win32Failure(DWORD error, const char* call, const char* what) {
  MiFailure f;
  f.miResult = MI_RESULT_FAILED;
  f.call = call;
  const std::string text = SystemMessage(HRESULT_FROM_WIN32(error));
  f.errorMessage = WideToU16(Utf8ToWide(std::string(what) + (text.empty() ? "" : ": " + text)));
  f.details.present = true;
  f.details.hasErrorCode = true;
  f.details.errorCode = static_cast<double>(error);
  f.details.errorType = u"WIN32";
  f.details.windowsErrorMessage = WideToU16(Utf8ToWide(text));
  f.details.message = f.errorMessage;
  f.hresult = static_cast<uint32_t>(HRESULT_FROM_WIN32(error));
  return f;
}

// The instance MI returned as extended error: copied, then deleted as the caller must.
inline MiFailure MiCallFailure(MI_Result r, const char* call, MI_Instance* extendedError) {
  MiFailure f;
  f.miResult = r;
  f.call = call;
  if (extendedError) {
    f.details = CopyErrorDetails(extendedError);
    f.errorMessage = f.details.message;
    extendedError->ft->Delete(extendedError);
  }
  return f;
}

// The operation's lock: taken for every result in MI's callback and by the JS thread for every batch and report,
// each time for a moment. A slim reader/writer lock waits without a kernel object when the two threads meet
// (std::mutex here is winpthreads', which waits on an event: a system call per contended lock, very slow under
// Wine).
class SlimMutex {
 public:
  void lock() { ::AcquireSRWLockExclusive(&lock_); }
  void unlock() { ::ReleaseSRWLockExclusive(&lock_); }

 private:
  SRWLOCK lock_ = SRWLOCK_INIT;
};

struct Session {
  Handle handle = 0;
  MI_Session session{};
  // JS thread only
  bool visible = false;
  bool closing = false;
  std::set<Handle> ops;
  std::optional<Napi::Promise::Deferred> closeDeferred;
  // The thread that starts this session's operations (and then closes it, in that order); made at the first one.
  std::shared_ptr<StartQueue> starter;
  // any thread
  std::atomic<bool> closeCalled{false};  // MI_Session_Close was called (with a completion)
  std::atomic<bool> closed{false};
  UniqueHandle closedEvent{::CreateEventW(nullptr, TRUE, FALSE, nullptr)};
};

// The final result, copied out of MI.
struct FinalData {
  MI_Result result = MI_RESULT_OK;
  bool hasErrorMessage = false;
  std::u16string errorMessage;
  ErrorDetails details;
};

struct Op {
  Handle handle = 0;
  std::shared_ptr<Session> session;
  MI_Operation op{};
  // Where the MI_SessionFT call that fills `op` is (guarded by mu): none (never: the session was not valid, or
  // teardown dropped the start), queued on the session's starter, calling (inside the MI call), returned.
  enum class Start { kNone, kQueued, kCalling, kReturned };
  Start start = Start::kNone;
  bool cancelRequested = false;  // cancel() before the MI call returned: cancelled as soon as it has
  MI_CancellationReason cancelReason = MI_REASON_NONE;
  bool closeDeferred = false;  // close() while the MI call had not returned: the starter closes it after
  // The strings and instances the MI call was given, kept until the operation is closed.
  std::u16string nameSpace, text1, text2;
  std::vector<MI_Instance*> inbound;
  uint64_t window = 64;  // instances outstanding before an acknowledgement is held (set before MI is called)
  // MI's callback only (one result at a time for an operation: the next comes after the acknowledgement).
  SchemaCache schemas;
  std::vector<SchemaData> added;
  // guarded by mu
  SlimMutex mu;
  MI_ResultAcknowledgement ack = nullptr;  // the final result's resultAcknowledgement (given by Close)
  MI_Operation* ackOperation = nullptr;
  MI_ResultAcknowledgement held = nullptr;  // the acknowledgement held while the window is full
  MI_Operation* heldOperation = nullptr;
  uint64_t outstanding = 0;  // instances delivered by MI and not yet reported consumed
  Batch pending;             // what JS has not been handed yet
  bool hasFinal = false;     // pending holds the final result
  FinalData final;
  bool posted = false;       // a delivery of `pending` is queued on the dispatcher
  bool waiting = false;      // the consumer waits (a poll found nothing): post the next result
  Batch spare;               // a delivered batch, cleared, kept for its capacity
  bool finalArrived = false;
  bool closed = false;
  UniqueHandle finalEvent{::CreateEventW(nullptr, TRUE, FALSE, nullptr)};

  // Takes the held and the final acknowledgements (if any) and calls them. Any thread.
  void AckPending() {
    MI_ResultAcknowledgement fns[2] = {nullptr, nullptr};
    MI_Operation* targets[2] = {nullptr, nullptr};
    {
      std::lock_guard<SlimMutex> lock(mu);
      fns[0] = std::exchange(held, nullptr);
      targets[0] = std::exchange(heldOperation, nullptr);
      fns[1] = std::exchange(ack, nullptr);
      targets[1] = std::exchange(ackOperation, nullptr);
    }
    for (int i = 0; i < 2; ++i) {
      if (fns[i]) fns[i](targets[i]);
    }
  }
};

class State;

void WINOPS_MI_CALL OnInstanceResult(MI_Operation* operation, void* context, const MI_Instance* instance,
                                     MI_Boolean moreResults, MI_Result resultCode, const MI_Char* errorString,
                                     const MI_Instance* errorDetails, MI_ResultAcknowledgement ack);
void WINOPS_MI_CALL OnIndicationResult(MI_Operation* operation, void* context, const MI_Instance* instance,
                                       const MI_Char* bookmark, const MI_Char* machineID, MI_Boolean moreResults,
                                       MI_Result resultCode, const MI_Char* errorString,
                                       const MI_Instance* errorDetails, MI_ResultAcknowledgement ack);

struct CallbackContext {
  std::shared_ptr<State> state;
  std::shared_ptr<Op> op;
};

// What the starter needs to make the MI call (the strings and instances are the operation's own).
struct StartRequest {
  std::string kind;
  bool keysOnly = false;
  MI_Instance* keys = nullptr;
  MI_Instance* params = nullptr;
};

struct SessionCloseContext {
  std::shared_ptr<State> state;
  std::shared_ptr<Session> session;
};

struct SessionRequest {
  std::optional<std::u16string> computer;
  std::optional<std::u16string> protocol;  // L"WINRM" / L"WMIDCOM"
  bool hasCredentials = false;
  std::u16string authType, username, password, domain;
  bool hasDomain = false;

  ~SessionRequest() { Wipe(); }
  void Wipe() {
    if (!password.empty()) ::SecureZeroMemory(password.data(), password.size() * sizeof(char16_t));
    password.clear();
  }
};

class State : public std::enable_shared_from_this<State> {
 public:
  explicit State(Napi::Env env) : env_(env) {}

  void Start();

  Dispatcher& dispatcher() { return *dispatcher_; }
  bool tearingDown() const { return tearingDown_.load(); }

  // ------------------------------------------------------------------------------ application

  // Any thread. mi.dll from System32 and MI_Application_InitializeV1, once per environment.
  bool EnsureApplication(MiFailure* failure);

  // ------------------------------------------------------------------------------ sessions

  Napi::Value OpenSession(Napi::Env env, std::shared_ptr<SessionRequest> req);

  // Session thread.
  bool NewSession(Session& s, const SessionRequest& req, MiFailure* failure);

  // JS thread: the session thread posted its outcome as its last step, so it ends now.
  void JoinThread(uint64_t id);

  Napi::Value CloseSession(Napi::Env env, Handle h);

  // Any thread. Asynchronous: MI calls back once every operation of the session is closed.
  void CallSessionClose(const std::shared_ptr<Session>& s);

  static void WINOPS_MI_CALL OnSessionClosed(void* context);

  // JS thread: a closed session's starter ends (it may still be returning from MI_Session_Close); joined later.
  void RetireStarter(Session& s);

  // ------------------------------------------------------------------------------ operations

  Napi::Value StartOperation(const Napi::CallbackInfo& info);

  // The session's starter thread: the MI_SessionFT call, then what JS asked for meanwhile (a cancel, a close).
  void RunStart(const std::shared_ptr<Op>& op, const StartRequest& r);

  // MI's thread, inside the callback: the instance is copied into the pending batch (valid only until it is
  // acknowledged), and acknowledged at once while fewer than `window` instances are outstanding; the one that
  // fills the window keeps its acknowledgement until Consumed makes room (back-pressure). The final result's
  // acknowledgement waits for Close. A dispatcher post hands the batch to JS when JS waits for it (or for the
  // final result), however many results join it before JS runs; otherwise JS takes it with Poll.
  void OnResult(const std::shared_ptr<Op>& op, MI_Operation* operation, const MI_Instance* instance, bool more,
                MI_Result result, const MI_Char* errorString, const MI_Instance* errorDetails,
                MI_ResultAcknowledgement ack);

  // JS thread: everything pending, to onBatch(newSchemas, shapes, final, held, ...values), the values as call
  // arguments (lib/native/mi.ts gathers them into MiResultBatch.values). A large batch goes in several calls of
  // at most kCallValues values (whole instances); final and held belong to the last.
  void Deliver(Napi::Env env, const std::shared_ptr<Op>& op);

  // JS thread: a final result that never went through MI (the session was not valid).
  void DeliverSynthetic(const std::shared_ptr<Op>& op, MI_Result result, std::u16string message);

  // JS thread: what is pending goes to onBatch now (true); if nothing is, the next result is posted (false).
  bool Poll(Napi::Env env, Handle h);

  // JS thread: n instances left the window; a held acknowledgement is given once there is room.
  void Consumed(Handle h, uint64_t n);

  MI_Result Cancel(Handle h, MI_CancellationReason reason);

  MI_Result Close(Handle h);

  static void ReleaseOp(Op& op);

  Napi::Value OpenHandles(Napi::Env env);

  Napi::Value Stats(Napi::Env env);

  // ------------------------------------------------------------------------------ teardown

  // JS thread: environment teardown, or shutdown() on process 'exit'. Runs once, and never longer than
  // kTeardownBoundMs in all (common/teardown.h): what MI has not ended by then is abandoned, one stderr line each,
  // and what needs it closed first is left too (mi.h: MI_Session_Close completes only once all its operations are
  // closed, MI_Application_Close only once all operations and sessions are; MI_Operation_Close before the final
  // result stops responding, MI_Operation_GetInstance page). The docs give no bound for any of these waits.
  void Teardown();

  MI_Application* app() { return &app_; }
  Handle NextHandle() { return next_++; }

  // JS thread only.
  std::map<Handle, std::shared_ptr<Session>> sessions_;
  std::map<Handle, std::shared_ptr<Op>> ops_;
  std::map<Handle, Napi::FunctionReference> callbacks_;

 private:
  Napi::Env env_;
  std::shared_ptr<Dispatcher> dispatcher_;
  Handle next_ = 1;  // JS thread
  uint64_t nextThread_ = 1;
  bool tornDown_ = false;
  std::atomic<bool> tearingDown_{false};

  std::mutex appMu_;
  HMODULE module_ = nullptr;
  MI_Application_InitializeV1Fn initialize_ = nullptr;
  MI_Application app_{};
  std::atomic<bool> appReady_{false};

  std::mutex threadsMu_;
  std::map<uint64_t, std::shared_ptr<StartQueue>> threads_;  // session threads (MI_Application_NewSession)
  std::vector<std::shared_ptr<StartQueue>> retired_;           // starters of closed sessions (JS thread)
  std::vector<std::shared_ptr<Session>> allSessions_;
};

}  // namespace winops::mi::detail
