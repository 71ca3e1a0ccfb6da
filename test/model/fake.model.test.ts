/**
 * The model-based suites (test/model/model.ts) on the fake backend, on fake timers: exact time, so the model names
 * exactly one outcome for every sequence. WINOPS_MODEL_RUNS sequences per family (default 1000).
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createFakeBackend } from '../../lib/fake/index';
import { inspectFake, subjectOf, type Subject } from '../contract/harness';
import { checkFamily, families, trackUnhandled, type ModelDriver } from './model';

const RUNS = Number(process.env.WINOPS_MODEL_RUNS ?? 1000);
const pending = new WeakMap<Subject, () => number>();

const fake: ModelDriver = {
  name: 'fake',
  eps: 0,
  realTime: false,
  updateLag: 0,
  async subject(scenario) {
    const backend = createFakeBackend(scenario);
    const s = subjectOf(backend, inspectFake(backend));
    pending.set(s, () => backend.pendingWork);
    return s;
  },
  async sequence(body) {
    vi.useFakeTimers();
    try {
      return await body();
    } finally {
      vi.useRealTimers();
    }
  },
  async settle(p, ms) {
    let done = false;
    const watched = p.finally(() => {
      done = true;
    });
    watched.catch(() => undefined);
    await vi.advanceTimersByTimeAsync(ms);
    if (!done) throw new Error(`did not settle within ${ms} ms of fake time`);
    return p;
  },
  async until(cond, what) {
    // Fake time passes 1 ms at a time until the state comes (at most a minute of it).
    for (let ms = 0; !cond(); ms++) {
      if (ms > 60_000) throw new Error(`${what}: not within 60 s of fake time`);
      await vi.advanceTimersByTimeAsync(1);
    }
  },
  async quiesce(s) {
    await vi.advanceTimersByTimeAsync(10_000);
    expect(pending.get(s)?.()).toBe(0);
  },
  now: () => Date.now(),
};

let stop: () => void;
beforeAll(() => {
  stop = trackUnhandled();
});
afterAll(() => stop());

describe('model-based suites (fake backend)', () => {
  for (const family of Object.keys(families) as (keyof typeof families)[]) {
    it(`${family}: ${RUNS} ${families[family].title} match the model`, () => checkFamily(family, fake, 'fake', RUNS));
  }
});
