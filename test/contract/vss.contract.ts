import { describe, expect, it } from 'vitest';
import { AbortError, VssError, type SnapshotSet, type VssAsync } from '../../lib/index';
import { callNames, held, settle, until, type BackendFactory } from './harness';

const FLOW = [
  'CreateVssBackupComponents',
  'IVssBackupComponents::InitializeForBackup',
  'IVssBackupComponents::SetContext',
  'IVssBackupComponents::GatherWriterMetadata',
  'IVssBackupComponents::GetWriterMetadata',
  'IVssBackupComponents::StartSnapshotSet',
  'IVssBackupComponents::AddToSnapshotSet',
  'IVssBackupComponents::AddToSnapshotSet',
  'IVssBackupComponents::SetBackupState',
  'IVssBackupComponents::PrepareForBackup',
  'IVssBackupComponents::GatherWriterStatus',
  'IVssBackupComponents::GetWriterStatus',
  'IVssBackupComponents::DoSnapshotSet',
  'IVssBackupComponents::GatherWriterStatus',
  'IVssBackupComponents::GetWriterStatus',
  'IVssBackupComponents::GetSnapshotProperties',
  'IVssBackupComponents::GetSnapshotProperties',
];

/** The IVssBackupComponents calls (not IVssAsync ones) in order. */
const flowCalls = (names: string[]): string[] => names.filter((n) => !n.startsWith('IVssAsync::'));

export function vssContract(name: string, make: BackendFactory): void {
  describe(`VSS contract (${name})`, () => {
    it('creates a set of two volumes in the documented order, reports device paths and ids, and close() removes it', async () => {
      const { winops, inspect } = await make({});
      const set = await winops.vss.createSnapshotSet(['C:\\', 'd:']);
      expect(set.snapshots.map((s) => s.volume)).toEqual(['C:\\', 'D:\\']);
      for (const s of set.snapshots) {
        expect(s.deviceObject).toMatch(/^\\\\\?\\GLOBALROOT\\Device\\HarddiskVolumeShadowCopy\d+$/);
        expect(s.snapshotId).toMatch(/^[0-9a-f-]{36}$/i);
        expect(s.createdAt).toBeInstanceOf(Date);
      }
      expect(set.id).toMatch(/^[0-9a-f-]{36}$/i);
      expect(set.writers.length).toBeGreaterThan(0);
      expect(flowCalls(callNames(inspect))).toEqual(FLOW);
      expect(inspect.shadowCopies()).toBe(2);
      await set.close();
      await set.close(); // idempotent
      expect(inspect.shadowCopies()).toBe(0);
      expect(inspect.openHandles()).toEqual([]);
      expect(inspect.violations()).toEqual([]);
      expect(flowCalls(callNames(inspect)).slice(FLOW.length)).toEqual([
        'IVssBackupComponents::BackupComplete',
        'IVssBackupComponents::GatherWriterStatus',
        'IVssBackupComponents::GetWriterStatus',
        'IVssBackupComponents::Release',
      ]);
    });

    it('a set reports the process COM security: CoInitializeSecurity and COMGLB_EXCEPTION_DONOT_HANDLE outcomes', async () => {
      const { winops } = await make({});
      const set = await winops.vss.createSnapshotSet('C:\\');
      try {
        const sec = set.comSecurity;
        expect(sec).toBeDefined();
        expect(typeof sec!.hresult).toBe('number');
        expect(typeof sec!.code).toBe('string');
        expect(sec!.applied).toBe(sec!.hresult === 0);
        expect(typeof sec!.exceptionHandling.hresult).toBe('number');
        expect(winops.vss.comSecurity()).toEqual(sec);
      } finally {
        await set.close();
      }
    });

    it('releases the set with await using (Symbol.asyncDispose)', async () => {
      const { winops, inspect } = await make({});
      {
        await using set = await winops.vss.createSnapshotSet('C:\\');
        expect(inspect.shadowCopies()).toBe(1);
      }
      expect(inspect.shadowCopies()).toBe(0);
      expect(inspect.openHandles()).toEqual([]);
    });

    it('cancel() during DoSnapshotSet: IVssAsync::Cancel S_OK -> cancelled, AbortBackup, nothing left behind', async () => {
      // DoSnapshotSet is held: it stays pending until the cancel, however slow the machine.
      const { winops, inspect } = await make({ vss: { steps: { doSnapshotSet: { hold: true } } } });
      let snap: VssAsync | undefined;
      const op = winops.vss.createSnapshotSet(['C:\\'], { onStep: (e) => { if (e.step === 'doSnapshotSet') snap = e.async; } });
      await until(() => snap !== undefined, undefined, 'the doSnapshotSet step');
      expect(op.step).toBe('doSnapshotSet');
      const outcome = await op.cancel();
      expect(outcome).toEqual({ family: 'vss', status: 'cancelled', step: 'doSnapshotSet', hresult: 0, code: 'S_OK', backupAborted: true });
      const r = await settle(op);
      expect(r.ok).toBe(false);
      if (r.ok) return;
      expect(r.error).toBeInstanceOf(AbortError);
      expect(r.error.name).toBe('AbortError');
      expect(r.error.outcome).toEqual(outcome);
      expect(callNames(inspect)).toContain('IVssBackupComponents::AbortBackup');
      expect(inspect.shadowCopies()).toBe(0);
      expect(inspect.vssLeftovers()).toEqual([]);
      expect(inspect.openHandles()).toEqual([]);
      expect(inspect.violations()).toEqual([]);
    });

    it('an aborted signal during PrepareForBackup rejects with AbortError whose cause is the reason, after AbortBackup', async () => {
      const { winops, inspect } = await make({ vss: { steps: { prepareForBackup: { hold: true } } } });
      const ac = new AbortController();
      const op = winops.vss.createSnapshotSet('C:\\', { signal: ac.signal });
      await held(inspect, 'vss:prepareForBackup');
      ac.abort(new Error('user pressed stop'));
      const r = await settle(op);
      expect(r.ok).toBe(false);
      if (r.ok) return;
      expect(r.error.name).toBe('AbortError');
      expect(r.error.cause).toEqual(new Error('user pressed stop'));
      expect(r.error.outcome.step).toBe('prepareForBackup');
      expect(r.error.outcome.status).toBe('cancelled');
      expect(r.error.outcome.backupAborted).toBe(true);
      expect(flowCalls(callNames(inspect))).not.toContain('IVssBackupComponents::DoSnapshotSet');
      expect(inspect.vssLeftovers()).toEqual([]);
      expect(inspect.openHandles()).toEqual([]);
    });

    it('a TimeoutError abort (what options.timeout does) during a held DoSnapshotSet cancels and cleans up', async () => {
      // When the timer fires is the clock's business (test/unit/timeout.test.ts runs options.timeout on fake time);
      // here the cancel it makes lands in a state the test chose: DoSnapshotSet pending.
      const { winops, inspect } = await make({ vss: { steps: { doSnapshotSet: { hold: true } } } });
      const ac = new AbortController();
      const op = winops.vss.createSnapshotSet('C:\\', { signal: ac.signal });
      await held(inspect, 'vss:doSnapshotSet');
      ac.abort(new DOMException('The operation timed out.', 'TimeoutError'));
      const r = await settle(op);
      expect(r.ok).toBe(false);
      if (r.ok) return;
      expect(r.error).toBeInstanceOf(AbortError);
      expect(r.error.cause.name).toBe('TimeoutError');
      expect(r.error.outcome.backupAborted).toBe(true);
      expect(inspect.shadowCopies()).toBe(0);
      expect(inspect.openHandles()).toEqual([]);
    });

    it('cancel after finish resolves already-finished and leaves the set intact', async () => {
      const { winops, inspect } = await make({});
      const op = winops.vss.createSnapshotSet('C:\\');
      const set = await op;
      expect(await op.cancel()).toMatchObject({ status: 'already-finished' });
      expect(inspect.shadowCopies()).toBe(1);
      await set.close();
      expect(inspect.openHandles()).toEqual([]);
    });

    it('cancel twice returns the same outcome and calls IVssAsync::Cancel once', async () => {
      const { winops, inspect } = await make({ vss: { steps: { doSnapshotSet: { hold: true } } } });
      const op = winops.vss.createSnapshotSet('C:\\', { onStep: (e) => { if (e.step === 'doSnapshotSet') void op.cancel(); } });
      const a = await settle(op);
      expect(a.ok).toBe(false);
      const o1 = await op.cancel();
      const o2 = await op.cancel();
      expect(o1).toBe(o2);
      expect(inspect.calls().filter((c) => c.call === 'IVssAsync::Cancel')).toHaveLength(1);
    });

    it('cancel before start (an aborted signal) rejects not-started and makes no Windows call', async () => {
      const { winops, inspect } = await make({});
      const r = await settle(winops.vss.createSnapshotSet('C:\\', { signal: AbortSignal.abort('early') }));
      expect(r.ok).toBe(false);
      if (r.ok) return;
      expect(r.error.name).toBe('AbortError');
      expect(r.error.cause).toBe('early');
      expect(r.error.outcome.status).toBe('not-started');
      expect(inspect.calls()).toEqual([]);
    });

    it('an abort after DoSnapshotSet finished, before the writers were checked, still undoes the set', async () => {
      // The abort comes when the caller's own wait on DoSnapshotSet ends: the flow is then still waiting on it (its
      // one Cancel answers VSS_S_ASYNC_FINISHED and the flow stops after it) or already in the writer check (whose
      // Cancel takes). Either way the set was not delivered, so nothing of it remains.
      const { winops, inspect } = await make({ vss: { steps: { doSnapshotSet: { durationMs: 30 } } } });
      const ac = new AbortController();
      const op = winops.vss.createSnapshotSet('C:\\', {
        signal: ac.signal,
        onStep: (e) => {
          if (e.step === 'doSnapshotSet') void e.async!.wait().then(() => ac.abort());
        },
      });
      const r = await settle(op);
      expect(r.ok).toBe(false);
      if (r.ok) return;
      expect(r.error.name).toBe('AbortError');
      const outcome = r.error.outcome;
      expect(outcome.status).toBe('cancelled');
      expect(outcome.backupAborted).toBe(true);
      expect(['doSnapshotSet', 'gatherWriterStatus']).toContain(outcome.step);
      expect([undefined, 'VSS_S_ASYNC_FINISHED', 'S_OK']).toContain(outcome.code);
      const cancels = inspect.calls().filter((c) => c.call === 'IVssAsync::Cancel');
      expect(cancels.length).toBeLessThanOrEqual(1);
      for (const c of cancels) expect(c.result).toBe(outcome.code);
      expect(inspect.shadowCopies()).toBe(0);
      expect(inspect.vssLeftovers()).toEqual([]);
      expect(inspect.openHandles()).toEqual([]);
    });

    it('a failed DoSnapshotSet rejects with a retryable VssError, calls AbortBackup, and cancel() rejects with it', async () => {
      const { winops, inspect } = await make({ vss: { steps: { doSnapshotSet: { fail: 'VSS_E_PROVIDER_VETO' } } } });
      const op = winops.vss.createSnapshotSet('C:\\');
      const r = await settle(op);
      expect(r.ok).toBe(false);
      if (r.ok) return;
      expect(r.error).toBeInstanceOf(VssError);
      expect(r.error).toMatchObject({ code: 'VSS_E_PROVIDER_VETO', hresult: 0x80042306, family: 'vss', retryable: true, call: 'IVssBackupComponents::DoSnapshotSet' });
      const c = await settle(op.cancel());
      expect(c.ok).toBe(false);
      if (!c.ok) expect(c.error).toBe(r.error);
      expect(callNames(inspect)).toContain('IVssBackupComponents::AbortBackup');
      expect(inspect.vssLeftovers()).toEqual([]);
      expect(inspect.openHandles()).toEqual([]);
    });

    it('a failure before StartSnapshotSet releases without AbortBackup', async () => {
      const { winops, inspect } = await make({ vss: { steps: { gatherWriterMetadata: { fail: 'VSS_E_WRITER_INFRASTRUCTURE' } } } });
      const r = await settle(winops.vss.createSnapshotSet('C:\\'));
      expect(r.ok).toBe(false);
      if (r.ok) return;
      expect(r.error.code).toBe('VSS_E_WRITER_INFRASTRUCTURE');
      expect(r.error.retryable).toBe(false);
      expect(callNames(inspect)).not.toContain('IVssBackupComponents::AbortBackup');
      expect(inspect.openHandles()).toEqual([]);
    });

    it('a volume that does not exist gives VSS_E_OBJECT_NOT_FOUND after AbortBackup', async () => {
      const { winops, inspect } = await make({});
      const r = await settle(winops.vss.createSnapshotSet(['C:\\', 'Q:\\']));
      expect(r.ok).toBe(false);
      if (r.ok) return;
      expect(r.error).toMatchObject({ code: 'VSS_E_OBJECT_NOT_FOUND', hresult: 0x80042308, call: 'IVssBackupComponents::AddToSnapshotSet' });
      expect(callNames(inspect)).toContain('IVssBackupComponents::AbortBackup');
      expect(inspect.openHandles()).toEqual([]);
    });

    it('E_ACCESSDENIED from CreateVssBackupComponents is a VssError naming the call', async () => {
      const { winops } = await make({ vss: { failCall: { createBackupComponents: 'E_ACCESSDENIED' } } });
      const r = await settle(winops.vss.createSnapshotSet('C:\\'));
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error).toMatchObject({ name: 'VssError', code: 'E_ACCESSDENIED', hresult: 0x80070005, call: 'CreateVssBackupComponents' });
    });

    it('IVssAsync: wait with a time limit, status, cancel (S_OK then VSS_S_ASYNC_CANCELLED), release', async () => {
      const { winops, inspect } = await make({ vss: { steps: { gatherWriterMetadata: { hold: true } } } });
      const c = await winops.vss.createBackupComponents();
      await c.initializeForBackup();
      const a = await c.gatherWriterMetadata();
      expect(await a.wait({ timeout: 20 })).toBe('pending');
      expect(await a.status()).toBe('pending');
      expect(await a.cancel()).toEqual({ status: 'cancelled', hresult: 0, code: 'S_OK' });
      expect(await a.wait()).toBe('cancelled');
      expect(await a.cancel()).toEqual({ status: 'already-cancelled', hresult: 0x0004230b, code: 'VSS_S_ASYNC_CANCELLED' });
      await a.release();
      await expect(a.status()).rejects.toMatchObject({ code: 'WINOPS_RELEASED' });
      await c.release();
      expect(inspect.openHandles()).toEqual([]);
    });

    it('IVssAsync: cancel after success is already-finished; after failure it rejects with the step error', async () => {
      const { winops } = await make({ vss: { steps: { prepareForBackup: { fail: 'VSS_E_BAD_STATE' } } } });
      const c = await winops.vss.createBackupComponents();
      await c.initializeForBackup();
      const g = await c.gatherWriterMetadata();
      expect(await g.wait()).toBe('finished');
      expect(await g.cancel()).toEqual({ status: 'already-finished', hresult: 0x0004230a, code: 'VSS_S_ASYNC_FINISHED' });
      await g.release();
      await c.startSnapshotSet();
      await c.addToSnapshotSet('C:');
      await c.setBackupState();
      const p = await c.prepareForBackup();
      await expect(p.wait()).rejects.toMatchObject({ code: 'VSS_E_BAD_STATE', call: 'IVssBackupComponents::PrepareForBackup' });
      await expect(p.cancel()).rejects.toMatchObject({ code: 'VSS_E_BAD_STATE' });
      await p.release();
      await c.abortBackup();
      await c.release();
    });

    it('rejects bad arguments with TypeError/RangeError naming them', async () => {
      const { winops, inspect } = await make({});
      const v = winops.vss;
      expect(() => v.createSnapshotSet(42 as never)).toThrow(TypeError);
      expect(() => v.createSnapshotSet(42 as never)).toThrow(/volumes/);
      expect(() => v.createSnapshotSet([])).toThrow(RangeError);
      expect(() => v.createSnapshotSet([''])).toThrow(/volumes\[0\]/);
      expect(() => v.createSnapshotSet(['C:\\\0'])).toThrow(/NUL/);
      expect(() => v.createSnapshotSet(['C:\\', 'c:'])).toThrow(/twice/);
      expect(() => v.createSnapshotSet('C:\\', { timeout: -1 })).toThrow(RangeError);
      expect(() => v.createSnapshotSet('C:\\', { timeout: Number.NaN })).toThrow(/options.timeout/);
      expect(() => v.createSnapshotSet('C:\\', { signal: {} as never })).toThrow(/options.signal/);
      expect(() => v.createSnapshotSet('C:\\', { context: 'nope' as never })).toThrow(/options.context/);
      expect(() => v.createSnapshotSet('C:\\', null as never)).toThrow(/options/);
      expect(inspect.calls()).toEqual([]);
    });

    it('writers take part unless the context has VSS_VOLSNAP_ATTR_NO_WRITERS', async () => {
      for (const [context, gathers] of [['backup', true], ['client-accessible-writers', true], ['app-rollback', true], ['file-share-backup', false], ['client-accessible', false]] as const) {
        const { winops, inspect } = await make({});
        const set = await winops.vss.createSnapshotSet('C:\\', { context });
        expect(callNames(inspect).includes('IVssBackupComponents::GatherWriterMetadata'), context).toBe(gathers);
        expect(set.writers.length > 0, context).toBe(gathers);
        if (set.persistent) await set.delete();
        else await set.close();
        expect(inspect.openHandles(), context).toEqual([]);
      }
    });

    it('a persistent (client-accessible) set outlives close() until delete()', async () => {
      const { winops, inspect } = await make({});
      const set: SnapshotSet = await winops.vss.createSnapshotSet('C:\\', { context: 'client-accessible' });
      expect(set.persistent).toBe(true);
      expect(callNames(inspect)).not.toContain('IVssBackupComponents::GatherWriterMetadata');
      expect(await set.delete()).toBe(1);
      expect(inspect.shadowCopies()).toBe(0);
      expect(inspect.openHandles()).toEqual([]);
    });
  });
}
