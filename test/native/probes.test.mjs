// Tier 2 ("error paths"): what the real Windows services give under Wine 8, through the addon.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { binding, underWine, hex, E_NOTIMPL, REGDB_E_CLASSNOTREG, ERROR_MOD_NOT_FOUND, HRESULT_FROM_WIN32 } from './helpers.mjs';

const skip = (process.platform !== 'win32' && 'Windows node.exe only (npm run test:wine)') ||
  (!underWine && 'expectations are for Wine 8; real Windows gives other codes');

test('VSS: CreateVssBackupComponentsInternal gives E_NOTIMPL under Wine', { skip }, async () => {
  const r = await binding.diag.vssCreateProbe();
  assert.equal(r.call, 'CreateVssBackupComponentsInternal');
  assert.equal(r.hresult, E_NOTIMPL, hex(r.hresult));
  assert.equal(typeof r.systemMessage, 'string');
});

test('MI: mi.dll is absent, reported as ERROR_MOD_NOT_FOUND data', { skip }, async () => {
  const r = await binding.diag.miLoadProbe();
  assert.equal(r.call, 'LoadLibraryExW(mi.dll)');
  assert.equal(r.win32Error, ERROR_MOD_NOT_FOUND);
  assert.equal(r.hresult, HRESULT_FROM_WIN32(ERROR_MOD_NOT_FOUND), hex(r.hresult));
});

test('IMAPI2: MsftDiscMaster2 is not registered (REGDB_E_CLASSNOTREG)', { skip }, async () => {
  const r = await binding.diag.imapi2Probe();
  assert.equal(r.call, 'CoCreateInstance(MsftDiscMaster2)');
  assert.equal(r.hresult, REGDB_E_CLASSNOTREG, hex(r.hresult));
});

test('the three probes run concurrently on their own threads', { skip }, async () => {
  const [v, m, i] = await Promise.all([
    binding.diag.vssCreateProbe(), binding.diag.miLoadProbe(), binding.diag.imapi2Probe()]);
  assert.deepEqual([v.hresult, m.hresult, i.hresult],
    [E_NOTIMPL, HRESULT_FROM_WIN32(ERROR_MOD_NOT_FOUND), REGDB_E_CLASSNOTREG]);
});
