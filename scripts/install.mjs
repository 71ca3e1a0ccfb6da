// npm's install step for winops. On Windows: use the prebuilt addon in prebuilds/, or build it from source with
// node-gyp (MSVC) when none fits. Elsewhere there is nothing to build: the native backend is Windows-only, and the
// package works with { backend: 'fake' }. Without this script npm would run `node-gyp rebuild` on every OS.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';

if (process.platform !== 'win32') process.exit(0);
const require = createRequire(import.meta.url);
let bin;
try {
  bin = require.resolve('node-gyp-build/bin.js');
} catch {
  console.error('winops: node-gyp-build is missing; the native addon cannot be located or built.');
  process.exit(1);
}
const r = spawnSync(process.execPath, [bin], { stdio: 'inherit' });
process.exit(r.status ?? 1);
