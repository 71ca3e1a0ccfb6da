#!/usr/bin/env node
// Line coverage of native/** from the gcov data of the instrumented mingw builds (scripts/wine/coverage.sh).
//
//   node scripts/wine/coverage-report.mjs [--uncovered] [--lcov FILE] [--min PCT] BUILD_DIR...
//
// Every .gcno under each BUILD_DIR is read with x86_64-w64-mingw32-gcov-posix's JSON output (gcov -j -t: one JSON
// document per line on stdout); a .gcno without its .gcda (an object never loaded) counts as all zero.
// Builds are merged line by line: a line is executable when any build compiled code for it, covered when
// any build ran it. So a header included by many files, or a file compiled in both builds, counts once.
// Prints one row per file of native/ and the total; --uncovered adds the uncovered line ranges per file;
// --lcov writes an lcov tracefile; --min fails (exit 1) when the total is below PCT.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const nativeDir = join(root, 'native');
// The gcov of the compiler that built the addon (cmake/mingw-w64-x86_64.cmake uses the posix-thread g++).
const GCOV = process.env.WINOPS_GCOV || 'x86_64-w64-mingw32-gcov-posix';

const args = process.argv.slice(2);
let showUncovered = false, lcovPath = null, min = null;
const builds = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--uncovered') showUncovered = true;
  else if (args[i] === '--lcov') lcovPath = resolve(args[++i]);
  else if (args[i] === '--min') min = Number(args[++i]);
  else builds.push(resolve(args[i]));
}
if (builds.length === 0 || (min !== null && !Number.isFinite(min))) {
  console.error('usage: coverage-report.mjs [--uncovered] [--lcov FILE] [--min PCT] BUILD_DIR...');
  process.exit(2);
}

function walk(dir, keep) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...walk(p, keep));
    else if (keep(p)) out.push(p);
  }
  return out.sort();
}

/** file (absolute) -> Map(line -> count), merged over every object of every build. */
const lines = new Map();
const perBuild = [];
for (const build of builds) {
  const notes = walk(build, (p) => p.endsWith('.gcno'));
  if (notes.length === 0) {
    console.error(`no .gcno under ${build}: is it a build with WINOPS_COVERAGE=ON?`);
    process.exit(1);
  }
  const withData = notes.filter((n) => {
    try { return statSync(n.replace(/\.gcno$/, '.gcda')).isFile(); } catch { return false; }
  }).length;
  perBuild.push({ build, objects: notes.length, withData });
  // gcov names a .gcda it cannot open on stderr and reports zeros: that is what an unloaded object is.
  const r = spawnSync(GCOV, ['--json-format', '--stdout', ...notes], { cwd: build, maxBuffer: 1 << 30, encoding: 'utf8' });
  if (r.error || r.status !== 0) {
    console.error(r.stderr || String(r.error));
    console.error(`${GCOV} failed on ${build}`);
    process.exit(1);
  }
  for (const doc of r.stdout.split('\n')) {
    if (!doc.trim()) continue;
    const j = JSON.parse(doc);
    for (const f of j.files) {
      const file = resolve(j.current_working_directory, f.file);
      if (!file.startsWith(nativeDir + '/')) continue;  // node-addon-api, libstdc++, mingw headers
      let m = lines.get(file);
      if (!m) lines.set(file, (m = new Map()));
      for (const l of f.lines) m.set(l.line_number, (m.get(l.line_number) ?? 0) + l.count);
    }
  }
}

const rel = (p) => relative(root, p).replaceAll('\\', '/');
const family = (p) => {
  const parts = rel(p).split('/');
  return parts.length > 2 ? parts[1] : parts[1].replace(/\.\w+$/, '');
};
const pct = (c, t) => (t === 0 ? '   -  ' : `${((100 * c) / t).toFixed(1).padStart(5)}%`);
const ranges = (nums) => {
  const out = [];
  for (const n of nums) {
    const last = out.at(-1);
    if (last && n === last[1] + 1) last[1] = n;
    else out.push([n, n]);
  }
  return out.map(([a, b]) => (a === b ? `${a}` : `${a}-${b}`)).join(' ');
};

const rows = [...lines.entries()].map(([file, m]) => {
  const total = m.size;
  const uncovered = [...m.entries()].filter(([, c]) => c === 0).map(([n]) => n).sort((a, b) => a - b);
  return { file, total, covered: total - uncovered.length, uncovered };
}).filter((r) => r.total > 0).sort((a, b) => rel(a.file).localeCompare(rel(b.file)));

console.log(`native line coverage (gcov, ${builds.length} build${builds.length > 1 ? 's' : ''} merged)`);
for (const b of perBuild) console.log(`  ${rel(b.build)}: ${b.withData}/${b.objects} objects with data`);
console.log('');
const width = Math.max(...rows.map((r) => rel(r.file).length), 20);
console.log(`${'file'.padEnd(width)}   lines  covered      %`);
const families = new Map();
let total = 0, covered = 0;
for (const r of rows) {
  console.log(`${rel(r.file).padEnd(width)} ${String(r.total).padStart(7)} ${String(r.covered).padStart(8)} ${pct(r.covered, r.total)}`);
  if (showUncovered && r.uncovered.length) console.log(`${''.padEnd(width)}   uncovered: ${ranges(r.uncovered)}`);
  const fam = families.get(family(r.file)) ?? { total: 0, covered: 0 };
  fam.total += r.total; fam.covered += r.covered;
  families.set(family(r.file), fam);
  total += r.total; covered += r.covered;
}

// Files of native/ that no build gave any executable line: declarations only, or not compiled here. (An inline
// function that nothing calls is never emitted, so gcov has no line for it, in these files or any other.)
const measured = new Set(rows.map((r) => r.file));
const unmeasured = walk(nativeDir, (p) => /\.(cc|c|h)$/.test(p)).filter((p) => !measured.has(p));
if (unmeasured.length) {
  console.log('');
  console.log('not counted (no code generated for them in these builds: declarations, constants, types, and inline functions');
  console.log('nothing calls, which gcov cannot see):');
  for (const p of unmeasured) console.log(`  ${rel(p)}`);
}

console.log('');
console.log('by family: ' + [...families.entries()].sort(([a], [b]) => a.localeCompare(b))
  .map(([name, f]) => `${name} ${pct(f.covered, f.total).trim()} (${f.covered}/${f.total})`).join(', '));
console.log(`native line coverage: ${pct(covered, total).trim()} (${covered} of ${total} lines)`);

if (lcovPath) {
  const out = [];
  for (const r of rows) {
    out.push('TN:winops-native', `SF:${r.file}`);
    const m = lines.get(r.file);
    for (const n of [...m.keys()].sort((a, b) => a - b)) out.push(`DA:${n},${m.get(n)}`);
    out.push(`LH:${r.covered}`, `LF:${r.total}`, 'end_of_record');
  }
  mkdirSync(dirname(lcovPath), { recursive: true });
  writeFileSync(lcovPath, out.join('\n') + '\n');
  console.log(`lcov: ${rel(lcovPath)}`);
}

if (min !== null && (total === 0 || (100 * covered) / total < min)) {
  console.log(`below the minimum of ${min} %`);
  process.exit(1);
}
