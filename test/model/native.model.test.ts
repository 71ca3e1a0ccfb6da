/**
 * The model-based suites (test/model/model.ts) on the native backend + the Windows test doubles, in real time inside
 * Windows node.exe under Wine: scripts/wine/model.sh (npm run test:wine:model) puts every double in place and runs
 * this file. Elsewhere it is skipped and the suite's name says why.
 *
 * Real time, decided by states (issue 10): every sequence here is of the held kind. The doubles hold the steps, the
 * Updates, the assessments and MI's final result (scenario holds), the sequence waits until the double reports the
 * hold (read in this process, never stale) and triggers its cancel, abort or escalation there, then lets go. So each
 * played sequence has exactly one allowed outcome, whatever the machine's speed; eps and the Update lag are 0. After
 * every sequence the subject's handles and the doubles' live objects must drain to nothing within 30 s (a deadline).
 * WINOPS_MODEL_RUNS sequences per family (default 200), WINOPS_MODEL_FAMILIES to choose families, WINOPS_MODEL_SEED to
 * replay a reported run.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import { createNativeSubject, nativeDoublesAvailability } from '../native-subject';
import { checkFamily, families, stats, trackUnhandled, type ModelDriver } from './model';

const RUNS = Number(process.env.WINOPS_MODEL_RUNS ?? 200);
const SEED = process.env.WINOPS_MODEL_SEED ? Number(process.env.WINOPS_MODEL_SEED) : undefined;
const FAMILIES = (process.env.WINOPS_MODEL_FAMILIES ?? Object.keys(families).join(' ')).split(/[\s,]+/).filter(Boolean) as (keyof typeof families)[];
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

const native: ModelDriver = {
  name: 'native + doubles',
  eps: 0,
  realTime: true,
  updateLag: 0,
  async subject(scenario, family) {
    return createNativeSubject(scenario, family);
  },
  sequence: (body) => body(),
  async settle(p, ms) {
    const bound = Math.max(5000, ms * 5);
    let timer: NodeJS.Timeout | undefined;
    const hang = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`did not settle within ${bound} ms`)), bound);
    });
    try {
      return await Promise.race([p, hang]);
    } finally {
      clearTimeout(timer);
    }
  },
  async until(cond, what) {
    // The state is JS's or the double's own (read in this process, never stale); the deadline only ends a hang.
    const end = Date.now() + 30_000;
    while (!cond()) {
      if (Date.now() > end) throw new Error(`${what}: not within 30 s`);
      await sleep(1);
    }
  },
  async quiesce(s) {
    const end = Date.now() + 30_000;
    while (s.inspect.openHandles().length > 0 && Date.now() < end) await sleep(5);
  },
  now: () => performance.now(),
};

const availability = nativeDoublesAvailability();
const title = availability.available ? 'model-based suites (native + doubles)' : `model-based suites (native + doubles) (skipped: ${availability.reason})`;

let stop: () => void;
beforeAll(() => {
  stop = trackUnhandled();
});
afterAll(() => stop?.());

describe.skipIf(!availability.available)(title, () => {
  for (const family of FAMILIES) {
    it(`${family}: ${RUNS} ${families[family].title} match the model`, async () => {
      const t0 = Date.now();
      await checkFamily(family, native, 'native', RUNS, SEED);
      const st = stats[family] ?? { sequences: 0, ambiguous: 0 };
      console.log(`model ${family}: ${RUNS} sequences on native + doubles in ${((Date.now() - t0) / 1000).toFixed(1)} s; ` +
        `${st.sequences - st.ambiguous} of ${st.sequences} played had exactly one allowed outcome`);
    }, 3_600_000);
  }
});
