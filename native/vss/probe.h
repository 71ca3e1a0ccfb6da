#pragma once
#include <napi.h>

namespace winops::vss {
// Resolves { hresult, call, systemMessage } from CreateVssBackupComponentsInternal on an addon thread.
Napi::Value CreateProbe(const Napi::CallbackInfo& info);
}  // namespace winops::vss
