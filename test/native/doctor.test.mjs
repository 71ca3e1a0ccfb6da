// doctor() on the native backend inside Windows node.exe: every fact from the addon (native/diag/system.cc and the
// family probes). Runs plain in test:wine (Wine as it is) and with all four doubles in scripts/wine/install-test.sh
// (WINOPS_VSS_DOUBLE, WINOPS_MI_DOUBLE, WINOPS_IMAPI2_DOUBLE, WINOPS_AXECORE set): each family line follows which
// double is in place, decided from those variables, never from timing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { binding, addonPath, underWine, hex, E_NOTIMPL, REGDB_E_CLASSNOTREG } from './helpers.mjs';
import { lib } from './doubles.mjs';

const skip = (process.platform !== 'win32' && 'Windows node.exe only (npm run test:wine)') ||
  (!lib && 'needs dist/ (npm run build)') ||
  (!underWine && 'expectations are for Wine 8 and the doubles; real Windows: the workflow runs winops doctor');
const byName = (checks) => Object.fromEntries(checks.map((c) => [c.check, c]));

test('diag.systemProbe: OS, machines, token, services and the addon path, each from its call', { skip }, () => {
  const r = binding.diag.systemProbe(['VSS', 'NoSuchService-winops']);
  assert.equal(r.os.call, 'RtlGetVersion');
  assert.equal(r.os.major, 10, 'the prefix is set to Windows 10 (scripts/wine/lib.sh)');
  assert.deepEqual(r.machines, { call: 'IsWow64Process2', wow64: false, processMachine: 'none', nativeMachine: 'x64' });
  assert.equal(r.token.call, 'GetTokenInformation');
  assert.equal(typeof r.token.elevated === 'boolean' || r.token.elevated === null, true);
  assert.ok(Array.isArray(r.token.privileges) && r.token.privileges.every((p) => typeof p.name === 'string' && /^Se\w+Privilege$/.test(p.name)));
  assert.equal(r.services.length, 2);
  assert.deepEqual(r.services[1], { name: 'NoSuchService-winops', installed: false, call: 'OpenServiceW', win32Error: 1060 }); // ERROR_SERVICE_DOES_NOT_EXIST
  assert.equal(r.addon.call, 'GetModuleFileNameW');
  assert.equal(path.win32.basename(r.addon.path).toLowerCase(), path.win32.basename(addonPath()).toLowerCase());
});

test('diag.systemProbe: a bad service list is a TypeError naming the argument', { skip }, () => {
  assert.throws(() => binding.diag.systemProbe('VSS'), (e) => e instanceof TypeError && /systemProbe: serviceNames/.test(e.message));
  assert.throws(() => binding.diag.systemProbe([1]), (e) => e instanceof TypeError && /serviceNames\[0\]/.test(e.message));
});

test('doctor() on native: the addon file and its SHA-256, the manifest, and each family as the doubles make it', { skip }, async () => {
  const report = await lib.doctor({ backend: 'native' });
  const c = byName(report.checks);
  assert.equal(report.simulated, false);
  assert.equal(c.backend.status, 'ok');
  assert.match(c.os.detail, /as reported by Wine /);
  assert.equal(c.architecture.status, 'ok');
  assert.equal(c.architecture.detail, 'process x64, machine x64');
  // The file Windows says it loaded, hashed by doctor, is the file node-gyp-build resolved.
  const loaded = fs.readFileSync(addonPath());
  const sha = createHash('sha256').update(loaded).digest('hex');
  assert.equal(c.addon.status, 'ok');
  assert.ok(c.addon.detail.endsWith(`SHA-256 ${sha}`), c.addon.detail);
  const manifest = path.join(path.dirname(addonPath()), 'manifest.json');
  if (fs.existsSync(manifest)) {
    assert.equal(JSON.parse(fs.readFileSync(manifest, 'utf8')).sha256, sha, 'the loaded prebuild is the manifest\'s bytes');
    assert.equal(c['addon build'].status, 'ok', c['addon build'].detail);
  } else {
    assert.equal(c['addon build'].status, 'warn'); // the coverage build (WINOPS_PREBUILD) has no manifest
  }

  const vss = await binding.diag.vssCreateProbe();
  if (process.env.WINOPS_VSS_DOUBLE) assert.equal(c['VSS API'].status, 'ok', c['VSS API'].detail);
  else {
    assert.equal(vss.hresult >>> 0, E_NOTIMPL, hex(vss.hresult));
    assert.equal(c['VSS API'].status, 'missing');
    assert.match(c['VSS API'].detail, /E_NOTIMPL/);
  }
  assert.equal(c['mi.dll'].status, process.env.WINOPS_MI_DOUBLE ? 'ok' : 'missing', c['mi.dll'].detail);
  if (process.env.WINOPS_IMAPI2_DOUBLE) {
    assert.equal(c['IMAPI2 classes'].status, 'ok');
    const n = (await lib.createWinops({ backend: 'native' }).imapi2.listRecorders()).length;
    assert.equal(c.recorders.detail, n === 0 ? 'no disc recorder' : `${n} recorder${n === 1 ? '' : 's'}`);
  } else {
    assert.equal(c['IMAPI2 classes'].status, 'missing');
    assert.match(c['IMAPI2 classes'].detail, new RegExp(hex(REGDB_E_CLASSNOTREG)));
    assert.equal(c.recorders, undefined);
  }
  const axe = lib.createWinops({ backend: 'native' }).axe.availability();
  assert.equal(c.AXE.status, axe.available ? 'ok' : 'missing');
  for (const x of report.checks) {
    assert.ok(['ok', 'missing', 'warn', 'error'].includes(x.status), x.check);
    if (x.status !== 'ok') assert.equal(typeof x.next, 'string', `${x.check} has a next step`);
  }
  // COM security: what the VSS backend's stats() says, described.
  const hr = binding.vss.stats().comSecurityHr;
  assert.match(c['COM security'].detail, hr === null ? /not set by winops yet/ : hr === 0 ? /set by winops/ : /RPC_E_TOO_LATE|CoInitializeSecurity/);
});
