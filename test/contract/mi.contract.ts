import { describe, expect, it } from 'vitest';
import { AbortError, MI_CLASS, MiError, wql, type MiInstance } from '../../lib/index';
import { settle, sleep, until, type BackendFactory } from './harness';

const many = (n: number): Record<string, unknown>[] => Array.from({ length: n }, (_, i) => ({ Id: i, Name: `item${i}` }));

export function miContract(name: string, make: BackendFactory): void {
  describe(`MI contract (${name})`, () => {
    it('queries instances as plain objects with typed values, and closes every operation', async () => {
      const { winops, inspect } = await make({
        mi: {
          classes: {
            Win32_OperatingSystem: [{ Caption: 'Windows', BuildNumber: '26100', LastBootUpTime: { $date: '2026-11-01T08:00:00.000Z' }, FreePhysicalMemory: { $uint64: '18446744073709551615' }, NumberOfProcesses: 120, Primary: true, MUILanguages: ['en-US', 'de-DE'], Uptime: { $interval: { days: 1, hours: 2 } }, Owner: { $class: 'Win32_Account', Name: 'me' } }],
          },
        },
      });
      await using session = await winops.mi.openSession();
      const rows = await session.query('SELECT * FROM Win32_OperatingSystem').toArray();
      expect(rows).toHaveLength(1);
      const os = rows[0]!;
      expect(os[MI_CLASS]).toBe('Win32_OperatingSystem');
      expect(os.Caption).toBe('Windows');
      expect(os.LastBootUpTime).toEqual(new Date('2026-11-01T08:00:00.000Z'));
      expect(os.FreePhysicalMemory).toBe(18446744073709551615n);
      expect(os.NumberOfProcesses).toBe(120);
      expect(os.Primary).toBe(true);
      expect(os.MUILanguages).toEqual(['en-US', 'de-DE']);
      expect(os.Uptime).toMatchObject({ kind: 'interval', days: 1, hours: 2 });
      expect((os.Owner as MiInstance).Name).toBe('me');
      expect((os.Owner as MiInstance)[MI_CLASS]).toBe('Win32_Account');
      expect(JSON.stringify(Object.keys(os))).not.toContain('MI_CLASS');
      expect(session.openOperations).toBe(0);
      expect(inspect.openHandles().filter((h) => h.kind === 'MI_Operation')).toEqual([]);
      expect(inspect.violations()).toEqual([]);
    });

    it('wql`` escapes values, so an injection attempt matches nothing instead of everything', async () => {
      const { winops } = await make({});
      await using session = await winops.mi.openSession();
      const hostile = "x' OR Name LIKE '%";
      const rows = await session.query(wql`SELECT Name FROM Win32_Service WHERE Name = ${hostile}`).toArray();
      expect(rows).toEqual([]);
      const vss = await session.query(wql`SELECT Name, State FROM Win32_Service WHERE Name = ${'vss'}`).toArray();
      expect(vss.map((r) => r.Name)).toEqual(['VSS']);
      expect(Object.keys(vss[0]!).sort()).toEqual(['Name', 'State']);
      const prefix = await session.query(wql`SELECT * FROM Win32_Service WHERE Name LIKE ${wql.like.startsWith('Win')}`).toArray();
      expect(prefix.map((r) => r.Name).sort()).toEqual(['WinRM', 'Winmgmt']);
    });

    it('back-pressure: with highWaterMark 2 a slow consumer holds MI to at most 2 unacknowledged results', async () => {
      const { winops, inspect } = await make({ mi: { classes: { Big: many(50) } } });
      await using session = await winops.mi.openSession();
      const stream = session.enumerate('Big', { highWaterMark: 2 });
      const it = stream[Symbol.asyncIterator]();
      const first = await it.next();
      expect(first.value?.Id).toBe(0);
      // The consumer stops reading: MI comes to be held (an acknowledgement withheld, 'ackHeld'), not after a sleep.
      const lastAck = (): string | undefined => inspect.calls().filter((c) => c.call === 'resultAcknowledgement' || c.call === 'ackHeld').at(-1)?.call;
      await until(() => lastAck() === 'ackHeld', undefined, 'MI held back by a full window');
      const acks = inspect.calls().filter((c) => c.call === 'resultAcknowledgement').length;
      // delivered = acks + 1; consumed 1, buffer at most 2.
      expect(acks + 1).toBeLessThanOrEqual(3);
      let n = 1;
      for (;;) {
        const r = await it.next();
        if (r.done) break;
        expect(r.value.Id).toBe(n++);
      }
      expect(n).toBe(50);
      await stream.closed;
    });

    it('cancel mid-stream: MI_Operation_Cancel(NONE), late results are dropped, drained to the final result, closed', async () => {
      const { winops, inspect } = await make({ mi: { classes: { Big: many(1000) }, resultIntervalMs: 2, extraResultsAfterCancel: 3 } });
      await using session = await winops.mi.openSession();
      const stream = session.enumerate('Big', { highWaterMark: 4 });
      const seen: unknown[] = [];
      let error: any;
      try {
        for await (const x of stream) {
          seen.push(x.Id);
          if (seen.length === 5) void stream.cancel('enough');
        }
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(AbortError);
      expect(error.cause).toBe('enough');
      expect(error.outcome).toMatchObject({ family: 'mi', status: 'cancelled', reason: 'none', miResult: 0 });
      expect(error.outcome.discarded).toBeGreaterThanOrEqual(3);
      expect(error.outcome.finalResult).toBeTypeOf('number');
      expect(seen.length).toBeLessThanOrEqual(6);
      const cancel = inspect.calls().find((c) => c.call === 'MI_Operation_Cancel');
      expect(cancel?.detail).toBe(0);
      expect(inspect.calls().some((c) => c.call === 'MI_Operation_Close')).toBe(true);
      expect(session.openOperations).toBe(0);
      expect(inspect.violations()).toEqual([]);
      expect(await stream.cancel()).toBe(error.outcome);
    });

    it('a TimeoutError abort (what options.timeout does) cancels with MI_REASON_TIMEOUT and a TimeoutError cause', async () => {
      // The abort comes after the first result, while MI's final result is held (test/unit/timeout.test.ts runs the timer on fake time).
      const { winops, inspect } = await make({ mi: { classes: { Big: many(100) }, holdFinal: true } });
      await using session = await winops.mi.openSession();
      const ac = new AbortController();
      const r = await settle((async () => {
        for await (const _ of session.enumerate('Big', { signal: ac.signal })) ac.abort(new DOMException('The operation timed out.', 'TimeoutError'));
      })());
      expect(r.ok).toBe(false);
      if (r.ok) return;
      expect(r.error.name).toBe('AbortError');
      expect(r.error.cause.name).toBe('TimeoutError');
      expect(r.error.outcome.reason).toBe('timeout');
      expect(inspect.calls().find((c) => c.call === 'MI_Operation_Cancel')?.detail).toBe(1);
      expect(session.openOperations).toBe(0);
    });

    it('breaking out of for await cancels, drains and closes', async () => {
      const { winops, inspect } = await make({ mi: { classes: { Big: many(1000) } } });
      await using session = await winops.mi.openSession();
      for await (const x of session.enumerate('Big')) {
        if (x.Id === 3) break;
      }
      expect(session.openOperations).toBe(0);
      expect(inspect.calls().some((c) => c.call === 'MI_Operation_Cancel')).toBe(true);
      expect(inspect.violations()).toEqual([]);
    });

    it('cancel after the final result is already-finished and keeps the results', async () => {
      const { winops } = await make({ mi: { classes: { Small: many(3) } } });
      await using session = await winops.mi.openSession();
      const stream = session.enumerate('Small');
      await stream.closed;
      expect(await stream.cancel()).toMatchObject({ status: 'already-finished', finalResult: 0 });
      expect((await stream.toArray()).length).toBe(3);
    });

    it('abort racing completion: a cancel after the last instance but before the final result is a cancel', async () => {
      const { winops, inspect } = await make({ mi: { classes: { Small: many(2) }, resultIntervalMs: 30 } });
      await using session = await winops.mi.openSession();
      const stream = session.enumerate('Small');
      const it = stream[Symbol.asyncIterator]();
      await it.next();
      await it.next();
      const outcome = await stream.cancel();
      expect(outcome.status).toBe('cancelled');
      await expect(it.next()).rejects.toMatchObject({ name: 'AbortError' });
      expect(inspect.violations()).toEqual([]);
      expect(session.openOperations).toBe(0);
    });

    it('cancel before start: an aborted signal rejects not-started and calls nothing', async () => {
      const { winops, inspect } = await make({});
      await using session = await winops.mi.openSession();
      const before = inspect.calls().length;
      const r = await settle(session.query('SELECT * FROM Win32_Process', { signal: AbortSignal.abort() }).toArray());
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error.outcome.status).toBe('not-started');
      expect(inspect.calls().length).toBe(before);
    });

    it('errors are MiError with MI_Result, category and the CIM error details', async () => {
      const { winops } = await make({});
      await using session = await winops.mi.openSession();
      const r = await settle(session.query('SELECT * FROM Win32_NoSuchClass').toArray());
      expect(r.ok).toBe(false);
      if (r.ok) return;
      expect(r.error).toBeInstanceOf(MiError);
      expect(r.error).toMatchObject({ code: 'MI_RESULT_INVALID_CLASS', miResult: 5, hresult: 0x80041010, family: 'mi', call: 'MI_Session_QueryInstances' });
      expect(r.error.category).toBe('MI_ERRORCATEGORY_OBJECT_NOT_FOUND');
      const bad = await settle(session.query('SELEKT nonsense').toArray());
      expect(!bad.ok && bad.error.code).toBe('MI_RESULT_INVALID_QUERY');
      const ns = await settle(session.query('SELECT * FROM Win32_Process', { namespace: 'root/nowhere' }).toArray());
      expect(!ns.ok && ns.error.code).toBe('MI_RESULT_INVALID_NAMESPACE');
      const c = session.query('SELECT * FROM Win32_NoSuchClass');
      await c.closed;
      await expect(c.cancel()).rejects.toMatchObject({ code: 'MI_RESULT_INVALID_CLASS' });
    });

    it('get by keys, NOT_FOUND, and invoke with return value and out-parameters', async () => {
      const { winops } = await make({ mi: { methods: { 'Win32_Process.Create': { returnValue: 0, out: { ProcessId: 9001 } } } } });
      await using session = await winops.mi.openSession();
      const svc = await session.get('Win32_Service', { Name: 'Spooler' });
      expect(svc.State).toBe('Running');
      await expect(session.get('Win32_Service', { Name: 'nope' })).rejects.toMatchObject({ code: 'MI_RESULT_NOT_FOUND' });
      const r = await session.invoke('Win32_Process', 'Create', { CommandLine: 'notepad.exe' });
      expect(r).toEqual({ returnValue: 0, out: { ProcessId: 9001 } });
      await expect(session.invoke('Win32_Process', 'Explode')).rejects.toMatchObject({ code: 'MI_RESULT_METHOD_NOT_FOUND' });
    });

    it('subscribe streams indications until the consumer stops', async () => {
      const { winops } = await make({ mi: { indications: { intervalMs: 5 } } });
      await using session = await winops.mi.openSession();
      const got: unknown[] = [];
      for await (const e of session.subscribe("SELECT * FROM __InstanceCreationEvent WITHIN 1 WHERE TargetInstance ISA 'Win32_Process'")) {
        got.push((e.TargetInstance as MiInstance).Name);
        if (got.length === 3) break;
      }
      expect(got).toEqual(['notepad.exe', 'notepad.exe', 'notepad.exe']);
      expect(session.openOperations).toBe(0);
    });

    it('session.close() cancels what still runs and closes everything', async () => {
      const { winops, inspect } = await make({ mi: { indications: { intervalMs: 5 } } });
      const session = await winops.mi.openSession();
      const sub = session.subscribe('SELECT * FROM __InstanceCreationEvent WITHIN 1');
      const reading = settle(sub.toArray());
      await sleep(20);
      await session.close();
      const r = await reading;
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error.name).toBe('AbortError');
      expect(inspect.openHandles()).toEqual([]);
      expect(inspect.violations()).toEqual([]);
      expect(() => session.query('SELECT * FROM Win32_Process')).toThrow(/closed/);
    });

    it('a remote session that cannot be reached fails as MiError; credentials never appear in the message', async () => {
      const { winops } = await make({ mi: { reachableComputers: ['server1'] } });
      const r = await settle(winops.mi.openSession({ computer: 'server2', credentials: { username: 'admin', password: 'hunter2-secret' } }));
      expect(r.ok).toBe(false);
      if (r.ok) return;
      expect(r.error).toBeInstanceOf(MiError);
      expect(JSON.stringify({ ...r.error, message: r.error.message, stack: r.error.stack })).not.toContain('hunter2-secret');
      const ok = await winops.mi.openSession({ computer: 'server1', protocol: 'wsman', credentials: { username: 'admin', password: 'hunter2-secret' } });
      expect(ok.computer).toBe('server1');
      expect(JSON.stringify(ok)).not.toContain('hunter2');
      await ok.close();
    });

    it('rejects bad arguments with TypeError/RangeError naming them', async () => {
      const { winops } = await make({});
      await using session = await winops.mi.openSession();
      expect(() => session.query(7 as never)).toThrow(/query/);
      expect(() => session.query('')).toThrow(TypeError);
      expect(() => session.query('SELECT \0')).toThrow(/NUL/);
      expect(() => session.query('x'.repeat(1 << 20))).toThrow(RangeError);
      expect(() => session.enumerate('Win32 Process')).toThrow(/className/);
      expect(() => session.query('SELECT * FROM X', { highWaterMark: 0 })).toThrow(/highWaterMark/);
      expect(() => session.query('SELECT * FROM X', { namespace: 'root;drop' })).toThrow(/namespace/);
      expect(() => session.get('Win32_Service', {})).toThrow(/keys/);
      expect(() => session.invoke('A', 'B', { X: Number.NaN })).toThrow(/parameters.X/);
      await expect(winops.mi.openSession({ computer: '' })).rejects.toThrow(/computer/);
      await expect(winops.mi.openSession({ credentials: { username: 'a', password: 1 as never } })).rejects.toThrow(/password/);
      await until(() => session.openOperations === 0);
    });
  });
}
