#include "mi/backend.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

#include "common/args.h"
#include "common/dispatcher.h"
#include "common/handles.h"
#include "common/hresult.h"
#include "common/teardown.h"
#include "common/utf.h"
#include "common/win.h"
#include "mi/mi_abi.h"
#include "mi/starter.h"
#include "mi/values.h"

namespace winops::mi {
namespace {

using namespace mi_abi;
using Handle = uint32_t;

// The most values one onBatch call carries as arguments (a larger batch is split between instances).
constexpr size_t kCallValues = 4096;

// Teardown waits for MI within the shared budget of common/teardown.h (kTeardownBoundMs for the whole family).
constexpr const char* kFamily = "mi";

const MI_Char* W(const std::u16string& s) { return reinterpret_cast<const MI_Char*>(s.c_str()); }
std::u16string U16(const MI_Char* s) {
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

Napi::Error ToJsError(Napi::Env env, const MiFailure& f) {
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

MiFailure Win32Failure(DWORD error, const char* call, const char* what) {
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
MiFailure MiCallFailure(MI_Result r, const char* call, MI_Instance* extendedError) {
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

  void Start() {
    auto self = shared_from_this();
    dispatcher_ = Dispatcher::Create(env_, "winops.mi", [self] { self->Teardown(); });
  }

  Dispatcher& dispatcher() { return *dispatcher_; }
  bool tearingDown() const { return tearingDown_.load(); }

  // ------------------------------------------------------------------------------ application

  // Any thread. mi.dll from System32 and MI_Application_InitializeV1, once per environment.
  bool EnsureApplication(MiFailure* failure) {
    std::lock_guard<std::mutex> lock(appMu_);
    if (appReady_) return true;
    if (!module_) {
      // System32 only: mi.dll is a system DLL (a test double goes into the prefix's system32).
      module_ = ::LoadLibraryExW(L"mi.dll", nullptr, LOAD_LIBRARY_SEARCH_SYSTEM32);
      if (!module_) {
        *failure = Win32Failure(::GetLastError(), "LoadLibraryExW(mi.dll)",
                                "mi.dll (Windows Management Infrastructure, Windows 8 / Server 2012 and "
                                "later) could not be loaded");
        return false;
      }
      FARPROC p = ::GetProcAddress(module_, "MI_Application_InitializeV1");
      if (!p) {
        *failure = Win32Failure(::GetLastError(), "GetProcAddress(MI_Application_InitializeV1)",
                                "mi.dll does not export MI_Application_InitializeV1");
        ::FreeLibrary(module_);
        module_ = nullptr;
        return false;
      }
      static_assert(sizeof p == sizeof initialize_, "function pointer size");
      std::memcpy(&initialize_, &p, sizeof p);
    }
    MI_Instance* extendedError = nullptr;
    const MI_Result r = initialize_(0, L"winops", &extendedError, &app_);
    if (r != MI_RESULT_OK) {
      *failure = MiCallFailure(r, "MI_Application_InitializeV1", extendedError);
      app_ = MI_Application{};
      return false;
    }
    if (extendedError) extendedError->ft->Delete(extendedError);
    appReady_ = true;
    return true;
  }

  // ------------------------------------------------------------------------------ sessions

  Napi::Value OpenSession(Napi::Env env, std::shared_ptr<SessionRequest> req) {
    auto deferred = Napi::Promise::Deferred::New(env);
    auto session = std::make_shared<Session>();
    session->handle = next_++;
    auto self = shared_from_this();
    const uint64_t id = nextThread_++;
    dispatcher_->Hold();
    auto opener = std::make_shared<StartQueue>();
    {
      std::lock_guard<std::mutex> lock(threadsMu_);
      threads_[id] = opener;
    }
    const bool posted = opener->Post([self, session, req, deferred, id]() {
        MiFailure failure;
        const bool ok = self->NewSession(*session, *req, &failure);
        req->Wipe();
        if (ok) {
          std::lock_guard<std::mutex> l(self->threadsMu_);
          self->allSessions_.push_back(session);  // teardown closes it even if JS never hears of it
        }
        self->dispatcher_->Post([self, session, deferred, id, ok, failure](Napi::Env jsEnv) mutable {
          self->JoinThread(id);
          self->dispatcher_->Unhold();
          if (!ok) {
            deferred.Reject(ToJsError(jsEnv, failure).Value());
            return;
          }
          session->visible = true;
          self->sessions_[session->handle] = session;
          deferred.Resolve(Napi::Number::New(jsEnv, session->handle));
        });
      });
    if (!posted) {
      {
        std::lock_guard<std::mutex> lock(threadsMu_);
        threads_.erase(id);
      }
      dispatcher_->Unhold();
      deferred.Reject(Napi::Error::New(env, "could not start a thread for MI_Application_NewSession").Value());
    }
    return deferred.Promise();
  }

  // Session thread.
  bool NewSession(Session& s, const SessionRequest& req, MiFailure* failure) {
    if (!EnsureApplication(failure)) return false;
    MI_DestinationOptions options{};
    bool haveOptions = false;
    if (req.hasCredentials) {
      const MI_Result r = app_.ft->NewDestinationOptions(&app_, &options);
      if (r != MI_RESULT_OK) {
        *failure = MiCallFailure(r, "MI_Application_NewDestinationOptions", nullptr);
        return false;
      }
      haveOptions = true;
      MI_UserCredentials creds{};
      creds.authenticationType = W(req.authType);
      creds.credentials.usernamePassword.domain = req.hasDomain ? W(req.domain) : nullptr;
      creds.credentials.usernamePassword.username = W(req.username);
      creds.credentials.usernamePassword.password = W(req.password);
      const MI_Result cr = options.ft->AddCredentials(&options, kDestinationCredentials, &creds, 0);
      if (cr != MI_RESULT_OK) {
        options.ft->Delete(&options);
        *failure = MiCallFailure(cr, "MI_DestinationOptions_AddDestinationCredentials", nullptr);
        return false;
      }
    }
    MI_Instance* extendedError = nullptr;
    const MI_Result r = app_.ft->NewSession(
        &app_, req.protocol ? W(*req.protocol) : nullptr, req.computer ? W(*req.computer) : nullptr,
        haveOptions ? &options : nullptr, nullptr, &extendedError, &s.session);
    if (haveOptions) options.ft->Delete(&options);
    if (r != MI_RESULT_OK) {
      *failure = MiCallFailure(r, "MI_Application_NewSession", extendedError);
      s.session = MI_Session{};
      return false;
    }
    if (extendedError) extendedError->ft->Delete(extendedError);
    return true;
  }

  // JS thread: the session thread posted its outcome as its last step, so it ends now.
  void JoinThread(uint64_t id) {
    std::shared_ptr<StartQueue> t;
    {
      std::lock_guard<std::mutex> lock(threadsMu_);
      auto it = threads_.find(id);
      if (it == threads_.end()) return;
      t = std::move(it->second);
      threads_.erase(it);
    }
    t->Stop();
    t->WaitEnded(INFINITE);
  }

  Napi::Value CloseSession(Napi::Env env, Handle h) {
    auto deferred = Napi::Promise::Deferred::New(env);
    auto it = sessions_.find(h);
    if (it == sessions_.end() || it->second->closing) {
      MiFailure f;
      f.miResult = MI_RESULT_INVALID_PARAMETER;
      f.call = "MI_Session_Close";
      f.errorMessage = u"The session handle is not valid";
      deferred.Reject(ToJsError(env, f).Value());
      return deferred.Promise();
    }
    auto s = it->second;
    s->closing = true;
    s->closeDeferred.emplace(deferred);
    dispatcher_->Hold();
    // After every start queued for this session (its starter makes the call, in order), else here.
    auto self = shared_from_this();
    if (!s->starter || !s->starter->Post([self, s] { self->CallSessionClose(s); })) CallSessionClose(s);
    return deferred.Promise();
  }

  // Any thread. Asynchronous: MI calls back once every operation of the session is closed.
  void CallSessionClose(const std::shared_ptr<Session>& s) {
    if (tearingDown_.load()) return;  // teardown closes it
    auto* ctx = new SessionCloseContext{shared_from_this(), s};
    s->closeCalled = true;
    const MI_Result r = s->session.ft->Close(&s->session, ctx, &OnSessionClosed);
    if (r == MI_RESULT_OK) return;
    delete ctx;
    s->closeCalled = false;
    auto self = shared_from_this();
    dispatcher_->Post([self, s, r](Napi::Env env) {
      s->closing = false;
      self->dispatcher_->Unhold();
      MiFailure f;
      f.miResult = r;
      f.call = "MI_Session_Close";
      if (s->closeDeferred) s->closeDeferred->Reject(ToJsError(env, f).Value());
      s->closeDeferred.reset();
    });
  }

  static void WINOPS_MI_CALL OnSessionClosed(void* context) {
    std::unique_ptr<SessionCloseContext> ctx(static_cast<SessionCloseContext*>(context));
    auto state = ctx->state;
    auto session = ctx->session;
    session->closed = true;
    {
      std::lock_guard<std::mutex> lock(state->threadsMu_);
      auto& all = state->allSessions_;
      all.erase(std::remove(all.begin(), all.end(), session), all.end());
    }
    ::SetEvent(session->closedEvent.Get());
    state->dispatcher_->Post([state, session](Napi::Env env) {
      state->sessions_.erase(session->handle);
      state->RetireStarter(*session);
      state->dispatcher_->Unhold();
      if (session->closeDeferred) {
        session->closeDeferred->Resolve(env.Undefined());
        session->closeDeferred.reset();
      }
    });
  }

  // JS thread: a closed session's starter ends (it may still be returning from MI_Session_Close); joined later.
  void RetireStarter(Session& s) {
    if (!s.starter) return;
    s.starter->Stop();
    retired_.push_back(std::move(s.starter));
    retired_.erase(std::remove_if(retired_.begin(), retired_.end(), [](auto& q) { return q->TryJoin(); }),
                   retired_.end());
  }

  // ------------------------------------------------------------------------------ operations

  Napi::Value StartOperation(const Napi::CallbackInfo& info);

  // The session's starter thread: the MI_SessionFT call, then what JS asked for meanwhile (a cancel, a close).
  void RunStart(const std::shared_ptr<Op>& op, const StartRequest& r) {
    {
      std::lock_guard<SlimMutex> lock(op->mu);
      if (tearingDown_.load()) {  // teardown began before this start: it never reaches MI
        op->start = Op::Start::kNone;
        return;
      }
      op->start = Op::Start::kCalling;
    }
    MI_OperationCallbacks callbacks{};
    callbacks.callbackContext = new CallbackContext{shared_from_this(), op};
    callbacks.instanceResult = &OnInstanceResult;
    callbacks.indicationResult = &OnIndicationResult;
    MI_Session* s = &op->session->session;
    // STANDARD_RTTI: every element comes with its own MI type (mi.h MI_OPERATIONFLAGS_STANDARD_RTTI; the
    // wmi_v2/mi-flags page). Without an RTTI flag the protocol handler picks, and NO_RTTI / BASIC_RTTI allow
    // strings in place of typed values, where winops promises number, bigint and Date. FULL_RTTI adds class
    // hierarchy accuracy winops does not read, at a documented cost ("the slowest option").
    const MI_Uint32 flags = MI_OPERATIONFLAGS_MANUAL_ACK_RESULTS | MI_OPERATIONFLAGS_STANDARD_RTTI;
    // MI may call back before returning (on this thread or its own): the callback only posts.
    if (r.kind == "query") {
      s->ft->QueryInstances(s, flags, nullptr, W(op->nameSpace), W(op->text1), W(op->text2), &callbacks, &op->op);
    } else if (r.kind == "subscribe") {
      s->ft->Subscribe(s, flags, nullptr, W(op->nameSpace), W(op->text1), W(op->text2), nullptr, &callbacks, &op->op);
    } else if (r.kind == "enumerate") {
      const MI_Boolean ko = r.keysOnly ? MI_TRUE : MI_FALSE;
      s->ft->EnumerateInstances(s, flags, nullptr, W(op->nameSpace), W(op->text1), ko, &callbacks, &op->op);
    } else if (r.kind == "get") {
      s->ft->GetInstance(s, flags, nullptr, W(op->nameSpace), r.keys, &callbacks, &op->op);
    } else {
      s->ft->Invoke(s, flags, nullptr, W(op->nameSpace), W(op->text1), W(op->text2), r.keys, r.params, &callbacks,
                    &op->op);
    }
    bool cancel = false, close = false;
    MI_CancellationReason reason = MI_REASON_NONE;
    {
      std::lock_guard<SlimMutex> lock(op->mu);
      op->start = Op::Start::kReturned;
      cancel = op->cancelRequested && !op->finalArrived;
      reason = op->cancelReason;
      close = op->closeDeferred;
    }
    if (cancel) op->op.ft->Cancel(&op->op, reason);
    if (close) {  // JS closed it after its final result, before this call returned: always closed, here
      op->AckPending();
      op->op.ft->Close(&op->op);
      ReleaseOp(*op);
    }
  }

  // MI's thread, inside the callback: the instance is copied into the pending batch (valid only until it is
  // acknowledged), and acknowledged at once while fewer than `window` instances are outstanding; the one that
  // fills the window keeps its acknowledgement until Consumed makes room (back-pressure). The final result's
  // acknowledgement waits for Close. A dispatcher post hands the batch to JS when JS waits for it (or for the
  // final result), however many results join it before JS runs; otherwise JS takes it with Poll.
  void OnResult(const std::shared_ptr<Op>& op, MI_Operation* operation, const MI_Instance* instance, bool more,
                MI_Result result, const MI_Char* errorString, const MI_Instance* errorDetails,
                MI_ResultAcknowledgement ack) {
    uint32_t shape = 0;
    op->added.clear();
    if (instance) shape = op->schemas.Read(instance, &op->added);
    std::unique_ptr<FinalData> final;
    if (!more) {
      final = std::make_unique<FinalData>();
      final->result = result;
      if (errorString) {
        final->hasErrorMessage = true;
        final->errorMessage = U16(errorString);
      }
      if (errorDetails) final->details = CopyErrorDetails(errorDetails);
    }
    bool ackNow = false;
    bool post = false;
    {
      std::lock_guard<SlimMutex> lock(op->mu);
      if (!more) op->finalArrived = true;
      if (op->closed || tearingDown_.load()) {
        // Closed (or going away): acknowledge at once so MI can run the operation to its end.
        ackNow = true;
      } else {
        if (instance) {
          op->schemas.Append(op->pending, shape, op->added);
          ++op->outstanding;
        }
        if (!more) {
          op->hasFinal = true;
          op->final = std::move(*final);
          op->ack = ack;
          op->ackOperation = operation;
        } else if (!instance || op->outstanding < op->window) {
          ackNow = true;
        } else {
          op->held = ack;
          op->heldOperation = operation;
        }
        // JS is handed results by a post only while it waits, and with the final result; otherwise they wait
        // here for its poll (no thread switch per batch while the consumer keeps up).
        if ((op->waiting || !more) && !op->posted) op->posted = post = true;
      }
    }
    // Once acknowledged, MI may call back for this operation again (on any thread): op->schemas and op->added
    // are not touched after this. A final result is acknowledged before the event says it arrived, so that
    // teardown (waiting for that event) closes the operation only after the acknowledgement.
    if (ackNow && ack) ack(operation);
    if (!more) ::SetEvent(op->finalEvent.Get());
    if (post) {
      auto self = shared_from_this();
      dispatcher_->Post([self, op](Napi::Env env) { self->Deliver(env, op); });
    }
  }

  // JS thread: everything pending, to onBatch(newSchemas, shapes, final, held, ...values), the values as call
  // arguments (lib/native/mi.ts gathers them into MiResultBatch.values). A large batch goes in several calls of
  // at most kCallValues values (whole instances); final and held belong to the last.
  void Deliver(Napi::Env env, const std::shared_ptr<Op>& op) {
    Batch b;
    bool hasFinal, held;
    FinalData final;
    {
      std::lock_guard<SlimMutex> lock(op->mu);
      op->posted = false;
      if (op->pending.shapes.empty() && !op->hasFinal) return;  // taken by a poll meanwhile: JS may wait again
      op->waiting = false;
      b = std::move(op->pending);
      op->pending = std::move(op->spare);
      op->spare = Batch{};
      hasFinal = std::exchange(op->hasFinal, false);
      if (hasFinal) final = std::move(op->final);
      held = op->held != nullptr;
    }
    const size_t n = b.shapes.size();
    size_t from = 0, schemasSent = 0;
    std::vector<napi_value> argv;
    while (n > 0 || hasFinal) {
      auto it = callbacks_.find(op->handle);
      if (it == callbacks_.end()) break;  // closed meanwhile
      Napi::HandleScope scope(env);
      const size_t base = from ? b.ends[from - 1] : 0;
      size_t to = from + 1;
      while (to < n && b.ends[to] - base <= kCallValues) ++to;
      to = std::min(to, n);
      const bool last = to == n;
      argv.clear();
      argv.push_back(SchemasToJs(env, b, from, to, &schemasSent));
      argv.push_back(ShapesToJs(env, b, from, to));
      if (last && hasFinal) {
        Napi::Object f = Napi::Object::New(env);
        f.Set("result", Napi::Number::New(env, static_cast<double>(final.result)));
        if (final.hasErrorMessage) f.Set("errorMessage", Napi::String::New(env, final.errorMessage));
        if (final.details.present) f.Set("errorDetails", ToJs(env, final.details));
        argv.push_back(f);
      } else {
        argv.push_back(env.Null());
      }
      argv.push_back(Napi::Boolean::New(env, last && held));
      ValuesToArgs(env, b, from, to, argv);
      // The callback may close the operation (which drops its reference): call a local handle to it.
      Napi::Function cb = it->second.Value();
      cb.Call(argv);  // a throw becomes an uncaught exception (Dispatcher)
      if (last) break;
      from = to;
    }
    b.Clear();
    std::lock_guard<SlimMutex> lock(op->mu);
    op->spare = std::move(b);
  }

  // JS thread: a final result that never went through MI (the session was not valid).
  void DeliverSynthetic(const std::shared_ptr<Op>& op, MI_Result result, std::u16string message) {
    {
      std::lock_guard<SlimMutex> lock(op->mu);
      op->finalArrived = true;
      op->hasFinal = true;
      op->final.result = result;
      op->final.hasErrorMessage = true;
      op->final.errorMessage = std::move(message);
      op->posted = true;
    }
    ::SetEvent(op->finalEvent.Get());
    auto self = shared_from_this();
    dispatcher_->Post([self, op](Napi::Env env) { self->Deliver(env, op); });
  }

  // JS thread: what is pending goes to onBatch now (true); if nothing is, the next result is posted (false).
  bool Poll(Napi::Env env, Handle h) {
    auto it = ops_.find(h);
    if (it == ops_.end()) return false;
    std::shared_ptr<Op> op = it->second;  // onBatch may close it
    {
      std::lock_guard<SlimMutex> lock(op->mu);
      if (op->pending.shapes.empty() && !op->hasFinal) {
        op->waiting = true;
        return false;
      }
    }
    Deliver(env, op);
    return true;
  }

  // JS thread: n instances left the window; a held acknowledgement is given once there is room.
  void Consumed(Handle h, uint64_t n) {
    auto it = ops_.find(h);
    if (it == ops_.end()) return;
    Op& op = *it->second;
    MI_ResultAcknowledgement fn = nullptr;
    MI_Operation* target = nullptr;
    {
      std::lock_guard<SlimMutex> lock(op.mu);
      op.outstanding = n >= op.outstanding ? 0 : op.outstanding - n;
      if (op.held && op.outstanding < op.window) {
        fn = std::exchange(op.held, nullptr);
        target = std::exchange(op.heldOperation, nullptr);
      }
    }
    if (fn) fn(target);
  }

  MI_Result Cancel(Handle h, MI_CancellationReason reason) {
    auto it = ops_.find(h);
    if (it == ops_.end()) return MI_RESULT_INVALID_PARAMETER;
    Op& op = *it->second;
    {
      std::lock_guard<SlimMutex> lock(op.mu);
      if (op.start == Op::Start::kNone) return MI_RESULT_OK;
      if (op.start != Op::Start::kReturned) {
        // The MI call has not returned the operation yet: the starter cancels it as soon as it has (RunStart).
        op.cancelRequested = true;
        op.cancelReason = reason;
        return MI_RESULT_OK;
      }
    }
    return op.op.ft->Cancel(&op.op, reason);
  }

  MI_Result Close(Handle h) {
    auto it = ops_.find(h);
    if (it == ops_.end()) return MI_RESULT_INVALID_PARAMETER;
    std::shared_ptr<Op> op = it->second;
    bool deferred = false, started = false;
    {
      std::lock_guard<SlimMutex> lock(op->mu);
      // MI_Operation_Close belongs after the final result (cancel first, then drain): refused before it, and
      // nothing changes, so the caller can still cancel, drain and close.
      if (op->start != Op::Start::kNone && !op->finalArrived) return MI_RESULT_INVALID_PARAMETER;
      op->closed = true;
      // The final result came before the MI call returned the operation: the starter closes it (RunStart).
      deferred = op->closeDeferred = op->start == Op::Start::kCalling;
      started = op->start == Op::Start::kReturned;
    }
    MI_Result r = MI_RESULT_OK;
    if (!deferred) {
      op->AckPending();  // the final result's acknowledgement: Close would stall without it
      if (started) r = op->op.ft->Close(&op->op);
      ReleaseOp(*op);
    }
    ops_.erase(it);
    callbacks_.erase(h);
    if (op->session) op->session->ops.erase(h);
    dispatcher_->Unhold();
    return r;
  }

  static void ReleaseOp(Op& op) {
    for (MI_Instance* i : op.inbound) {
      if (i) i->ft->Delete(i);  // invoke without keys holds a null until StartOperation drops it
    }
    op.inbound.clear();
  }

  Napi::Value OpenHandles(Napi::Env env) {
    Napi::Array list = Napi::Array::New(env);
    uint32_t i = 0;
    auto add = [&](const char* kind, Handle h) {
      Napi::Object o = Napi::Object::New(env);
      o.Set("family", "mi");
      o.Set("kind", kind);
      o.Set("handle", Napi::Number::New(env, h));
      list.Set(i++, o);
    };
    for (auto& [h, s] : sessions_) add("MI_Session", h);
    for (auto& [h, op] : ops_) add("MI_Operation", h);
    return list;
  }

  Napi::Value Stats(Napi::Env env) {
    Napi::Object o = Napi::Object::New(env);
    o.Set("sessions", Napi::Number::New(env, static_cast<double>(sessions_.size())));
    o.Set("operations", Napi::Number::New(env, static_cast<double>(ops_.size())));
    {
      std::lock_guard<std::mutex> lock(threadsMu_);
      o.Set("sessionThreads", Napi::Number::New(env, static_cast<double>(threads_.size())));
    }
    {
      std::lock_guard<std::mutex> lock(appMu_);
      o.Set("application", Napi::Boolean::New(env, appReady_));
    }
    return o;
  }

  // ------------------------------------------------------------------------------ teardown

  // JS thread: environment teardown, or shutdown() on process 'exit'. Runs once, and never longer than
  // kTeardownBoundMs in all (common/teardown.h): what MI has not ended by then is abandoned, one stderr line each,
  // and what needs it closed first is left too (mi.h: MI_Session_Close completes only once all its operations are
  // closed, MI_Application_Close only once all operations and sessions are; MI_Operation_Close before the final
  // result stops responding, MI_Operation_GetInstance page). The docs give no bound for any of these waits.
  void Teardown() {
    if (tornDown_) return;
    tornDown_ = true;
    tearingDown_ = true;  // from now on MI's results are acknowledged on MI's threads, not delivered
    const ULONGLONG t0 = ::GetTickCount64();
    bool abandoned = false;  // MI still runs something of ours: the application stays open
    // Session threads end when MI_Application_NewSession returns.
    std::vector<std::shared_ptr<StartQueue>> openers;
    {
      std::lock_guard<std::mutex> lock(threadsMu_);
      for (auto& [id, t] : threads_) openers.push_back(t);
      threads_.clear();
    }
    for (auto& t : openers) t->Stop();
    for (auto& t : openers) {
      if (!t->WaitEnded(TeardownRemainingMs(t0))) {
        ReportAbandoned(kFamily, "a session being opened (MI_Application_NewSession)", t0);
        abandoned = true;
      }
    }
    // Starters: queued starts are dropped (they never reach MI); one inside an MI call is waited for.
    std::set<Session*> left;  // sessions MI may still use: not closed
    std::vector<std::pair<Session*, std::shared_ptr<StartQueue>>> starters;
    for (auto& [h, s] : sessions_) {
      if (s->starter) starters.emplace_back(s.get(), s->starter);
    }
    for (auto& q : retired_) starters.emplace_back(nullptr, q);
    for (auto& [s, q] : starters) q->Stop();
    for (auto& [s, q] : starters) {
      if (!q->WaitEnded(TeardownRemainingMs(t0))) {
        ReportAbandoned(kFamily, "an operation start (an MI_Session call that did not return)", t0);
        abandoned = true;
        if (s) left.insert(s);
      }
    }
    retired_.clear();
    // Cancel what runs, drain it to the final result, close it.
    std::vector<std::shared_ptr<Op>> ops;
    for (auto& [h, op] : ops_) ops.push_back(op);
    std::vector<bool> returned(ops.size(), false);
    for (size_t i = 0; i < ops.size(); ++i) {
      auto& op = ops[i];
      bool final;
      {
        std::lock_guard<SlimMutex> lock(op->mu);
        if (op->start == Op::Start::kQueued) op->start = Op::Start::kNone;  // dropped with its starter
        returned[i] = op->start == Op::Start::kReturned;
        final = op->finalArrived;
      }
      if (returned[i] && !final) op->op.ft->Cancel(&op->op, MI_REASON_SHUTDOWN);
      op->AckPending();
    }
    for (size_t i = 0; i < ops.size(); ++i) {
      auto& op = ops[i];
      bool calling;
      {
        std::lock_guard<SlimMutex> lock(op->mu);
        calling = op->start == Op::Start::kCalling;  // its starter was abandoned (reported above)
      }
      if (calling) continue;
      if (returned[i] && ::WaitForSingleObject(op->finalEvent.Get(), TeardownRemainingMs(t0)) != WAIT_OBJECT_0) {
        ReportAbandoned(kFamily, "an MI_Operation (no final result after MI_Operation_Cancel)", t0);
        abandoned = true;
        if (op->session) left.insert(op->session.get());
        continue;
      }
      {
        std::lock_guard<SlimMutex> lock(op->mu);
        op->closed = true;
      }
      op->AckPending();
      if (returned[i]) op->op.ft->Close(&op->op);
      ReleaseOp(*op);
    }
    ops_.clear();
    for (auto& [h, cb] : callbacks_) cb.SuppressDestruct();
    callbacks_.clear();
    // Sessions: asynchronous closes (those JS began, and the rest now), each waited for within the budget.
    std::vector<std::shared_ptr<Session>> sessions;
    {
      std::lock_guard<std::mutex> lock(threadsMu_);
      sessions = allSessions_;
    }
    for (auto& s : sessions) {
      if (left.count(s.get())) {
        ReportAbandoned(kFamily, "an MI_Session (an operation of it was abandoned)", t0);
        abandoned = true;
        continue;
      }
      if (!s->closeCalled.load() && !s->closed.load()) {
        auto* ctx = new SessionCloseContext{shared_from_this(), s};
        s->closeCalled = true;
        if (s->session.ft->Close(&s->session, ctx, &OnSessionClosed) != MI_RESULT_OK) {
          delete ctx;
          s->closed = true;
        }
      }
      if (!s->closed.load() && ::WaitForSingleObject(s->closedEvent.Get(), TeardownRemainingMs(t0)) != WAIT_OBJECT_0) {
        ReportAbandoned(kFamily, "an MI_Session (MI_Session_Close did not complete)", t0);
        abandoned = true;
      }
      s->closeDeferred.reset();
    }
    {
      std::lock_guard<std::mutex> lock(threadsMu_);
      allSessions_.clear();
    }
    sessions_.clear();
    if (abandoned) {
      // Never taken now: an abandoned session thread may hold appMu_, and MI_Application_Close would wait for it.
      if (appReady_) ReportAbandoned(kFamily, "the MI_Application (MI still runs something of it)", t0);
      return;
    }
    bool ready;
    {
      std::lock_guard<std::mutex> lock(appMu_);
      ready = appReady_;
      appReady_ = false;
    }
    if (!ready) return;
    // MI_Application_Close is synchronous: on a thread of its own, waited for within what is left of the budget.
    auto self = shared_from_this();
    StartQueue closer;
    if (closer.Post([self] { self->app_.ft->Close(&self->app_); })) {
      closer.Stop(false);
      if (!closer.WaitEnded(TeardownRemainingMs(t0))) ReportAbandoned(kFamily, "the MI_Application (MI_Application_Close did not return)", t0);
    }
    // mi.dll stays loaded (module_ is never freed): its own threads may still be at their last
    // instructions, and other environments of the process may use it.
  }

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

// ------------------------------------------------------------------------------------------ MI callbacks

void HandleResult(void* context, MI_Operation* operation, const MI_Instance* instance, MI_Boolean moreResults,
                  MI_Result resultCode, const MI_Char* errorString, const MI_Instance* errorDetails,
                  MI_ResultAcknowledgement ack) {
  auto* ctx = static_cast<CallbackContext*>(context);
  const bool more = moreResults != MI_FALSE;
  auto state = ctx->state;
  auto op = ctx->op;
  if (!more) delete ctx;  // MI calls nothing more for this operation
  state->OnResult(op, operation, instance, more, resultCode, errorString, errorDetails, ack);
}

void WINOPS_MI_CALL OnInstanceResult(MI_Operation* operation, void* context, const MI_Instance* instance,
                                     MI_Boolean moreResults, MI_Result resultCode,
                                     const MI_Char* errorString, const MI_Instance* errorDetails,
                                     MI_ResultAcknowledgement ack) {
  HandleResult(context, operation, instance, moreResults, resultCode, errorString, errorDetails, ack);
}

void WINOPS_MI_CALL OnIndicationResult(MI_Operation* operation, void* context, const MI_Instance* instance,
                                       const MI_Char* /*bookmark*/, const MI_Char* /*machineID*/,
                                       MI_Boolean moreResults, MI_Result resultCode,
                                       const MI_Char* errorString, const MI_Instance* errorDetails,
                                       MI_ResultAcknowledgement ack) {
  HandleResult(context, operation, instance, moreResults, resultCode, errorString, errorDetails, ack);
}

// ------------------------------------------------------------------------------------------ JS arguments

State& StateOf(const Napi::CallbackInfo& info) { return *static_cast<State*>(info.Data()); }

Handle HandleArg(const Napi::CallbackInfo& info, size_t i, const char* fn, const char* what) {
  return args::Handle(args::At(info, i), std::string(fn) + ": " + what);
}

// A string without NUL (MI takes NUL-terminated strings: the rest would be dropped).
std::u16string Str(Napi::Value v, const std::string& what) {
  return WideToU16(args::WideString(v, what));
}

std::u16string Str(Napi::Object o, const char* key, const char* fn) {
  return Str(o.Get(key), std::string(fn) + ": " + key);
}

const char16_t* AuthType(const std::string& a) {
  if (a == "default") return u"Default";
  if (a == "negotiate") return u"NegoWithCreds";
  if (a == "kerberos") return u"Kerberos";
  if (a == "ntlm") return u"Ntlmdomain";
  if (a == "basic") return u"Basic";
  if (a == "digest") return u"Digest";
  if (a == "credssp") return u"CredSSP";
  return nullptr;
}

Napi::Value JsOpenSession(const Napi::CallbackInfo& info) {
  const char* fn = "openSession";
  if (info.Length() < 1 || !info[0].IsObject()) throw Napi::TypeError::New(info.Env(), "openSession: request must be an object");
  Napi::Object r = info[0].As<Napi::Object>();
  auto req = std::make_shared<SessionRequest>();
  Napi::Value computer = r.Get("computer");
  if (computer.IsString()) req->computer = Str(computer, "openSession: computer");
  else if (!computer.IsNull() && !computer.IsUndefined()) throw Napi::TypeError::New(info.Env(), "openSession: computer must be a string or null");
  Napi::Value protocol = r.Get("protocol");
  if (protocol.IsString()) {
    const std::string p = protocol.As<Napi::String>().Utf8Value();
    if (p == "wsman") req->protocol = reinterpret_cast<const char16_t*>(kProtocolWinRM);
    else if (p == "dcom") req->protocol = reinterpret_cast<const char16_t*>(kProtocolDcom);
    else throw Napi::TypeError::New(info.Env(), "openSession: protocol must be 'wsman', 'dcom' or null");
  } else if (!protocol.IsNull() && !protocol.IsUndefined()) {
    args::TypeFail(protocol, "openSession: protocol", "'wsman', 'dcom' or null");
  }
  Napi::Value creds = r.Get("credentials");
  if (!creds.IsObject() && !creds.IsNull() && !creds.IsUndefined()) args::TypeFail(creds, "openSession: credentials", "an object or null");
  if (creds.IsObject()) {
    Napi::Object c = creds.As<Napi::Object>();
    req->hasCredentials = true;
    req->username = Str(c, "username", fn);
    req->password = Str(c, "password", fn);
    Napi::Value domain = c.Get("domain");
    if (domain.IsString()) {
      req->hasDomain = true;
      req->domain = Str(domain, "openSession: credentials.domain");
    } else if (!domain.IsNull() && !domain.IsUndefined()) {
      args::TypeFail(domain, "openSession: credentials.domain", "a string or null");
    }
    Napi::Value auth = c.Get("authentication");
    if (!auth.IsString() && !auth.IsUndefined()) args::TypeFail(auth, "openSession: credentials.authentication", "a string");
    const char16_t* type = AuthType(auth.IsString() ? auth.As<Napi::String>().Utf8Value() : "default");
    if (!type) throw Napi::TypeError::New(info.Env(), "openSession: credentials.authentication is not a known mechanism");
    req->authType = type;
  }
  return StateOf(info).OpenSession(info.Env(), std::move(req));
}

Napi::Value State::StartOperation(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const char* fn = "start";
  const Handle sh = HandleArg(info, 0, fn, "session");
  if (info.Length() < 4 || !info[1].IsObject() || !info[2].IsNumber() || !info[3].IsFunction()) {
    throw Napi::TypeError::New(env, "start(session, request, window, onBatch): request must be an object, window a number, onBatch a function");
  }
  const double window = info[2].As<Napi::Number>().DoubleValue();
  if (!(window >= 1 && window <= 4294967295.0) || std::floor(window) != window) {
    throw Napi::RangeError::New(env, "start: window must be an integer from 1 to 2^32-1");
  }
  Napi::Object req = info[1].As<Napi::Object>();
  Napi::Value kindValue = req.Get("kind");
  const std::string kind = kindValue.IsString() ? kindValue.As<Napi::String>().Utf8Value() : std::string();
  if (kind != "query" && kind != "subscribe" && kind != "enumerate" && kind != "get" && kind != "invoke") {
    throw Napi::TypeError::New(env, "start: request.kind must be query, subscribe, enumerate, get or invoke");
  }
  auto op = std::make_shared<Op>();
  op->window = static_cast<uint64_t>(window);
  op->nameSpace = Str(req, "namespace", fn);
  if (kind == "query" || kind == "subscribe") {
    op->text1 = Str(req, "dialect", fn);
    op->text2 = Str(req, "expression", fn);
  } else {
    op->text1 = Str(req, "className", fn);
    if (kind == "invoke") op->text2 = Str(req, "methodName", fn);
  }
  // Read before the operation is registered: a throwing getter must leave nothing behind.
  const Napi::Value keysOnlyValue = kind == "enumerate" ? req.Get("keysOnly") : env.Undefined();
  const bool keysOnly = keysOnlyValue.IsBoolean() && keysOnlyValue.As<Napi::Boolean>().Value();
  op->handle = NextHandle();
  ops_[op->handle] = op;
  callbacks_.emplace(op->handle, Napi::Persistent(info[3].As<Napi::Function>()));
  dispatcher_->Hold();

  auto it = sessions_.find(sh);
  if (it == sessions_.end() || it->second->closing) {
    DeliverSynthetic(op, MI_RESULT_INVALID_PARAMETER, u"The session handle is not valid");
    return Napi::Number::New(env, op->handle);
  }
  op->session = it->second;
  op->session->ops.insert(op->handle);

  // Inbound instances (keys, method parameters). A bad value throws before MI is called.
  try {
    if (kind == "get") {
      Napi::Value keys = req.Get("keys");
      if (!keys.IsObject()) throw Napi::TypeError::New(env, "start: request.keys must be an object");
      op->inbound.push_back(NewInstanceFromJs(env, app(), op->text1, keys.As<Napi::Object>(), true, "keys"));
    } else if (kind == "invoke") {
      Napi::Value keys = req.Get("keys");
      if (keys.IsObject()) {
        op->inbound.push_back(NewInstanceFromJs(env, app(), op->text1, keys.As<Napi::Object>(), true, "keys"));
      } else {
        op->inbound.push_back(nullptr);
      }
      Napi::Value params = req.Get("parameters");
      Napi::Object p = params.IsObject() ? params.As<Napi::Object>() : Napi::Object::New(env);
      op->inbound.push_back(NewInstanceFromJs(env, app(), u"__parameters", p, false, "parameters"));
    }
  } catch (...) {
    ReleaseOp(*op);
    op->session->ops.erase(op->handle);
    ops_.erase(op->handle);
    callbacks_.erase(op->handle);
    dispatcher_->Unhold();
    throw;
  }
  // MI_Instance_Delete does not accept null: keep only real instances for ReleaseOp.
  MI_Instance* keysInstance = nullptr;
  MI_Instance* paramsInstance = nullptr;
  if (kind == "get") keysInstance = op->inbound[0];
  if (kind == "invoke") {
    keysInstance = op->inbound[0];
    paramsInstance = op->inbound[1];
    if (!keysInstance) op->inbound.erase(op->inbound.begin());
  }

  // Started on the session's own thread, never here (starter.h): the MI call may take as long as a connect.
  auto start = std::make_shared<StartRequest>();
  start->kind = kind;
  start->keysOnly = keysOnly;
  start->keys = keysInstance;
  start->params = paramsInstance;
  {
    std::lock_guard<SlimMutex> lock(op->mu);
    op->start = Op::Start::kQueued;
  }
  if (!op->session->starter) op->session->starter = std::make_shared<StartQueue>();
  auto self = shared_from_this();
  if (!op->session->starter->Post([self, op, start] { self->RunStart(op, *start); })) {
    {
      std::lock_guard<SlimMutex> lock(op->mu);
      op->start = Op::Start::kNone;
    }
    DeliverSynthetic(op, MI_RESULT_FAILED, u"could not start the thread that starts MI operations");
  }
  return Napi::Number::New(env, op->handle);
}

Napi::Value JsCloseSession(const Napi::CallbackInfo& info) {
  return StateOf(info).CloseSession(info.Env(), HandleArg(info, 0, "closeSession", "session"));
}

Napi::Value JsStart(const Napi::CallbackInfo& info) { return StateOf(info).StartOperation(info); }

Napi::Value JsConsumed(const Napi::CallbackInfo& info) {
  const Handle h = HandleArg(info, 0, "consumed", "operation");
  const double n = info.Length() > 1 && info[1].IsNumber() ? info[1].As<Napi::Number>().DoubleValue() : -1;
  if (!(n >= 1 && n <= 9007199254740991.0) || std::floor(n) != n) {
    throw Napi::RangeError::New(info.Env(), "consumed: n must be a positive integer");
  }
  StateOf(info).Consumed(h, static_cast<uint64_t>(n));
  return info.Env().Undefined();
}

Napi::Value JsCancel(const Napi::CallbackInfo& info) {
  const Handle h = HandleArg(info, 0, "cancel", "operation");
  const auto reason = static_cast<MI_CancellationReason>(
      args::Integer(args::At(info, 1), "cancel: reason", 0, 3, "an MI_CancellationReason (0 to 3)"));
  return Napi::Number::New(info.Env(), StateOf(info).Cancel(h, reason));
}

Napi::Value JsClose(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), StateOf(info).Close(HandleArg(info, 0, "close", "operation")));
}

Napi::Value JsPoll(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), StateOf(info).Poll(info.Env(), HandleArg(info, 0, "poll", "operation")));
}

Napi::Value JsOpenHandles(const Napi::CallbackInfo& info) { return StateOf(info).OpenHandles(info.Env()); }
Napi::Value JsStats(const Napi::CallbackInfo& info) { return StateOf(info).Stats(info.Env()); }
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
  fn("openSession", JsOpenSession);
  fn("closeSession", JsCloseSession);
  fn("start", JsStart);
  fn("consumed", JsConsumed);
  fn("poll", JsPoll);
  fn("cancel", JsCancel);
  fn("close", JsClose);
  fn("openHandles", JsOpenHandles);
  fn("stats", JsStats);
  fn("shutdown", JsShutdown);
  return o;
}

}  // namespace winops::mi
