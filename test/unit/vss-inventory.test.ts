// The cancel states of an inventory operation (lib/vss-inventory.ts runInventory) that the contract suite does not
// reach: a cancel() at once, after success, after failure, and a backend that cannot be had. On the fake: the
// operation logic is backend-independent TypeScript.
import { describe, expect, it } from 'vitest';
import { AbortError, createWinops, Vss } from '../../lib/index';
import { createFakeBackend } from '../../lib/fake/index';

const ID = '0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9';

describe('inventory operations: cancel() in every state', () => {
  it('cancel() at once: cancelled at the first step, the components released, finished resolves', async () => {
    const fake = createFakeBackend({});
    const winops = createWinops({ backend: fake });
    const op = winops.vss.listShadowCopies();
    const outcome = await op.cancel();
    expect(outcome).toMatchObject({ family: 'vss', status: 'cancelled', step: 'createBackupComponents' });
    await expect(op).rejects.toBeInstanceOf(AbortError);
    await op.finished;
    expect(fake.calls.map((c) => c.call)).toEqual(['CreateVssBackupComponents', 'IVssBackupComponents::Release']);
    expect(fake.openHandles()).toEqual([]);
  });

  it('cancel() after success: already-finished, the result stands', async () => {
    const winops = createWinops({ backend: createFakeBackend({ vss: { shadowCopies: [{ snapshotId: ID, snapshotSetId: ID, volume: 'C:\\' }] } }) });
    const op = winops.vss.deleteShadowCopies({ snapshotId: ID });
    expect(await op).toEqual({ deleted: 1 });
    expect(await op.cancel()).toMatchObject({ status: 'already-finished', step: 'deleteSnapshots' });
  });

  it('cancel() after failure rejects with the operation\'s own error', async () => {
    const winops = createWinops({ backend: createFakeBackend({ vss: { failCall: { setContext: 'E_ACCESSDENIED' } } }) });
    const op = winops.vss.listShadowCopies();
    const error = await op.then(() => undefined, (e: unknown) => e);
    expect(error).toMatchObject({ name: 'VssError', code: 'E_ACCESSDENIED', call: 'IVssBackupComponents::SetContext' });
    await expect(op.cancel()).rejects.toBe(error);
  });

  it('a backend that cannot be had rejects, and finished still resolves', async () => {
    const vss = new Vss(() => {
      throw new Error('no backend here');
    });
    const op = vss.listShadowCopies();
    await expect(op).rejects.toThrow('no backend here');
    await expect(op.cancel()).rejects.toThrow('no backend here');
    await op.finished;
  });
});
