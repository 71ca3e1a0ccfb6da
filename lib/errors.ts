import type { Family, MiErrorDetails, RawError } from '../types/backend';
import { type KnownCode, codeByName, codeByValue, describeHresult, hresultFromWin32, miErrorCategoryName, miResultName, toHex, MI_RESULTS } from './codes';

/** Every error winops raises for a failed Windows call is a WinopsError (or a subclass per family). */
export class WinopsError extends Error {
  override name = 'WinopsError';
  /** The HRESULT as an unsigned 32-bit number. Undefined only where no HRESULT exists (some MI results, unpublished AXE codes). */
  readonly hresult: number | undefined;
  /** A stable symbolic code: 'VSS_E_BAD_STATE', 'MI_RESULT_ACCESS_DENIED', 'E_IMAPI_REQUEST_CANCELLED', ... */
  readonly code: KnownCode | (string & {});
  /** The API family, or 'core' for winops' own conditions. */
  readonly family: Family | 'core';
  /** The Windows call that failed, e.g. 'IVssBackupComponents::DoSnapshotSet'. */
  readonly call: string;
  /** True where Microsoft documents the condition as transient ("wait and try again"). */
  readonly retryable: boolean;
  /** The system's message text as the backend reported it, if any. */
  readonly systemMessage: string | undefined;
  /** The local file the error is about (an image, a job manifest), when it is about one. */
  readonly path?: string;

  constructor(init: {
    family: Family | 'core';
    code: string;
    hresult: number | undefined;
    call: string;
    message: string;
    retryable?: boolean;
    systemMessage?: string | undefined;
    cause?: unknown;
    path?: string | undefined;
  }) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.family = init.family;
    this.code = init.code;
    this.hresult = init.hresult === undefined ? undefined : init.hresult >>> 0;
    this.call = init.call;
    this.retryable = init.retryable ?? false;
    this.systemMessage = init.systemMessage;
    if (init.path !== undefined) this.path = init.path;
  }
}

/**
 * The process's COM security for VSS (README "VSS: COM security"). `applied` is false when winops'
 * CoInitializeSecurity came too late (code 'RPC_E_TOO_LATE': something in the process used COM first, so COM
 * chose the security): writers running under other accounts, such as the System Writer (Network Service), may
 * then be refused when they call back (E_ACCESSDENIED), and a snapshot set is not application-consistent.
 */
export interface VssComSecurity {
  /** CoInitializeSecurity's HRESULT (unsigned). */
  readonly hresult: number;
  /** Its symbolic name: 'S_OK', 'RPC_E_TOO_LATE', ... */
  readonly code: string;
  /** True when winops' CoInitializeSecurity took effect (S_OK). */
  readonly applied: boolean;
  /** IGlobalOptions::Set(COMGLB_EXCEPTION_HANDLING, COMGLB_EXCEPTION_DONOT_HANDLE)'s HRESULT and name. */
  readonly exceptionHandling: { readonly hresult: number; readonly code: string };
}

export class VssError extends WinopsError {
  override name = 'VssError';
  /**
   * The process's COM security when the error came from a snapshot-set flow that got as far as creating the
   * components (undefined otherwise). When `comSecurity.applied` is false the message says so too: a writer's
   * E_ACCESSDENIED or a writer failure may come from it.
   */
  comSecurity?: VssComSecurity;
}

export class ImapiError extends WinopsError {
  override name = 'ImapiError';
}

export class AxeError extends WinopsError {
  override name = 'AxeError';
}

/**
 * The CIM error instance (MSFT_WmiError) that came with an MI result, as MiError shows it: `category` is the
 * MI_ErrorCategory name (as `MiError.category`), its number `categoryValue`; `errorCode` is the error's number in the
 * scheme `errorType` names ('HRESULT', 'WIN32', ...).
 */
export interface MiErrorInfo extends Omit<MiErrorDetails, 'category'> {
  readonly category?: string | undefined;
  readonly categoryValue?: number | undefined;
}

export class MiError extends WinopsError {
  override name = 'MiError';
  /** The MI_Result of the operation. */
  readonly miResult: number;
  /** The MI_ErrorCategory name from the error details, e.g. 'MI_ERRORCATEGORY_ACCESS_DENIED'. */
  readonly category: string | undefined;
  /** The CIM error instance (MSFT_WmiError) that came with the result; `details.category` is the same name. */
  readonly details: MiErrorInfo | undefined;

  constructor(init: ConstructorParameters<typeof WinopsError>[0] & { miResult: number; details?: MiErrorDetails | undefined }) {
    super(init);
    this.miResult = init.miResult;
    const d = init.details;
    this.category = d?.category === undefined ? undefined : miErrorCategoryName(d.category);
    this.details = d === undefined ? undefined : { ...d, category: this.category, categoryValue: d.category };
  }
}

/** The backend asked for is not available here (e.g. no native addon off Windows). Never a silent fallback. */
export class BackendUnavailableError extends WinopsError {
  override name = 'BackendUnavailableError';
}

/** An operation was used in a state that does not allow the call (e.g. a closed session). */
export class StateError extends WinopsError {
  override name = 'StateError';
}

const CLASSES = { vss: VssError, imapi2: ImapiError, axe: AxeError } as const;

function isRawError(value: unknown): value is RawError {
  return typeof value === 'object' && value !== null && typeof (value as { call?: unknown }).call === 'string';
}

const FILE_MISSING = new Set([0x80070002 /* ERROR_FILE_NOT_FOUND */, 0x80070003 /* ERROR_PATH_NOT_FOUND */]);
const FILE_REFUSED = new Set([0x80070005 /* E_ACCESSDENIED */, 0x80070020 /* ERROR_SHARING_VIOLATION */]);

/**
 * An error about a local file the caller named (`what` is e.g. 'the image file'): when the backend's failure is that
 * the file is missing or cannot be opened, the message says so and names the path (the code, HRESULT and the call that
 * met it stay as they were); any other error is returned unchanged.
 */
export function aboutFile(e: Error, fn: string, what: string, path: string): Error {
  if (!(e instanceof WinopsError) || e.hresult === undefined) return e;
  const missing = FILE_MISSING.has(e.hresult);
  if (!missing && !FILE_REFUSED.has(e.hresult)) return e;
  const Cls = e.constructor as new (init: ConstructorParameters<typeof WinopsError>[0]) => WinopsError;
  return new Cls({
    family: e.family, code: e.code, hresult: e.hresult, call: e.call, retryable: e.retryable, systemMessage: e.systemMessage, path, cause: e,
    message: `${fn}: ${what} ${JSON.stringify(path)} ${missing ? 'does not exist' : 'cannot be opened'} (${e.code})`,
  });
}

/** Turns what a backend threw (a {@link RawError}) into the family's typed error. Anything else is rethrown as is. */
export function toWinopsError(family: Family, raw: unknown, fallbackCall = 'unknown'): Error {
  if (raw instanceof WinopsError) return raw;
  if (!isRawError(raw)) {
    return raw instanceof Error ? raw : new Error(String(raw));
  }
  if (family === 'mi' && typeof raw.miResult === 'number') {
    return miErrorFrom(raw.miResult, raw.call, raw.errorMessage, raw.errorDetails);
  }
  return hresultError(family, raw.hresult, raw.call || fallbackCall, raw.code, raw.systemMessage);
}

/** A typed error for an HRESULT (or a symbolic code whose value is unknown) returned by `call`. */
export function hresultError(
  family: 'vss' | 'imapi2' | 'axe' | 'mi',
  hresult: number | undefined,
  call: string,
  symbolicCode?: string | undefined,
  systemMessage?: string | undefined,
): WinopsError {
  const info = symbolicCode !== undefined ? codeByName(symbolicCode) : hresult !== undefined ? codeByValue(hresult) : undefined;
  const Cls = family === 'mi' ? WinopsError : CLASSES[family];
  if (hresult === undefined) {
    const code = symbolicCode ?? 'UNKNOWN';
    const text = info?.message ?? 'no description';
    return new Cls({
      family,
      code,
      hresult: undefined,
      call,
      message: `${call} failed: ${code} (value not published by Microsoft): ${text}`,
      retryable: info?.retryable ?? false,
      systemMessage,
    });
  }
  const d = describeHresult(hresult);
  const code = symbolicCode ?? d.code ?? `HRESULT_${d.hex}`;
  const text = systemMessage?.trim() || info?.message || d.message;
  return new Cls({
    family,
    code,
    hresult,
    call,
    message: `${call} failed: ${code} (${toHex(hresult)}): ${text}`,
    retryable: info?.retryable ?? d.retryable,
    systemMessage,
  });
}

function miHresult(details: MiErrorDetails | undefined): number | undefined {
  if (!details || details.errorCode === undefined) return undefined;
  if (details.errorType === 'HRESULT') return details.errorCode >>> 0;
  if (details.errorType === 'WIN32') return hresultFromWin32(details.errorCode);
  return undefined;
}

/** A typed MI error for an MI_Result. */
export function miErrorFrom(miResult: number, call: string, errorMessage?: string, details?: MiErrorDetails): MiError {
  const code = miResultName(miResult);
  const known = MI_RESULTS.find((r) => r.value === miResult);
  const text = errorMessage?.trim() || details?.message || known?.message || 'unknown MI_Result';
  const hresult = miHresult(details);
  return new MiError({
    family: 'mi',
    code,
    hresult,
    call,
    message: `${call} failed: ${code} (${miResult}): ${text}`,
    retryable: miResult === 27 /* SERVER_LIMITS_EXCEEDED */,
    miResult,
    details,
  });
}

export { describeHresult };
