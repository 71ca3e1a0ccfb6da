/**
 * Turning library values into text and JSON for the CLI: instances, outcomes, errors.
 *
 * JSON conventions (documented in docs/cli.md): 64-bit integers (bigint) become decimal strings, datetimes ISO-8601
 * strings, HRESULTs '0x8004230F' strings (with the number beside them where useful), embedded instances
 * { class, properties }.
 */
import type { CancelOutcomeBase } from '../operation';
import { MI_CLASS, MI_NAMESPACE, type MiInstance, type MiJsValue } from '../mi';
import { BackendUnavailableError, MiError, WinopsError } from '../errors';
import { toHex } from '../codes';
import { VssWriterError, type VssWriterCheckpoint, type VssWriterStatus } from '../vss-writers';
import { UsageError } from './exit';

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

function isInstance(v: unknown): v is MiInstance {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date) && MI_CLASS in v;
}

/** A property value as JSON. */
export function miValueToJson(v: MiJsValue): Json {
  if (v === null) return null;
  if (typeof v === 'bigint') return v.toString();
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : v.toISOString();
  if (Array.isArray(v)) return (v as readonly MiJsValue[]).map(miValueToJson);
  if (isInstance(v)) return instanceToJson(v);
  if (typeof v === 'object') {
    const out: Record<string, Json> = {};
    for (const [k, x] of Object.entries(v)) out[k] = typeof x === 'number' || typeof x === 'string' ? x : String(x);
    return out;
  }
  return v as string | number | boolean;
}

/** An instance as { class, namespace, properties }. */
export function instanceToJson(instance: MiInstance): { class: string | null; namespace: string | null; properties: Record<string, Json> } {
  const properties: Record<string, Json> = {};
  for (const [k, v] of Object.entries(instance)) properties[k] = miValueToJson(v);
  return { class: instance[MI_CLASS] ?? null, namespace: instance[MI_NAMESPACE] ?? null, properties };
}

/** A property value for people. */
export function miValueToText(v: MiJsValue): string {
  if (v === null) return '(null)';
  if (typeof v === 'bigint') return v.toString();
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? '(invalid date)' : v.toISOString();
  if (Array.isArray(v)) return `{${(v as readonly MiJsValue[]).map(miValueToText).join(', ')}}`;
  if (isInstance(v)) {
    const inner = Object.entries(v)
      .map(([k, x]) => `${k}=${miValueToText(x)}`)
      .join('; ');
    return `${v[MI_CLASS] ?? 'instance'} {${inner}}`;
  }
  if (typeof v === 'object') {
    const i = v as { days: number; hours: number; minutes: number; seconds: number; microseconds: number };
    return `${i.days}d ${i.hours}h ${i.minutes}m ${i.seconds}s ${i.microseconds}us`;
  }
  return String(v);
}

/** An instance as `Class` then aligned `Name : value` lines (like Format-List). */
export function instanceToText(instance: MiInstance): string {
  const entries = Object.entries(instance);
  const width = Math.min(32, entries.reduce((w, [k]) => Math.max(w, k.length), 0));
  const lines = [instance[MI_CLASS] ?? '(instance)'];
  for (const [k, v] of entries) lines.push(`  ${k.padEnd(width)} : ${miValueToText(v)}`);
  return lines.join('\n');
}

/** Any plain value as JSON: bigint to string, Date to ISO, undefined dropped, numbers named hresult to hex too. */
export function toJson(value: unknown): Json {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (Array.isArray(value)) return value.map(toJson);
  if (typeof value === 'object') {
    const out: Record<string, Json> = {};
    for (const [k, v] of Object.entries(value)) {
      if (v === undefined) continue;
      if (k === 'hresult' && typeof v === 'number') out[k] = toHex(v);
      else out[k] = toJson(v);
    }
    return out;
  }
  return String(value);
}

/** 'status=cancelled step=doSnapshotSet code=S_OK backupAborted=true' */
export function outcomeToText(outcome: CancelOutcomeBase): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(outcome)) {
    if (k === 'family' || v === undefined) continue;
    if (k === 'steps' && Array.isArray(v)) {
      const steps = (v as { step: string; code: string; at?: number }[]).map((s) => `${s.step}→${s.code}${s.at !== undefined ? `@${Math.round(s.at)}ms` : ''}`);
      parts.push(`steps=[${steps.join(', ')}]`);
      continue;
    }
    parts.push(`${k}=${k === 'hresult' && typeof v === 'number' ? toHex(v) : typeof v === 'object' ? JSON.stringify(toJson(v)) : String(v)}`);
  }
  return `${outcome.family}: ${parts.join(' ')}`;
}

/** The fields an error shows, for text and JSON alike. */
export interface ErrorReport {
  readonly name: string;
  readonly code: string;
  /** '0x80042306', or null where the condition has no HRESULT. */
  readonly hresult: string | null;
  readonly family: string | null;
  readonly call: string | null;
  readonly retryable: boolean;
  readonly message: string;
  readonly miResult?: number;
  readonly category?: string;
  /** VssWriterError (WINOPS_WRITER_FAILED): the writers that failed, and the call after which they were found. */
  readonly failedWriters?: readonly VssWriterStatus[];
  readonly after?: VssWriterCheckpoint;
}

export function errorReport(error: unknown): ErrorReport {
  if (error instanceof WinopsError) {
    return {
      name: error.name,
      code: error.code,
      hresult: error.hresult === undefined ? null : toHex(error.hresult),
      family: error.family,
      call: error.call,
      retryable: error.retryable,
      message: error.message,
      ...(error instanceof MiError ? { miResult: error.miResult, ...(error.category !== undefined ? { category: error.category } : {}) } : {}),
      ...(error instanceof VssWriterError ? { failedWriters: error.failedWriters, after: error.after } : {}),
    };
  }
  if (error instanceof UsageError || error instanceof TypeError || error instanceof RangeError) {
    return { name: error.name, code: 'WINOPS_USAGE', hresult: null, family: null, call: null, retryable: false, message: error.message };
  }
  const e = error instanceof Error ? error : new Error(String(error));
  const code = typeof (e as { code?: unknown }).code === 'string' ? (e as unknown as { code: string }).code : 'WINOPS_INTERNAL';
  return { name: e.name, code, hresult: null, family: null, call: null, retryable: false, message: e.message };
}

/**
 * `error: VSS_E_PROVIDER_VETO (0x80042306) [vss]` then the message, indented. Never a stack unless verbose.
 */
export function errorToText(error: unknown, verbose: boolean): string {
  const r = errorReport(error);
  const lines: string[] = [];
  if (error instanceof UsageError || (!(error instanceof WinopsError) && (error instanceof TypeError || error instanceof RangeError))) {
    lines.push(`error: ${r.message}`);
    lines.push(`(run 'winops --help' or 'winops help <command>' for usage)`);
  } else {
    const id = r.hresult !== null ? r.hresult : r.miResult !== undefined ? `MI_Result ${r.miResult}` : 'no HRESULT';
    const tags = [r.family, r.retryable ? 'retryable' : undefined, r.category].filter((x): x is string => x !== undefined && x !== null);
    lines.push(`error: ${r.code} (${id})${tags.length ? ` [${tags.join(', ')}]` : ''}`);
    lines.push(`  ${r.message}`);
    if (error instanceof MiError && r.hresult !== null) lines.push(`  MI_Result ${error.miResult}`);
    if (error instanceof BackendUnavailableError) lines.push(`  (use --backend fake to simulate Windows)`);
    if (error instanceof VssWriterError) lines.push(`  (winops snapshot --writers report keeps a set with failed writers and warns instead)`);
  }
  if (verbose && error instanceof Error && error.stack) {
    lines.push(error.stack);
    let cause = (error as { cause?: unknown }).cause;
    while (cause instanceof Error) {
      lines.push(`caused by: ${cause.stack ?? cause.message}`);
      cause = (cause as { cause?: unknown }).cause;
    }
  }
  return lines.join('\n');
}

