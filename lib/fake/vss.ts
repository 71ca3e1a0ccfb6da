import { randomUUID } from 'node:crypto';
import type { Handle, VssBackend, VssBackupState, VssComSecurityRaw, VssDeleteResultRaw, VssSnapshotProperties, VssWriterInfo, VssWriterStatusRaw } from '../../types/backend';
import type { VssAsyncStep, VssScenario, VssSyncCall, VssWriterEvent, VssWriterScript } from '../../types/scenario';
import { FakeCore, hresultOf, rawError, resolveCode } from './core';
import { deleteFrom, FAKE_MACHINE, type FakeShadowCopy, GUID_NULL, inContext, MICROSOFT_SOFTWARE_PROVIDER, seedShadowCopies, toProperties } from './vss-inventory';
export type { FakeShadowCopy } from './vss-inventory';

const S_OK = 0;
const VSS_S_ASYNC_PENDING = 0x00042309;
const VSS_S_ASYNC_FINISHED = 0x0004230a;
const VSS_S_ASYNC_CANCELLED = 0x0004230b;
const E_UNEXPECTED = 0x8000ffff;
const INFINITE = 0xffffffff;
/** native/vss/wow64.cc's text for an x86 process on x64 Windows. */
const WOW64_MESSAGE =
  'this process is x86 on x64 Windows (WOW64), and VSS does not support requesters running under WOW64: run a native build of Node.js or Electron (e.g. x64 on x64 Windows)';

/** VSS_WRITER_STATE values (vss.h) the simulated writers go through. */
const WS_STABLE = 1;
const WS_WAITING_FOR_BACKUP_COMPLETE = 5;
/** The VSS_WS_FAILED_AT_* state a writer is in after failing the event (vss.h, VSS_WRITER_STATE). */
export const WRITER_FAILED_STATE: Readonly<Record<VssWriterEvent, number>> = {
  prepareBackup: 7,
  prepareSnapshot: 8,
  freeze: 9,
  thaw: 10,
  postSnapshot: 11,
  backupComplete: 12,
};

/** One writer taking part in one components object's backup. */
interface WriterRun {
  readonly info: VssWriterInfo;
  readonly script: VssWriterScript | undefined;
  state: number;
  failure: number;
  applicationHr: number;
  applicationMessage: string;
}

interface Components {
  handle: Handle;
  initialized: boolean;
  context: number;
  contextSet: boolean;
  gathered: 'no' | 'running' | 'done';
  setId: string | undefined;
  volumes: Map<string, string>; // snapshotId -> volume
  backupStateSet: boolean;
  prepared: 'no' | 'running' | 'done';
  snapshot: 'no' | 'running' | 'done' | 'failed' | 'cancelled';
  completed: boolean;
  aborted: boolean;
  created: FakeShadowCopy[];
  /** The writers whose metadata GatherWriterMetadata returned, with their state as the events went. */
  writers: WriterRun[];
  /** GatherWriterStatus: 'done' once it finished, until FreeWriterStatus (inside getWriterStatus). */
  status: 'no' | 'running' | 'done';
  /** What the last GatherWriterStatus captured, and the open handle that stands for it until FreeWriterStatus. */
  statusRows: VssWriterStatusRaw[];
  statusHandle: Handle | undefined;
  /** GatherWriterStatus calls so far: its hold gate is 'vss:gatherWriterStatus:<n>'. */
  statusCalls: number;
}

interface AsyncOp {
  handle: Handle;
  step: VssAsyncStep;
  components: Components;
  state: 'pending' | 'cancelling' | 'finished' | 'cancelled' | 'failed';
  failHr: number;
  waiters: Set<() => void>;
  timer: unknown;
  /** Withdraws the wait on a scenario hold (the step's `hold`), when one is under way. */
  unhold: (() => void) | undefined;
  onFinish: () => void;
  onEnd: (state: 'finished' | 'cancelled' | 'failed') => void;
}

const DEFAULT_DURATION: Record<VssAsyncStep, number> = { gatherWriterMetadata: 20, gatherWriterStatus: 10, prepareForBackup: 20, doSnapshotSet: 50, backupComplete: 20 };
const DEFAULT_WRITERS: VssWriterInfo[] = [
  { name: 'System Writer', writerId: 'e8132975-6f93-4464-a53e-1050253ae220', instanceId: 'a5b2e4cc-7f1c-4a9b-8f0e-2c4d7b0e9a11' },
  { name: 'Registry Writer', writerId: 'afbab4a2-367d-4d15-a586-71dbb18f8485', instanceId: '6e1f4b3a-2a8f-4c2b-9d39-5a0b8e7c1d22' },
];

/**
 * The VSS requester API as a state machine: the documented call order (VSS_E_BAD_STATE otherwise), IVssAsync
 * with Wait/QueryStatus/Cancel and their documented return values, shadow copies that exist until released (or,
 * persistent ones, until deleted), and a record of writer state left behind when a started set is released without
 * BackupComplete or AbortBackup.
 */
export class FakeVss implements VssBackend {
  readonly #core: FakeCore;
  readonly #scenario: VssScenario;
  readonly #components = new Map<Handle, Components>();
  readonly #asyncs = new Map<Handle, AsyncOp>();
  readonly #shadowCopies: FakeShadowCopy[];
  readonly #leftovers: string[] = [];
  #snapshotInProgress = false;
  #deviceCounter = 0;

  constructor(core: FakeCore, scenario: VssScenario) {
    this.#core = core;
    this.#scenario = scenario;
    this.#shadowCopies = seedShadowCopies(scenario);
  }

  /** Shadow copies that exist now. */
  shadowCopies(): FakeShadowCopy[] {
    return [...this.#shadowCopies];
  }

  /** Writer state left behind: sets that were started and released without BackupComplete or AbortBackup. */
  leftovers(): string[] {
    return [...this.#leftovers];
  }

  #volumes(): string[] {
    return (this.#scenario.volumes ?? ['C:\\', 'D:\\']).map((v) => v.toUpperCase());
  }

  #sync(call: VssSyncCall, winCall: string, handle?: Handle, detail?: string | number): void {
    const rec = this.#core.record('vss', winCall, handle, detail);
    const fail = this.#scenario.failCall?.[call];
    if (fail !== undefined) {
      rec.result = resolveCode(fail).code;
      throw rawError(winCall, fail);
    }
    rec.result = 'S_OK';
  }

  #get(handle: Handle, winCall: string): Components {
    const c = this.#components.get(handle);
    if (!c) throw { call: winCall, hresult: 0x80070006, code: 'E_HANDLE' };
    return c;
  }

  #badState(winCall: string, why: string): never {
    this.#core.violation(`${winCall}: ${why}`);
    const last = this.#core.calls[this.#core.calls.length - 1];
    if (last) last.result = 'VSS_E_BAD_STATE';
    throw rawError(winCall, 'VSS_E_BAD_STATE');
  }

  /** Set by the first createBackupComponents, as the native backend's CoInitializeSecurity call is. */
  #comSecurity: VssComSecurityRaw | null = null;

  comSecurity(): VssComSecurityRaw | null {
    return this.#comSecurity ? { ...this.#comSecurity } : null;
  }

  async createBackupComponents(): Promise<Handle> {
    if (this.#scenario.wow64) {
      // native/vss/wow64.cc: refused before any VSS call (VSS does not support requesters under WOW64).
      this.#core.record('vss', 'IsWow64Process2', undefined).result = 'ERROR_NOT_SUPPORTED';
      throw { ...rawError('IsWow64Process2', 'ERROR_NOT_SUPPORTED'), systemMessage: WOW64_MESSAGE };
    }
    this.#comSecurity ??= { securityHr: hresultOf(this.#scenario.comSecurity ?? 'S_OK'), exceptionHandlingHr: 0 };
    this.#sync('createBackupComponents', 'CreateVssBackupComponents');
    const handle = this.#core.open('vss', 'IVssBackupComponents');
    this.#components.set(handle, {
      handle, initialized: false, context: 0, contextSet: false, gathered: 'no', setId: undefined, volumes: new Map(),
      backupStateSet: false, prepared: 'no', snapshot: 'no', completed: false, aborted: false, created: [],
      writers: [], status: 'no', statusRows: [], statusHandle: undefined, statusCalls: 0,
    });
    return handle;
  }

  async initializeForBackup(h: Handle): Promise<void> {
    const call = 'IVssBackupComponents::InitializeForBackup';
    const c = this.#get(h, call);
    this.#sync('initializeForBackup', call, h);
    if (c.initialized) this.#badState(call, 'called twice');
    c.initialized = true;
  }

  async setContext(h: Handle, context: number): Promise<void> {
    const call = 'IVssBackupComponents::SetContext';
    const c = this.#get(h, call);
    this.#sync('setContext', call, h, context);
    if (!c.initialized) this.#badState(call, 'before InitializeForBackup');
    if (c.setId !== undefined) this.#badState(call, 'after StartSnapshotSet');
    c.context = context;
    c.contextSet = true;
  }

  async setBackupState(h: Handle, _state: VssBackupState): Promise<void> {
    const call = 'IVssBackupComponents::SetBackupState';
    const c = this.#get(h, call);
    this.#sync('setBackupState', call, h);
    if (!c.initialized) this.#badState(call, 'before InitializeForBackup');
    if (c.prepared !== 'no') this.#badState(call, 'after PrepareForBackup');
    c.backupStateSet = true;
  }

  async gatherWriterMetadata(h: Handle): Promise<Handle> {
    const call = 'IVssBackupComponents::GatherWriterMetadata';
    const c = this.#get(h, call);
    this.#core.record('vss', call, h).result = 'S_OK';
    if (!c.initialized) this.#badState(call, 'before InitializeForBackup');
    if (c.gathered !== 'no') this.#badState(call, 'may be called only once per IVssBackupComponents');
    c.gathered = 'running';
    return this.#startAsync(c, 'gatherWriterMetadata', () => {
      c.gathered = 'done';
      // The writers that answered Identify; each is stable until the next event (VSS_WS_STABLE: "has completed
      // processing current shadow copy events and is ready to proceed").
      const scripts = this.#scenario.writers;
      c.writers = (scripts ?? DEFAULT_WRITERS).map((w) => ({
        info: { name: w.name, writerId: w.writerId, instanceId: w.instanceId },
        script: scripts ? (w as VssWriterScript) : undefined,
        state: WS_STABLE,
        failure: S_OK,
        applicationHr: S_OK,
        applicationMessage: '',
      }));
    }, (state) => {
      if (state !== 'finished') c.gathered = 'no';
    });
  }

  async getWriters(h: Handle): Promise<VssWriterInfo[]> {
    const call = 'IVssBackupComponents::GetWriterMetadata';
    const c = this.#get(h, call);
    this.#core.record('vss', call, h).result = 'S_OK';
    if (c.gathered !== 'done') this.#badState(call, 'before GatherWriterMetadata completed');
    return c.writers.map((w) => ({ ...w.info }));
  }

  /**
   * The writers go through a VSS event: a writer scripted to fail at one of `events` is left in its
   * VSS_WS_FAILED_AT_* state with its failure; the others reach `okState`. A writer that failed stays failed.
   * The Windows docs give no table of the state after each event; `okState` is what VSS_WRITER_STATE's
   * descriptions imply (STABLE after PrepareForBackup and BackupComplete, WAITING_FOR_BACKUP_COMPLETE after
   * DoSnapshotSet: "waiting for the requester to finish its backup operation").
   */
  #writerEvent(c: Components, events: readonly VssWriterEvent[], okState: number): void {
    for (const w of c.writers) {
      if (w.failure !== S_OK || (w.state >= 6 && w.state <= 15)) continue;
      const at = w.script?.failAt;
      if (at !== undefined && events.includes(at)) {
        w.state = WRITER_FAILED_STATE[at];
        w.failure = hresultOf(w.script?.failure ?? 'VSS_E_WRITERERROR_RETRYABLE');
        w.applicationHr = hresultOf(w.script?.applicationHr ?? 'S_OK');
        w.applicationMessage = w.script?.applicationMessage ?? '';
      } else {
        w.state = okState;
      }
    }
  }

  async gatherWriterStatus(h: Handle): Promise<Handle> {
    const call = 'IVssBackupComponents::GatherWriterStatus';
    const c = this.#get(h, call);
    this.#core.record('vss', call, h).result = 'S_OK';
    // GetWriterStatus "reports only the status of those writers whose metadata was provided to VSS" (Determining
    // Writer Status): winops gathers metadata first. VSS_E_BAD_STATE for a gather before that is this fake's choice
    // (the docs name BAD_STATE for calls out of sequence, not this case); the vssapi.dll double makes the same one.
    if (c.gathered !== 'done') this.#badState(call, 'before GatherWriterMetadata completed');
    if (c.status === 'running') this.#badState(call, 'while another GatherWriterStatus is pending');
    this.#freeStatus(c);
    c.status = 'running';
    c.statusCalls++;
    return this.#startAsync(c, 'gatherWriterStatus', () => {
      c.status = 'done';
      const ex = this.#scenario.writerStatusEx !== false;
      c.statusRows = c.writers.map((w) => ({
        ...w.info,
        state: w.state,
        failure: w.failure,
        ...(ex ? { applicationHr: w.applicationHr, applicationMessage: w.applicationMessage } : {}),
      }));
      c.statusHandle = this.#core.open('vss', 'writer status (GatherWriterStatus until FreeWriterStatus)');
    }, (state) => {
      if (state !== 'finished') c.status = 'no';
    }, `vss:gatherWriterStatus:${c.statusCalls}`);
  }

  /** GetWriterStatusCount, GetWriterStatus(Ex) per writer, FreeWriterStatus: one entry in the call log. */
  async getWriterStatus(h: Handle): Promise<VssWriterStatusRaw[]> {
    const call = 'IVssBackupComponents::GetWriterStatus';
    const c = this.#get(h, call);
    try {
      this.#sync('getWriterStatus', call, h);
      // The docs do not say what GetWriterStatus answers after FreeWriterStatus; the fake and the double treat the
      // status as gone (VSS_E_BAD_STATE), and winops never asks twice.
      if (c.status !== 'done') this.#badState(call, 'before GatherWriterStatus completed (or after FreeWriterStatus)');
      return c.statusRows.map((r) => ({ ...r }));
    } finally {
      this.#freeStatus(c);
    }
  }

  #freeStatus(c: Components): void {
    if (c.status === 'done') c.status = 'no';
    c.statusRows = [];
    if (c.statusHandle !== undefined) this.#core.close(c.statusHandle);
    c.statusHandle = undefined;
  }

  async startSnapshotSet(h: Handle): Promise<string> {
    const call = 'IVssBackupComponents::StartSnapshotSet';
    const c = this.#get(h, call);
    this.#sync('startSnapshotSet', call, h);
    if (!c.initialized) this.#badState(call, 'before InitializeForBackup');
    if (c.setId !== undefined) {
      this.#core.calls[this.#core.calls.length - 1]!.result = 'VSS_E_SNAPSHOT_SET_IN_PROGRESS';
      throw rawError(call, 'VSS_E_SNAPSHOT_SET_IN_PROGRESS');
    }
    c.setId = randomUUID();
    return c.setId;
  }

  async addToSnapshotSet(h: Handle, volume: string): Promise<string> {
    const call = 'IVssBackupComponents::AddToSnapshotSet';
    const c = this.#get(h, call);
    this.#sync('addToSnapshotSet', call, h, volume);
    if (c.setId === undefined) this.#badState(call, 'before StartSnapshotSet');
    if (c.prepared !== 'no') this.#badState(call, 'after PrepareForBackup');
    const v = volume.toUpperCase();
    const rec = this.#core.calls[this.#core.calls.length - 1]!;
    if (!this.#volumes().includes(v)) {
      rec.result = 'VSS_E_OBJECT_NOT_FOUND';
      throw rawError(call, 'VSS_E_OBJECT_NOT_FOUND');
    }
    if ((this.#scenario.unsupportedVolumes ?? []).map((x) => x.toUpperCase()).includes(v)) {
      rec.result = 'VSS_E_VOLUME_NOT_SUPPORTED';
      throw rawError(call, 'VSS_E_VOLUME_NOT_SUPPORTED');
    }
    if ([...c.volumes.values()].includes(v)) {
      rec.result = 'VSS_E_OBJECT_ALREADY_EXISTS';
      throw rawError(call, 'VSS_E_OBJECT_ALREADY_EXISTS');
    }
    const id = randomUUID();
    c.volumes.set(id, v);
    return id;
  }

  async prepareForBackup(h: Handle): Promise<Handle> {
    const call = 'IVssBackupComponents::PrepareForBackup';
    const c = this.#get(h, call);
    this.#core.record('vss', call, h).result = 'S_OK';
    if (c.setId === undefined || c.volumes.size === 0) this.#badState(call, 'before StartSnapshotSet/AddToSnapshotSet');
    if (!c.backupStateSet) this.#badState(call, 'before SetBackupState');
    if (c.prepared !== 'no') this.#badState(call, 'called twice');
    c.prepared = 'running';
    return this.#startAsync(c, 'prepareForBackup', () => {
      c.prepared = 'done';
      this.#writerEvent(c, ['prepareBackup'], WS_STABLE);
    }, (state) => {
      if (state !== 'finished') c.prepared = 'no';
    });
  }

  async doSnapshotSet(h: Handle): Promise<Handle> {
    const call = 'IVssBackupComponents::DoSnapshotSet';
    const c = this.#get(h, call);
    const rec = this.#core.record('vss', call, h);
    rec.result = 'S_OK';
    if (c.prepared !== 'done') this.#badState(call, 'before PrepareForBackup completed');
    if (c.snapshot !== 'no') this.#badState(call, 'called twice');
    if (this.#snapshotInProgress) {
      rec.result = 'VSS_E_SNAPSHOT_SET_IN_PROGRESS';
      throw rawError(call, 'VSS_E_SNAPSHOT_SET_IN_PROGRESS');
    }
    this.#snapshotInProgress = true;
    c.snapshot = 'running';
    return this.#startAsync(c, 'doSnapshotSet', () => {
      const persistent = (c.context & 0x01) !== 0 && c.context !== 0xffffffff;
      for (const [snapshotId, volume] of c.volumes) {
        const copy: FakeShadowCopy = {
          snapshotId,
          snapshotSetId: c.setId!,
          volume,
          deviceObject: `\\\\?\\GLOBALROOT\\Device\\HarddiskVolumeShadowCopy${++this.#deviceCounter}`,
          persistent,
          createdAt: new Date(this.#core.clock.now()),
          attributes: c.context,
          originatingMachine: FAKE_MACHINE,
          providerId: MICROSOFT_SOFTWARE_PROVIDER,
          exposedName: '',
        };
        c.created.push(copy);
        this.#shadowCopies.push(copy);
      }
      c.snapshot = 'done';
      // A writer's veto does not fail DoSnapshotSet: "The requester can accept the veto or continue with the
      // backup, ignoring the veto" (Writer Errors and Vetoes); the requester learns of it from GetWriterStatus.
      this.#writerEvent(c, ['prepareSnapshot', 'freeze', 'thaw', 'postSnapshot'], WS_WAITING_FOR_BACKUP_COMPLETE);
    }, (state) => {
      this.#snapshotInProgress = false;
      if (state === 'failed') c.snapshot = 'failed';
      if (state === 'cancelled') c.snapshot = 'cancelled';
    });
  }

  async getSnapshotProperties(h: Handle, snapshotId: string): Promise<VssSnapshotProperties> {
    const call = 'IVssBackupComponents::GetSnapshotProperties';
    this.#get(h, call);
    this.#sync('getSnapshotProperties', call, h, snapshotId);
    const copy = this.#shadowCopies.find((s) => s.snapshotId === snapshotId);
    if (!copy) {
      this.#core.calls[this.#core.calls.length - 1]!.result = 'VSS_E_OBJECT_NOT_FOUND';
      throw rawError(call, 'VSS_E_OBJECT_NOT_FOUND');
    }
    return toProperties(copy, this.#shadowCopies);
  }

  /** A call of VssScenario.holdCalls waits for the test's release of 'vss:<call>' (a synchronous Windows call that does not return). */
  async #held(call: 'querySnapshots' | 'deleteSnapshots'): Promise<void> {
    if (!this.#scenario.holdCalls?.includes(call)) return;
    await new Promise<void>((resolve) => this.#core.hold('vss', `vss:${call}`, resolve));
  }

  async querySnapshots(h: Handle): Promise<VssSnapshotProperties[]> {
    const call = 'IVssBackupComponents::Query';
    const c = this.#get(h, call);
    this.#sync('querySnapshots', call, h);
    // "must be preceded by calls to IVssBackupComponents::InitializeForBackup and IVssBackupComponents::SetContext"
    if (!c.initialized) this.#badState(call, 'before InitializeForBackup');
    if (!c.contextSet) this.#badState(call, 'before SetContext');
    await this.#held('querySnapshots');
    return this.#shadowCopies.filter((s) => inContext(s, c.context)).map((s) => toProperties(s, this.#shadowCopies));
  }

  async deleteSnapshots(h: Handle, id: string, kind: 'snapshot' | 'set', force: boolean): Promise<VssDeleteResultRaw> {
    const call = 'IVssBackupComponents::DeleteSnapshots';
    const c = this.#get(h, call);
    const rec = this.#core.record('vss', call, h, `${kind} ${id}${force ? ' force' : ''}`);
    // One Windows call (DeleteSnapshots) behind deleteSnapshotSet and deleteSnapshots: either failCall fails both,
    // as in the vssapi.dll double, which cannot tell them apart.
    const fail = this.#scenario.failCall?.deleteSnapshots ?? this.#scenario.failCall?.deleteSnapshotSet;
    if (fail !== undefined) {
      const r = resolveCode(fail);
      rec.result = r.code;
      return { hr: r.hresult ?? 0, deleted: 0, nonDeleted: GUID_NULL };
    }
    // Every HRESULT is an answer here, as the native backend resolves with it: VSS_E_BAD_STATE too.
    if (!c.initialized) {
      this.#core.violation(`${call}: before InitializeForBackup`);
      rec.result = 'VSS_E_BAD_STATE';
      return { hr: hresultOf('VSS_E_BAD_STATE'), deleted: 0, nonDeleted: GUID_NULL };
    }
    await this.#held('deleteSnapshots');
    const { code, ...result } = deleteFrom(this.#shadowCopies, id, kind, this.#scenario.undeletable);
    rec.result = code;
    return result;
  }

  async backupComplete(h: Handle): Promise<Handle> {
    const call = 'IVssBackupComponents::BackupComplete';
    const c = this.#get(h, call);
    this.#core.record('vss', call, h).result = 'S_OK';
    if (c.snapshot !== 'done') this.#badState(call, 'before DoSnapshotSet completed');
    return this.#startAsync(c, 'backupComplete', () => {
      c.completed = true;
      this.#writerEvent(c, ['backupComplete'], WS_STABLE);
    }, () => undefined);
  }

  async abortBackup(h: Handle): Promise<void> {
    const call = 'IVssBackupComponents::AbortBackup';
    const c = this.#get(h, call);
    this.#sync('abortBackup', call, h);
    // "ignored if nothing underway"
    c.aborted = true;
    for (const copy of c.created.splice(0)) this.#removeCopy(copy);
  }

  async deleteSnapshotSet(h: Handle, snapshotSetId: string): Promise<number> {
    const call = 'IVssBackupComponents::DeleteSnapshots';
    this.#get(h, call);
    // The same DeleteSnapshots as deleteSnapshots (the double cannot tell them apart): the same failCall keys
    // (deleteSnapshots first), the same hold and the same undeletable copies.
    this.#sync(this.#scenario.failCall?.deleteSnapshots !== undefined ? 'deleteSnapshots' : 'deleteSnapshotSet', call, h, `set ${snapshotSetId} force`);
    const rec = this.#core.calls[this.#core.calls.length - 1]!;  // this call's record, before a hold lets others in
    await this.#held('deleteSnapshots');
    const { code, ...r } = deleteFrom(this.#shadowCopies, snapshotSetId, 'set', this.#scenario.undeletable);
    rec.result = code;
    if (r.hr !== 0) throw rawError(call, code);
    return r.deleted;
  }

  #removeCopy(copy: FakeShadowCopy): void {
    const i = this.#shadowCopies.indexOf(copy);
    if (i >= 0) this.#shadowCopies.splice(i, 1);
  }

  async releaseBackupComponents(h: Handle): Promise<void> {
    const call = 'IVssBackupComponents::Release';
    const c = this.#get(h, call);
    this.#core.record('vss', call, h).result = 'S_OK';
    for (const a of this.#asyncs.values()) {
      if (a.components === c && (a.state === 'pending' || a.state === 'cancelling')) {
        this.#core.violation(`${call}: released while ${a.step} is still pending`);
      }
    }
    if (c.setId !== undefined && c.prepared !== 'no' && !c.completed && !c.aborted && c.snapshot !== 'done') {
      const why = `snapshot set ${c.setId} released after PrepareForBackup without BackupComplete or AbortBackup`;
      this.#leftovers.push(why);
      this.#core.violation(`${call}: ${why}`);
    }
    for (const copy of c.created) if (!copy.persistent) this.#removeCopy(copy);
    this.#freeStatus(c);
    this.#components.delete(h);
    this.#core.close(h);
  }

  // ------------------------------------------------------------------------------------------------------- IVssAsync

  #startAsync(c: Components, step: VssAsyncStep, onFinish: () => void, onEnd: AsyncOp['onEnd'], gate = `vss:${step}`): Handle {
    const handle = this.#core.open('vss', `IVssAsync(${step})`);
    const script = this.#scenario.steps?.[step] ?? {};
    const op: AsyncOp = { handle, step, components: c, state: 'pending', failHr: 0, waiters: new Set(), timer: undefined, unhold: undefined, onFinish, onEnd };
    this.#asyncs.set(handle, op);
    const end = (): void => {
      op.unhold = undefined;
      if (op.state !== 'pending') return;
      if (script.fail !== undefined) {
        op.state = 'failed';
        op.failHr = hresultOf(script.fail);
        op.onEnd('failed');
      } else {
        op.state = 'finished';
        op.onFinish();
        op.onEnd('finished');
      }
      this.#wake(op);
    };
    op.timer = this.#core.after(script.durationMs ?? DEFAULT_DURATION[step], () => {
      op.timer = undefined;
      if (op.state !== 'pending') return;
      // A held step ends when the test releases it (a cancel withdraws the wait).
      if (script.hold) op.unhold = this.#core.hold('vss', gate, end);
      else end();
    });
    return handle;
  }

  #wake(op: AsyncOp): void {
    for (const w of op.waiters) w();
    op.waiters.clear();
  }

  #async(handle: Handle, call: string): AsyncOp {
    const op = this.#asyncs.get(handle);
    if (!op) throw { call, hresult: 0x80070006, code: 'E_HANDLE' };
    return op;
  }

  asyncWait(handle: Handle, timeoutMs: number): Promise<number> {
    const call = 'IVssAsync::Wait';
    let op: AsyncOp;
    try {
      op = this.#async(handle, call);
    } catch (e) {
      return Promise.reject(e);
    }
    const rec = this.#core.record('vss', call, handle, timeoutMs === INFINITE ? 'INFINITE' : timeoutMs);
    const result = (): number => (op.state === 'failed' ? op.failHr : S_OK);
    if (op.state !== 'pending' && op.state !== 'cancelling') {
      rec.result = op.state === 'failed' ? resolveCode(op.failHr).code : 'S_OK';
      return Promise.resolve(result());
    }
    return new Promise((resolve) => {
      let timer: unknown;
      const done = (): void => {
        this.#core.cancelTimer(timer);
        op.waiters.delete(done);
        const r = this.#asyncs.has(handle) ? result() : E_UNEXPECTED;
        rec.result = resolveCode(r).code;
        resolve(r);
      };
      op.waiters.add(done);
      if (timeoutMs !== INFINITE) timer = this.#core.after(timeoutMs, done);
    });
  }

  /** asyncWait, then asyncQueryStatus when Wait succeeded and the IVssAsync is still held (as the native backend). */
  async asyncWaitStatus(handle: Handle, timeoutMs: number): Promise<{ wait: number; hr?: number; status?: number }> {
    const wait = await this.asyncWait(handle, timeoutMs);
    if (wait >>> 0 >= 0x80000000 || !this.#asyncs.has(handle)) return { wait };
    return { wait, ...(await this.asyncQueryStatus(handle)) };
  }

  async asyncQueryStatus(handle: Handle): Promise<{ hr: number; status: number }> {
    const op = this.#async(handle, 'IVssAsync::QueryStatus');
    const status =
      op.state === 'pending' || op.state === 'cancelling' ? VSS_S_ASYNC_PENDING
        : op.state === 'finished' ? VSS_S_ASYNC_FINISHED
          : op.state === 'cancelled' ? VSS_S_ASYNC_CANCELLED
            : op.failHr;
    this.#core.record('vss', 'IVssAsync::QueryStatus', handle).result = resolveCode(status).code;
    return { hr: S_OK, status };
  }

  async asyncCancel(handle: Handle): Promise<number> {
    const op = this.#async(handle, 'IVssAsync::Cancel');
    const rec = this.#core.record('vss', 'IVssAsync::Cancel', handle);
    let hr: number;
    switch (op.state) {
      case 'pending': {
        hr = S_OK;
        op.state = 'cancelling';
        this.#core.cancelTimer(op.timer);
        op.unhold?.();
        op.unhold = undefined;
        const latency = this.#scenario.steps?.[op.step]?.cancelLatencyMs ?? 0;
        op.timer = this.#core.after(latency, () => {
          op.timer = undefined;
          op.state = 'cancelled';
          op.onEnd('cancelled');
          this.#wake(op);
        });
        break;
      }
      case 'cancelling':
      case 'cancelled':
        hr = VSS_S_ASYNC_CANCELLED;
        break;
      case 'finished':
        hr = VSS_S_ASYNC_FINISHED;
        break;
      case 'failed':
        hr = op.failHr;
        break;
    }
    rec.result = resolveCode(hr).code;
    return hr;
  }

  async asyncRelease(handle: Handle): Promise<void> {
    const op = this.#async(handle, 'IVssAsync::Release');
    this.#core.record('vss', 'IVssAsync::Release', handle).result = 'S_OK';
    this.#asyncs.delete(handle);
    this.#core.close(handle);
    this.#wake(op);
    // Releasing an IVssAsync does not stop the operation; it runs to its end on the service side.
  }
}
