import type { Handle, OpenHandle, RawError, VssBackend, VssBackupState, VssComSecurityRaw, VssDeleteResultRaw, VssSnapshotProperties, VssWriterInfo, VssWriterStatusRaw } from '../../types/backend';
import { shutdownOnExit } from './exit';

/**
 * The addon's `vss` object (native/vss/backend.h): the VssBackend calls one to one, plus what only the native
 * backend has. Every promise rejects with an Error whose own properties are {hresult (uint32), call,
 * systemMessage}; a bad argument throws a TypeError (synchronously: the adapter below turns it into a rejection).
 */
export interface NativeVss extends VssBackend {
  /** Wait, then (when Wait succeeded) QueryStatus, both on the waiting thread: one report instead of two. */
  asyncWaitStatus(async: Handle, timeoutMs: number): Promise<{ wait: number; hr?: number; status?: number }>;
  /** Every IVssBackupComponents / IVssAsync not yet released, in this environment. */
  openHandles(): OpenHandle[];
  /** Threads the binding holds now, and CoInitializeSecurity's result (null before the first create). */
  stats(): { componentThreads: number; waitThreads: number; spareThreads: number; endingThreads: number; controlThread: boolean; comSecurityHr: number | null };
  /** CoInitializeSecurity's and IGlobalOptions::Set's HRESULTs (native/vss/com_security.h); null before the first create. */
  comSecurity(): VssComSecurityRaw | null;
  /** What IsWow64Process2 (or IsWow64Process) says about this process (native/vss/wow64.h). */
  processArch(): { processMachine: number; nativeMachine: number; via: 'IsWow64Process2' | 'IsWow64Process' | 'none' };
  /** The WOW64 decision for a machine pair (IMAGE_FILE_MACHINE_*): null, or the error createBackupComponents rejects with. */
  wow64Refusal(processMachine: number, nativeMachine: number): RawError | null;
  /**
   * What environment teardown does, now and synchronously: cancel pending IVssAsync operations, AbortBackup on
   * started sets, release everything, join the threads. Later calls fail with E_ABORT.
   */
  shutdown(): void;
}


/** A call into the addon as a promise: a synchronous throw (bad argument) becomes a rejection too. */
function call<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return fn();
  } catch (e) {
    return Promise.reject(e);
  }
}

/** VssBackend over the addon. The addon does the work; this only keeps the contract's promise shape. */
export class NativeVssBackend implements VssBackend {
  readonly #n: NativeVss;

  constructor(native: NativeVss) {
    this.#n = native;
    shutdownOnExit(native);
  }

  openHandles(): OpenHandle[] {
    return this.#n.openHandles();
  }

  comSecurity(): VssComSecurityRaw | null {
    return this.#n.comSecurity();
  }

  createBackupComponents(): Promise<Handle> {
    return call(() => this.#n.createBackupComponents());
  }

  initializeForBackup(components: Handle): Promise<void> {
    return call(() => this.#n.initializeForBackup(components));
  }

  setContext(components: Handle, context: number): Promise<void> {
    return call(() => this.#n.setContext(components, context));
  }

  setBackupState(components: Handle, state: VssBackupState): Promise<void> {
    return call(() => this.#n.setBackupState(components, state));
  }

  gatherWriterMetadata(components: Handle): Promise<Handle> {
    return call(() => this.#n.gatherWriterMetadata(components));
  }

  getWriters(components: Handle): Promise<VssWriterInfo[]> {
    return call(() => this.#n.getWriters(components));
  }

  gatherWriterStatus(components: Handle): Promise<Handle> {
    return call(() => this.#n.gatherWriterStatus(components));
  }

  getWriterStatus(components: Handle): Promise<VssWriterStatusRaw[]> {
    return call(() => this.#n.getWriterStatus(components));
  }

  startSnapshotSet(components: Handle): Promise<string> {
    return call(() => this.#n.startSnapshotSet(components));
  }

  addToSnapshotSet(components: Handle, volume: string): Promise<string> {
    return call(() => this.#n.addToSnapshotSet(components, volume));
  }

  prepareForBackup(components: Handle): Promise<Handle> {
    return call(() => this.#n.prepareForBackup(components));
  }

  doSnapshotSet(components: Handle): Promise<Handle> {
    return call(() => this.#n.doSnapshotSet(components));
  }

  getSnapshotProperties(components: Handle, snapshotId: string): Promise<VssSnapshotProperties> {
    return call(() => this.#n.getSnapshotProperties(components, snapshotId));
  }

  backupComplete(components: Handle): Promise<Handle> {
    return call(() => this.#n.backupComplete(components));
  }

  abortBackup(components: Handle): Promise<void> {
    return call(() => this.#n.abortBackup(components));
  }

  deleteSnapshotSet(components: Handle, snapshotSetId: string): Promise<number> {
    return call(() => this.#n.deleteSnapshotSet(components, snapshotSetId));
  }

  querySnapshots(components: Handle): Promise<VssSnapshotProperties[]> {
    return call(() => this.#n.querySnapshots(components));
  }

  deleteSnapshots(components: Handle, id: string, kind: 'snapshot' | 'set', force: boolean): Promise<VssDeleteResultRaw> {
    return call(() => this.#n.deleteSnapshots(components, id, kind, force));
  }

  releaseBackupComponents(components: Handle): Promise<void> {
    return call(() => this.#n.releaseBackupComponents(components));
  }

  asyncWait(async: Handle, timeoutMs: number): Promise<number> {
    return call(() => this.#n.asyncWait(async, timeoutMs));
  }

  asyncQueryStatus(async: Handle): Promise<{ hr: number; status: number }> {
    return call(() => this.#n.asyncQueryStatus(async));
  }

  asyncWaitStatus(async: Handle, timeoutMs: number): Promise<{ wait: number; hr?: number; status?: number }> {
    return call(() => this.#n.asyncWaitStatus(async, timeoutMs));
  }

  asyncCancel(async: Handle): Promise<number> {
    return call(() => this.#n.asyncCancel(async));
  }

  asyncRelease(async: Handle): Promise<void> {
    return call(() => this.#n.asyncRelease(async));
  }
}
