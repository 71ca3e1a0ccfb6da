// Symbolic names, messages and classification for every HRESULT / MI_Result winops can surface.
//
// The tables live in ./codes.generated.ts, produced by scripts/gen-codes.mjs from ../shared/reference/*.md (VSS, IMAPI2,
// AXE, MI) plus a hand-written list of common COM and Win32 codes. This file is the API over those tables.
//
// Shared values (documented, deliberate):
//   0x80040203  AXE_E_UNKNOWN_WIN32_ERROR and AXE_E_WIN32_ERROR (axe.md: SolutionError vs AssessmentError names for the
//               same number). codeByValue returns AXE_E_UNKNOWN_WIN32_ERROR (first in the doc table). Checked against
//               the published values (issue 12): the SolutionError page gives SolutionErrorUnknownWin32Error =
//               AXE_E_UNKNOWN_WIN32_ERROR = 0x80040203; the AssessmentError page names AXE_E_WIN32_ERROR without a
//               value, and the managed Microsoft.Assessments.Runtime.AssessmentError.UnknownWin32Error is -2147220989
//               = 0x80040203. So they do share it (learn.microsoft.com/previous-versions/windows/desktop/axe/
//               solutionerror, .../assessmenterror, .../assessmenterror-enumeration-microsoft-assessments-runtime).
//   0x80070005  E_ACCESSDENIED  = HRESULT_FROM_WIN32(ERROR_ACCESS_DENIED)
//   0x80070006  E_HANDLE        = HRESULT_FROM_WIN32(ERROR_INVALID_HANDLE)
//   0x80070057  E_INVALIDARG    = HRESULT_FROM_WIN32(ERROR_INVALID_PARAMETER)
//               (winerror.h defines these COM codes as the Win32 errors; codeByValue returns the COM name.)
// Both names of each pair resolve with codeByName.

import { GENERATED_HRESULT_CODES, GENERATED_MI_ERROR_CATEGORIES, GENERATED_MI_RESULTS, type GeneratedHresultName, type GeneratedMiResultName } from './codes.generated';

/** winops' own codes, for conditions that are not a Windows call's result. */
export const WINOPS_CODES = Object.freeze([
  'WINOPS_AXE_REBOOT_UNSUPPORTED', 'WINOPS_AXE_UNAVAILABLE', 'WINOPS_BAD_BACKEND', 'WINOPS_INTERNAL', 'WINOPS_NATIVE_INCOMPLETE', 'WINOPS_NATIVE_UNAVAILABLE',
  'WINOPS_NO_ASSESSMENT_RUNNING', 'WINOPS_NO_BACKEND', 'WINOPS_RELEASED', 'WINOPS_SESSION_CLOSED', 'WINOPS_WRITER_FAILED',
] as const);
export type WinopsCode = (typeof WINOPS_CODES)[number];

/**
 * Every code winops knows by name: the HRESULTs of the four APIs and of COM/Win32, MI results and winops' own. An
 * unknown HRESULT is 'HRESULT_0x........' (see codeOf), so `WinopsError.code` is typed `KnownCode | (string & {})`:
 * editors complete the known names and a comparison with a misspelt one still compiles only as a plain string.
 */
export type KnownCode = GeneratedHresultName | GeneratedMiResultName | WinopsCode;

export type CodeFamily = 'vss' | 'mi' | 'imapi2' | 'axe' | 'com' | 'win32';

export interface CodeInfo {
  /** The symbolic name, e.g. 'VSS_E_BAD_STATE' (what `code` means everywhere in winops). */
  readonly code: string;
  /** uint32. `undefined` only for AXE codes whose value Microsoft never published (then `unpublished: true`). */
  readonly hresult: number | undefined;
  /** @deprecated The same as `code` (the name before 0.2). */
  readonly name: string;
  /** @deprecated The same as `hresult` (the name before 0.2). */
  readonly value: number | undefined;
  readonly family: CodeFamily;
  readonly message: string;
  /** Severity bit clear (SUCCEEDED(hr)). Always false for unpublished codes. */
  readonly success: boolean;
  /** Documented as transient; see RETRYABLE in scripts/gen-codes.mjs for the source of each fact. */
  readonly retryable: boolean;
  /** Present (and true) only when the numeric value is unpublished. */
  readonly unpublished?: true;
  /** For family 'win32': the Win32 error code whose HRESULT_FROM_WIN32 form is `value`. */
  readonly win32?: number;
}

/** Every HRESULT-style code (COM, Win32-as-HRESULT, VSS, IMAPI2, AXE). MI_Result values are in MI_RESULTS. */
export const HRESULT_CODES: readonly CodeInfo[] = Object.freeze(
  GENERATED_HRESULT_CODES.map((c): CodeInfo => Object.freeze({ code: c.name, hresult: c.value, ...c })),
);

const byName = new Map<string, CodeInfo>();
const byValue = new Map<number, CodeInfo>();
for (const c of HRESULT_CODES) {
  byName.set(c.name, c);
  // First entry wins for shared values (see header comment).
  if (c.value !== undefined && !byValue.has(c.value)) byValue.set(c.value, c);
}

/** Exact (case-sensitive) symbolic name, e.g. 'VSS_E_BAD_STATE'. */
export function codeByName(name: string): CodeInfo | undefined {
  return typeof name === 'string' ? byName.get(name) : undefined;
}

/** Lookup by numeric value; accepts uint32 or negative int32 (normalised with `>>> 0`). Non-integers -> undefined. */
export function codeByValue(hresult: number): CodeInfo | undefined {
  if (!isHresultNumber(hresult)) return undefined;
  return byValue.get(hresult >>> 0);
}

/**
 * The symbolic name of an HRESULT, as `code` carries it everywhere in winops: the known name ('S_OK',
 * 'VSS_E_BAD_STATE'), else 'HRESULT_' and the value in hex ('HRESULT_0x80071234'), so that a code is never empty.
 */
export function codeOf(hresult: number): string {
  if (!isHresultNumber(hresult)) throw new TypeError(HR_TYPE_ERROR);
  if (hresult >>> 0 === 0) return 'S_OK';
  return byValue.get(hresult >>> 0)?.code ?? `HRESULT_${toHex(hresult)}`;
}

/** MI_RESULT_OK (0) .. MI_RESULT_SERVER_IS_SHUTTING_DOWN (28); 18 and 19 are unused. */
export const MI_RESULTS: readonly { readonly name: string; readonly value: number; readonly message: string }[] =
  Object.freeze(GENERATED_MI_RESULTS.map((r) => Object.freeze(r)));

const miResultByValue = new Map<number, string>(MI_RESULTS.map((r) => [r.value, r.name]));

/** Symbolic MI_Result name; unknown values give `MI_RESULT_${value}`. */
export function miResultName(value: number): string {
  return miResultByValue.get(value) ?? `MI_RESULT_${value}`;
}

/**
 * MI_ERRORCATEGORY_* (0..31). Names are spelled exactly as in mi.h / mi.md, including the header's typo
 * `MI_ERRORCATEGORY_CLOS_EERROR` (value 2, "close error") — kept as-is so it matches the C constant.
 */
export const MI_ERROR_CATEGORIES: readonly { readonly name: string; readonly value: number }[] = Object.freeze(
  GENERATED_MI_ERROR_CATEGORIES.map((r) => Object.freeze(r)),
);

const miCategoryByValue = new Map<number, string>(MI_ERROR_CATEGORIES.map((r) => [r.value, r.name]));

/** Symbolic MI_ErrorCategory name; unknown values give `MI_ERRORCATEGORY_${value}`. */
export function miErrorCategoryName(value: number): string {
  return miCategoryByValue.get(value) ?? `MI_ERRORCATEGORY_${value}`;
}

/** AXE codes named in Microsoft's docs whose numeric value was never published (value: undefined). */
export const UNPUBLISHED_AXE_CODES: readonly string[] = Object.freeze(
  HRESULT_CODES.filter((c) => c.family === 'axe' && c.unpublished === true).map((c) => c.name),
);

export interface HresultDescription {
  /** uint32 form of the input. */
  hresult: number;
  /** '0x80042306' (8 upper-case hex digits). */
  hex: string;
  /** The symbolic name ('VSS_E_PROVIDER_VETO'), as `code` means everywhere in winops; undefined when unknown. */
  code: string | undefined;
  /** @deprecated The same as `code` (the name before 0.2). */
  name: string | undefined;
  family: CodeFamily | 'unknown';
  message: string;
  success: boolean;
  retryable: boolean;
  severity: 0 | 1;
  facility: number;
  facilityName: string;
  /** The HRESULT's 16-bit Code field (the low 16 bits, MS-ERREF 2.1); for FACILITY_WIN32, the Win32 error. */
  codeField: number;
  /** Set when facility is FACILITY_WIN32 (7): the Win32 error code. */
  win32?: number;
}

const FACILITY_NAMES: ReadonlyMap<number, string> = new Map([
  [0, 'FACILITY_NULL'],
  [1, 'FACILITY_RPC'],
  [2, 'FACILITY_DISPATCH'],
  [3, 'FACILITY_STORAGE'],
  [4, 'FACILITY_ITF'],
  [7, 'FACILITY_WIN32'],
  [8, 'FACILITY_WINDOWS'],
  [9, 'FACILITY_SSPI'],
  [10, 'FACILITY_CONTROL'],
  [11, 'FACILITY_CERT'],
  [12, 'FACILITY_INTERNET'],
  [17, 'FACILITY_COMPLUS'],
  [25, 'FACILITY_HTTP'],
  [0xaa, 'FACILITY_IMAPI2'],
]);

const HR_TYPE_ERROR = 'hr must be an integer HRESULT (int32 or uint32)';

function isHresultNumber(hr: unknown): hr is number {
  return typeof hr === 'number' && Number.isInteger(hr) && hr >= -0x80000000 && hr <= 0xffffffff;
}

function assertHresult(hr: unknown): asserts hr is number {
  if (!isHresultNumber(hr)) throw new TypeError(HR_TYPE_ERROR);
}

/** '0x80042306'. Accepts int32 or uint32; throws TypeError otherwise. */
export function toHex(hr: number): string {
  assertHresult(hr);
  return `0x${(hr >>> 0).toString(16).toUpperCase().padStart(8, '0')}`;
}

/**
 * HRESULT_FROM_WIN32: values <= 0 (as int32, i.e. 0 or already an HRESULT with the severity bit) pass through
 * unchanged; otherwise `0x80070000 | (code & 0xFFFF)`. Returns uint32.
 */
export function hresultFromWin32(code: number): number {
  if (!isHresultNumber(code)) throw new TypeError('code must be an integer Win32 error code (int32 or uint32)');
  const signed = code | 0;
  if (signed <= 0) return signed >>> 0;
  return ((code & 0xffff) | 0x80070000) >>> 0;
}

function facilityNameOf(facility: number): string {
  return FACILITY_NAMES.get(facility) ?? `FACILITY_0x${facility.toString(16).toUpperCase()}`;
}

/**
 * Decodes any 32-bit value (int32 or uint32) into name, family, message and HRESULT fields. Unknown codes get a message
 * built from facility and code, e.g. 'Unknown HRESULT 0x80071234 (FACILITY_WIN32, Win32 error 4660)'.
 * Facility is the 11-bit field (bits 16..26, MS-ERREF 2.1).
 */
export function describeHresult(hr: number): HresultDescription {
  assertHresult(hr);
  const u = hr >>> 0;
  const severity: 0 | 1 = u >>> 31 === 1 ? 1 : 0;
  const facility = (u >>> 16) & 0x7ff;
  const code = u & 0xffff;
  const facilityName = facilityNameOf(facility);
  const hex = toHex(u);
  const known = byValue.get(u);
  const base = {
    hresult: u,
    hex,
    severity,
    facility,
    facilityName,
    codeField: code,
  };
  const win32Part = facility === 7 ? { win32: code } : {};
  if (known) {
    return {
      ...base,
      code: known.name,
      name: known.name,
      family: known.family,
      message: known.message,
      success: known.success,
      retryable: known.retryable,
      ...win32Part,
    };
  }
  const detail =
    facility === 7
      ? `Win32 error ${code}`
      : `code 0x${code.toString(16).toUpperCase().padStart(4, '0')}`;
  return {
    ...base,
    code: undefined,
    name: undefined,
    family: 'unknown',
    message: `Unknown ${severity === 0 ? 'success ' : ''}HRESULT ${hex} (${facilityName}, ${detail})`,
    success: severity === 0,
    retryable: false,
    ...win32Part,
  };
}
