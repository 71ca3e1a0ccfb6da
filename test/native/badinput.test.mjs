// Bad input against the native addon: every export (prebuilds/win32-x64/winops.napi.node loaded directly, and
// the AXE stand-in build) and the public API on the native backend, against hostile values: missing, wrong
// type, null, NaN, negative and huge numbers and timeouts, an already-aborted signal, empty and 1 MB strings,
// NUL, unpaired surrogates, non-BMP characters, volume paths that do not exist, WQL injection, a manifest path
// that is a directory, objects whose getters throw, callbacks that throw or never answer.
//
// Each must end in a TypeError/RangeError naming the argument, or a typed error carrying the Windows error;
// never a crash, never a hang. The cases live in badinput-cases.cjs; each group runs in a child node.exe
// (runChild), so a crash or a hang fails that group's test instead of killing the runner, and the child
// must exit by itself (nothing left holding its event loop).
//
// Two runs:
//   - Wine as it is (npm run test:wine, every host): no vssapi/mi/imapi2/AXE behind the addon, so every
//     value is checked at the boundary and the well-formed ones fail typed;
//   - every double in place (WINOPS_ALL_DOUBLES=1, scripts/wine/model.sh): the values reach live
//     IVssBackupComponents/IVssAsync, MI sessions, IMAPI2 writes and AXE jobs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';
import { root } from './helpers.mjs';
import { runChild } from './doubles.mjs';

const require = createRequire(import.meta.url);
const { GROUPS } = require('./badinput-cases.cjs');

const onWindows = process.platform === 'win32';
const allDoubles = Boolean(process.env.WINOPS_ALL_DOUBLES);
const harness = path.join(root, 'test', 'native', 'badinput-cases.cjs');
const addonPath = path.join(root, 'prebuilds', 'win32-x64', 'winops.napi.node');
const standinPath = path.join(root, 'build', 'win32-x64-axe-standin', 'winops.node');
const distDir = path.join(root, 'dist');

function skipFor(mode) {
  if (!onWindows) return 'Windows node.exe only (npm run test:wine)';
  if (!fs.existsSync(addonPath)) return 'needs prebuilds/win32-x64/winops.napi.node (npm run build:win)';
  if (!fs.existsSync(path.join(distDir, 'lib', 'index.js'))) return 'needs dist/ (npm run build)';
  if (mode === 'plain') return allDoubles ? 'every double is in place in this run (these expect Wine as it is)' : false;
  if (!allDoubles) return 'needs every double in place (WINOPS_ALL_DOUBLES, set by scripts/wine/model.sh)';
  if (!fs.existsSync(standinPath)) return 'needs the AXE stand-in build (test/doubles/axe/build.sh)';
  return false;
}

// WINOPS_BADINPUT_GROUPS="mi-live vss-live" runs only those groups (the others are skipped, saying so).
const only = (process.env.WINOPS_BADINPUT_GROUPS ?? '').split(/[\s,]+/).filter(Boolean);

for (const [name, group] of Object.entries(GROUPS)) {
  const skip = only.length > 0 && !only.includes(name) ? `not in WINOPS_BADINPUT_GROUPS` : skipFor(group.mode);
  const labels = group.cases().map((c) => c.label);
  test(`${group.title} (${labels.length} cases, in a child process)`, { skip, timeout: 180_000 }, async () => {
    const env = { addonPath, distDir, standinPath: group.mode === 'doubles' ? standinPath : null };
    const source = `require(${JSON.stringify(harness)}).runGroup(${JSON.stringify(name)}, ${JSON.stringify(env)})` +
      `.catch((e) => { console.log('FATAL ' + (e && e.stack || e)); process.exitCode = 1; });\n`;
    const r = await runChild(source, 150_000);
    const lines = r.output.split(/\r?\n/);
    const results = lines.filter((l) => l.startsWith('CASE ')).map((l) => JSON.parse(l.slice(5)));
    const done = lines.find((l) => l.startsWith('DONE '));
    const failing = lines.filter((l) => l.startsWith('CASE ') && !l.includes('"problem":null'));
    const failed = failing.length;
    const rest = lines.filter((l) => !l.startsWith('CASE ')).join('\n');
    const tail = [...failing.slice(0, 40), rest.length > 2000 ? `...${rest.slice(-2000)}` : rest].join('\n');
    const last = results.at(-1)?.label;
    if (r.code !== 0) assert.fail(`the child ${r.code === null ? `did not exit within 150 s (killed; a hang, or something holding its event loop)` : `exited with ${r.code}`} after ${results.length}/${labels.length} cases (last: ${last ?? 'none'}; ${failed} failed)\n${tail}`);
    assert.ok(done, `no DONE line after ${results.length}/${labels.length} cases (last: ${last ?? 'none'})\n${tail}`);
    assert.deepEqual(results.map((x) => x.label), labels, 'every case ran, in order');
    const failures = results.filter((x) => x.problem).map((x) => `${x.label}\n    -> ${x.problem}`);
    if (failures.length) {
      const shown = failures.slice(0, 40).join('\n') + (failures.length > 40 ? `\n... and ${failures.length - 40} more` : '');
      assert.fail(`${failures.length} of ${labels.length} cases failed:\n${shown}`);
    }
    const after = JSON.parse(done.slice(5)).problems;
    if (after.length) assert.fail(`after the group (nothing held, nothing live in the doubles, nothing uncaught):\n${after.join('\n')}`);
  });
}
