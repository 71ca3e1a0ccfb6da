#include "mi/state.h"

#include <algorithm>
#include <cstring>

namespace winops::mi::detail {

void State::Start() {
  auto self = shared_from_this();
  dispatcher_ = Dispatcher::Create(env_, "winops.mi", [self] { self->Teardown(); });
}

bool State::EnsureApplication(MiFailure* failure) {
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

Napi::Value State::OpenSession(Napi::Env env, std::shared_ptr<SessionRequest> req) {
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

bool State::NewSession(Session& s, const SessionRequest& req, MiFailure* failure) {
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

void State::JoinThread(uint64_t id) {
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

Napi::Value State::CloseSession(Napi::Env env, Handle h) {
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

void State::CallSessionClose(const std::shared_ptr<Session>& s) {
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

void WINOPS_MI_CALL State::OnSessionClosed(void* context) {
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

void State::RetireStarter(Session& s) {
  if (!s.starter) return;
  s.starter->Stop();
  retired_.push_back(std::move(s.starter));
  retired_.erase(std::remove_if(retired_.begin(), retired_.end(), [](auto& q) { return q->TryJoin(); }),
                 retired_.end());
}

}  // namespace winops::mi::detail
