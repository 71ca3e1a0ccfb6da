// Environment teardown never hangs the host (issue 11 item 15).
//
// When an environment goes away (process exit, worker_threads terminate, Electron quit) every family
// waits for what it still owns, but never without bound: the whole teardown of one family waits at
// most kTeardownBoundMs (a documented maximum, README "Teardown"). What has not ended by then is
// abandoned: its thread is detached, the addon DLL is pinned (PinAddonModule below), its Windows objects
// are not released (releasing an object a thread may still use would be worse than leaking it at exit),
// and one line says so on stderr.
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

// Keeps this addon's DLL mapped until the process ends. Node unloads an addon when the worker_threads
// environment that loaded it ends and no other environment holds it (node's src/env.cc,
// Environment::~Environment: "Dereference all addons that were loaded into this environment", for every
// environment but the main thread's), and an abandoned thread still runs our code: it must never return
// into an unmapped DLL. GET_MODULE_HANDLE_EX_FLAG_PIN: "The module stays loaded until the process is
// terminated, no matter how many times FreeLibrary is called" (sdk-api libloaderapi-getmodulehandleexw);
// FROM_ADDRESS names the module by an address inside it (a static of this DLL's own).
inline bool PinAddonModule() noexcept {
  static const char anchor = 0;
  HMODULE self = nullptr;
  return ::GetModuleHandleExW(GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS | GET_MODULE_HANDLE_EX_FLAG_PIN,
                              reinterpret_cast<LPCWSTR>(&anchor), &self) != FALSE;
}

// One stderr line per abandoned thing: "winops: teardown: <family>: abandoned <what> after <ms> ms".
// Tests read this line; keep its shape. Every abandon reports, so this is also where the DLL is pinned.
inline void ReportAbandoned(const char* family, const char* what, ULONGLONG startTick) noexcept {
  PinAddonModule();
  std::fprintf(stderr, "winops: teardown: %s: abandoned %s after %llu ms\n", family, what,
               static_cast<unsigned long long>(::GetTickCount64() - startTick));
  std::fflush(stderr);
}

}  // namespace winops
