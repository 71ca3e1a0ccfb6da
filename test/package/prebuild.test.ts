// scripts/prebuild.mjs, the prepack gate: it refuses to pack without the x64 prebuild (or with bytes that are not
// the manifest's) unless WINOPS_PACK_WITHOUT_PREBUILD=1, and it never builds where there is no cross toolchain.
// Each case runs the script from a copy in a folder of its own, so the repo's prebuilds/ is never touched.
import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../cli/helpers';
import { peImports } from '../../scripts/pe-imports.mjs';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A root with scripts/prebuild.mjs and, when given, a prebuild file and a manifest. */
function root(prebuild?: Buffer, manifest?: Record<string, unknown>): string {
  const d = mkdtempSync(join(tmpdir(), 'winops-prebuild-'));
  dirs.push(d);
  mkdirSync(join(d, 'scripts'));
  for (const f of ['prebuild.mjs', 'pe-imports.mjs']) copyFileSync(join(ROOT, 'scripts', f), join(d, 'scripts', f));
  if (prebuild) {
    mkdirSync(join(d, 'prebuilds', 'win32-x64'), { recursive: true });
    writeFileSync(join(d, 'prebuilds', 'win32-x64', 'winops.napi.node'), prebuild);
    if (manifest) writeFileSync(join(d, 'prebuilds', 'win32-x64', 'manifest.json'), JSON.stringify(manifest));
  }
  return d;
}

/** PATH with node only (a folder of its own: node's may be /usr/bin, next to the toolchain), so it cannot build. */
function pack(dir: string, extra: NodeJS.ProcessEnv = {}) {
  const bin = join(dir, 'bin');
  if (!existsSync(bin)) {
    mkdirSync(bin);
    symlinkSync(process.execPath, join(bin, 'node'));
  }
  const env: NodeJS.ProcessEnv = { PATH: bin, ...extra };
  return spawnSync(process.execPath, [join(dir, 'scripts', 'prebuild.mjs'), 'pack'], { cwd: dir, env, encoding: 'utf8' });
}

/** A minimal PE32+ x64 DLL image with one import (KERNEL32.dll), enough for the import reader. */
function tinyPe(dll = 'KERNEL32.dll'): Buffer {
  const b = Buffer.alloc(0x400);
  b.writeUInt16LE(0x5a4d, 0);
  b.writeUInt32LE(0x80, 0x3c);
  b.writeUInt32LE(0x4550, 0x80);
  const coff = 0x84;
  b.writeUInt16LE(0x8664, coff);
  b.writeUInt16LE(1, coff + 2);
  b.writeUInt16LE(240, coff + 16);
  const opt = coff + 20;
  b.writeUInt16LE(0x20b, opt);
  b.writeBigUInt64LE(0x180000000n, opt + 24);
  b.writeUInt32LE(0x1000, opt + 112 + 8); // import directory RVA
  b.writeUInt32LE(40, opt + 112 + 12);
  const sec = opt + 240;
  b.write('.idata', sec, 'latin1');
  b.writeUInt32LE(0x200, sec + 8);
  b.writeUInt32LE(0x1000, sec + 12);
  b.writeUInt32LE(0x200, sec + 16);
  b.writeUInt32LE(0x200, sec + 20);
  b.writeUInt32LE(0x1100, 0x200 + 12); // descriptor 0: Name RVA
  b.writeUInt32LE(0x1080, 0x200 + 16); // FirstThunk (non-zero)
  b.write(`${dll}\0`, 0x300, 'latin1');
  return b;
}

function manifestOf(buf: Buffer): Record<string, unknown> {
  return { file: 'winops.napi.node', sha256: createHash('sha256').update(buf).digest('hex'), size: buf.length };
}

describe('scripts/pe-imports.mjs', () => {
  it('reads the machine and the import table of a PE image', () => {
    expect(peImports(tinyPe())).toEqual({ machine: 'x64', imports: ['KERNEL32.dll'], delayImports: [] });
  });
  it('refuses what is not a PE file', () => {
    expect(() => peImports(Buffer.alloc(0x100))).toThrow(/not a PE file/);
  });
});

describe('prepack (node scripts/prebuild.mjs pack)', () => {
  it('refuses to pack without the prebuild when it cannot build one, and names the way out', () => {
    const r = pack(root());
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/refusing to pack without prebuilds\/win32-x64\/winops\.napi\.node/);
    expect(r.stderr).toMatch(/WINOPS_PACK_WITHOUT_PREBUILD=1/);
  });

  it('packs without it only when told so, with a warning', () => {
    const r = pack(root(), { WINOPS_PACK_WITHOUT_PREBUILD: '1' });
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/WARNING: packing WITHOUT/);
  });

  it('passes the prebuild whose SHA-256 and size are the manifest\'s', () => {
    const pe = tinyPe();
    const r = pack(root(pe, manifestOf(pe)));
    expect(r.stderr).toMatch(/matches prebuilds\/win32-x64\/manifest\.json/);
    expect(r.status).toBe(0);
  });

  it('refuses a prebuild whose bytes are not the manifest\'s (rebuilt or replaced after the tested build)', () => {
    const pe = tinyPe();
    const m = manifestOf(pe);
    pe[0x3f0] = 1;
    const r = pack(root(pe, m));
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/SHA-256 [0-9a-f]{64} is not the manifest's/);
  });

  it('refuses a prebuild without a manifest, even with WINOPS_PACK_WITHOUT_PREBUILD=1', () => {
    const r = pack(root(tinyPe()), { WINOPS_PACK_WITHOUT_PREBUILD: '1' });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/manifest\.json is missing/);
  });

  it('refuses a prebuild that imports the mingw runtime DLLs', () => {
    const pe = tinyPe('libstdc++-6.dll');
    const r = pack(root(pe, manifestOf(pe)));
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/imports the mingw runtime DLL\(s\) libstdc\+\+-6\.dll/);
  });

  it.skipIf(!existsSync(join(ROOT, 'prebuilds', 'win32-x64', 'manifest.json')))('the repo\'s own prebuild passes the check (skipped when there is none: bash scripts/build-win.sh)', () => {
    const r = spawnSync(process.execPath, [join(ROOT, 'scripts', 'prebuild.mjs'), 'check'], { encoding: 'utf8' });
    expect(r.stderr).toMatch(/matches/);
    expect(r.status).toBe(0);
    expect(JSON.parse(readFileSync(join(ROOT, 'prebuilds', 'win32-x64', 'manifest.json'), 'utf8'))).toHaveProperty('sha256');
  });
});
