// A run's end on the JS side: the environment cleanup hook and the threadsafe function's finalizer.
//
// Environment teardown never hangs the host (issue 11 item 15, native/common/teardown.h): the hook ends a run that
// is still going (TerminateJob, the last resort, then the engine's destructor, then the run's call thread), but on a
// thread of its own, waited for at most what is left of the family's kTeardownBoundMs for this environment. What has
// not ended by then is abandoned: that thread and the call thread are left to the process, the engine and job are
// not released, no thread of the run touches the environment's threadsafe function again, and
// "winops: teardown: axe: abandoned ..." goes to stderr. TerminateJob is synchronous (engine-terminatejob: it returns
// once the assessment process is terminated); the docs give no bound for it, nor for the engine's destructor.
#include "axe/run.h"

#include <map>
#include <memory>
#include <mutex>
#include <system_error>
#include <thread>

#include "common/teardown.h"

namespace winops::axe {

namespace {

struct Done {
  Monitor monitor;  // common/monitor.h
  bool done = false;
};

}  // namespace

std::shared_ptr<TeardownBudget> BudgetOf(napi_env env) {
  static std::mutex mutex;
  static auto* budgets = new std::map<napi_env, std::weak_ptr<TeardownBudget>>();
  std::lock_guard<std::mutex> lock(mutex);
  for (auto it = budgets->begin(); it != budgets->end();) it = it->second.expired() ? budgets->erase(it) : std::next(it);
  std::shared_ptr<TeardownBudget> budget = (*budgets)[env].lock();
  if (!budget) {
    budget = std::make_shared<TeardownBudget>();
    (*budgets)[env] = budget;
  }
  return budget;
}

void TeardownHook(void* arg) {
  auto* side = static_cast<JsSide*>(arg);
  side->hookRegistered = false;
  ULONGLONG start = 0;
  const ULONGLONG now = ::GetTickCount64();
  // The first AXE hook of this environment starts the family's budget; the others spend what is left of it.
  if (!side->budget || side->budget->start.compare_exchange_strong(start, now)) start = now;
  std::shared_ptr<Run> run = side->run;
  auto done = std::make_shared<Done>();
  std::thread ender;
  try {
    ender = std::thread([run, done] {
      run->Shutdown();
      run->JoinCallThread();  // before Node closes the threadsafe function it posts to
      Monitor::Lock lock(done->monitor);
      done->done = true;
      done->monitor.NotifyAll();
    });
  } catch (const std::system_error&) {
    // No thread to bound the wait with: end the run here, unbounded, as before the bound existed.
    run->Shutdown();
    run->JoinCallThread();
    return;
  }
  bool ended;
  {
    Monitor::Lock lock(done->monitor);
    ended = done->monitor.WaitFor(lock, static_cast<DWORD>(TeardownRemainingMs(start)), [&] { return done->done; });
  }
  if (ended) {
    ender.join();
    return;
  }
  {
    std::lock_guard<std::mutex> lock(run->tsfnMutex);
    run->abandoned = true;
    run->tsfnReleased = true;  // the engine's events are dropped from now on
  }
  ender.detach();
  ReportAbandoned("axe", "a job run (TerminateJob, the engine's destructor or an Engine call did not return)", start);
}

void Finalize(napi_env env, void*, void* context) {
  std::unique_ptr<JsSide> side(static_cast<JsSide*>(context));
  if (side->hookRegistered) {
    napi_remove_env_cleanup_hook(env, TeardownHook, side.get());
    side->hookRegistered = false;
  }
  bool abandoned;
  {
    std::lock_guard<std::mutex> lock(side->run->tsfnMutex);
    abandoned = side->run->abandoned;
  }
  if (abandoned) return;  // the teardown hook gave up on it: waiting here would hang the host after all
  // After OnJobEnd: the engine only has to wind down its threads.
  side->run->Shutdown();
  side->run->JoinCallThread();  // it released the function: it is at its last instruction
}

}  // namespace winops::axe
