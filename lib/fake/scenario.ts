/**
 * The runtime table of the scenario format: every key types/scenario.ts declares, once, with what its value must be.
 * The table is typed against the interfaces there (`fields<T>()` needs every key of T and accepts no other), so a key
 * added to or removed from types/scenario.ts that is not added to or removed from here fails the type check.
 *
 * validateScenario() walks a scenario against it and throws at the first problem, naming the path of the key:
 *   scenario.vss.steps.doSnapshotSett: unknown key (did you mean doSnapshotSet? known: gatherWriterMetadata, ...)
 * Unknown keys and values of the wrong type are a TypeError; numbers out of range and unknown code names a RangeError.
 */
import type { AxeAssessmentScript, AxeScenario, ImapiScenario, MiScenario, Scenario, VssHeldCall, VssScenario, VssShadowCopyScript, VssStepScript, VssWriterEvent, VssWriterScript } from '../../types/scenario';
import { MI_RESULTS } from '../codes';
import { resolveCode } from './core';

type Check = (value: unknown, path: string) => void;

/** Every key of T (optional ones included), each with its check; no other key (an object literal's excess check). */
type Fields<T> = { readonly [K in keyof T]-?: Check };

const describe = (v: unknown): string => {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  if (typeof v === 'object') return 'an object';
  return `${typeof v} ${String(v)}`;
};

const typeError = (path: string, what: string, v: unknown): never => {
  throw new TypeError(`${path}: must be ${what}, got ${describe(v)}`);
};

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `a.b`, or `a["C:\\x.xml"]` for a key that is not an identifier. */
const join = (path: string, key: string): string => (/^[A-Za-z_$][\w$]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`);

/** Edit distance (a swap of two neighbours counts one, case ignored), for "did you mean". */
function distance(x: string, y: string): number {
  const a = x.toLowerCase();
  const b = y.toLowerCase();
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[a.length]![b.length]!;
}

function unknownKey(path: string, key: string, known: readonly string[]): never {
  // A near miss (a typo, a letter too many or too few, 'Ms' left off): at most a third of the key's letters.
  const near = known.filter((k) => distance(key, k) <= Math.max(1, Math.min(3, Math.floor(k.length / 3)))).sort((x, y) => distance(key, x) - distance(key, y))[0];
  throw new TypeError(`${join(path, key)}: unknown key (${near === undefined ? '' : `did you mean ${near}? `}known: ${known.join(', ')})`);
}

// ------------------------------------------------------------------------------------------------------ checks

function fields<T>(table: Fields<T>): Check {
  const known = Object.keys(table);
  return (v, path) => {
    if (!isPlainObject(v)) typeError(path, 'an object', v);
    const o = v as Record<string, unknown>;
    for (const key of Object.keys(o)) {
      const check = (table as Record<string, Check>)[key];
      if (check === undefined || !Object.prototype.hasOwnProperty.call(table, key)) unknownKey(path, key, known);
      // undefined is "not given" (what a TypeScript caller may pass for an optional field)
      if (o[key] !== undefined) check!(o[key], join(path, key));
    }
  };
}

/** An object of any keys (class names, method names, manifest paths), each value checked. */
const recordOf = (check: Check): Check => (v, path) => {
  if (!isPlainObject(v)) typeError(path, 'an object', v);
  for (const [key, x] of Object.entries(v as Record<string, unknown>)) if (x !== undefined) check(x, join(path, key));
};

const arrayOf = (check: Check): Check => (v, path) => {
  if (!Array.isArray(v)) typeError(path, 'an array', v);
  (v as unknown[]).forEach((x, i) => check(x, `${path}[${i}]`));
};

const bool: Check = (v, path) => {
  if (typeof v !== 'boolean') typeError(path, 'true or false', v);
};

const str: Check = (v, path) => {
  if (typeof v !== 'string') typeError(path, 'a string', v);
};

/** A duration or a count: a finite number from 0 (an integer where `integer`). */
const num = (opts: { integer?: boolean; min?: number } = {}): Check => (v, path) => {
  if (typeof v !== 'number' || Number.isNaN(v)) typeError(path, 'a number', v);
  const n = v as number;
  const min = opts.min ?? 0;
  if (!Number.isFinite(n) || n < min) throw new RangeError(`${path}: must be a number from ${min}, got ${n}`);
  if (opts.integer && !Number.isInteger(n)) throw new RangeError(`${path}: must be an integer, got ${n}`);
};
const ms = num();
const count = num({ integer: true });

/** An HRESULT-style code: a symbolic name this package knows, or a number. */
const code: Check = (v, path) => {
  if (typeof v === 'number') {
    if (!Number.isInteger(v)) throw new RangeError(`${path}: a code given as a number must be an integer, got ${v}`);
    return;
  }
  if (typeof v !== 'string') typeError(path, 'a code name or a number', v);
  try {
    resolveCode(v as string);
  } catch {
    throw new RangeError(`${path}: names an unknown code ${JSON.stringify(v)}`);
  }
};

/** An MI_Result: 'MI_RESULT_ACCESS_DENIED', 'ACCESS_DENIED' or a number. */
const miResult: Check = (v, path) => {
  if (typeof v === 'number') {
    if (!Number.isInteger(v)) throw new RangeError(`${path}: an MI_Result given as a number must be an integer, got ${v}`);
    return;
  }
  if (typeof v !== 'string') typeError(path, 'an MI_Result name or a number', v);
  if (!MI_RESULTS.some((r) => r.name === v || r.name === `MI_RESULT_${v as string}`)) throw new RangeError(`${path}: names an unknown MI_Result ${JSON.stringify(v)}`);
};

/** MI property values: any JSON value (rows are instances of the scenario's own classes). */
const anything: Check = () => {};
const row: Check = (v, path) => {
  if (!isPlainObject(v)) typeError(path, 'an object (a row of property values)', v);
};

// ------------------------------------------------------------------------------------------------------- table

/** One of a fixed set of strings. */
const oneOf = (values: readonly string[]): Check => (v, path) => {
  if (typeof v !== 'string' || !values.includes(v)) throw new RangeError(`${path}: must be one of ${values.join(', ')}, got ${JSON.stringify(v)}`);
};

const writerEvents: readonly VssWriterEvent[] = ['prepareBackup', 'prepareSnapshot', 'freeze', 'thaw', 'postSnapshot', 'backupComplete'];

const heldCalls: readonly VssHeldCall[] = ['querySnapshots', 'deleteSnapshots'];

/** A GUID without braces (the form winops gives ids in), any case. */
const guid: Check = (v, path) => {
  if (typeof v !== 'string') typeError(path, 'a GUID string', v);
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(v as string)) throw new RangeError(`${path}: must be a GUID such as 01234567-89ab-cdef-0123-456789abcdef (no braces), got ${describe(v)}`);
};

/** A UTC date-time to the second, 'YYYY-MM-DDTHH:MM:SSZ' (the one form the fake and the doubles read alike). */
const isoDate: Check = (v, path) => {
  if (typeof v !== 'string') typeError(path, 'a date string such as 2026-01-01T00:00:00Z', v);
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/.test(v as string) || Number.isNaN(Date.parse(v as string))) {
    throw new RangeError(`${path}: must be a UTC date-time such as 2026-01-01T00:00:00Z (to the second, with Z), got ${describe(v)}`);
  }
};

/** An unsigned 32-bit integer (a bit mask). */
const uint32: Check = (v, path) => {
  count(v, path);
  if ((v as number) > 0xffffffff) throw new RangeError(`${path}: must be at most 0xffffffff, got ${v as number}`);
};

/** An object whose keys are GUIDs (snapshot ids), each value checked. */
const guidRecordOf = (check: Check): Check => (v, path) => {
  recordOf(check)(v, path);
  for (const key of Object.keys(v as object)) guid(key, `${join(path, key)} (the key)`);
};

const step = fields<VssStepScript>({ durationMs: ms, fail: code, cancelLatencyMs: ms, hold: bool });

const vss = fields<VssScenario>({
  volumes: arrayOf(str),
  unsupportedVolumes: arrayOf(str),
  writers: arrayOf(fields<VssWriterScript>({ name: str, writerId: str, instanceId: str, failAt: oneOf(writerEvents), failure: code, applicationHr: code, applicationMessage: str })),
  writerStatusEx: bool,
  steps: fields<NonNullable<VssScenario['steps']>>({ gatherWriterMetadata: step, gatherWriterStatus: step, prepareForBackup: step, doSnapshotSet: step, backupComplete: step }),
  failCall: fields<NonNullable<VssScenario['failCall']>>({
    createBackupComponents: code, initializeForBackup: code, setContext: code, setBackupState: code, startSnapshotSet: code,
    addToSnapshotSet: code, getSnapshotProperties: code, getWriterStatus: code, abortBackup: code, deleteSnapshotSet: code,
    querySnapshots: code, deleteSnapshots: code,
  }),
  shadowCopies: arrayOf(fields<VssShadowCopyScript>({ snapshotId: guid, snapshotSetId: guid, volume: str, deviceObject: str, originatingMachine: str, createdAt: isoDate, attributes: uint32, providerId: guid, exposedName: str })),
  undeletable: guidRecordOf(code),
  holdCalls: arrayOf(oneOf(heldCalls)),
  comSecurity: code,
  wow64: bool,
});

const mi = fields<MiScenario>({
  classes: recordOf(arrayOf(row)),
  generated: recordOf(fields<NonNullable<MiScenario['generated']>[string]>({ count, properties: row })),
  namespaces: arrayOf(str),
  resultIntervalMs: ms,
  failAfter: fields<NonNullable<MiScenario['failAfter']>>({ results: count, result: miResult, message: str }),
  extraResultsAfterCancel: count,
  cancelLatencyMs: ms,
  holdFinal: bool,
  methods: recordOf(fields<NonNullable<MiScenario['methods']>[string]>({ returnValue: anything, out: row, durationMs: ms, fail: miResult })),
  indications: fields<NonNullable<MiScenario['indications']>>({ intervalMs: ms, count, className: str, properties: row }),
  reachableComputers: arrayOf(str),
  sessionFail: miResult,
});

type Recorder = NonNullable<ImapiScenario['recorders']>[number];
const imapi2 = fields<ImapiScenario>({
  recorders: arrayOf(fields<Recorder>({
    id: str, vendorId: str, productId: str, productRevision: str, volumePaths: arrayOf(str),
    media: fields<NonNullable<Recorder['media']>>({ physicalType: str, present: bool, blank: bool, writeProtected: bool, totalSectors: count, freeSectors: count }),
    productRevisionFails: code,
  })),
  updateIntervalMs: ms,
  sectorsPerUpdate: num({ integer: true, min: 1 }),
  notInProgressUpdates: count,
  cancelLatencyUpdates: count,
  failAtUpdate: fields<NonNullable<ImapiScenario['failAtUpdate']>>({ update: count, code }),
  successCode: code,
  holdUpdates: arrayOf(num({ integer: true, min: 1 })),
  lateUpdate: bool,
});

const assessmentScript = {
  durationMs: ms, progressSteps: count, honoursCancel: bool, cancelLatencyMs: ms, error: code, exitCode: num({ integer: true, min: -(2 ** 31) }), hold: bool, reboots: bool,
} as const;
const axe = fields<AxeScenario>({
  available: bool,
  manifests: recordOf(fields<NonNullable<AxeScenario['manifests']>[string]>({
    name: str,
    assessments: arrayOf(fields<AxeAssessmentScript>({ name: str, ...assessmentScript })),
  })),
  assessments: recordOf(fields<Omit<AxeAssessmentScript, 'name'>>(assessmentScript)),
  terminateFail: code,
  terminateHold: bool,
});

const scenario = fields<Scenario>({ vss, mi, imapi2, axe });

/** Required keys the table cannot say by itself (a field the interface does not mark optional). */
function required(s: Scenario, path: string): void {
  for (const [name, g] of Object.entries(s.mi?.generated ?? {})) {
    const p = join(join(`${path}.mi`, 'generated'), name);
    if (g.count === undefined) throw new TypeError(`${p}.count: missing (how many instances to make)`);
    if (g.properties === undefined) throw new TypeError(`${p}.properties: missing (the row the instances are made from)`);
  }
  s.vss?.shadowCopies?.forEach((c, i) => {
    for (const k of ['snapshotId', 'snapshotSetId', 'volume'] as const) if (c[k] === undefined) throw new TypeError(`${path}.vss.shadowCopies[${i}].${k}: missing`);
  });
  s.vss?.writers?.forEach((w, i) => {
    for (const k of ['name', 'writerId', 'instanceId'] as const) if (w[k] === undefined) throw new TypeError(`${path}.vss.writers[${i}].${k}: missing`);
  });
  s.imapi2?.recorders?.forEach((r, i) => {
    if (r.id === undefined) throw new TypeError(`${path}.imapi2.recorders[${i}].id: missing`);
  });
  if (s.mi?.failAfter) {
    if (s.mi.failAfter.results === undefined) throw new TypeError(`${path}.mi.failAfter.results: missing`);
    if (s.mi.failAfter.result === undefined) throw new TypeError(`${path}.mi.failAfter.result: missing`);
  }
  if (s.imapi2?.failAtUpdate) {
    if (s.imapi2.failAtUpdate.update === undefined) throw new TypeError(`${path}.imapi2.failAtUpdate.update: missing`);
    if (s.imapi2.failAtUpdate.code === undefined) throw new TypeError(`${path}.imapi2.failAtUpdate.code: missing`);
  }
  for (const [file, m] of Object.entries(s.axe?.manifests ?? {})) {
    const p = join(`${path}.axe.manifests`, file);
    if (m.name === undefined) throw new TypeError(`${p}.name: missing`);
    if (m.assessments === undefined) throw new TypeError(`${p}.assessments: missing`);
    m.assessments.forEach((a, i) => {
      if (a.name === undefined) throw new TypeError(`${p}.assessments[${i}].name: missing`);
    });
  }
}

/**
 * Checks a scenario against the format of types/scenario.ts and throws a TypeError or RangeError naming the path of
 * the first key that is unknown, missing or of the wrong value (`path` is what the message calls the whole scenario,
 * e.g. 'scenario' or 'WINOPS_SCENARIO (file ./s.json): scenario').
 */
export function validateScenario(value: unknown, path = 'scenario'): asserts value is Scenario {
  scenario(value, path);
  required(value as Scenario, path);
}
