#include "mi/backend.h"

#include <cmath>
#include <string>
#include <utility>

#include "common/args.h"
#include "mi/state.h"

namespace winops::mi {
namespace detail {
namespace {

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

}  // namespace

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

namespace {

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
}  // namespace detail

Napi::Object CreateBinding(Napi::Env env) {
  using namespace detail;
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
