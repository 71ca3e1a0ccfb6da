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
// thread and never inside startWrite; the function is called under WriteJob's lock and never after the
// write thread released it (a late Update is dropped). Env teardown (worker_threads terminate, exit)
// requests the cancel, fails pending 'pull' reads and waits for the thread, but all IMAPI2 writes of
// an environment together wait at most kTeardownBoundMs (common/teardown.h): on real hardware a CD can
// take minutes to stop and no API makes it faster. A thread still running then is abandoned (detached,
// its COM objects left as they are, one stderr line "winops: teardown: imapi2: abandoned ...").
//
// Files: write_job.* (the shared state, pull reads, the threadsafe function's guard), update_sink.*
// (the event sink and the cancel inside Update), write_thread.* (COM, the execution state, done), this
// file (the JS side: arguments, reports to JS, teardown).
#include <cstdio>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

#include "common/args.h"
#include "common/handles.h"
#include "common/hresult.h"
#include "common/instance.h"
#include "common/teardown.h"
#include "imapi2/imapi2.h"
#include "imapi2/write_job.h"
#include "imapi2/imapi2_abi.h"
#include "imapi2/write_thread.h"

namespace winops::imapi2 {
namespace {

using namespace abi;

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
      Forget();
    }
  }
  // Teardown: the thread goes on alone (it holds its own reference to the job).
  void Abandon() {
    if (thread.joinable()) {
      job->AbandonTsfn();
      thread.detach();
      job->family->stats.abandoned.fetch_add(1);
      Forget();
    }
  }

 private:
  void Forget() {
    if (state) state->liveThreads.fetch_sub(1);
    job->family->stats.threads.fetch_sub(1);
  }
};

// One per write, run by Node when the environment goes away (in reverse order of registration, so before
// the threadsafe function's own cleanup). Every write's hook draws on one budget: the family's teardown,
// from the first hook that runs, waits kTeardownBoundMs in all (common/teardown.h).
void TeardownHook(void* arg) {
  auto* side = static_cast<JsSide*>(arg);
  side->hookRegistered = false;
  Family& family = *side->job->family;
  if (family.teardownStart == 0) family.teardownStart = ::GetTickCount64();
  side->job->Stop();
  if (!side->thread.joinable()) return;
  const DWORD left = TeardownRemainingMs(family.teardownStart);
  const bool ended = side->job->threadEnded &&
                     ::WaitForSingleObject(side->job->threadEnded.Get(), left) == WAIT_OBJECT_0;
  if (ended) {
    side->Join();  // the thread has done its last act; the join returns at once
    return;
  }
  side->Abandon();
  ReportAbandoned("imapi2", side->job->api == Api::kFormat2Data ? "an IDiscFormat2Data::Write thread"
                                                                  : "an IWriteEngine2::WriteSection thread",
                  family.teardownStart);
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

// request.verification: 'none' | 'quick' | 'full' -> IMAPI_BURN_VERIFICATION_LEVEL; undefined -> -1 (not set).
int VerificationLevel(const Napi::Value& v) {
  if (v.IsUndefined()) return -1;
  const std::wstring s = args::WideString(v, "startWrite: request.verification");
  if (s == L"none") return abi::IMAPI_BURN_VERIFICATION_NONE;
  if (s == L"quick") return abi::IMAPI_BURN_VERIFICATION_QUICK;
  if (s == L"full") return abi::IMAPI_BURN_VERIFICATION_FULL;
  throw Napi::TypeError::New(v.Env(), "startWrite: request.verification must be 'none', 'quick' or 'full'");
}

double NumberProp(const Napi::Object& o, const char* object, const char* name, double min, double max) {
  const std::string what = std::string("startWrite: ") + object + "." + name;
  char expected[96];
  std::snprintf(expected, sizeof expected, "an integer from %.0f to %.0f", min, max);
  return args::Integer(o.Get(name), what, min, max, expected);
}

}  // namespace

Napi::Value StartWrite(const Napi::CallbackInfo& info, const std::shared_ptr<Family>& family) {
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
  job->family = family;
  job->reported.Reset(::CreateEventW(nullptr, TRUE, FALSE, nullptr));
  job->threadEnded.Reset(::CreateEventW(nullptr, TRUE, FALSE, nullptr));
  if (!job->threadEnded) throw Napi::Error::New(env, "CreateEventW failed");
  const std::wstring api = StringProp(request, "request", "api");
  if (api == L"format2data") {
    job->api = Api::kFormat2Data;
    job->forceOverwrite = args::Boolean(request.Get("forceOverwrite"), "startWrite: request.forceOverwrite", false);
    job->verificationLevel = VerificationLevel(request.Get("verification"));
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
  job->SetTsfn(tsfn);
  try {
    raw->thread = std::thread(ThreadMain, job);
  } catch (const std::system_error& e) {
    job->ReleaseTsfn();
    throw Napi::Error::New(env, std::string("could not start a thread: ") + e.what());
  }
  if (raw->state) raw->state->liveThreads.fetch_add(1);
  family->stats.threads.fetch_add(1);
  if (napi_add_env_cleanup_hook(env, TeardownHook, raw) == napi_ok) raw->hookRegistered = true;

  Napi::Object handle = Napi::Object::New(env);
  std::weak_ptr<WriteJob> weak = job;
  handle.Set("requestCancel", Napi::Function::New(env, [weak](const Napi::CallbackInfo&) {
    if (auto j = weak.lock()) j->RequestCancel();
  }, "requestCancel"));
  return handle;
}

Napi::Value WriteStatsObject(Napi::Env env, const Family& family) {
  const WriteStats& s = family.stats;
  Napi::Object o = Napi::Object::New(env);
  o.Set("threads", s.threads.load());
  o.Set("executionStateHeld", s.executionStateHeld.load());
  o.Set("executionStateRequests", static_cast<double>(s.executionStateRequests.load()));
  o.Set("executionStateFailures", static_cast<double>(s.executionStateFailures.load()));
  o.Set("abandoned", static_cast<double>(s.abandoned.load()));
  return o;
}

}  // namespace winops::imapi2
