// Per-environment addon state (one per main thread / worker_thread that loads the addon).
// Nothing in the addon is process-global and mutable: that is what makes it context-aware.
#pragma once

#include <atomic>
#include <memory>

#include <napi.h>

namespace winops {

struct AddonState {
  // Threads started by RunOnOwnThread and not yet joined.
  std::atomic<int> liveThreads{0};
  // GetTickCount64() when this environment's teardown first waited for a RunOnOwnThread thread (0: not yet): the
  // budget of common/teardown.h is shared by all of them.
  std::atomic<unsigned long long> teardownStart{0};
};

// Called once from the module's Init for each environment.
void InitAddonState(Napi::Env env);
// The state of env (shared so a thread's bookkeeping can outlive the instance-data finalizer).
std::shared_ptr<AddonState> StateOf(Napi::Env env);

}  // namespace winops
