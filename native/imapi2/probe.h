#pragma once
#include <napi.h>

namespace winops::imapi2 {
// Resolves { hresult, call, systemMessage } from CoCreateInstance(MsftDiscMaster2) on an addon thread.
Napi::Value Probe(const Napi::CallbackInfo& info);
}  // namespace winops::imapi2
