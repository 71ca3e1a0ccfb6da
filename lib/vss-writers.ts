/**
 * VSS writer status: what GatherWriterStatus / GetWriterStatus(Ex) report, in the public shape, and the rule that
 * decides when a writer failed. Sources (cited where the code depends on them):
 * - vss.h VSS_WRITER_STATE (sdk-api ne-vss-vss_writer_state.md): UNKNOWN 0 "indicates an error on the part of the
 *   writer", STABLE 1, WAITING_FOR_FREEZE 2 ... WAITING_FOR_BACKUP_COMPLETE 5, FAILED_AT_IDENTIFY 6 ...
 *   FAILED_AT_BACKUPSHUTDOWN 15.
 * - IVssBackupComponents::GetWriterStatus (sdk-api nf-vsbackup-ivssbackupcomponents-getwriterstatus.md): "the value
 *   of the pHrWriterFailure parameter must be checked to verify that the writer was successful".
 * - Determining Writer Status (win32 desktop-src/VSS/determining-writer-status.md): query the writers after
 *   PrepareForBackup, DoSnapshotSet and BackupComplete; calls outside such a sequence "do not provide a reliable
 *   picture of writer status".
 * - Writer Errors and Vetoes (win32 desktop-src/VSS/writer-errors-and-vetoes.md): "The requester can accept the veto
 *   or continue with the backup, ignoring the veto."
 */
import type { VssWriterStatusRaw } from '../types/backend';
import { codeOf, describeHresult } from './codes';
import { VssError } from './errors';

/** VSS_WRITER_STATE by value, as winops names it (the vss.h name without VSS_WS_, lower case, dashes). */
export const VSS_WRITER_STATES = Object.freeze([
  'unknown',
  'stable',
  'waiting-for-freeze',
  'waiting-for-thaw',
  'waiting-for-post-snapshot',
  'waiting-for-backup-complete',
  'failed-at-identify',
  'failed-at-prepare-backup',
  'failed-at-prepare-snapshot',
  'failed-at-freeze',
  'failed-at-thaw',
  'failed-at-post-snapshot',
  'failed-at-backup-complete',
  'failed-at-pre-restore',
  'failed-at-post-restore',
  'failed-at-backupshutdown',
] as const);

export type VssWriterState = (typeof VSS_WRITER_STATES)[number];

/** The requester call after which winops gathered writer status. */
export type VssWriterCheckpoint = 'prepareForBackup' | 'doSnapshotSet' | 'backupComplete' | 'gatherWriterMetadata';

/** One writer's status after a VSS event. */
export interface VssWriterStatus {
  readonly name: string;
  /** The writer class id. */
  readonly writerId: string;
  /** The writer instance id. */
  readonly instanceId: string;
  /** VSS_WRITER_STATE by name, e.g. 'stable', 'waiting-for-backup-complete', 'failed-at-freeze'. */
  readonly state: VssWriterState | `state-${number}`;
  /** VSS_WRITER_STATE's value (vss.h). */
  readonly stateValue: number;
  /**
   * True when the writer failed: a VSS_WS_FAILED_AT_* state, VSS_WS_UNKNOWN ("indicates an error on the part of the
   * writer"), or a failure HRESULT other than S_OK.
   */
  readonly failed: boolean;
  /** GetWriterStatus's failure HRESULT (unsigned) and its name: 'S_OK', 'VSS_E_WRITERERROR_TIMEOUT', ... */
  readonly failure: { readonly hresult: number; readonly code: string };
  /**
   * True when the docs call the failure transient and worth retrying: wait and try the backup again (ten minutes,
   * up to three times, for _RETRYABLE, _TIMEOUT and _OUTOFRESOURCES; "when the system is less busy" for
   * VSS_E_WRITER_STATUS_NOT_AVAILABLE).
   */
  readonly retryable: boolean;
  /**
   * IVssBackupComponentsEx3::GetWriterStatusEx's application HRESULT and message (what the writer passed to
   * SetWriterFailureEx); undefined where Windows has only GetWriterStatus.
   */
  readonly application?: { readonly hresult: number; readonly code: string; readonly message: string };
  /** The call after which this status was gathered. */
  readonly after: VssWriterCheckpoint;
}

/** The public shape of one row GetWriterStatus(Ex) returned. */
export function toWriterStatus(raw: VssWriterStatusRaw, after: VssWriterCheckpoint): VssWriterStatus {
  const stateValue = raw.state >>> 0;
  const hresult = raw.failure >>> 0;
  const failedState = stateValue === 0 || (stateValue >= 6 && stateValue <= 15);
  const failed = failedState || hresult !== 0;
  const status: VssWriterStatus = {
    name: raw.name,
    writerId: raw.writerId,
    instanceId: raw.instanceId,
    state: VSS_WRITER_STATES[stateValue] ?? `state-${stateValue}`,
    stateValue,
    failed,
    failure: { hresult, code: codeOf(hresult) },
    retryable: hresult !== 0 && describeHresult(hresult).retryable,
    after,
    ...(raw.applicationHr === undefined
      ? {}
      : { application: { hresult: raw.applicationHr >>> 0, code: codeOf(raw.applicationHr >>> 0), message: raw.applicationMessage ?? '' } }),
  };
  return status;
}

/** One line per writer for messages: 'SQL Writer (failed-at-freeze, VSS_E_WRITERERROR_TIMEOUT)'. */
function describeWriter(w: VssWriterStatus): string {
  const app = w.application && (w.application.hresult !== 0 || w.application.message !== '')
    ? `; application ${w.application.code}${w.application.message ? `: ${w.application.message}` : ''}`
    : '';
  return `${w.name} (${w.state}, ${w.failure.code}${app})`;
}

/**
 * A snapshot-set flow (or SnapshotSet.close) found failed writers while `writers: 'require-all'` was in force.
 * `code` is 'WINOPS_WRITER_FAILED'; `hresult` is the first failed writer's failure HRESULT (undefined when it
 * failed by state alone); `retryable` is true when every failed writer's failure is documented as transient.
 */
export class VssWriterError extends VssError {
  override name = 'VssWriterError';
  /** The writers that failed, with their state and failure. */
  readonly failedWriters: readonly VssWriterStatus[];
  /** The call after which the writers were found failed. */
  readonly after: VssWriterCheckpoint;

  constructor(failed: readonly VssWriterStatus[], after: VssWriterCheckpoint, consequence: string) {
    const first = failed.find((w) => w.failure.hresult !== 0);
    const list = failed.map(describeWriter).join('; ');
    super({
      family: 'vss',
      code: 'WINOPS_WRITER_FAILED',
      hresult: first?.failure.hresult,
      call: 'IVssBackupComponents::GetWriterStatus',
      retryable: failed.length > 0 && failed.every((w) => w.retryable),
      message: `${failed.length === 1 ? '1 writer' : `${failed.length} writers`} failed after ${callName(after)}: ${list}; ${consequence} (README "VSS: writer status")`,
    });
    this.failedWriters = failed;
    this.after = after;
  }
}

function callName(after: VssWriterCheckpoint): string {
  return { prepareForBackup: 'PrepareForBackup', doSnapshotSet: 'DoSnapshotSet', backupComplete: 'BackupComplete', gatherWriterMetadata: 'GatherWriterMetadata' }[after];
}

/** `after` of getWriterStatus: one of the four checkpoints, checked. */
export function checkCheckpoint(value: unknown, fn: string): asserts value is VssWriterCheckpoint {
  if (value === 'prepareForBackup' || value === 'doSnapshotSet' || value === 'backupComplete' || value === 'gatherWriterMetadata') return;
  if (typeof value !== 'string') throw new TypeError(`${fn}: after must be a string, got ${value === null ? 'null' : typeof value}`);
  throw new RangeError(`${fn}: after must be 'prepareForBackup', 'doSnapshotSet', 'backupComplete' or 'gatherWriterMetadata', got ${JSON.stringify(value)}`);
}

/** writers: 'require-all' | 'report', checked. */
export function checkWritersOption(value: unknown, fn: string): 'require-all' | 'report' {
  if (value === undefined) return 'require-all';
  if (value === 'require-all' || value === 'report') return value;
  if (typeof value !== 'string') throw new TypeError(`${fn}: options.writers must be a string, 'require-all' or 'report', got ${value === null ? 'null' : typeof value}`);
  throw new RangeError(`${fn}: options.writers must be 'require-all' (the default: a failed writer fails the set) or 'report' (keep the set, read set.failedWriters), got ${typeof value === 'string' ? JSON.stringify(value) : String(value)}`);
}
