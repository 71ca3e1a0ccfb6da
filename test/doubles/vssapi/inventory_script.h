// The vssapi.dll double's shadow-copy inventory script (types/scenario.ts VssScenario: shadowCopies, undeletable,
// holdCalls). An implementation header of vssapi_double.cc: included once, inside its anonymous namespace, after
// its helpers (ParseGuidText, CodeOrViolation) and before its Scenario, which holds one of these.
#pragma once

// One scripted shadow copy that exists from the start (VssShadowCopyScript).
struct SeededCopy {
  GUID snapshotId = GUID_NULL;
  GUID setId = GUID_NULL;
  std::string volume;
  std::string deviceObject;  // empty: the double numbers it from 100
  std::string originatingMachine;
  LONGLONG created = 0;  // VSS_TIMESTAMP: 100 ns since 1601
  LONG attributes = 0x1d;  // VSS_CTX_CLIENT_ACCESSIBLE
  GUID providerId = GUID_NULL;
  std::string exposedName;
};

struct InventoryScript {
  std::vector<SeededCopy> copies;
  std::vector<std::pair<GUID, HRESULT>> undeletable;  // DeleteSnapshots fails at these, with that code
  bool holdQuery = false;   // "vss:querySnapshots"
  bool holdDelete = false;  // "vss:deleteSnapshots"

  HRESULT RefusalOf(const GUID& id) const {
    for (const auto& [g, hr] : undeletable) {
      if (g == id) return hr;
    }
    return S_OK;
  }
};

// The Microsoft Software Shadow Copy provider's id (lib/fake/vss-inventory.ts MICROSOFT_SOFTWARE_PROVIDER).
constexpr const char* kSoftwareProvider = "b5946137-7b9f-4925-af80-51abd60b20d5";

// An ISO 8601 UTC date-time ("2026-01-01T00:00:00Z", fractions and offsets other than Z not read) as a
// VSS_TIMESTAMP; 0 when it does not parse.
inline LONGLONG IsoToVssTime(const std::string& iso) {
  SYSTEMTIME st{};
  unsigned y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
  if (std::sscanf(iso.c_str(), "%4u-%2u-%2uT%2u:%2u:%2u", &y, &mo, &d, &h, &mi, &s) < 3) return 0;
  st.wYear = static_cast<WORD>(y);
  st.wMonth = static_cast<WORD>(mo);
  st.wDay = static_cast<WORD>(d);
  st.wHour = static_cast<WORD>(h);
  st.wMinute = static_cast<WORD>(mi);
  st.wSecond = static_cast<WORD>(s);
  FILETIME ft{};
  if (!::SystemTimeToFileTime(&st, &ft)) return 0;
  return static_cast<LONGLONG>((static_cast<ULONGLONG>(ft.dwHighDateTime) << 32) | ft.dwLowDateTime);
}

inline InventoryScript LoadInventoryScript(const Json& vss) {
  InventoryScript inv;
  if (const Json* list = vss.Get("shadowCopies"); list && list->type == Json::Type::kArray) {
    for (const Json& c : list->a) {
      SeededCopy sc;
      ParseGuidText(c.Str("snapshotId", ""), &sc.snapshotId);
      ParseGuidText(c.Str("snapshotSetId", ""), &sc.setId);
      sc.volume = c.Str("volume", "");
      sc.deviceObject = c.Str("deviceObject", "");
      sc.originatingMachine = c.Str("originatingMachine", "WINEHOST");
      sc.created = IsoToVssTime(c.Str("createdAt", "2026-01-01T00:00:00Z"));
      sc.attributes = static_cast<LONG>(static_cast<unsigned long>(c.Num("attributes", 0x1d)));
      ParseGuidText(c.Str("providerId", kSoftwareProvider), &sc.providerId);
      sc.exposedName = c.Str("exposedName", "");
      inv.copies.push_back(sc);
    }
  }
  if (const Json* u = vss.Get("undeletable"); u && u->type == Json::Type::kObject) {
    for (const auto& [id, code] : u->o) {
      GUID g = GUID_NULL;
      ParseGuidText(id, &g);
      inv.undeletable.emplace_back(g, CodeOrViolation(&code, "undeletable." + id));
    }
  }
  if (const Json* h = vss.Get("holdCalls"); h && h->type == Json::Type::kArray) {
    for (const Json& name : h->a) {
      if (name.s == "querySnapshots") inv.holdQuery = true;
      else if (name.s == "deleteSnapshots") inv.holdDelete = true;
      else Log::Get().Violation("scenario: unknown holdCalls entry " + name.s);
    }
  }
  return inv;
}
