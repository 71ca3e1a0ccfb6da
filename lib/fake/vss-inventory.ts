// The fake's shadow-copy store and the two inventory calls on it (IVssBackupComponents::Query and DeleteSnapshots),
// as the Windows docs describe them (sdk-api vsbackup/nf-vsbackup-ivssbackupcomponents-query.md and
// -deletesnapshots.md). The vssapi.dll double (test/doubles/vssapi/inventory_calls.h) follows the same reading.
import type { VssDeleteResultRaw, VssSnapshotProperties } from '../../types/backend';
import type { VssScenario } from '../../types/scenario';
import { hresultOf, resolveCode } from './core';

/** A shadow copy that exists on the simulated machine. */
export interface FakeShadowCopy {
  readonly snapshotId: string;
  readonly snapshotSetId: string;
  readonly volume: string;
  readonly deviceObject: string;
  /** Outlives its components object (the context has VSS_VOLSNAP_ATTR_PERSISTENT). */
  readonly persistent: boolean;
  readonly createdAt: Date;
  /** VSS_SNAPSHOT_PROP.m_lSnapshotAttributes. */
  readonly attributes: number;
  readonly originatingMachine: string;
  readonly providerId: string;
  readonly exposedName: string;
}

/** The Microsoft Software Shadow Copy provider (what vssadmin list providers shows on every Windows). */
export const MICROSOFT_SOFTWARE_PROVIDER = 'b5946137-7b9f-4925-af80-51abd60b20d5';
export const FAKE_MACHINE = 'FAKEHOST';
export const GUID_NULL = '00000000-0000-0000-0000-000000000000';
/**
 * VSS_SNAPSHOT_STATE VSS_SS_CREATED (vss.h) for every copy. Query's remarks: "Because Query returns only information on
 * completed shadow copies, the only shadow copy state it can disclose is VSS_SS_COMPLETED", a name vss.h does not
 * have; its completed state is VSS_SS_CREATED (12).
 */
const VSS_SS_CREATED = 12;
const VSS_CTX_ALL = 0xffffffff;
/** VSS_VOLSNAP_ATTR_PERSISTENT | _NO_AUTORECOVERY | _CLIENT_ACCESSIBLE | _NO_AUTO_RELEASE | _NO_WRITERS: the bits a context is made of. */
const CONTEXT_BITS = 0x1f;
const DEFAULT_ATTRIBUTES = 0x1d; // VSS_CTX_CLIENT_ACCESSIBLE

/** The scenario's pre-existing shadow copies (VssScenario.shadowCopies), their device objects counted from 100. */
export function seedShadowCopies(scenario: VssScenario): FakeShadowCopy[] {
  return (scenario.shadowCopies ?? []).map((s, i) => {
    const attributes = (s.attributes ?? DEFAULT_ATTRIBUTES) >>> 0;
    return {
      snapshotId: s.snapshotId.toLowerCase(),
      snapshotSetId: s.snapshotSetId.toLowerCase(),
      volume: s.volume,
      deviceObject: s.deviceObject ?? `\\\\?\\GLOBALROOT\\Device\\HarddiskVolumeShadowCopy${100 + i}`,
      persistent: (attributes & 0x01) !== 0,
      createdAt: new Date(s.createdAt ?? '2026-01-01T00:00:00Z'),
      attributes,
      originatingMachine: s.originatingMachine ?? FAKE_MACHINE,
      providerId: (s.providerId ?? MICROSOFT_SOFTWARE_PROVIDER).toLowerCase(),
      exposedName: s.exposedName ?? '',
    };
  });
}

/**
 * Whether Query in `context` lists the copy. The docs: Query "will return only information about shadow copies with
 * the current context", and VSS_CTX_ALL is "a valid context for all VSS interfaces except StartSnapshotSet and
 * DoSnapshotSet". They give no rule beyond an example; ours: ALL lists every copy, any other context the copies
 * whose context bits equal it.
 */
export function inContext(copy: FakeShadowCopy, context: number): boolean {
  return context >>> 0 === VSS_CTX_ALL || (copy.attributes & CONTEXT_BITS) === (context & CONTEXT_BITS);
}

/** VSS_SNAPSHOT_PROP for one copy; m_lSnapshotsCount is how many copies its set has now. */
export function toProperties(copy: FakeShadowCopy, store: readonly FakeShadowCopy[]): VssSnapshotProperties {
  return {
    snapshotId: copy.snapshotId,
    snapshotSetId: copy.snapshotSetId,
    originalVolumeName: copy.volume,
    snapshotDeviceObject: copy.deviceObject,
    originatingMachine: copy.originatingMachine,
    serviceMachine: copy.originatingMachine,
    exposedName: copy.exposedName,
    exposedPath: '',
    providerId: copy.providerId,
    createdAt: copy.createdAt,
    snapshotCount: store.filter((s) => s.snapshotSetId === copy.snapshotSetId).length,
    context: copy.attributes,
    state: VSS_SS_CREATED,
  };
}

/**
 * DeleteSnapshots on the store. The docs: "Multiple shadow copies in a shadow copy set are deleted sequentially. If
 * an error occurs during one of these individual deletions, DeleteSnapshots will return immediately; no attempt will
 * be made to delete any remaining shadow copies. The VSS_ID of the undeleted shadow copy is returned in
 * pNondeletedSnapshotID"; an id that names nothing is VSS_E_OBJECT_NOT_FOUND ("The specified shadow copy does not
 * exist"). A copy in `undeletable` fails with its code. bForceDelete ("the provider will do everything possible to
 * delete the shadow copy or shadow copies in a shadow copy set") changes nothing here: the docs do not say what it
 * overcomes.
 */
export function deleteFrom(store: FakeShadowCopy[], id: string, kind: 'snapshot' | 'set', undeletable: VssScenario['undeletable']): VssDeleteResultRaw & { code: string } {
  const wanted = id.toLowerCase();
  const doomed = store.filter((s) => (kind === 'set' ? s.snapshotSetId : s.snapshotId) === wanted);
  if (doomed.length === 0) return { hr: hresultOf('VSS_E_OBJECT_NOT_FOUND'), code: 'VSS_E_OBJECT_NOT_FOUND', deleted: 0, nonDeleted: GUID_NULL };
  let deleted = 0;
  for (const copy of doomed) {
    const refusal = Object.entries(undeletable ?? {}).find(([k]) => k.toLowerCase() === copy.snapshotId)?.[1];
    if (refusal !== undefined) {
      const r = resolveCode(refusal);
      return { hr: r.hresult ?? 0, code: r.code, deleted, nonDeleted: copy.snapshotId };
    }
    store.splice(store.indexOf(copy), 1);
    deleted++;
  }
  return { hr: 0, code: 'S_OK', deleted, nonDeleted: GUID_NULL };
}
