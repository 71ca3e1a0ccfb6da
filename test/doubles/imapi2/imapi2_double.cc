// IMAPI2 test double: an in-process COM server registered (by npm run test:wine) under the REAL
// CLSIDs of MsftDiscMaster2, MsftDiscRecorder2, MsftDiscFormat2Data and MsftWriteEngine2, so the
// production addon runs unchanged against it under Wine (which has no imapi2).
//
// It implements the interfaces of native/imapi2/imapi2_abi.h (the same hand-written declarations the
// addon uses; test/doubles/imapi2/abi_check.cc checks them against imapi2-abi.md) and follows
// ImapiScenario (types/scenario.ts) the way lib/fake/imapi2.ts does: Update events through the
// connection point every updateIntervalMs (the first before the write begins, one after completion),
// CancelWrite answering S_IMAPI_WRITE_NOT_IN_PROGRESS during the first notInProgressUpdates Updates,
// cancelLatencyUpdates, failAtUpdate, successCode, and the media/image checks.
//
// It logs (WINOPS_DOUBLE_LOG) every call that matters and the manners broken: CancelWrite called
// outside an Update handler, an object released with a connection still advised, objects still alive.
//
// Events are fired through IDispatch::Invoke(DISPID Update) by default, as the widely-copied samples
// receive them; WINOPS_DOUBLE_FIRE=vtable calls slot 7 (Update) directly instead.
#include <algorithm>
#include <atomic>
#include <cmath>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "common/win.h"
#include "imapi2/com_impl.h"
#include "imapi2/imapi2_abi.h"

#include <olectl.h>  // CONNECT_E_*

#include "common/double_support.h"
#include "common/control_exports.h"
#include "common/com_object.h"

using namespace winops::imapi2::abi;
using doubles::Json;
using doubles::Log;

namespace {

constexpr HRESULT kE_IMAPI_RECORDER_REQUIRED = static_cast<HRESULT>(0xC0AA0003);
constexpr HRESULT kE_IMAPI_RECORDER_MEDIA_WRITE_PROTECTED = static_cast<HRESULT>(0xC0AA0209);
constexpr HRESULT kE_IMAPI_RECORDER_LOCKED = static_cast<HRESULT>(0xC0AA0210);
constexpr HRESULT kE_IMAPI_DF2DATA_WRITE_IN_PROGRESS = static_cast<HRESULT>(0xC0AA0400);
constexpr HRESULT kE_IMAPI_DF2DATA_STREAM_NOT_SUPPORTED = static_cast<HRESULT>(0xC0AA0403);
constexpr HRESULT kE_IMAPI_DF2DATA_STREAM_TOO_LARGE = static_cast<HRESULT>(0xC0AA0404);
constexpr HRESULT kE_IMAPI_DF2DATA_MEDIA_NOT_BLANK = static_cast<HRESULT>(0xC0AA0405);
constexpr HRESULT kE_IMAPI_DF2DATA_CLIENT_NAME_IS_NOT_VALID = static_cast<HRESULT>(0xC0AA0408);

// A private interface: gives the double its own C++ object back from an interface pointer.
constexpr IID kIID_DoubleRecorder = {0x6d3f9a31, 0x0001, 0x4f5e, {0x9c, 0x1b, 0x57, 0x49, 0x4e, 0x4f, 0x50, 0x53}};


// ---------------------------------------------------------------------------------------- scenario

struct MediaScript {
  std::string physicalType = "DVDPLUSR";
  bool present = true, blank = true, writeProtected = false;
  long totalSectors = 2295104, freeSectors = 2295104;
};

struct RecorderScript {
  std::string id, vendorId = "WINOPS", productId = "Simulated recorder", productRevision = "1.00";
  std::vector<std::string> volumePaths;
  MediaScript media;
  // get_ProductRevision fails with this (scenario productRevisionFails; S_OK = it does not). Its page,
  // nf-imapi2-idiscrecorder2-get_productrevision.md, lists E_POINTER, E_FAIL and E_OUTOFMEMORY.
  HRESULT productRevisionFails = S_OK;
};

struct Scenario {
  std::vector<RecorderScript> recorders;
  long updateIntervalMs = 500, sectorsPerUpdate = 4096, notInProgressUpdates = 0, cancelLatencyUpdates = 0;
  long failAtUpdate = -1;
  HRESULT failCode = E_FAIL;
  HRESULT successCode = S_OK;
  std::vector<long> holdUpdates;  // Updates not sent until the test releases "imapi2:update:<n>"
  // One more Update after Unadvise, from a thread of the double's own, once the test releases "imapi2:lateUpdate".
  // COM does not promise that no call reaches a sink after IConnectionPoint::Unadvise returns: a call already in
  // flight on another thread (an event marshalled from the apartment the object lives in) still arrives, and the
  // IConnectionPoint::Unadvise page (sdk-api ocidl) says only that Unadvise releases the saved pointer, nothing
  // about calls in flight. The double plays that case (issue 11 item 16): the reference Unadvise would release is
  // released after the late call returned, as a call in flight holds one of its own.
  bool lateUpdate = false;
};

Scenario LoadScenario() {
  const Json s = doubles::ScenarioSection("imapi2");
  Scenario sc;
  sc.updateIntervalMs = static_cast<long>(s.Num("updateIntervalMs", 500));
  sc.sectorsPerUpdate = static_cast<long>(s.Num("sectorsPerUpdate", 4096));
  sc.notInProgressUpdates = static_cast<long>(s.Num("notInProgressUpdates", 0));
  sc.cancelLatencyUpdates = static_cast<long>(s.Num("cancelLatencyUpdates", 0));
  if (const Json* f = s.Get("failAtUpdate")) {
    sc.failAtUpdate = static_cast<long>(f->Num("update", -1));
    sc.failCode = doubles::CodeOf(f->Get("code"), E_FAIL);
  }
  sc.successCode = doubles::CodeOf(s.Get("successCode"), S_OK);
  sc.lateUpdate = s.Bool("lateUpdate", false);
  if (const Json* h = s.Get("holdUpdates"); h && h->type == Json::Type::kArray) {
    for (const Json& n : h->a) {
      if (n.IsNumber()) sc.holdUpdates.push_back(static_cast<long>(n.n));
    }
  }
  const Json* list = s.Get("recorders");
  if (!list || list->type != Json::Type::kArray) {
    RecorderScript r;  // lib/fake/imapi2.ts DEFAULT_RECORDERS
    r.id = "{6D3F9A31-0000-4F5E-9C1B-FAKE00000001}";
    r.productId = "Simulated DVD-RW";
    r.volumePaths = {"E:\\"};
    sc.recorders.push_back(r);
    return sc;
  }
  for (const Json& j : list->a) {
    RecorderScript r;
    r.id = j.Str("id", "");
    r.vendorId = j.Str("vendorId", r.vendorId);
    r.productId = j.Str("productId", r.productId);
    r.productRevision = j.Str("productRevision", r.productRevision);
    r.productRevisionFails = doubles::CodeOf(j.Get("productRevisionFails"), S_OK);
    if (const Json* v = j.Get("volumePaths")) {
      for (const Json& p : v->a) r.volumePaths.push_back(p.s);
    }
    if (const Json* m = j.Get("media")) {
      r.media.physicalType = m->Str("physicalType", r.media.physicalType);
      r.media.present = m->Bool("present", true);
      r.media.blank = m->Bool("blank", true);
      r.media.writeProtected = m->Bool("writeProtected", false);
      r.media.totalSectors = static_cast<long>(m->Num("totalSectors", 2295104));
      r.media.freeSectors = static_cast<long>(m->Num("freeSectors", static_cast<double>(r.media.totalSectors)));
    }
    if (!r.media.present) {
      r.media.totalSectors = 0;
      r.media.freeSectors = 0;
      r.media.blank = false;
    }
    sc.recorders.push_back(r);
  }
  return sc;
}

IMAPI_MEDIA_PHYSICAL_TYPE PhysicalType(const std::string& name) {
  static const char* const kNames[] = {
      "UNKNOWN", "CDROM", "CDR", "CDRW", "DVDROM", "DVDRAM", "DVDPLUSR", "DVDPLUSRW", "DVDPLUSR_DUALLAYER",
      "DVDDASHR", "DVDDASHRW", "DVDDASHR_DUALLAYER", "DISK", "DVDPLUSRW_DUALLAYER", "HDDVDROM", "HDDVDR",
      "HDDVDRAM", "BDROM", "BDR", "BDRE"};
  for (int i = 0; i < static_cast<int>(sizeof kNames / sizeof kNames[0]); ++i) {
    if (name == kNames[i]) return static_cast<IMAPI_MEDIA_PHYSICAL_TYPE>(i);
  }
  return IMAPI_MEDIA_TYPE_UNKNOWN;
}

// Recorders in use by a write (or held exclusively), by lower-case id -> client name.
std::mutex g_busyMutex;
std::set<std::string> g_writing;
std::map<std::string, std::string> g_exclusive;

BSTR Bstr(const std::string& s) {
  const std::wstring w = doubles::Widen(s);
  return ::SysAllocStringLen(w.data(), static_cast<UINT>(w.size()));
}

WINOPS_COM_IMPL_BEGIN

// IDispatch methods nobody calls on these objects (the addon uses the vtables).
template <class Base>
class DispatchStub : public Base {
 public:
  HRESULT STDMETHODCALLTYPE GetTypeInfoCount(UINT* n) override {
    if (n) *n = 0;
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE GetTypeInfo(UINT, LCID, ITypeInfo** t) override {
    if (t) *t = nullptr;
    return E_NOTIMPL;
  }
  HRESULT STDMETHODCALLTYPE GetIDsOfNames(REFIID, LPOLESTR*, UINT, LCID, DISPID*) override { return E_NOTIMPL; }
  HRESULT STDMETHODCALLTYPE Invoke(DISPID, REFIID, LCID, WORD, DISPPARAMS*, VARIANT*, EXCEPINFO*, UINT*) override {
    return E_NOTIMPL;
  }
};

// ---------------------------------------------------------------------------------------- MsftDiscMaster2

class Master final : public doubles::ComObject<Master, DispatchStub<IDiscMaster2>> {
 public:
  Master() : tracked_("MsftDiscMaster2"), scenario_(LoadScenario()) {}
  void* Interface(REFIID iid) {
    return IsEqualIID(iid, IID_IDispatch) || IsEqualIID(iid, kIID_IDiscMaster2) ? static_cast<IDiscMaster2*>(this) : nullptr;
  }

  HRESULT STDMETHODCALLTYPE get__NewEnum(IEnumVARIANT** e) override {
    if (e) *e = nullptr;
    return E_NOTIMPL;
  }
  HRESULT STDMETHODCALLTYPE get_Item(LONG index, BSTR* value) override {
    if (!value) return E_POINTER;
    if (index < 0 || index >= static_cast<LONG>(scenario_.recorders.size())) return E_INVALIDARG;
    *value = Bstr(scenario_.recorders[static_cast<size_t>(index)].id);
    Log::Get().Call("IDiscMaster2::get_Item", "S_OK", scenario_.recorders[static_cast<size_t>(index)].id);
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE get_Count(LONG* value) override {
    if (!value) return E_POINTER;
    *value = static_cast<LONG>(scenario_.recorders.size());
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE get_IsSupportedEnvironment(VARIANT_BOOL* value) override {
    if (!value) return E_POINTER;
    *value = VARIANT_TRUE;
    return S_OK;
  }

 private:
  doubles::Tracked tracked_;
  Scenario scenario_;
};

// ---------------------------------------------------------------------------------------- MsftDiscRecorder2

class Recorder final : public doubles::ComObject<Recorder, DispatchStub<IDiscRecorder2>, IDiscRecorder2Ex> {
 public:
  Recorder() : tracked_("MsftDiscRecorder2"), scenario_(LoadScenario()) {}
  ~Recorder() override {
    if (exclusive_) {
      Log::Get().Violation("MsftDiscRecorder2 released while still holding exclusive access (" + script_.id + ")");
      std::lock_guard<std::mutex> lock(g_busyMutex);
      g_exclusive.erase(doubles::Lower(script_.id));
    }
  }
  void* Interface(REFIID iid) {
    if (IsEqualIID(iid, IID_IDispatch) || IsEqualIID(iid, kIID_IDiscRecorder2) || IsEqualIID(iid, kIID_DoubleRecorder)) {
      return static_cast<IDiscRecorder2*>(this);
    }
    return IsEqualIID(iid, kIID_IDiscRecorder2Ex) ? static_cast<IDiscRecorder2Ex*>(this) : nullptr;
  }

  static Recorder* From(IUnknown* p) {
    if (!p) return nullptr;
    IDiscRecorder2* r = nullptr;
    if (FAILED(p->QueryInterface(kIID_DoubleRecorder, reinterpret_cast<void**>(&r)))) return nullptr;
    r->Release();  // the caller keeps its own reference
    return static_cast<Recorder*>(r);
  }

  bool initialized() const { return initialized_; }
  const RecorderScript& script() const { return script_; }
  bool exclusive() const { return exclusive_; }

  // IDiscRecorder2
  HRESULT STDMETHODCALLTYPE EjectMedia() override { return E_NOTIMPL; }
  HRESULT STDMETHODCALLTYPE CloseTray() override { return E_NOTIMPL; }
  HRESULT STDMETHODCALLTYPE AcquireExclusiveAccess(VARIANT_BOOL, BSTR clientName) override {
    if (!initialized_) return kE_IMAPI_RECORDER_REQUIRED;
    const std::string name = doubles::Narrow(clientName);
    std::lock_guard<std::mutex> lock(g_busyMutex);
    const std::string key = doubles::Lower(script_.id);
    if (exclusive_) return S_OK;
    if (g_exclusive.count(key)) {
      Log::Get().Call("IDiscRecorder2::AcquireExclusiveAccess", "E_IMAPI_RECORDER_LOCKED", name);
      return kE_IMAPI_RECORDER_LOCKED;
    }
    g_exclusive[key] = name;
    exclusive_ = true;
    Log::Get().Call("IDiscRecorder2::AcquireExclusiveAccess", "S_OK", name);
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE ReleaseExclusiveAccess() override {
    std::lock_guard<std::mutex> lock(g_busyMutex);
    if (exclusive_) g_exclusive.erase(doubles::Lower(script_.id));
    exclusive_ = false;
    Log::Get().Call("IDiscRecorder2::ReleaseExclusiveAccess", "S_OK");
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE DisableMcn() override { return E_NOTIMPL; }
  HRESULT STDMETHODCALLTYPE EnableMcn() override { return E_NOTIMPL; }
  HRESULT STDMETHODCALLTYPE InitializeDiscRecorder(BSTR id) override {
    const std::string want = doubles::Lower(doubles::Narrow(id));
    for (const RecorderScript& r : scenario_.recorders) {
      if (doubles::Lower(r.id) == want) {
        script_ = r;
        initialized_ = true;
        Log::Get().Call("IDiscRecorder2::InitializeDiscRecorder", "S_OK", r.id);
        return S_OK;
      }
    }
    Log::Get().Call("IDiscRecorder2::InitializeDiscRecorder", "E_INVALIDARG", doubles::Narrow(id));
    return E_INVALIDARG;
  }
  HRESULT STDMETHODCALLTYPE get_ActiveDiscRecorder(BSTR* v) override { return Str(v, script_.id); }
  HRESULT STDMETHODCALLTYPE get_VendorId(BSTR* v) override { return Str(v, script_.vendorId); }
  HRESULT STDMETHODCALLTYPE get_ProductId(BSTR* v) override { return Str(v, script_.productId); }
  HRESULT STDMETHODCALLTYPE get_ProductRevision(BSTR* v) override {
    if (initialized_ && FAILED(script_.productRevisionFails)) {
      if (v) *v = nullptr;
      Log::Get().Call("IDiscRecorder2::get_ProductRevision", doubles::CodeName(script_.productRevisionFails), script_.id);
      return script_.productRevisionFails;
    }
    return Str(v, script_.productRevision);
  }
  HRESULT STDMETHODCALLTYPE get_VolumeName(BSTR* v) override { return Str(v, "\\\\?\\Volume{winops}\\"); }
  HRESULT STDMETHODCALLTYPE get_VolumePathNames(SAFEARRAY** value) override {
    if (!value) return E_POINTER;
    if (!initialized_) return kE_IMAPI_RECORDER_REQUIRED;
    SAFEARRAY* sa = ::SafeArrayCreateVector(VT_VARIANT, 0, static_cast<ULONG>(script_.volumePaths.size()));
    if (!sa) return E_OUTOFMEMORY;
    for (LONG i = 0; i < static_cast<LONG>(script_.volumePaths.size()); ++i) {
      VARIANT v;
      ::VariantInit(&v);
      v.vt = VT_BSTR;
      v.bstrVal = Bstr(script_.volumePaths[static_cast<size_t>(i)]);
      ::SafeArrayPutElement(sa, &i, &v);
      ::VariantClear(&v);
    }
    *value = sa;
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE get_DeviceCanLoadMedia(VARIANT_BOOL* v) override {
    if (!v) return E_POINTER;
    *v = VARIANT_TRUE;
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE get_LegacyDeviceNumber(LONG* v) override {
    if (!v) return E_POINTER;
    *v = 0;
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE get_SupportedFeaturePages(SAFEARRAY**) override { return E_NOTIMPL; }
  HRESULT STDMETHODCALLTYPE get_CurrentFeaturePages(SAFEARRAY**) override { return E_NOTIMPL; }
  HRESULT STDMETHODCALLTYPE get_SupportedProfiles(SAFEARRAY**) override { return E_NOTIMPL; }
  HRESULT STDMETHODCALLTYPE get_CurrentProfiles(SAFEARRAY**) override { return E_NOTIMPL; }
  HRESULT STDMETHODCALLTYPE get_SupportedModePages(SAFEARRAY**) override { return E_NOTIMPL; }
  HRESULT STDMETHODCALLTYPE get_ExclusiveAccessOwner(BSTR* v) override {
    std::lock_guard<std::mutex> lock(g_busyMutex);
    auto it = g_exclusive.find(doubles::Lower(script_.id));
    return Str(v, it == g_exclusive.end() ? std::string() : it->second);
  }

  // IDiscRecorder2Ex (IUnknown base: forwards to the primary IUnknown)
  HRESULT STDMETHODCALLTYPE SendCommandNoData(BYTE*, ULONG, BYTE[18], ULONG) override { return E_NOTIMPL; }
  HRESULT STDMETHODCALLTYPE SendCommandSendDataToDevice(BYTE*, ULONG, BYTE[18], ULONG, BYTE*, ULONG) override {
    return E_NOTIMPL;
  }
  HRESULT STDMETHODCALLTYPE SendCommandGetDataFromDevice(BYTE*, ULONG, BYTE[18], ULONG, BYTE*, ULONG, ULONG*) override {
    return E_NOTIMPL;
  }
  HRESULT STDMETHODCALLTYPE ReadDvdStructure(ULONG, ULONG, ULONG, ULONG, BYTE**, ULONG*) override { return E_NOTIMPL; }
  HRESULT STDMETHODCALLTYPE SendDvdStructure(ULONG, BYTE*, ULONG) override { return E_NOTIMPL; }
  HRESULT STDMETHODCALLTYPE GetAdapterDescriptor(BYTE**, ULONG*) override { return E_NOTIMPL; }
  HRESULT STDMETHODCALLTYPE GetDeviceDescriptor(BYTE**, ULONG*) override { return E_NOTIMPL; }
  HRESULT STDMETHODCALLTYPE GetDiscInformation(BYTE**, ULONG*) override { return E_NOTIMPL; }
  HRESULT STDMETHODCALLTYPE GetTrackInformation(ULONG, IMAPI_READ_TRACK_ADDRESS_TYPE, BYTE**, ULONG*) override {
    return E_NOTIMPL;
  }
  HRESULT STDMETHODCALLTYPE GetFeaturePage(IMAPI_FEATURE_PAGE_TYPE, BOOLEAN, BYTE**, ULONG*) override {
    return E_NOTIMPL;
  }
  HRESULT STDMETHODCALLTYPE GetModePage(IMAPI_MODE_PAGE_TYPE, IMAPI_MODE_PAGE_REQUEST_TYPE, BYTE**, ULONG*) override {
    return E_NOTIMPL;
  }
  HRESULT STDMETHODCALLTYPE SetModePage(IMAPI_MODE_PAGE_REQUEST_TYPE, BYTE*, ULONG) override { return E_NOTIMPL; }
  HRESULT STDMETHODCALLTYPE GetSupportedFeaturePages(BOOLEAN, IMAPI_FEATURE_PAGE_TYPE**, ULONG*) override {
    return E_NOTIMPL;
  }
  HRESULT STDMETHODCALLTYPE GetSupportedProfiles(BOOLEAN, IMAPI_PROFILE_TYPE**, ULONG*) override { return E_NOTIMPL; }
  HRESULT STDMETHODCALLTYPE GetSupportedModePages(IMAPI_MODE_PAGE_REQUEST_TYPE, IMAPI_MODE_PAGE_TYPE**, ULONG*) override {
    return E_NOTIMPL;
  }
  HRESULT STDMETHODCALLTYPE GetByteAlignmentMask(ULONG* v) override {
    if (!v) return E_POINTER;
    *v = 0;
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE GetMaximumNonPageAlignedTransferSize(ULONG* v) override {
    if (!v) return E_POINTER;
    *v = 65536;
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE GetMaximumPageAlignedTransferSize(ULONG* v) override {
    if (!v) return E_POINTER;
    *v = 65536;
    return S_OK;
  }

 private:
  HRESULT Str(BSTR* out, const std::string& s) {
    if (!out) return E_POINTER;
    if (!initialized_) return kE_IMAPI_RECORDER_REQUIRED;
    *out = Bstr(s);
    return S_OK;
  }

  doubles::Tracked tracked_;
  Scenario scenario_;
  RecorderScript script_;
  bool initialized_ = false;
  bool exclusive_ = false;
};

// ---------------------------------------------------------------------------------------- EventArgs

struct Figures {
  LONG startLba = 0, sectorCount = 0, lastReadLba = 0, lastWrittenLba = 0;
  LONG total = 0, used = 0, free = 0;
  LONG elapsed = 0, remaining = 0, totalTime = 0;
  IMAPI_FORMAT2_DATA_WRITE_ACTION action = IMAPI_FORMAT2_DATA_WRITE_ACTION_VALIDATING_MEDIA;
};

class EventArgs final : public doubles::ComObject<EventArgs, DispatchStub<IDiscFormat2DataEventArgs>> {
 public:
  EventArgs(bool format, const Figures& f) : tracked_("EventArgs"), format_(format), f_(f) {}
  void* Interface(REFIID iid) {
    const bool ok = IsEqualIID(iid, IID_IDispatch) || IsEqualIID(iid, kIID_IWriteEngine2EventArgs) ||
                    (format_ && IsEqualIID(iid, kIID_IDiscFormat2DataEventArgs));
    return ok ? static_cast<IDiscFormat2DataEventArgs*>(this) : nullptr;
  }

  HRESULT STDMETHODCALLTYPE get_StartLba(LONG* v) override { return Put(v, f_.startLba); }
  HRESULT STDMETHODCALLTYPE get_SectorCount(LONG* v) override { return Put(v, f_.sectorCount); }
  HRESULT STDMETHODCALLTYPE get_LastReadLba(LONG* v) override { return Put(v, f_.lastReadLba); }
  HRESULT STDMETHODCALLTYPE get_LastWrittenLba(LONG* v) override { return Put(v, f_.lastWrittenLba); }
  HRESULT STDMETHODCALLTYPE get_TotalSystemBuffer(LONG* v) override { return Put(v, f_.total); }
  HRESULT STDMETHODCALLTYPE get_UsedSystemBuffer(LONG* v) override { return Put(v, f_.used); }
  HRESULT STDMETHODCALLTYPE get_FreeSystemBuffer(LONG* v) override { return Put(v, f_.free); }
  HRESULT STDMETHODCALLTYPE get_ElapsedTime(LONG* v) override { return Put(v, f_.elapsed); }
  HRESULT STDMETHODCALLTYPE get_RemainingTime(LONG* v) override { return Put(v, f_.remaining); }
  HRESULT STDMETHODCALLTYPE get_TotalTime(LONG* v) override { return Put(v, f_.totalTime); }
  HRESULT STDMETHODCALLTYPE get_CurrentAction(IMAPI_FORMAT2_DATA_WRITE_ACTION* v) override {
    if (!v) return E_POINTER;
    *v = f_.action;
    return S_OK;
  }

 private:
  static HRESULT Put(LONG* out, LONG v) {
    if (!out) return E_POINTER;
    *out = v;
    return S_OK;
  }
  doubles::Tracked tracked_;
  bool format_;
  Figures f_;
};

// ---------------------------------------------------------------------------------------- writer base

// What MsftDiscFormat2Data and MsftWriteEngine2 share: the connection point for their event
// interface, and the scripted write loop.
class Writer {
 public:
  Writer(bool format, IUnknown* outer, IConnectionPointContainer* container)
      : format_(format), cp_(this, outer, container), scenario_(LoadScenario()) {}
  virtual ~Writer() {
    std::lock_guard<std::mutex> lock(m_);
    if (!sinks_.empty()) {
      Log::Get().Violation(std::string(Cls()) + " released with " + std::to_string(sinks_.size()) +
                           " connection(s) still advised (Unadvise was not called)");
      for (auto& s : sinks_) s.second->Release();
    }
    if (recorder_) recorder_->Release();
  }

  const char* Cls() const { return format_ ? "MsftDiscFormat2Data" : "MsftWriteEngine2"; }
  const char* Iface() const { return format_ ? "IDiscFormat2Data" : "IWriteEngine2"; }

  // The connection point, embedded: its AddRef/Release are the owner's.
  class Point final : public IConnectionPoint {
   public:
    Point(Writer* w, IUnknown* outer, IConnectionPointContainer* container)
        : w_(w), outer_(outer), container_(container) {}
    virtual ~Point() = default;
    HRESULT STDMETHODCALLTYPE QueryInterface(REFIID iid, void** out) override {
      if (!out) return E_POINTER;
      if (IsEqualIID(iid, IID_IUnknown) || IsEqualIID(iid, IID_IConnectionPoint)) {
        *out = static_cast<IConnectionPoint*>(this);
        AddRef();
        return S_OK;
      }
      *out = nullptr;
      return E_NOINTERFACE;
    }
    ULONG STDMETHODCALLTYPE AddRef() override { return outer_->AddRef(); }
    ULONG STDMETHODCALLTYPE Release() override { return outer_->Release(); }
    HRESULT STDMETHODCALLTYPE GetConnectionInterface(IID* iid) override {
      if (!iid) return E_POINTER;
      *iid = w_->EventIid();
      return S_OK;
    }
    HRESULT STDMETHODCALLTYPE GetConnectionPointContainer(IConnectionPointContainer** c) override {
      if (!c) return E_POINTER;
      container_->AddRef();
      *c = container_;
      return S_OK;
    }
    HRESULT STDMETHODCALLTYPE Advise(IUnknown* sink, DWORD* cookie) override { return w_->Advise(sink, cookie); }
    HRESULT STDMETHODCALLTYPE Unadvise(DWORD cookie) override { return w_->Unadvise(cookie); }
    HRESULT STDMETHODCALLTYPE EnumConnections(IEnumConnections** e) override {
      if (e) *e = nullptr;
      return E_NOTIMPL;
    }

   private:
    Writer* w_;
    IUnknown* outer_;
    IConnectionPointContainer* container_;
  };

  HRESULT FindPoint(REFIID iid, IConnectionPoint** out) {
    if (!out) return E_POINTER;
    *out = nullptr;
    if (!IsEqualIID(iid, EventIid())) return CONNECT_E_NOCONNECTION;
    cp_.AddRef();
    *out = &cp_;
    return S_OK;
  }

  const IID& EventIid() const { return format_ ? kIID_DDiscFormat2DataEvents : kIID_DWriteEngine2Events; }

  HRESULT Advise(IUnknown* sink, DWORD* cookie) {
    if (!sink || !cookie) return E_POINTER;
    IDispatch* d = nullptr;
    // A sink must answer the event IID (the addon's does); IDispatch is what Invoke needs.
    IUnknown* probe = nullptr;
    if (FAILED(sink->QueryInterface(EventIid(), reinterpret_cast<void**>(&probe)))) {
      Log::Get().Call("IConnectionPoint::Advise", "CONNECT_E_CANNOTCONNECT");
      return CONNECT_E_CANNOTCONNECT;
    }
    probe->Release();
    if (FAILED(sink->QueryInterface(IID_IDispatch, reinterpret_cast<void**>(&d)))) return CONNECT_E_CANNOTCONNECT;
    std::lock_guard<std::mutex> lock(m_);
    *cookie = ++nextCookie_;
    sinks_[*cookie] = d;
    Log::Get().Call("IConnectionPoint::Advise", "S_OK", format_ ? "DDiscFormat2DataEvents" : "DWriteEngine2Events");
    return S_OK;
  }
  HRESULT Unadvise(DWORD cookie) {
    IDispatch* d = nullptr;
    {
      std::lock_guard<std::mutex> lock(m_);
      auto it = sinks_.find(cookie);
      if (it == sinks_.end()) return CONNECT_E_NOCONNECTION;
      d = it->second;
      sinks_.erase(it);
    }
    Log::Get().Call("IConnectionPoint::Unadvise", "S_OK");
    if (scenario_.lateUpdate) {
      LateUpdate(d, format_);  // takes over the reference
    } else {
      d->Release();
    }
    return S_OK;
  }

  // scenario lateUpdate: the Update in flight when Unadvise returned, delivered through Invoke (as the
  // marshalled event would be) once the test releases the gate, with the writer as a null object (it may be
  // gone by then). Logs {"call":"late Update","result":<what the sink answered>} after releasing the sink.
  static void LateUpdate(IDispatch* sink, bool format) {
    std::thread([sink, format] {
      Log::Get().Hold("imapi2:lateUpdate", nullptr);
      EventArgs* args = new EventArgs(format, Figures{});
      VARIANT argv[2];
      ::VariantInit(&argv[0]);
      ::VariantInit(&argv[1]);
      argv[0].vt = VT_DISPATCH;
      argv[0].pdispVal = static_cast<IDispatch*>(args);
      argv[1].vt = VT_DISPATCH;
      argv[1].pdispVal = nullptr;
      DISPPARAMS params{argv, nullptr, 2, 0};
      const HRESULT hr = sink->Invoke(format ? kDispidDDiscFormat2DataEventsUpdate : kDispidDWriteEngine2EventsUpdate,
                                      IID_NULL, LOCALE_USER_DEFAULT, DISPATCH_METHOD, &params, nullptr, nullptr, nullptr);
      args->Release();
      sink->Release();
      Log::Get().Call("late Update", doubles::CodeName(hr));
    }).detach();
  }

  HRESULT SetRecorder(IUnknown* r) {
    Recorder* rec = Recorder::From(r);
    if (r && !rec) return E_INVALIDARG;
    if (rec && !rec->initialized()) return kE_IMAPI_RECORDER_REQUIRED;
    std::lock_guard<std::mutex> lock(m_);
    if (rec) static_cast<IDiscRecorder2*>(rec)->AddRef();
    if (recorder_) recorder_->Release();
    recorder_ = rec ? static_cast<IDiscRecorder2*>(rec) : nullptr;
    return S_OK;
  }
  Recorder* recorder() const { return recorder_ ? static_cast<Recorder*>(recorder_) : nullptr; }

  // CancelWrite, as both interfaces define it; what the fake answers.
  HRESULT Cancel() {
    const bool inside = inUpdate_.load() && firingThread_.load() == ::GetCurrentThreadId();
    HRESULT hr;
    if (!writing_) {
      hr = format_ ? kE_IMAPI_DF2DATA_WRITE_NOT_IN_PROGRESS : kS_IMAPI_WRITE_NOT_IN_PROGRESS;
    } else if (notInProgressNow_) {
      hr = kS_IMAPI_WRITE_NOT_IN_PROGRESS;
    } else {
      cancelAccepted_ = true;
      hr = S_OK;
    }
    if (!inside) {
      Log::Get().Violation(std::string(Iface()) + "::CancelWrite called outside an Update handler (update " +
                           std::to_string(updates_) + ")");
    }
    Log::Get().Call(std::string(Iface()) + "::CancelWrite", doubles::CodeName(hr),
                    inside ? "inside Update" : "outside Update", updates_);
    return hr;
  }

  // The write: the fake's state machine, on the caller's thread (Write is synchronous).
  HRESULT RunWrite(IDispatch* self, IStream* data, LONG startLba, LONG sectorCount, LONG bytesPerSector,
                   bool force, const std::string& clientName) {
    const std::string call = format_ ? "IDiscFormat2Data::Write" : "IWriteEngine2::WriteSection";
    Recorder* rec = recorder();
    auto fail = [&](HRESULT hr) {
      Log::Get().Call(call, doubles::CodeName(hr), rec ? rec->script().id : std::string());
      return hr;
    };
    if (!data) return fail(E_POINTER);
    if (!rec) return fail(kE_IMAPI_RECORDER_REQUIRED);
    if (format_ && clientName.empty()) {
      Log::Get().Violation("IDiscFormat2Data::Write without put_ClientName");
      return fail(kE_IMAPI_DF2DATA_CLIENT_NAME_IS_NOT_VALID);
    }
    if (!format_ && !rec->exclusive()) {
      Log::Get().Violation("IWriteEngine2::WriteSection without IDiscRecorder2::AcquireExclusiveAccess");
    }
    const std::string key = doubles::Lower(rec->script().id);
    {
      std::lock_guard<std::mutex> lock(g_busyMutex);
      if (g_writing.count(key)) return fail(format_ ? kE_IMAPI_DF2DATA_WRITE_IN_PROGRESS : kE_IMAPI_RECORDER_LOCKED);
      g_writing.insert(key);
    }
    const HRESULT hr = Loop(self, data, startLba, sectorCount, bytesPerSector, force, rec->script().media);
    {
      std::lock_guard<std::mutex> lock(g_busyMutex);
      g_writing.erase(key);
    }
    writing_ = false;
    return fail(hr);
  }

 private:
  HRESULT Loop(IDispatch* self, IStream* data, LONG startLba, LONG sectorCount, LONG bps, bool force,
               const MediaScript& media) {
    const Scenario& sc = scenario_;
    if (!media.present) return kE_IMAPI_RECORDER_MEDIA_NO_MEDIA;
    if (media.writeProtected) return kE_IMAPI_RECORDER_MEDIA_WRITE_PROTECTED;
    STATSTG st{};
    HRESULT hr = data->Stat(&st, STATFLAG_NONAME);
    if (FAILED(hr)) return hr;
    const unsigned long long size = st.cbSize.QuadPart;
    long total = 0;
    if (format_) {
      if (!media.blank && !force) return kE_IMAPI_DF2DATA_MEDIA_NOT_BLANK;
      if (size == 0 || size % 2048 != 0) return kE_IMAPI_DF2DATA_STREAM_NOT_SUPPORTED;
      if (static_cast<long long>(size / 2048) > media.freeSectors) return kE_IMAPI_DF2DATA_STREAM_TOO_LARGE;
      total = static_cast<long>(size / 2048);
      bps = 2048;
      startLba = 0;
    } else {
      if (bps <= 0) return E_INVALIDARG;
      if (size < static_cast<unsigned long long>(sectorCount) * static_cast<unsigned long long>(bps)) return E_INVALIDARG;
      total = sectorCount;
    }
    writing_ = true;
    cancelAccepted_ = false;
    updates_ = 0;
    long written = 0, sinceCancel = 0;
    const ULONGLONG started = ::GetTickCount64();
    std::vector<BYTE> buffer;
    for (;;) {
      const bool nip = updates_ < sc.notInProgressUpdates;
      notInProgressNow_ = nip;
      // A held Update (scenario holdUpdates) is sent once the test releases it: the test, not the interval, decides
      // what has happened by then (e.g. that a cancel was requested).
      if (std::find(sc.holdUpdates.begin(), sc.holdUpdates.end(), updates_ + 1) != sc.holdUpdates.end()) {
        Log::Get().Hold("imapi2:update:" + std::to_string(updates_ + 1), nullptr);
      }
      ++updates_;
      Fire(self, Make(startLba, total, written, started,
                      nip ? IMAPI_FORMAT2_DATA_WRITE_ACTION_INITIALIZING_HARDWARE
                          : IMAPI_FORMAT2_DATA_WRITE_ACTION_WRITING_DATA));
      if (sc.failAtUpdate >= 0 && updates_ >= sc.failAtUpdate) return sc.failCode;
      if (cancelAccepted_) {
        if (sinceCancel >= sc.cancelLatencyUpdates) return kE_IMAPI_REQUEST_CANCELLED;
        ++sinceCancel;
      }
      ::Sleep(static_cast<DWORD>(sc.updateIntervalMs));
      if (!nip || updates_ >= sc.notInProgressUpdates) {
        notInProgressNow_ = false;
        const long sectors = std::min(sc.sectorsPerUpdate, total - written);
        if (sectors > 0 && !cancelAccepted_) {
          const ULONG bytes = static_cast<ULONG>(sectors) * static_cast<ULONG>(bps);
          buffer.resize(bytes);
          ULONG have = 0;
          while (have < bytes) {
            ULONG got = 0;
            hr = data->Read(buffer.data() + have, bytes - have, &got);
            if (FAILED(hr)) return hr;
            if (got == 0) return E_FAIL;  // the stream ended before its Stat size
            have += got;
          }
          written += sectors;
        }
        if (written >= total && !cancelAccepted_) {
          notInProgressNow_ = false;
          writing_ = false;  // the last Update comes after the write is over
          Fire(self, Make(startLba, total, written, started, IMAPI_FORMAT2_DATA_WRITE_ACTION_COMPLETED));
          return sc.successCode;
        }
      }
    }
  }

  Figures Make(LONG start, long total, long written, ULONGLONG started, IMAPI_FORMAT2_DATA_WRITE_ACTION action) const {
    const Scenario& sc = scenario_;
    Figures f;
    const LONG buffer = 8 * 1024 * 1024;
    const LONG used = written > 0 && written < total ? static_cast<LONG>(buffer * 0.75) : 0;
    f.startLba = start;
    f.sectorCount = total;
    f.lastReadLba = start + std::min(total, written + (written < total ? 64L : 0L)) - 1;
    f.lastWrittenLba = start + written - 1;
    f.total = buffer;
    f.used = used;
    f.free = buffer - used;
    f.elapsed = static_cast<LONG>(std::lround(static_cast<double>(::GetTickCount64() - started) / 1000.0));
    const double steps = std::ceil(static_cast<double>(total - written) / static_cast<double>(sc.sectorsPerUpdate));
    f.remaining = static_cast<LONG>(std::lround(steps * static_cast<double>(sc.updateIntervalMs) / 1000.0));
    f.totalTime = f.elapsed + f.remaining;
    f.action = action;
    return f;
  }

  void Fire(IDispatch* self, const Figures& figures) {
    std::vector<IDispatch*> targets;
    {
      std::lock_guard<std::mutex> lock(m_);
      for (auto& s : sinks_) {
        s.second->AddRef();
        targets.push_back(s.second);
      }
    }
    EventArgs* args = new EventArgs(format_, figures);
    const bool viaVtable = doubles::Env(L"WINOPS_DOUBLE_FIRE") == "vtable";
    firingThread_ = ::GetCurrentThreadId();
    inUpdate_ = true;
    for (IDispatch* sink : targets) {
      if (viaVtable) {
        // Slot 7 of DDiscFormat2DataEvents / DWriteEngine2Events (same layout).
        IUnknown* ev = nullptr;
        if (SUCCEEDED(sink->QueryInterface(EventIid(), reinterpret_cast<void**>(&ev)))) {
          reinterpret_cast<DDiscFormat2DataEvents*>(ev)->Update(self, static_cast<IDispatch*>(args));
          ev->Release();
        }
      } else {
        VARIANT argv[2];
        ::VariantInit(&argv[0]);
        ::VariantInit(&argv[1]);
        argv[0].vt = VT_DISPATCH;  // progress (DISPPARAMS run last to first)
        argv[0].pdispVal = static_cast<IDispatch*>(args);
        argv[1].vt = VT_DISPATCH;  // object
        argv[1].pdispVal = self;
        DISPPARAMS params{argv, nullptr, 2, 0};
        sink->Invoke(format_ ? kDispidDDiscFormat2DataEventsUpdate : kDispidDWriteEngine2EventsUpdate, IID_NULL,
                     LOCALE_USER_DEFAULT, DISPATCH_METHOD, &params, nullptr, nullptr, nullptr);
      }
      sink->Release();
    }
    inUpdate_ = false;
    args->Release();
  }

  const bool format_;
  Point cp_;
  Scenario scenario_;
  std::mutex m_;
  std::map<DWORD, IDispatch*> sinks_;
  DWORD nextCookie_ = 0;
  IDiscRecorder2* recorder_ = nullptr;
  std::atomic<bool> writing_{false}, notInProgressNow_{false}, cancelAccepted_{false}, inUpdate_{false};
  std::atomic<DWORD> firingThread_{0};
  std::atomic<long> updates_{0};
};

// ---------------------------------------------------------------------------------------- MsftDiscFormat2Data

// MsftDiscFormat2Data: IDiscFormat2Data, IConnectionPointContainer and IBurnVerification (the coclass, imapi2-abi.md
// GUIDs table). The verification level is only recorded (logged by put_BurnVerificationLevel, with the level as its
// detail): what verifying reads is the drive's business (IMAPI_BURN_VERIFICATION_LEVEL: READ_DISC_INFO /
// READ_TRACK_INFO and checksums of disc sectors against the stream), and the docs do not say that Write reads the
// IStream again for it, so the double does not.
class Format final
    : public doubles::ComObject<Format, DispatchStub<IDiscFormat2Data>, IConnectionPointContainer, IBurnVerification> {
 public:
  Format()
      : tracked_("MsftDiscFormat2Data"),
        w_(true, static_cast<IDiscFormat2Data*>(this), static_cast<IConnectionPointContainer*>(this))
  {}
  void* Interface(REFIID iid) {
    if (IsEqualIID(iid, IID_IDispatch) || IsEqualIID(iid, kIID_IDiscFormat2) || IsEqualIID(iid, kIID_IDiscFormat2Data)) {
      return static_cast<IDiscFormat2Data*>(this);
    }
    if (IsEqualIID(iid, kIID_IBurnVerification)) return static_cast<IBurnVerification*>(this);
    return IsEqualIID(iid, IID_IConnectionPointContainer) ? static_cast<IConnectionPointContainer*>(this) : nullptr;
  }

  // IConnectionPointContainer
  HRESULT STDMETHODCALLTYPE EnumConnectionPoints(IEnumConnectionPoints** e) override {
    if (e) *e = nullptr;
    return E_NOTIMPL;
  }
  HRESULT STDMETHODCALLTYPE FindConnectionPoint(REFIID iid, IConnectionPoint** cp) override {
    return w_.FindPoint(iid, cp);
  }

  // IBurnVerification
  HRESULT STDMETHODCALLTYPE put_BurnVerificationLevel(IMAPI_BURN_VERIFICATION_LEVEL value) override {
    if (value < IMAPI_BURN_VERIFICATION_NONE || value > IMAPI_BURN_VERIFICATION_FULL) return E_INVALIDARG;
    verification_ = value;
    static const char* const kNames[] = {"none", "quick", "full"};
    Log::Get().Call("IBurnVerification::put_BurnVerificationLevel", "S_OK", kNames[value]);
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE get_BurnVerificationLevel(IMAPI_BURN_VERIFICATION_LEVEL* value) override {
    if (!value) return E_POINTER;
    *value = verification_;
    return S_OK;
  }

  // IDiscFormat2
  HRESULT STDMETHODCALLTYPE IsRecorderSupported(IDiscRecorder2*, VARIANT_BOOL* v) override { return True(v); }
  HRESULT STDMETHODCALLTYPE IsCurrentMediaSupported(IDiscRecorder2*, VARIANT_BOOL* v) override { return True(v); }
  HRESULT STDMETHODCALLTYPE get_MediaPhysicallyBlank(VARIANT_BOOL* v) override { return Blank(v); }
  HRESULT STDMETHODCALLTYPE get_MediaHeuristicallyBlank(VARIANT_BOOL* v) override { return Blank(v); }
  HRESULT STDMETHODCALLTYPE get_SupportedMediaTypes(SAFEARRAY**) override { return E_NOTIMPL; }

  // IDiscFormat2Data
  HRESULT STDMETHODCALLTYPE put_Recorder(IDiscRecorder2* value) override { return w_.SetRecorder(value); }
  HRESULT STDMETHODCALLTYPE get_Recorder(IDiscRecorder2** value) override {
    if (!value) return E_POINTER;
    *value = w_.recorder();
    if (*value) (*value)->AddRef();
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE put_BufferUnderrunFreeDisabled(VARIANT_BOOL) override { return S_OK; }
  HRESULT STDMETHODCALLTYPE get_BufferUnderrunFreeDisabled(VARIANT_BOOL* v) override { return False(v); }
  HRESULT STDMETHODCALLTYPE put_PostgapAlreadyInImage(VARIANT_BOOL) override { return S_OK; }
  HRESULT STDMETHODCALLTYPE get_PostgapAlreadyInImage(VARIANT_BOOL* v) override { return False(v); }
  HRESULT STDMETHODCALLTYPE get_CurrentMediaStatus(IMAPI_FORMAT2_DATA_MEDIA_STATE* v) override {
    if (!v) return E_POINTER;
    const MediaScript* m = Media();
    if (!m) return kE_IMAPI_RECORDER_REQUIRED;
    int s = 0;
    if (m->blank) s |= IMAPI_FORMAT2_DATA_MEDIA_STATE_BLANK;
    if (m->writeProtected) s |= IMAPI_FORMAT2_DATA_MEDIA_STATE_WRITE_PROTECTED;
    *v = static_cast<IMAPI_FORMAT2_DATA_MEDIA_STATE>(s);
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE get_WriteProtectStatus(IMAPI_MEDIA_WRITE_PROTECT_STATE* v) override {
    if (!v) return E_POINTER;
    const MediaScript* m = Media();
    if (!m) return kE_IMAPI_RECORDER_REQUIRED;
    if (!m->present) return kE_IMAPI_RECORDER_MEDIA_NO_MEDIA;
    *v = static_cast<IMAPI_MEDIA_WRITE_PROTECT_STATE>(m->writeProtected ? IMAPI_WRITEPROTECTED_BY_SOFTWARE_WRITE_PROTECT : 0);
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE get_TotalSectorsOnMedia(LONG* v) override { return Sectors(v, false); }
  HRESULT STDMETHODCALLTYPE get_FreeSectorsOnMedia(LONG* v) override { return Sectors(v, true); }
  HRESULT STDMETHODCALLTYPE get_NextWritableAddress(LONG* v) override { return Zero(v); }
  HRESULT STDMETHODCALLTYPE get_StartAddressOfPreviousSession(LONG* v) override { return Zero(v); }
  HRESULT STDMETHODCALLTYPE get_LastWrittenAddressOfPreviousSession(LONG* v) override { return Zero(v); }
  HRESULT STDMETHODCALLTYPE put_ForceMediaToBeClosed(VARIANT_BOOL) override { return S_OK; }
  HRESULT STDMETHODCALLTYPE get_ForceMediaToBeClosed(VARIANT_BOOL* v) override { return False(v); }
  HRESULT STDMETHODCALLTYPE put_DisableConsumerDvdCompatibilityMode(VARIANT_BOOL) override { return S_OK; }
  HRESULT STDMETHODCALLTYPE get_DisableConsumerDvdCompatibilityMode(VARIANT_BOOL* v) override { return False(v); }
  HRESULT STDMETHODCALLTYPE get_CurrentPhysicalMediaType(IMAPI_MEDIA_PHYSICAL_TYPE* v) override {
    if (!v) return E_POINTER;
    const MediaScript* m = Media();
    if (!m) return kE_IMAPI_RECORDER_REQUIRED;
    if (!m->present) return kE_IMAPI_RECORDER_MEDIA_NO_MEDIA;
    *v = PhysicalType(m->physicalType);
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE put_ClientName(BSTR value) override {
    clientName_ = doubles::Narrow(value);
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE get_ClientName(BSTR* value) override {
    if (!value) return E_POINTER;
    *value = Bstr(clientName_);
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE get_RequestedWriteSpeed(LONG* v) override { return Zero(v); }
  HRESULT STDMETHODCALLTYPE get_RequestedRotationTypeIsPureCAV(VARIANT_BOOL* v) override { return False(v); }
  HRESULT STDMETHODCALLTYPE get_CurrentWriteSpeed(LONG* v) override { return Zero(v); }
  HRESULT STDMETHODCALLTYPE get_CurrentRotationTypeIsPureCAV(VARIANT_BOOL* v) override { return False(v); }
  HRESULT STDMETHODCALLTYPE get_SupportedWriteSpeeds(SAFEARRAY**) override { return E_NOTIMPL; }
  HRESULT STDMETHODCALLTYPE get_SupportedWriteSpeedDescriptors(SAFEARRAY**) override { return E_NOTIMPL; }
  HRESULT STDMETHODCALLTYPE put_ForceOverwrite(VARIANT_BOOL value) override {
    force_ = value != VARIANT_FALSE;
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE get_ForceOverwrite(VARIANT_BOOL* v) override {
    if (!v) return E_POINTER;
    *v = force_ ? VARIANT_TRUE : VARIANT_FALSE;
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE get_MultisessionInterfaces(SAFEARRAY**) override { return E_NOTIMPL; }
  HRESULT STDMETHODCALLTYPE Write(IStream* data) override {
    return w_.RunWrite(static_cast<IDiscFormat2Data*>(this), data, 0, 0, 2048, force_, clientName_);
  }
  HRESULT STDMETHODCALLTYPE CancelWrite() override { return w_.Cancel(); }
  HRESULT STDMETHODCALLTYPE SetWriteSpeed(LONG, VARIANT_BOOL) override { return S_OK; }

 private:
  const MediaScript* Media() const {
    Recorder* r = w_.recorder();
    return r ? &r->script().media : nullptr;
  }
  static HRESULT True(VARIANT_BOOL* v) {
    if (!v) return E_POINTER;
    *v = VARIANT_TRUE;
    return S_OK;
  }
  static HRESULT False(VARIANT_BOOL* v) {
    if (!v) return E_POINTER;
    *v = VARIANT_FALSE;
    return S_OK;
  }
  static HRESULT Zero(LONG* v) {
    if (!v) return E_POINTER;
    *v = 0;
    return S_OK;
  }
  HRESULT Blank(VARIANT_BOOL* v) {
    if (!v) return E_POINTER;
    const MediaScript* m = Media();
    if (!m) return kE_IMAPI_RECORDER_REQUIRED;
    if (!m->present) return kE_IMAPI_RECORDER_MEDIA_NO_MEDIA;
    *v = m->blank ? VARIANT_TRUE : VARIANT_FALSE;
    return S_OK;
  }
  HRESULT Sectors(LONG* v, bool free) {
    if (!v) return E_POINTER;
    const MediaScript* m = Media();
    if (!m) return kE_IMAPI_RECORDER_REQUIRED;
    if (!m->present) return kE_IMAPI_RECORDER_MEDIA_NO_MEDIA;
    *v = free ? m->freeSectors : m->totalSectors;
    return S_OK;
  }

  doubles::Tracked tracked_;
  Writer w_;
  std::string clientName_;
  bool force_ = false;
  // The docs name no default level; the double starts at QUICK and only reports what it was given.
  IMAPI_BURN_VERIFICATION_LEVEL verification_ = IMAPI_BURN_VERIFICATION_QUICK;
};

// ---------------------------------------------------------------------------------------- MsftWriteEngine2

class Engine final : public doubles::ComObject<Engine, DispatchStub<IWriteEngine2>, IConnectionPointContainer> {
 public:
  Engine()
      : tracked_("MsftWriteEngine2"),
        w_(false, static_cast<IWriteEngine2*>(this), static_cast<IConnectionPointContainer*>(this))
  {}
  void* Interface(REFIID iid) {
    if (IsEqualIID(iid, IID_IDispatch) || IsEqualIID(iid, kIID_IWriteEngine2)) return static_cast<IWriteEngine2*>(this);
    return IsEqualIID(iid, IID_IConnectionPointContainer) ? static_cast<IConnectionPointContainer*>(this) : nullptr;
  }

  HRESULT STDMETHODCALLTYPE EnumConnectionPoints(IEnumConnectionPoints** e) override {
    if (e) *e = nullptr;
    return E_NOTIMPL;
  }
  HRESULT STDMETHODCALLTYPE FindConnectionPoint(REFIID iid, IConnectionPoint** cp) override {
    return w_.FindPoint(iid, cp);
  }

  HRESULT STDMETHODCALLTYPE WriteSection(IStream* data, LONG start, LONG count) override {
    return w_.RunWrite(static_cast<IWriteEngine2*>(this), data, start, count, bytesPerSector_, false, std::string());
  }
  HRESULT STDMETHODCALLTYPE CancelWrite() override { return w_.Cancel(); }
  HRESULT STDMETHODCALLTYPE put_Recorder(IDiscRecorder2Ex* value) override { return w_.SetRecorder(value); }
  HRESULT STDMETHODCALLTYPE get_Recorder(IDiscRecorder2Ex** value) override {
    if (!value) return E_POINTER;
    *value = nullptr;
    Recorder* r = w_.recorder();
    if (r) {
      *value = static_cast<IDiscRecorder2Ex*>(r);
      (*value)->AddRef();
    }
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE put_UseStreamingWrite12(VARIANT_BOOL) override { return S_OK; }
  HRESULT STDMETHODCALLTYPE get_UseStreamingWrite12(VARIANT_BOOL* v) override {
    if (!v) return E_POINTER;
    *v = VARIANT_FALSE;
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE put_StartingSectorsPerSecond(LONG) override { return S_OK; }
  HRESULT STDMETHODCALLTYPE get_StartingSectorsPerSecond(LONG* v) override {
    if (!v) return E_POINTER;
    *v = 0;
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE put_EndingSectorsPerSecond(LONG) override { return S_OK; }
  HRESULT STDMETHODCALLTYPE get_EndingSectorsPerSecond(LONG* v) override {
    if (!v) return E_POINTER;
    *v = 0;
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE put_BytesPerSector(LONG value) override {
    if (value <= 0) return E_INVALIDARG;
    bytesPerSector_ = value;
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE get_BytesPerSector(LONG* v) override {
    if (!v) return E_POINTER;
    *v = bytesPerSector_;
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE get_WriteInProgress(VARIANT_BOOL* v) override {
    if (!v) return E_POINTER;
    *v = VARIANT_FALSE;
    return S_OK;
  }

 private:
  doubles::Tracked tracked_;
  Writer w_;
  LONG bytesPerSector_ = 0;
};

// ---------------------------------------------------------------------------------------- class factory

template <class T>
class Factory final : public IClassFactory {
 public:
  virtual ~Factory() = default;
  HRESULT STDMETHODCALLTYPE QueryInterface(REFIID iid, void** out) override {
    if (!out) return E_POINTER;
    if (IsEqualIID(iid, IID_IUnknown) || IsEqualIID(iid, IID_IClassFactory)) {
      *out = static_cast<IClassFactory*>(this);
      AddRef();
      return S_OK;
    }
    *out = nullptr;
    return E_NOINTERFACE;
  }
  ULONG STDMETHODCALLTYPE AddRef() override { return 2; }  // static lifetime
  ULONG STDMETHODCALLTYPE Release() override { return 1; }
  HRESULT STDMETHODCALLTYPE CreateInstance(IUnknown* outer, REFIID iid, void** out) override {
    if (!out) return E_POINTER;
    *out = nullptr;
    if (outer) return CLASS_E_NOAGGREGATION;
    T* obj = new T();
    const HRESULT hr = obj->QueryInterface(iid, out);
    obj->Release();
    return hr;
  }
  HRESULT STDMETHODCALLTYPE LockServer(BOOL lock) override {
    (void)lock;  // the DLL is never unloaded (DllCanUnloadNow)
    return S_OK;
  }
};

WINOPS_COM_IMPL_END

Factory<Master> g_masterFactory;
Factory<Recorder> g_recorderFactory;
Factory<Format> g_formatFactory;
Factory<Engine> g_engineFactory;

}  // namespace

extern "C" {

HRESULT STDAPICALLTYPE DllGetClassObject(REFCLSID clsid, REFIID iid, void** out) {
  if (!out) return E_POINTER;
  *out = nullptr;
  IClassFactory* f = nullptr;
  if (IsEqualCLSID(clsid, kCLSID_MsftDiscMaster2)) f = &g_masterFactory;
  else if (IsEqualCLSID(clsid, kCLSID_MsftDiscRecorder2)) f = &g_recorderFactory;
  else if (IsEqualCLSID(clsid, kCLSID_MsftDiscFormat2Data)) f = &g_formatFactory;
  else if (IsEqualCLSID(clsid, kCLSID_MsftWriteEngine2)) f = &g_engineFactory;
  if (!f) return CLASS_E_CLASSNOTAVAILABLE;
  return f->QueryInterface(iid, out);
}

// Never unloaded: the log (calls, violations, live counts) and the busy recorders are the process's,
// not one apartment's. Leaks are found through the log's live counts instead.
HRESULT STDAPICALLTYPE DllCanUnloadNow() { return S_FALSE; }

}  // extern "C"
