// Shadow copies in the `vss` binding (inventory.h): one copy's properties, every copy of the context (Query), and
// deletion (DeleteSnapshots). Query and DeleteSnapshots are synchronous Windows calls (no IVssAsync): they run on the
// components' own thread like every call on it, and nothing can stop one once it runs; lib/vss-inventory.ts says
// so to the caller ('in-background').
//
// Sources: sdk-api vsbackup/nf-vsbackup-ivssbackupcomponents-query.md, -deletesnapshots.md,
// vss/nf-vss-ivssenumobject-next.md, vss/ns-vss-vss_snapshot_prop.md; the SDK's vss.h for the layouts.
#include "vss/inventory.h"

#include <cstdint>
#include <string>
#include <vector>

#include "common/args.h"
#include "common/com_ptr.h"
#include "common/hresult.h"
#include "common/utf.h"
#include "vss/js_util.h"
#include "vss/state.h"
#include "vss/vss_api.h"

namespace winops::vss {
namespace {

// VSS_SNAPSHOT_PROP, copied out on the components' thread (its strings freed there), read on the JS thread.
struct SnapshotProps {
  std::string snapshotId, snapshotSetId, originalVolumeName, snapshotDeviceObject, originatingMachine,
      serviceMachine, exposedName, exposedPath, providerId;
  double createdAt = 0;
  LONG count = 0;
  LONG attributes = 0;
  int32_t state = 0;
};

std::string Narrow(const wchar_t* s) { return s ? WideToUtf8(s) : std::string(); }

// Frees one VSS_SNAPSHOT_PROP's strings when it goes out of scope, however the scope is left: "The callers must use
// CoTaskMemFree for every string value in the VSS_SNAPSHOT_PROP ... or the utility function VssFreeSnapshotProperties
// can be used" (IVssEnumObject::Next).
class PropGuard {
 public:
  PropGuard(const VssApi& api, VSS_SNAPSHOT_PROP* p) : api_(api), p_(p) {}
  ~PropGuard() { api_.FreeSnapshotProperties(p_); }
  PropGuard(const PropGuard&) = delete;
  PropGuard& operator=(const PropGuard&) = delete;

 private:
  const VssApi& api_;
  VSS_SNAPSHOT_PROP* p_;
};

// Copies the fields out; the strings are freed on the way out, also when a copy throws.
SnapshotProps TakeProps(const VssApi& api, VSS_SNAPSHOT_PROP* p) {
  PropGuard freed(api, p);
  SnapshotProps r;
  r.snapshotId = GuidToString(p->m_SnapshotId);
  r.snapshotSetId = GuidToString(p->m_SnapshotSetId);
  r.originalVolumeName = Narrow(p->m_pwszOriginalVolumeName);
  r.snapshotDeviceObject = Narrow(p->m_pwszSnapshotDeviceObject);
  r.originatingMachine = Narrow(p->m_pwszOriginatingMachine);
  r.serviceMachine = Narrow(p->m_pwszServiceMachine);
  r.exposedName = Narrow(p->m_pwszExposedName);
  r.exposedPath = Narrow(p->m_pwszExposedPath);
  r.providerId = GuidToString(p->m_ProviderId);
  r.createdAt = TimestampToJsTime(p->m_tsCreationTimestamp);
  r.count = p->m_lSnapshotsCount;
  r.attributes = p->m_lSnapshotAttributes;
  r.state = static_cast<int32_t>(p->m_eStatus);
  return r;
}

// A VSS_PROVIDER_PROP's strings (an entry that is not a snapshot: never asked for, freed all the same).
void FreeProviderProp(VSS_PROVIDER_PROP* p) {
  ::CoTaskMemFree(p->m_pwszProviderName);
  ::CoTaskMemFree(p->m_pwszProviderVersion);
  p->m_pwszProviderName = nullptr;
  p->m_pwszProviderVersion = nullptr;
}

Napi::Object ToJs(Napi::Env env, const SnapshotProps& r) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("snapshotId", r.snapshotId);
  o.Set("snapshotSetId", r.snapshotSetId);
  o.Set("originalVolumeName", r.originalVolumeName);
  o.Set("snapshotDeviceObject", r.snapshotDeviceObject);
  o.Set("originatingMachine", r.originatingMachine);
  o.Set("serviceMachine", r.serviceMachine);
  o.Set("exposedName", r.exposedName);
  o.Set("exposedPath", r.exposedPath);
  o.Set("providerId", r.providerId);
  o.Set("createdAt", Napi::Date::New(env, r.createdAt));
  o.Set("snapshotCount", static_cast<double>(r.count));
  // m_lSnapshotAttributes: the VSS_VOLSNAP_ATTR_* bits the context is made of, and more.
  o.Set("context", static_cast<double>(static_cast<uint32_t>(r.attributes)));
  o.Set("state", static_cast<double>(r.state));
  return o;
}

bool GuidArg(const Napi::CallbackInfo& info, size_t i, const char* fn, const char* what, GUID* id) {
  return ParseGuid(WideToUtf8(StringArg(info, i, fn, what)), id);
}

}  // namespace

Napi::Value JsGetSnapshotProperties(const Napi::CallbackInfo& info) {
  const char* call = "IVssBackupComponents::GetSnapshotProperties";
  const Handle h = HandleArg(info, 0, "getSnapshotProperties");
  GUID id;
  if (!GuidArg(info, 1, "getSnapshotProperties", "snapshotId", &id)) return RejectArg(info.Env(), E_INVALIDARG, call);
  return StateOf(info).OnComponents(info.Env(), h, call, [id, call](Components& c) -> Finish {
    VSS_SNAPSHOT_PROP p{};
    Check(c.backup->GetSnapshotProperties(id, &p), call, c.api->module.Get());
    const SnapshotProps r = TakeProps(*c.api, &p);
    return [r](Napi::Env env) -> Napi::Value { return ToJs(env, r); };
  });
}

// Query(GUID_NULL, VSS_OBJECT_NONE, VSS_OBJECT_SNAPSHOT): "QueriedObjectId ... must be GUID_NULL",
// "eQueriedObjectType ... must be VSS_OBJECT_NONE". S_FALSE (what Microsoft's vshadow sample takes for "there are
// no shadow copies on the system") or no enumerator: an empty list; the docs list neither. Then Next one at a time
// until it fetches none (S_FALSE with fewer than asked is the end), each property converted and freed at once, so
// an error midway leaves nothing allocated.
Napi::Value JsQuerySnapshots(const Napi::CallbackInfo& info) {
  const char* call = "IVssBackupComponents::Query";
  const Handle h = HandleArg(info, 0, "querySnapshots");
  return StateOf(info).OnComponents(info.Env(), h, call, [call](Components& c) -> Finish {
    ComPtr<IVssEnumObject> list;
    const HRESULT hr = Check(c.backup->Query(GUID_NULL, VSS_OBJECT_NONE, VSS_OBJECT_SNAPSHOT, list.Put()), call,
                             c.api->module.Get());
    std::vector<SnapshotProps> rows;
    while (hr == S_OK && list) {
      VSS_OBJECT_PROP prop{};
      ULONG fetched = 0;
      const HRESULT next = list->Next(1, &prop, &fetched);
      // What Next returned is ours to free before anything else, also when it reports an error with it.
      if (fetched > 0) {
        if (prop.Type == VSS_OBJECT_SNAPSHOT) {
          rows.push_back(TakeProps(*c.api, &prop.Obj.Snap));
        } else if (prop.Type == VSS_OBJECT_PROVIDER) {
          FreeProviderProp(&prop.Obj.Prov);
        }
      }
      Check(next, "IVssEnumObject::Next", c.api->module.Get());
      if (next != S_OK || fetched == 0) break;
    }
    return [rows = std::move(rows)](Napi::Env env) -> Napi::Value {
      Napi::Array a = Napi::Array::New(env, rows.size());
      for (uint32_t i = 0; i < rows.size(); ++i) a.Set(i, ToJs(env, rows[i]));
      return a;
    };
  });
}

Napi::Value JsDeleteSnapshotSet(const Napi::CallbackInfo& info) {
  const char* call = "IVssBackupComponents::DeleteSnapshots";
  const Handle h = HandleArg(info, 0, "deleteSnapshotSet");
  GUID id;
  if (!GuidArg(info, 1, "deleteSnapshotSet", "snapshotSetId", &id)) return RejectArg(info.Env(), E_INVALIDARG, call);
  return StateOf(info).OnComponents(info.Env(), h, call, [id, call](Components& c) -> Finish {
    LONG deleted = 0;
    VSS_ID nondeleted = GUID_NULL;
    Check(c.backup->DeleteSnapshots(id, VSS_OBJECT_SNAPSHOT_SET, TRUE, &deleted, &nondeleted), call,
          c.api->module.Get());
    return [deleted](Napi::Env env) -> Napi::Value { return Napi::Number::New(env, static_cast<double>(deleted)); };
  });
}

// deleteSnapshots(components, id, 'snapshot' | 'set', force): resolves { hr, deleted, nonDeleted } whatever the
// HRESULT, since a failure after some copies went is a partial result: "If an error occurs during one of these
// individual deletions, DeleteSnapshots will return immediately ... The VSS_ID of the undeleted shadow copy is
// returned in pNondeletedSnapshotID".
Napi::Value JsDeleteSnapshots(const Napi::CallbackInfo& info) {
  const char* call = "IVssBackupComponents::DeleteSnapshots";
  const Handle h = HandleArg(info, 0, "deleteSnapshots");
  GUID id;
  if (!GuidArg(info, 1, "deleteSnapshots", "id", &id)) return RejectArg(info.Env(), E_INVALIDARG, call);
  const std::wstring kind = StringArg(info, 2, "deleteSnapshots", "kind");
  if (kind != L"snapshot" && kind != L"set") {
    throw Napi::RangeError::New(info.Env(), "deleteSnapshots: kind must be 'snapshot' or 'set'");
  }
  const VSS_OBJECT_TYPE type = kind == L"set" ? VSS_OBJECT_SNAPSHOT_SET : VSS_OBJECT_SNAPSHOT;
  const BOOL force = args::Boolean(args::At(info, 3), "deleteSnapshots: force", false) ? TRUE : FALSE;
  return StateOf(info).OnComponents(info.Env(), h, call, [id, type, force](Components& c) -> Finish {
    LONG deleted = 0;
    VSS_ID nondeleted = GUID_NULL;
    const HRESULT hr = c.backup->DeleteSnapshots(id, type, force, &deleted, &nondeleted);
    const std::string left = GuidToString(nondeleted);
    return [hr, deleted, left](Napi::Env env) -> Napi::Value {
      Napi::Object o = Napi::Object::New(env);
      o.Set("hr", static_cast<double>(static_cast<uint32_t>(hr)));
      o.Set("deleted", static_cast<double>(deleted));
      o.Set("nonDeleted", left);
      return o;
    };
  });
}

}  // namespace winops::vss
