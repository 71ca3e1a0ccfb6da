#!/usr/bin/env node
// What MSVC would be told to do by binding.gyp, checked without Windows (issue 11).
//
// Generates the Visual Studio 2022 project the way `node-gyp configure` does on Windows (node-gyp's own gyp,
// its addon.gypi and Node's common.gypi, lib/configure.js's arguments), here with -f msvs -DOS=win, then reads
// the .vcxproj's ClCompile and Link settings for every configuration and asserts the choices binding.gyp makes:
// C++ exceptions on (/EHsc, _HAS_EXCEPTIONS=1 and not Node's =0, NAPI_CPP_EXCEPTIONS), /W4 + /WX, one C++
// standard (LanguageStandard stdcpp17, no -std: left in AdditionalOptions), headers included with <...> external
// at /external:W0, the hardening flags, binding.gyp's defines and the libraries linked.
//
// Offline: node-gyp is the one npm carries (or WINOPS_NODE_GYP); Node's common.gypi comes from every Node include
// folder found: this node's own (<prefix>/include/node), each .cache/node-linux-v*/ (the Node 22 the doc test
// fetches in .ci/run), or WINOPS_NODE_DIRS (':'-separated). Nothing is downloaded.
// Usage: node scripts/check-msvs.mjs [--gyp <binding.gyp>]   (the test's mutated copies)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const argAt = process.argv.indexOf('--gyp');
const gypFile = resolve(argAt > 0 ? process.argv[argAt + 1] : join(root, 'binding.gyp'));

function nodeGypDir() {
  const candidates = [
    process.env.WINOPS_NODE_GYP,
    join(root, 'node_modules', 'node-gyp'),
    join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp'),
    process.env.npm_execpath && join(dirname(process.env.npm_execpath), '..', 'node_modules', 'node-gyp'),
  ].filter(Boolean);
  const found = candidates.find((d) => existsSync(join(d, 'gyp', 'gyp_main.py')));
  if (!found) throw new Error(`check-msvs: no node-gyp found (tried ${candidates.join(', ')}); set WINOPS_NODE_GYP`);
  return found;
}

function nodeDirs() {
  if (process.env.WINOPS_NODE_DIRS) return process.env.WINOPS_NODE_DIRS.split(':').filter(Boolean);
  const cache = join(root, '.cache');
  const cached = existsSync(cache) ? readdirSync(cache).filter((n) => /^node-linux-v\d/.test(n)).map((n) => join(cache, n)) : [];
  return [join(dirname(process.execPath), '..'), ...cached].filter((d) => existsSync(join(d, 'include', 'node', 'common.gypi')));
}

// node-gyp 12's gyp (easy_xml.WriteXmlIfChanged) writes a str to a file opened 'wb' when the locale's encoding is
// UTF-8 (its TypeError stops -f msvs on most Linux machines): reporting another encoding makes it encode first.
const PY = `import locale, runpy, sys
locale.getdefaultlocale = lambda *a: (None, 'latin-1')
sys.argv = sys.argv[1:]
runpy.run_path(sys.argv[0], run_name='__main__')`;

function generate(nodeGyp, nodeDir, arch) {
  const out = mkdtempSync(join(tmpdir(), 'winops-msvs-'));
  // As create-config-gypi.js does with --nodedir: the headers' config.gypi (here a Linux build's variables, which
  // common.gypi's conditions read, e.g. clang 0), its target_defaults lists emptied, plus what it adds on Windows
  // from the Visual Studio it found (msbuild_toolset, msvs_windows_target_platform_version): VS 2022, a Win10 SDK.
  const base = readFileSync(join(nodeDir, 'include', 'node', 'config.gypi'), 'utf8');
  const config = JSON.parse(base.replace(/#.*/g, '').replace(/'$\s+'/gm, '').replace(/'/g, '"'));
  Object.assign(config.target_defaults ??= {}, { cflags: [], defines: [], include_dirs: [], libraries: [] });
  Object.assign(config.target_defaults, { default_configuration: 'Release', msbuild_toolset: 'v143', msvs_windows_target_platform_version: '10.0.22621.0' });
  Object.assign(config.variables ??= {}, { target_arch: arch, host_arch: 'x64', nodedir: nodeDir, standalone_static_library: 1 });
  writeFileSync(join(out, 'config.gypi'), JSON.stringify(config));
  const args = [
    '-c', PY, join(nodeGyp, 'gyp', 'gyp_main.py'), basename(gypFile), '-f', 'msvs', '-G', 'msvs_version=2022', '-DOS=win',
    '-I', join(out, 'config.gypi'), '-I', join(nodeGyp, 'addon.gypi'), '-I', join(nodeDir, 'include', 'node', 'common.gypi'),
    '-Dlibrary=shared_library', '-Dvisibility=default', `-Dnode_root_dir=${nodeDir}`, `-Dnode_gyp_dir=${nodeGyp}`,
    `-Dnode_lib_file=${join(nodeDir, '$(Configuration)', 'node.lib')}`, `-Dmodule_root_dir=${dirname(gypFile)}`,
    '-Dnode_engine=v8', `-Dtarget_arch=${arch}`, '--depth=.', '--no-parallel', '--generator-output', out, '-Goutput_dir=.',
  ];
  const r = spawnSync(process.env.PYTHON || 'python3', args, {
    cwd: dirname(gypFile), encoding: 'utf8', env: { ...process.env, PYTHONPATH: join(nodeGyp, 'gyp', 'pylib') },
  });
  const project = join(out, 'winops.vcxproj');
  const text = existsSync(project) ? readFileSync(project, 'utf8') : null;
  rmSync(out, { recursive: true, force: true });
  if (r.status !== 0 || !text) throw new Error(`check-msvs: gyp failed for ${nodeDir} ${arch} (exit ${r.status}):\n${r.stdout}${r.stderr}`);
  return text;
}

const tag = (xml, name) => [...xml.matchAll(new RegExp(`<${name}>([\\s\\S]*?)</${name}>`, 'g'))].map((m) => m[1]);
const list = (v, sep) => (v ?? '').replaceAll('&quot;', '"').split(sep).map((s) => s.trim().replace(/^"|"$/g, ''))
  .filter((s) => s && !s.startsWith('%('));

// The problems of one generated project, as strings.
export function checkProject(xml, gyp) {
  const problems = [];
  const groups = [...xml.matchAll(/<ItemDefinitionGroup Condition="[^"]*'([^']+)'">([\s\S]*?)<\/ItemDefinitionGroup>/g)];
  if (groups.length === 0) problems.push('no ItemDefinitionGroup in the project');
  const target = gyp.targets.find((t) => t.target_name === 'winops');
  for (const [, config, body] of groups) {
    const cl = tag(body, 'ClCompile')[0] ?? '';
    const link = tag(body, 'Link')[0] ?? '';
    const one = (name) => tag(cl, name)[0];
    const say = (what) => problems.push(`${config}: ${what}`);
    const defines = list(one('PreprocessorDefinitions'), ';');
    const options = list(one('AdditionalOptions'), /\s+/);
    if (one('ExceptionHandling') !== 'Sync') say(`ExceptionHandling is ${one('ExceptionHandling') ?? 'unset'}, not Sync (/EHsc)`);
    for (const d of ['_HAS_EXCEPTIONS=1', 'NAPI_CPP_EXCEPTIONS', ...(target?.defines ?? [])]) if (!defines.includes(d)) say(`define ${d} missing`);
    for (const d of ['_HAS_EXCEPTIONS=0', 'NODE_ADDON_API_DISABLE_CPP_EXCEPTIONS']) if (defines.includes(d)) say(`define ${d} present`);
    if (one('WarningLevel') !== 'Level4') say(`WarningLevel is ${one('WarningLevel')}, not Level4`);
    if (one('TreatWarningAsError') !== 'true') say('TreatWarningAsError is not true (/WX)');
    if (one('RuntimeTypeInfo') !== 'true') say('RuntimeTypeInfo is not true (/GR, as in the mingw build)');
    const std = options.filter((o) => /^[/-]std:/.test(o));
    if (one('LanguageStandard') !== 'stdcpp17' || std.length) say(`C++ standard: LanguageStandard ${one('LanguageStandard')}, options [${std}] (want stdcpp17 and no -std:)`);
    for (const o of ['/external:anglebrackets', '/external:W0', '/sdl', '/guard:cf', '/Qspectre', '/permissive-', '/utf-8']) {
      if (!options.includes(o)) say(`compiler option ${o} missing`);
    }
    const libs = list(tag(link, 'AdditionalDependencies')[0], ';').map((l) => l.replace(/^.*[\\/]/, '').toLowerCase());
    // ole32/oleaut32/uuid: binding.gyp's libraries, which node-gyp's addon.gypi links for every addon anyway.
    for (const l of ['ole32.lib', 'oleaut32.lib', 'uuid.lib', 'advapi32.lib', 'node.lib']) if (!libs.includes(l)) say(`library ${l} not linked`);
  }
  return problems;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const gyp = JSON.parse(readFileSync(gypFile, 'utf8').split('\n').filter((l) => !/^\s*#/.test(l)).join('\n'));
  const nodeGyp = nodeGypDir();
  const dirs = nodeDirs();
  if (!dirs.length) throw new Error('check-msvs: no Node include folder with common.gypi (see the top of this file)');
  const problems = [];
  const checked = [];
  for (const nodeDir of dirs) {
    const version = readFileSync(join(nodeDir, 'include', 'node', 'node_version.h'), 'utf8').match(/define NODE_MAJOR_VERSION (\d+)/)?.[1];
    for (const arch of ['x64', 'ia32']) {
      for (const p of checkProject(generate(nodeGyp, nodeDir, arch), gyp)) problems.push(`Node ${version} ${arch}: ${p}`);
      checked.push(`Node ${version} ${arch}`);
    }
  }
  if (problems.length) {
    console.error('check-msvs: the MSVS project generated from binding.gyp is not what it should be:\n  ' + problems.join('\n  '));
    process.exit(1);
  }
  console.log(`check-msvs: ${checked.join(', ')}: exceptions on, /W4 /WX, C++17 only, <...> headers external, defines and libraries as expected`);
}
