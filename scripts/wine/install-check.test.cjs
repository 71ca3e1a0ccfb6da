// Runs INSIDE Windows node.exe under Wine, in the consumer folder where scripts/wine/install-test.sh installed the
// packed tarball with --ignore-scripts (so no install script ran and nothing was compiled). With the vssapi, mi.dll
// and IMAPI2 doubles in place it checks what a new user on Windows x64 gets from the package: the native backend
// loads the shipped prebuild through node-gyp-build for require and for import, the loaded file is the manifest's
// bytes, `winops query` returns the mi.dll double's instances, `winops snapshot` creates a set on the vssapi double
// and releases it, and doctor() reports the file and its SHA-256.
// Env (from install-test.sh): WINOPS_CONTROL (the doubles' control.node), WINOPS_EXPECT_SHA256 (optional: the hash
// .ci/run recorded right after the one build).
'use strict';
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const { createHash } = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const pkgDir = path.join(__dirname, 'node_modules', 'winops');
const prebuild = path.join(pkgDir, 'prebuilds', 'win32-x64', 'winops.napi.node');
const manifest = JSON.parse(fs.readFileSync(path.join(pkgDir, 'prebuilds', 'win32-x64', 'manifest.json'), 'utf8'));
const bin = path.join(pkgDir, 'bin', 'winops.js');
const control = require(process.env.WINOPS_CONTROL);
const vssLog = () => JSON.parse(control.snapshot('vssapi.dll') ?? '{"live":{},"created":{}}');
const same = (a, b) => path.resolve(a).toLowerCase() === path.resolve(b).toLowerCase();

/** The winops command of the installed package, in this node.exe (a Windows child: no Unix pipe involved). */
function winops(args) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: __dirname, encoding: 'utf8', timeout: 120_000 });
  if (r.error) throw r.error;
  return r;
}

test('installed with --ignore-scripts: no build/ folder, no compiler on PATH', () => {
  assert.equal(fs.existsSync(path.join(pkgDir, 'build')), false);
  const dirs = (process.env.PATH ?? '').split(';').filter(Boolean);
  for (const exe of ['cl.exe', 'gcc.exe', 'g++.exe', 'clang.exe', 'x86_64-w64-mingw32-g++.exe']) {
    assert.equal(dirs.find((d) => fs.existsSync(path.join(d, exe))), undefined, `${exe} on PATH`);
  }
});

test('the prebuild in the package is the manifest\'s bytes (and the bytes .ci/run built once)', () => {
  const buf = fs.readFileSync(prebuild);
  const sha = createHash('sha256').update(buf).digest('hex');
  assert.equal(sha, manifest.sha256);
  assert.equal(buf.length, manifest.size);
  if (process.env.WINOPS_EXPECT_SHA256) assert.equal(sha, process.env.WINOPS_EXPECT_SHA256);
});

test("require('winops'): the native backend, loaded by node-gyp-build from prebuilds/win32-x64", () => {
  const w = require('winops');
  assert.equal(w.createWinops({ backend: 'native' }).backend.name, 'native');
  assert.ok(same(require('node-gyp-build').resolve(pkgDir), prebuild));
  // The module Windows has loaded in this process is that very file.
  const loaded = Object.keys(require.cache).filter((k) => k.toLowerCase().endsWith('.node'));
  assert.ok(loaded.some((k) => same(k, prebuild)), `loaded: ${loaded.join(', ')}`);
});

test("import 'winops': the same native backend from the ESM entry point", async () => {
  const m = await import('winops');
  assert.equal(m.createWinops({ backend: 'native' }).backend.name, 'native');
  assert.equal(m.WinopsError, require('winops').WinopsError);
});

test('winops query returns the mi.dll double\'s Win32_Service instances', () => {
  const r = winops(['--backend', 'native', '--json', 'query', 'SELECT * FROM Win32_Service']);
  assert.equal(r.status, 0, r.stderr);
  const recs = r.stdout.trim().split(/\r?\n/).map((l) => JSON.parse(l));
  const names = recs.filter((x) => x.type === 'instance').map((x) => x.properties.Name);
  assert.deepEqual(names, ['VSS', 'Winmgmt', 'WinRM', 'Spooler']);
  assert.deepEqual(recs.at(-1), { type: 'end', count: 4 });
  assert.doesNotMatch(r.stderr, /simulating/);
});

test('winops snapshot on the vssapi double: a set exists while the command runs, and the command sees its path', () => {
  const script = "const p = process.env.WINOPS_SHADOW_1 || ''; if (!/HarddiskVolumeShadowCopy\\d+$/.test(p)) process.exit(9); console.log('SHADOW=' + p)";
  const r = winops(['--backend', 'native', 'snapshot', 'C:\\', '--timeout', '2m', '--', process.execPath, '-e', script]);
  assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
  assert.match(r.stdout, /SHADOW=\\\\\?\\GLOBALROOT\\Device\\HarddiskVolumeShadowCopy\d+/);
});

test('the library on the vssapi double in this process: the set is created and released (the double\'s own counts)', async () => {
  const before = vssLog();
  const w = require('winops').createWinops({ backend: 'native' });
  const set = await w.vss.createSnapshotSet(['C:\\']);
  assert.equal(vssLog().live.shadowCopy, (before.live.shadowCopy ?? 0) + 1);
  await set.close();
  const after = vssLog();
  assert.equal(after.live.shadowCopy ?? 0, before.live.shadowCopy ?? 0);
  assert.equal(after.created.shadowCopy, (before.created.shadowCopy ?? 0) + 1);
  assert.deepEqual(after.violations, []);
});

test('doctor() names the loaded file and its SHA-256, the shipped prebuild', async () => {
  const r = await require('winops').doctor({ backend: 'native' });
  const c = Object.fromEntries(r.checks.map((x) => [x.check, x]));
  assert.equal(c.addon.status, 'ok');
  assert.match(c.addon.detail, /^loaded from (.+), SHA-256 ([0-9a-f]{64})$/);
  const [, file, sha] = /^loaded from (.+), SHA-256 ([0-9a-f]{64})$/.exec(c.addon.detail);
  assert.ok(same(file, prebuild), file);
  assert.equal(sha, manifest.sha256);
  assert.equal(c['addon build'].status, 'ok', c['addon build'].detail);
  assert.equal(c['VSS API'].status, 'ok');
  assert.equal(c['mi.dll'].status, 'ok');
  assert.equal(c['IMAPI2 classes'].status, 'ok');
  const cli = winops(['--backend', 'native', '--json', 'doctor']);
  assert.equal(JSON.parse(cli.stdout.trim().split(/\r?\n/).at(-1)).type, 'doctor');
});
