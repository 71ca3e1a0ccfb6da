#pragma once
#include <napi.h>

namespace winops::diag {
// systemProbe([serviceNames]): { os, machines, token, services, addon } for `winops doctor` (system.cc).
Napi::Value SystemProbe(const Napi::CallbackInfo& info);
}  // namespace winops::diag
