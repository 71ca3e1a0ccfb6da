#!/usr/bin/env node
// Fails when binding.gyp (MSVC via node-gyp) and CMakeLists.txt (mingw) would compile different
// sources, defines, or when a native/**/*.cc file is in neither list.
// The mingw-only host binding (WINOPS_MINGW_SOURCES) is node-gyp's own win_delay_load_hook in the gyp build.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const rel = (p) => p.replaceAll('\\', '/');

function cmakeList(text, name) {
  const m = text.match(new RegExp(`set\\(\\s*${name}\\s+([^)]*)\\)`));
  if (!m) throw new Error(`CMakeLists.txt: no set(${name} ...)`);
  return m[1].split('\n').map((l) => l.replace(/#.*/, '').trim()).join(' ').split(/\s+/).filter(Boolean);
}

function cmakeDefines(text) {
  const m = text.match(/target_compile_definitions\(\s*winops_objects\s+PRIVATE\s+([^)]*)\)/);
  if (!m) throw new Error('CMakeLists.txt: no target_compile_definitions(winops_objects PRIVATE ...)');
  return m[1].split(/\s+/).filter(Boolean);
}

// binding.gyp is a Python literal; ours is written as JSON plus '#' comment lines.
function readGyp(text) {
  const json = text.split('\n').filter((l) => !/^\s*#/.test(l)).join('\n');
  return JSON.parse(json);
}

function walk(dir) {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

const cmake = readFileSync(join(root, 'CMakeLists.txt'), 'utf8');
const gyp = readGyp(readFileSync(join(root, 'binding.gyp'), 'utf8'));
const target = gyp.targets.find((t) => t.target_name === 'winops');
if (!target) throw new Error('binding.gyp: no target "winops"');

const errors = [];
const shared = cmakeList(cmake, 'WINOPS_SOURCES');
const mingwOnly = cmakeList(cmake, 'WINOPS_MINGW_SOURCES');
const gypSources = target.sources;
const diff = (a, b) => a.filter((x) => !b.includes(x));
for (const s of diff(shared, gypSources)) errors.push(`in CMakeLists.txt WINOPS_SOURCES, not in binding.gyp: ${s}`);
for (const s of diff(gypSources, shared)) errors.push(`in binding.gyp, not in CMakeLists.txt WINOPS_SOURCES: ${s}`);

const gypDefines = target.defines ?? [];
const cmDefines = cmakeDefines(cmake);
for (const d of diff(cmDefines, gypDefines)) errors.push(`define in CMakeLists.txt, not in binding.gyp: ${d}`);
for (const d of diff(gypDefines, cmDefines)) errors.push(`define in binding.gyp, not in CMakeLists.txt: ${d}`);

// AXE: one of two source sets, chosen by WINOPS_AXE_SDK (CMake) / winops_axe_sdk (gyp condition).
const axeReal = cmakeList(cmake, 'WINOPS_AXE_SOURCES');
const axeUnavailable = cmakeList(cmake, 'WINOPS_AXE_UNAVAILABLE_SOURCES');
const axeCond = (target.conditions ?? []).find((c) => Array.isArray(c) && typeof c[0] === 'string' && c[0].includes('winops_axe_sdk'));
if (!axeCond) errors.push('binding.gyp: no winops_axe_sdk condition (the AXE source choice)');
else {
  const [, without, withSdk] = axeCond;
  const same = (a, b) => diff(a, b).length === 0 && diff(b, a).length === 0;
  if (!same(without?.sources ?? [], axeUnavailable)) errors.push('binding.gyp winops_axe_sdk=="" sources differ from CMakeLists.txt WINOPS_AXE_UNAVAILABLE_SOURCES');
  if (!same(withSdk?.sources ?? [], axeReal)) errors.push('binding.gyp winops_axe_sdk sources differ from CMakeLists.txt WINOPS_AXE_SOURCES');
}

const onDisk = walk(join(root, 'native')).map((p) => rel(relative(root, p))).filter((p) => /\.(cc|cpp|c)$/.test(p));
const listed = [...shared, ...mingwOnly, ...axeReal, ...axeUnavailable];
for (const f of diff(onDisk, listed)) errors.push(`not compiled by either build: ${f}`);
for (const f of diff(listed, onDisk)) errors.push(`listed but missing on disk: ${f}`);

if (errors.length) {
  console.error('check-sources: binding.gyp and CMakeLists.txt disagree:\n  ' + errors.join('\n  '));
  process.exit(1);
}
console.log(`check-sources: ${shared.length} shared sources, ${cmDefines.length} defines, identical in binding.gyp and CMakeLists.txt`);
