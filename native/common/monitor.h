// A lock and a condition variable of Windows' own (SRWLOCK + CONDITION_VARIABLE), for the native threads that wait
// for work or for an answer.
//
// Why not std::mutex + std::condition_variable: with the posix thread model of mingw-w64 (how the cross-build and
// the prebuild are compiled) they are winpthreads' pthread_mutex_t / pthread_cond_t, a condition variable built from
// semaphores whose signal and wait race has lost wake-ups before (mingw-w64 fixed one in 2019; fio and Stockfish
// moved their signals under the mutex to avoid it). CI run 12 (2026-12-04) caught a VSS test waiting forever with
// every addon thread parked in winpthreads' pthread_cond_wait (do_sema_b_wait) and a task never run. Windows'
// SRW locks and condition variables (synchapi.h; what the MSVC STL, libuv and so Node's own threads use) have no such
// history. MSVC builds get the same primitives, so both builds wait the same way.
#pragma once

#include "common/win.h"

namespace winops {

class Monitor {
 public:
  Monitor() = default;
  Monitor(const Monitor&) = delete;
  Monitor& operator=(const Monitor&) = delete;

  // Holds the monitor's lock (exclusive) for its scope; Unlock/Relock let a holder step out in between.
  class Lock {
   public:
    explicit Lock(Monitor& m) : m_(m) { ::AcquireSRWLockExclusive(&m_.lock_); }
    ~Lock() {
      if (held_) ::ReleaseSRWLockExclusive(&m_.lock_);
    }
    Lock(const Lock&) = delete;
    Lock& operator=(const Lock&) = delete;
    void Unlock() {
      ::ReleaseSRWLockExclusive(&m_.lock_);
      held_ = false;
    }
    void Relock() {
      ::AcquireSRWLockExclusive(&m_.lock_);
      held_ = true;
    }

   private:
    friend class Monitor;
    Monitor& m_;
    bool held_ = true;
  };

  // With the lock held: sleeps until pred() holds (pred is checked with the lock held, before each sleep and after).
  template <class Pred>
  void Wait(Lock& lock, Pred pred) {
    while (!pred()) ::SleepConditionVariableSRW(&cv_, &lock.m_.lock_, INFINITE, 0);
  }

  // As Wait, for at most `ms`; returns pred() at the end (false: the time ran out first).
  template <class Pred>
  bool WaitFor(Lock& lock, DWORD ms, Pred pred) {
    const ULONGLONG deadline = ::GetTickCount64() + ms;
    while (!pred()) {
      const ULONGLONG now = ::GetTickCount64();
      if (now >= deadline) return pred();
      ::SleepConditionVariableSRW(&cv_, &lock.m_.lock_, static_cast<DWORD>(deadline - now), 0);
    }
    return true;
  }

  // Any thread, with or without the lock.
  void NotifyOne() { ::WakeConditionVariable(&cv_); }
  void NotifyAll() { ::WakeAllConditionVariable(&cv_); }

 private:
  SRWLOCK lock_ = SRWLOCK_INIT;
  CONDITION_VARIABLE cv_ = CONDITION_VARIABLE_INIT;
};

}  // namespace winops
