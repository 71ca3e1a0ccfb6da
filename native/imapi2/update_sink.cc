#include "imapi2/update_sink.h"

#include <atomic>
#include <utility>

#include "imapi2/com_impl.h"
#include "imapi2/imapi2_abi.h"

namespace winops::imapi2 {
namespace {

using namespace abi;

WINOPS_COM_IMPL_BEGIN
// Implements DDiscFormat2DataEvents or DWriteEngine2Events (same layout: IDispatch + Update at slot
// 7), answering Invoke(DISPID Update) and direct slot-7 calls alike (imapi2-abi.md, "Sink facts").
class UpdateSink final : public DDiscFormat2DataEvents {
 public:
  explicit UpdateSink(std::shared_ptr<WriteJob> job) : job_(std::move(job)) {}
  virtual ~UpdateSink() = default;

  HRESULT STDMETHODCALLTYPE QueryInterface(REFIID iid, void** out) override {
    if (!out) return E_POINTER;
    if (IsEqualIID(iid, IID_IUnknown) || IsEqualIID(iid, IID_IDispatch) || IsEqualIID(iid, EventIid())) {
      *out = static_cast<IDispatch*>(this);
      AddRef();
      return S_OK;
    }
    *out = nullptr;
    return E_NOINTERFACE;
  }
  ULONG STDMETHODCALLTYPE AddRef() override { return ++refs_; }
  ULONG STDMETHODCALLTYPE Release() override {
    const ULONG n = --refs_;
    if (n == 0) delete this;
    return n;
  }

  HRESULT STDMETHODCALLTYPE GetTypeInfoCount(UINT* count) override {
    if (count) *count = 0;
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE GetTypeInfo(UINT, LCID, ITypeInfo** info) override {
    if (info) *info = nullptr;
    return E_NOTIMPL;
  }
  HRESULT STDMETHODCALLTYPE GetIDsOfNames(REFIID, LPOLESTR* names, UINT count, LCID, DISPID* ids) override {
    if (!names || !ids) return E_POINTER;
    HRESULT hr = S_OK;
    for (UINT i = 0; i < count; ++i) {
      if (names[i] && ::lstrcmpiW(names[i], L"Update") == 0 && i == 0) {
        ids[i] = Dispid();
      } else {
        ids[i] = DISPID_UNKNOWN;
        hr = DISP_E_UNKNOWNNAME;
      }
    }
    return hr;
  }
  HRESULT STDMETHODCALLTYPE Invoke(DISPID id, REFIID, LCID, WORD flags, DISPPARAMS* params, VARIANT*,
                                   EXCEPINFO*, UINT* argErr) override {
    if (id != Dispid()) return DISP_E_MEMBERNOTFOUND;
    if (!(flags & DISPATCH_METHOD)) return DISP_E_MEMBERNOTFOUND;
    if (!params || params->cArgs != 2) return DISP_E_BADPARAMCOUNT;
    // DISPPARAMS are in reverse order: rgvarg[0] = progress, rgvarg[1] = object.
    ComPtr<IDispatch> progress, object;
    if (!AsDispatch(params->rgvarg[0], progress)) {
      if (argErr) *argErr = 0;
      return DISP_E_TYPEMISMATCH;
    }
    if (!AsDispatch(params->rgvarg[1], object)) {
      if (argErr) *argErr = 1;
      return DISP_E_TYPEMISMATCH;
    }
    return Update(object.Get(), progress.Get());
  }

  HRESULT STDMETHODCALLTYPE Update(IDispatch* object, IDispatch* progress) override {
    // Whether to cancel is decided before this Update reaches JS: a cancel that JS asks for in
    // reaction to this very Update is issued in the next one, whatever the thread timing (as in the
    // fake, where the request lands after the update callback returned).
    const bool cancelNow = job_->cancelRequested && !job_->cancelAccepted;
    auto e = std::make_unique<Event>();
    e->kind = Event::Kind::kUpdate;
    ReadFigures(progress, e->update);
    // An Update that reaches this sink late (delivered on another thread after Unadvise, or after the write
    // thread released the threadsafe function) is dropped by Post: the sink holds the job, never the function.
    job_->Post(std::move(e));
    if (cancelNow) CancelInsideUpdate(object);
    return S_OK;
  }

 private:
  bool IsFormat() const { return job_->api == Api::kFormat2Data; }
  const IID& EventIid() const { return IsFormat() ? kIID_DDiscFormat2DataEvents : kIID_DWriteEngine2Events; }
  DISPID Dispid() const {
    return IsFormat() ? kDispidDDiscFormat2DataEventsUpdate : kDispidDWriteEngine2EventsUpdate;
  }

  static bool AsDispatch(const VARIANT& v, ComPtr<IDispatch>& out) {
    const VARIANT* p = &v;
    if (p->vt == (VT_VARIANT | VT_BYREF) && p->pvarVal) p = p->pvarVal;
    if (p->vt == VT_DISPATCH) {
      if (p->pdispVal) p->pdispVal->AddRef();
      out = ComPtr<IDispatch>::Attach(p->pdispVal);
      return true;
    }
    if (p->vt == VT_UNKNOWN) {
      return p->punkVal && SUCCEEDED(p->punkVal->QueryInterface(IID_IDispatch, out.PutVoid()));
    }
    return false;
  }

  void ReadFigures(IDispatch* progress, UpdateFigures& f) {
    if (!progress) return;
    ComPtr<IWriteEngine2EventArgs> args;
    ComPtr<IDiscFormat2DataEventArgs> formatArgs;
    if (IsFormat() && SUCCEEDED(progress->QueryInterface(kIID_IDiscFormat2DataEventArgs, formatArgs.PutVoid()))) {
      formatArgs->AddRef();
      args = ComPtr<IWriteEngine2EventArgs>::Attach(formatArgs.Get());
    } else if (FAILED(progress->QueryInterface(kIID_IWriteEngine2EventArgs, args.PutVoid()))) {
      return;
    }
    IWriteEngine2EventArgs* a = args.Get();
    // A getter that fails leaves its figure at 0: progress is informative, never fatal.
    a->get_StartLba(&f.startLba);
    a->get_SectorCount(&f.sectorCount);
    a->get_LastReadLba(&f.lastReadLba);
    a->get_LastWrittenLba(&f.lastWrittenLba);
    a->get_TotalSystemBuffer(&f.totalSystemBuffer);
    a->get_UsedSystemBuffer(&f.usedSystemBuffer);
    a->get_FreeSystemBuffer(&f.freeSystemBuffer);
    if (formatArgs) {
      f.hasFormatFigures = true;
      formatArgs->get_ElapsedTime(&f.elapsedTime);
      formatArgs->get_RemainingTime(&f.remainingTime);
      formatArgs->get_TotalTime(&f.totalTime);
      IMAPI_FORMAT2_DATA_WRITE_ACTION action = IMAPI_FORMAT2_DATA_WRITE_ACTION_VALIDATING_MEDIA;
      if (SUCCEEDED(formatArgs->get_CurrentAction(&action))) f.currentAction = static_cast<int>(action);
    }
  }

  // CancelWrite on the object the event came from (valid in the handler's context).
  void CancelInsideUpdate(IDispatch* object) {
    HRESULT hr = E_POINTER;
    if (object) {
      if (IsFormat()) {
        ComPtr<IDiscFormat2Data> f;
        hr = object->QueryInterface(kIID_IDiscFormat2Data, f.PutVoid());
        if (SUCCEEDED(hr)) hr = f->CancelWrite();
      } else {
        ComPtr<IWriteEngine2> w;
        hr = object->QueryInterface(kIID_IWriteEngine2, w.PutVoid());
        if (SUCCEEDED(hr)) hr = w->CancelWrite();
      }
    }
    auto e = std::make_unique<Event>();
    e->kind = Event::Kind::kCancelAttempt;
    e->hr = hr;
    job_->Post(std::move(e));
    const bool notYet = hr == kS_IMAPI_WRITE_NOT_IN_PROGRESS || hr == kE_IMAPI_DF2DATA_WRITE_NOT_IN_PROGRESS;
    if (SUCCEEDED(hr) && !notYet) job_->cancelAccepted = true;
    // Any other answer keeps the request: it is tried again on the next Update.
  }

  std::atomic<ULONG> refs_{1};
  std::shared_ptr<WriteJob> job_;
};
WINOPS_COM_IMPL_END

}  // namespace

ComPtr<IDispatch> MakeUpdateSink(std::shared_ptr<WriteJob> job) {
  return ComPtr<IDispatch>::Attach(new UpdateSink(std::move(job)));
}

}  // namespace winops::imapi2
