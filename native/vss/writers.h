// The writer calls of the `vss` binding (writers.cc): getWriters (writer metadata), gatherWriterStatus and
// getWriterStatus. backend.cc registers them.
#pragma once

#include <napi.h>

namespace winops::vss {

Napi::Value JsGetWriters(const Napi::CallbackInfo& info);
Napi::Value JsGatherWriterStatus(const Napi::CallbackInfo& info);
Napi::Value JsGetWriterStatus(const Napi::CallbackInfo& info);

}  // namespace winops::vss
