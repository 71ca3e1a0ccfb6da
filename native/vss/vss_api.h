// vssapi.dll, loaded at run time from System32, and the small conversions the VSS binding needs.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "common/handles.h"
#include "common/hresult.h"
#include "common/win.h"
// In this order: the SDK's vsbackup.h needs both and includes neither (docs: "include VsBackup.h, Vss.h, VsWriter.h").
#include <vss.h>
#include <vswriter.h>
#include <vsbackup.h>

namespace winops::vss {

// The C exports, never the x64 MSVC-mangled ?CreateVssBackupComponents@@...: Wine's lacks it (load fails).
using CreateInternalFn = HRESULT(STDAPICALLTYPE*)(IVssBackupComponents**);
using FreeSnapshotPropertiesFn = void(APIENTRY*)(VSS_SNAPSHOT_PROP*);

// vssapi.dll, loaded once for the life of the process and never freed (issue 11 item 8), as mi.dll is.
// Objects that live in the DLL can be released by COM after our last reference went (the callback
// object IVssBackupComponents hands to the writers is held by their processes through COM), so code of
// the DLL may run at any time: unmapping it would leave COM calling into freed memory. The VSS docs say
// nothing about unloading vssapi.dll (they assume it is linked, and a linked DLL is never unloaded); we
// keep it as linking would. The objects still hold the shared_ptr (it says what they come from).
struct VssApi {
  UniqueModule module;
  CreateInternalFn create = nullptr;
  FreeSnapshotPropertiesFn freeSnapshotProperties = nullptr;  // optional export

  // Any thread. The one process-wide instance (loaded by the first call that succeeds; a failed load is
  // tried again by the next call). On failure returns null and fills *error (LoadLibraryExW / GetProcAddress).
  static std::shared_ptr<VssApi> Load(HResultError* error);
  // VssFreeSnapshotPropertiesInternal when exported, else the CoTaskMemFree calls it makes.
  void FreeSnapshotProperties(VSS_SNAPSHOT_PROP* prop) const;
};

// "01234567-89ab-cdef-0123-456789abcdef": lower case, no braces.
std::string GuidToString(const GUID& guid);
// Accepts that form, upper or lower case, with or without braces.
bool ParseGuid(std::string_view text, GUID* guid);
// A VSS_TIMESTAMP (FILETIME ticks, UTC) as milliseconds since 1970 (JS Date time value).
double TimestampToJsTime(VSS_TIMESTAMP ts);

}  // namespace winops::vss
