import type { Backend, Handle, VssBackend, VssComSecurityRaw, VssSnapshotProperties, VssWriterInfo } from '../types/backend';
import { VSS_BT, VSS_CTX } from '../types/backend';
import { codeOf } from './codes';
import { vssCall } from './vss-call';
import { releaseOnClose, releaseWhenCollected } from './finalize';
import { hresultError, StateError, VssError, type VssComSecurity } from './errors';
export type { VssComSecurity } from './errors';
import { checkCheckpoint, checkWritersOption, toWriterStatus, VssWriterError, type VssWriterCheckpoint, type VssWriterStatus } from './vss-writers';
import { checkForce, checkTarget, deleteShadowCopiesCall, GUID, queryShadowCopiesCall, runInventory, type DeleteShadowCopiesOptions, type ListShadowCopiesOptions, type ShadowCopy, type ShadowCopyTarget, type VssInventoryOperation } from './vss-inventory';
export { VSS_VOLSNAP_ATTR, VssDeleteError, type DeleteShadowCopiesOptions, type ListShadowCopiesOptions, type ShadowCopy, type ShadowCopyTarget, type VssInventoryOperation, type VssSnapshotAttribute } from './vss-inventory';
export { VSS_WRITER_STATES, VssWriterError, type VssWriterCheckpoint, type VssWriterState, type VssWriterStatus } from './vss-writers';
import {
  AbortError,
  CancelScope,
  checkOptions,
  checkTimeout,
  deferred,
  describeValue,
  Operation,
  Settlement,
  type CancelOutcomeBase,
  type OperationOptions,
} from './operation';

export const S_OK = 0;
export const VSS_S_ASYNC_PENDING = 0x00042309;
export const VSS_S_ASYNC_FINISHED = 0x0004230a;
export const VSS_S_ASYNC_CANCELLED = 0x0004230b;
const INFINITE = 0xffffffff;

/** The steps of the requester flow, in the order winops runs them. */
export type VssStep =
  | 'createBackupComponents'
  | 'initializeForBackup'
  | 'setContext'
  | 'gatherWriterMetadata'
  | 'gatherWriterStatus'
  | 'startSnapshotSet'
  | 'addToSnapshotSet'
  | 'setBackupState'
  | 'prepareForBackup'
  | 'doSnapshotSet'
  | 'getSnapshotProperties'
  | 'querySnapshots'
  | 'deleteSnapshots';

/** What cancelling a snapshot set (or one IVssAsync) did. */
export interface VssCancelOutcome extends CancelOutcomeBase {
  readonly family: 'vss';
  /** The step the flow was in when the cancel arrived. */
  readonly step: VssStep | undefined;
  /** IVssAsync::Cancel's HRESULT, when a step was pending and Cancel was called. */
  readonly hresult: number | undefined;
  /** Its symbolic name: 'S_OK', 'VSS_S_ASYNC_CANCELLED', 'VSS_S_ASYNC_FINISHED'. */
  readonly code: string | undefined;
  /** IVssBackupComponents::AbortBackup was called (the set had been started), so no writer state is left behind. */
  readonly backupAborted: boolean;
}

/** The state of an IVssAsync, from QueryStatus. */
export type VssAsyncStatus = 'pending' | 'finished' | 'cancelled';

function codeName(hr: number): string {
  return codeOf(hr);
}

/** The backend's COM security state as the public shape; undefined where the backend reports none yet. */
export function comSecurityOf(vss: VssBackend): VssComSecurity | undefined {
  const raw: VssComSecurityRaw | null | undefined = vss.comSecurity?.();
  if (!raw) return undefined;
  const hresult = raw.securityHr >>> 0;
  const ex = raw.exceptionHandlingHr >>> 0;
  return { hresult, code: codeName(hresult), applied: hresult === 0, exceptionHandling: { hresult: ex, code: codeName(ex) } };
}

/** e, with the COM security state attached when it is a VssError (and a sentence when security was not applied). */
function withComSecurity(e: unknown, sec: VssComSecurity | undefined): unknown {
  if (!(e instanceof VssError) || sec === undefined || e.comSecurity !== undefined) return e;
  e.comSecurity = sec;
  if (!sec.applied) {
    e.message += ` (COM security for VSS was not set: CoInitializeSecurity returned ${sec.code}, so writers running under other accounts may have been unable to call back; README "VSS: COM security")`;
  }
  return e;
}

function isFailure(hr: number): boolean {
  return (hr >>> 0) >= 0x80000000;
}

/**
 * One IVssAsync: the handle a VSS step returns. status(), wait() and cancel() map one to one onto
 * QueryStatus, Wait and Cancel; release() lets it go (the owner does that for you in createSnapshotSet).
 */
export class VssAsync {
  readonly #vss: VssBackend;
  readonly #handle: Handle;
  /** The IVssBackupComponents method that returned it, e.g. 'DoSnapshotSet'. */
  readonly method: string;
  #released = false;

  /** @internal */
  constructor(vss: VssBackend, handle: Handle, method: string) {
    this.#vss = vss;
    this.#handle = handle;
    this.method = method;
  }

  #check(fn: string): void {
    if (this.#released) {
      throw new StateError({ family: 'vss', code: 'WINOPS_RELEASED', hresult: undefined, call: `IVssAsync::${fn}`, message: `IVssAsync::${fn}: this IVssAsync (${this.method}) was released` });
    }
  }

  /** IVssAsync::QueryStatus. Rejects with the step's VssError when the step failed. */
  async status(): Promise<VssAsyncStatus> {
    this.#check('QueryStatus');
    const { hr, status } = await vssCall('IVssAsync::QueryStatus', () => this.#vss.asyncQueryStatus(this.#handle));
    return this.#statusOf(hr, status);
  }

  #statusOf(hr: number, status: number): VssAsyncStatus {
    if (isFailure(hr)) throw hresultError('vss', hr, 'IVssAsync::QueryStatus');
    if (status === VSS_S_ASYNC_PENDING) return 'pending';
    if (status === VSS_S_ASYNC_FINISHED || status === S_OK) return 'finished';
    if (status === VSS_S_ASYNC_CANCELLED) return 'cancelled';
    throw hresultError('vss', status, `IVssBackupComponents::${this.method}`);
  }

  /**
   * IVssAsync::Wait with a time limit, then QueryStatus. Resolves 'pending' if the limit passed first,
   * 'finished' or 'cancelled' otherwise; rejects with the step's VssError if it failed.
   */
  async wait(options?: { readonly timeout?: number }): Promise<VssAsyncStatus> {
    if (options !== undefined && (typeof options !== 'object' || options === null)) {
      throw new TypeError(`VssAsync.wait: options must be an object, got ${describeValue(options)}`);
    }
    const ms = options?.timeout === undefined ? INFINITE : checkTimeout(options.timeout, 'VssAsync.wait', 'options.timeout');
    this.#check('Wait');
    const vss = this.#vss;
    const waitStatus = vss.asyncWaitStatus?.bind(vss);
    if (waitStatus) {
      // Wait and QueryStatus in one trip (the backend makes both calls, in this order).
      const r = await vssCall('IVssAsync::Wait', () => waitStatus(this.#handle, ms));
      if (isFailure(r.wait)) throw hresultError('vss', r.wait, `IVssBackupComponents::${this.method}`);
      // The status came in the same trip: it stands even if the owner released the IVssAsync meanwhile (e.g.
      // createSnapshotSet's flow, whose own wait returned first), so a caller's concurrent wait() still resolves.
      if (r.hr !== undefined && r.status !== undefined) return this.#statusOf(r.hr, r.status);
      return this.status();
    }
    const hr = await vssCall('IVssAsync::Wait', () => vss.asyncWait(this.#handle, ms));
    if (isFailure(hr)) throw hresultError('vss', hr, `IVssBackupComponents::${this.method}`);
    return this.status();
  }

  /**
   * IVssAsync::Cancel. 'cancelled' (S_OK), 'already-cancelled' (VSS_S_ASYNC_CANCELLED), 'already-finished'
   * (VSS_S_ASYNC_FINISHED); if the step had already failed, rejects with that step's error.
   */
  async cancel(): Promise<{ status: 'cancelled' | 'already-cancelled' | 'already-finished'; hresult: number; code: string }> {
    this.#check('Cancel');
    const hr = (await vssCall('IVssAsync::Cancel', () => this.#vss.asyncCancel(this.#handle))) >>> 0;
    if (hr === S_OK) return { status: 'cancelled', hresult: hr, code: 'S_OK' };
    if (hr === VSS_S_ASYNC_CANCELLED) return { status: 'already-cancelled', hresult: hr, code: 'VSS_S_ASYNC_CANCELLED' };
    if (hr === VSS_S_ASYNC_FINISHED) return { status: 'already-finished', hresult: hr, code: 'VSS_S_ASYNC_FINISHED' };
    if (isFailure(hr)) throw hresultError('vss', hr, `IVssBackupComponents::${this.method}`);
    // Another success code: the docs list none; treat as accepted but keep the code.
    return { status: 'cancelled', hresult: hr, code: codeName(hr) };
  }

  /** Releases the IVssAsync. Idempotent. */
  async release(): Promise<void> {
    if (this.#released) return;
    this.#released = true;
    await vssCall('IVssAsync::Release', () => this.#vss.asyncRelease(this.#handle));
  }
}

/** Backup state for {@link VssBackupComponents.setBackupState}. */
export interface BackupStateOptions {
  readonly selectComponents?: boolean;
  readonly backupBootableSystemState?: boolean;
  readonly backupType?: keyof typeof VSS_BT | number;
  readonly partialFileSupport?: boolean;
}

/**
 * IVssBackupComponents, one method per Windows call, for callers who drive the requester flow themselves.
 * Most callers want {@link Vss.createSnapshotSet}. One instance is good for one backup only.
 */
export class VssBackupComponents implements AsyncDisposable {
  readonly #vss: VssBackend;
  readonly #handle: Handle;
  #released = false;

  /** @internal */
  constructor(vss: VssBackend, handle: Handle) {
    this.#vss = vss;
    this.#handle = handle;
  }

  #h(call: string): Handle {
    if (this.#released) {
      throw new StateError({ family: 'vss', code: 'WINOPS_RELEASED', hresult: undefined, call: `IVssBackupComponents::${call}`, message: `IVssBackupComponents::${call}: these backup components were released` });
    }
    return this.#handle;
  }

  initializeForBackup(): Promise<void> {
    return vssCall('IVssBackupComponents::InitializeForBackup', () => this.#vss.initializeForBackup(this.#h('InitializeForBackup')));
  }

  /** SetContext with a VSS_SNAPSHOT_CONTEXT name ('BACKUP', 'CLIENT_ACCESSIBLE', ...) or value. */
  setContext(context: keyof typeof VSS_CTX | number): Promise<void> {
    const value = resolveEnum(VSS_CTX, context, 'VssBackupComponents.setContext', 'context');
    return vssCall('IVssBackupComponents::SetContext', () => this.#vss.setContext(this.#h('SetContext'), value));
  }

  setBackupState(state: BackupStateOptions = {}): Promise<void> {
    if (typeof state !== 'object' || state === null) throw new TypeError(`VssBackupComponents.setBackupState: state must be an object, got ${describeValue(state)}`);
    const backupType = resolveEnum(VSS_BT, state.backupType ?? 'COPY', 'VssBackupComponents.setBackupState', 'state.backupType');
    return vssCall('IVssBackupComponents::SetBackupState', () =>
      this.#vss.setBackupState(this.#h('SetBackupState'), {
        selectComponents: state.selectComponents ?? false,
        backupBootableSystemState: state.backupBootableSystemState ?? false,
        backupType,
        partialFileSupport: state.partialFileSupport ?? false,
      }),
    );
  }

  /**
   * GatherWriterStatus: asks each writer for its status. Wait for the IVssAsync, then call getWriterStatus(). The
   * docs: query the writers after PrepareForBackup, DoSnapshotSet and BackupComplete; at other times the status
   * "might reflect conditions that do not indicate failure in the current operation".
   */
  async gatherWriterStatus(): Promise<VssAsync> {
    const a = await vssCall('IVssBackupComponents::GatherWriterStatus', () => this.#vss.gatherWriterStatus(this.#h('GatherWriterStatus')));
    return new VssAsync(this.#vss, a, 'GatherWriterStatus');
  }

  /**
   * GetWriterStatusCount, GetWriterStatusEx (GetWriterStatus where IVssBackupComponentsEx3 is missing) per writer,
   * then FreeWriterStatus: the writers' status after the last GatherWriterStatus. `after` labels the rows with the
   * call the status belongs to (default 'gatherWriterMetadata': outside the backup sequence). One call per
   * GatherWriterStatus: it frees the status (FreeWriterStatus), so a second call fails with VSS_E_BAD_STATE.
   */
  async getWriterStatus(after: VssWriterCheckpoint = 'gatherWriterMetadata'): Promise<VssWriterStatus[]> {
    checkCheckpoint(after, 'VssBackupComponents.getWriterStatus');
    const rows = await vssCall('IVssBackupComponents::GetWriterStatus', () => this.#vss.getWriterStatus(this.#h('GetWriterStatus')));
    return rows.map((r) => toWriterStatus(r, after));
  }

  async gatherWriterMetadata(): Promise<VssAsync> {
    const a = await vssCall('IVssBackupComponents::GatherWriterMetadata', () => this.#vss.gatherWriterMetadata(this.#h('GatherWriterMetadata')));
    return new VssAsync(this.#vss, a, 'GatherWriterMetadata');
  }

  getWriters(): Promise<VssWriterInfo[]> {
    return vssCall('IVssBackupComponents::GetWriterMetadata', () => this.#vss.getWriters(this.#h('GetWriterMetadata')));
  }

  startSnapshotSet(): Promise<string> {
    return vssCall('IVssBackupComponents::StartSnapshotSet', () => this.#vss.startSnapshotSet(this.#h('StartSnapshotSet')));
  }

  addToSnapshotSet(volume: string): Promise<string> {
    const v = normalizeVolume(volume, 'VssBackupComponents.addToSnapshotSet', 'volume');
    return vssCall('IVssBackupComponents::AddToSnapshotSet', () => this.#vss.addToSnapshotSet(this.#h('AddToSnapshotSet'), v));
  }

  async prepareForBackup(): Promise<VssAsync> {
    const a = await vssCall('IVssBackupComponents::PrepareForBackup', () => this.#vss.prepareForBackup(this.#h('PrepareForBackup')));
    return new VssAsync(this.#vss, a, 'PrepareForBackup');
  }

  async doSnapshotSet(): Promise<VssAsync> {
    const a = await vssCall('IVssBackupComponents::DoSnapshotSet', () => this.#vss.doSnapshotSet(this.#h('DoSnapshotSet')));
    return new VssAsync(this.#vss, a, 'DoSnapshotSet');
  }

  async backupComplete(): Promise<VssAsync> {
    const a = await vssCall('IVssBackupComponents::BackupComplete', () => this.#vss.backupComplete(this.#h('BackupComplete')));
    return new VssAsync(this.#vss, a, 'BackupComplete');
  }

  getSnapshotProperties(snapshotId: string): Promise<VssSnapshotProperties> {
    if (typeof snapshotId !== 'string' || snapshotId.length === 0) {
      throw new TypeError(`VssBackupComponents.getSnapshotProperties: snapshotId must be a non-empty string, got ${describeValue(snapshotId)}`);
    }
    return vssCall('IVssBackupComponents::GetSnapshotProperties', () => this.#vss.getSnapshotProperties(this.#h('GetSnapshotProperties'), snapshotId));
  }

  /**
   * Query(GUID_NULL, VSS_OBJECT_NONE, VSS_OBJECT_SNAPSHOT): the shadow copies of the context setContext gave (the
   * docs: Query "must be preceded by calls to InitializeForBackup and SetContext"). Synchronous in Windows: no cancel.
   */
  query(): Promise<ShadowCopy[]> {
    return queryShadowCopiesCall(this.#vss, this.#h('Query'));
  }

  /** DeleteSnapshots on one copy or one set: { deleted }, or a VssDeleteError. Synchronous in Windows: no cancel. */
  deleteSnapshots(target: ShadowCopyTarget, options: { readonly force?: boolean } = {}): Promise<{ deleted: number }> {
    const fn = 'VssBackupComponents.deleteSnapshots';
    const which = checkTarget(target, fn);
    if (typeof options !== 'object' || options === null || Array.isArray(options)) throw new TypeError(`${fn}: options must be an object, got ${describeValue(options)}`);
    const force = checkForce(options.force, fn, 'options.force');
    return deleteShadowCopiesCall(this.#vss, this.#h('DeleteSnapshots'), which, force);
  }

  abortBackup(): Promise<void> {
    return vssCall('IVssBackupComponents::AbortBackup', () => this.#vss.abortBackup(this.#h('AbortBackup')));
  }

  deleteSnapshotSet(snapshotSetId: string): Promise<number> {
    if (typeof snapshotSetId !== 'string' || !GUID.test(snapshotSetId)) {
      throw new TypeError(`VssBackupComponents.deleteSnapshotSet: snapshotSetId must be a GUID string such as '6f1c2d3e-0000-4000-8000-000000000001' (braces allowed), got ${describeValue(snapshotSetId)}`);
    }
    return vssCall('IVssBackupComponents::DeleteSnapshots', () => this.#vss.deleteSnapshotSet(this.#h('DeleteSnapshots'), snapshotSetId));
  }

  /** Releases the components (non-persistent shadow copies go with them). Idempotent. */
  async release(): Promise<void> {
    if (this.#released) return;
    this.#released = true;
    await vssCall('IVssBackupComponents::Release', () => this.#vss.releaseBackupComponents(this.#handle));
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.release();
  }
}


function resolveEnum<E extends Record<string, number>>(table: E, value: keyof E | number, fn: string, arg: string): number {
  if (typeof value === 'number') {
    if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) throw new RangeError(`${fn}: ${arg} must be a uint32, got ${value}`);
    return value;
  }
  if (typeof value === 'string') {
    const key = value.toUpperCase().replace(/-/g, '_');
    const v = table[key];
    if (typeof v === 'number') return v;
    throw new RangeError(`${fn}: ${arg} must be one of ${Object.keys(table).join(', ')}, got ${JSON.stringify(value)}`);
  }
  throw new TypeError(`${fn}: ${arg} must be a string or a number, got ${describeValue(value)}`);
}

/** Checks a volume argument and gives it the trailing backslash AddToSnapshotSet needs ('C:' -> 'C:\\'). */
export function normalizeVolume(volume: unknown, fn: string, arg: string): string {
  if (typeof volume !== 'string') throw new TypeError(`${fn}: ${arg} must be a string such as 'C:\\\\', got ${describeValue(volume)}`);
  if (volume.length === 0) throw new TypeError(`${fn}: ${arg} must not be empty`);
  if (volume.length > 32767) throw new RangeError(`${fn}: ${arg} is longer than a Windows path can be (32767)`);
  if (volume.includes('\0')) throw new TypeError(`${fn}: ${arg} must not contain a NUL character`);
  if (/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(volume)) {
    throw new TypeError(`${fn}: ${arg} contains an unpaired surrogate and cannot be converted to UTF-16 for Windows`);
  }
  let v = volume.replace(/\//g, '\\');
  if (/^[A-Za-z]:$/.test(v)) v += '\\';
  if (!v.endsWith('\\')) v += '\\';
  if (/^[a-z]:\\$/.test(v)) v = v.toUpperCase();
  return v;
}

/** One shadow copy of a snapshot set. */
export interface Snapshot {
  /** The volume as given (normalised, e.g. 'C:\\'). */
  readonly volume: string;
  readonly snapshotId: string;
  /** The shadow copy's device path, e.g. '\\\\?\\GLOBALROOT\\Device\\HarddiskVolumeShadowCopy12'. */
  readonly deviceObject: string;
  readonly originatingMachine: string;
  readonly createdAt: Date;
}

/**
 * A shadow-copy set that exists until you close it. close() (or `await using`, on Node 24 and in TypeScript) runs BackupComplete and releases the
 * components; for the default backup context that deletes the shadow copies, for a persistent context (keep: true)
 * they stay, and {@link SnapshotSet.delete} removes them.
 */
export class SnapshotSet implements AsyncDisposable {
  readonly id: string;
  readonly snapshots: readonly Snapshot[];
  readonly writers: readonly VssWriterInfo[];
  /** True when the shadow copies outlive close() (a persistent context). */
  readonly persistent: boolean;
  /**
   * The process's COM security when the set was made. `applied: false` (RPC_E_TOO_LATE) means writers running
   * under other accounts may not have been able to call back: check the writers before trusting the set as
   * application-consistent (README "VSS: COM security"). Undefined when the backend does not report it.
   */
  readonly comSecurity: VssComSecurity | undefined;
  readonly #components: VssBackupComponents;
  readonly #token: object;
  readonly #writersMode: 'require-all' | 'report';
  #writerStatus: readonly VssWriterStatus[];
  #failedWriters: readonly VssWriterStatus[];
  #closing: Promise<void> | undefined;

  /** @internal */
  constructor(init: {
    id: string;
    snapshots: Snapshot[];
    writers: VssWriterInfo[];
    persistent: boolean;
    components: VssBackupComponents;
    comSecurity?: VssComSecurity | undefined;
    writerStatus: readonly VssWriterStatus[];
    failedWriters: readonly VssWriterStatus[];
    writersMode: 'require-all' | 'report';
  }) {
    this.id = init.id;
    this.comSecurity = init.comSecurity;
    this.snapshots = init.snapshots;
    this.writers = init.writers;
    this.persistent = init.persistent;
    this.#writerStatus = init.writerStatus;
    this.#failedWriters = init.failedWriters;
    this.#writersMode = init.writersMode;
    this.#components = init.components;
    const components = init.components;
    // Dropped without close(): release the components (a non-persistent set's shadow copies go with them).
    this.#token = releaseWhenCollected(this, () => components.release());
  }

  /**
   * Each writer's latest status: after DoSnapshotSet, and after BackupComplete once close() has run. Empty when
   * the context has no writers (VSS_VOLSNAP_ATTR_NO_WRITERS).
   */
  get writerStatus(): readonly VssWriterStatus[] {
    return this.#writerStatus;
  }

  /**
   * The writers that failed at any check (after PrepareForBackup, DoSnapshotSet, BackupComplete), each as first
   * seen failed. Only `writers: 'report'` lets a set with failed writers through; for them the shadow copies are
   * not application-consistent.
   */
  get failedWriters(): readonly VssWriterStatus[] {
    return this.#failedWriters;
  }

  /** Deletes the shadow copies now (DeleteSnapshots on the set) and releases the set. */
  async delete(): Promise<number> {
    if (this.#closing) throw new StateError({ family: 'vss', code: 'WINOPS_RELEASED', hresult: undefined, call: 'IVssBackupComponents::DeleteSnapshots', message: 'SnapshotSet.delete: the set was closed' });
    let deleted = 0;
    releaseOnClose(this.#token);
    this.#closing = (async () => {
      try {
        deleted = await this.#components.deleteSnapshotSet(this.id);
      } finally {
        await this.#components.release();
      }
    })();
    await this.#closing;
    return deleted;
  }

  /**
   * BackupComplete, then (when writers took part) GatherWriterStatus and GetWriterStatus, then release. A writer
   * that failed at BackupComplete rejects with a VssWriterError after the release, unless the set was made with
   * `writers: 'report'` (then it is in failedWriters). Idempotent: a second call waits for the first.
   */
  close(): Promise<void> {
    releaseOnClose(this.#token);
    this.#closing ??= (async () => {
      let failed: VssWriterStatus[] = [];
      try {
        const a = await this.#components.backupComplete();
        try {
          await a.wait();
        } finally {
          await a.release();
        }
        if (this.#writerStatus.length > 0) {
          const g = await this.#components.gatherWriterStatus();
          try {
            await g.wait();
          } finally {
            await g.release();
          }
          const status = await this.#components.getWriterStatus('backupComplete');
          this.#writerStatus = status;
          failed = status.filter((w) => w.failed && !this.#failedWriters.some((f) => f.instanceId === w.instanceId));
          if (failed.length > 0) this.#failedWriters = [...this.#failedWriters, ...failed];
        }
      } finally {
        await this.#components.release();
      }
      if (failed.length > 0 && this.#writersMode === 'require-all') {
        throw withComSecurity(new VssWriterError(failed, 'backupComplete', 'the set was released'), this.comSecurity);
      }
    })();
    return this.#closing;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  toJSON(): object {
    return { id: this.id, persistent: this.persistent, snapshots: this.snapshots, writers: this.writers, writerStatus: this.writerStatus, failedWriters: this.failedWriters, comSecurity: this.comSecurity };
  }
}

type Kebab<S extends string> = S extends `${infer A}_${infer B}` ? `${A}-${Kebab<B>}` : S;
/** A VSS_SNAPSHOT_CONTEXT by name: 'BACKUP', 'backup', 'CLIENT_ACCESSIBLE_WRITERS', 'client-accessible-writers', ... */
export type VssContextName = keyof typeof VSS_CTX | Lowercase<keyof typeof VSS_CTX> | Kebab<Lowercase<keyof typeof VSS_CTX>>;

export interface SnapshotSetOptions extends OperationOptions {
  /**
   * 'backup' (default): shadow copies live until close(). 'client-accessible': persistent, no writers, they outlive
   * the process until deleted. Or any VSS_SNAPSHOT_CONTEXT name or value. Writers take part (GatherWriterMetadata)
   * unless the context has VSS_VOLSNAP_ATTR_NO_WRITERS (0x10): FILE_SHARE_BACKUP, NAS_ROLLBACK, CLIENT_ACCESSIBLE.
   */
  readonly context?: VssContextName | number;
  /** VSS_BACKUP_TYPE, default 'COPY' (does not touch the writers' backup history). */
  readonly backupType?: keyof typeof VSS_BT | number;
  /**
   * What a failed writer does to the set (README "VSS: writer status"). 'require-all' (default): a writer that
   * failed after PrepareForBackup or DoSnapshotSet makes the operation reject with a VssWriterError, after
   * AbortBackup and the release of everything (a persistent set is deleted first). 'report': the set is kept and
   * `set.failedWriters` lists them; its shadow copies are not application-consistent for those writers.
   */
  readonly writers?: 'require-all' | 'report';
  /**
   * Called as the flow enters each step; `async` is the step's IVssAsync when it has one; `after` says which call a
   * gatherWriterStatus step follows.
   */
  readonly onStep?: (event: VssStepEvent) => void;
}

/** What onStep receives. */
export interface VssStepEvent {
  readonly step: VssStep;
  readonly async?: VssAsync;
  /** For step 'gatherWriterStatus': the call whose writer status it gathers. */
  readonly after?: 'prepareForBackup' | 'doSnapshotSet';
}

export type SnapshotSetOperation = Operation<SnapshotSet, VssCancelOutcome> & {
  /** The step the flow is in now. */
  readonly step: VssStep | undefined;
};

/** The VSS family: shadow copies of volumes. */
export class Vss {
  readonly #backend: () => Backend;

  /** @internal */
  constructor(backend: () => Backend) {
    this.#backend = backend;
  }

  /**
   * The process's COM security for VSS (CoInitializeSecurity's outcome, set by the first components object), or
   * undefined before the first one. README "VSS: COM security".
   */
  comSecurity(): VssComSecurity | undefined {
    return comSecurityOf(this.#backend().vss);
  }

  /** Creates IVssBackupComponents for a caller who drives the requester flow step by step. */
  async createBackupComponents(): Promise<VssBackupComponents> {
    const vss = this.#backend().vss;
    const h = await vssCall('CreateVssBackupComponents', () => vss.createBackupComponents());
    return new VssBackupComponents(vss, h);
  }

  /**
   * Shadow-copies one or more volumes as one set and resolves with each shadow copy's device path and ids.
   * Cancelling (signal, timeout or cancel()) cancels the pending IVssAsync; once the set was started, a cancelled,
   * timed-out or failed flow calls AbortBackup and releases everything, so no shadow copy or writer state remains.
   */
  createSnapshotSet(volumes: readonly string[] | string, options?: SnapshotSetOptions): SnapshotSetOperation {
    const fn = 'vss.createSnapshotSet';
    const list = typeof volumes === 'string' ? [volumes] : volumes;
    if (!Array.isArray(list)) throw new TypeError(`${fn}: volumes must be a volume path or an array of them, got ${describeValue(volumes)}`);
    if (list.length === 0) throw new RangeError(`${fn}: volumes must name at least one volume`);
    if (list.length > 64) throw new RangeError(`${fn}: volumes has ${list.length} entries; VSS takes at most 64 volumes per set`);
    const normalized = list.map((v, i) => normalizeVolume(v, fn, `volumes[${i}]`));
    const seen = new Set<string>();
    for (const v of normalized) {
      const key = v.toUpperCase();
      if (seen.has(key)) throw new RangeError(`${fn}: volumes names ${v} twice`);
      seen.add(key);
    }
    const opts = checkOptions<SnapshotSetOptions>(options, fn);
    if (opts.onStep !== undefined && typeof opts.onStep !== 'function') throw new TypeError(`${fn}: options.onStep must be a function, got ${describeValue(opts.onStep)}`);
    const context = resolveEnum(VSS_CTX, (opts.context ?? 'BACKUP') as keyof typeof VSS_CTX | number, fn, 'options.context');
    const backupType = resolveEnum(VSS_BT, opts.backupType ?? 'COPY', fn, 'options.backupType');
    const persistent = (context & 0x01) !== 0 && context !== VSS_CTX.ALL; // VSS_VOLSNAP_ATTR_PERSISTENT
    const withWriters = (context & 0x10) === 0 || context === VSS_CTX.ALL; // VSS_VOLSNAP_ATTR_NO_WRITERS (0x10) clear
    const writers = checkWritersOption(opts.writers, fn);
    return new SnapshotSetFlow<SnapshotSet>(this.#backend, normalized, { context, backupType, persistent, withWriters, onStep: opts.onStep, writers, listOnly: false }, opts).operation as SnapshotSetOperation;
  }

  /**
   * The writers and their state, as `vssadmin list writers` shows them: CreateVssBackupComponents,
   * InitializeForBackup, GatherWriterMetadata, GatherWriterStatus, GetWriterStatus(Ex), release. No snapshot is
   * made. The docs warn that status gathered outside a backup sequence "might reflect conditions that do not indicate
   * failure in the current operation" (a failure of an earlier backup, an unresponsive writer still busy). Cancelling
   * cancels the pending IVssAsync and releases the components (nothing was started, so no AbortBackup).
   */
  writers(options?: OperationOptions & { readonly onStep?: (event: VssStepEvent) => void }): Operation<VssWriterStatus[], VssCancelOutcome> & { readonly step: VssStep | undefined } {
    const fn = 'vss.writers';
    const opts = checkOptions<OperationOptions & { readonly onStep?: (event: VssStepEvent) => void }>(options, fn);
    if (opts.onStep !== undefined && typeof opts.onStep !== 'function') throw new TypeError(`${fn}: options.onStep must be a function, got ${describeValue(opts.onStep)}`);
    const config: FlowConfig = { context: VSS_CTX.BACKUP, backupType: VSS_BT.COPY, persistent: false, withWriters: true, onStep: opts.onStep, writers: 'report', listOnly: true };
    return new SnapshotSetFlow<VssWriterStatus[]>(this.#backend, [], config, opts).operation;
  }

  /**
   * The shadow copies on the machine, as `vssadmin list shadows` shows them: CreateVssBackupComponents,
   * InitializeForBackup, SetContext (default VSS_CTX_ALL: every copy; another context lists only its own copies),
   * Query, each VSS_SNAPSHOT_PROP converted and freed, release. Query has no cancel: a cancel or timeout while it
   * runs rejects at once with an AbortError whose outcome is 'in-background', and `operation.finished` resolves
   * when Query has returned and the components are released. Needs an elevated process on Windows
   * (E_ACCESSDENIED otherwise).
   */
  listShadowCopies(options?: ListShadowCopiesOptions): VssInventoryOperation<ShadowCopy[]> {
    const fn = 'vss.listShadowCopies';
    const opts = checkOptions<ListShadowCopiesOptions>(options, fn);
    const context = resolveEnum(VSS_CTX, (opts.context ?? 'ALL') as keyof typeof VSS_CTX | number, fn, 'options.context');
    return runInventory(this.#backend, fn, context, opts, {
      step: 'querySnapshots',
      run: queryShadowCopiesCall,
    });
  }

  /**
   * Deletes one shadow copy (`{ snapshotId }`) or every copy of a set (`{ setId }`): CreateVssBackupComponents,
   * InitializeForBackup, SetContext(VSS_CTX_ALL), DeleteSnapshots, release. Resolves with how many were deleted;
   * rejects with a {@link VssDeleteError} (how many went before it stopped, and the first that did not) when
   * DeleteSnapshots fails, VSS_E_OBJECT_NOT_FOUND when the id names no shadow copy. DeleteSnapshots has no cancel:
   * a cancel or timeout while it runs gives 'in-background' (see listShadowCopies).
   */
  deleteShadowCopies(target: ShadowCopyTarget, options?: DeleteShadowCopiesOptions): VssInventoryOperation<{ deleted: number }> {
    const fn = 'vss.deleteShadowCopies';
    const which = checkTarget(target, fn);
    const opts = checkOptions<DeleteShadowCopiesOptions>(options, fn);
    const force = checkForce(opts.force, fn, 'options.force');
    return runInventory(this.#backend, fn, VSS_CTX.ALL, opts, {
      step: 'deleteSnapshots',
      run: (vss, h) => deleteShadowCopiesCall(vss, h, which, force),
    });
  }
}

interface FlowConfig {
  context: number;
  backupType: number;
  persistent: boolean;
  withWriters: boolean;
  onStep: SnapshotSetOptions['onStep'];
  writers: 'require-all' | 'report';
  /** vss.writers(): after GatherWriterMetadata, gather the status, release, and resolve with it. */
  listOnly: boolean;
}

/** The requester flow of one snapshot set, with its cancel logic. */
class SnapshotSetFlow<T> {
  readonly operation: Operation<T, VssCancelOutcome> & { readonly step: VssStep | undefined };
  readonly #scope: CancelScope;
  readonly #settlement = new Settlement<T>();
  /** The writer status checks so far: the latest rows, and each failed writer as first seen failed. */
  #writerStatus: VssWriterStatus[] = [];
  #failedWriters: VssWriterStatus[] = [];
  /** A persistent set that DoSnapshotSet made: a failed or cancelled flow deletes it before AbortBackup. */
  #madeSet: string | undefined;
  #step: VssStep | undefined;
  #pending: VssAsync | undefined;
  #cancelResult: Promise<{ status: VssCancelOutcome['status']; hresult?: number; code?: string }> | undefined;
  #backupAborted = false;
  #outcome = deferred<VssCancelOutcome>();
  #outcomeRequested = false;

  constructor(backend: () => Backend, volumes: string[], config: FlowConfig, options: OperationOptions) {
    this.#scope = new CancelScope(options);
    this.#outcome.promise.catch(() => undefined);
    const notStarted = this.#scope.aborted;
    const run = (): Promise<T> => (config.listOnly ? this.#runList(backend, config) : this.#run(backend, volumes, config)) as Promise<unknown> as Promise<T>;
    const result = this.#settlement.track(notStarted ? this.#rejectNotStarted(config.listOnly ? 'vss.writers' : 'vss.createSnapshotSet') : run());
    result.finally(() => this.#scope.dispose()).catch(() => undefined);
    const op = new Operation<T, VssCancelOutcome>(result, (reason) => this.#cancel(reason)) as Operation<T, VssCancelOutcome> & { readonly step: VssStep | undefined };
    Object.defineProperty(op, 'step', { get: () => this.#step, enumerable: true });
    this.operation = op;
    this.#scope.onAbort(() => {
      if (this.#pending) void this.#cancelPending(this.#pending);
    });
  }

  #rejectNotStarted(fn: string): Promise<never> {
    const outcome: VssCancelOutcome = { family: 'vss', status: 'not-started', step: undefined, hresult: undefined, code: undefined, backupAborted: false };
    this.#outcome.resolve(outcome);
    return Promise.reject(new AbortError(`${fn} was aborted before it started`, { cause: this.#scope.reason, outcome }));
  }

  #cancelPending(a: VssAsync): Promise<{ status: VssCancelOutcome['status']; hresult?: number; code?: string }> {
    this.#cancelResult ??= a.cancel().then(
      (r) => r,
      // Cancel returned the error the step had already failed with: the flow reports it when the wait ends.
      () => ({ status: 'already-finished' as const }),
    );
    return this.#cancelResult;
  }

  #cancel(reason: unknown): Promise<VssCancelOutcome> {
    if (!this.#outcomeRequested) {
      this.#outcomeRequested = true;
      if (this.#settlement.state === 'fulfilled') {
        this.#outcome.resolve({ family: 'vss', status: 'already-finished', step: this.#step, hresult: undefined, code: undefined, backupAborted: false });
      } else if (this.#settlement.state === 'rejected') {
        this.#outcome.reject(this.#settlement.error);
      }
    }
    this.#scope.abort(reason);
    return this.#outcome.promise;
  }

  #enter(step: VssStep, async?: VssAsync, after?: 'prepareForBackup' | 'doSnapshotSet'): void {
    this.#step = step;
    this.#pending = async;
    if (this.#scope.aborted && async) void this.#cancelPending(async);
    try {
      this.#config?.onStep?.({ step, ...(async ? { async } : {}), ...(after ? { after } : {}) });
    } catch {
      // A throwing observer must not break the flow.
    }
  }

  #config: FlowConfig | undefined;

  /**
   * Waits for one IVssAsync; returns 'cancelled' when the cancel took, throws the step's error on failure. The
   * IVssAsync is released before it returns, except after a cancel: then #stop awaits the release together with
   * AbortBackup and the release of the components (they run on other threads, so the report comes sooner).
   */
  async #await(a: VssAsync): Promise<'finished' | 'cancelled'> {
    let status: VssAsyncStatus | undefined;
    try {
      status = await a.wait();
      if (status === 'pending') throw new VssError({ family: 'vss', code: 'VSS_S_ASYNC_PENDING', hresult: VSS_S_ASYNC_PENDING, call: `IVssAsync::Wait (${a.method})`, message: `IVssAsync::Wait returned while ${a.method} is still pending` });
      return status;
    } finally {
      this.#pending = undefined;
      const released = a.release().catch(() => undefined);
      if (status === 'cancelled') this.#asyncRelease = released;
      else await released;
    }
  }

  /** The release of a cancelled step's IVssAsync, still under way when #await returned. */
  #asyncRelease: Promise<void> | undefined;

  async #run(backend: () => Backend, volumes: string[], config: FlowConfig): Promise<SnapshotSet> {
    this.#config = config;
    const vss = backend().vss;
    this.#enter('createBackupComponents');
    const handle = await vssCall('CreateVssBackupComponents', () => vss.createBackupComponents());
    const components = new VssBackupComponents(vss, handle);
    let started = false;
    const stopIfCancelled = (): boolean => this.#scope.aborted;
    try {
      this.#enter('initializeForBackup');
      if (stopIfCancelled()) return await this.#stop(components, started, await this.#cancelResult);
      await components.initializeForBackup();
      this.#enter('setContext');
      if (stopIfCancelled()) return await this.#stop(components, started, await this.#cancelResult);
      await components.setContext(config.context);
      let writers: VssWriterInfo[] = [];
      if (config.withWriters) {
        if (stopIfCancelled()) return await this.#stop(components, started, await this.#cancelResult);
        const a = await components.gatherWriterMetadata();
        this.#enter('gatherWriterMetadata', a);
        if ((await this.#await(a)) === 'cancelled') return await this.#stop(components, started, await this.#cancelResult);
        writers = await components.getWriters();
      }
      this.#enter('startSnapshotSet');
      if (stopIfCancelled()) return await this.#stop(components, started, await this.#cancelResult);
      const setId = await components.startSnapshotSet();
      started = true;
      this.#enter('addToSnapshotSet');
      const ids: string[] = [];
      for (const v of volumes) {
        if (stopIfCancelled()) return await this.#stop(components, started, await this.#cancelResult);
        ids.push(await components.addToSnapshotSet(v));
      }
      this.#enter('setBackupState');
      if (stopIfCancelled()) return await this.#stop(components, started, await this.#cancelResult);
      await components.setBackupState({ selectComponents: false, backupBootableSystemState: false, backupType: config.backupType, partialFileSupport: false });
      if (stopIfCancelled()) return await this.#stop(components, started, await this.#cancelResult);
      const prep = await components.prepareForBackup();
      this.#enter('prepareForBackup', prep);
      if ((await this.#await(prep)) === 'cancelled') return await this.#stop(components, started, await this.#cancelResult);
      if (config.withWriters) {
        if (stopIfCancelled()) return await this.#stop(components, started, await this.#cancelResult);
        if ((await this.#checkWriters(components, 'prepareForBackup', config)) === 'cancelled') return await this.#stop(components, started, await this.#cancelResult);
      }
      if (stopIfCancelled()) return await this.#stop(components, started, await this.#cancelResult);
      const snap = await components.doSnapshotSet();
      this.#enter('doSnapshotSet', snap);
      if ((await this.#await(snap)) === 'cancelled') return await this.#stop(components, started, await this.#cancelResult);
      // DoSnapshotSet finished: the set exists, but it is not the caller's until the writers were checked. A cancel
      // that came meanwhile, also one that found DoSnapshotSet finished (VSS_S_ASYNC_FINISHED), still undoes it.
      if (config.persistent) this.#madeSet = setId;
      if (stopIfCancelled()) return await this.#stop(components, started, await this.#cancelResult);
      if (config.withWriters && (await this.#checkWriters(components, 'doSnapshotSet', config)) === 'cancelled') {
        return await this.#stop(components, started, await this.#cancelResult);
      }
      // A cancel that found GatherWriterStatus finished (VSS_S_ASYNC_FINISHED), or came during GetWriterStatus,
      // still undoes the set: it is not the caller's until the check is over.
      if (stopIfCancelled()) return await this.#stop(components, started, await this.#cancelResult);
      // From here on a cancel is too late: the set resolves and the outcome is already-finished.
      this.#enter('getSnapshotProperties');
      const snapshots: Snapshot[] = [];
      for (let i = 0; i < ids.length; i++) {
        const p = await components.getSnapshotProperties(ids[i]!);
        snapshots.push({ volume: volumes[i]!, snapshotId: p.snapshotId, deviceObject: p.snapshotDeviceObject, originatingMachine: p.originatingMachine, createdAt: p.createdAt });
      }
      if (this.#scope.aborted) {
        const r = await this.#cancelResult;
        this.#outcome.resolve({ family: 'vss', status: 'already-finished', step: 'doSnapshotSet', hresult: r?.hresult, code: r?.code, backupAborted: false });
      }
      return new SnapshotSet({
        id: setId, snapshots, writers, persistent: config.persistent, components, comSecurity: comSecurityOf(vss),
        writerStatus: this.#writerStatus, failedWriters: this.#failedWriters, writersMode: config.writers,
      });
    } catch (error) {
      withComSecurity(error, comSecurityOf(vss));
      await this.#cleanup(components, started);
      if (this.#scope.aborted || this.#outcomeRequested) this.#outcome.reject(error);
      throw error;
    }
  }

  /**
   * AbortBackup once the set was started, then the release of the components. Both are asked for at once: the
   * backend carries out calls on one components object in order, so Release still follows AbortBackup, and the
   * flow waits for one report instead of two. backupAborted is set only when AbortBackup returned S_OK.
   */
  async #cleanup(components: VssBackupComponents, started: boolean): Promise<void> {
    // A persistent set outlives the release; DeleteSnapshots is the documented way to remove it.
    const made = this.#madeSet;
    this.#madeSet = undefined;
    if (made !== undefined) await components.deleteSnapshotSet(made).catch(() => undefined);
    const aborted = started
      ? components.abortBackup().then(
          () => {
            this.#backupAborted = true;
          },
          () => undefined,
        )
      : undefined;
    const released = components.release().catch(() => undefined);
    await aborted;
    await released;
  }

  async #stop(
    components: VssBackupComponents,
    started: boolean,
    cancel: { status: VssCancelOutcome['status']; hresult?: number; code?: string } | undefined,
  ): Promise<never> {
    const asyncRelease = this.#asyncRelease;
    this.#asyncRelease = undefined;
    await Promise.all([asyncRelease, this.#cleanup(components, started)]);
    const status = cancel?.status === 'already-cancelled' ? 'already-cancelled' : 'cancelled';
    const outcome: VssCancelOutcome = {
      family: 'vss',
      status,
      step: this.#step,
      hresult: cancel?.hresult,
      code: cancel?.code,
      backupAborted: this.#backupAborted,
    };
    this.#outcome.resolve(outcome);
    throw new AbortError(`${this.#config?.listOnly ? 'vss.writers' : 'vss.createSnapshotSet'} was cancelled during ${this.#step ?? 'start'}`, { cause: this.#scope.reason, outcome });
  }

  /**
   * GatherWriterStatus (an IVssAsync, cancelled like any step), then GetWriterStatus(Ex). Records the rows; with
   * 'require-all', failed writers throw a VssWriterError (the caller's catch aborts and releases). Returns
   * 'cancelled' when the cancel took.
   */
  async #checkWriters(components: VssBackupComponents, after: 'prepareForBackup' | 'doSnapshotSet', config: FlowConfig): Promise<'ok' | 'cancelled'> {
    const a = await components.gatherWriterStatus();
    this.#enter('gatherWriterStatus', a, after);
    if ((await this.#await(a)) === 'cancelled') return 'cancelled';
    const status = await components.getWriterStatus(after);
    this.#writerStatus = status;
    const failed = status.filter((w) => w.failed && !this.#failedWriters.some((f) => f.instanceId === w.instanceId));
    this.#failedWriters = [...this.#failedWriters, ...failed];
    if (failed.length > 0 && config.writers === 'require-all') {
      throw new VssWriterError(failed, after, `the set was aborted and released${this.#madeSet !== undefined ? ' (and its shadow copies deleted)' : ''}; pass writers: 'report' to keep a set with failed writers`);
    }
    return 'ok';
  }

  /** vss.writers(): metadata, then status, then release. Nothing is started, so no AbortBackup. */
  async #runList(backend: () => Backend, config: FlowConfig): Promise<VssWriterStatus[]> {
    this.#config = config;
    const vss = backend().vss;
    this.#enter('createBackupComponents');
    const handle = await vssCall('CreateVssBackupComponents', () => vss.createBackupComponents());
    const components = new VssBackupComponents(vss, handle);
    const stop = async (): Promise<never> => this.#stop(components, false, await this.#cancelResult);
    try {
      this.#enter('initializeForBackup');
      if (this.#scope.aborted) return await stop();
      await components.initializeForBackup();
      if (this.#scope.aborted) return await stop();
      const meta = await components.gatherWriterMetadata();
      this.#enter('gatherWriterMetadata', meta);
      if ((await this.#await(meta)) === 'cancelled' || this.#scope.aborted) return await stop();
      const a = await components.gatherWriterStatus();
      this.#enter('gatherWriterStatus', a);
      if ((await this.#await(a)) === 'cancelled') return await stop();
      const status = await components.getWriterStatus('gatherWriterMetadata');
      await components.release();
      if (this.#scope.aborted) this.#outcome.resolve({ family: 'vss', status: 'already-finished', step: 'gatherWriterStatus', hresult: undefined, code: undefined, backupAborted: false });
      return status;
    } catch (error) {
      withComSecurity(error, comSecurityOf(vss));
      await components.release().catch(() => undefined);
      if (this.#scope.aborted || this.#outcomeRequested) this.#outcome.reject(error);
      throw error;
    }
  }
}
