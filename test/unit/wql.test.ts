import { describe, expect, it } from 'vitest';
import { isWqlQuery, wql } from '../../lib/wql';
import { evaluate, likeToRegExp, parseWql } from '../../lib/fake/wql-eval';

const rows = [
  { Name: "O'Brien", Path: 'C:\\Users\\ob' },
  { Name: 'admin', Path: 'C:\\Windows' },
  { Name: '50%_off[1]', Path: 'D:\\' },
];
const run = (text: string) => {
  const q = parseWql(text);
  return rows.filter((r) => !q.where || evaluate(q.where, r, () => 'X')).map((r) => r.Name);
};

describe('wql tagged template', () => {
  it('quotes strings with backslash escapes, and the WQL parser reads them back exactly', () => {
    for (const v of ["O'Brien", 'C:\\Users\\ob', 'a"b', "\\'", "x' OR '1'='1", 'emoji 😀', '']) {
      const q = wql`SELECT * FROM X WHERE Name = ${v}`;
      const parsed = parseWql(q.text);
      expect(parsed.where).toEqual({ k: 'cmp', prop: 'Name', op: '=', value: v });
    }
  });

  it('injection attempts stay literals', () => {
    expect(run(wql`SELECT * FROM X WHERE Name = ${"x' OR Name <> '"}`.text)).toEqual([]);
    expect(run(wql`SELECT * FROM X WHERE Name = ${"O'Brien"}`.text)).toEqual(["O'Brien"]);
    expect(run(wql`SELECT * FROM X WHERE Path = ${'C:\\Windows'}`.text)).toEqual(['admin']);
    expect(run(wql`SELECT * FROM X WHERE Name = ${"admin' --"}`.text)).toEqual([]);
    expect(run(wql`SELECT * FROM X WHERE Name = ${'\\'} OR Name = ${"'"}`.text)).toEqual([]);
  });

  it('writes numbers, bigints, booleans, null and Dates as WQL literals', () => {
    expect(wql`A = ${42} AND B = ${-1.5} AND C = ${2n ** 64n} AND D = ${true} AND E = ${false} AND F = ${null} AND G = ${-0}`.text).toBe(
      'A = 42 AND B = -1.5 AND C = 18446744073709551616 AND D = TRUE AND E = FALSE AND F = NULL AND G = 0',
    );
    expect(wql`T > ${new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 678))}`.text).toBe("T > '20260102030405.678000+000'");
  });

  it('rejects values it cannot write safely, naming their position', () => {
    expect(() => wql`A = ${undefined}`).toThrow(/value #1 is undefined/);
    expect(() => wql`A = ${1} AND B = ${Number.NaN}`).toThrow(/value #2/);
    expect(() => wql`A = ${Infinity}`).toThrow(RangeError);
    expect(() => wql`A = ${['a', 'b']}`).toThrow(/array/);
    expect(() => wql`A = ${{}}`).toThrow(TypeError);
    expect(() => wql`A = ${'nul\0byte'}`).toThrow(/NUL/);
    expect(() => wql`A = ${'\uD800'}`).toThrow(/surrogate/);
    expect(() => wql`A = ${new Date(Number.NaN)}`).toThrow(RangeError);
    expect(() => (wql as unknown as (s: string) => unknown)('SELECT 1')).toThrow(/tagged template/);
  });

  it('identifiers accept only names; like patterns escape the wildcards', () => {
    expect(wql`SELECT * FROM ${wql.identifier('Win32_Process')}`.text).toBe('SELECT * FROM Win32_Process');
    expect(() => wql.identifier('Win32_Process WHERE 1=1')).toThrow(RangeError);
    expect(() => wql.identifier("x'")).toThrow(RangeError);
    expect(() => wql.identifier(5 as never)).toThrow(TypeError);
    const q = wql`SELECT * FROM X WHERE Name LIKE ${wql.like.startsWith('50%_off[')}`;
    expect(q.text).toBe("SELECT * FROM X WHERE Name LIKE '50[%][_]off[[]%'");
    expect(run(q.text)).toEqual(['50%_off[1]']);
    expect(run(wql`SELECT * FROM X WHERE Name LIKE ${wql.like.contains("'")}`.text)).toEqual(["O'Brien"]);
    expect(likeToRegExp('a_c').test('abc')).toBe(true);
    expect(likeToRegExp('[^a]bc').test('abc')).toBe(false);
  });

  it('queries are frozen, branded and print as their text', () => {
    const q = wql`SELECT * FROM X`;
    expect(isWqlQuery(q)).toBe(true);
    expect(isWqlQuery('SELECT * FROM X')).toBe(false);
    expect(`${q}`).toBe('SELECT * FROM X');
    expect(Object.isFrozen(q)).toBe(true);
  });
});
