import { test } from 'node:test';
import assert from 'node:assert/strict';
import { binding, E_NOTIMPL } from './helpers.mjs';

const skip = process.platform !== 'win32' && 'Windows node.exe only (npm run test:wine)';

test('a failed HRESULT on an addon thread rejects with an Error carrying plain data', { skip }, async () => {
  const E_ACCESSDENIED = 0x80070005;
  const err = await binding.diag.failOnWorker(E_ACCESSDENIED).then(
    () => assert.fail('should reject'), (e) => e);
  assert.ok(err instanceof Error);
  assert.deepEqual(Object.keys(err).sort(), ['call', 'hresult', 'systemMessage']);
  assert.equal(err.hresult, E_ACCESSDENIED);
  assert.equal(err.call, 'diag.failOnWorker');
  assert.equal(typeof err.systemMessage, 'string');
  assert.ok(err.systemMessage.length > 0);
  assert.ok(err.message.includes('0x80070005'), err.message);
});

test('HRESULTs are uint32 in both directions (negative int32 input accepted)', { skip }, async () => {
  const err = await binding.diag.failOnWorker(E_NOTIMPL | 0).catch((e) => e);
  assert.equal(err.hresult, E_NOTIMPL);
});

test('formatMessage returns system text, and "" for an unknown code', { skip }, () => {
  const text = binding.diag.formatMessage(E_NOTIMPL);
  assert.equal(typeof text, 'string');
  assert.ok(text.length > 0);
  assert.ok(!/\s$/.test(text), 'trailing whitespace is trimmed');
  assert.equal(binding.diag.formatMessage(0xA0FFFFFF), '');
  // A module's message table is searched first; an unknown module falls back to the system table.
  assert.equal(binding.diag.formatMessage(E_NOTIMPL, 'vssapi.dll'), text);
  assert.equal(binding.diag.formatMessage(E_NOTIMPL, 'no-such-module.dll'), text);
});

test('bad arguments throw TypeError synchronously', { skip }, () => {
  assert.throws(() => binding.diag.formatMessage('x'), TypeError);
  assert.throws(() => binding.diag.sleepOnWorker(), TypeError);
  assert.throws(() => binding.diag.sleepOnWorker(1, 'not a function'), TypeError);
});
