#pragma once
#include <napi.h>

namespace winops::mi {
// Resolves { hresult, call, systemMessage, win32Error } from loading mi.dll and looking up
// MI_Application_InitializeV1 (not calling it).
Napi::Value LoadProbe(const Napi::CallbackInfo& info);
}  // namespace winops::mi
