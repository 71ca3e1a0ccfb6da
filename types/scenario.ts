/**
 * A scenario scripts how simulated Windows behaves: the fake backend reads it, and the Windows doubles under Wine read
 * the same JSON (from a file or the WINOPS_SCENARIO environment variable). Every field is optional; the defaults
 * describe a healthy machine. Codes are given by symbolic name ('VSS_E_PROVIDER_VETO') or as numbers.
 * Durations are in milliseconds of the clock the backend runs on (fake timers work).
 *
 * A scenario is checked before it is used (createFakeBackend, WINOPS_SCENARIO): a key this file does not declare
 * (`doSnapshotSett`), a value of the wrong type or an unknown code name is a TypeError or RangeError that names the
 * key's path, e.g. `scenario.vss.steps.doSnapshotSett: unknown key (did you mean doSnapshotSet? known: ...)`, and
 * the file when the scenario came from one. The runtime table is lib/fake/scenario.ts, typed against these
 * interfaces: a field added here and not there (or there and not here) fails the type check.
 */
import type { GeneratedHresultName, GeneratedMiResultName } from '../lib/codes.generated';

export interface Scenario {
  readonly vss?: VssScenario;
  readonly mi?: MiScenario;
  readonly imapi2?: ImapiScenario;
  readonly axe?: AxeScenario;
}

/**
 * An HRESULT-style code: a symbolic name winops knows ('VSS_E_PROVIDER_VETO', 'E_ACCESSDENIED', an AXE name) or a
 * number. The names are the ones describeHresult/codeByName know; the validator rejects any other string.
 */
export type Code = GeneratedHresultName | number;

/** An MI_Result: 'MI_RESULT_ACCESS_DENIED', its short form 'ACCESS_DENIED', or a number. */
export type MiResultCode = GeneratedMiResultName | (GeneratedMiResultName extends `MI_RESULT_${infer Short}` ? Short : never) | number;

export type VssAsyncStep = 'gatherWriterMetadata' | 'gatherWriterStatus' | 'prepareForBackup' | 'doSnapshotSet' | 'backupComplete';

export type VssSyncCall =
  | 'createBackupComponents'
  | 'initializeForBackup'
  | 'setContext'
  | 'setBackupState'
  | 'startSnapshotSet'
  | 'addToSnapshotSet'
  | 'getSnapshotProperties'
  | 'getWriterStatus'
  | 'abortBackup'
  | 'deleteSnapshotSet'
  | 'querySnapshots'
  | 'deleteSnapshots';

/** The synchronous VSS calls a scenario can hold until the test releases 'vss:<call>' (VssScenario.holdCalls). */
export type VssHeldCall = 'querySnapshots' | 'deleteSnapshots';

/**
 * A shadow copy that exists before the program starts (left by an earlier backup, or made by another program):
 * Query lists it, DeleteSnapshots removes it.
 */
export interface VssShadowCopyScript {
  /** GUIDs without braces, lower case. */
  readonly snapshotId: string;
  readonly snapshotSetId: string;
  /** The original volume, as 'C:\\' or '\\\\?\\Volume{...}\\'. */
  readonly volume: string;
  /** Default '\\\\?\\GLOBALROOT\\Device\\HarddiskVolumeShadowCopy<n>', n counting from 100. */
  readonly deviceObject?: string;
  /** Default 'FAKEHOST' (the fake) / 'WINEHOST' (the vssapi.dll double). */
  readonly originatingMachine?: string;
  /** A UTC date-time to the second, 'YYYY-MM-DDTHH:MM:SSZ'. Default 2026-01-01T00:00:00Z. */
  readonly createdAt?: string;
  /**
   * m_lSnapshotAttributes: the VSS_VOLSNAP_ATTR_* bits. Default 0x1d (VSS_CTX_CLIENT_ACCESSIBLE: what
   * `vssadmin create shadow` and System Restore leave). Query in a context other than VSS_CTX_ALL lists a copy when
   * its low five bits (the context's bits) equal the context: our reading of "only information about shadow copies
   * with the current context" (the docs give an example, not a rule).
   */
  readonly attributes?: number;
  /** m_ProviderId. Default b5946137-7b9f-4925-af80-51abd60b20d5 (the Microsoft Software Shadow Copy provider). */
  readonly providerId?: string;
  /** m_pwszExposedName. Default '' (not exposed). */
  readonly exposedName?: string;
}

export interface VssStepScript {
  /** How long the IVssAsync stays pending. Default 20 (gatherWriterMetadata, prepareForBackup, backupComplete), 50 (doSnapshotSet). */
  readonly durationMs?: number;
  /** The step's operation fails with this code when its time is up. */
  readonly fail?: Code;
  /** How long after an accepted Cancel the operation reports VSS_S_ASYNC_CANCELLED. Default 0. */
  readonly cancelLatencyMs?: number;
  /**
   * After durationMs the step stays pending until the test releases the gate 'vss:<step>' (a cancel still ends it):
   * a test, not a duration, decides when it ends. The fake's release() and the double's control channel release it.
   * gatherWriterStatus runs once per event, so its gate is numbered per components object:
   * 'vss:gatherWriterStatus:1' (after PrepareForBackup; in vss.writers(), the one gather after GatherWriterMetadata),
   * ':2' (after DoSnapshotSet), ':3' (after BackupComplete).
   */
  readonly hold?: boolean;
}

/**
 * The VSS event during which a scripted writer fails, with the VSS_WRITER_STATE it is in afterwards (vss.h):
 * prepareBackup (PrepareForBackup) -> FAILED_AT_PREPARE_BACKUP; prepareSnapshot, freeze, thaw, postSnapshot (all
 * during DoSnapshotSet) -> FAILED_AT_PREPARE_SNAPSHOT / _FREEZE / _THAW / _POST_SNAPSHOT; backupComplete
 * (BackupComplete) -> FAILED_AT_BACKUP_COMPLETE. A writer that fails its Identify event is simply absent from the
 * writer metadata and status ("Determining Writer Status"): leave it out of `writers`.
 */
export type VssWriterEvent = 'prepareBackup' | 'prepareSnapshot' | 'freeze' | 'thaw' | 'postSnapshot' | 'backupComplete';

export interface VssWriterScript {
  readonly name: string;
  readonly writerId: string;
  readonly instanceId: string;
  /** The event the writer fails at (see VssWriterEvent). Default: it does not fail. */
  readonly failAt?: VssWriterEvent;
  /** The failure GetWriterStatus reports once it failed. Default 'VSS_E_WRITERERROR_RETRYABLE'. */
  readonly failure?: Code;
  /** GetWriterStatusEx's application HRESULT once it failed. Default S_OK. */
  readonly applicationHr?: Code;
  /** GetWriterStatusEx's application message once it failed. Default ''. */
  readonly applicationMessage?: string;
}

export interface VssScenario {
  /** Volumes that exist (as 'C:\\'). Default C:\\ and D:\\. */
  readonly volumes?: readonly string[];
  /** Volumes that exist but cannot be shadow-copied (VSS_E_VOLUME_NOT_SUPPORTED). */
  readonly unsupportedVolumes?: readonly string[];
  /** The writers that answer GatherWriterMetadata. Default: a System Writer and a Registry Writer, both healthy. */
  readonly writers?: readonly VssWriterScript[];
  /**
   * Whether the components object has IVssBackupComponentsEx3 (GetWriterStatusEx, Windows 7 / Server 2008 R2 and
   * later). Default true; false makes the native backend fall back to GetWriterStatus (no application HRESULT or
   * message). The fake reports the application fields only when this is not false.
   */
  readonly writerStatusEx?: boolean;
  readonly steps?: Partial<Record<VssAsyncStep, VssStepScript>>;
  /** A synchronous call fails with this code. */
  readonly failCall?: Partial<Record<VssSyncCall, Code>>;
  /**
   * Shadow copies that exist from the start (see VssShadowCopyScript). Default none. The fake has them from
   * createFakeBackend on; the vssapi.dll double puts each on its machine at the first CreateVssBackupComponents whose
   * scenario names it, once per process (a copy deleted stays deleted in later scenarios of that process, and the
   * default device numbers count on): give each test copies of its own ids, and deviceObject where it matters.
   */
  readonly shadowCopies?: readonly VssShadowCopyScript[];
  /**
   * Shadow copies DeleteSnapshots cannot delete, by snapshot id, with the code it then returns (e.g.
   * 'VSS_E_PROVIDER_VETO'). Deleting a set goes through its copies in order and stops at the first of these, as the
   * docs say: "If an error occurs ... DeleteSnapshots will return immediately; no attempt will be made to delete any
   * remaining shadow copies", with that copy's id in pNondeletedSnapshotID.
   */
  readonly undeletable?: Readonly<Record<string, Code>>;
  /**
   * Synchronous calls that, once made, do not return until the test releases 'vss:<call>'. Windows gives
   * Query and DeleteSnapshots no cancel: this is how a test shows that a deadline stops waiting while the call goes
   * on ('in-background').
   */
  readonly holdCalls?: readonly VssHeldCall[];
  /**
   * What CoInitializeSecurity returns when the first components object is created (default 'S_OK'). 'RPC_E_TOO_LATE'
   * models a host that used COM before VSS (Electron, another addon, an MI session): the set is still made, and
   * `SnapshotSet.comSecurity` / `VssError.comSecurity` say that winops' COM security did not take effect.
   */
  readonly comSecurity?: Code;
  /**
   * The process is 32-bit on 64-bit Windows (WOW64): createBackupComponents rejects with ERROR_NOT_SUPPORTED before
   * any VSS call, as the native backend does (VSS does not support requesters under WOW64).
   */
  readonly wow64?: boolean;
}

export interface MiScenario {
  /**
   * Instances per class, by class name (case-insensitive). Values: JSON values; {"$date": iso} for datetimes.
   * They add to the classes the simulated machine has anyway (Win32_OperatingSystem, Win32_Process, Win32_Service,
   * Win32_LogicalDisk: DEFAULT_CLASSES in lib/fake/mi.ts, the same in the mi.dll double); a class named here or in
   * `generated` replaces the built-in class of that name (`{ Win32_Service: [] }`: a machine without services).
   */
  readonly classes?: Readonly<Record<string, readonly Readonly<Record<string, unknown>>[]>>;
  /**
   * Classes with more instances than a list would hold (benchmarks), by class name: `count` instances made from
   * `properties`, a row in the `classes` format in which, for instance i (from 0), every "{i}" in a top-level string
   * value (also the string of {"$uint64": ...} and {"$sint64": ...}) becomes i, and every top-level {"$index": n}
   * becomes the number n + i. They are enumerated and queried like `classes` (WHERE included), made one at a time
   * as they are delivered; `get` and `invoke` do not look at them. A name in both: `classes` wins.
   */
  readonly generated?: Readonly<Record<string, { readonly count: number; readonly properties: Readonly<Record<string, unknown>> }>>;
  /** Namespaces that exist. Default root/cimv2, root/standardcimv2, root/microsoft/windows/storage. */
  readonly namespaces?: readonly string[];
  /** Time between two results. Default 1. */
  readonly resultIntervalMs?: number;
  /** The operation ends with this MI_Result after this many results. */
  readonly failAfter?: { readonly results: number; readonly result: MiResultCode; readonly message?: string };
  /** Results that still arrive after MI_Operation_Cancel, before the final result. Default 0. */
  readonly extraResultsAfterCancel?: number;
  /** Time from MI_Operation_Cancel to the final result. Default 0. */
  readonly cancelLatencyMs?: number;
  /**
   * The final result of an operation (not the one a cancel brings) is not delivered until the test releases the gate
   * 'mi:final'; a cancel ends the wait and its own final result comes instead.
   */
  readonly holdFinal?: boolean;
  /**
   * Methods: 'Class.Method' -> what it returns (besides the built-in Win32_Process.Create of the fake). `durationMs`:
   * how long the method runs, i.e. the time from the call to its first result (the out-parameters, or the failure
   * `fail` names), instead of `resultIntervalMs`; a cancel during it is MI_Operation_Cancel as for any operation (the
   * final result follows after `cancelLatencyMs`). Default 0.
   */
  readonly methods?: Readonly<Record<string, { readonly returnValue?: unknown; readonly out?: Readonly<Record<string, unknown>>; readonly durationMs?: number; readonly fail?: MiResultCode }>>;
  /** Indications delivered by subscribe: one every intervalMs, count of them (default endless). */
  readonly indications?: { readonly intervalMs?: number; readonly count?: number; readonly className?: string; readonly properties?: Readonly<Record<string, unknown>> };
  /** Computers that answer (besides the local one). Default: every name answers. */
  readonly reachableComputers?: readonly string[];
  /** A session open fails with this MI_Result. */
  readonly sessionFail?: MiResultCode;
}

export interface ImapiScenario {
  readonly recorders?: readonly {
    readonly id: string;
    readonly vendorId?: string;
    readonly productId?: string;
    readonly productRevision?: string;
    readonly volumePaths?: readonly string[];
    readonly media?: { readonly physicalType?: string; readonly present?: boolean; readonly blank?: boolean; readonly writeProtected?: boolean; readonly totalSectors?: number; readonly freeSectors?: number };
    /**
     * IDiscRecorder2::get_ProductRevision fails with this code for this recorder. Use a code its page lists
     * (nf-imapi2-idiscrecorder2-get_productrevision.md: E_POINTER, E_FAIL, E_OUTOFMEMORY).
     */
    readonly productRevisionFails?: Code;
  }[];
  /** Time between Update events. Default 500 (the documented interval). */
  readonly updateIntervalMs?: number;
  /** Sectors written between two Updates. Default 4096. */
  readonly sectorsPerUpdate?: number;
  /** Updates during which CancelWrite answers S_IMAPI_WRITE_NOT_IN_PROGRESS (the write has not begun). Default 0. */
  readonly notInProgressUpdates?: number;
  /** Updates the write still runs after an accepted CancelWrite before it returns E_IMAPI_REQUEST_CANCELLED. Default 0. */
  readonly cancelLatencyUpdates?: number;
  /** The write fails with this code at this Update. */
  readonly failAtUpdate?: { readonly update: number; readonly code: Code };
  /** The write ends with this success code (e.g. S_IMAPI_SPEEDADJUSTED). */
  readonly successCode?: Code;
  /** Update events (counted from 1) that are not sent until the test releases the gate 'imapi2:update:<n>'. */
  readonly holdUpdates?: readonly number[];
  /**
   * The IMAPI2 double only: one more Update reaches the sink after IConnectionPoint::Unadvise, from another thread,
   * once the test releases 'imapi2:lateUpdate' (an event in flight when Unadvise returned). The fake accepts it and
   * does nothing: it has no threads, so nothing of its own arrives late.
   */
  readonly lateUpdate?: boolean;
}

export interface AxeAssessmentScript {
  readonly name: string;
  /** Default 100. */
  readonly durationMs?: number;
  /** Progress events during the run. Default 4. */
  readonly progressSteps?: number;
  /** Whether the assessment honours CancelAssessment/CancelJob. Default true. */
  readonly honoursCancel?: boolean;
  /** Time from the cancel request to the assessment ending. Default 0. */
  readonly cancelLatencyMs?: number;
  /** The assessment ends with this AssessmentExecutionError. */
  readonly error?: Code;
  readonly exitCode?: number;
  /**
   * After durationMs the assessment does not end until the test releases the gate 'axe:<name>' (an honoured cancel
   * or TerminateJob still ends it).
   */
  readonly hold?: boolean;
  /**
   * After durationMs the assessment restarts the system: the engine raises job-restart (OnJobRestart, "a job is
   * ending because the system is being restarted"). No restart comes in the fake or the double: the job stays
   * ending until TerminateJob ends it (winops' own answer to job-restart), which raises the end events.
   */
  readonly reboots?: boolean;
}

export interface AxeScenario {
  /** AXE is installed. Default true. */
  readonly available?: boolean;
  /** Job manifests by path; a path not listed here is read from disk as a real AXE job manifest. */
  readonly manifests?: Readonly<Record<string, { readonly name: string; readonly assessments: readonly AxeAssessmentScript[] }>>;
  /** Scripts for assessments of manifests read from disk, by assessment name. */
  readonly assessments?: Readonly<Record<string, Omit<AxeAssessmentScript, 'name'>>>;
  /** TerminateJob fails with this code. */
  readonly terminateFail?: Code;
  /**
   * The AxeCore.dll double only: TerminateJob does not return until the test releases the gate 'axe:terminate-job'
   * (for the bounded environment teardown; the fake has no thread to hold).
   */
  readonly terminateHold?: boolean;
}
