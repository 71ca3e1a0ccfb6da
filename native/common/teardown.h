// Environment teardown never hangs the host (issue 11 item 15).
//
// When an environment goes away (process exit, worker_threads terminate, Electron quit) every family
// waits for what it still owns, but never without bound: the whole teardown of one family waits at
// most kTeardownBoundMs (a documented maximum, README "Teardown"). What has not ended by then is
// abandoned: its thread is detached (the addon DLL stays mapped for the life of the process, Node
// never unloads an addon), its Windows objects are not released (releasing an object a thread may
// still use would be worse than leaking it at exit), and one line says so on stderr.
#pragma once

#include <cstdio>

#include "common/win.h"

namespace winops {

// The most one family's environment teardown waits, in total, for its threads and Windows calls.
constexpr DWORD kTeardownBoundMs = 2000;

// Milliseconds left of a teardown budget that started at `startTick` (GetTickCount64()).
inline DWORD TeardownRemainingMs(ULONGLONG startTick) noexcept {
  const ULONGLONG spent = ::GetTickCount64() - startTick;
  return spent >= kTeardownBoundMs ? 0 : static_cast<DWORD>(kTeardownBoundMs - spent);
}

// One stderr line per abandoned thing: "winops: teardown: <family>: abandoned <what> after <ms> ms".
// Tests read this line; keep its shape.
inline void ReportAbandoned(const char* family, const char* what, ULONGLONG startTick) noexcept {
  std::fprintf(stderr, "winops: teardown: %s: abandoned %s after %llu ms\n", family, what,
               static_cast<unsigned long long>(::GetTickCount64() - startTick));
  std::fflush(stderr);
}

}  // namespace winops
