import { afterEach, describe, expect, it, vi } from 'vitest';
import { BackendUnavailableError, createWinops, resolveBackend } from '../../lib/index';
import { createFakeBackend } from '../../lib/fake/index';

describe('backend selection is explicit, never silent', () => {
  it('off Windows with nothing chosen, the first call fails with a message that says how to opt into the fake', async () => {
    expect(() => resolveBackend(undefined, {}, 'linux')).toThrow(BackendUnavailableError);
    expect(() => resolveBackend(undefined, {}, 'linux')).toThrow(/WINOPS_BACKEND=fake/);
    const w = createWinops();
    if (process.platform !== 'win32' && process.env.WINOPS_BACKEND === undefined) {
      await expect(w.vss.createSnapshotSet('C:\\')).rejects.toThrow(BackendUnavailableError);
    }
  });

  it('WINOPS_BACKEND=fake picks the fake, with WINOPS_SCENARIO', () => {
    const b = resolveBackend(undefined, { WINOPS_BACKEND: 'fake', WINOPS_SCENARIO: '{"vss":{"volumes":["Z:\\\\"]}}' }, 'linux');
    expect(b.name).toBe('fake');
    expect((b as ReturnType<typeof createFakeBackend>).scenario).toEqual({ vss: { volumes: ['Z:\\'] } });
    expect(() => resolveBackend(undefined, { WINOPS_BACKEND: 'fake', WINOPS_SCENARIO: '{oops' }, 'linux')).toThrow(/WINOPS_SCENARIO/);
    expect(() => resolveBackend(undefined, { WINOPS_BACKEND: 'simulated' }, 'linux')).toThrow(/WINOPS_BACKEND/);
  });

  it('native is tried on Windows or when asked, and a missing addon is a BackendUnavailableError', () => {
    let err: unknown;
    try {
      resolveBackend(undefined, {}, 'win32');
    } catch (e) {
      err = e;
    }
    // Here the addon is either absent or a mingw build for Windows; in neither case may we get the fake.
    if (err) expect(err).toBeInstanceOf(BackendUnavailableError);
    expect(() => resolveBackend('native')).toThrow(BackendUnavailableError);
  });

  it('bad choices are TypeErrors naming the option', () => {
    expect(() => createWinops({ backend: 'fakeish' as never })).toThrow(/options.backend/);
    expect(() => createWinops({ backend: {} as never })).toThrow(/options.backend/);
    expect(() => createWinops(null as never)).toThrow(TypeError);
  });

  it('a backend object is used as is', () => {
    const fake = createFakeBackend();
    expect(createWinops({ backend: fake }).backend).toBe(fake);
  });
});

describe('the fake runs on fake timers', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('a ten-minute DoSnapshotSet completes when the clock is advanced, and a timeout fires on fake time', async () => {
    vi.useFakeTimers();
    const fake = createFakeBackend({ vss: { steps: { doSnapshotSet: { durationMs: 600_000 } } } });
    const w = createWinops({ backend: fake });
    const op = w.vss.createSnapshotSet('C:\\');
    await vi.advanceTimersByTimeAsync(599_000);
    expect(op.step).toBe('doSnapshotSet');
    await vi.advanceTimersByTimeAsync(2_000);
    const set = await op;
    expect(set.snapshots).toHaveLength(1);
    const closing = set.close();
    await vi.advanceTimersByTimeAsync(100);
    await closing;

    const slow = w.vss.createSnapshotSet('C:\\', { timeout: 300_000 });
    slow.catch(() => undefined);
    await vi.advanceTimersByTimeAsync(300_100);
    await expect(slow).rejects.toMatchObject({ name: 'AbortError', cause: { name: 'TimeoutError' } });
    expect(fake.openHandles()).toEqual([]);
  });
});

describe('scenario checks', () => {
  it('an unknown code in a scenario fails at createFakeBackend, not later from a timer', () => {
    // @ts-expect-error an unknown code name: the Scenario type rejects it as the validator does
    expect(() => createFakeBackend({ vss: { steps: { doSnapshotSet: { fail: 'VSS_E_NO_SUCH_THING' } } } })).toThrow(/vss.steps.doSnapshotSet.fail/);
    // @ts-expect-error an unknown code name: the Scenario type rejects it as the validator does
    expect(() => createFakeBackend({ mi: { failAfter: { results: 1, result: 'MI_RESULT_NOPE' } } })).toThrow(/mi.failAfter.result/);
    // @ts-expect-error an unknown code name: the Scenario type rejects it as the validator does
    expect(() => createFakeBackend({ imapi2: { failAtUpdate: { update: 1, code: 'E_BOGUS' } } })).toThrow(RangeError);
    // @ts-expect-error an unknown code name: the Scenario type rejects it as the validator does
    expect(() => createFakeBackend({ axe: { manifests: { j: { name: 'J', assessments: [{ name: 'a', error: 'AXE_E_WHAT' }] } } } })).toThrow(/assessments\[0\].error/);
    expect(createFakeBackend({ vss: { steps: { doSnapshotSet: { fail: 'VSS_E_PROVIDER_VETO' } } }, mi: { failAfter: { results: 1, result: 'ACCESS_DENIED' } } }).name).toBe('fake');
  });
});
