#include "common/instance.h"

namespace winops {
namespace {
struct Holder {
  std::shared_ptr<AddonState> state = std::make_shared<AddonState>();
};
}  // namespace

void InitAddonState(Napi::Env env) {
  // Deleted by node-addon-api's finalizer when the environment is torn down.
  env.SetInstanceData<Holder>(new Holder());
}

std::shared_ptr<AddonState> StateOf(Napi::Env env) {
  Holder* h = env.GetInstanceData<Holder>();
  return h ? h->state : nullptr;
}

}  // namespace winops
