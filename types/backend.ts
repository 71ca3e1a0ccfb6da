/**
 * The typed contract between winops' public API (lib/) and a backend.
 *
 * Two backends implement it: the C++ Node-API addon (native/, real Windows APIs) and the pure TypeScript fake
 * (lib/fake/, a simulation of each API's documented state machine). Everything that crosses this boundary is plain
 * data: numbers, strings, booleans, Dates, arrays and plain objects; operations are opaque numeric handles; progress
 * and results arrive through callbacks (a native backend calls them through a ThreadSafeFunction, always on the JS
 * thread and never re-entrantly from inside the call that started the operation).
 *
 * Failures leave a backend as a thrown/rejected value or a callback argument shaped like {@link RawError}; lib/
 * turns them into the typed error classes. Policy (what to do after a cancel, AbortBackup, escalation, draining) lives
 * in lib/ once, so both backends only expose the Windows primitives. One exception: MI's acknowledgements, given in
 * MI's callback within a window that lib/ sets (see {@link MiBackend}), because a round trip to JS per result is
 * what limits a stream's throughput.
 */

/** An opaque handle to a backend object (an IVssBackupComponents, an IVssAsync, an MI operation, ...). */
export type Handle = number;

/** The families of Windows API winops covers. */
export type Family = 'vss' | 'mi' | 'imapi2' | 'axe';

/** A failure as data. Backends throw (or pass to callbacks) objects with these own properties. */
export interface RawError {
  /** The HRESULT (uint32) when the API speaks HRESULTs. Undefined for AXE codes Microsoft never published a value for. */
  readonly hresult?: number | undefined;
  /** A symbolic code when the backend knows it (e.g. from a header) and the number alone cannot name it. */
  readonly code?: string | undefined;
  /** The MI_Result, for the MI family. */
  readonly miResult?: number | undefined;
  /** The Windows call that failed, e.g. 'IVssBackupComponents::DoSnapshotSet'. */
  readonly call: string;
  /** The system's own message text (FormatMessage), when there is one. */
  readonly systemMessage?: string | undefined;
  /** MI: the error string that came with the result. */
  readonly errorMessage?: string | undefined;
  /** MI: the error details instance (MSFT_WmiError) that came with the result. */
  readonly errorDetails?: MiErrorDetails | undefined;
}

/** Where a backend keeps a live object, for leak checks. */
export interface OpenHandle {
  readonly family: Family;
  readonly kind: string;
  readonly handle: Handle;
}

export interface Backend {
  /** 'fake' or 'native' (or a user's own name). */
  readonly name: string;
  readonly vss: VssBackend;
  readonly mi: MiBackend;
  readonly imapi2: ImapiBackend;
  readonly axe: AxeBackend;
  /** Every backend object that has not been released yet. An empty list after an operation means nothing leaked. */
  openHandles(): OpenHandle[];
  /**
   * What `doctor()` reports about the process and the machine, each fact from a real call (the native addon's
   * probes; the fake's simulated machine). Optional: a user's own backend may not have it, and doctor says so.
   */
  diagnostics?(services: readonly string[]): Promise<DiagnosticFacts>;
}

/** A Windows call that failed: its name and GetLastError / HRESULT. */
export interface DiagnosticFailure {
  readonly call: string;
  readonly win32Error?: number;
  readonly hresult?: number;
}

/** The facts behind `doctor()` (native/diag/system.cc and the three family probes on native). */
export interface DiagnosticFacts {
  /** True on the fake: every fact is the simulated machine's. */
  readonly simulated: boolean;
  /** RtlGetVersion. */
  readonly os: { readonly major: number; readonly minor: number; readonly build: number } | DiagnosticFailure;
  /** Wine's version when the process runs under Wine (ntdll's wine_get_version), else null. */
  readonly wine: string | null;
  /** IsWow64Process2: the process's and the machine's architecture ('x64', 'ia32', 'arm64', ...). */
  readonly machines: { readonly wow64: boolean; readonly processMachine: string; readonly nativeMachine: string } | DiagnosticFailure;
  /** The module file the addon was loaded from (GetModuleFileNameW); null on the fake (nothing is loaded). */
  readonly addon: { readonly path: string } | DiagnosticFailure | null;
  /** GetTokenInformation: elevation (null when it could not be read) and the token's privileges. */
  readonly token: { readonly elevated: boolean | null; readonly privileges: readonly { readonly name: string; readonly enabled: boolean }[] } | DiagnosticFailure;
  /** The services asked for, through the service control manager. installed: null when the SCM gave another error. */
  readonly services: readonly DiagnosticService[] | DiagnosticFailure;
  /** CreateVssBackupComponents (created and released), loading mi.dll, CoCreateInstance(MsftDiscMaster2). */
  readonly probes: {
    readonly vss: { readonly call: string; readonly hresult: number };
    readonly mi: { readonly call: string; readonly hresult: number };
    readonly imapi2: { readonly call: string; readonly hresult: number };
  };
  /** CoInitializeSecurity's result in this process (null before the first VSS components were created). */
  readonly comSecurityHr: number | null;
}

export interface DiagnosticService {
  readonly name: string;
  readonly installed: boolean | null;
  readonly state?: string;
  readonly startType?: string;
  readonly call?: string;
  readonly win32Error?: number;
}

// ---------------------------------------------------------------------------------------------------------------- VSS

/** Numeric values of VSS_SNAPSHOT_CONTEXT. */
export const VSS_CTX = {
  BACKUP: 0,
  FILE_SHARE_BACKUP: 0x10,
  NAS_ROLLBACK: 0x19,
  APP_ROLLBACK: 0x09,
  CLIENT_ACCESSIBLE: 0x1d,
  CLIENT_ACCESSIBLE_WRITERS: 0x0d,
  ALL: 0xffffffff,
} as const;

/** Numeric values of VSS_BACKUP_TYPE. */
export const VSS_BT = { UNDEFINED: 0, FULL: 1, INCREMENTAL: 2, DIFFERENTIAL: 3, LOG: 4, COPY: 5, OTHER: 6 } as const;

export interface VssBackupState {
  readonly selectComponents: boolean;
  readonly backupBootableSystemState: boolean;
  readonly backupType: number;
  readonly partialFileSupport: boolean;
}

export interface VssWriterInfo {
  readonly name: string;
  readonly writerId: string;
  readonly instanceId: string;
}

/**
 * One writer's status as GetWriterStatus (or IVssBackupComponentsEx3::GetWriterStatusEx, where the components
 * object has it) reports it after GatherWriterStatus. HRESULTs are unsigned 32-bit numbers.
 */
export interface VssWriterStatusRaw {
  readonly name: string;
  readonly writerId: string;
  readonly instanceId: string;
  /** VSS_WRITER_STATE (0 UNKNOWN ... 15 FAILED_AT_BACKUPSHUTDOWN). */
  readonly state: number;
  /** *phResultFailure / *phrFailureWriter: S_OK, a VSS_E_WRITERERROR_* code, VSS_E_WRITER_NOT_RESPONDING, ... */
  readonly failure: number;
  /** GetWriterStatusEx only: *phrApplication, the application's own HRESULT (absent where only GetWriterStatus exists). */
  readonly applicationHr?: number;
  /** GetWriterStatusEx only: *pbstrApplicationMessage ('' when the writer gave none). */
  readonly applicationMessage?: string;
}

/** One shadow copy as VSS_SNAPSHOT_PROP describes it (vss.h), from GetSnapshotProperties or Query's IVssEnumObject. */
export interface VssSnapshotProperties {
  readonly snapshotId: string;
  readonly snapshotSetId: string;
  readonly originalVolumeName: string;
  readonly snapshotDeviceObject: string;
  readonly originatingMachine: string;
  /** m_pwszServiceMachine: the machine running the VSS service that made it ('' when VSS left it null). */
  readonly serviceMachine: string;
  /** m_pwszExposedName / m_pwszExposedPath: where the copy is exposed (a drive letter, a mount folder, a share), '' when it is not. */
  readonly exposedName: string;
  readonly exposedPath: string;
  /** m_ProviderId: the provider that made it. */
  readonly providerId: string;
  readonly createdAt: Date;
  /** m_lSnapshotsCount: how many shadow copies its set has. */
  readonly snapshotCount: number;
  /** m_lSnapshotAttributes: the VSS_VOLSNAP_ATTR_* bits (the context it was made in is among them). */
  readonly context: number;
  /** m_eStatus: a VSS_SNAPSHOT_STATE (vss.h; 12 = VSS_SS_CREATED, what a completed copy reports). */
  readonly state: number;
}

/** VssBackend.deleteSnapshots: DeleteSnapshots' HRESULT and its two out-values, whatever the HRESULT. */
export interface VssDeleteResultRaw {
  readonly hr: number;
  /** *plDeletedSnapshots. */
  readonly deleted: number;
  /** *pNondeletedSnapshotID: "the identifier of the first shadow copy that could not be deleted", or GUID_NULL. */
  readonly nonDeleted: string;
}

/**
 * The IVssBackupComponents requester flow and IVssAsync, one method per Windows call. Calls on one components handle
 * are carried out in the order they are made, also when the previous one has not settled yet (winops releases the
 * components right after asking for AbortBackup, without waiting in between).
 */
/** VssBackend.comSecurity: HRESULTs as unsigned 32-bit numbers. */
export interface VssComSecurityRaw {
  readonly securityHr: number;
  readonly exceptionHandlingHr: number;
}

export interface VssBackend {
  /** CreateVssBackupComponents (through the C export CreateVssBackupComponentsInternal). */
  createBackupComponents(): Promise<Handle>;
  initializeForBackup(components: Handle): Promise<void>;
  setContext(components: Handle, context: number): Promise<void>;
  setBackupState(components: Handle, state: VssBackupState): Promise<void>;
  /** Returns an IVssAsync handle. */
  gatherWriterMetadata(components: Handle): Promise<Handle>;
  /** GetWriterMetadataCount/GetWriterMetadata/GetIdentity, after GatherWriterMetadata finished. */
  getWriters(components: Handle): Promise<VssWriterInfo[]>;
  /** GatherWriterStatus: returns an IVssAsync handle. */
  gatherWriterStatus(components: Handle): Promise<Handle>;
  /**
   * After GatherWriterStatus finished: GetWriterStatusCount, GetWriterStatusEx (or GetWriterStatus where
   * IVssBackupComponentsEx3 is missing) per writer, then FreeWriterStatus, whatever happened in between.
   */
  getWriterStatus(components: Handle): Promise<VssWriterStatusRaw[]>;
  /** Returns the snapshot set id (a GUID string without braces, lower case). */
  startSnapshotSet(components: Handle): Promise<string>;
  /** Returns the snapshot id. */
  addToSnapshotSet(components: Handle, volume: string): Promise<string>;
  prepareForBackup(components: Handle): Promise<Handle>;
  doSnapshotSet(components: Handle): Promise<Handle>;
  getSnapshotProperties(components: Handle, snapshotId: string): Promise<VssSnapshotProperties>;
  backupComplete(components: Handle): Promise<Handle>;
  abortBackup(components: Handle): Promise<void>;
  /** DeleteSnapshots(setId, VSS_OBJECT_SNAPSHOT_SET, force). Returns the number deleted. */
  deleteSnapshotSet(components: Handle, snapshotSetId: string): Promise<number>;
  /**
   * Query(GUID_NULL, VSS_OBJECT_NONE, VSS_OBJECT_SNAPSHOT) in the context SetContext gave, then IVssEnumObject::Next
   * one at a time until it fetches none; each VSS_SNAPSHOT_PROP converted and freed (VssFreeSnapshotProperties), the
   * enumerator released. S_FALSE from Query (what Microsoft's vshadow sample takes for "no shadow copies") is an
   * empty list. Synchronous in Windows: no IVssAsync, no cancel.
   */
  querySnapshots(components: Handle): Promise<VssSnapshotProperties[]>;
  /**
   * DeleteSnapshots(id, VSS_OBJECT_SNAPSHOT or VSS_OBJECT_SNAPSHOT_SET, force). Resolves with the HRESULT and the
   * out-values whatever the HRESULT is: a failure after some copies went is a partial result, not only an error.
   * Synchronous in Windows: no IVssAsync, no cancel.
   */
  deleteSnapshots(components: Handle, id: string, kind: 'snapshot' | 'set', force: boolean): Promise<VssDeleteResultRaw>;
  /** IVssBackupComponents::Release. Non-persistent snapshots go away with it. */
  releaseBackupComponents(components: Handle): Promise<void>;

  /** IVssAsync::Wait(timeoutMs) on a thread of the backend's own; resolves with Wait's HRESULT (0xFFFFFFFF = INFINITE). */
  asyncWait(async: Handle, timeoutMs: number): Promise<number>;
  /** IVssAsync::QueryStatus: hr is the method's return, status the operation's (*pHrResult). */
  asyncQueryStatus(async: Handle): Promise<{ hr: number; status: number }>;
  /**
   * Optional: asyncWait and, when Wait succeeded, asyncQueryStatus in one call (the native backend makes both on the
   * waiting thread and reports once). `wait` is Wait's HRESULT; hr and status are QueryStatus's, absent when Wait
   * failed (QueryStatus was not called).
   */
  asyncWaitStatus?(async: Handle, timeoutMs: number): Promise<{ wait: number; hr?: number; status?: number }>;
  /** IVssAsync::Cancel; resolves with its HRESULT, whatever it is (success codes and errors alike are outcomes). */
  asyncCancel(async: Handle): Promise<number>;
  asyncRelease(async: Handle): Promise<void>;
  /**
   * The process's COM security for VSS, as the first createBackupComponents left it: CoInitializeSecurity's HRESULT
   * (RPC_E_TOO_LATE when something in the process used COM first) and IGlobalOptions::Set's for
   * COMGLB_EXCEPTION_DONOT_HANDLE. Null before the first createBackupComponents. Optional: a backend without it
   * reports nothing.
   */
  comSecurity?(): VssComSecurityRaw | null;
}

// ----------------------------------------------------------------------------------------------------------------- MI

/** One MI value after conversion. 64-bit integers are bigint; datetimes are Date; intervals are {@link MiInterval}. */
export type MiValue =
  | string
  | number
  | bigint
  | boolean
  | Date
  | MiInterval
  | MiInstanceData
  | null
  | readonly MiValue[];

export interface MiInterval {
  readonly kind: 'interval';
  readonly days: number;
  readonly hours: number;
  readonly minutes: number;
  readonly seconds: number;
  readonly microseconds: number;
}

export interface MiInstanceData {
  readonly kind: 'instance';
  readonly className: string;
  readonly namespace?: string | undefined;
  readonly properties: Readonly<Record<string, MiValue>>;
}

export interface MiErrorDetails {
  readonly errorCode?: number | undefined;
  readonly errorType?: string | undefined;
  readonly category?: number | undefined;
  readonly message?: string | undefined;
  readonly messageId?: string | undefined;
  readonly windowsErrorMessage?: string | undefined;
  readonly cimStatusCode?: number | undefined;
}

export type MiProtocol = 'wsman' | 'dcom';
export type MiAuthentication = 'default' | 'negotiate' | 'kerberos' | 'ntlm' | 'basic' | 'digest' | 'credssp';

export interface MiSessionRequest {
  /** null = the local computer. */
  readonly computer: string | null;
  /** null = the default (DCOM for local). */
  readonly protocol: MiProtocol | null;
  readonly credentials: {
    readonly username: string;
    readonly password: string;
    readonly domain: string | null;
    readonly authentication: MiAuthentication;
  } | null;
}

export type MiOperationRequest =
  | { readonly kind: 'query'; readonly namespace: string; readonly dialect: 'WQL' | 'CQL'; readonly expression: string }
  | { readonly kind: 'enumerate'; readonly namespace: string; readonly className: string; readonly keysOnly: boolean }
  | { readonly kind: 'get'; readonly namespace: string; readonly className: string; readonly keys: Readonly<Record<string, MiValue>> }
  | {
      readonly kind: 'invoke';
      readonly namespace: string;
      readonly className: string;
      readonly methodName: string;
      /** The instance to invoke on (keys only), or null for a static method. */
      readonly keys: Readonly<Record<string, MiValue>> | null;
      readonly parameters: Readonly<Record<string, MiValue>>;
    }
  | { readonly kind: 'subscribe'; readonly namespace: string; readonly dialect: 'WQL' | 'CQL'; readonly expression: string };

/** The final result of an MI operation (the callback with moreResults = MI_FALSE). */
export interface MiFinalResult {
  /** The operation's MI_Result. */
  readonly result: number;
  readonly errorMessage?: string | undefined;
  readonly errorDetails?: MiErrorDetails | undefined;
}

/** What the instances of one class share: the class, the namespace and the property names, in value order. */
export interface MiSchema {
  readonly className: string;
  readonly namespace?: string | undefined;
  readonly names: readonly string[];
}

/**
 * The results MI delivered since the previous batch, in order, with the instances laid out flat: instance k has
 * the schema whose id is `shapes[k]` and its values are the next `names.length` entries of `values`. Schema ids
 * count from 0 for each operation; a batch carries the schemas first used in it in `newSchemas`, which extend the
 * operation's list in that order. Values are MiValue (embedded instances as MiInstanceData).
 */
export interface MiResultBatch {
  readonly newSchemas: readonly MiSchema[];
  readonly shapes: ArrayLike<number>;
  readonly values: ArrayLike<MiValue>;
  /** The final result when this batch ends the operation (it is the last batch; close() comes next). */
  readonly final: MiFinalResult | null;
  /**
   * The backend holds the resultAcknowledgement of the last instance, because `window` instances are outstanding:
   * MI delivers nothing more until {@link MiBackend.consumed} makes room.
   */
  readonly held: boolean;
}

/**
 * MI operations run in callback mode with MI_OPERATIONFLAGS_MANUAL_ACK_RESULTS, and the backend acknowledges each
 * result in MI's callback, at once, while fewer than `window` delivered instances are outstanding (not yet
 * reported by {@link MiBackend.consumed}); the instance that fills the window keeps its acknowledgement, so MI
 * delivers nothing more until the consumer makes room. That is the back-pressure of the async iterator: at most
 * `window` instances are held, in the backend and in JS together. Results reach JS in batches: on the backend's
 * own initiative only while the consumer waits (after a {@link MiBackend.poll} that found nothing) and with the
 * final result; otherwise they wait in the backend until the consumer polls for them, so that a consumer that
 * keeps up does not wait for a thread switch per batch.
 */
export interface MiBackend {
  /** MI_Application_InitializeV1 (once) + MI_Application_NewSession. */
  openSession(request: MiSessionRequest): Promise<Handle>;
  /** MI_Session_Close; resolves when every operation of the session is closed. */
  closeSession(session: Handle): Promise<void>;
  /**
   * Starts an operation in asynchronous (callback) mode and returns its MI_Operation handle. onBatch runs on the JS
   * thread, never from inside start(), with every result that arrived since the previous batch; the batch with the
   * final result is the last. A non-final result without an instance is acknowledged and not delivered.
   */
  start(session: Handle, request: MiOperationRequest, window: number, onBatch: (batch: MiResultBatch) => void): Handle;
  /**
   * Hands over the results that arrived since the last batch: when there are any, onBatch runs before poll returns,
   * and poll returns true; otherwise the backend hands over the next result as soon as it arrives, and poll returns
   * false.
   */
  poll(operation: Handle): boolean;
  /**
   * The consumer is done with n more delivered instances (read or dropped): they leave the window, and a held
   * resultAcknowledgement is given once fewer than `window` are outstanding. After a cancel the caller reports
   * every instance it drops, so that MI can drain to the final result.
   */
  consumed(operation: Handle, n: number): void;
  /** MI_Operation_Cancel; returns its MI_Result. reason is an MI_CancellationReason. */
  cancel(operation: Handle, reason: number): number;
  /** MI_Operation_Close (after acknowledging the final result); returns its MI_Result. Only after the final result. */
  close(operation: Handle): number;
}

// ------------------------------------------------------------------------------------------------------------- IMAPI2

export interface RecorderInfo {
  /** IDiscRecorder2::ActiveDiscRecorder, the unique id to pass back. */
  readonly id: string;
  readonly vendorId: string;
  readonly productId: string;
  readonly productRevision: string;
  readonly volumePaths: readonly string[];
  readonly media: MediaInfo;
  /**
   * A getter of this recorder that failed (e.g. IDiscRecorder2::get_ProductRevision): the list still has the
   * recorder, with the fields read before the failure and empty ones after it. Undefined when everything was read.
   */
  readonly error?: RawError | undefined;
}

export interface MediaInfo {
  /** IMAPI_MEDIA_PHYSICAL_TYPE name, e.g. 'DVDPLUSR', or 'NONE' when the tray is empty. */
  readonly physicalType: string;
  readonly present: boolean;
  readonly blank: boolean;
  readonly writeProtected: boolean;
  readonly freeSectors: number;
  readonly totalSectors: number;
}

export type ImapiSource =
  | { readonly kind: 'file'; readonly path: string }
  | { readonly kind: 'bytes'; readonly data: Uint8Array }
  /** A stream of known size: the backend calls read(offset, length) and waits for the bytes. */
  | { readonly kind: 'pull'; readonly size: number; read(offset: number, length: number): Promise<Uint8Array> };

/** IMAPI_BURN_VERIFICATION_LEVEL: what IMAPI checks on the disc after a burn. */
export type BurnVerification = 'none' | 'quick' | 'full';

export type ImapiWriteRequest =
  | {
      readonly api: 'format2data';
      readonly recorderId: string;
      readonly clientName: string;
      readonly forceOverwrite: boolean;
      /** IBurnVerification::put_BurnVerificationLevel (IMAPI_BURN_VERIFICATION_NONE / _QUICK / _FULL), set before Write. */
      readonly verification: BurnVerification;
      readonly source: ImapiSource;
    }
  | {
      readonly api: 'writeEngine2';
      readonly recorderId: string;
      readonly clientName: string;
      readonly startLba: number;
      readonly sectorCount: number;
      readonly bytesPerSector: number;
      readonly source: ImapiSource;
    };

/** The Update event's figures (IWriteEngine2EventArgs, plus IDiscFormat2DataEventArgs' for format2data). */
export interface ImapiUpdate {
  readonly startLba: number;
  readonly sectorCount: number;
  readonly lastReadLba: number;
  readonly lastWrittenLba: number;
  readonly totalSystemBuffer: number;
  readonly usedSystemBuffer: number;
  readonly freeSystemBuffer: number;
  readonly elapsedTime?: number | undefined;
  readonly remainingTime?: number | undefined;
  readonly totalTime?: number | undefined;
  /** IMAPI_FORMAT2_DATA_WRITE_ACTION */
  readonly currentAction?: number | undefined;
}

export interface ImapiWriteSink {
  update(update: ImapiUpdate): void;
  /** A CancelWrite call made from inside an Update handler, and its HRESULT. */
  cancelAttempt(hresult: number): void;
  /** Write/WriteSection returned. error is null on success; hresult is what it returned (success codes included). */
  done(error: RawError | null, hresult: number): void;
}

export interface ImapiBackend {
  listRecorders(): Promise<RecorderInfo[]>;
  /** Starts IDiscFormat2Data::Write or IWriteEngine2::WriteSection on a thread of the backend's own. */
  startWrite(request: ImapiWriteRequest, sink: ImapiWriteSink): Handle;
  /**
   * Asks for CancelWrite. The backend calls it only from inside the next Update event handler; while it returns
   * S_IMAPI_WRITE_NOT_IN_PROGRESS the request stays and is retried on the following Update.
   */
  requestCancel(write: Handle): void;
}

// ---------------------------------------------------------------------------------------------------------------- AXE

export interface AxeJobData {
  readonly job: Handle;
  readonly name: string;
  readonly assessments: readonly { readonly index: number; readonly name: string }[];
}

/** The result of an Engine call whose HRESULT is an outcome (CancelAssessment, CancelJob, TerminateJob). */
export interface AxeCallResult {
  /** Undefined only when the code's value was never published and the backend cannot know it. */
  readonly hresult: number | undefined;
  /** 'S_OK', 'AXE_E_INVALID_INDEX', 'AXE_E_NO_JOB_RUNNING', ... */
  readonly code: string;
}

/** AxeProgressType values. */
export const AXE_PROGRESS = {
  None: 0, Percent: 1, Message: 2, Heartbeat: 3, Increment: 4, Cancelling: 5, RemainingTime: 6,
  WaitingForInput: 7, OnOff: 8, Warning: 9, Error: 10, TestCase: 11, Idle: 12, Invalid: 13,
} as const;

export interface AxeSink {
  jobBegin(): void;
  assessmentBegin(index: number, name: string): void;
  progress(index: number, progressType: number, value: number, message: string | null): void;
  /** error is the AssessmentExecutionError as an AxeCallResult ('S_OK' when none). */
  assessmentEnd(index: number, error: AxeCallResult, exitCode: number): void;
  /**
   * IJobRestartEventHandler::OnJobRestart: the job is ending because an assessment restarts the system. A
   * notification (the host cannot refuse it); job-end may or may not follow (the docs do not say).
   */
  jobRestart(): void;
  jobEnd(result: {
    readonly error: AxeCallResult;
    readonly executedAssessments: number;
    readonly failedAssessments: number;
    readonly resultPath: string | null;
  }): void;
}

export interface AxeBackend {
  /** Whether this backend can run AXE at all, and if not, why and how to enable it. */
  availability(): { readonly available: true } | { readonly available: false; readonly reason: string };
  /** Solution::CreateJob (with its ErrorList) + Job::GetAssessmentCount/GetAssessment. */
  loadJob(manifestPath: string): Promise<AxeJobData>;
  releaseJob(job: Handle): void;
  /** Engine::ExecuteJob with ExecuteAsync and every event handler registered first. Returns a run handle. */
  execute(job: Handle, sink: AxeSink): Handle;
  cancelAssessment(run: Handle, index: number): Promise<AxeCallResult>;
  cancelJob(run: Handle): Promise<AxeCallResult>;
  terminateJob(run: Handle): Promise<AxeCallResult>;
}
