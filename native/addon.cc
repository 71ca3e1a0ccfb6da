// Registration only. Each environment (main thread, every worker_thread) gets its own state.
#include <napi.h>

#include "axe/axe.h"
#include "common/instance.h"
#include "diag/diag.h"
#include "imapi2/imapi2.h"
#include "mi/backend.h"
#include "vss/backend.h"

namespace {

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  winops::InitAddonState(env);
  exports.Set("diag", winops::diag::Create(env));
  exports.Set("imapi2", winops::imapi2::Create(env));
  exports.Set("axe", winops::axe::Create(env));
  exports.Set("vss", winops::vss::CreateBinding(env));
  exports.Set("mi", winops::mi::CreateBinding(env));
  return exports;
}

}  // namespace

NODE_API_MODULE(winops, Init)
