// AXE's process-wide runtime in a build WITH the AXE code (the stand-in build, scripts/wine/test.sh's
// axe-standin run; see axe.test.mjs for what that run does and does not verify): finding AxeCore.dll (by full path
// only: WINOPS_AXECORE, else the ADK's Assessment Toolkit folder from KitsRoot10; never the DLL search) and
// AxeInitSolution's one Solution per process. Each case needs a process of its own (the runtime is loaded
// once per process), so each runs in a child of this host.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { root, addonPath } from './helpers.mjs';
import { distIndex, runChild } from './doubles.mjs';

const onWindows = process.platform === 'win32';
const skip = !onWindows ? 'Windows node.exe only (npm run test:wine)'
  : !fs.existsSync(distIndex) ? 'needs dist/ (npm run build)'
  : !process.env.WINOPS_AXE_DOUBLE ? 'needs the stand-in build and the AxeCore.dll double (WINOPS_AXE_DOUBLE, set by npm run test:wine)'
  : false;

const nativeIndex = path.join(root, 'dist', 'lib', 'native', 'index.js');
const ERROR_MOD_NOT_FOUND_HR = 0x8007007e;
const ERROR_PROC_NOT_FOUND_HR = 0x8007007f;
const E_INVALIDARG = 0x80070057;  // HRESULT_FROM_WIN32(ERROR_INVALID_PARAMETER)
const AXE_E_ALREADY_INIT = 0x80040200;

/**
 * Runs `body` in a child whose environment is this one's with `env` applied (undefined deletes), with the
 * stand-in addon as `addon`, the public API over it as `winops`, and the manifest path `manifest`; resolves
 * the object the body returns.
 */
async function inChild(env, body, { cwd } = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'winops-axe-rt-'));
  const manifest = path.join(dir, 'job.xml');
  fs.writeFileSync(manifest, `<?xml version="1.0" encoding="utf-8"?>
<AxeJobManifest xmlns="http://www.microsoft.com/axe/job" Name="Runtime">
  <AssessmentRuns><AssessmentRun Id="{11111111-0000-0000-0000-000000000001}" Name="Only" AssessmentId="{00000000-0000-0000-0000-00000000000a}" /></AssessmentRuns>
</AxeJobManifest>`);
  const r = await runChild(`
    const env = ${JSON.stringify(env)};
    for (const [k, v] of Object.entries(env)) { if (v === null) delete process.env[k]; else process.env[k] = v; }
    ${cwd ? `process.chdir(${JSON.stringify(cwd)});` : ''}
    const addon = require(${JSON.stringify(addonPath())});
    const lib = require(${JSON.stringify(distIndex)});
    const { composeNativeBackend } = require(${JSON.stringify(nativeIndex)});
    const winops = lib.createWinops({ backend: composeNativeBackend(addon) });
    const manifest = ${JSON.stringify(manifest)};
    const errorData = (e) => ({ name: e.name, code: e.code, hresult: e.hresult, call: e.call, message: e.message, systemMessage: e.systemMessage });
    (async () => { ${body} })().then((out) => console.log('RESULT ' + JSON.stringify(out)), (e) => { console.log('FAILED ' + (e && e.stack)); process.exitCode = 1; });
  `);
  fs.rmSync(dir, { recursive: true, force: true });
  const line = r.output.split(/\r?\n/).find((l) => l.startsWith('RESULT '));
  assert.ok(line && r.code === 0, `child exited ${r.code}: ${r.output}`);
  return JSON.parse(line.slice(7));
}

// What a caller sees when AxeCore.dll cannot be used: availability() says why, the public loadJob throws
// BackendUnavailableError with that reason, and the addon's own call fails with the loader's error
// (ERROR_MOD_NOT_FOUND, or ERROR_PROC_NOT_FOUND for a DLL without AxeInitSolution) and it.
const unavailableBody = `
  const out = { availability: winops.axe.availability() };
  out.public = await winops.axe.loadJob(manifest).then(() => 'resolved', errorData);
  out.addon = await addon.axe.loadJob(manifest).then(() => 'resolved', errorData);
  return out;`;

function assertUnavailable(out, reasonPattern, hresult = ERROR_MOD_NOT_FOUND_HR) {
  assert.equal(out.availability.available, false);
  const reason = out.availability.reason;
  assert.match(reason, reasonPattern);
  assert.match(reason, /Windows Assessment Toolkit/);
  assert.match(reason, /WINOPS_AXECORE/);
  assert.equal(out.public.name, 'BackendUnavailableError', JSON.stringify(out.public));
  assert.equal(out.public.code, 'WINOPS_AXE_UNAVAILABLE');
  assert.equal(out.public.message, reason);
  assert.equal(out.addon.hresult, hresult, JSON.stringify(out.addon));
  assert.equal(out.addon.call, 'LoadLibraryExW(AxeCore.dll)');
  assert.equal(out.addon.systemMessage, reason);
}

test('AxeCore.dll missing where WINOPS_AXECORE points: unavailable, with the path and how to fix it', { skip }, async () => {
  const missing = path.join(os.tmpdir(), `winops-no-such-dir-${process.pid}`, 'AxeCore.dll');
  const out = await inChild({ WINOPS_AXECORE: missing }, unavailableBody);
  assertUnavailable(out, new RegExp(`could not be loaded \\(${missing.replace(/[\\.]/g, '\\$&')}: `));
});

test('WINOPS_AXECORE names a DLL that is not AxeCore (no AxeInitSolution): unavailable, saying so', { skip }, async () => {
  const kernel32 = path.join(process.env.SystemRoot || 'C:\\windows', 'system32', 'kernel32.dll');
  const out = await inChild({ WINOPS_AXECORE: kernel32 }, unavailableBody);
  assertUnavailable(out, /kernel32\.dll: no export AxeInitSolution/i, ERROR_PROC_NOT_FOUND_HR);
});

// A folder holding a copy of the AxeCore.dll double (a working AxeCore.dll: AxeInitSolution and all), as the current
// directory and first on PATH: where the standard DLL search would find it (DLL planting, issue 11 item 17).
function plantedCopy() {
  const planted = fs.mkdtempSync(path.join(os.tmpdir(), 'winops-axe-planted-'));
  fs.copyFileSync(process.env.WINOPS_AXECORE, path.join(planted, 'AxeCore.dll'));
  return planted;
}

test('without WINOPS_AXECORE an AxeCore.dll in the current directory and on PATH is not loaded; the paths tried are named', { skip }, async () => {
  const planted = plantedCopy();
  try {
    const out = await inChild({ WINOPS_AXECORE: null, PATH: `${planted};${process.env.PATH ?? ''}` }, unavailableBody, { cwd: planted });
    // Only the ADK's folder is tried (KitsRoot10; not set in a test prefix, else its Assessment Toolkit path).
    assertUnavailable(out, /could not be loaded \((HKLM\\SOFTWARE\\Microsoft\\Windows Kits\\Installed Roots\\KitsRoot10: not set|[^)]*\\Windows Assessment Toolkit\\(amd64|x86|arm64)\\AxeCore\.dll: )/);
    assert.ok(!out.availability.reason.includes(planted), `the planted copy is not among the paths tried: ${out.availability.reason}`);
  } finally {
    fs.rmSync(planted, { recursive: true, force: true });
  }
});

test('a relative WINOPS_AXECORE is refused before any load, naming the variable (even with that file in the current directory)', { skip }, async () => {
  const planted = plantedCopy();
  try {
    const out = await inChild({ WINOPS_AXECORE: 'AxeCore.dll' }, unavailableBody, { cwd: planted });
    assert.equal(out.availability.available, false, 'the copy in the current directory was not loaded');
    const reason = out.availability.reason;
    assert.match(reason, /^WINOPS_AXECORE must be the full path of AxeCore\.dll/);
    assert.match(reason, /got "AxeCore\.dll"/);
    assert.equal(out.public.name, 'BackendUnavailableError', JSON.stringify(out.public));
    assert.equal(out.public.code, 'WINOPS_AXE_UNAVAILABLE');
    assert.equal(out.public.message, reason);
    assert.equal(out.addon.hresult, E_INVALIDARG, JSON.stringify(out.addon));
    assert.equal(out.addon.call, 'LoadLibraryExW(AxeCore.dll)');
    assert.equal(out.addon.systemMessage, reason);
  } finally {
    fs.rmSync(planted, { recursive: true, force: true });
  }
});

test('a drive-relative WINOPS_AXECORE ("C:AxeCore.dll") is refused too: it depends on the current directory of the drive', { skip }, async () => {
  const out = await inChild({ WINOPS_AXECORE: 'C:AxeCore.dll' }, unavailableBody);
  assert.equal(out.availability.available, false);
  assert.match(out.availability.reason, /^WINOPS_AXECORE must be the full path of AxeCore\.dll[^]*got "C:AxeCore\.dll"/);
  assert.equal(out.addon.hresult, E_INVALIDARG, JSON.stringify(out.addon));
});

test('a second copy of the addon in one process gets AXE_E_ALREADY_INIT (one Solution per process), typed', { skip }, async () => {
  // Two copies of a package in one app (e.g. two versions of winops in an Electron app): AxeCore.dll is one
  // module, so the second copy's AxeInitSolution is the documented "init called twice".
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'winops-axe-copy-'));
  const copy = path.join(dir, 'winops-copy.node');
  fs.copyFileSync(addonPath(), copy);
  try {
    const out = await inChild({}, `
      const first = await winops.axe.loadJob(manifest);
      const second = lib.createWinops({ backend: composeNativeBackend(require(${JSON.stringify(copy)})) });
      const out = { availability: second.axe.availability(), assessments: first.assessments };
      out.second = await second.axe.loadJob(manifest).then(() => 'resolved', errorData);
      out.secondAgain = await second.axe.loadJob(manifest).then(() => 'resolved', errorData);
      out.firstStillRuns = (await first.run()).executedAssessments;
      await first.close();
      return out;`);
    assert.deepEqual(out.assessments, [{ index: 0, name: 'Only' }]);
    assert.deepEqual(out.availability, { available: true }, 'the copy finds AxeCore.dll');
    for (const e of [out.second, out.secondAgain]) {
      assert.equal(e.name, 'AxeError', JSON.stringify(e));
      assert.equal(e.code, 'AXE_E_ALREADY_INIT');
      assert.equal(e.hresult, AXE_E_ALREADY_INIT);
      assert.equal(e.call, 'AxeInitSolution');
    }
    assert.equal(out.firstStillRuns, 1, 'the first copy keeps its Solution');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
