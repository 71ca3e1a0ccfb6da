// The `axe` object of the addon: the AxeBackend primitives (types/backend.ts), adapted to the contract
// by lib/native/axe.ts.
//
//   availability(): { available: true } | { available: false, reason }
//   loadJob(path): Promise<{ job: { release() }, name, assessments: [{ index, name }] }>
//   execute(job, sink): { cancelAssessment(index), cancelJob(), terminateJob() } (each a Promise of
//                       { hresult, code? }); sink: { jobBegin, assessmentBegin, progress,
//                       assessmentEnd, jobEnd }, called on the JS thread through a threadsafe function.
//
// Two implementations, chosen at build time: engine.cc when WINOPS_AXE_SDK points at the ADK's
// AxeHosting.h, unavailable.cc otherwise (every call fails with the reason; no guessed vtable ships).
#pragma once

#include <napi.h>

namespace winops::axe {

Napi::Object Create(Napi::Env env);

}  // namespace winops::axe
