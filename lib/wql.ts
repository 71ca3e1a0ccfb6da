/**
 * A tagged template that builds WQL with every interpolated value escaped as a literal, so no caller has to
 * concatenate strings into a query:
 *
 *   wql`SELECT * FROM Win32_Service WHERE Name = ${name} AND StartMode = ${'Auto'}`
 *
 * Values become literals: strings are quoted with backslash escapes, numbers/bigints are written out, booleans are
 * TRUE/FALSE, null is NULL, Dates become DMTF datetimes. Names (classes, properties) go in through wql.identifier(),
 * which accepts only identifier characters; LIKE patterns with user text through wql.like(), which escapes the
 * wildcards. Anything else (objects, arrays, undefined, NaN) is a TypeError/RangeError naming its position.
 */

const WQL_BRAND: unique symbol = Symbol('winops.wql');

/** A query built by {@link wql}. Its text is safe to send. */
export interface WqlQuery {
  readonly [WQL_BRAND]: true;
  readonly dialect: 'WQL';
  readonly text: string;
  toString(): string;
}

class Fragment {
  constructor(readonly text: string) {}
}

/** True for a query built by wql``. */
export function isWqlQuery(value: unknown): value is WqlQuery {
  return typeof value === 'object' && value !== null && (value as { [WQL_BRAND]?: unknown })[WQL_BRAND] === true;
}

function checkText(s: string, where: string): void {
  if (s.includes('\0')) throw new TypeError(`wql: ${where} contains a NUL character, which WQL cannot carry`);
  if (/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(s)) {
    throw new TypeError(`wql: ${where} contains an unpaired surrogate and cannot be converted to UTF-16`);
  }
}

/** A WQL string literal: single quotes, with backslash and quote escaped. */
export function quoteString(s: string, where = 'value'): string {
  checkText(s, where);
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/** A Date as a CIM DMTF datetime in UTC: yyyymmddHHMMSS.mmmmmm+000 */
export function toDmtf(d: Date): string {
  if (Number.isNaN(d.getTime())) throw new RangeError('wql: Invalid Date');
  return (
    `${pad(d.getUTCFullYear(), 4)}${pad(d.getUTCMonth() + 1, 2)}${pad(d.getUTCDate(), 2)}` +
    `${pad(d.getUTCHours(), 2)}${pad(d.getUTCMinutes(), 2)}${pad(d.getUTCSeconds(), 2)}.${pad(d.getUTCMilliseconds() * 1000, 6)}+000`
  );
}

function literal(value: unknown, where: string): string {
  if (value instanceof Fragment) return value.text;
  if (typeof value === 'string') return quoteString(value, where);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new RangeError(`wql: ${where} must be a finite number, got ${String(value)}`);
    return Object.is(value, -0) ? '0' : String(value);
  }
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (value === null) return 'NULL';
  if (value instanceof Date) return quoteString(toDmtf(value), where);
  if (value === undefined) throw new TypeError(`wql: ${where} is undefined`);
  if (Array.isArray(value)) throw new TypeError(`wql: ${where} is an array; WQL has no IN lists, combine conditions with OR`);
  throw new TypeError(`wql: ${where} must be a string, number, bigint, boolean, null, Date, wql.identifier() or wql.like(), got ${typeof value}`);
}

/** Builds a {@link WqlQuery}. */
export function wql(strings: TemplateStringsArray, ...values: unknown[]): WqlQuery {
  if (!Array.isArray(strings) || !Array.isArray((strings as { raw?: unknown }).raw)) {
    throw new TypeError('wql must be used as a tagged template: wql`SELECT ... WHERE Name = ${value}`');
  }
  let text = strings[0] ?? '';
  for (let i = 0; i < values.length; i++) {
    text += literal(values[i], `value #${i + 1}`) + (strings[i + 1] ?? '');
  }
  checkText(text, 'the query');
  return Object.freeze({ [WQL_BRAND]: true as const, dialect: 'WQL' as const, text, toString: () => text });
}

/** A class or property name to put into a query. Only letters, digits and underscores (dotted paths allowed). */
wql.identifier = function identifier(name: string): Fragment {
  if (typeof name !== 'string') throw new TypeError(`wql.identifier: name must be a string, got ${typeof name}`);
  if (!/^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/.test(name) || name.length > 256) {
    throw new RangeError(`wql.identifier: ${JSON.stringify(name.slice(0, 80))} is not a WQL identifier`);
  }
  return new Fragment(name);
};

/**
 * A LIKE pattern: `contains`/`startsWith`/`endsWith`/`equals` escape the WQL wildcards (%, _, [) in the text.
 * wql`SELECT * FROM Win32_Process WHERE Name LIKE ${wql.like.startsWith(prefix)}`
 */
wql.like = {
  escape(text: string): string {
    if (typeof text !== 'string') throw new TypeError(`wql.like: text must be a string, got ${typeof text}`);
    return text.replace(/[[%_]/g, (c) => `[${c}]`);
  },
  contains(text: string): Fragment {
    return new Fragment(quoteString(`%${wql.like.escape(text)}%`, 'like pattern'));
  },
  startsWith(text: string): Fragment {
    return new Fragment(quoteString(`${wql.like.escape(text)}%`, 'like pattern'));
  },
  endsWith(text: string): Fragment {
    return new Fragment(quoteString(`%${wql.like.escape(text)}`, 'like pattern'));
  },
  equals(text: string): Fragment {
    return new Fragment(quoteString(wql.like.escape(text), 'like pattern'));
  },
};
