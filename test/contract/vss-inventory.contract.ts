import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AbortError, VssDeleteError, VssError, type ShadowCopy } from '../../lib/index';
import type { VssShadowCopyScript } from '../../types/scenario';
import { callNames, held, settle, type BackendFactory } from './harness';

/**
 * A set of scripted shadow copies with fresh ids (the native run shares one process, and so one simulated machine,
 * between tests: each test sees its own copies by id).
 */
function copies(volumes: string[], extra: Partial<VssShadowCopyScript> = {}): VssShadowCopyScript[] {
  const snapshotSetId = randomUUID();
  return volumes.map((volume, i) => ({
    snapshotId: randomUUID(),
    snapshotSetId,
    volume,
    deviceObject: `\\\\?\\GLOBALROOT\\Device\\HarddiskVolumeShadowCopy${500 + i}`,
    originatingMachine: 'BACKUPHOST',
    createdAt: '2026-11-30T08:15:00Z',
    ...extra,
  }));
}

const ours = (list: readonly ShadowCopy[], scripted: readonly VssShadowCopyScript[]): ShadowCopy[] =>
  list.filter((c) => scripted.some((s) => s.snapshotId === c.snapshotId));

const inventoryCalls = (names: string[]): string[] => names.filter((n) => n.startsWith('IVssBackupComponents::') || n === 'CreateVssBackupComponents' || n.startsWith('IVssEnumObject::'));

/** Shadow-copy inventory and cleanup (issue 14, item 3): Query and DeleteSnapshots, synchronous and uncancellable. */
export function vssInventoryContract(name: string, make: BackendFactory): void {
  describe(`VSS shadow-copy inventory contract (${name})`, () => {
    it('listShadowCopies lists every copy under VSS_CTX_ALL with its VSS_SNAPSHOT_PROP fields, freed and released', async () => {
      const a = copies(['\\\\?\\Volume{11111111-2222-3333-4444-555555555555}\\', 'D:\\']);
      const b = copies(['E:\\'], { attributes: 0x9 | 0x20000, exposedName: 'X:' }); // VSS_CTX_APP_ROLLBACK, differential
      const { winops, inspect } = await make({ vss: { shadowCopies: [...a, ...b] } });
      const list = ours(await winops.vss.listShadowCopies(), [...a, ...b]);
      expect(list.map((c) => [c.snapshotId, c.snapshotSetId, c.volume, c.setSize])).toEqual([
        [a[0]!.snapshotId, a[0]!.snapshotSetId, a[0]!.volume, 2],
        [a[1]!.snapshotId, a[1]!.snapshotSetId, 'D:\\', 2],
        [b[0]!.snapshotId, b[0]!.snapshotSetId, 'E:\\', 1],
      ]);
      expect(list[0]).toMatchObject({
        deviceObject: '\\\\?\\GLOBALROOT\\Device\\HarddiskVolumeShadowCopy500',
        originatingMachine: 'BACKUPHOST',
        serviceMachine: 'BACKUPHOST',
        exposedName: undefined,
        exposedPath: undefined,
        providerId: 'b5946137-7b9f-4925-af80-51abd60b20d5',
        attributes: 0x1d,
        attributeNames: ['persistent', 'clientAccessible', 'noAutoRelease', 'noWriters'],
        persistent: true,
      });
      expect(list[0]!.createdAt.toISOString()).toBe('2026-11-30T08:15:00.000Z');
      expect(list[2]).toMatchObject({ exposedName: 'X:', attributes: 0x20009, attributeNames: ['persistent', 'noAutoRelease', 'differential'] });
      const calls = inventoryCalls(callNames(inspect));
      expect(calls.slice(0, 4)).toEqual(['CreateVssBackupComponents', 'IVssBackupComponents::InitializeForBackup', 'IVssBackupComponents::SetContext', 'IVssBackupComponents::Query']);
      expect(calls.at(-1)).toBe('IVssBackupComponents::Release');
      expect(String(inspect.calls().find((c) => c.call === 'IVssBackupComponents::SetContext')?.detail)).toBe(String(0xffffffff));
      expect(inspect.openHandles()).toEqual([]);
      expect(inspect.violations()).toEqual([]);
    });

    it('a context other than ALL lists only the copies made in it', async () => {
      const clientAccessible = copies(['C:\\']);
      const appRollback = copies(['C:\\'], { attributes: 0x9 });
      const { winops, inspect } = await make({ vss: { shadowCopies: [...clientAccessible, ...appRollback] } });
      const all = [...clientAccessible, ...appRollback];
      expect(ours(await winops.vss.listShadowCopies({ context: 'app-rollback' }), all).map((c) => c.snapshotId)).toEqual([appRollback[0]!.snapshotId]);
      expect(ours(await winops.vss.listShadowCopies({ context: 'CLIENT_ACCESSIBLE' }), all).map((c) => c.snapshotId)).toEqual([clientAccessible[0]!.snapshotId]);
      expect(ours(await winops.vss.listShadowCopies({ context: 'backup' }), all)).toEqual([]);
      expect(inspect.openHandles()).toEqual([]);
      expect(inspect.violations()).toEqual([]);
    });

    it('deleteShadowCopies removes one copy by id, then the rest of its set by set id', async () => {
      const set = copies(['C:\\', 'D:\\', 'E:\\']);
      const { winops, inspect } = await make({ vss: { shadowCopies: set } });
      expect(await winops.vss.deleteShadowCopies({ snapshotId: set[1]!.snapshotId.toUpperCase() })).toEqual({ deleted: 1 });
      expect(ours(await winops.vss.listShadowCopies(), set).map((c) => [c.snapshotId, c.setSize])).toEqual([[set[0]!.snapshotId, 2], [set[2]!.snapshotId, 2]]);
      expect(await winops.vss.deleteShadowCopies({ setId: `{${set[0]!.snapshotSetId}}` })).toEqual({ deleted: 2 });
      expect(ours(await winops.vss.listShadowCopies(), set)).toEqual([]);
      const deletes = inspect.calls().filter((c) => c.call === 'IVssBackupComponents::DeleteSnapshots');
      expect(deletes.map((c) => [c.result, c.detail])).toEqual([
        ['S_OK', `snapshot ${set[1]!.snapshotId}`],
        ['S_OK', `set ${set[0]!.snapshotSetId}`],
      ]);
      expect(inspect.openHandles()).toEqual([]);
      expect(inspect.violations()).toEqual([]);
    });

    it('a copy DeleteSnapshots cannot delete stops the set there: VssDeleteError with how many went and which one stayed', async () => {
      const set = copies(['C:\\', 'D:\\', 'E:\\']);
      const { winops, inspect } = await make({ vss: { shadowCopies: set, undeletable: { [set[1]!.snapshotId]: 'VSS_E_PROVIDER_VETO' } } });
      const r = await settle(winops.vss.deleteShadowCopies({ setId: set[0]!.snapshotSetId }, { force: true }));
      expect(r.ok).toBe(false);
      if (r.ok) return;
      expect(r.error).toBeInstanceOf(VssDeleteError);
      expect(r.error).toBeInstanceOf(VssError);
      expect(r.error).toMatchObject({ code: 'VSS_E_PROVIDER_VETO', hresult: 0x80042306, call: 'IVssBackupComponents::DeleteSnapshots', deleted: 1, notDeleted: set[1]!.snapshotId, retryable: true });
      expect((r.error as Error).message).toContain(`1 shadow copy deleted before it stopped; ${set[1]!.snapshotId} was not deleted`);
      expect(ours(await winops.vss.listShadowCopies(), set).map((c) => c.snapshotId)).toEqual([set[1]!.snapshotId, set[2]!.snapshotId]);
      expect(inspect.calls().find((c) => c.call === 'IVssBackupComponents::DeleteSnapshots')?.detail).toBe(`set ${set[0]!.snapshotSetId} force`);
      expect(inspect.openHandles()).toEqual([]);
      expect(inspect.violations()).toEqual([]);
    });

    it('an id that names no shadow copy is VSS_E_OBJECT_NOT_FOUND, nothing deleted, nobody named', async () => {
      const { winops, inspect } = await make({ vss: {} });
      const r = await settle(winops.vss.deleteShadowCopies({ snapshotId: randomUUID() }));
      expect(r.ok).toBe(false);
      if (r.ok) return;
      expect(r.error).toMatchObject({ name: 'VssDeleteError', code: 'VSS_E_OBJECT_NOT_FOUND', deleted: 0, notDeleted: undefined });
      expect(inspect.openHandles()).toEqual([]);
    });

    it('a cancel while Query runs cannot stop it: AbortError with outcome in-background at once; Query returns later and everything is released', async () => {
      const set = copies(['C:\\']);
      const { winops, inspect } = await make({ vss: { shadowCopies: set, holdCalls: ['querySnapshots'] } });
      const op = winops.vss.listShadowCopies();
      await held(inspect, 'vss:querySnapshots');
      expect(op.step).toBe('querySnapshots');
      const outcome = await op.cancel();
      expect(outcome).toEqual({ family: 'vss', status: 'in-background', step: 'querySnapshots', hresult: undefined, code: undefined, backupAborted: false });
      const r = await settle(op);
      expect(r.ok).toBe(false);
      if (r.ok) return;
      expect(r.error).toBeInstanceOf(AbortError);
      expect(r.error.message).toMatch(/IVssBackupComponents::Query has no cancel and goes on in the background/);
      // The call is still under way: the components are not released yet.
      expect(callNames(inspect)).not.toContain('IVssBackupComponents::Release');
      inspect.release('vss:querySnapshots');
      await op.finished;
      expect(callNames(inspect)).toContain('IVssBackupComponents::Release');
      expect(inspect.openHandles()).toEqual([]);
      expect(inspect.violations()).toEqual([]);
    });

    it('a timeout while DeleteSnapshots runs gives in-background; the delete goes on and its copy is gone once it returned', async () => {
      const set = copies(['C:\\']);
      const { winops, inspect } = await make({ vss: { shadowCopies: set, holdCalls: ['deleteSnapshots'] } });
      const controller = new AbortController();
      const op = winops.vss.deleteShadowCopies({ snapshotId: set[0]!.snapshotId }, { signal: controller.signal });
      await held(inspect, 'vss:deleteSnapshots');
      controller.abort(new DOMException('deadline', 'TimeoutError'));
      const r = await settle(op);
      expect(r.ok).toBe(false);
      if (r.ok) return;
      expect(r.error).toBeInstanceOf(AbortError);
      expect((r.error as AbortError).outcome).toMatchObject({ status: 'in-background', step: 'deleteSnapshots' });
      inspect.release('vss:deleteSnapshots');
      await op.finished;
      expect(inspect.calls().find((c) => c.call === 'IVssBackupComponents::DeleteSnapshots')?.result).toBe('S_OK');
      expect(ours(await winops.vss.listShadowCopies(), set)).toEqual([]);
      expect(inspect.openHandles()).toEqual([]);
      expect(inspect.violations()).toEqual([]);
    });

    it('a signal aborted before the call: not-started, no Windows call; Query failing is a VssError and the components are released', async () => {
      const { winops, inspect } = await make({ vss: { failCall: { querySnapshots: 'E_ACCESSDENIED' } } });
      const op = winops.vss.listShadowCopies({ signal: AbortSignal.abort() });
      const r0 = await settle(op);
      expect(r0.ok).toBe(false);
      expect((r0 as { error: AbortError }).error.outcome.status).toBe('not-started');
      await op.finished;
      expect(callNames(inspect)).toEqual([]);
      const r = await settle(winops.vss.listShadowCopies());
      expect(r.ok).toBe(false);
      if (r.ok) return;
      expect(r.error).toMatchObject({ name: 'VssError', code: 'E_ACCESSDENIED', call: 'IVssBackupComponents::Query' });
      expect(callNames(inspect).at(-1)).toBe('IVssBackupComponents::Release');
      expect(inspect.openHandles()).toEqual([]);
    });

    it('bad arguments are TypeError / RangeError naming the argument, before any Windows call', async () => {
      const { winops, inspect } = await make({ vss: {} });
      expect(() => winops.vss.deleteShadowCopies({} as never)).toThrow(/vss\.deleteShadowCopies: target must have snapshotId or setId/);
      expect(() => winops.vss.deleteShadowCopies({ snapshotId: 'nope' })).toThrow(RangeError);
      expect(() => winops.vss.deleteShadowCopies({ snapshotId: randomUUID(), setId: randomUUID() } as never)).toThrow(/not both/);
      expect(() => winops.vss.deleteShadowCopies({ setId: randomUUID() }, { force: 'yes' as never })).toThrow(/options\.force must be true or false/);
      expect(() => winops.vss.listShadowCopies({ context: 'everything' as never })).toThrow(/options\.context must be one of/);
      expect(() => winops.vss.listShadowCopies({ timeout: -1 })).toThrow(RangeError);
      expect(callNames(inspect)).toEqual([]);
    });
  });
}
