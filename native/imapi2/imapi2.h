// The `imapi2` object of the addon: the ImapiBackend primitives (types/backend.ts), adapted to the
// contract by lib/native/imapi2.ts.
//
//   listRecorders(): Promise<RecorderInfo[]>
//   startWrite(request, sink): { requestCancel(): void }
//     request: { api: 'format2data' | 'writeEngine2', recorderId, clientName, forceOverwrite,
//                startLba, sectorCount, bytesPerSector,
//                source: { kind: 'file', path } | { kind: 'bytes', data: Uint8Array }
//                      | { kind: 'pull', size, read(offset, length, deliver(error: string|null, data)) } }
//     sink: { update(u), cancelAttempt(hr), done(error | null, hr) }, always called on the JS thread
//     through a threadsafe function, never from inside startWrite.
//     request.verification (format2data only): 'none' | 'quick' | 'full' (IBurnVerification); absent: not set.
//   stats(): what the family counts in this environment (write.cc WriteStatsObject), for tests.
#pragma once

#include <memory>
#include <string>

#include <napi.h>

#include "common/win.h"

namespace winops::imapi2 {

Napi::Object Create(Napi::Env env);

struct Family;  // write_job.h: the family's per-environment state

// Parts of Create, one file each.
Napi::Value ListRecorders(const Napi::CallbackInfo& info);
Napi::Value StartWrite(const Napi::CallbackInfo& info, const std::shared_ptr<Family>& family);
// stats(): { threads, executionStateHeld, executionStateRequests, executionStateFailures, abandoned }.
Napi::Value WriteStatsObject(Napi::Env env, const Family& family);

// The IMAPI message text for hr (imapi2.dll's message table when present, then the system's).
std::string ImapiMessage(HRESULT hr);

}  // namespace winops::imapi2
