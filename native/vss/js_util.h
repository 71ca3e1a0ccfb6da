// What every JS function of the `vss` binding starts with: its State (the function's data) and its handle
// arguments, checked (common/args.h: a TypeError or RangeError naming the argument, before anything runs).
#pragma once

#include <cstddef>
#include <string>

#include <napi.h>

#include "common/args.h"
#include "vss/state.h"

namespace winops::vss {

inline State& StateOf(const Napi::CallbackInfo& info) { return *static_cast<State*>(info.Data()); }

inline Handle HandleArg(const Napi::CallbackInfo& info, size_t i, const char* fn, const char* what = "components") {
  return args::Handle(args::At(info, i), std::string(fn) + ": " + what);
}

}  // namespace winops::vss
