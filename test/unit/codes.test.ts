import { describe, it, expect } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  HRESULT_CODES,
  MI_ERROR_CATEGORIES,
  MI_RESULTS,
  UNPUBLISHED_AXE_CODES,
  codeByName,
  codeByValue,
  describeHresult,
  hresultFromWin32,
  miErrorCategoryName,
  miResultName,
  toHex,
  type CodeFamily,
} from '../../lib/codes';

const repoRoot = resolve(__dirname, '..', '..');
const refDir = resolve(repoRoot, '..', 'shared', 'reference');
const haveRef = existsSync(join(refDir, 'vss.md'));

const family = (f: CodeFamily) => HRESULT_CODES.filter((c) => c.family === f);

// Every pair of names allowed to share a value, with the name codeByValue must return first.
const SHARED: ReadonlyArray<readonly [number, string, string]> = [
  [0x80040203, 'AXE_E_UNKNOWN_WIN32_ERROR', 'AXE_E_WIN32_ERROR'], // documented AXE pair
  [0x80070005, 'E_ACCESSDENIED', 'ERROR_ACCESS_DENIED'], // E_ACCESSDENIED == HRESULT_FROM_WIN32(5)
  [0x80070006, 'E_HANDLE', 'ERROR_INVALID_HANDLE'], // E_HANDLE == HRESULT_FROM_WIN32(6)
  [0x80070057, 'E_INVALIDARG', 'ERROR_INVALID_PARAMETER'], // E_INVALIDARG == HRESULT_FROM_WIN32(87)
];

const UNPUBLISHED = [
  'AXE_E_INVALID_INDEX',
  'AXE_E_NO_JOB_RUNNING',
  'AXE_E_TERMINATE_FAILED',
  'AXE_E_INIT_FAILED',
  'AXE_E_PARAM_READ_ONLY',
  'AXE_E_JOB_SOLUTION_RESTART',
];

describe('HRESULT_CODES table integrity', () => {
  it('has unique names', () => {
    const names = HRESULT_CODES.map((c) => c.name);
    expect(new Set(names).size).toBe(names.length);
  });

  it('values are uint32 (integers in 0..0xFFFFFFFF)', () => {
    for (const c of HRESULT_CODES) {
      if (c.value === undefined) continue;
      expect(Number.isInteger(c.value), c.name).toBe(true);
      expect(c.value, c.name).toBeGreaterThanOrEqual(0);
      expect(c.value, c.name).toBeLessThanOrEqual(0xffffffff);
      expect(c.value >>> 0, c.name).toBe(c.value);
    }
  });

  it('every code round-trips name <-> value (codeByValue returns the first of a documented shared pair)', () => {
    const firstOfPair = new Map(SHARED.map(([v, first]) => [v, first]));
    for (const c of HRESULT_CODES) {
      expect(codeByName(c.name), c.name).toBe(c);
      if (c.value === undefined) continue;
      const back = codeByValue(c.value);
      expect(back?.value, c.name).toBe(c.value);
      expect(back?.name, c.name).toBe(firstOfPair.get(c.value) ?? c.name);
      // negative int32 form resolves to the same entry
      expect(codeByValue(c.value | 0), c.name).toBe(back);
    }
  });

  it('no two names share a value except the documented pairs', () => {
    const groups = new Map<number, string[]>();
    for (const c of HRESULT_CODES) {
      if (c.value === undefined) continue;
      groups.set(c.value, [...(groups.get(c.value) ?? []), c.name]);
    }
    const shared = [...groups.entries()]
      .filter(([, names]) => names.length > 1)
      .map(([v, names]) => [v, ...names] as const)
      .sort((a, b) => a[0] - b[0]);
    expect(shared).toEqual([...SHARED].sort((a, b) => a[0] - b[0]));
  });

  it('AXE_E_UNKNOWN_WIN32_ERROR and AXE_E_WIN32_ERROR both exist at 0x80040203; lookup by value gives the first', () => {
    expect(codeByName('AXE_E_UNKNOWN_WIN32_ERROR')?.value).toBe(0x80040203);
    expect(codeByName('AXE_E_WIN32_ERROR')?.value).toBe(0x80040203);
    expect(codeByValue(0x80040203)?.name).toBe('AXE_E_UNKNOWN_WIN32_ERROR');
    expect(codeByValue(-2147220989)?.name).toBe('AXE_E_UNKNOWN_WIN32_ERROR'); // managed int32 form
  });

  it('success is exactly "severity bit clear"', () => {
    for (const c of HRESULT_CODES) {
      if (c.value === undefined) {
        expect(c.success, c.name).toBe(false);
        continue;
      }
      expect(c.success, c.name).toBe(c.value >>> 31 === 0);
    }
    const successNames = HRESULT_CODES.filter((c) => c.success).map((c) => c.name).sort();
    expect(successNames).toEqual(
      [
        'S_OK',
        'S_FALSE',
        'VSS_S_ASYNC_PENDING',
        'VSS_S_ASYNC_FINISHED',
        'VSS_S_ASYNC_CANCELLED',
        'VSS_S_SOME_SNAPSHOTS_NOT_IMPORTED',
        'S_IMAPI_WRITE_NOT_IN_PROGRESS',
        'S_IMAPI_SPEEDADJUSTED',
        'S_IMAPI_ROTATIONADJUSTED',
        'S_IMAPI_BOTHADJUSTED',
        'S_IMAPI_COMMAND_HAS_SENSE_DATA',
        'S_IMAPI_RAW_IMAGE_TRACK_INDEX_ALREADY_EXISTS',
        'IMAPI_S_IMAGE_FEATURE_NOT_SUPPORTED',
      ].sort(),
    );
  });

  it('retryable is true for exactly the documented transient codes', () => {
    const retryable = HRESULT_CODES.filter((c) => c.retryable).map((c) => c.name).sort();
    expect(retryable).toEqual(
      [
        'VSS_E_FLUSH_WRITES_TIMEOUT',
        'VSS_E_HOLD_WRITES_TIMEOUT',
        'VSS_E_PROVIDER_VETO',
        'VSS_E_UNEXPECTED_PROVIDER_ERROR',
        'VSS_E_SNAPSHOT_SET_IN_PROGRESS',
        'VSS_E_WRITERERROR_RETRYABLE',
        'VSS_E_WRITERERROR_TIMEOUT',
        'VSS_E_WRITERERROR_OUTOFRESOURCES',
        'VSS_E_WRITER_STATUS_NOT_AVAILABLE',
        'E_IMAPI_RECORDER_MEDIA_BECOMING_READY',
        'E_IMAPI_RECORDER_MEDIA_BUSY',
      ].sort(),
    );
    expect(codeByName('VSS_E_WRITERERROR_NONRETRYABLE')?.retryable).toBe(false);
  });

  it('families follow the name prefixes', () => {
    for (const c of HRESULT_CODES) {
      if (/^VSS_/.test(c.name)) expect(c.family, c.name).toBe('vss');
      else if (/^(E_IMAPI_|S_IMAPI_|IMAPI_[ES]_)/.test(c.name)) expect(c.family, c.name).toBe('imapi2');
      else if (/^AXE_/.test(c.name)) expect(c.family, c.name).toBe('axe');
      else expect(['com', 'win32'], c.name).toContain(c.family);
      expect(c.family).not.toBe('mi'); // MI_Result lives in MI_RESULTS, not here
      expect(c.message.length, c.name).toBeGreaterThan(0);
    }
  });
});

describe('counts per family', () => {
  it('matches the reference tables', () => {
    expect(family('imapi2')).toHaveLength(149);
    expect(family('vss')).toHaveLength(81); // 77 VSS_E_* + 4 VSS_S_*
    expect(family('vss').filter((c) => c.success)).toHaveLength(4);
    expect(family('axe')).toHaveLength(39); // 33 with values + 6 unpublished
    expect(family('com')).toHaveLength(18);
    expect(family('win32')).toHaveLength(27);
    expect(HRESULT_CODES).toHaveLength(149 + 81 + 39 + 18 + 27);
  });

  it('VSS range: facility ITF, codes 0x2301..0x2417, both SOME_SNAPSHOTS_NOT_IMPORTED forms', () => {
    for (const c of family('vss')) {
      const v = c.value ?? -1;
      expect((v >>> 16) & 0x7ff, c.name).toBe(4);
      expect(v & 0xffff, c.name).toBeGreaterThanOrEqual(0x2301);
      expect(v & 0xffff, c.name).toBeLessThanOrEqual(0x2417);
    }
    const s = codeByName('VSS_S_SOME_SNAPSHOTS_NOT_IMPORTED');
    const e = codeByName('VSS_E_SOME_SNAPSHOTS_NOT_IMPORTED');
    expect(s?.value).toBe(0x00042321);
    expect(e?.value).toBe(0x80042321);
    expect(s?.success).toBe(true);
    expect(e?.success).toBe(false);
    expect(codeByValue(0x00042321)?.name).toBe('VSS_S_SOME_SNAPSHOTS_NOT_IMPORTED');
    expect(codeByValue(0x80042321)?.name).toBe('VSS_E_SOME_SNAPSHOTS_NOT_IMPORTED');
    expect(codeByValue(0x8004231c)).toBeUndefined(); // unassigned gap
  });

  it('IMAPI codes are all facility 0xAA', () => {
    for (const c of family('imapi2')) expect(((c.value ?? 0) >>> 16) & 0x7ff, c.name).toBe(0xaa);
  });

  it('spot-checks values from every family', () => {
    expect(codeByName('VSS_E_BAD_STATE')?.value).toBe(0x80042301);
    expect(codeByName('VSS_E_FSS_TIMEOUT')?.value).toBe(0x80042417);
    expect(codeByName('E_IMAPI_REQUEST_CANCELLED')?.value).toBe(0xc0aa0002);
    expect(codeByName('S_IMAPI_WRITE_NOT_IN_PROGRESS')?.value).toBe(0x00aa0302);
    expect(codeByName('IMAPI_E_FILE_SYSTEM_CHANGE_NOT_ALLOWED')?.value).toBe(0xc0aab163);
    expect(codeByName('AXE_E_JOB_CANCELED')?.value).toBe(0x80041013);
    expect(codeByName('AXE_E_PARAMETER_NOT_FOUND')?.value).toBe(0x80042008);
    expect(codeByName('AXE_E_ENGINE_NOT_RUNNING')?.value).toBe(0x80042002);
    expect(codeByName('RPC_E_CHANGED_MODE')?.value).toBe(0x80010106);
    expect(codeByName('E_UNEXPECTED')?.value).toBe(0x8000ffff);
    expect(codeByName('S_OK')?.value).toBe(0);
    expect(codeByName('S_FALSE')?.value).toBe(1);
  });

  it('win32 entries are HRESULT_FROM_WIN32 of their win32 field', () => {
    for (const c of family('win32')) {
      expect(c.win32, c.name).toBeTypeOf('number');
      expect(c.value, c.name).toBe(hresultFromWin32(c.win32 ?? -1));
      expect(((c.value ?? 0) >>> 16) & 0xffff, c.name).toBe(0x8007);
    }
    expect(codeByName('ERROR_FILE_NOT_FOUND')).toMatchObject({ value: 0x80070002, win32: 2, family: 'win32' });
    expect(codeByName('ERROR_DIRECTORY')).toMatchObject({ value: 0x8007010b, win32: 267 });
    expect(codeByName('WAIT_TIMEOUT')).toMatchObject({ value: 0x80070102, win32: 258 });
    expect(codeByName('RPC_S_SERVER_UNAVAILABLE')).toMatchObject({ value: 0x800706ba, win32: 1722 });
    expect(codeByName('ERROR_CANCELLED')).toMatchObject({ value: 0x800704c7, win32: 1223 });
    for (const c of HRESULT_CODES) if (c.family !== 'win32') expect(c.win32, c.name).toBeUndefined();
  });
});

describe('unpublished AXE codes', () => {
  it('are exactly the six named codes, by name, with value undefined', () => {
    expect([...UNPUBLISHED_AXE_CODES].sort()).toEqual([...UNPUBLISHED].sort());
    for (const n of UNPUBLISHED) {
      const c = codeByName(n);
      expect(c, n).toBeDefined();
      expect(c?.value, n).toBeUndefined();
      expect(c?.unpublished, n).toBe(true);
      expect(c?.family, n).toBe('axe');
      expect('value' in (c ?? {}), n).toBe(true);
    }
  });

  it('no other code is marked unpublished or lacks a value', () => {
    for (const c of HRESULT_CODES) {
      const isUnpublished = UNPUBLISHED.includes(c.name);
      expect(c.value === undefined, c.name).toBe(isUnpublished);
      expect(c.unpublished === true, c.name).toBe(isUnpublished);
      if (!isUnpublished) expect('unpublished' in c, c.name).toBe(false);
    }
  });

  it('AXE_E_NO_JOB_RUNNING is not silently given AXE_E_JOB_NOT_RUNNING’s value', () => {
    expect(codeByValue(0x80041006)?.name).toBe('AXE_E_JOB_NOT_RUNNING');
    expect(codeByValue(0x80041024)).toBeUndefined();
  });
});

describe('MI tables', () => {
  it('MI_RESULTS covers MI_RESULT_OK..MI_RESULT_SERVER_IS_SHUTTING_DOWN without 18/19', () => {
    expect(MI_RESULTS).toHaveLength(27);
    expect(MI_RESULTS[0]).toMatchObject({ name: 'MI_RESULT_OK', value: 0 });
    expect(MI_RESULTS.at(-1)).toMatchObject({ name: 'MI_RESULT_SERVER_IS_SHUTTING_DOWN', value: 28 });
    const values = MI_RESULTS.map((r) => r.value);
    expect(values).toEqual([...Array.from({ length: 18 }, (_, i) => i), ...Array.from({ length: 9 }, (_, i) => i + 20)]);
    for (const r of MI_RESULTS) {
      expect(r.name).toMatch(/^MI_RESULT_[A-Z_]+$/);
      expect(r.message.length).toBeGreaterThan(0);
      expect(miResultName(r.value)).toBe(r.name);
    }
  });

  it('miResultName', () => {
    expect(miResultName(2)).toBe('MI_RESULT_ACCESS_DENIED');
    expect(miResultName(17)).toBe('MI_RESULT_METHOD_NOT_FOUND');
    expect(miResultName(18)).toBe('MI_RESULT_18');
    expect(miResultName(999)).toBe('MI_RESULT_999');
  });

  it('MI_ERROR_CATEGORIES is 0..31 and keeps the CLOS_EERROR spelling', () => {
    expect(MI_ERROR_CATEGORIES.map((c) => c.value)).toEqual(Array.from({ length: 32 }, (_, i) => i));
    expect(miErrorCategoryName(0)).toBe('MI_ERRORCATEGORY_NOT_SPECIFIED');
    expect(miErrorCategoryName(2)).toBe('MI_ERRORCATEGORY_CLOS_EERROR');
    expect(miErrorCategoryName(18)).toBe('MI_ERRORCATEGORY_ACCESS_DENIED');
    expect(miErrorCategoryName(31)).toBe('MI_ERRORCATEGORY_NOT_ENABLED');
    expect(miErrorCategoryName(32)).toBe('MI_ERRORCATEGORY_32');
    for (const c of MI_ERROR_CATEGORIES) expect(c.name).toMatch(/^MI_ERRORCATEGORY_[A-Z_]+$/);
  });
});

describe('describeHresult', () => {
  it('describes a known VSS error', () => {
    expect(describeHresult(0x80042306)).toEqual({
      hresult: 0x80042306,
      hex: '0x80042306',
      code: 'VSS_E_PROVIDER_VETO',
      name: 'VSS_E_PROVIDER_VETO',
      family: 'vss',
      message: codeByName('VSS_E_PROVIDER_VETO')?.message,
      success: false,
      retryable: true,
      severity: 1,
      facility: 4,
      facilityName: 'FACILITY_ITF',
      codeField: 0x2306,
    });
  });

  it('accepts the negative int32 form and gives the same answer', () => {
    expect(describeHresult(0x80042306 | 0)).toEqual(describeHresult(0x80042306));
    expect(describeHresult(-2147467259)).toMatchObject({ name: 'E_FAIL', hresult: 0x80004005, hex: '0x80004005' });
    expect(describeHresult(-2147483648)).toMatchObject({ hresult: 0x80000000, hex: '0x80000000', name: undefined });
  });

  it('describes IMAPI success and error codes', () => {
    expect(describeHresult(0x00aa0302)).toMatchObject({
      name: 'S_IMAPI_WRITE_NOT_IN_PROGRESS',
      family: 'imapi2',
      success: true,
      severity: 0,
      facility: 0xaa,
      facilityName: 'FACILITY_IMAPI2',
      codeField: 0x0302,
      code: 'S_IMAPI_WRITE_NOT_IN_PROGRESS',
    });
    expect(describeHresult(0xc0aa0002)).toMatchObject({
      name: 'E_IMAPI_REQUEST_CANCELLED',
      severity: 1,
      facility: 0xaa,
      facilityName: 'FACILITY_IMAPI2',
      success: false,
    });
  });

  it('reports win32 for FACILITY_WIN32 codes, known or not', () => {
    expect(describeHresult(0x80070002)).toMatchObject({
      name: 'ERROR_FILE_NOT_FOUND',
      family: 'win32',
      facility: 7,
      facilityName: 'FACILITY_WIN32',
      win32: 2,
    });
    expect(describeHresult(0x80070005)).toMatchObject({ name: 'E_ACCESSDENIED', family: 'com', win32: 5 });
    expect(describeHresult(0x80071234)).toEqual({
      hresult: 0x80071234,
      hex: '0x80071234',
      code: undefined,
      name: undefined,
      family: 'unknown',
      message: 'Unknown HRESULT 0x80071234 (FACILITY_WIN32, Win32 error 4660)',
      success: false,
      retryable: false,
      severity: 1,
      facility: 7,
      facilityName: 'FACILITY_WIN32',
      codeField: 0x1234,
      win32: 4660,
    });
    expect('win32' in describeHresult(0x80042306)).toBe(false);
  });

  it('builds a useful message for unknown codes in other facilities', () => {
    const d = describeHresult(0x8004ffff);
    expect(d).toMatchObject({ name: undefined, family: 'unknown', facility: 4, facilityName: 'FACILITY_ITF', code: undefined, codeField: 0xffff });
    expect(d.message).toBe('Unknown HRESULT 0x8004FFFF (FACILITY_ITF, code 0xFFFF)');
    const s = describeHresult(0x00040001);
    expect(s).toMatchObject({ success: true, severity: 0, family: 'unknown' });
    expect(s.message).toContain('0x00040001');
    const odd = describeHresult(0x87ff0001);
    expect(odd.facility).toBe(0x7ff);
    expect(odd.facilityName).toBe('FACILITY_0x7FF');
    expect(odd.message).toContain('FACILITY_0x7FF');
  });

  it('describes S_OK and the top of the range', () => {
    expect(describeHresult(0)).toMatchObject({ name: 'S_OK', success: true, hex: '0x00000000', facilityName: 'FACILITY_NULL' });
    expect(describeHresult(0xffffffff)).toMatchObject({ hresult: 0xffffffff, hex: '0xFFFFFFFF', severity: 1 });
  });

  it.each([1.5, Number.NaN, 2 ** 33, '0x1', Infinity, -(2 ** 31) - 1, 2 ** 32, null, undefined, 10n])(
    'throws TypeError for %s',
    (bad) => {
      expect(() => describeHresult(bad as unknown as number)).toThrow(TypeError);
      expect(() => describeHresult(bad as unknown as number)).toThrow(/\bhr\b.*integer HRESULT/);
    },
  );

  it('accepts both ends of the valid range', () => {
    expect(() => describeHresult(-(2 ** 31))).not.toThrow();
    expect(() => describeHresult(2 ** 32 - 1)).not.toThrow();
  });
});

describe('toHex / hresultFromWin32 / lookups', () => {
  it('toHex', () => {
    expect(toHex(0x80042306)).toBe('0x80042306');
    expect(toHex(-2147212538)).toBe('0x80042306');
    expect(toHex(1)).toBe('0x00000001');
    expect(toHex(0xc0aa0002)).toBe('0xC0AA0002');
    expect(() => toHex(1.5)).toThrow(TypeError);
  });

  it('hresultFromWin32', () => {
    expect(hresultFromWin32(2)).toBe(0x80070002);
    expect(hresultFromWin32(5)).toBe(0x80070005);
    expect(hresultFromWin32(1223)).toBe(0x800704c7);
    expect(hresultFromWin32(0)).toBe(0);
    expect(hresultFromWin32(0x80070005)).toBe(0x80070005); // already an HRESULT: unchanged
    expect(hresultFromWin32(-2147024891)).toBe(0x80070005);
    expect(() => hresultFromWin32(1.5)).toThrow(TypeError);
  });

  it('codeByName / codeByValue miss cleanly', () => {
    expect(codeByName('vss_e_bad_state')).toBeUndefined();
    expect(codeByName('NOPE')).toBeUndefined();
    expect(codeByValue(0x12345678)).toBeUndefined();
    expect(codeByValue(1.5)).toBeUndefined();
    expect(codeByValue(Number.NaN)).toBeUndefined();
  });

  it('tables are frozen', () => {
    expect(Object.isFrozen(HRESULT_CODES)).toBe(true);
    expect(Object.isFrozen(HRESULT_CODES[0])).toBe(true);
    expect(Object.isFrozen(MI_RESULTS)).toBe(true);
  });
});

describe.skipIf(!haveRef)('cross-check against ../shared/reference (independent parse; skipped when that folder is not beside the repository)', () => {
  const rows = (file: string, heading: string): Array<[string, string]> => {
    const lines = readFileSync(join(refDir, file), 'utf8').split(/\r?\n/);
    const start = lines.findIndex((l) => l.startsWith('## ') && l.includes(heading));
    expect(start, `${file}: ${heading}`).toBeGreaterThanOrEqual(0);
    const out: Array<[string, string]> = [];
    for (const l of lines.slice(start + 1)) {
      if (l.startsWith('#')) break;
      const m = /^\|\s*([A-Z][A-Z0-9_]+)\s*\|\s*([^|]*)\|/.exec(l);
      if (m?.[1] && m[2] !== undefined) out.push([m[1], m[2].trim()]);
    }
    return out;
  };
  const expectTable = (fam: CodeFamily, table: Array<[string, string]>) => {
    expect(family(fam).map((c) => c.name)).toEqual(table.map(([n]) => n));
    for (const [name, valueCell] of table) {
      const c = codeByName(name);
      if (/not published/i.test(valueCell)) {
        expect(c?.value, name).toBeUndefined();
      } else {
        const hex = /0x[0-9A-F]{8}/i.exec(valueCell)?.[0];
        expect(hex, name).toBeDefined();
        expect(c?.value, name).toBe(Number(hex));
      }
    }
  };

  it('VSS table: every row, same order and values', () => {
    const t = rows('vss.md', 'Complete VSS HRESULT table');
    expect(t.length).toBe(81);
    expectTable('vss', t);
  });
  it('IMAPI table: 149 rows, same order and values', () => {
    const t = rows('imapi2.md', 'IMAPI HRESULTs');
    expect(t.length).toBe(149);
    expectTable('imapi2', t);
  });
  it('AXE table: every row, same order and values', () => {
    expectTable('axe', rows('axe.md', 'AXE HRESULTs'));
  });
  it('MI_Result table', () => {
    const t = rows('mi.md', 'MI_Result');
    expect(MI_RESULTS.map((r) => [r.name, String(r.value)])).toEqual(t);
  });
  it('lib/codes.generated.ts is up to date with the generator', () => {
    const out = execFileSync(process.execPath, [join(repoRoot, 'scripts', 'gen-codes.mjs'), '--check'], {
      encoding: 'utf8',
    });
    expect(out).toContain('up to date');
  });
});
