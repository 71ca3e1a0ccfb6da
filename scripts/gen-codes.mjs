#!/usr/bin/env node
// Regenerates lib/codes.generated.ts from the reference fact tables in ../shared/reference
// (relative to the repository root).
//
//   node scripts/gen-codes.mjs            write lib/codes.generated.ts
//   node scripts/gen-codes.mjs --check    exit 1 if lib/codes.generated.ts is stale
//   node scripts/gen-codes.mjs --stdout   print the generated file
//   node scripts/gen-codes.mjs --ref DIR  read the markdown from DIR instead
//
// Parsed tables (heading text must match, rows are `| SYMBOL | VALUE | TEXT |...`):
//   vss.md     "## Complete VSS HRESULT table"            -> family 'vss'
//   imapi2.md  "## IMAPI HRESULTs — complete table"        -> family 'imapi2'
//   axe.md     "## AXE HRESULTs"                           -> family 'axe'
//   mi.md      "## MI_Result"                              -> MI_RESULTS (not HRESULTs)
//   mi.md      "## MI_ErrorCategory"                       -> MI_ERROR_CATEGORIES (prose list `N NAME, ...`)
// COM and Win32 codes are not in the reference tables and are listed by hand below.
//
// The generator never invents a value: a row whose value column has no 0x literal must say
// "not published" (the AXE codes), and is emitted with `value: undefined, unpublished: true`.

import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const refIdx = args.indexOf('--ref');
const refDir = refIdx >= 0 && args[refIdx + 1] ? resolve(args[refIdx + 1]) : resolve(repoRoot, '../shared/reference');
const outFile = join(repoRoot, 'lib', 'codes.generated.ts');

// ---------------------------------------------------------------------------------------------
// Retryable classification. true exactly for these names; every other code is false.
// Source of each fact:
const RETRYABLE = new Map([
  // vss.md, "Per-method error lists": DoSnapshotSet documents FLUSH/HOLD_WRITES_TIMEOUT as "transient ... wait ten
  // minutes and try again, up to three times"; PROVIDER_VETO and UNEXPECTED_PROVIDER_ERROR as "(only via QueryStatus;
  // transient)". The same section closes with '"retryable" classification worth encoding: FLUSH_WRITES_TIMEOUT,
  // HOLD_WRITES_TIMEOUT, PROVIDER_VETO, UNEXPECTED_PROVIDER_ERROR, SNAPSHOT_SET_IN_PROGRESS, WRITERERROR_RETRYABLE,
  // WRITERERROR_TIMEOUT'.
  ['VSS_E_FLUSH_WRITES_TIMEOUT', 'vss.md DoSnapshotSet: "transient ... wait ten minutes and try again, up to three times"'],
  ['VSS_E_HOLD_WRITES_TIMEOUT', 'vss.md DoSnapshotSet: "transient ... wait ten minutes and try again, up to three times"'],
  ['VSS_E_PROVIDER_VETO', 'vss.md DoSnapshotSet: "only via QueryStatus; transient"'],
  ['VSS_E_UNEXPECTED_PROVIDER_ERROR', 'vss.md DoSnapshotSet: "only via QueryStatus; transient"'],
  ['VSS_E_SNAPSHOT_SET_IN_PROGRESS', 'vsserror.h text: "Wait a few moments and try again" (vss.md retryable list)'],
  ['VSS_E_WRITERERROR_RETRYABLE', 'vsserror.h text: "Writer transient error; retry may succeed" (vss.md retryable list)'],
  ['VSS_E_WRITERERROR_TIMEOUT', 'vss.md retryable list (writer timeout between Freeze and Thaw)'],
  // sdk-api nf-vsbackup-ivssbackupcomponents-getwriterstatus.md, pHrResultFailure: OUTOFRESOURCES, TIMEOUT and
  // RETRYABLE each "The recommended way to handle this error code is to wait ten minutes and then repeat the
  // operation, up to three times"; win32 desktop-src/VSS/writer-errors-and-vetoes.md: WRITER_STATUS_NOT_AVAILABLE
  // "retrying might work when the system is less busy". NONRETRYABLE and WRITER_NOT_RESPONDING ("a writer error so
  // severe as to preclude trying to back up its data with VSS") and INCONSISTENTSNAPSHOT ("add additional volumes")
  // are not.
  ['VSS_E_WRITERERROR_OUTOFRESOURCES', 'GetWriterStatus docs: "wait ten minutes and then repeat the operation, up to three times"'],
  ['VSS_E_WRITER_STATUS_NOT_AVAILABLE', 'writer-errors-and-vetoes.md: "retrying might work when the system is less busy"'],
  // imapi2.md, IMAPI return values table (imapi-return-values.md):
  ['E_IMAPI_RECORDER_MEDIA_BECOMING_READY', 'imapi2.md: "in the process of becoming ready. Please try the request again later."'],
  ['E_IMAPI_RECORDER_MEDIA_BUSY', 'imapi2.md: drive "is performing a long-running operation, such as finishing a write" (drive says try later)'],
]);
// Deliberately NOT retryable (no reference text calls them transient): AXE_* (no doc marks any AXE code transient),
// all COM / Win32 codes, E_IMAPI_RECORDER_MEDIA_FORMAT_IN_PROGRESS and E_IMAPI_ERASE_RECORDER_IN_USE ("wait for ... to
// complete" refers to a state the caller can observe, not a transient device condition).

// ---------------------------------------------------------------------------------------------
// Messages the reference tables cut short, restored from the header's MessageText (issue 12, item 7). Only rows checked
// against the header are listed; the rest are the reference's text.
const MESSAGE_FIXES = new Map([
  // vsserror.h, MessageId VSS_E_PROVIDER_VETO: the reference table ends at "...event logs".
  ['VSS_E_PROVIDER_VETO', 'The shadow copy provider had an error. Check the System and Application event logs for more information.'],
]);

// Hand-written COM codes (winerror.h). Messages are the usual system message text (FormatMessage) or the
// winerror.h MessageText.
const COM_CODES = [
  ['S_OK', 0x00000000, 'The operation completed successfully.'],
  ['S_FALSE', 0x00000001, 'The operation succeeded but returned a false/no-op result (S_FALSE).'],
  ['E_ACCESSDENIED', 0x80070005, 'Access is denied.'],
  ['E_INVALIDARG', 0x80070057, 'The parameter is incorrect.'],
  ['E_NOTIMPL', 0x80004001, 'Not implemented.'],
  ['E_OUTOFMEMORY', 0x8007000e, 'Not enough memory resources are available to complete this operation.'],
  ['E_FAIL', 0x80004005, 'Unspecified error.'],
  ['E_UNEXPECTED', 0x8000ffff, 'Catastrophic failure.'],
  ['E_POINTER', 0x80004003, 'Invalid pointer.'],
  ['E_NOINTERFACE', 0x80004002, 'No such interface supported.'],
  ['E_ABORT', 0x80004004, 'Operation aborted.'],
  ['E_BOUNDS', 0x8000000b, 'The operation attempted to access data outside the valid range.'],
  ['E_HANDLE', 0x80070006, 'The handle is invalid.'],
  ['REGDB_E_CLASSNOTREG', 0x80040154, 'Class not registered.'],
  ['CO_E_NOTINITIALIZED', 0x800401f0, 'CoInitialize has not been called.'],
  ['RPC_E_CHANGED_MODE', 0x80010106, 'Cannot change thread mode after it is set.'],
  ['CLASS_E_NOAGGREGATION', 0x80040110, 'Class does not support aggregation (or class object is remote).'],
  ['RPC_E_TOO_LATE', 0x80010119, 'Security must be initialized before any interfaces are marshalled or unmarshalled. It cannot be changed once initialized.'],
];

// Hand-written Win32 error codes, emitted as HRESULT_FROM_WIN32(code) = 0x8007xxxx under the symbolic Win32 name.
const WIN32_CODES = [
  ['ERROR_FILE_NOT_FOUND', 2, 'The system cannot find the file specified.'],
  ['ERROR_PATH_NOT_FOUND', 3, 'The system cannot find the path specified.'],
  ['ERROR_ACCESS_DENIED', 5, 'Access is denied.'],
  ['ERROR_INVALID_HANDLE', 6, 'The handle is invalid.'],
  ['ERROR_NOT_ENOUGH_MEMORY', 8, 'Not enough memory resources are available to process this command.'],
  ['ERROR_INVALID_DATA', 13, 'The data is invalid.'],
  ['ERROR_NOT_READY', 21, 'The device is not ready.'],
  ['ERROR_SHARING_VIOLATION', 32, 'The process cannot access the file because it is being used by another process.'],
  ['ERROR_NOT_SUPPORTED', 50, 'The request is not supported.'],
  ['ERROR_BAD_NETPATH', 53, 'The network path was not found.'],
  ['ERROR_DEV_NOT_EXIST', 55, 'The specified network resource or device is no longer available.'],
  ['ERROR_INVALID_PARAMETER', 87, 'The parameter is incorrect.'],
  ['ERROR_INSUFFICIENT_BUFFER', 122, 'The data area passed to a system call is too small.'],
  ['ERROR_MOD_NOT_FOUND', 126, 'The specified module could not be found.'],
  ['ERROR_PROC_NOT_FOUND', 127, 'The specified procedure could not be found.'],
  ['ERROR_ALREADY_EXISTS', 183, 'Cannot create a file when that file already exists.'],
  ['WAIT_TIMEOUT', 258, 'The wait operation timed out.'],
  ['ERROR_DIRECTORY', 267, 'The directory name is invalid.'],
  ['ERROR_RANGE_NOT_FOUND', 644, 'The specified range could not be found in the range list.'],
  ['ERROR_OPERATION_ABORTED', 995, 'The I/O operation has been aborted because of either a thread exit or an application request.'],
  ['ERROR_IO_PENDING', 997, 'Overlapped I/O operation is in progress.'],
  ['ERROR_NOT_FOUND', 1168, 'Element not found.'],
  ['ERROR_CANCELLED', 1223, 'The operation was canceled by the user.'],
  ['ERROR_PRIVILEGE_NOT_HELD', 1314, 'A required privilege is not held by the client.'],
  ['ERROR_LOGON_FAILURE', 1326, 'The user name or password is incorrect.'],
  ['ERROR_TIMEOUT', 1460, 'This operation returned because the timeout period expired.'],
  ['RPC_S_SERVER_UNAVAILABLE', 1722, 'The RPC server is unavailable.'],
];

const hresultFromWin32 = (code) => (code <= 0 ? code >>> 0 : ((code & 0xffff) | 0x80070000) >>> 0);

// ---------------------------------------------------------------------------------------------
// Markdown parsing

function readRef(file) {
  const p = join(refDir, file);
  if (!existsSync(p)) throw new Error(`gen-codes: reference file not found: ${p}`);
  return readFileSync(p, 'utf8').split(/\r?\n/);
}

/** Lines of the markdown section whose heading starts with `heading`, up to the next heading. */
function section(lines, file, heading) {
  const start = lines.findIndex((l) => /^#{2,}\s/.test(l) && l.replace(/^#+\s*/, '').startsWith(heading));
  if (start < 0) throw new Error(`gen-codes: heading "${heading}" not found in ${file}`);
  const out = [];
  for (let i = start + 1; i < lines.length; i++) {
    const l = lines[i];
    if (/^#{1,6}\s/.test(l)) break;
    out.push(l);
  }
  return out;
}

/** Table rows of a section as arrays of trimmed cells; header and separator rows removed. */
function tableRows(lines) {
  const rows = [];
  let seenHeader = false;
  for (const l of lines) {
    if (!l.startsWith('|')) {
      if (seenHeader && rows.length > 0) break; // table ended
      continue;
    }
    const cells = l.replace(/^\|/, '').replace(/\|\s*$/, '').split('|').map((c) => c.trim());
    if (!seenHeader) {
      seenHeader = true; // first row is the header
      continue;
    }
    if (cells.every((c) => /^:?-+:?$/.test(c))) continue;
    rows.push(cells);
  }
  return rows;
}

const SYMBOL = /^[A-Z][A-Z0-9_]*$/;

/**
 * Turns table rows into codes. Rows whose first cell is not a symbol (e.g. "(0x8004231C unassigned)") are skipped
 * but must not carry a value.
 */
function codesFromRows(rows, family, file) {
  const out = [];
  for (const cells of rows) {
    const [sym = '', valueCell = '', text = ''] = cells;
    if (!SYMBOL.test(sym)) {
      if (/0x[0-9a-f]+/i.test(valueCell)) throw new Error(`gen-codes: ${file}: unexpected row "${cells.join(' | ')}"`);
      continue;
    }
    const m = /0x([0-9A-Fa-f]{1,8})\b/.exec(valueCell);
    let value;
    // "not published" wins over any 0x literal in the cell: the AXE rows mention candidate values in prose
    // ("probably same meaning as AXE_E_JOB_NOT_RUNNING 0x80041006", "gap 0x80041024 is a candidate").
    if (/not published/i.test(valueCell)) {
      value = undefined;
    } else if (m) {
      value = parseInt(m[1], 16) >>> 0;
    } else {
      throw new Error(`gen-codes: ${file}: row ${sym} has neither a 0x value nor "not published": "${valueCell}"`);
    }
    const message = MESSAGE_FIXES.get(sym) ?? text.replace(/\*\*/g, '').trim();
    if (!message) throw new Error(`gen-codes: ${file}: row ${sym} has no message`);
    out.push({ name: sym, value, family, message, valueNote: valueCell.replace(/\*\*/g, '').trim() });
  }
  return out;
}

const vss = codesFromRows(tableRows(section(readRef('vss.md'), 'vss.md', 'Complete VSS HRESULT table')), 'vss', 'vss.md');
const imapi2 = codesFromRows(
  tableRows(section(readRef('imapi2.md'), 'imapi2.md', 'IMAPI HRESULTs — complete table')),
  'imapi2',
  'imapi2.md',
);
const axe = codesFromRows(tableRows(section(readRef('axe.md'), 'axe.md', 'AXE HRESULTs')), 'axe', 'axe.md');

const miLines = readRef('mi.md');
const miResults = tableRows(section(miLines, 'mi.md', 'MI_Result'))
  .filter(([n = '']) => SYMBOL.test(n))
  .map(([name = '', v = '', message = '']) => {
    if (!/^\d+$/.test(v)) throw new Error(`gen-codes: mi.md: bad MI_Result value for ${name}: "${v}"`);
    return { name, value: Number(v), message };
  });

const catText = section(miLines, 'mi.md', 'MI_ErrorCategory').join(' ');
const miCategories = [];
for (const m of catText.matchAll(/(?:^|[\s,])(\d+)\s+([A-Z][A-Z0-9_]*)/g)) {
  miCategories.push({ name: `MI_ERRORCATEGORY_${m[2]}`, value: Number(m[1]) });
}

// ---------------------------------------------------------------------------------------------
// Sanity checks (fail loudly rather than write a wrong table)

function check(cond, msg) {
  if (!cond) throw new Error(`gen-codes: ${msg}`);
}
check(imapi2.length === 149, `expected 149 IMAPI codes, parsed ${imapi2.length}`);
check(vss.length > 0 && axe.length > 0, 'empty VSS or AXE table');
check(miResults[0]?.name === 'MI_RESULT_OK' && miResults.at(-1)?.name === 'MI_RESULT_SERVER_IS_SHUTTING_DOWN', 'MI_Result range');
check(
  miCategories.length > 0 && miCategories.every((c, i) => c.value === i),
  `MI_ErrorCategory values must be 0..n-1, got ${miCategories.map((c) => c.value).join(',')}`,
);
check(miCategories.some((c) => c.name === 'MI_ERRORCATEGORY_CLOS_EERROR'), 'CLOS_EERROR spelling not found');

const com = COM_CODES.map(([name, value, message]) => ({ name, value: value >>> 0, family: 'com', message }));
const win32 = WIN32_CODES.map(([name, code, message]) => ({
  name,
  value: hresultFromWin32(code),
  family: 'win32',
  message,
  win32: code,
}));

// Order matters: codeByValue returns the first entry with a value. COM before Win32 so that e.g. 0x80070005 reads as
// E_ACCESSDENIED; within AXE the doc order puts AXE_E_UNKNOWN_WIN32_ERROR before AXE_E_WIN32_ERROR.
const all = [...com, ...win32, ...vss, ...imapi2, ...axe];

const names = new Set();
for (const c of all) {
  check(!names.has(c.name), `duplicate name ${c.name}`);
  names.add(c.name);
  c.success = c.value === undefined ? false : c.value >>> 31 === 0;
  c.retryable = RETRYABLE.has(c.name);
}
for (const n of RETRYABLE.keys()) check(names.has(n), `retryable code ${n} not found in any table`);

// Shared values: report them in the generated header so the aliasing is visible.
const byValue = new Map();
for (const c of all) {
  if (c.value === undefined) continue;
  const list = byValue.get(c.value) ?? [];
  list.push(c.name);
  byValue.set(c.value, list);
}
const shared = [...byValue.entries()].filter(([, l]) => l.length > 1);
const ALLOWED_SHARED = new Set([
  'AXE_E_UNKNOWN_WIN32_ERROR,AXE_E_WIN32_ERROR',
  'E_ACCESSDENIED,ERROR_ACCESS_DENIED',
  'E_HANDLE,ERROR_INVALID_HANDLE',
  'E_INVALIDARG,ERROR_INVALID_PARAMETER',
]);
for (const [v, l] of shared) {
  check(ALLOWED_SHARED.has(l.join(',')), `unexpected shared value 0x${v.toString(16)}: ${l.join(', ')}`);
}

// ---------------------------------------------------------------------------------------------
// Emit

const hex = (v) => `0x${v.toString(16).toUpperCase().padStart(8, '0')}`;
const q = (s) => JSON.stringify(s);

function emitCode(c) {
  const parts = [`name: ${q(c.name)}`];
  parts.push(`value: ${c.value === undefined ? 'undefined' : hex(c.value)}`);
  parts.push(`family: ${q(c.family)}`);
  parts.push(`message: ${q(c.message)}`);
  parts.push(`success: ${c.success}`);
  parts.push(`retryable: ${c.retryable}`);
  if (c.win32 !== undefined) parts.push(`win32: ${c.win32}`);
  if (c.value === undefined) parts.push('unpublished: true');
  let line = `  { ${parts.join(', ')} },`;
  if (c.value === undefined) {
    const extra = c.valueNote.replace(/^not published\s*/i, '').replace(/^\((.*)\)$/, '$1').trim();
    line = `  // ${c.name}: numeric value not published by Microsoft${extra ? ` — reference note: ${extra}` : ''}.\n${line}`;
  }
  if (c.retryable) line = `  // retryable: ${RETRYABLE.get(c.name)}\n${line}`;
  return line;
}

const count = (f) => all.filter((c) => c.family === f).length;
const out = [];
out.push('// GENERATED FILE — do not edit by hand. Regenerate with `node scripts/gen-codes.mjs`.');
out.push('// Source: ../shared/reference/{vss,mi,imapi2,axe}.md tables; COM/Win32 codes are listed in the script.');
out.push(
  `// Counts: com ${count('com')}, win32 ${count('win32')}, vss ${count('vss')}, imapi2 ${count('imapi2')}, axe ${count('axe')}` +
    ` (total ${all.length}); MI_Result ${miResults.length}; MI_ErrorCategory ${miCategories.length}.`,
);
out.push('// Values shared by two names (codeByValue returns the first listed):');
for (const [v, l] of shared) out.push(`//   ${hex(v)}: ${l.join(', ')}`);
out.push('');
out.push("import type { CodeInfo } from './codes';", '', "/** A table row; lib/codes.ts adds `code` and `hresult` (the same as name and value). */", "export type GeneratedCodeInfo = Omit<CodeInfo, 'code' | 'hresult'>;");
out.push('');
out.push('export const GENERATED_HRESULT_CODES: readonly GeneratedCodeInfo[] = [');
let fam = '';
for (const c of all) {
  if (c.family !== fam) {
    fam = c.family;
    out.push(`  // ---- ${fam} ----`);
  }
  out.push(emitCode(c));
}
out.push('];');
out.push('');
out.push('export const GENERATED_MI_RESULTS: readonly { readonly name: string; readonly value: number; readonly message: string }[] = [');
for (const r of miResults) out.push(`  { name: ${q(r.name)}, value: ${r.value}, message: ${q(r.message)} },`);
out.push('];');
out.push('');
out.push('/** Every symbolic HRESULT name above (WinopsError.code is one of these, an MI result name, or a WINOPS_ code). */');
out.push('export type GeneratedHresultName =');
for (const name of [...new Set(all.map((c) => c.name))]) out.push(`  | ${q(name)}`);
out.push('  ;');
out.push('');
out.push('/** Every MI_Result name. */');
out.push('export type GeneratedMiResultName =');
for (const r of miResults) out.push(`  | ${q(r.name)}`);
out.push('  ;');
out.push('');
out.push('// Names exactly as mi.md spells them, including MI_ERRORCATEGORY_CLOS_EERROR (sic — the header typo, kept).');
out.push('export const GENERATED_MI_ERROR_CATEGORIES: readonly { readonly name: string; readonly value: number }[] = [');
for (const r of miCategories) out.push(`  { name: ${q(r.name)}, value: ${r.value} },`);
out.push('];');
out.push('');
const text = out.join('\n');

if (args.includes('--stdout')) {
  process.stdout.write(text);
} else if (args.includes('--check')) {
  const current = existsSync(outFile) ? readFileSync(outFile, 'utf8') : '';
  if (current !== text) {
    console.error(`gen-codes: ${outFile} is stale; run node scripts/gen-codes.mjs`);
    process.exit(1);
  }
  console.log('gen-codes: up to date');
} else {
  writeFileSync(outFile, text);
  console.log(`gen-codes: wrote ${outFile} (${all.length} HRESULT codes, ${miResults.length} MI results, ${miCategories.length} categories)`);
}
