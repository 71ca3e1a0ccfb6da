/**
 * Durations on the command line: '250ms', '30s', '5m', '1h', '1.5s', or a bare number of milliseconds.
 * Small on purpose: the CLI needs these four units and a clear error, nothing else.
 */
const UNITS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const MAX = 2_147_483_647; // what setTimeout (and the library's timeout options) accept

/** Milliseconds for a duration such as '30s'; throws a RangeError that names the flag otherwise. */
export function parseDuration(text: string, flag = 'duration'): number {
  const m = /^\s*(\d+(?:\.\d+)?|\.\d+)\s*(ms|s|m|h)?\s*$/i.exec(text);
  if (!m) throw new RangeError(`${flag} must be a duration such as 250ms, 30s, 5m or 1h, got ${JSON.stringify(text)}`);
  const value = Number(m[1]) * UNITS[(m[2] ?? 'ms').toLowerCase()]!;
  const ms = Math.round(value);
  if (ms <= 0) throw new RangeError(`${flag} must be longer than 0 ms, got ${JSON.stringify(text)}`);
  if (ms > MAX) throw new RangeError(`${flag} must be at most ${MAX} ms (about 24.8 days), got ${JSON.stringify(text)}`);
  return ms;
}

/** '1.5s', '250ms', '5m': a short human form of a number of milliseconds. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${trim(ms / 1000)}s`;
  if (ms < 3_600_000) return `${trim(ms / 60_000)}m`;
  return `${trim(ms / 3_600_000)}h`;
}

function trim(n: number): string {
  return String(Math.round(n * 10) / 10);
}
