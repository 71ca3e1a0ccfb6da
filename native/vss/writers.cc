// The writer calls of the `vss` binding: writer metadata (getWriters) and writer status (gatherWriterStatus,
// getWriterStatus). Sources:
// - IVssBackupComponents::GetWriterStatus (sdk-api nf-vsbackup-ivssbackupcomponents-getwriterstatus.md): call it
//   after GatherWriterStatus completed; SysFreeString the writer name; "the value of the pHrWriterFailure parameter
//   must be checked to verify that the writer was successful".
// - IVssBackupComponentsEx3::GetWriterStatusEx (nf-vsbackup-ivssbackupcomponentsex3-getwriterstatusex.md): the same
//   plus the writer's application HRESULT and message (SysFreeString both strings); IVssBackupComponentsEx3 comes
//   from QueryInterface on the components object (Windows 7 / Server 2008 R2 and later).
// - IVssBackupComponents::FreeWriterStatus: "frees system resources allocated during the call to
//   GatherWriterStatus"; GatherWriterStatus's page: call it "after receiving the status of each writer".
#include "vss/writers.h"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "common/com_ptr.h"
#include "common/handles.h"
#include "common/hresult.h"
#include "common/utf.h"
#include "vss/js_util.h"
#include "vss/state.h"
#include "vss/vss_api.h"

namespace winops::vss {
namespace {

// IID_IVssBackupComponentsEx3 as the Windows SDK's vsbackup.h defines it (`const IID IID_IVssBackupComponentsEx3 =
// c191bfbc-b602-4675-8bd1-67d642f529d5`, also its `__declspec(uuid(...))`), checked against win32metadata's
// Windows.Win32.Storage.Vss.IVssBackupComponentsEx3 and mingw-w64's vsbackup.h. Declared here so that no uuid
// library has to provide it.
constexpr GUID kIID_IVssBackupComponentsEx3 = {0xc191bfbc, 0xb602, 0x4675, {0x8b, 0xd1, 0x67, 0xd6, 0x42, 0xf5, 0x29, 0xd5}};

struct WriterStatusRow {
  std::string name, writerId, instanceId;
  uint32_t state = 0;
  HRESULT failure = S_OK;
  bool ex = false;  // from GetWriterStatusEx: application fields present
  HRESULT application = S_OK;
  std::string applicationMessage;
};

// FreeWriterStatus when the scope ends, whatever happened in between. Its own result is not reported: the rows (or
// the failure that ended the walk) are what the caller asked for, and nothing can be done about a failed free.
class WriterStatusScope {
 public:
  explicit WriterStatusScope(IVssBackupComponents* backup) : backup_(backup) {}
  WriterStatusScope(const WriterStatusScope&) = delete;
  WriterStatusScope& operator=(const WriterStatusScope&) = delete;
  ~WriterStatusScope() { backup_->FreeWriterStatus(); }

 private:
  IVssBackupComponents* backup_;
};

std::vector<WriterStatusRow> ReadWriterStatus(Components& c) {
  HMODULE mod = c.api->module.Get();
  WriterStatusScope scope(c.backup.Get());
  UINT count = 0;
  Check(c.backup->GetWriterStatusCount(&count), "IVssBackupComponents::GetWriterStatusCount", mod);
  ComPtr<IVssBackupComponentsEx3> ex3;
  if (FAILED(c.backup.As(kIID_IVssBackupComponentsEx3, ex3))) ex3 = ComPtr<IVssBackupComponentsEx3>();
  std::vector<WriterStatusRow> rows;
  rows.reserve(count);
  for (UINT i = 0; i < count; ++i) {
    VSS_ID instance = GUID_NULL, writer = GUID_NULL;
    Bstr name;
    VSS_WRITER_STATE state = VSS_WS_UNKNOWN;
    HRESULT failure = S_OK;
    WriterStatusRow row;
    if (ex3) {
      HRESULT application = S_OK;
      Bstr message;
      Check(ex3->GetWriterStatusEx(i, &instance, &writer, name.Put(), &state, &failure, &application, message.Put()),
            "IVssBackupComponentsEx3::GetWriterStatusEx", mod);
      row.ex = true;
      row.application = application;
      row.applicationMessage = WideToUtf8(message.View());
    } else {
      Check(c.backup->GetWriterStatus(i, &instance, &writer, name.Put(), &state, &failure),
            "IVssBackupComponents::GetWriterStatus", mod);
    }
    row.name = WideToUtf8(name.View());
    row.writerId = GuidToString(writer);
    row.instanceId = GuidToString(instance);
    row.state = static_cast<uint32_t>(state);
    row.failure = failure;
    rows.push_back(std::move(row));
  }
  return rows;
}

Napi::Value RowsToJs(Napi::Env env, const std::vector<WriterStatusRow>& rows) {
  Napi::Array list = Napi::Array::New(env, rows.size());
  for (size_t i = 0; i < rows.size(); ++i) {
    const WriterStatusRow& r = rows[i];
    Napi::Object o = Napi::Object::New(env);
    o.Set("name", r.name);
    o.Set("writerId", r.writerId);
    o.Set("instanceId", r.instanceId);
    o.Set("state", static_cast<double>(r.state));
    o.Set("failure", HrNum(r.failure));
    if (r.ex) {
      o.Set("applicationHr", HrNum(r.application));
      o.Set("applicationMessage", r.applicationMessage);
    }
    list.Set(static_cast<uint32_t>(i), o);
  }
  return list;
}

}  // namespace

Napi::Value JsGatherWriterStatus(const Napi::CallbackInfo& info) {
  const Handle h = HandleArg(info, 0, "gatherWriterStatus");
  return StateOf(info).AsyncCall(info.Env(), h, "IVssBackupComponents::GatherWriterStatus", "gatherWriterStatus",
                                 &IVssBackupComponents::GatherWriterStatus, false);
}

Napi::Value JsGetWriterStatus(const Napi::CallbackInfo& info) {
  const Handle h = HandleArg(info, 0, "getWriterStatus");
  return StateOf(info).OnComponents(info.Env(), h, "IVssBackupComponents::GetWriterStatus",
                                    [](Components& c) -> Finish {
    std::vector<WriterStatusRow> rows = ReadWriterStatus(c);
    return [rows = std::move(rows)](Napi::Env env) -> Napi::Value { return RowsToJs(env, rows); };
  });
}

namespace {

struct WriterInfo {
  std::string name, writerId, instanceId;
};

}  // namespace

Napi::Value JsGetWriters(const Napi::CallbackInfo& info) {
  const Handle h = HandleArg(info, 0, "getWriters");
  return StateOf(info).OnComponents(info.Env(), h, "IVssBackupComponents::GetWriterMetadata",
                                    [](Components& c) -> Finish {
    HMODULE mod = c.api->module.Get();
    UINT count = 0;
    Check(c.backup->GetWriterMetadataCount(&count), "IVssBackupComponents::GetWriterMetadataCount",
          mod);
    std::vector<WriterInfo> writers;
    for (UINT i = 0; i < count; ++i) {
      VSS_ID instanceId = GUID_NULL;
      ComPtr<IVssExamineWriterMetadata> metadata;
      Check(c.backup->GetWriterMetadata(i, &instanceId, metadata.Put()),
            "IVssBackupComponents::GetWriterMetadata", mod);
      if (!metadata) continue;
      VSS_ID instance = GUID_NULL, writer = GUID_NULL;
      Bstr name;
      VSS_USAGE_TYPE usage = VSS_UT_UNDEFINED;
      VSS_SOURCE_TYPE source = VSS_ST_UNDEFINED;
      Check(metadata->GetIdentity(&instance, &writer, name.Put(), &usage, &source),
            "IVssExamineWriterMetadata::GetIdentity", mod);
      writers.push_back({WideToUtf8(name.View()), GuidToString(writer), GuidToString(instance)});
    }
    return [writers](Napi::Env env) -> Napi::Value {
      Napi::Array list = Napi::Array::New(env, writers.size());
      for (size_t i = 0; i < writers.size(); ++i) {
        Napi::Object o = Napi::Object::New(env);
        o.Set("name", writers[i].name);
        o.Set("writerId", writers[i].writerId);
        o.Set("instanceId", writers[i].instanceId);
        list.Set(static_cast<uint32_t>(i), o);
      }
      return list;
    };
  });
}

}  // namespace winops::vss
