import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { binding, addonPath, wineVersion } from './helpers.mjs';

const skip = process.platform !== 'win32' && 'Windows node.exe only (npm run test:wine)';

test('the addon loads in this host and exposes diag', { skip }, () => {
  const host = path.win32.basename(process.execPath);
  console.log(`# host ${host} node ${process.version} wine ${wineVersion ?? 'no'} addon ${addonPath()}`);
  assert.equal(typeof binding.diag, 'object');
  for (const fn of ['comInitOnWorker', 'sleepOnWorker', 'failOnWorker', 'formatMessage', 'liveThreads',
    'currentThreadId', 'wineVersion', 'vssCreateProbe', 'miLoadProbe', 'imapi2Probe']) {
    assert.equal(typeof binding.diag[fn], 'function', fn);
  }
});

test('the addon is found through node-gyp-build (prebuilds/win32-x64)', { skip: skip || (process.env.WINOPS_ADDON && 'WINOPS_ADDON set') }, () => {
  assert.match(addonPath(), /prebuilds[\\/]win32-x64[\\/]winops\.napi\.node$/);
});

test('N-API calls with floating-point arguments arrive intact (host binding)', { skip }, async () => {
  // sleepOnWorker's result carries doubles built by napi_create_double on the JS thread.
  const r = await binding.diag.sleepOnWorker(1);
  assert.equal(typeof r.elapsedMs, 'number');
  assert.ok(Number.isFinite(r.elapsedMs) && r.elapsedMs >= 0 && r.elapsedMs < 5000, String(r.elapsedMs));
});
