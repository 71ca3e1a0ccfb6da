// The addon's `mi` object: the MiBackend contract of types/backend.ts.
//
//   openSession({ computer, protocol, credentials }): Promise<handle>
//       mi.dll is loaded from System32 at run time and MI_Application_InitializeV1 runs once per
//       environment, both on a thread of the addon's own (NewSession may take a while for a remote
//       computer). A missing mi.dll rejects with data (miResult MI_RESULT_FAILED, errorDetails WIN32 126),
//       never a crash. Credentials go into MI_DestinationOptions and nowhere else (never logged).
//   closeSession(handle): Promise<void>          MI_Session_Close with a completion callback
//   start(session, request, onResult): handle   QueryInstances / EnumerateInstances / GetInstance /
//       Invoke / Subscribe in callback mode with MI_OPERATIONFLAGS_MANUAL_ACK_RESULTS; each result is
//       copied out of MI on MI's thread and onResult(result) runs later on the JS thread, one result at
//       a time, never from inside start()
//   ack(handle)                                  the pending result's resultAcknowledgement
//   cancel(handle, reason): MI_Result            MI_Operation_Cancel
//   close(handle): MI_Result                     MI_Operation_Close (acknowledges a final result first)
//   openHandles(), stats(), shutdown()
//
// Failures reject with an Error whose own properties are { miResult, call, errorMessage, errorDetails }.
// On environment teardown (and shutdown(), which lib/native/mi.ts calls on process 'exit') every open
// operation is cancelled (MI_REASON_SHUTDOWN), drained to its final result and closed, every session
// closed, and the application closed.
#pragma once

#include <napi.h>

namespace winops::mi {

Napi::Object CreateBinding(Napi::Env env);

}  // namespace winops::mi
