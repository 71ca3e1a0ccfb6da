import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { binding, addonPath, wineVersion, root } from './helpers.mjs';

const require = createRequire(import.meta.url);

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

// build/win32-x64/winops_plain_import.node: the same objects linked against an ordinary node.exe
// import library (what a naive mingw build makes). It must fail where the real addon loads; otherwise
// the renamed-host run would prove nothing.
const control = path.join(root, 'build', 'win32-x64', 'winops_plain_import.node');
test('control: a plain node.exe import loads only in a host named node.exe', {
  skip: skip || (!existsSync(control) && 'control build absent (npm run build:win makes it)'),
}, () => {
  const named = path.win32.basename(process.execPath).toLowerCase() === 'node.exe';
  if (named) {
    assert.equal(typeof require(control).diag, 'object');
  } else {
    assert.throws(() => require(control), (e) => e.code === 'ERR_DLOPEN_FAILED');
  }
});
