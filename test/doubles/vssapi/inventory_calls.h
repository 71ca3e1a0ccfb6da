// The vssapi.dll double's shadow-copy inventory: the scripted copies put on the simulated machine, VSS_SNAPSHOT_PROP
// as GetSnapshotProperties and IVssEnumObject::Next fill it, the enumerator Query returns, and DeleteSnapshots' walk.
// An implementation header of vssapi_double.cc: included once, inside its anonymous namespace, after the machine
// (g_mu, ShadowCopy, g_copies) and before IVssBackupComponents. The fake's reading is the same
// (lib/fake/vss-inventory.ts); the docs each step depends on are quoted there and here.
#pragma once

// The scripted copies seeded so far in this process: a copy is put on the machine once (the first components object
// whose scenario names it), so a deleted one stays deleted. g_mu held.
std::vector<GUID> g_seeded;

void SeedCopies(const InventoryScript& inv) {
  for (const SeededCopy& s : inv.copies) {
    if (std::find(g_seeded.begin(), g_seeded.end(), s.snapshotId) != g_seeded.end()) continue;
    g_seeded.push_back(s.snapshotId);
    auto c = std::make_shared<ShadowCopy>();
    c->snapshotId = s.snapshotId;
    c->setId = s.setId;
    c->volume = s.volume;
    c->deviceObject = s.deviceObject.empty()
                          ? "\\\\?\\GLOBALROOT\\Device\\HarddiskVolumeShadowCopy" + std::to_string(100 + g_seeded.size() - 1)
                          : s.deviceObject;
    c->persistent = (s.attributes & 0x1) != 0;  // VSS_VOLSNAP_ATTR_PERSISTENT
    c->created = s.created;
    c->attributes = s.attributes;
    c->originatingMachine = s.originatingMachine;
    c->providerId = s.providerId;
    c->exposedName = s.exposedName;
    AddCopy(c);
  }
}

// Query lists a copy in this context: VSS_CTX_ALL every copy, another context the copies whose context bits
// (VSS_VOLSNAP_ATTR_PERSISTENT .. _NO_WRITERS, 0x1f) equal it. The docs say only "it will return only information
// about shadow copies with the current context", with an example: our reading, the fake's too.
bool InContext(const ShadowCopy& c, LONG context) {
  return context == kContextAll || (c.attributes & 0x1f) == (context & 0x1f);
}

// g_mu held. The strings are CoTaskMemAlloc'd: "The callers must use CoTaskMemFree for every string value in the
// VSS_SNAPSHOT_PROP ... this can be done manually, or the utility function VssFreeSnapshotProperties can be used"
// (nf-vss-ivssenumobject-next.md). Counted live as "VSS_SNAPSHOT_PROP" until VssFreeSnapshotPropertiesInternal.
void FillProp(const ShadowCopy& s, VSS_SNAPSHOT_PROP* p) {
  *p = VSS_SNAPSHOT_PROP{};
  p->m_SnapshotId = s.snapshotId;
  p->m_SnapshotSetId = s.setId;
  p->m_lSnapshotsCount = static_cast<LONG>(
      std::count_if(g_copies.begin(), g_copies.end(), [&](const auto& x) { return x->setId == s.setId; }));
  p->m_pwszSnapshotDeviceObject = TaskString(s.deviceObject);
  p->m_pwszOriginalVolumeName = TaskString(s.volume);
  p->m_pwszOriginatingMachine = TaskString(s.originatingMachine);
  p->m_pwszServiceMachine = TaskString(s.originatingMachine);
  p->m_pwszExposedName = s.exposedName.empty() ? nullptr : TaskString(s.exposedName);
  p->m_pwszExposedPath = nullptr;
  p->m_ProviderId = s.providerId;
  p->m_lSnapshotAttributes = s.attributes;
  p->m_tsCreationTimestamp = s.created;
  p->m_eStatus = VSS_SS_CREATED;  // "the only shadow copy state it can disclose" (Query's remarks)
  Log::Get().Live("VSS_SNAPSHOT_PROP", +1);
}

// IVssEnumObject over the copies Query found (a copy of them: deleting one later does not change the list).
// vss.h: Next, Skip, Reset, Clone after IUnknown. Next "return[s] all the remaining objects, set the pceltFetched
// parameter to a nonzero value, and return S_FALSE" when fewer remain than asked (nf-vss-ivssenumobject-next.md).
class EnumObjectImpl final : public doubles::ComObject<EnumObjectImpl, IVssEnumObject> {
 public:
  explicit EnumObjectImpl(std::vector<ShadowCopy> rows) : rows_(std::move(rows)) {}

  void* Interface(REFIID riid) { return riid == __uuidof(IVssEnumObject) ? static_cast<IVssEnumObject*>(this) : nullptr; }

  HRESULT STDMETHODCALLTYPE Next(ULONG celt, VSS_OBJECT_PROP* rgelt, ULONG* pceltFetched) override {
    if (!rgelt || !pceltFetched) {
      Log::Get().Call("IVssEnumObject::Next", "E_POINTER");
      return E_POINTER;
    }
    std::lock_guard<std::mutex> lock(g_mu);
    ULONG n = 0;
    while (n < celt && next_ < rows_.size()) {
      rgelt[n] = VSS_OBJECT_PROP{};
      rgelt[n].Type = VSS_OBJECT_SNAPSHOT;
      FillProp(rows_[next_++], &rgelt[n].Obj.Snap);
      ++n;
    }
    *pceltFetched = n;
    const HRESULT hr = n == celt ? S_OK : S_FALSE;
    Log::Get().Call("IVssEnumObject::Next", hr == S_OK ? "S_OK" : "S_FALSE", std::to_string(n));
    return hr;
  }
  HRESULT STDMETHODCALLTYPE Skip(ULONG celt) override {
    std::lock_guard<std::mutex> lock(g_mu);
    const size_t left = rows_.size() - next_;
    next_ += std::min<size_t>(celt, left);
    return celt <= left ? S_OK : S_FALSE;
  }
  HRESULT STDMETHODCALLTYPE Reset() override {
    std::lock_guard<std::mutex> lock(g_mu);
    next_ = 0;
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE Clone(IVssEnumObject**) override {
    Log::Get().Call("IVssEnumObject::Clone", "E_NOTIMPL");
    return E_NOTIMPL;
  }

 private:
  std::vector<ShadowCopy> rows_;
  size_t next_ = 0;
  Tracked tracked_{"IVssEnumObject"};
};

// DeleteSnapshots' walk, g_mu held: "Multiple shadow copies in a shadow copy set are deleted sequentially. If an
// error occurs during one of these individual deletions, DeleteSnapshots will return immediately; no attempt will be
// made to delete any remaining shadow copies. The VSS_ID of the undeleted shadow copy is returned in
// pNondeletedSnapshotID"; an id naming nothing is VSS_E_OBJECT_NOT_FOUND ("The specified shadow copy does not
// exist"). bForceDelete changes nothing here: the docs do not say what it overcomes.
HRESULT DeleteCopies(const InventoryScript& inv, const GUID& id, VSS_OBJECT_TYPE type, LONG* deleted, GUID* nondeleted) {
  std::vector<ShadowCopy*> doomed;
  for (const auto& x : g_copies) {
    if ((type == VSS_OBJECT_SNAPSHOT_SET ? x->setId : x->snapshotId) == id) doomed.push_back(x.get());
  }
  if (doomed.empty()) return VSS_E_OBJECT_NOT_FOUND;
  for (ShadowCopy* x : doomed) {
    if (const HRESULT refusal = inv.RefusalOf(x->snapshotId); refusal != S_OK) {
      *nondeleted = x->snapshotId;
      return refusal;
    }
    RemoveCopy(x);
    ++*deleted;
  }
  return S_OK;
}
