// MI results in batches (types/backend.ts MiResultBatch, issue 6) on the fake backend: the MiBackend contract itself
// (window, poll, consumed, held), the generated classes of the scenario, and what lib/mi.ts builds from batches.
// The same behaviour against the mi.dll double: test/native/mi-batch.test.mjs.
import { describe, expect, it } from 'vitest';
import { AbortError, createWinops, MI_CLASS, MI_NAMESPACE, type MiInstance } from '../../lib/index';
import { createFakeBackend } from '../../lib/fake/index';
import type { MiResultBatch } from '../../types/backend';
import type { MiScenario } from '../../types/scenario';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
/** Waits for a state of the fake (a deadline only turns a hang into a failure; it never decides a test). */
async function until(check: () => boolean, what: string): Promise<void> {
  const end = Date.now() + 30_000;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(1);
  }
}
const properties = { Name: 'p{i}.exe', Id: { $index: 1000 }, Size: { $uint64: '{i}000' }, When: { $date: '2026-11-01T08:00:00.000Z' }, Fixed: 'x' };
const scenario = (count: number, more: Partial<MiScenario> = {}): MiScenario => ({ resultIntervalMs: 0, generated: { Gen: { count, properties } }, ...more });
const request = { kind: 'enumerate', namespace: 'root/cimv2', className: 'Gen', keysOnly: false } as const;
const acks = (fake: ReturnType<typeof createFakeBackend>): number => fake.calls.filter((c) => c.call === 'resultAcknowledgement').length;
/** How often MI was held back (an acknowledgement withheld because the window was full). */
const holds = (fake: ReturnType<typeof createFakeBackend>): number => fake.calls.filter((c) => c.call === 'ackHeld').length;

describe('MI batches (fake backend)', () => {
  it('generated classes: made from the template per instance, enumerated and queried (WHERE, projection, failAfter)', async () => {
    const fake = createFakeBackend({ mi: scenario(5) });
    await using session = await createWinops({ backend: fake }).mi.openSession();
    const all = await session.enumerate('gen').toArray();
    expect(all.map((x) => ({ ...x }))).toEqual([0, 1, 2, 3, 4].map((i) => ({ Name: `p${i}.exe`, Id: 1000 + i, Size: BigInt(i) * 1000n, When: new Date('2026-11-01T08:00:00.000Z'), Fixed: 'x' })));
    expect(all[0]![MI_CLASS]).toBe('Gen');
    const some = await session.query('SELECT Name FROM Gen WHERE Id >= 1003').toArray();
    expect(some.map((x) => ({ ...x }))).toEqual([{ Name: 'p3.exe' }, { Name: 'p4.exe' }]);
    await expect(session.get('Gen', { Id: 1000 })).rejects.toMatchObject({ code: 'MI_RESULT_INVALID_CLASS' });
    const failing = createFakeBackend({ mi: scenario(5, { failAfter: { results: 2, result: 'ACCESS_DENIED' } }) });
    await using s2 = await createWinops({ backend: failing }).mi.openSession();
    const seen: unknown[] = [];
    await expect((async () => { for await (const x of s2.enumerate('Gen')) seen.push(x.Id); })()).rejects.toMatchObject({ code: 'MI_RESULT_ACCESS_DENIED' });
    expect(seen).toEqual([1000, 1001]);
  });

  it('the contract: results wait for poll (or a waiting consumer), the window holds MI, consumed() makes room, the final comes on its own', async () => {
    const fake = createFakeBackend({ mi: scenario(10) });
    const mi = fake.mi;
    const session = await mi.openSession({ computer: null, protocol: null, credentials: null });
    const batches: MiResultBatch[] = [];
    const h = mi.start(session, request, 4, (b) => batches.push(b));
    await until(() => holds(fake) === 1, 'MI held at a full window');
    // Nobody polled: nothing handed over, and MI stopped at the window (4 delivered, 3 acknowledged, 1 held).
    expect(batches).toEqual([]);
    expect(acks(fake)).toBe(3);
    expect(mi.poll(h)).toBe(true);
    expect(batches).toHaveLength(1);
    expect(batches[0]).toMatchObject({ newSchemas: [{ className: 'Gen', namespace: 'root/cimv2', names: Object.keys(properties) }], shapes: [0, 0, 0, 0], final: null, held: true });
    expect(batches[0]!.values).toHaveLength(4 * 5);
    expect(mi.poll(h)).toBe(false);  // nothing more: the consumer now waits
    mi.consumed(h, 2);  // room for 2: the held acknowledgement is given
    expect(acks(fake)).toBe(4);
    await until(() => holds(fake) === 2 && batches.length === 2, 'the next results handed over on their own, and MI held again');
    // The consumer was waiting: the next results came on their own (up to the window again: 2 more, one held).
    expect(batches).toHaveLength(2);
    expect(batches[1]).toMatchObject({ newSchemas: [], shapes: [0, 0], held: true });
    const delivered = (): number => batches.reduce((n, b) => n + b.shapes.length, 0);
    let consumed = 2;
    await until(() => {
      if (delivered() > consumed) {
        mi.consumed(h, delivered() - consumed);
        consumed = delivered();
      }
      mi.poll(h);
      return Boolean(batches.at(-1)?.final);
    }, 'the final result');
    expect(batches.reduce((n, b) => n + b.shapes.length, 0)).toBe(10);
    expect(batches.at(-1)!.final).toEqual({ result: 0, errorMessage: undefined, errorDetails: undefined });
    expect(mi.close(h)).toBe(0);
    expect(fake.violations).toEqual([]);
    await mi.closeSession(session);
  });

  it('a generated class that is not { count, properties } is refused when the fake is made', () => {
    expect(() => createFakeBackend({ mi: { generated: { G: { count: -1, properties: {} } } } })).toThrow(/generated\.G\.count/);
    expect(() => createFakeBackend({ mi: { generated: { G: { count: 1.5, properties: {} } } } })).toThrow(RangeError);
    expect(() => createFakeBackend({ mi: { generated: { G: { count: 1, properties: [] as never } } } })).toThrow(/generated\.G\.properties/);
  });

  it('consumed() more than is outstanding is a violation of the contract', async () => {
    const fake = createFakeBackend({ mi: scenario(3) });
    const session = await fake.mi.openSession({ computer: null, protocol: null, credentials: null });
    const h = fake.mi.start(session, request, 8, () => undefined);
    await until(() => acks(fake) === 3, 'the 3 instances delivered and acknowledged');
    fake.mi.consumed(h, 4);
    expect(fake.violations).toEqual([`consumed(4) with 3 instance(s) outstanding (${h})`]);
  });

  it('a slow consumer: MI is held once highWaterMark instances are outstanding, and goes on when half of them are read', async () => {
    const fake = createFakeBackend({ mi: scenario(200) });
    await using session = await createWinops({ backend: fake }).mi.openSession();
    const it = session.enumerate('Gen', { highWaterMark: 8 })[Symbol.asyncIterator]();
    expect((await it.next()).value?.Id).toBe(1000);
    await until(() => holds(fake) === 1, 'MI held at a full window');
    // The window came in one batch: 8 delivered, 7 acknowledged at once, the 8th's acknowledgement held.
    expect(acks(fake)).toBe(7);
    await it.next();
    await it.next();
    expect(acks(fake)).toBe(7);  // 3 of 8 read: not reported yet, so still held
    await it.next();  // 4 of 8: reported, the acknowledgement is given and MI fills the window again
    expect(acks(fake)).toBe(8);
    await until(() => holds(fake) === 2, 'MI held again at a full window');
    expect(acks(fake)).toBe(8 + 3);
    let n = 4;
    for (;;) {
      const r = await it.next();
      if (r.done) break;
      expect(r.value.Id).toBe(1000 + n++);
    }
    expect(n).toBe(200);
    expect(fake.violations).toEqual([]);
  });

  it('a cancel in the middle of a batch: the rest of it and the late results are discarded, and counted', async () => {
    const fake = createFakeBackend({ mi: scenario(10_000, { extraResultsAfterCancel: 3, cancelLatencyMs: 5 }) });
    await using session = await createWinops({ backend: fake }).mi.openSession();
    const stream = session.enumerate('Gen', { highWaterMark: 32 });
    await until(() => holds(fake) === 1, 'MI held at a full window');  // the first read takes a batch of 32
    const seen: unknown[] = [];
    let error: unknown;
    try {
      for await (const x of stream) {
        seen.push(x.Id);
        if (seen.length === 5) void stream.cancel('enough');
      }
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AbortError);
    expect((error as AbortError).outcome).toMatchObject({ status: 'cancelled', discarded: 32 - 5 + 3, finalResult: 1 });
    expect(seen).toEqual([1000, 1001, 1002, 1003, 1004]);
    expect(acks(fake)).toBe(31 + 1 + 3);  // the window, the held one given at the cancel, the 3 late results
    expect(fake.openHandles().filter((x) => x.kind === 'MI_Operation')).toEqual([]);
    expect(fake.violations).toEqual([]);
  });

  it('instances are plain objects, also with a property called __proto__ (an own property; the prototype stays)', async () => {
    const row: Record<string, unknown> = { A: 1 };
    Object.defineProperty(row, '__proto__', { value: 'p', enumerable: true, configurable: true, writable: true });
    const fake = createFakeBackend({ mi: { classes: { Odd: [row] } } });
    await using session = await createWinops({ backend: fake }).mi.openSession();
    const [x] = (await session.enumerate('Odd').toArray()) as [MiInstance];
    expect(Object.getPrototypeOf(x)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(x, '__proto__')).toEqual({ value: 'p', enumerable: true, writable: true, configurable: true });
    expect(Object.keys(x)).toEqual(['A', '__proto__']);
    expect(Object.getOwnPropertyDescriptor(x, MI_CLASS)).toEqual({ value: 'Odd', enumerable: false, writable: false, configurable: false });
    expect(Object.getOwnPropertyDescriptor(x, MI_NAMESPACE)).toEqual({ value: 'root/cimv2', enumerable: false, writable: false, configurable: false });
  });
});
