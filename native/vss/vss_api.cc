#include "vss/vss_api.h"

#include <cstdio>
#include <mutex>

namespace winops::vss {

namespace {
std::mutex g_loadMu;
// Never destroyed: a static destructor would FreeLibrary at process exit, while DLL threads may still run.
std::shared_ptr<VssApi>* g_api = nullptr;

std::shared_ptr<VssApi> LoadOnce(HResultError* error) {
  auto api = std::make_shared<VssApi>();
  // System32 only: vssapi.dll is a system DLL; a copy beside the host must not win.
  api->module.Reset(::LoadLibraryExW(L"vssapi.dll", nullptr, LOAD_LIBRARY_SEARCH_SYSTEM32));
  if (!api->module) {
    *error = CaptureWin32(::GetLastError(), "LoadLibraryExW(vssapi.dll)");
    return nullptr;
  }
  api->create = api->module.Proc<CreateInternalFn>("CreateVssBackupComponentsInternal");
  if (!api->create) {
    *error = CaptureWin32(::GetLastError(), "GetProcAddress(CreateVssBackupComponentsInternal)");
    return nullptr;
  }
  api->freeSnapshotProperties =
      api->module.Proc<FreeSnapshotPropertiesFn>("VssFreeSnapshotPropertiesInternal");
  return api;
}
}  // namespace

std::shared_ptr<VssApi> VssApi::Load(HResultError* error) {
  std::lock_guard<std::mutex> lock(g_loadMu);
  if (g_api) return *g_api;
  auto api = LoadOnce(error);
  if (api) g_api = new std::shared_ptr<VssApi>(api);  // held for the life of the process
  return api;
}

void VssApi::FreeSnapshotProperties(VSS_SNAPSHOT_PROP* p) const {
  if (freeSnapshotProperties) {
    freeSnapshotProperties(p);
    return;
  }
  for (VSS_PWSZ* s : {&p->m_pwszSnapshotDeviceObject, &p->m_pwszOriginalVolumeName,
                      &p->m_pwszOriginatingMachine, &p->m_pwszServiceMachine,
                      &p->m_pwszExposedName, &p->m_pwszExposedPath}) {
    ::CoTaskMemFree(*s);
    *s = nullptr;
  }
}

std::string GuidToString(const GUID& g) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%08lx-%04x-%04x-%02x%02x-%02x%02x%02x%02x%02x%02x",
                static_cast<unsigned long>(g.Data1), g.Data2, g.Data3, g.Data4[0], g.Data4[1],
                g.Data4[2], g.Data4[3], g.Data4[4], g.Data4[5], g.Data4[6], g.Data4[7]);
  return buf;
}

namespace {
int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
}  // namespace

bool ParseGuid(std::string_view t, GUID* g) {
  if (t.size() == 38 && t.front() == '{' && t.back() == '}') t = t.substr(1, 36);
  if (t.size() != 36 || t[8] != '-' || t[13] != '-' || t[18] != '-' || t[23] != '-') return false;
  unsigned char bytes[16];
  size_t n = 0;
  for (size_t i = 0; i < t.size();) {
    if (t[i] == '-') {
      ++i;
      continue;
    }
    const int hi = HexDigit(t[i]);
    const int lo = HexDigit(t[i + 1]);
    if (hi < 0 || lo < 0 || n >= 16) return false;
    bytes[n++] = static_cast<unsigned char>(hi * 16 + lo);
    i += 2;
  }
  if (n != 16) return false;
  g->Data1 = (static_cast<unsigned long>(bytes[0]) << 24) | (bytes[1] << 16) | (bytes[2] << 8) | bytes[3];
  g->Data2 = static_cast<unsigned short>((bytes[4] << 8) | bytes[5]);
  g->Data3 = static_cast<unsigned short>((bytes[6] << 8) | bytes[7]);
  for (int i = 0; i < 8; ++i) g->Data4[i] = bytes[8 + i];
  return true;
}

double TimestampToJsTime(VSS_TIMESTAMP ts) {
  // FILETIME ticks (100 ns) since 1601-01-01 -> ms since 1970-01-01.
  return static_cast<double>(ts - 116444736000000000LL) / 10000.0;
}

}  // namespace winops::vss
