#include "mi/state.h"

#include <algorithm>
#include <utility>

namespace winops::mi::detail {

// ------------------------------------------------------------------------------------------ MI callbacks

namespace {

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

}  // namespace

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

// ------------------------------------------------------------------------------------------ State

void State::RunStart(const std::shared_ptr<Op>& op, const StartRequest& r) {
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

void State::OnResult(const std::shared_ptr<Op>& op, MI_Operation* operation, const MI_Instance* instance, bool more,
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

void State::Deliver(Napi::Env env, const std::shared_ptr<Op>& op) {
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

void State::DeliverSynthetic(const std::shared_ptr<Op>& op, MI_Result result, std::u16string message) {
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

bool State::Poll(Napi::Env env, Handle h) {
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

void State::Consumed(Handle h, uint64_t n) {
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

MI_Result State::Cancel(Handle h, MI_CancellationReason reason) {
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

MI_Result State::Close(Handle h) {
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

void State::ReleaseOp(Op& op) {
  for (MI_Instance* i : op.inbound) {
    if (i) i->ft->Delete(i);  // invoke without keys holds a null until StartOperation drops it
  }
  op.inbound.clear();
}

}  // namespace winops::mi::detail
