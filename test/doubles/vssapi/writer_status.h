// The vssapi.dll double's writers: what a scenario scripts for each writer (types/scenario.ts VssWriterScript) and
// the state each one is in as the backup's events go, as lib/fake/vss.ts models it:
// - after GatherWriterMetadata every writer is VSS_WS_STABLE;
// - a writer scripted to fail at an event is left in that event's VSS_WS_FAILED_AT_* state (vss.h VSS_WRITER_STATE)
//   with its failure HRESULT, and stays failed;
// - the others reach STABLE after PrepareForBackup and BackupComplete, WAITING_FOR_BACKUP_COMPLETE after
//   DoSnapshotSet. The Windows docs give no table of the state after each event; these are what VSS_WRITER_STATE's
//   descriptions imply. A writer's veto does not fail DoSnapshotSet ("The requester can accept the veto or continue
//   with the backup, ignoring the veto": Writer Errors and Vetoes).
//
// Test code only. Included once, by vssapi_double.cc.
#pragma once

#include <windows.h>
#include <vss.h>

#include <cstring>
#include <string>
#include <vector>

namespace vssdouble {

// The events a writer can fail at (types/scenario.ts VssWriterEvent), in the order a backup generates them.
enum WriterEvent { kEvNone, kEvPrepareBackup, kEvPrepareSnapshot, kEvFreeze, kEvThaw, kEvPostSnapshot, kEvBackupComplete };

inline WriterEvent WriterEventOf(const std::string& s) {
  static const char* const names[] = {"", "prepareBackup", "prepareSnapshot", "freeze", "thaw", "postSnapshot", "backupComplete"};
  for (int i = 1; i <= kEvBackupComplete; ++i) {
    if (s == names[i]) return static_cast<WriterEvent>(i);
  }
  return kEvNone;
}

// The VSS_WS_FAILED_AT_* state after failing the event.
inline VSS_WRITER_STATE FailedStateOf(WriterEvent e) {
  switch (e) {
    case kEvPrepareBackup: return VSS_WS_FAILED_AT_PREPARE_BACKUP;
    case kEvPrepareSnapshot: return VSS_WS_FAILED_AT_PREPARE_SNAPSHOT;
    case kEvFreeze: return VSS_WS_FAILED_AT_FREEZE;
    case kEvThaw: return VSS_WS_FAILED_AT_THAW;
    case kEvPostSnapshot: return VSS_WS_FAILED_AT_POST_SNAPSHOT;
    case kEvBackupComplete: return VSS_WS_FAILED_AT_BACKUP_COMPLETE;
    default: return VSS_WS_UNKNOWN;
  }
}

struct WriterScript {
  std::string name;
  GUID writerId = GUID_NULL;
  GUID instanceId = GUID_NULL;
  WriterEvent failAt = kEvNone;
  HRESULT failure = VSS_E_WRITERERROR_RETRYABLE;
  HRESULT applicationHr = S_OK;
  std::string applicationMessage;
};

// One writer in one components object's backup.
struct WriterRun {
  const WriterScript* script = nullptr;  // the scenario outlives the components state
  VSS_WRITER_STATE state = VSS_WS_STABLE;
  HRESULT failure = S_OK;
  HRESULT applicationHr = S_OK;
  std::string applicationMessage;

  bool Failed() const { return failure != S_OK || state == VSS_WS_UNKNOWN || state >= VSS_WS_FAILED_AT_IDENTIFY; }
};

// The writers go through an event that spans [first, last] of WriterEvent; okState for those that do not fail.
inline void PassEvent(std::vector<WriterRun>& runs, WriterEvent first, WriterEvent last, VSS_WRITER_STATE okState) {
  for (WriterRun& w : runs) {
    if (w.Failed()) continue;
    if (w.script->failAt >= first && w.script->failAt <= last) {
      w.state = FailedStateOf(w.script->failAt);
      w.failure = w.script->failure;
      w.applicationHr = w.script->applicationHr;
      w.applicationMessage = w.script->applicationMessage;
    } else {
      w.state = okState;
    }
  }
}

}  // namespace vssdouble
