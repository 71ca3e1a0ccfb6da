/**
 * winops: in-process VSS, MI (WMI v2), IMAPI2 and AXE for Node and Electron, with cancellation that reports what
 * happened. See README.md for a guide per family.
 */
import type { Backend } from '../types/backend';
import { Axe } from './axe';
import { resolveBackend, type BackendChoice } from './backend';
import { Imapi2 } from './imapi2';
import { Mi } from './mi';
import { Vss } from './vss';

export interface WinopsOptions {
  /** 'fake', 'native' or a Backend object. Default: WINOPS_BACKEND, else native on Windows, else an error. */
  readonly backend?: BackendChoice;
}

/** The four families bound to one backend. */
export interface Winops {
  readonly vss: Vss;
  readonly mi: Mi;
  readonly imapi2: Imapi2;
  readonly axe: Axe;
  /** The backend in use (resolved on first use). */
  readonly backend: Backend;
}

/**
 * Creates the API bound to one backend. The backend is chosen on first use, so creating is cheap and a missing
 * native addon is reported by the first call, as a BackendUnavailableError.
 */
export function createWinops(options: WinopsOptions = {}): Winops {
  if (typeof options !== 'object' || options === null) throw new TypeError('createWinops: options must be an object');
  let backend: Backend | undefined;
  const get = (): Backend => (backend ??= resolveBackend(options.backend));
  if (options.backend !== undefined) {
    // Check the choice now, so a typo fails at the call that made it.
    if (typeof options.backend === 'object') backend = resolveBackend(options.backend);
    else if (options.backend !== 'fake' && options.backend !== 'native') resolveBackend(options.backend);
  }
  return {
    vss: new Vss(get),
    mi: new Mi(get),
    imapi2: new Imapi2(get),
    axe: new Axe(get),
    get backend() {
      return get();
    },
  };
}

let defaultInstance: Winops | undefined;
const lazy = (): Winops => (defaultInstance ??= createWinops());

/** VSS on the default backend (WINOPS_BACKEND, else native on Windows). */
export const vss: Vss = new Vss(() => lazy().backend);
/** MI on the default backend. */
export const mi: Mi = new Mi(() => lazy().backend);
/** IMAPI2 on the default backend. */
export const imapi2: Imapi2 = new Imapi2(() => lazy().backend);
/** AXE on the default backend. */
export const axe: Axe = new Axe(() => lazy().backend);

export { resolveBackend, type BackendChoice } from './backend';
export * from './errors';
export { describeHresult, codeByName, codeByValue, codeOf, hresultFromWin32, toHex, MI_RESULTS, UNPUBLISHED_AXE_CODES, HRESULT_CODES, WINOPS_CODES, type CodeInfo, type HresultDescription, type KnownCode, type WinopsCode } from './codes';
export { retry, type RetryOptions, type RetryContext } from './retry';
export type { CancelOutcome } from './operation';
export { AbortError, isAbortError, Operation, type CancelOutcomeBase, type OperationOptions } from './operation';
export { Vss, VssAsync, VssBackupComponents, SnapshotSet, normalizeVolume, type VssCancelOutcome, type VssComSecurity, type VssStep, type Snapshot, type SnapshotSetOptions, type SnapshotSetOperation, type VssAsyncStatus, type BackupStateOptions, type VssStepEvent, VSS_WRITER_STATES, VssWriterError, type VssWriterCheckpoint, type VssWriterState, type VssWriterStatus, VSS_VOLSNAP_ATTR, VssDeleteError, type DeleteShadowCopiesOptions, type ListShadowCopiesOptions, type ShadowCopy, type ShadowCopyTarget, type VssInventoryOperation, type VssSnapshotAttribute } from './vss';
export { Mi, MiSession, MiStream, MI_CLASS, MI_NAMESPACE, MI_REASON, miClassName, type MiInstance, type MiJsValue, type MiCancelOutcome, type MiSessionOptions, type MiOperationOptions, type MiQueryOptions, type MiCredentials, type MiIntervalValue } from './mi';
export { wql, isWqlQuery, type WqlQuery } from './wql';
export { Imapi2, WRITE_ACTIONS, type WriteProgress, type WriteResult, type ImapiCancelOutcome, type BurnOptions, type WriteSectionOptions, type ImageSource, type Recorder, type WriteOperation, type WriteAction, type BurnVerification, CLIENT_NAME_MAX_LENGTH } from './imapi2';
export { Axe, AxeJob, type AxeRun, type AxeRunOptions, type AxeEvent, type AxeCancelOutcome, type AxeRunResult, type AxeEscalationStep, type AxeEscalationRecord, type AxeAssessmentResult } from './axe';
export type * from '../types/backend';
export type { Scenario } from '../types/scenario';
export { doctor, DOCTOR_SERVICES, type DoctorCheck, type DoctorOptions, type DoctorReport, type DoctorStatus } from './doctor';
