/**
 * A small WQL parser and evaluator for the fake backend: SELECT list FROM class [WITHIN n] [WHERE condition], with
 * =, <>, !=, <, >, <=, >=, LIKE (%, _, [set]), IS [NOT] NULL, ISA, AND, OR, NOT and parentheses; string literals in
 * single or double quotes with backslash escapes. Comparisons of strings are case-insensitive, as in WMI.
 * A query it cannot parse is MI_RESULT_INVALID_QUERY, as on Windows.
 */

type Tok =
  | { t: 'id'; v: string }
  | { t: 'str'; v: string }
  | { t: 'num'; v: number }
  | { t: 'op'; v: string }
  | { t: 'punct'; v: string };

export class WqlSyntaxError extends Error {}

function tokenize(src: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === "'" || c === '"') {
      let s = '';
      i++;
      for (;;) {
        if (i >= src.length) throw new WqlSyntaxError('unterminated string literal');
        const d = src[i]!;
        if (d === '\\') {
          if (i + 1 >= src.length) throw new WqlSyntaxError('dangling backslash');
          s += src[i + 1];
          i += 2;
          continue;
        }
        if (d === c) {
          i++;
          break;
        }
        s += d;
        i++;
      }
      out.push({ t: 'str', v: s });
      continue;
    }
    const num = /^-?\d+(\.\d+)?/.exec(src.slice(i));
    if (num && (c !== '-' || out.length === 0 || out[out.length - 1]!.t === 'op' || out[out.length - 1]!.t === 'punct')) {
      out.push({ t: 'num', v: Number(num[0]) });
      i += num[0].length;
      continue;
    }
    const id = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*/.exec(src.slice(i));
    if (id) {
      out.push({ t: 'id', v: id[0] });
      i += id[0].length;
      continue;
    }
    const op = /^(<>|!=|<=|>=|=|<|>)/.exec(src.slice(i));
    if (op) {
      out.push({ t: 'op', v: op[0] });
      i += op[0].length;
      continue;
    }
    if ('(),*'.includes(c)) {
      out.push({ t: 'punct', v: c });
      i++;
      continue;
    }
    throw new WqlSyntaxError(`unexpected character ${JSON.stringify(c)} at ${i}`);
  }
  return out;
}

type Value = string | number | boolean | null;
export type Cond =
  | { k: 'and' | 'or'; a: Cond; b: Cond }
  | { k: 'not'; a: Cond }
  | { k: 'cmp'; prop: string; op: string; value: Value }
  | { k: 'like'; prop: string; pattern: string }
  | { k: 'null'; prop: string; negate: boolean }
  | { k: 'isa'; prop: string; className: string };

export interface ParsedQuery {
  readonly properties: readonly string[] | '*';
  readonly className: string;
  readonly within: number | undefined;
  readonly where: Cond | undefined;
}

const KEYWORDS = new Set(['SELECT', 'FROM', 'WHERE', 'AND', 'OR', 'NOT', 'LIKE', 'IS', 'NULL', 'TRUE', 'FALSE', 'ISA', 'WITHIN']);

export function parseWql(text: string): ParsedQuery {
  const toks = tokenize(text);
  let p = 0;
  const peek = (): Tok | undefined => toks[p];
  const kw = (word: string): boolean => {
    const t = toks[p];
    if (t && t.t === 'id' && t.v.toUpperCase() === word) {
      p++;
      return true;
    }
    return false;
  };
  const expectKw = (word: string): void => {
    if (!kw(word)) throw new WqlSyntaxError(`expected ${word}`);
  };
  const ident = (): string => {
    const t = toks[p];
    if (!t || t.t !== 'id' || KEYWORDS.has(t.v.toUpperCase())) throw new WqlSyntaxError('expected a name');
    p++;
    return t.v;
  };
  const value = (): Value => {
    const t = toks[p];
    if (!t) throw new WqlSyntaxError('expected a value');
    if (t.t === 'str' || t.t === 'num') {
      p++;
      return t.v;
    }
    if (kw('TRUE')) return true;
    if (kw('FALSE')) return false;
    if (kw('NULL')) return null;
    throw new WqlSyntaxError('expected a literal');
  };
  const primary = (): Cond => {
    const t = peek();
    if (t && t.t === 'punct' && t.v === '(') {
      p++;
      const c = or();
      const close = peek();
      if (!close || close.t !== 'punct' || close.v !== ')') throw new WqlSyntaxError('expected )');
      p++;
      return c;
    }
    if (kw('NOT')) return { k: 'not', a: primary() };
    const prop = ident();
    if (kw('LIKE')) {
      const v = value();
      if (typeof v !== 'string') throw new WqlSyntaxError('LIKE needs a string');
      return { k: 'like', prop, pattern: v };
    }
    if (kw('ISA')) {
      const v = value();
      if (typeof v !== 'string') throw new WqlSyntaxError('ISA needs a string');
      return { k: 'isa', prop, className: v };
    }
    if (kw('IS')) {
      const negate = kw('NOT');
      expectKw('NULL');
      return { k: 'null', prop, negate };
    }
    const op = peek();
    if (!op || op.t !== 'op') throw new WqlSyntaxError('expected an operator');
    p++;
    return { k: 'cmp', prop, op: op.v, value: value() };
  };
  const and = (): Cond => {
    let c = primary();
    while (kw('AND')) c = { k: 'and', a: c, b: primary() };
    return c;
  };
  const or = (): Cond => {
    let c = and();
    while (kw('OR')) c = { k: 'or', a: c, b: and() };
    return c;
  };

  expectKw('SELECT');
  let properties: string[] | '*';
  const star = peek();
  if (star && star.t === 'punct' && star.v === '*') {
    p++;
    properties = '*';
  } else {
    properties = [ident()];
    for (;;) {
      const comma = peek();
      if (!comma || comma.t !== 'punct' || comma.v !== ',') break;
      p++;
      properties.push(ident());
    }
  }
  expectKw('FROM');
  const className = ident();
  let within: number | undefined;
  if (kw('WITHIN')) {
    const v = value();
    if (typeof v !== 'number') throw new WqlSyntaxError('WITHIN needs a number');
    within = v;
  }
  let where: Cond | undefined;
  if (kw('WHERE')) where = or();
  if (p !== toks.length) throw new WqlSyntaxError('unexpected text after the query');
  return { properties, className, within, where };
}

function lookup(obj: Readonly<Record<string, unknown>>, path: string): unknown {
  let cur: unknown = obj;
  for (const part of path.split('.')) {
    if (typeof cur !== 'object' || cur === null) return undefined;
    const rec = (cur as { properties?: Record<string, unknown> }).properties ?? (cur as Record<string, unknown>);
    const key = Object.keys(rec).find((k) => k.toLowerCase() === part.toLowerCase());
    cur = key === undefined ? undefined : rec[key];
  }
  return cur;
}

export function likeToRegExp(pattern: string): RegExp {
  let re = '^';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '%') re += '[\\s\\S]*';
    else if (c === '_') re += '[\\s\\S]';
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 2);
      if (end < 0) throw new WqlSyntaxError('unterminated [ in LIKE pattern');
      let body = pattern.slice(i + 1, end);
      const neg = body.startsWith('^');
      if (neg) body = body.slice(1);
      re += `[${neg ? '^' : ''}${body.replace(/[\\\]]/g, '\\$&')}]`;
      i = end;
    } else re += c.replace(/[.*+?^${}()|\\/]/g, '\\$&');
  }
  return new RegExp(`${re}$`, 'is');
}

function compare(a: unknown, op: string, b: Value): boolean {
  if (a === undefined || a === null || b === null) return false;
  let x: unknown = a;
  let y: unknown = b;
  if (typeof x === 'bigint') x = Number(x);
  if (x instanceof Date && typeof y === 'string') x = x.getTime(), y = dmtfToTime(y);
  if (typeof x === 'string' && typeof y === 'string') {
    x = x.toLowerCase();
    y = y.toLowerCase();
  }
  if (typeof x === 'number' && typeof y === 'string' && y.trim() !== '' && !Number.isNaN(Number(y))) y = Number(y);
  if (typeof x === 'boolean' && typeof y === 'number') y = y !== 0;
  switch (op) {
    case '=': return x === y;
    case '<>':
    case '!=': return x !== y;
    case '<': return (x as number) < (y as number);
    case '>': return (x as number) > (y as number);
    case '<=': return (x as number) <= (y as number);
    case '>=': return (x as number) >= (y as number);
    default: return false;
  }
}

function dmtfToTime(s: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})\.(\d{6})([+-])(\d{3})$/.exec(s);
  if (!m) return Number.NaN;
  const utc = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!, Math.floor(+m[7]! / 1000));
  const offset = (m[8] === '-' ? -1 : 1) * +m[9]!;
  return utc - offset * 60_000;
}

export function evaluate(c: Cond, obj: Readonly<Record<string, unknown>>, classOf: (v: unknown) => string | undefined): boolean {
  switch (c.k) {
    case 'and': return evaluate(c.a, obj, classOf) && evaluate(c.b, obj, classOf);
    case 'or': return evaluate(c.a, obj, classOf) || evaluate(c.b, obj, classOf);
    case 'not': return !evaluate(c.a, obj, classOf);
    case 'cmp': return compare(lookup(obj, c.prop), c.op, c.value);
    case 'like': {
      const v = lookup(obj, c.prop);
      return typeof v === 'string' && likeToRegExp(c.pattern).test(v);
    }
    case 'null': {
      const v = lookup(obj, c.prop);
      const isNull = v === undefined || v === null;
      return c.negate ? !isNull : isNull;
    }
    case 'isa': return (classOf(lookup(obj, c.prop)) ?? '').toLowerCase() === c.className.toLowerCase();
  }
}
