// The addon's `vss` object: the VssBackend contract of types/backend.ts, one function per Windows call.
//
// Threads: each IVssBackupComponents lives on an MTA worker thread of its own (from
// createBackupComponents until releaseBackupComponents); IVssAsync::QueryStatus/Cancel/Release run
// on one per-environment MTA "control" thread; each asyncWait blocks in IVssAsync::Wait on a thread of
// its own. A thread whose object or wait is done is kept idle for the next one (at most four, stats()
// .spareThreads) instead of being ended and joined on the way to the result; more than that end on
// their own and are joined once they left the apartment (stats().endingThreads); teardown joins all.
// None of them is a libuv pool thread, and the JS thread never waits on COM. Results come back
// through one threadsafe function per environment (common/dispatcher.h) and settle promises.
//
// Handles are numbers in a per-environment registry (openHandles()). On environment teardown the
// binding cancels pending IVssAsync operations, calls AbortBackup on sets that were started and neither
// finished nor aborted, releases every object and joins every thread. shutdown() does the same at once:
// process.exit() skips environment cleanup hooks, so lib/native/vss.ts calls it on process 'exit'.
//
// Failures reject with an Error whose own properties are { hresult (uint32), call, systemMessage }
// (systemMessage from vssapi.dll's message table first, then the system's).
#pragma once

#include <napi.h>

namespace winops::vss {

Napi::Object CreateBinding(Napi::Env env);

}  // namespace winops::vss
