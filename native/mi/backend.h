// The addon's `mi` object: the MiBackend contract of types/backend.ts.
//
//   openSession({ computer, protocol, credentials }): Promise<handle>
//       mi.dll is loaded from System32 at run time and MI_Application_InitializeV1 runs once per
//       environment, both on a thread of the addon's own (NewSession may take a while for a remote
//       computer). A missing mi.dll rejects with data (miResult MI_RESULT_FAILED, errorDetails WIN32 126),
//       never a crash. Credentials go into MI_DestinationOptions and nowhere else (never logged).
//   closeSession(handle): Promise<void>          MI_Session_Close with a completion callback
//   start(session, request, window, onBatch): handle   QueryInstances / EnumerateInstances / GetInstance /
//       Invoke / Subscribe in callback mode with MI_OPERATIONFLAGS_MANUAL_ACK_RESULTS. In MI's callback, on
//       MI's thread, each instance is copied into the operation's pending batch (flat: a schema id per
//       instance, its values as cells; types/backend.ts MiResultBatch) and acknowledged at once while fewer
//       than `window` instances are outstanding; the one that fills the window keeps its acknowledgement
//       until consumed() makes room. onBatch(batch) runs later on the JS thread, with every result that
//       arrived since the previous batch (one dispatcher post per batch), never from inside start()
//       A batch is posted to JS only while JS waits for results (after a poll that found none) or with the
//       final result; otherwise it waits for poll().
//   poll(handle): boolean                        what is pending, to onBatch now (true), else wait for a post
//   consumed(handle, n)                          n instances left the window (may give the held acknowledgement)
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
