// The shadow-copy inventory on the native backend against the vssapi.dll double (the vss-double run of
// scripts/wine/test.sh): what only the native side shows. Every VSS_SNAPSHOT_PROP that Query's IVssEnumObject hands
// out is freed and the enumerator released (the double counts both), the components' thread is joined after the
// call, also after a cancel that could not stop it (the thread waits for Query to return), and the binding's raw
// answers. test/contract/vss-inventory.contract.ts holds the behaviour both backends share.
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { binding } from './helpers.mjs';
import { lib, runs, settle, withDeadline, useScenario as scenarioFor } from './doubles.mjs';

const { double: skipDouble } = runs('WINOPS_VSS_DOUBLE', 'vssapi', 'real Windows has VSS');
const useScenario = (vss) => scenarioFor('vss', vss);
const VSS_E_PROVIDER_VETO = 0x80042306;
const VSS_E_BAD_STATE = 0x80042301;

const copies = (n) => {
  const snapshotSetId = randomUUID();
  return Array.from({ length: n }, (_, i) => ({ snapshotId: randomUUID(), snapshotSetId, volume: `${'CDE'[i]}:\\` }));
};

/** The double's objects of these classes alive now (the counts are the process's, over every log). */
function alive(log, ...classes) {
  return Object.fromEntries(classes.map((c) => [c, log.live[c] ?? 0]));
}

function assertThreadsJoined() {
  const s = binding.vss.stats();
  assert.equal(s.componentThreads, 0, 'components threads joined');
  assert.equal(s.waitThreads, 0, 'wait threads joined');
}

test('double: Query through IVssEnumObject frees every VSS_SNAPSHOT_PROP and releases the enumerator; DeleteSnapshots removes the set', { skip: skipDouble }, async () => {
  const set = copies(3);
  const readLog = useScenario({ shadowCopies: set });
  const winops = lib.createWinops({ backend: 'native' });
  const list = (await winops.vss.listShadowCopies()).filter((c) => c.snapshotSetId === set[0].snapshotSetId);
  assert.deepEqual(list.map((c) => [c.snapshotId, c.volume, c.setSize, c.persistent]), set.map((s) => [s.snapshotId, s.volume, 3, true]));
  let log = readLog();
  const nexts = log.calls.filter((c) => c.call === 'IVssEnumObject::Next');
  assert.ok(nexts.length >= 4, `Next once per copy and once more to see the end (${nexts.length})`);
  assert.equal(nexts.at(-1).detail, '0', 'the last Next fetched none');
  assert.equal(log.calls.filter((c) => c.call === 'VssFreeSnapshotProperties').length, nexts.reduce((n, c) => n + Number(c.detail), 0), 'one VssFreeSnapshotProperties per property fetched');
  assert.deepEqual(alive(log, 'VSS_SNAPSHOT_PROP', 'IVssEnumObject', 'IVssBackupComponents'), { VSS_SNAPSHOT_PROP: 0, IVssEnumObject: 0, IVssBackupComponents: 0 });
  assert.deepEqual(await winops.vss.deleteShadowCopies({ setId: set[0].snapshotSetId }), { deleted: 3 });
  log = readLog();
  assert.deepEqual(log.violations, []);
  assert.deepEqual(winops.backend.openHandles(), []);
  assertThreadsJoined();
});

test('double: a cancel while Query is held answers in-background at once; the components thread waits for Query and is joined after it', { skip: skipDouble }, async () => {
  const set = copies(1);
  const readLog = useScenario({ shadowCopies: set, holdCalls: ['querySnapshots'] });
  const winops = lib.createWinops({ backend: 'native' });
  const op = winops.vss.listShadowCopies();
  await readLog.held('vss:querySnapshots');
  const outcome = await withDeadline(op.cancel(), 'the outcome of a cancel during a held Query');
  assert.equal(outcome.status, 'in-background');
  const r = await settle(op);
  assert.equal(r.ok, false);
  assert.ok(r.error instanceof lib.AbortError);
  assert.equal(binding.vss.stats().componentThreads, 1, 'the components thread is still in Query');
  readLog.release('vss:querySnapshots');
  await withDeadline(op.finished, 'finished after Query was released');
  assert.deepEqual(winops.backend.openHandles(), []);
  assertThreadsJoined();
  assert.deepEqual(alive(readLog(), 'VSS_SNAPSHOT_PROP', 'IVssEnumObject'), { VSS_SNAPSHOT_PROP: 0, IVssEnumObject: 0 }, 'what the late Query returned was freed');
  assert.deepEqual(await winops.vss.deleteShadowCopies({ snapshotId: set[0].snapshotId }), { deleted: 1 });
});

test('double: the binding answers DeleteSnapshots with its HRESULT and out-values; a bad kind is a RangeError; Query before SetContext is VSS_E_BAD_STATE', { skip: skipDouble }, async () => {
  const set = copies(2);
  const readLog = useScenario({ shadowCopies: set, undeletable: { [set[1].snapshotId]: 'VSS_E_PROVIDER_VETO' } });
  const { vss } = binding;
  const c = await vss.createBackupComponents();
  try {
    await vss.initializeForBackup(c);
    await assert.rejects(vss.querySnapshots(c), (e) => e.hresult === VSS_E_BAD_STATE && e.call === 'IVssBackupComponents::Query');
    assert.throws(() => vss.deleteSnapshots(c, set[0].snapshotSetId, 'volume', false), (e) => e instanceof RangeError && /kind must be 'snapshot' or 'set'/.test(e.message));
    const r = await vss.deleteSnapshots(c, set[0].snapshotSetId, 'set', true);
    assert.deepEqual(r, { hr: VSS_E_PROVIDER_VETO, deleted: 1, nonDeleted: set[1].snapshotId });
  } finally {
    await vss.releaseBackupComponents(c);
  }
  assert.deepEqual(readLog().violations, ['IVssBackupComponents::Query: before SetContext']);
  // The undeletable copy stays: a scenario without the refusal removes it, so that no copy outlives the test.
  useScenario({});
  const winops = lib.createWinops({ backend: 'native' });
  assert.deepEqual(await winops.vss.deleteShadowCopies({ snapshotId: set[1].snapshotId }), { deleted: 1 });
  assertThreadsJoined();
});
