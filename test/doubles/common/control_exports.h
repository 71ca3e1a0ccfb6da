// The in-process control channel of a test double (issue 10): included once by each double's DLL, exported by
// name through its .def file, called by test/doubles/control/control.node (a test-only Node-API module) from
// the same node.exe. A test reads the double's state as it is now and waits for the change it needs, instead of
// reading a file the double rewrites, or sleeping.
//
//   WinopsDoubleSnapshot(&size)       the log (double_support.h Log::Snapshot) as UTF-8 JSON, allocated with
//                                     new[]; give it back with WinopsDoubleFree
//   WinopsDoubleWaitChange(seen, ms)  blocks until the log's version is past `seen` (or ms passed): the version
//   WinopsDoubleRelease(gate)         releases a scenario hold (Log::Hold), e.g. "vss:doSnapshotSet"
//
// Test code only: nothing here is part of the addon.
#pragma once

#include "common/double_support.h"

extern "C" char* WinopsDoubleSnapshot(size_t* size) {
  const std::string s = doubles::Log::Get().Snapshot();
  char* out = new char[s.size() + 1];
  std::memcpy(out, s.c_str(), s.size() + 1);
  *size = s.size();
  return out;
}

extern "C" void WinopsDoubleFree(char* p) { delete[] p; }

extern "C" unsigned long long WinopsDoubleWaitChange(unsigned long long seen, unsigned long timeoutMs) {
  return doubles::Log::Get().WaitChange(seen, static_cast<DWORD>(timeoutMs));
}

extern "C" void WinopsDoubleRelease(const char* gate) { doubles::Log::Get().Release(gate ? gate : ""); }
