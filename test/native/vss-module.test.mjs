// vssapi.dll stays loaded for the life of the process (issue 11 item 8), in the vss-double run of
// scripts/wine/test.sh. Objects that live inside vssapi.dll (the writer callback VSS hands to writers) may be
// released by COM after the requester let go of its last components object: an addon that freed the DLL with
// its last object would leave COM to call into unmapped code. native/vss/vss_api.cc loads it once and never frees it.
//
// The double normally pins itself (its simulated machine is process-wide); WINOPS_VSSAPI_DOUBLE_UNPINNED=1 turns
// that off, so the DLL goes exactly when the addon's last reference goes. The check reads the loader's state
// (control.loaded: GetModuleHandleExW with GET_MODULE_HANDLE_EX_FLAG_UNCHANGED_REFCOUNT), not the double's log.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { controlPath, distIndex, doubleModule, runChild, runs } from './doubles.mjs';

const { double: skipDouble } = runs('WINOPS_VSS_DOUBLE', 'vssapi', 'real Windows has VSS');

test('double: vssapi.dll is still loaded after a snapshot set was made, closed and every VSS object released', { skip: skipDouble }, async () => {
  process.env.WINOPS_VSSAPI_DOUBLE_UNPINNED = '1';
  let r;
  try {
    r = await runChild(`
      const control = require(${JSON.stringify(controlPath)});
      const lib = require(${JSON.stringify(distIndex)});
      const dll = ${JSON.stringify(doubleModule.vss)};
      console.log('before: ' + control.loaded(dll));
      const winops = lib.createWinops({ backend: 'native' });
      (async () => {
        const set = await winops.vss.createSnapshotSet(${JSON.stringify('C:\\')}, {
          onStep: (e) => { if (e.step === 'doSnapshotSet') console.log('during: ' + control.loaded(dll)); },
        });
        await set.close();
        console.log('after: ' + control.loaded(dll));
        process.exit(0);
      })().catch((e) => { console.log('failed: ' + (e && e.stack)); process.exit(3); });
    `, 30_000);
  } finally {
    delete process.env.WINOPS_VSSAPI_DOUBLE_UNPINNED;
  }
  assert.equal(r.code, 0, r.output);
  assert.match(r.output, /^before: false$/m, 'nothing had loaded vssapi.dll yet');
  assert.match(r.output, /^during: true$/m, r.output);
  assert.match(r.output, /^after: true$/m, 'vssapi.dll was unloaded once the set was released');
});
