import { describe, expect, it } from 'vitest';
import { VssError, VssWriterError, type VssStepEvent } from '../../lib/index';
import type { VssWriterScript } from '../../types/scenario';
import { callNames, held, settle, type BackendFactory } from './harness';

/** Two writers as a scenario names them; `sql` fails where a test says. */
const SYSTEM: VssWriterScript = { name: 'System Writer', writerId: 'e8132975-6f93-4464-a53e-1050253ae220', instanceId: 'a5b2e4cc-7f1c-4a9b-8f0e-2c4d7b0e9a11' };
const sql = (extra: Partial<VssWriterScript> = {}): VssWriterScript => ({
  name: 'SqlServerWriter',
  writerId: 'a65faa63-5ea8-4ebc-9dbd-a0c4db26912a',
  instanceId: '3c5e2b7a-1d9f-4e0b-8a61-0f2d4c6b8e13',
  ...extra,
});

const flowCalls = (names: string[]): string[] => names.filter((n) => !n.startsWith('IVssAsync::'));

/** Writer status (issue 14, item 1): GatherWriterStatus + GetWriterStatus(Ex) after each event, checked by default. */
export function vssWritersContract(name: string, make: BackendFactory): void {
  describe(`VSS writer status contract (${name})`, () => {
    it('a healthy set reports each writer waiting for BackupComplete, and stable after close()', async () => {
      const { winops, inspect } = await make({ vss: { writers: [SYSTEM, sql()] } });
      const set = await winops.vss.createSnapshotSet('C:\\');
      expect(set.failedWriters).toEqual([]);
      expect(set.writerStatus.map((w) => [w.name, w.state, w.stateValue, w.failed, w.failure.code, w.after])).toEqual([
        ['System Writer', 'waiting-for-backup-complete', 5, false, 'S_OK', 'doSnapshotSet'],
        ['SqlServerWriter', 'waiting-for-backup-complete', 5, false, 'S_OK', 'doSnapshotSet'],
      ]);
      expect(set.writerStatus[1]).toMatchObject({ writerId: sql().writerId, instanceId: sql().instanceId, retryable: false });
      await set.close();
      expect(set.writerStatus.map((w) => [w.state, w.after])).toEqual([['stable', 'backupComplete'], ['stable', 'backupComplete']]);
      expect(inspect.openHandles()).toEqual([]);
      expect(inspect.violations()).toEqual([]);
    });

    it('a writer that fails at freeze rejects the set with a VssWriterError, after AbortBackup, and nothing remains', async () => {
      const { winops, inspect } = await make({ vss: { writers: [SYSTEM, sql({ failAt: 'freeze', failure: 'VSS_E_WRITERERROR_TIMEOUT' })] } });
      const op = winops.vss.createSnapshotSet('C:\\');
      const r = await settle(op);
      expect(r.ok).toBe(false);
      if (r.ok) return;
      expect(r.error).toBeInstanceOf(VssWriterError);
      expect(r.error).toBeInstanceOf(VssError);
      const e = r.error as VssWriterError;
      expect(e).toMatchObject({ code: 'WINOPS_WRITER_FAILED', hresult: 0x800423f2, family: 'vss', retryable: true, after: 'doSnapshotSet', call: 'IVssBackupComponents::GetWriterStatus' });
      expect(e.failedWriters).toHaveLength(1);
      expect(e.failedWriters[0]).toMatchObject({ name: 'SqlServerWriter', state: 'failed-at-freeze', stateValue: 9, failed: true, retryable: true, failure: { hresult: 0x800423f2, code: 'VSS_E_WRITERERROR_TIMEOUT' } });
      expect(e.message).toMatch(/SqlServerWriter \(failed-at-freeze, VSS_E_WRITERERROR_TIMEOUT\)/);
      await expect(op.cancel()).rejects.toBe(e);
      expect(callNames(inspect)).toContain('IVssBackupComponents::AbortBackup');
      expect(inspect.shadowCopies()).toBe(0);
      expect(inspect.vssLeftovers()).toEqual([]);
      expect(inspect.openHandles()).toEqual([]);
      expect(inspect.violations()).toEqual([]);
    });

    it('a writer that fails at PrepareForBackup stops the flow before DoSnapshotSet; NONRETRYABLE is not retryable', async () => {
      const { winops, inspect } = await make({ vss: { writers: [sql({ failAt: 'prepareBackup', failure: 'VSS_E_WRITERERROR_NONRETRYABLE' })] } });
      const r = await settle(winops.vss.createSnapshotSet('C:\\'));
      expect(r.ok).toBe(false);
      if (r.ok) return;
      expect(r.error).toMatchObject({ name: 'VssWriterError', code: 'WINOPS_WRITER_FAILED', retryable: false, after: 'prepareForBackup' });
      expect((r.error as VssWriterError).failedWriters[0]).toMatchObject({ state: 'failed-at-prepare-backup', failure: { code: 'VSS_E_WRITERERROR_NONRETRYABLE' } });
      expect(flowCalls(callNames(inspect))).not.toContain('IVssBackupComponents::DoSnapshotSet');
      expect(callNames(inspect)).toContain('IVssBackupComponents::AbortBackup');
      expect(inspect.openHandles()).toEqual([]);
    });

    it("writers: 'report' keeps the set and lists the failed writer; close() still completes", async () => {
      const { winops, inspect } = await make({ vss: { writers: [SYSTEM, sql({ failAt: 'thaw', failure: 'VSS_E_WRITERERROR_RETRYABLE' })] } });
      const set = await winops.vss.createSnapshotSet('C:\\', { writers: 'report' });
      expect(set.snapshots).toHaveLength(1);
      expect(set.failedWriters.map((w) => [w.name, w.state, w.failure.code, w.retryable, w.after])).toEqual([['SqlServerWriter', 'failed-at-thaw', 'VSS_E_WRITERERROR_RETRYABLE', true, 'doSnapshotSet']]);
      expect(set.writerStatus.find((w) => w.name === 'System Writer')?.failed).toBe(false);
      expect(JSON.parse(JSON.stringify(set)).failedWriters).toHaveLength(1);
      await set.close();
      expect(set.failedWriters).toHaveLength(1);
      expect(inspect.shadowCopies()).toBe(0);
      expect(inspect.openHandles()).toEqual([]);
    });

    it('a persistent set with writers whose writer failed after DoSnapshotSet is deleted before AbortBackup', async () => {
      const { winops, inspect } = await make({ vss: { writers: [sql({ failAt: 'postSnapshot' })] } });
      const r = await settle(winops.vss.createSnapshotSet('C:\\', { context: 'client-accessible-writers' }));
      expect(r.ok).toBe(false);
      if (r.ok) return;
      expect(r.error).toMatchObject({ code: 'WINOPS_WRITER_FAILED', after: 'doSnapshotSet' });
      expect((r.error as VssWriterError).failedWriters[0]).toMatchObject({ state: 'failed-at-post-snapshot', failure: { code: 'VSS_E_WRITERERROR_RETRYABLE' } });
      const calls = flowCalls(callNames(inspect));
      expect(calls.indexOf('IVssBackupComponents::DeleteSnapshots')).toBeGreaterThan(calls.lastIndexOf('IVssBackupComponents::GetWriterStatus'));
      expect(calls.indexOf('IVssBackupComponents::AbortBackup')).toBeGreaterThan(calls.indexOf('IVssBackupComponents::DeleteSnapshots'));
      expect(inspect.shadowCopies()).toBe(0);
      expect(inspect.openHandles()).toEqual([]);
    });

    it('a writer that fails at BackupComplete makes close() reject after everything was released', async () => {
      const { winops, inspect } = await make({ vss: { writers: [SYSTEM, sql({ failAt: 'backupComplete', failure: 'VSS_E_WRITERERROR_OUTOFRESOURCES' })] } });
      const set = await winops.vss.createSnapshotSet('C:\\');
      expect(set.failedWriters).toEqual([]);
      const r = await settle(set.close());
      expect(r.ok).toBe(false);
      if (r.ok) return;
      expect(r.error).toMatchObject({ name: 'VssWriterError', after: 'backupComplete', retryable: true });
      expect((r.error as VssWriterError).failedWriters[0]).toMatchObject({ state: 'failed-at-backup-complete', failure: { code: 'VSS_E_WRITERERROR_OUTOFRESOURCES' } });
      await expect(set.close()).rejects.toBe(r.error); // the same close
      expect(set.failedWriters).toHaveLength(1);
      expect(inspect.shadowCopies()).toBe(0);
      expect(inspect.openHandles()).toEqual([]);
    });

    it("GetWriterStatusEx gives the writer's application HRESULT and message; without IVssBackupComponentsEx3 there is none", async () => {
      const writer = sql({ failAt: 'freeze', failure: 'VSS_E_WRITERERROR_NONRETRYABLE', applicationHr: 'E_ACCESSDENIED', applicationMessage: 'cannot open the log' });
      const withEx = await make({ vss: { writers: [writer] } });
      const a = await settle(withEx.winops.vss.createSnapshotSet('C:\\'));
      expect(a.ok).toBe(false);
      if (a.ok) return;
      expect((a.error as VssWriterError).failedWriters[0]!.application).toEqual({ hresult: 0x80070005, code: 'E_ACCESSDENIED', message: 'cannot open the log' });
      expect(a.error.message).toMatch(/application E_ACCESSDENIED: cannot open the log/);
      const withoutEx = await make({ vss: { writers: [writer], writerStatusEx: false } });
      const b = await settle(withoutEx.winops.vss.createSnapshotSet('C:\\'));
      expect(b.ok).toBe(false);
      if (b.ok) return;
      const w = (b.error as VssWriterError).failedWriters[0]!;
      expect(w.failure.code).toBe('VSS_E_WRITERERROR_NONRETRYABLE');
      expect(w.application).toBeUndefined();
      expect(withoutEx.inspect.openHandles()).toEqual([]);
    });

    it('cancel during the writer check after PrepareForBackup: Cancel S_OK, AbortBackup, nothing left', async () => {
      const { winops, inspect } = await make({ vss: { steps: { gatherWriterStatus: { hold: true } } } });
      const op = winops.vss.createSnapshotSet('C:\\');
      await held(inspect, 'vss:gatherWriterStatus:1');
      expect(op.step).toBe('gatherWriterStatus');
      const outcome = await op.cancel();
      expect(outcome).toEqual({ family: 'vss', status: 'cancelled', step: 'gatherWriterStatus', hresult: 0, code: 'S_OK', backupAborted: true });
      expect(flowCalls(callNames(inspect))).not.toContain('IVssBackupComponents::DoSnapshotSet');
      expect(inspect.vssLeftovers()).toEqual([]);
      expect(inspect.openHandles()).toEqual([]);
      expect(inspect.violations()).toEqual([]);
    });

    it('a deadline during the writer check after DoSnapshotSet cancels it and removes the shadow copies', async () => {
      const { winops, inspect } = await make({ vss: { steps: { gatherWriterStatus: { hold: true } } } });
      const ac = new AbortController();
      const seen: VssStepEvent[] = [];
      const op = winops.vss.createSnapshotSet('C:\\', { signal: ac.signal, onStep: (e) => seen.push(e) });
      await held(inspect, 'vss:gatherWriterStatus:1');
      inspect.release('vss:gatherWriterStatus:1'); // the check after PrepareForBackup
      await held(inspect, 'vss:gatherWriterStatus:2');
      expect(seen.filter((e) => e.step === 'gatherWriterStatus').map((e) => e.after)).toEqual(['prepareForBackup', 'doSnapshotSet']);
      expect(inspect.shadowCopies()).toBe(1);
      ac.abort(new DOMException('The operation timed out.', 'TimeoutError'));
      const r = await settle(op);
      expect(r.ok).toBe(false);
      if (r.ok) return;
      expect(r.error.name).toBe('AbortError');
      expect(r.error.outcome).toEqual({ family: 'vss', status: 'cancelled', step: 'gatherWriterStatus', hresult: 0, code: 'S_OK', backupAborted: true });
      expect(seen.filter((e) => e.step === 'gatherWriterStatus').map((e) => e.after)).toEqual(['prepareForBackup', 'doSnapshotSet']);
      expect(inspect.shadowCopies()).toBe(0);
      expect(inspect.openHandles()).toEqual([]);
    });

    it('vss.writers() lists the writers and their state, makes no snapshot, and cancels like a step', async () => {
      const { winops, inspect } = await make({ vss: { writers: [SYSTEM, sql()] } });
      const list = await winops.vss.writers();
      expect(list.map((w) => [w.name, w.state, w.failed, w.after])).toEqual([
        ['System Writer', 'stable', false, 'gatherWriterMetadata'],
        ['SqlServerWriter', 'stable', false, 'gatherWriterMetadata'],
      ]);
      expect(flowCalls(callNames(inspect))).toEqual([
        'CreateVssBackupComponents',
        'IVssBackupComponents::InitializeForBackup',
        'IVssBackupComponents::GatherWriterMetadata',
        'IVssBackupComponents::GatherWriterStatus',
        'IVssBackupComponents::GetWriterStatus',
        'IVssBackupComponents::Release',
      ]);
      expect(inspect.openHandles()).toEqual([]);

      const heldRun = await make({ vss: { steps: { gatherWriterMetadata: { hold: true } } } });
      const op = heldRun.winops.vss.writers();
      await held(heldRun.inspect, 'vss:gatherWriterMetadata');
      expect(await op.cancel()).toEqual({ family: 'vss', status: 'cancelled', step: 'gatherWriterMetadata', hresult: 0, code: 'S_OK', backupAborted: false });
      await expect(op).rejects.toMatchObject({ name: 'AbortError' });
      expect(callNames(heldRun.inspect)).not.toContain('IVssBackupComponents::AbortBackup');
      expect(heldRun.inspect.openHandles()).toEqual([]);
    });

    it('GetWriterStatus before GatherWriterStatus is VSS_E_BAD_STATE; a failing GetWriterStatus fails the flow', async () => {
      const { winops, inspect } = await make({});
      const c = await winops.vss.createBackupComponents();
      await c.initializeForBackup();
      const g = await c.gatherWriterMetadata();
      expect(await g.wait()).toBe('finished');
      await g.release();
      await expect(c.getWriterStatus()).rejects.toMatchObject({ name: 'VssError', code: 'VSS_E_BAD_STATE' });
      expect(inspect.violations().some((v) => v.includes('before GatherWriterStatus completed'))).toBe(true);
      const s = await c.gatherWriterStatus();
      expect(await s.wait()).toBe('finished');
      await s.release();
      expect((await c.getWriterStatus()).map((w) => w.state)).toEqual(['stable', 'stable']);
      await c.release();
      expect(inspect.openHandles()).toEqual([]);

      const failing = await make({ vss: { failCall: { getWriterStatus: 'E_OUTOFMEMORY' } } });
      const r = await settle(failing.winops.vss.createSnapshotSet('C:\\'));
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error).toMatchObject({ name: 'VssError', code: 'E_OUTOFMEMORY' });
      expect(callNames(failing.inspect)).toContain('IVssBackupComponents::AbortBackup');
      expect(failing.inspect.openHandles()).toEqual([]);
    });

    it('rejects a bad writers option with a RangeError naming it', async () => {
      const { winops, inspect } = await make({});
      expect(() => winops.vss.createSnapshotSet('C:\\', { writers: 'all' as never })).toThrow(RangeError);
      expect(() => winops.vss.createSnapshotSet('C:\\', { writers: 'all' as never })).toThrow(/options\.writers/);
      expect(() => winops.vss.createSnapshotSet('C:\\', { writers: true as never })).toThrow(TypeError);
      expect(() => winops.vss.createSnapshotSet('C:\\', { writers: true as never })).toThrow(/options\.writers must be a string/);
      expect(() => winops.vss.writers({ onStep: 1 as never })).toThrow(/options\.onStep/);
      expect(inspect.calls()).toEqual([]);
    });

    it('getWriterStatus(after) rejects an unknown checkpoint with a RangeError naming after, before any call', async () => {
      const { winops, inspect } = await make({});
      const c = await winops.vss.createBackupComponents();
      const before = inspect.calls().length;
      await expect(c.getWriterStatus('x' as never)).rejects.toThrow(RangeError);
      await expect(c.getWriterStatus('x' as never)).rejects.toThrow(/getWriterStatus: after must be/);
      await expect(c.getWriterStatus(1 as never)).rejects.toThrow(TypeError);
      expect(inspect.calls().length).toBe(before);
      await c.release();
      expect(inspect.openHandles()).toEqual([]);
    });
  });
}
