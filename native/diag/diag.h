#pragma once
#include <napi.h>

namespace winops::diag {
// The `diag` object: small probes of the common layer used by test/native.
Napi::Object Create(Napi::Env env);
}  // namespace winops::diag
