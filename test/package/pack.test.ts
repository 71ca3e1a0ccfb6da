// The published package: `npm pack` carries exactly the files list, and the tarball installs into an empty folder
// with no compiler on PATH; there `require('winops')`, `import` (both entry points), the types and the winops
// command all work.
//
// The repo is staged (without node_modules, dist, build) and built there, so the repo's own dist/, which other tests
// read, is never rewritten while they run; `npm pack` then applies the real package.json `files` list to the stage.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { ROOT } from '../cli/helpers';
import { MINGW_RUNTIME_DLLS, peImports } from '../../scripts/pe-imports.mjs';
import { sha256Of } from '../../scripts/prebuild.mjs';

/** The x64 prebuild scripts/build-win.sh wrote; npm test on Linux runs without it (no toolchain), .ci/run with it. */
const PREBUILD = join(ROOT, 'prebuilds', 'win32-x64', 'winops.napi.node');
const HAVE_PREBUILD = existsSync(PREBUILD);
const NEED_PREBUILD = process.env.CI === 'true';

const WORK = join(ROOT, 'node_modules', '.cache', `winops-pack-test-${process.pid}`);
const STAGE = join(WORK, 'stage');
const CONSUMER = join(WORK, 'consumer');
const NOSCRIPTS = join(WORK, 'noscripts');
const SKIP = new Set(['node_modules', '.git', 'dist', 'build', '.cache', 'coverage']);

/** The npm CLI as a script, so it can run with a PATH that holds nothing but node. */
function npmCli(): string {
  const candidates = [
    process.env.npm_execpath, // set when the tests run under `npm test`
    join(dirname(process.execPath), 'node_modules', 'npm', 'bin', 'npm-cli.js'), // Windows layout
    join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'bin', 'npm-cli.js'), // POSIX layout
  ];
  const which = spawnSync(process.platform === 'win32' ? 'where' : 'which', ['npm'], { encoding: 'utf8' });
  const found = which.stdout?.split(/\r?\n/)[0]?.trim();
  if (found) {
    const real = realpathSync(found);
    candidates.push(real, join(dirname(real), '..', 'lib', 'node_modules', 'npm', 'bin', 'npm-cli.js'), join(dirname(real), 'node_modules', 'npm', 'bin', 'npm-cli.js'));
  }
  const cli = candidates.find((c): c is string => typeof c === 'string' && /npm-cli\.js$/.test(c) && existsSync(c));
  if (!cli) throw new Error(`cannot find npm-cli.js (tried ${candidates.filter(Boolean).join(', ')})`);
  return cli;
}

function run(cmd: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = process.env): SpawnSyncReturns<string> {
  // A .cmd shim (node_modules/.bin on Windows) only runs through the shell.
  const shell = process.platform === 'win32' && cmd.endsWith('.cmd');
  const r = shell
    ? spawnSync(`"${cmd}" ${args.map((a) => `"${a}"`).join(' ')}`, { cwd, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, shell: true })
    : spawnSync(cmd, args, { cwd, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.error) throw r.error;
  return r;
}

function ok(r: SpawnSyncReturns<string>, what: string): string {
  if (r.status !== 0) throw new Error(`${what} failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

/**
 * PATH with a folder that holds node and sh only (node's own folder may be /usr/bin; npm runs install scripts with
 * sh): no cc, g++, make, python, node-gyp, mingw.
 */
function bareEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('WINOPS_') && !k.startsWith('npm_')) env[k] = v;
  const bin = join(WORK, 'bin');
  if (!existsSync(join(bin, 'node')) && process.platform !== 'win32') {
    mkdirSync(bin, { recursive: true });
    symlinkSync(process.execPath, join(bin, 'node'));
    symlinkSync('/bin/sh', join(bin, 'sh'));
  }
  env.PATH = [process.platform === 'win32' ? dirname(process.execPath) : bin].join(delimiter);
  return env;
}

let packed: { path: string; size: number }[] = [];
let tarball = '';
let installOutput = '';

beforeAll(() => {
  rmSync(WORK, { recursive: true, force: true });
  mkdirSync(STAGE, { recursive: true });
  for (const name of readdirSync(ROOT)) {
    if (SKIP.has(name) || name.startsWith('.wine')) continue;
    cpSync(join(ROOT, name), join(STAGE, name), { recursive: true });
  }
  // What `npm run build` does, into the stage: tsc, then the ESM wrappers and the .d.ts for any target.
  const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  run(process.execPath, [tsc, '-p', join(STAGE, 'tsconfig.build.json')], STAGE);
  if (!existsSync(join(STAGE, 'dist', 'lib', 'index.js'))) throw new Error('the build in the stage emitted no dist/lib/index.js');
  if (existsSync(join(STAGE, 'scripts', 'esm-wrappers.mjs'))) ok(run(process.execPath, [join(STAGE, 'scripts', 'esm-wrappers.mjs')], STAGE), 'esm-wrappers');
  ok(run(process.execPath, [join(STAGE, 'scripts', 'dts-compat.mjs')], STAGE), 'dts-compat');

  const npm = npmCli();
  const out = ok(run(process.execPath, [npm, 'pack', '--json', '--ignore-scripts', '--pack-destination', WORK], STAGE), 'npm pack');
  const info = (JSON.parse(out) as { filename: string; files: { path: string; size: number }[] }[])[0]!;
  packed = info.files;
  tarball = join(WORK, info.filename);

  mkdirSync(CONSUMER, { recursive: true });
  writeFileSync(join(CONSUMER, 'package.json'), JSON.stringify({ name: 'winops-consumer', version: '1.0.0', private: true }, null, 2));
  const env = { ...bareEnv(), npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' };
  const r = run(process.execPath, [npm, 'install', '--no-audit', '--no-fund', tarball], CONSUMER, env);
  installOutput = `${r.stdout}\n${r.stderr}`;
  ok(r, 'npm install of the tarball (no compiler on PATH)');
  // The way pnpm and npm's allowScripts treat it: no install script at all.
  mkdirSync(NOSCRIPTS, { recursive: true });
  writeFileSync(join(NOSCRIPTS, 'package.json'), JSON.stringify({ name: 'winops-noscripts', version: '1.0.0', private: true }, null, 2));
  ok(run(process.execPath, [npm, 'install', '--ignore-scripts', '--no-audit', '--no-fund', tarball], NOSCRIPTS, env), 'npm install --ignore-scripts of the tarball');
}, 180_000);

afterAll(() => {
  rmSync(WORK, { recursive: true, force: true });
});

describe('npm pack', () => {
  it('carries the files list and nothing else', () => {
    const allowed = [
      /^package\.json$/,
      /^README\.md$/,
      /^LICENSE$/,
      /^bin\/winops\.js$/,
      /^binding\.gyp$/,
      /^scripts\/install\.mjs$/,
      /^dist\/lib\/.+\.(js|mjs|d\.ts)$/,
      /^dist\/types\/.+\.(js|d\.ts)$/,
      /^types\/[^/]+\.ts$/,
      /^native\/.+\.(cc|h|c)$/,
      /^prebuilds\/win32-x64\/winops\.napi\.node$/,
      /^prebuilds\/win32-x64\/manifest\.json$/,
    ];
    const stray = packed.map((f) => f.path).filter((p) => !allowed.some((re) => re.test(p)));
    expect(stray).toEqual([]);
  });

  it('has what an install needs: entry points, ESM wrappers, types, the CLI, the native sources, the licence', () => {
    const paths = new Set(packed.map((f) => f.path));
    for (const p of [
      'package.json',
      'LICENSE',
      'README.md',
      'bin/winops.js',
      'binding.gyp',
      'scripts/install.mjs',
      'dist/lib/index.js',
      'dist/lib/index.mjs',
      'dist/lib/index.d.ts',
      'dist/lib/fake/index.js',
      'dist/lib/fake/index.mjs',
      'dist/lib/fake/index.d.ts',
      'dist/lib/cli/main.js',
      'dist/types/backend.d.ts',
      'native/addon.cc',
    ]) {
      expect(paths, p).toContain(p);
    }
    // Every native source the MSVC build compiles is in the package.
    const gyp = JSON.parse(readFileSync(join(STAGE, 'binding.gyp'), 'utf8').replace(/^\s*#.*$/gm, '')) as { targets: { sources: string[] }[] };
    for (const src of gyp.targets[0]!.sources) expect(paths, src).toContain(src);
    expect([...paths].some((p) => p.endsWith('.map') || p.startsWith('test/') || p.startsWith('lib/') || p.startsWith('node_modules/'))).toBe(false);
  });

  it('declares the bin, and every dependency is one the code loads at run time', () => {
    const pkg = JSON.parse(readFileSync(join(CONSUMER, 'node_modules', 'winops', 'package.json'), 'utf8')) as { bin: Record<string, string>; dependencies: Record<string, string>; scripts: Record<string, string> };
    expect(pkg.bin).toEqual({ winops: 'bin/winops.js' });
    expect(Object.keys(pkg.dependencies).sort()).toEqual(['cli-progress', 'commander', 'node-addon-api', 'node-gyp-build']);
    expect(pkg.scripts.install).toBe('node scripts/install.mjs');
  });
});

describe('installed from the tarball into an empty folder (no compiler on PATH)', () => {
  const node = (args: readonly string[]): SpawnSyncReturns<string> => run(process.execPath, args, CONSUMER, bareEnv());

  it('installed without building anything', () => {
    expect(existsSync(join(CONSUMER, 'node_modules', 'winops', 'build'))).toBe(false);
    expect(installOutput).not.toMatch(/gyp (ERR|info)/);
  });

  it("require('winops') and require('winops/fake') work", () => {
    const script = `
      const w = require('winops');
      const { createFakeBackend } = require('winops/fake');
      const fake = createFakeBackend();
      const winops = w.createWinops({ backend: fake });
      winops.vss.createSnapshotSet(['C:\\\\']).then(async (set) => {
        const device = set.snapshots[0].deviceObject;
        await set.close();
        console.log(JSON.stringify({ name: w.describeHresult(0x80042306).name, device, left: fake.vss.shadowCopies().length, isError: new w.VssError({ family: 'vss', code: 'X', hresult: 1, call: 'c', message: 'm' }) instanceof w.WinopsError }));
      });`;
    const out = JSON.parse(ok(node(['-e', script]), 'require')) as Record<string, unknown>;
    expect(out).toEqual({ name: 'VSS_E_PROVIDER_VETO', device: expect.stringMatching(/HarddiskVolumeShadowCopy\d+$/), left: 0, isError: true });
  });

  it('import works and shares one copy of every class with require', () => {
    const script = `
      import { createWinops, describeHresult, WinopsError } from 'winops';
      import { createFakeBackend } from 'winops/fake';
      import { createRequire } from 'node:module';
      const cjs = createRequire(import.meta.url)('winops');
      const winops = createWinops({ backend: createFakeBackend() });
      const session = await winops.mi.openSession();
      const [os] = await session.query('SELECT Caption FROM Win32_OperatingSystem').toArray();
      await session.close();
      console.log(JSON.stringify({ caption: os.Caption, name: describeHresult(0x80070005).name, same: cjs.WinopsError === WinopsError }));`;
    const out = JSON.parse(ok(node(['--input-type=module', '-e', script]), 'import')) as Record<string, unknown>;
    expect(out).toEqual({ caption: 'Microsoft Windows 11 Pro (simulated)', name: 'E_ACCESSDENIED', same: true });
  });

  it('the types resolve for a TypeScript consumer (node16 resolution, strict)', () => {
    writeFileSync(
      join(CONSUMER, 'check.mts'),
      [
        "import { createWinops, type VssCancelOutcome, type Winops } from 'winops';",
        "import { createFakeBackend, type FakeBackend } from 'winops/fake';",
        'const fake: FakeBackend = createFakeBackend({});',
        "const w: Winops = createWinops({ backend: fake });",
        "const op = w.vss.createSnapshotSet('C:\\\\');",
        'const outcome: Promise<VssCancelOutcome> = op.cancel();',
        'void outcome;',
        '',
      ].join('\n'),
    );
    writeFileSync(
      join(CONSUMER, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { strict: true, module: 'node16', moduleResolution: 'node16', target: 'es2022', noEmit: true, skipLibCheck: false, types: ['node'], typeRoots: [join(ROOT, 'node_modules', '@types')] }, files: ['check.mts'] }),
    );
    const r = node([join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(CONSUMER, 'tsconfig.json')]);
    expect(`${r.stdout}${r.stderr}`).toBe('');
    expect(r.status).toBe(0);
  });

  it('the types resolve under the old resolution (moduleResolution node10, typesVersions) and the default target, and outcomes narrow by family', () => {
    writeFileSync(
      join(CONSUMER, 'check10.ts'),
      [
        "import { createWinops, isAbortError, type WinopsError } from 'winops';",
        "import { createFakeBackend } from 'winops/fake';",
        'const w = createWinops({ backend: createFakeBackend({}) });',
        "w.vss.createSnapshotSet('C:\\\\').then(undefined, (e: unknown) => {",
        "  if (isAbortError(e) && e.outcome.family === 'vss') { const step: string | undefined = e.outcome.step; void step; }",
        "  if (isAbortError(e) && e.outcome.family === 'imapi2') { const n: number = e.outcome.attempts; void n; }",
        '});',
        "const known = (e: WinopsError): boolean => e.code === 'VSS_E_PROVIDER_VETO' || e.code === 'MI_RESULT_ACCESS_DENIED' || e.code === 'HRESULT_0x80071234';",
        'void known;',
        '',
      ].join('\n'),
    );
    writeFileSync(
      join(CONSUMER, 'tsconfig10.json'),
      JSON.stringify({ compilerOptions: { strict: true, module: 'commonjs', moduleResolution: 'node10', noEmit: true, skipLibCheck: false, types: ['node'], typeRoots: [join(ROOT, 'node_modules', '@types')] }, files: ['check10.ts'] }),
    );
    const r = node([join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(CONSUMER, 'tsconfig10.json')]);
    expect(`${r.stdout}${r.stderr}`).toBe('');
    expect(r.status).toBe(0);
  });

  it('the winops command runs from node_modules/.bin', () => {
    const bin = join(CONSUMER, 'node_modules', '.bin', process.platform === 'win32' ? 'winops.cmd' : 'winops');
    expect(existsSync(bin)).toBe(true);
    const version = run(bin, ['--version'], CONSUMER, bareEnv());
    expect(version.status).toBe(0);
    expect(version.stdout.trim()).toBe((JSON.parse(readFileSync(join(STAGE, 'package.json'), 'utf8')) as { version: string }).version);
    const explain = run(bin, ['--json', 'explain', '0x80042306'], CONSUMER, bareEnv());
    expect(explain.status).toBe(0);
    expect(JSON.parse(explain.stdout)).toMatchObject({ type: 'code', code: 'VSS_E_PROVIDER_VETO', hresult: '0x80042306', family: 'vss', retryable: true });
    const query = run(bin, ['--backend', 'fake', '--json', 'query', 'SELECT Name FROM Win32_Service'], CONSUMER, bareEnv());
    expect(query.status).toBe(0);
    expect(query.stderr).toMatch(/simulating Windows/);
    expect(query.stdout.trim().split('\n').map((l) => (JSON.parse(l) as { type: string }).type)).toEqual(['instance', 'instance', 'instance', 'instance', 'end']);
    if (process.platform !== 'win32') {
      const noBackend = run(bin, ['recorders'], CONSUMER, bareEnv());
      expect(noBackend.status).toBe(3);
      expect(noBackend.stderr).toMatch(/WINOPS_NO_BACKEND/);
    }
  });
});

describe('the x64 prebuild in the tarball', () => {
  it.runIf(!HAVE_PREBUILD && NEED_PREBUILD)('CI=true: prebuilds/win32-x64/winops.napi.node exists (bash scripts/build-win.sh)', () => {
    expect(existsSync(PREBUILD)).toBe(true);
  });
  const have = it.skipIf(!HAVE_PREBUILD);
  const tag = HAVE_PREBUILD ? '' : ' (skipped: no prebuilds/win32-x64 here, bash scripts/build-win.sh builds it; .ci/run requires it)';

  have(`carries prebuilds/win32-x64/winops.napi.node and its manifest.json${tag}`, () => {
    const paths = packed.map((f) => f.path);
    expect(paths).toContain('prebuilds/win32-x64/winops.napi.node');
    expect(paths).toContain('prebuilds/win32-x64/manifest.json');
  });

  have(`the installed file is the built file, byte for byte, and its SHA-256 and size are the manifest's${tag}`, () => {
    for (const dir of [CONSUMER, NOSCRIPTS]) {
      const installed = join(dir, 'node_modules', 'winops', 'prebuilds', 'win32-x64');
      const manifest = JSON.parse(readFileSync(join(installed, 'manifest.json'), 'utf8')) as { file: string; sha256: string; size: number; commit: string | null; toolchain: string | null };
      const sha = sha256Of(join(installed, 'winops.napi.node'));
      expect(sha).toBe(sha256Of(PREBUILD));
      expect(manifest).toMatchObject({ file: 'winops.napi.node', sha256: sha, size: readFileSync(PREBUILD).length });
      expect(manifest.toolchain).toMatch(/mingw32/);
    }
  });

  have(`is a static x64 build: imports no libstdc++/libgcc/winpthread DLL and not node.exe${tag}`, () => {
    const pe = peImports(join(CONSUMER, 'node_modules', 'winops', 'prebuilds', 'win32-x64', 'winops.napi.node'));
    expect(pe.machine).toBe('x64');
    const all = [...pe.imports, ...pe.delayImports].map((d) => d.toLowerCase());
    for (const dll of MINGW_RUNTIME_DLLS) expect(all, dll).not.toContain(dll);
    expect(all).not.toContain('node.exe');
    // What it does import: Windows' own system DLLs, nothing else.
    expect([...all].sort()).toEqual(['advapi32.dll', 'kernel32.dll', 'msvcrt.dll', 'ole32.dll', 'oleaut32.dll']);
  });
});

describe('installed with --ignore-scripts (no install script ever runs)', () => {
  it('require and import work (doctor on the fake); nothing was built', () => {
    expect(existsSync(join(NOSCRIPTS, 'node_modules', 'winops', 'build'))).toBe(false);
    const out = run(process.execPath, ['-e', "const w = require('winops'); console.log(typeof w.doctor, typeof w.createWinops)"], NOSCRIPTS, bareEnv());
    expect(ok(out, 'require').trim()).toBe('function function');
    const esm = run(process.execPath, ['--input-type=module', '-e', "import { doctor } from 'winops'; const r = await doctor({ backend: 'fake' }); console.log(r.simulated, r.ok)"], NOSCRIPTS, bareEnv());
    expect(ok(esm, 'import').trim()).toBe('true true');
  });
});
