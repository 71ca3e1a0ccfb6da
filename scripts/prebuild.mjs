#!/usr/bin/env node
// The shipped prebuild and its manifest (prebuilds/win32-x64/manifest.json), shared by scripts/build-win.sh (write),
// `npm pack` (prepack: check) and the tests.
//   node scripts/prebuild.mjs write   after a build: records sha256, size, commit and toolchain of
//                                     prebuilds/win32-x64/winops.napi.node (kept as is when the bytes are the same)
//   node scripts/prebuild.mjs check   the file is there, a x64 PE whose SHA-256 and size are the manifest's, with no
//                                     mingw runtime DLL import; exit 1 naming what is wrong
//   node scripts/prebuild.mjs pack    prepack: check; when the file is missing and the mingw cross toolchain is on
//                                     PATH, build it first (bash scripts/build-win.sh); refuses to pack without it
//                                     unless WINOPS_PACK_WITHOUT_PREBUILD=1 (then the tarball needs a compiler on
//                                     Windows: scripts/install.mjs -> node-gyp)
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MINGW_RUNTIME_DLLS, peImports } from './pe-imports.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const PREBUILD = 'prebuilds/win32-x64/winops.napi.node';
export const MANIFEST = 'prebuilds/win32-x64/manifest.json';

export function sha256Of(file) {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

function sh(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: ROOT, encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

/** Problems with the prebuild in `root` (empty when it is the manifest's bytes and statically linked). */
export function checkPrebuild(root = ROOT) {
  const file = join(root, PREBUILD);
  const man = join(root, MANIFEST);
  if (!existsSync(file)) return [`${PREBUILD} is missing (bash scripts/build-win.sh builds it)`];
  if (!existsSync(man)) return [`${MANIFEST} is missing: the prebuild was not written by scripts/build-win.sh`];
  const m = JSON.parse(readFileSync(man, 'utf8'));
  const problems = [];
  const sha = sha256Of(file);
  if (m.file !== 'winops.napi.node') problems.push(`${MANIFEST}: file is ${JSON.stringify(m.file)}, not "winops.napi.node"`);
  if (m.sha256 !== sha) problems.push(`${PREBUILD}: SHA-256 ${sha} is not the manifest's ${m.sha256} (rebuilt or replaced after the build that was tested)`);
  if (m.size !== statSync(file).size) problems.push(`${PREBUILD}: ${statSync(file).size} bytes, the manifest says ${m.size}`);
  const pe = peImports(file);
  if (pe.machine !== 'x64') problems.push(`${PREBUILD}: machine ${pe.machine}, not x64`);
  const dyn = [...pe.imports, ...pe.delayImports].filter((d) => MINGW_RUNTIME_DLLS.includes(d.toLowerCase()));
  if (dyn.length > 0) problems.push(`${PREBUILD} imports the mingw runtime DLL(s) ${dyn.join(', ')}: it must be linked statically`);
  if (pe.imports.some((d) => d.toLowerCase() === 'node.exe')) problems.push(`${PREBUILD} imports node.exe directly (see native/host/delay_load_host.c)`);
  return problems;
}

function write() {
  const file = join(ROOT, PREBUILD);
  const sha = sha256Of(file);
  const man = join(ROOT, MANIFEST);
  if (existsSync(man)) {
    try {
      if (JSON.parse(readFileSync(man, 'utf8')).sha256 === sha) return console.error(`[winops] ${MANIFEST}: unchanged (${sha})`);
    } catch {
      // rewritten below
    }
  }
  const commit = sh('git', ['rev-parse', 'HEAD']);
  const dirty = sh('git', ['status', '--porcelain', '--untracked-files=no', '--', 'native', 'CMakeLists.txt', 'cmake']);
  const toolchain = sh('x86_64-w64-mingw32-g++-posix', ['--version'])?.split('\n')[0];
  const manifest = {
    file: 'winops.napi.node',
    platform: 'win32',
    arch: 'x64',
    sha256: sha,
    size: statSync(file).size,
    commit: commit ? `${commit}${dirty ? '+modified' : ''}` : null,
    toolchain: toolchain ?? null,
    build: 'scripts/build-win.sh (CMake, mingw-w64, -static)',
  };
  writeFileSync(man, `${JSON.stringify(manifest, null, 2)}\n`);
  console.error(`[winops] ${MANIFEST}: ${sha}, ${manifest.size} bytes`);
}

function main(cmd) {
  if (cmd === 'write') return write(), 0;
  if (cmd === 'pack' && !existsSync(join(ROOT, PREBUILD))) {
    if (process.env.WINOPS_PACK_WITHOUT_PREBUILD === '1') {
      console.error(`winops prepack: WARNING: packing WITHOUT ${PREBUILD} (WINOPS_PACK_WITHOUT_PREBUILD=1): installing this tarball on Windows compiles the addon with node-gyp and MSVC`);
      return 0;
    }
    const onPath = (process.env.PATH ?? '').split(delimiter).some((d) => d && existsSync(join(d, 'x86_64-w64-mingw32-g++-posix')));
    if (onPath) {
      console.error(`winops prepack: ${PREBUILD} is missing: building it (bash scripts/build-win.sh)`);
      const r = spawnSync('bash', ['scripts/build-win.sh'], { cwd: ROOT, stdio: 'inherit' });
      if (r.status !== 0) return 1;
    } else {
      console.error(`winops prepack: refusing to pack without ${PREBUILD} (no mingw-w64 cross toolchain here to build it). Build it with bash scripts/build-win.sh, or set WINOPS_PACK_WITHOUT_PREBUILD=1 to pack a tarball that needs a compiler on Windows.`);
      return 1;
    }
  }
  if (cmd !== 'check' && cmd !== 'pack') {
    console.error('usage: node scripts/prebuild.mjs write|check|pack');
    return 2;
  }
  const problems = checkPrebuild();
  for (const p of problems) console.error(`winops ${cmd === 'pack' ? 'prepack' : 'prebuild check'}: ${p}`);
  if (problems.length > 0) return 1;
  const pe = peImports(join(ROOT, PREBUILD));
  console.error(`winops ${cmd === 'pack' ? 'prepack' : 'prebuild check'}: ${PREBUILD} matches ${MANIFEST} (${sha256Of(join(ROOT, PREBUILD))}); imports ${pe.imports.join(' ')}; delay-imports ${pe.delayImports.join(' ') || 'none'}`);
  return 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) process.exit(main(process.argv[2]));
