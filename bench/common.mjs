// Shared by the benchmarks: percentiles, and (inside Windows node.exe under Wine, scripts/wine/bench.sh) what the
// four test doubles still count alive.
import fs from 'node:fs';
import path from 'node:path';

/** The p-th percentile (nearest rank, lower) of xs. */
export function pct(xs, p) {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Objects each double still counts alive, and violations it logged, from logs { vss, mi, imapi2, axe } (each a
 * parsed WINOPS_DOUBLE_LOG). MI_Application is left out: winops' MI family keeps one per process until exit.
 */
export function liveInDoubles(logs) {
  const left = [];
  for (const [fam, log] of Object.entries(logs)) {
    if (!log) continue;
    for (const [cls, n] of Object.entries(log.live)) if (n !== 0 && !(fam === 'mi' && cls === 'MI_Application')) left.push(`${fam}:${cls}=${n}`);
    for (const v of log.violations) left.push(`${fam} violation: ${v}`);
  }
  return left;
}

/**
 * One short call per family, each with a log of its own, so that each double writes the live-object counts of the
 * whole process (its counts carry over from one log file to the next): a set of backup components created and
 * released, an MI session opened and closed, the recorders listed, a job loaded and closed. Returns liveInDoubles().
 * Leaves WINOPS_DOUBLE_LOG empty (no log).
 */
export async function probeDoubles(w, dir, { axeJob } = {}) {
  const logs = {};
  const withLog = async (fam, fn) => {
    const file = path.join(dir, `probe-${fam}.log.json`);
    process.env.WINOPS_DOUBLE_LOG = file;
    await fn();
    logs[fam] = JSON.parse(fs.readFileSync(file, 'utf8'));
  };
  await withLog('vss', async () => (await w.vss.createBackupComponents()).release());
  await withLog('mi', async () => (await w.mi.openSession()).close());
  await withLog('imapi2', () => w.imapi2.listRecorders());
  if (axeJob) await withLog('axe', async () => (await w.axe.loadJob(axeJob)).close());
  process.env.WINOPS_DOUBLE_LOG = '';
  return liveInDoubles(logs);
}
