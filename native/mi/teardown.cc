#include "mi/state.h"

#include "common/teardown.h"

namespace winops::mi::detail {

void State::Teardown() {
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

Napi::Value State::OpenHandles(Napi::Env env) {
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

Napi::Value State::Stats(Napi::Env env) {
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

}  // namespace winops::mi::detail
