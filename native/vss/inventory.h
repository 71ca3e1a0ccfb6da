// The shadow-copy calls of the `vss` binding (inventory.cc): getSnapshotProperties, querySnapshots
// (IVssBackupComponents::Query + IVssEnumObject), deleteSnapshotSet and deleteSnapshots. backend.cc registers them.
#pragma once

#include <napi.h>

namespace winops::vss {

Napi::Value JsGetSnapshotProperties(const Napi::CallbackInfo& info);
Napi::Value JsQuerySnapshots(const Napi::CallbackInfo& info);
Napi::Value JsDeleteSnapshotSet(const Napi::CallbackInfo& info);
Napi::Value JsDeleteSnapshots(const Napi::CallbackInfo& info);

}  // namespace winops::vss
