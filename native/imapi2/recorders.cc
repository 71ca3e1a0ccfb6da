// listRecorders: IDiscMaster2 -> every recorder's IDiscRecorder2 -> its media through IDiscFormat2Data.
#include <optional>
#include <string>
#include <vector>

#include "common/apartment.h"
#include "common/com_ptr.h"
#include "common/handles.h"
#include "common/hresult.h"
#include "common/utf.h"
#include "common/worker.h"
#include "imapi2/imapi2.h"
#include "imapi2/imapi2_abi.h"

namespace winops::imapi2 {
namespace {

using namespace abi;

struct Media {
  std::string physicalType = "NONE";
  bool present = false;
  bool blank = false;
  bool writeProtected = false;
  double freeSectors = 0;
  double totalSectors = 0;
};

struct Recorder {
  std::string id, vendorId, productId, productRevision;
  std::vector<std::string> volumePaths;
  Media media;
  // The getter of this recorder that failed: the recorder stays in the list with what was read before it.
  std::optional<HResultError> error;
};

// IMAPI_MEDIA_PHYSICAL_TYPE names without the IMAPI_MEDIA_TYPE_ prefix (imapi2-abi.md, Enums).
const char* PhysicalTypeName(IMAPI_MEDIA_PHYSICAL_TYPE t) {
  static const char* const kNames[] = {
      "UNKNOWN",  "CDROM",     "CDR",        "CDRW",      "DVDROM",
      "DVDRAM",   "DVDPLUSR",  "DVDPLUSRW",  "DVDPLUSR_DUALLAYER", "DVDDASHR",
      "DVDDASHRW", "DVDDASHR_DUALLAYER", "DISK", "DVDPLUSRW_DUALLAYER", "HDDVDROM",
      "HDDVDR",   "HDDVDRAM",  "BDROM",      "BDR",       "BDRE"};
  const int i = static_cast<int>(t);
  return i >= 0 && i < static_cast<int>(sizeof kNames / sizeof kNames[0]) ? kNames[i] : "UNKNOWN";
}

HResultError ImapiCapture(HRESULT hr, std::string call) {
  HResultError e;
  e.hresult = static_cast<uint32_t>(hr);
  e.call = std::move(call);
  e.systemMessage = ImapiMessage(hr);
  return e;
}

void CheckImapi(HRESULT hr, const char* call) {
  if (FAILED(hr)) throw HResultException(ImapiCapture(hr, call));
}

std::string BstrUtf8(const Bstr& b) { return WideToUtf8(b.View()); }

std::vector<std::string> VolumePaths(IDiscRecorder2* rec) {
  std::vector<std::string> out;
  SAFEARRAY* raw = nullptr;
  CheckImapi(rec->get_VolumePathNames(&raw), "IDiscRecorder2::get_VolumePathNames");
  if (!raw) return out;
  LONG lo = 0, hi = -1;
  if (SUCCEEDED(::SafeArrayGetLBound(raw, 1, &lo)) && SUCCEEDED(::SafeArrayGetUBound(raw, 1, &hi))) {
    VARTYPE vt = VT_EMPTY;
    ::SafeArrayGetVartype(raw, &vt);
    for (LONG i = lo; i <= hi; ++i) {
      if (vt == VT_VARIANT) {
        Variant v;
        if (FAILED(::SafeArrayGetElement(raw, &i, v.Get()))) continue;
        if (v.Get()->vt == VT_BSTR && v.Get()->bstrVal) {
          out.push_back(WideToUtf8(std::wstring_view(v.Get()->bstrVal, ::SysStringLen(v.Get()->bstrVal))));
        }
      } else if (vt == VT_BSTR) {
        Bstr b;
        if (SUCCEEDED(::SafeArrayGetElement(raw, &i, b.Put()))) out.push_back(BstrUtf8(b));
      }
    }
  }
  ::SafeArrayDestroy(raw);
  return out;
}

// Media state. A drive without media (or whose media IMAPI cannot use) is reported as 'NONE', not as
// a failure of the whole list: put_Recorder / get_CurrentPhysicalMediaType fail then
// (E_IMAPI_RECORDER_MEDIA_NO_MEDIA and friends) or answer IMAPI_MEDIA_TYPE_UNKNOWN.
Media MediaOf(IDiscRecorder2* rec) {
  Media m;
  ComPtr<IDiscFormat2Data> format;
  CheckImapi(::CoCreateInstance(kCLSID_MsftDiscFormat2Data, nullptr, CLSCTX_ALL, kIID_IDiscFormat2Data,
                                format.PutVoid()),
             "CoCreateInstance(MsftDiscFormat2Data)");
  if (FAILED(format->put_Recorder(rec))) return m;
  IMAPI_MEDIA_PHYSICAL_TYPE type = IMAPI_MEDIA_TYPE_UNKNOWN;
  if (FAILED(format->get_CurrentPhysicalMediaType(&type)) || type == IMAPI_MEDIA_TYPE_UNKNOWN) return m;
  m.physicalType = PhysicalTypeName(type);
  m.present = true;
  VARIANT_BOOL blank = VARIANT_FALSE;
  if (SUCCEEDED(format->get_MediaHeuristicallyBlank(&blank))) m.blank = blank != VARIANT_FALSE;
  IMAPI_MEDIA_WRITE_PROTECT_STATE wp = static_cast<IMAPI_MEDIA_WRITE_PROTECT_STATE>(0);
  if (SUCCEEDED(format->get_WriteProtectStatus(&wp))) m.writeProtected = static_cast<int>(wp) != 0;
  LONG n = 0;
  if (SUCCEEDED(format->get_FreeSectorsOnMedia(&n)) && n > 0) m.freeSectors = n;
  n = 0;
  if (SUCCEEDED(format->get_TotalSectorsOnMedia(&n)) && n > 0) m.totalSectors = n;
  return m;
}

std::vector<Recorder> List() {
  std::vector<Recorder> out;
  ComPtr<IDiscMaster2> master;
  CheckImapi(::CoCreateInstance(kCLSID_MsftDiscMaster2, nullptr, CLSCTX_ALL, kIID_IDiscMaster2,
                                master.PutVoid()),
             "CoCreateInstance(MsftDiscMaster2)");
  LONG count = 0;
  CheckImapi(master->get_Count(&count), "IDiscMaster2::get_Count");
  for (LONG i = 0; i < count; ++i) {
    Bstr id;
    CheckImapi(master->get_Item(i, id.Put()), "IDiscMaster2::get_Item");
    Recorder r;
    r.id = BstrUtf8(id);
    // One recorder that answers badly must not fail the whole list (issue 11 item 12): what fails from here on is
    // reported on this recorder (its `error`), with the fields read before it. A failure to create the class
    // (MsftDiscRecorder2 not registered) is not one recorder's: it fails the list, as it always did.
    ComPtr<IDiscRecorder2> rec;
    CheckImapi(::CoCreateInstance(kCLSID_MsftDiscRecorder2, nullptr, CLSCTX_ALL, kIID_IDiscRecorder2,
                                  rec.PutVoid()),
               "CoCreateInstance(MsftDiscRecorder2)");
    try {
      CheckImapi(rec->InitializeDiscRecorder(id.Get()), "IDiscRecorder2::InitializeDiscRecorder");
      Bstr s;
      CheckImapi(rec->get_VendorId(s.Put()), "IDiscRecorder2::get_VendorId");
      r.vendorId = BstrUtf8(s);
      CheckImapi(rec->get_ProductId(s.Put()), "IDiscRecorder2::get_ProductId");
      r.productId = BstrUtf8(s);
      CheckImapi(rec->get_ProductRevision(s.Put()), "IDiscRecorder2::get_ProductRevision");
      r.productRevision = BstrUtf8(s);
      r.volumePaths = VolumePaths(rec.Get());
      r.media = MediaOf(rec.Get());
    } catch (const HResultException& e) {
      r.error = e.error();
    }
    out.push_back(std::move(r));
  }
  return out;
}

// SCSI identification strings come space-padded.
std::string Trim(std::string s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\0')) s.pop_back();
  size_t i = 0;
  while (i < s.size() && s[i] == ' ') ++i;
  return s.substr(i);
}

}  // namespace

Napi::Value ListRecorders(const Napi::CallbackInfo& info) {
  return RunOnOwnThread(info.Env(), "winops.imapi2.listRecorders", [](const StopToken&) -> Finish {
    std::vector<Recorder> recorders;
    {
      ComApartment com(Apartment::kMta);
      Check(com.hr(), "CoInitializeEx");
      recorders = List();
    }
    return [recorders = std::move(recorders)](Napi::Env env) -> Napi::Value {
      Napi::Array arr = Napi::Array::New(env, recorders.size());
      uint32_t i = 0;
      for (const Recorder& r : recorders) {
        Napi::Object o = Napi::Object::New(env);
        o.Set("id", r.id);
        o.Set("vendorId", Trim(r.vendorId));
        o.Set("productId", Trim(r.productId));
        o.Set("productRevision", Trim(r.productRevision));
        Napi::Array vols = Napi::Array::New(env, r.volumePaths.size());
        for (uint32_t j = 0; j < r.volumePaths.size(); ++j) vols.Set(j, r.volumePaths[j]);
        o.Set("volumePaths", vols);
        Napi::Object m = Napi::Object::New(env);
        m.Set("physicalType", r.media.physicalType);
        m.Set("present", r.media.present);
        m.Set("blank", r.media.blank);
        m.Set("writeProtected", r.media.writeProtected);
        m.Set("freeSectors", r.media.freeSectors);
        m.Set("totalSectors", r.media.totalSectors);
        o.Set("media", m);
        if (r.error) o.Set("error", ToJsData(env, *r.error));
        arr.Set(i++, o);
      }
      return arr;
    };
  });
}

}  // namespace winops::imapi2
