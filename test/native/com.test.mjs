import { test } from 'node:test';
import assert from 'node:assert/strict';
import { binding, S_OK, S_FALSE, APTTYPE_MTA } from './helpers.mjs';

const skip = process.platform !== 'win32' && 'Windows node.exe only (npm run test:wine)';

test('COM initialises (MTA) on a thread the addon owns', { skip }, async () => {
  const r = await binding.diag.comInitOnWorker();
  assert.ok(r.hresult === S_OK || r.hresult === S_FALSE, `CoInitializeEx returned ${r.hresult}`);
  assert.equal(r.apartmentType, APTTYPE_MTA);
  assert.notEqual(r.threadId, binding.diag.currentThreadId(), 'ran on the JS thread');
});

test('comInitOnWorker also reports through a node-style callback', { skip }, async () => {
  const r = await new Promise((resolve, reject) =>
    binding.diag.comInitOnWorker((err, value) => (err ? reject(err) : resolve(value))));
  assert.equal(r.apartmentType, APTTYPE_MTA);
});
