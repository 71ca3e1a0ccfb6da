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

// One reference to vssapi.dll (LoadLibraryExW/FreeLibrary). Every COM object that came from the DLL
// holds a shared_ptr to it, so the module is freed only after the last of them was released.
struct VssApi {
  UniqueModule module;
  CreateInternalFn create = nullptr;
  FreeSnapshotPropertiesFn freeSnapshotProperties = nullptr;  // optional export

  // Any thread. On failure returns null and fills *error (LoadLibraryExW / GetProcAddress).
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
