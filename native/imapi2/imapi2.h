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
#pragma once

#include <string>

#include <napi.h>

#include "common/win.h"

namespace winops::imapi2 {

Napi::Object Create(Napi::Env env);

// Parts of Create, one file each.
Napi::Value ListRecorders(const Napi::CallbackInfo& info);
Napi::Value StartWrite(const Napi::CallbackInfo& info);

// The IMAPI message text for hr (imapi2.dll's message table when present, then the system's).
std::string ImapiMessage(HRESULT hr);

}  // namespace winops::imapi2
