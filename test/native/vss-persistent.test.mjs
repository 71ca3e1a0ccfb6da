// Persistent shadow copies ('client-accessible') through the public API on the native backend, against the
// vssapi.dll double (the vss-double run of scripts/wine/test.sh; see vss.test.mjs for what the double proves
// and what it cannot). They outlive close() and the process that made them, and go only through
// IVssBackupComponents::DeleteSnapshots: SnapshotSet.delete(), or later, new components that delete the set
// by its id.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { binding } from './helpers.mjs';
import { lib, runs, settle, useScenario as scenarioFor } from './doubles.mjs';

const { double: skipDouble } = runs('WINOPS_VSS_DOUBLE', 'vssapi', 'real Windows has VSS');

const VSS_E_OBJECT_NOT_FOUND = 0x80042308;
const useScenario = (vss) => scenarioFor('vss', vss);
const names = (log) => log.calls.map((c) => c.call);

function assertClean(log, { shadowCopies = 0 } = {}) {
  assert.deepEqual(log.violations, [], 'the double saw no violation');
  for (const [cls, n] of Object.entries(log.live)) {
    assert.equal(n, cls === 'shadowCopy' ? shadowCopies : 0, `${cls}: ${n} alive`);
  }
}

function assertNothingHeld(winops) {
  assert.deepEqual(winops.backend.openHandles(), []);
  const s = binding.vss.stats();
  assert.equal(s.componentThreads, 0, 'components threads joined');
  assert.equal(s.waitThreads, 0, 'wait threads joined');
}

test('double: a client-accessible set outlives close(); new components delete it by id, then VSS_E_OBJECT_NOT_FOUND', { skip: skipDouble }, async () => {
  const readLog = useScenario({});
  const winops = lib.createWinops({ backend: 'native' });
  const set = await winops.vss.createSnapshotSet(['C:\\', 'D:\\'], { context: 'client-accessible' });
  assert.equal(set.persistent, true);
  assert.deepEqual(set.writers, [], 'CLIENT_ACCESSIBLE has no writers');
  await set.close();
  let log = readLog();
  assert.ok(!names(log).includes('IVssBackupComponents::GatherWriterMetadata'), 'no writer metadata gathered');
  assertClean(log, { shadowCopies: 2 });
  assertNothingHeld(winops);

  const c = await winops.vss.createBackupComponents();
  await c.initializeForBackup();
  await c.setContext('CLIENT_ACCESSIBLE');
  assert.equal(await c.deleteSnapshotSet(set.id), 2);
  assert.equal(readLog().live.shadowCopy, 0, 'both shadow copies deleted');

  const again = await settle(c.deleteSnapshotSet(set.id));
  assert.ok(!again.ok && again.error instanceof lib.VssError, String(again.error));
  assert.equal(again.error.code, 'VSS_E_OBJECT_NOT_FOUND');
  assert.equal(again.error.hresult, VSS_E_OBJECT_NOT_FOUND);
  assert.equal(again.error.call, 'IVssBackupComponents::DeleteSnapshots');
  // Not a GUID: refused by the library before Windows is called (no VSS_ID can be made of it), as on the fake.
  assert.throws(() => c.deleteSnapshotSet('not-a-snapshot-set-id'), (e) => e instanceof TypeError && /snapshotSetId/.test(e.message));
  await c.release();

  log = readLog();
  assert.deepEqual(log.calls.filter((x) => x.call === 'IVssBackupComponents::DeleteSnapshots').map((x) => x.result),
    ['S_OK', 'VSS_E_OBJECT_NOT_FOUND']);
  assertClean(log);
  assertNothingHeld(winops);
});

test('double: SnapshotSet.delete() deletes a client-accessible set at once and releases it; a second delete() is refused', { skip: skipDouble }, async () => {
  const readLog = useScenario({});
  const winops = lib.createWinops({ backend: 'native' });
  const set = await winops.vss.createSnapshotSet('C:\\', { context: 'client-accessible' });
  assert.equal(readLog().live.shadowCopy, 1);
  assert.equal(await set.delete(), 1);
  const log = readLog();
  const tail = names(log).filter((n) => n.startsWith('IVssBackupComponents::')).slice(-2);
  assert.deepEqual(tail, ['IVssBackupComponents::DeleteSnapshots', 'IVssBackupComponents::Release']);
  assertClean(log);
  assertNothingHeld(winops);
  const second = await settle(set.delete());
  assert.ok(!second.ok && second.error instanceof lib.StateError && second.error.code === 'WINOPS_RELEASED', String(second.error));
});
