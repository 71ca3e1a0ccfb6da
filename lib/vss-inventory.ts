// The shadow copies on the machine: list them (IVssBackupComponents::Query) and delete them (DeleteSnapshots),
// issue 14 item 3. Both are synchronous Windows calls without an IVssAsync, so there is nothing to cancel once one
// runs: a cancel or a deadline then stops the waiting, the call goes on on its thread, and the outcome says so
// ('in-background'); `operation.finished` tells when it has returned and the components are released.
//
// Sources: sdk-api vsbackup/nf-vsbackup-ivssbackupcomponents-query.md ("must be preceded by calls to
// InitializeForBackup and SetContext"; "only information about shadow copies with the current context"),
// -deletesnapshots.md (sequential deletion, return at the first error, pNondeletedSnapshotID), vss/ne-vss-
// vss_volume_snapshot_attributes.md and vss.h (the attribute bits).
import type { Backend, Handle, VssBackend, VssSnapshotProperties } from '../types/backend';
import { hresultError, VssError, type WinopsError } from './errors';
import { vssCall } from './vss-call';
import { AbortError, CancelScope, deferred, describeValue, Operation, type OperationOptions } from './operation';
import type { VssCancelOutcome, VssContextName, VssStep } from './vss';

/** The VSS_VOLSNAP_ATTR_* bits (vss.h, _VSS_VOLUME_SNAPSHOT_ATTRIBUTES), by the name winops gives them. */
export const VSS_VOLSNAP_ATTR = {
  persistent: 0x1,
  noAutoRecovery: 0x2,
  clientAccessible: 0x4,
  noAutoRelease: 0x8,
  noWriters: 0x10,
  transportable: 0x20,
  notSurfaced: 0x40,
  notTransacted: 0x80,
  hardwareAssisted: 0x10000,
  differential: 0x20000,
  plex: 0x40000,
  imported: 0x80000,
  exposedLocally: 0x100000,
  exposedRemotely: 0x200000,
  autoRecover: 0x400000,
  rollbackRecovery: 0x800000,
  delayedPostSnapshot: 0x1000000,
  txfRecovery: 0x2000000,
  fileShare: 0x4000000,
} as const;

export type VssSnapshotAttribute = keyof typeof VSS_VOLSNAP_ATTR;

/** One shadow copy on the machine, as `vssadmin list shadows` shows it (VSS_SNAPSHOT_PROP). */
export interface ShadowCopy {
  readonly snapshotId: string;
  readonly snapshotSetId: string;
  /** The volume it is a copy of (m_pwszOriginalVolumeName), e.g. '\\\\?\\Volume{...}\\'. */
  readonly volume: string;
  /** Its device, e.g. '\\\\?\\GLOBALROOT\\Device\\HarddiskVolumeShadowCopy3': open files under it to read the copy. */
  readonly deviceObject: string;
  readonly originatingMachine: string;
  readonly serviceMachine: string;
  /** Where it is exposed (a drive letter, mount folder or share), undefined when it is not. */
  readonly exposedName: string | undefined;
  readonly exposedPath: string | undefined;
  readonly providerId: string;
  readonly createdAt: Date;
  /** How many shadow copies its set has (m_lSnapshotsCount). */
  readonly setSize: number;
  /** m_lSnapshotAttributes as a number, and the names of the bits set in it (unknown bits are in the number only). */
  readonly attributes: number;
  readonly attributeNames: readonly VssSnapshotAttribute[];
  /** VSS_VOLSNAP_ATTR_PERSISTENT: it outlives the program that made it and stays until deleted. */
  readonly persistent: boolean;
}

/** What to delete: one shadow copy, or every copy of a set. */
export type ShadowCopyTarget = { readonly snapshotId: string; readonly setId?: never } | { readonly setId: string; readonly snapshotId?: never };

export interface ListShadowCopiesOptions extends OperationOptions {
  /**
   * The context to query (SetContext): only its shadow copies are listed. Default 'ALL' (VSS_CTX_ALL), every shadow
   * copy on the machine, which is what `vssadmin list shadows` shows.
   */
  readonly context?: VssContextName | number;
}

export interface DeleteShadowCopiesOptions extends OperationOptions {
  /**
   * DeleteSnapshots' bForceDelete: "the provider will do everything possible to delete the shadow copy or shadow
   * copies in a shadow copy set".
   * The docs do not say what that overcomes. Default false (what Microsoft's vshadow sample passes).
   */
  readonly force?: boolean;
}

/**
 * DeleteSnapshots failed. `deleted` copies went before it stopped ("If an error occurs during one of these individual
 * deletions, DeleteSnapshots will return immediately; no attempt will be made to delete any remaining shadow
 * copies"); `notDeleted` is the first one it could not delete (undefined when Windows named none, e.g.
 * VSS_E_OBJECT_NOT_FOUND for an id that names nothing).
 */
export class VssDeleteError extends VssError {
  override name = 'VssDeleteError';
  readonly deleted: number;
  readonly notDeleted: string | undefined;

  constructor(base: WinopsError, deleted: number, notDeleted: string | undefined) {
    const partial = `${deleted} shadow cop${deleted === 1 ? 'y' : 'ies'} deleted before it stopped${notDeleted ? `; ${notDeleted} was not deleted` : ''}`;
    super({ family: 'vss', code: base.code, hresult: base.hresult, call: base.call, message: `${base.message} (${partial})`, retryable: base.retryable, systemMessage: base.systemMessage });
    this.deleted = deleted;
    this.notDeleted = notDeleted;
  }
}

/**
 * An inventory operation: await it (or `.result`) for its value, cancel() for the outcome. `finished` resolves
 * once every Windows call it made has returned and its components are released, also after a cancel that could
 * not stop the call ('in-background'); it never rejects.
 */
export type VssInventoryOperation<T> = Operation<T, VssCancelOutcome> & { readonly step: VssStep | undefined; readonly finished: Promise<void> };

const HEX_GUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
export const GUID = new RegExp(`^(?:\\{(${HEX_GUID})\\}|(${HEX_GUID}))$`, 'i');
const GUID_NULL = '00000000-0000-0000-0000-000000000000';

/** A GUID argument: with or without braces, any case; returned lower case without braces. */
export function checkGuid(value: unknown, fn: string, arg: string): string {
  if (typeof value !== 'string') throw new TypeError(`${fn}: ${arg} must be a GUID string, got ${describeValue(value)}`);
  const m = GUID.exec(value);
  if (!m) throw new RangeError(`${fn}: ${arg} must be a GUID such as 01234567-89ab-cdef-0123-456789abcdef, got ${describeValue(value)}`);
  return (m[1] ?? m[2])!.toLowerCase();
}

export function toShadowCopy(p: VssSnapshotProperties): ShadowCopy {
  const attributes = p.context >>> 0;
  const attributeNames = (Object.keys(VSS_VOLSNAP_ATTR) as VssSnapshotAttribute[]).filter((k) => (attributes & VSS_VOLSNAP_ATTR[k]) !== 0);
  return {
    snapshotId: p.snapshotId,
    snapshotSetId: p.snapshotSetId,
    volume: p.originalVolumeName,
    deviceObject: p.snapshotDeviceObject,
    originatingMachine: p.originatingMachine,
    serviceMachine: p.serviceMachine,
    exposedName: p.exposedName === '' ? undefined : p.exposedName,
    exposedPath: p.exposedPath === '' ? undefined : p.exposedPath,
    providerId: p.providerId,
    createdAt: p.createdAt,
    setSize: p.snapshotCount,
    attributes,
    attributeNames,
    persistent: (attributes & VSS_VOLSNAP_ATTR.persistent) !== 0,
  };
}


type Step = 'createBackupComponents' | 'initializeForBackup' | 'setContext' | 'querySnapshots' | 'deleteSnapshots';

/**
 * One inventory operation: CreateVssBackupComponents, InitializeForBackup, SetContext, then the one synchronous
 * call, then Release. A cancel before the call stops between steps ('cancelled', the components released); a cancel
 * while it runs cannot stop it ('in-background').
 */
export function runInventory<T>(
  backend: () => Backend,
  fn: string,
  context: number,
  options: OperationOptions,
  main: { step: 'querySnapshots' | 'deleteSnapshots'; run: (vss: VssBackend, h: Handle) => Promise<T> },
): VssInventoryOperation<T> {
  const scope = new CancelScope(options);
  const outcome = deferred<VssCancelOutcome>();
  outcome.promise.catch(() => undefined);
  const finished = deferred<void>();
  let step: Step | undefined;
  const make = (status: VssCancelOutcome['status']): VssCancelOutcome => ({ family: 'vss', status, step, hresult: undefined, code: undefined, backupAborted: false });
  const abortError = (o: VssCancelOutcome): AbortError<VssCancelOutcome> => {
    outcome.resolve(o);
    const how = o.status === 'in-background' ? `: ${main.step === 'querySnapshots' ? 'IVssBackupComponents::Query' : 'IVssBackupComponents::DeleteSnapshots'} has no cancel and goes on in the background` : o.status === 'not-started' ? ' before it started' : ` at ${String(step)}`;
    return new AbortError(`${fn} was cancelled${how}`, { cause: scope.reason, outcome: o });
  };

  const run = async (): Promise<T> => {
    if (scope.aborted) {
      finished.resolve();
      throw abortError(make('not-started'));
    }
    let vss: VssBackend;
    let h: Handle;
    try {
      vss = backend().vss;  // BackendUnavailableError where there is no backend
      step = 'createBackupComponents';
      h = await vssCall('CreateVssBackupComponents', () => vss.createBackupComponents());
    } catch (e) {
      finished.resolve();
      throw e;
    }
    const release = (): Promise<void> => vssCall('IVssBackupComponents::Release', () => vss.releaseBackupComponents(h)).catch(() => undefined);
    try {
      const steps: [Step, () => Promise<void>][] = [
        ['initializeForBackup', () => vssCall('IVssBackupComponents::InitializeForBackup', () => vss.initializeForBackup(h))],
        ['setContext', () => vssCall('IVssBackupComponents::SetContext', () => vss.setContext(h, context))],
      ];
      for (const [name, fnStep] of steps) {
        if (scope.aborted) throw abortError(make('cancelled'));
        step = name;
        await fnStep();
      }
      if (scope.aborted) throw abortError(make('cancelled'));
      step = main.step;
      const work = Promise.resolve().then(() => main.run(vss, h)).then((v) => ({ v }), (e: unknown) => ({ e }));
      const cancelled = new Promise<'cancelled'>((resolve) => scope.onAbort(() => resolve('cancelled')));
      const first = await Promise.race([work, cancelled]);
      if (first === 'cancelled') {
        // The call cannot be stopped: the components are released once it has returned, however it ended.
        void work.then(release).then(() => finished.resolve());
        throw abortError(make('in-background'));
      }
      await release();
      finished.resolve();
      if ('e' in first) throw first.e;
      return first.v;
    } catch (e) {
      if (step !== main.step) await release().then(() => finished.resolve());
      throw e;
    }
  };

  // What a cancel() gets once the operation has ended another way (an AbortError settled it already): a result
  // stands ('already-finished'), an error is the answer. A promise settles once, so the first of these wins.
  const result = run().then(
    (v) => {
      scope.dispose();
      outcome.resolve(make('already-finished'));
      return v;
    },
    (e: unknown) => {
      scope.dispose();
      outcome.reject(e);
      throw e;
    },
  );
  const op = new Operation<T, VssCancelOutcome>(result, (reason) => {
    scope.abort(reason);
    return outcome.promise;
  }) as VssInventoryOperation<T>;
  Object.defineProperty(op, 'step', { get: () => step, enumerable: true });
  Object.defineProperty(op, 'finished', { value: finished.promise, enumerable: false });
  return op;
}

/** An optional `force` option: true or false. */
export function checkForce(value: unknown, fn: string, arg: string): boolean {
  if (value !== undefined && typeof value !== 'boolean') throw new TypeError(`${fn}: ${arg} must be true or false, got ${describeValue(value)}`);
  return value ?? false;
}

/** Query's rows as the public ShadowCopy objects. */
export async function queryShadowCopiesCall(vss: VssBackend, h: Handle): Promise<ShadowCopy[]> {
  const rows = await vssCall('IVssBackupComponents::Query', () => vss.querySnapshots(h));
  return rows.map(toShadowCopy);
}

/** DeleteSnapshots' raw answer as the public result, or a VssDeleteError. */
export async function deleteShadowCopiesCall(vss: VssBackend, h: Handle, target: { id: string; kind: 'snapshot' | 'set' }, force: boolean): Promise<{ deleted: number }> {
  const winCall = 'IVssBackupComponents::DeleteSnapshots';
  const r = await vssCall(winCall, () => vss.deleteSnapshots(h, target.id, target.kind, force));
  const hr = r.hr >>> 0;
  if (hr >= 0x80000000) {
    throw new VssDeleteError(hresultError('vss', hr, winCall), r.deleted, r.nonDeleted === GUID_NULL ? undefined : r.nonDeleted);
  }
  return { deleted: r.deleted };
}

/** Checks deleteShadowCopies' target: exactly one of snapshotId and setId. */
export function checkTarget(target: unknown, fn: string): { id: string; kind: 'snapshot' | 'set' } {
  if (typeof target !== 'object' || target === null || Array.isArray(target)) {
    throw new TypeError(`${fn}: target must be { snapshotId } or { setId }, got ${describeValue(target)}`);
  }
  const t = target as { snapshotId?: unknown; setId?: unknown };
  if (t.snapshotId !== undefined && t.setId !== undefined) throw new TypeError(`${fn}: target must have snapshotId or setId, not both`);
  if (t.snapshotId !== undefined) return { id: checkGuid(t.snapshotId, fn, 'target.snapshotId'), kind: 'snapshot' };
  if (t.setId !== undefined) return { id: checkGuid(t.setId, fn, 'target.setId'), kind: 'set' };
  throw new TypeError(`${fn}: target must have snapshotId or setId`);
}

