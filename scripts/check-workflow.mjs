#!/usr/bin/env node
// Checks the GitHub Actions workflows, which cannot run in the development sandbox: parses each file with the `yaml`
// package (YAML 1.2, duplicate keys are errors) and checks what a typo would break before a runner ever sees it:
//   - structure: on, jobs, runs-on, steps with exactly one of uses/run, known shells, timeouts;
//   - actions pinned to a major version, with the inputs those actions take;
//   - expressions: balanced ${{ }}, matrix.X defined in the job's matrix, needs.X a job it needs;
//   - needs: existing jobs, no cycle; runners: Windows only;
//   - `npm run X` / `npm test` name scripts package.json has; setup-node versions satisfy engines.node;
//   - what winops' CI must do: one Linux job runs the proving ground (`bash .ci/run`: one build, the Wine suites on
//     it, the pack) and uploads the tarball; the Windows suite (`npm test` elevated with WINOPS_NATIVE_TESTS=1, the
//     native suite, the ADK detected for AXE) unpacks that tarball's prebuild and checks it against its manifest,
//     never the MSVC build; a job installs the tarball with --ignore-scripts and runs doctor; the published artifact
//     is that tarball, after both passed; the MSVC from-source build is x64 only (ia32 and arm64 are not tested, so
//     none of theirs is built or claimed) and uploads prebuilds/ failing when empty.
//
// Usage: node scripts/check-workflow.mjs [workflow.yml ...]   (default: every .github/workflows/*.yml)
// Exit status 0 when every check passes, 1 otherwise (each problem printed as file: message).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseDocument } from 'yaml';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const WORKFLOWS = join(ROOT, '.github', 'workflows');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));

const SHELLS = new Set(['bash', 'pwsh', 'powershell', 'cmd', 'sh', 'python']);
const ACTIONS = {
  'actions/checkout': { min: 4, inputs: ['fetch-depth', 'ref', 'submodules', 'lfs', 'path', 'persist-credentials'] },
  'actions/setup-node': { min: 4, inputs: ['node-version', 'node-version-file', 'architecture', 'cache', 'cache-dependency-path', 'registry-url', 'check-latest'] },
  'actions/upload-artifact': { min: 4, inputs: ['name', 'path', 'if-no-files-found', 'retention-days', 'compression-level', 'overwrite', 'include-hidden-files'], required: ['path'] },
  'actions/download-artifact': { min: 4, inputs: ['name', 'pattern', 'path', 'merge-multiple', 'github-token', 'repository', 'run-id'] },
};
const CONTEXTS = new Set(['github', 'env', 'vars', 'job', 'jobs', 'steps', 'runner', 'secrets', 'strategy', 'matrix', 'needs', 'inputs']);
const JOB_KEYS = new Set(['name', 'needs', 'runs-on', 'timeout-minutes', 'strategy', 'steps', 'env', 'if', 'permissions', 'concurrency', 'defaults', 'outputs', 'environment', 'continue-on-error', 'container', 'services']);
const STEP_KEYS = new Set(['name', 'id', 'uses', 'run', 'with', 'env', 'shell', 'if', 'working-directory', 'continue-on-error', 'timeout-minutes']);

/** Every combination a strategy.matrix produces (axes crossed, then include entries), as plain objects. */
export function matrixCombinations(matrix) {
  if (!matrix || typeof matrix !== 'object') return [{}];
  const axes = Object.entries(matrix).filter(([k]) => k !== 'include' && k !== 'exclude');
  let combos = [{}];
  for (const [key, values] of axes) {
    if (!Array.isArray(values)) continue;
    combos = combos.flatMap((c) => values.map((v) => ({ ...c, [key]: v })));
  }
  if (axes.length === 0) combos = [];
  for (const inc of matrix.include ?? []) combos.push({ ...inc });
  const exclude = matrix.exclude ?? [];
  return combos.filter((c) => !exclude.some((ex) => Object.entries(ex).every(([k, v]) => c[k] === v)));
}

function expressions(text) {
  const out = [];
  const re = /\$\{\{([\s\S]*?)\}\}/g;
  let m;
  while ((m = re.exec(text))) out.push(m[1].trim());
  return out;
}

function strings(value, path = '') {
  if (typeof value === 'string') return [[path, value]];
  if (Array.isArray(value)) return value.flatMap((v, i) => strings(v, `${path}[${i}]`));
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => strings(v, path ? `${path}.${k}` : k));
  return [];
}

function engineMinimum() {
  const m = /^>=\s*(\d+)/.exec(pkg.engines?.node ?? '');
  return m ? Number(m[1]) : 0;
}

/** Checks one parsed workflow; returns problems as strings. */
export function checkWorkflow(wf, file) {
  const problems = [];
  const p = (msg) => problems.push(`${file}: ${msg}`);
  if (!wf || typeof wf !== 'object') return [`${file}: not a YAML mapping`];
  if (typeof wf.name !== 'string') p('has no name');
  if (!wf.on) p("has no 'on' (what starts it)");
  if (!wf.jobs || typeof wf.jobs !== 'object' || Object.keys(wf.jobs).length === 0) {
    p('has no jobs');
    return problems;
  }
  const jobs = wf.jobs;
  const needsOf = (job) => (job.needs === undefined ? [] : Array.isArray(job.needs) ? job.needs : [job.needs]);

  for (const [id, job] of Object.entries(jobs)) {
    const where = `job ${id}`;
    if (!job || typeof job !== 'object') {
      p(`${where} is not a mapping`);
      continue;
    }
    for (const k of Object.keys(job)) if (!JOB_KEYS.has(k)) p(`${where} has an unknown key '${k}'`);
    for (const n of needsOf(job)) if (!(n in jobs)) p(`${where} needs '${n}', which is not a job`);
    if (typeof job['timeout-minutes'] !== 'number') p(`${where} has no timeout-minutes`);
    const combos = matrixCombinations(job.strategy?.matrix);
    const matrixKeys = new Set(combos.flatMap((c) => Object.keys(c)));

    // Expressions anywhere in the job.
    for (const [path, text] of strings(job)) {
      const opens = text.split('${{').length - 1;
      const closes = text.split('}}').length - 1;
      if (opens !== closes) p(`${where} ${path}: unbalanced \${{ }}`);
      for (const expr of expressions(text)) {
        for (const m of expr.matchAll(/\b([a-z_]+)\.([A-Za-z0-9_-]+)/g)) {
          const [, ctx, key] = m;
          if (/^['"]/.test(expr.slice(Math.max(0, m.index - 1), m.index))) continue;
          if (!CONTEXTS.has(ctx)) continue;
          if (ctx === 'matrix' && !matrixKeys.has(key)) p(`${where} ${path}: matrix.${key} is not in the job's matrix`);
          if (ctx === 'needs' && !needsOf(job).includes(key)) p(`${where} ${path}: needs.${key} is not a job it needs`);
        }
        const first = /^([a-z_]+)[.(]/.exec(expr)?.[1];
        if (first && !CONTEXTS.has(first) && !['contains', 'startsWith', 'endsWith', 'format', 'join', 'toJSON', 'fromJSON', 'hashFiles', 'success', 'always', 'cancelled', 'failure'].includes(first)) {
          p(`${where} ${path}: unknown context or function '${first}' in \${{ ${expr} }}`);
        }
      }
    }

    // Runners: Windows only (this project's CI is the Windows workflow).
    const runsOn = job['runs-on'];
    if (runsOn === undefined) p(`${where} has no runs-on`);
    else {
      const runners = typeof runsOn === 'string' && /^\$\{\{\s*matrix\.([\w-]+)\s*\}\}$/.test(runsOn)
        ? combos.map((c) => c[/matrix\.([\w-]+)/.exec(runsOn)[1]])
        : [runsOn];
      if (runners.length === 0) p(`${where}: runs-on uses a matrix that has no combinations`);
      // The one exception: the job that runs the proving ground (.ci/run: mingw-w64 and Wine) runs on Linux.
      const proving = Array.isArray(job.steps) && job.steps.some((st) => typeof st?.run === 'string' && /\bbash \.ci\/run\b/.test(st.run));
      for (const r of runners) {
        const ok = typeof r === 'string' && (proving ? /^ubuntu-/.test(r) : /^windows-/.test(r));
        if (!ok) p(`${where} runs on ${JSON.stringify(r)}, not ${proving ? 'a Linux runner (it runs .ci/run)' : 'a Windows runner'}`);
      }
    }

    if (!Array.isArray(job.steps) || job.steps.length === 0) {
      p(`${where} has no steps`);
      continue;
    }
    job.steps.forEach((step, i) => {
      const at = `${where} step ${i + 1}${step?.name ? ` (${step.name})` : ''}`;
      if (!step || typeof step !== 'object') {
        p(`${at} is not a mapping`);
        return;
      }
      for (const k of Object.keys(step)) if (!STEP_KEYS.has(k)) p(`${at} has an unknown key '${k}'`);
      const hasUses = typeof step.uses === 'string';
      const hasRun = typeof step.run === 'string';
      if (hasUses === hasRun) p(`${at} must have exactly one of uses and run`);
      if (step.shell !== undefined && !SHELLS.has(step.shell)) p(`${at}: unknown shell '${step.shell}'`);
      if (hasUses) {
        const m = /^([\w.-]+\/[\w.-]+)@(.+)$/.exec(step.uses);
        if (!m) p(`${at}: '${step.uses}' is not owner/repo@ref`);
        else {
          const [, action, ref] = m;
          const known = ACTIONS[action];
          if (/^(main|master|HEAD)$/.test(ref)) p(`${at}: ${action} is not pinned (@${ref})`);
          if (known) {
            const major = /^v(\d+)/.exec(ref);
            if (!major || Number(major[1]) < known.min) p(`${at}: ${action}@${ref} is older than v${known.min}`);
            for (const k of Object.keys(step.with ?? {})) if (!known.inputs.includes(k)) p(`${at}: ${action} has no input '${k}'`);
            for (const k of known.required ?? []) if (step.with?.[k] === undefined) p(`${at}: ${action} needs '${k}'`);
            if (action === 'actions/upload-artifact' && step.with?.['if-no-files-found'] !== undefined && !['warn', 'error', 'ignore'].includes(step.with['if-no-files-found'])) {
              p(`${at}: if-no-files-found must be warn, error or ignore`);
            }
            if (action === 'actions/setup-node') {
              const raw = step.with?.['node-version'];
              const versions = typeof raw === 'string' && /matrix\.([\w-]+)/.test(raw) ? combos.map((c) => c[/matrix\.([\w-]+)/.exec(raw)[1]]) : [raw];
              for (const v of versions) {
                const major = Number(String(v).split('.')[0]);
                if (!Number.isFinite(major)) p(`${at}: node-version ${JSON.stringify(v)} is not a version`);
                else if (major < engineMinimum()) p(`${at}: node ${v} is below engines.node (${pkg.engines.node})`);
              }
            }
          }
        }
      }
      if (hasRun) {
        for (const m of step.run.matchAll(/\bnpm run(?:-script)? ([\w:.-]+)/g)) if (!pkg.scripts?.[m[1]]) p(`${at}: npm run ${m[1]}: package.json has no such script`);
        if (/\bnpm test\b/.test(step.run) && !pkg.scripts?.test) p(`${at}: npm test: package.json has no test script`);
        const powershell = /\$env:|\bGet-ChildItem\b|\bWrite-Host\b|\$LASTEXITCODE|\bOut-File\b/.test(step.run);
        if (powershell && step.shell !== undefined && !['pwsh', 'powershell'].includes(step.shell)) p(`${at}: PowerShell in a '${step.shell}' step`);
        if (powershell && step.shell === undefined) p(`${at}: PowerShell without 'shell: pwsh' (say which shell it is)`);
        for (const m of step.run.matchAll(/\b((?:bin|scripts|test)\/[\w./*-]+\.(?:js|mjs|ts))\b/g)) {
          const ref = m[1];
          if (ref.includes('*')) {
            const dir = join(ROOT, dirname(ref));
            const re = new RegExp(`^${basename(ref).replace(/\./g, '\\.').replace(/\*/g, '.*')}$`);
            if (!existsSync(dir) || !readdirSync(dir).some((f) => re.test(f))) p(`${at}: ${ref} matches no file`);
          } else if (!existsSync(join(ROOT, ref))) p(`${at}: ${ref} does not exist`);
        }
      }
    });
  }

  // needs: no cycles.
  const state = new Map();
  const visit = (id, trail) => {
    if (state.get(id) === 'done') return;
    if (state.get(id) === 'active') {
      p(`needs form a cycle: ${[...trail, id].join(' -> ')}`);
      return;
    }
    state.set(id, 'active');
    for (const n of needsOf(jobs[id] ?? {})) if (n in jobs) visit(n, [...trail, id]);
    state.set(id, 'done');
  };
  for (const id of Object.keys(jobs)) visit(id, []);
  return problems;
}

/** What winops' Windows CI must do, across the workflows given. */
export function checkRequirements(workflows) {
  const problems = [];
  const all = workflows.flatMap(({ wf, file }) => Object.entries(wf?.jobs ?? {}).map(([id, job]) => ({ id, job: job ?? {}, file })));
  const steps = (job) => (Array.isArray(job.steps) ? job.steps : []);
  const runs = (job) => steps(job).map((s) => (typeof s?.run === 'string' ? s.run : '')).join('\n');
  const uses = (job, action) => steps(job).filter((s) => typeof s?.uses === 'string' && s.uses.startsWith(`${action}@`));

  const uploadsOf = (job) => uses(job, 'actions/upload-artifact');
  const downloadsOf = (job) => uses(job, 'actions/download-artifact');
  const needsOfJob = (job) => (job.needs === undefined ? [] : [].concat(job.needs));
  // The proving ground: one job runs .ci/run (the one build, the Wine suites on it, the pack) and uploads the tarball.
  const proven = all.find(({ job }) => /\bbash \.ci\/run\b/.test(runs(job)));
  let tarball;
  if (!proven) problems.push('no job runs the proving ground (bash .ci/run): the Windows jobs must test the bytes it proved');
  else {
    const up = uploadsOf(proven.job).find((s) => /\.cache\/pack\/\*\.tgz/.test(String(s.with?.path ?? '')));
    if (!up) problems.push(`${proven.file}: job ${proven.id} does not upload the tarball (.cache/pack/*.tgz) as an artifact`);
    else {
      tarball = up.with?.name;
      if (typeof tarball !== 'string') problems.push(`${proven.file}: job ${proven.id} uploads the tarball without a name`);
      if (up.with?.['if-no-files-found'] !== 'error') problems.push(`${proven.file}: job ${proven.id} uploads the tarball without if-no-files-found: error`);
    }
  }
  const takesTarball = (job) => tarball !== undefined && downloadsOf(job).some((s) => s.with?.name === tarball);
  // From source: prebuildify (MSVC) for x64 only, loaded and kept as an artifact, never tested as the shipped bytes.
  const prebuild = all.find(({ job }) => /\bnpm run prebuildify\b|\bprebuildify\b/.test(runs(job)));
  const builtByMsvc = new Set();
  if (!prebuild) problems.push('no job builds from source with prebuildify (MSVC), for from-source users');
  else {
    const archs = new Set(matrixCombinations(prebuild.job.strategy?.matrix).map((c) => c.arch));
    if (!archs.has('x64')) problems.push(`${prebuild.file}: job ${prebuild.id} builds no prebuild for x64`);
    for (const a of archs) if (a !== 'x64') problems.push(`${prebuild.file}: job ${prebuild.id} builds a prebuild for ${a}, which nothing tests (not shipped, not claimed: docs/install.md)`);
    if (!/--arch\s+\$\{\{\s*matrix\.arch\s*\}\}/.test(runs(prebuild.job))) problems.push(`${prebuild.file}: job ${prebuild.id} does not pass --arch from the matrix to prebuildify`);
    const up = uploadsOf(prebuild.job).find((s) => String(s.with?.path ?? '').replace(/\/$/, '') === 'prebuilds');
    if (!up) problems.push(`${prebuild.file}: job ${prebuild.id} does not upload prebuilds/ as an artifact`);
    else {
      if (up.with?.['if-no-files-found'] !== 'error') problems.push(`${prebuild.file}: job ${prebuild.id} uploads prebuilds/ without if-no-files-found: error`);
      builtByMsvc.add(String(up.with?.name ?? '').replace(/\$\{\{[^}]*\}\}/g, ''));
    }
  }
  // A job takes the MSVC build when it needs that job or downloads its artifact (by name or by a pattern's prefix).
  const takesMsvc = (job) => prebuild !== undefined && (needsOfJob(job).includes(prebuild.id) ||
    downloadsOf(job).some((s) => {
      const wanted = String(s.with?.name ?? s.with?.pattern ?? '').replace(/\*.*$/, '');
      return wanted !== '' && [...builtByMsvc].some((n) => n !== '' && (n.startsWith(wanted) || wanted.startsWith(n)));
    }));
  const suite = all.find(({ job }) => steps(job).some((s) => typeof s?.run === 'string' && /\bnpm test\b/.test(s.run) && String(s.env?.WINOPS_NATIVE_TESTS) === '1'));
  if (!suite) problems.push('no job runs `npm test` with WINOPS_NATIVE_TESTS=1 (the real-Windows tests)');
  else {
    const where = `${suite.file}: job ${suite.id}`;
    if (proven && !needsOfJob(suite.job).includes(proven.id)) problems.push(`${where} does not need ${proven.id} (it must test the proven bytes)`);
    if (!takesTarball(suite.job)) problems.push(`${where} does not download the proven tarball`);
    if (takesMsvc(suite.job)) problems.push(`${where} tests the MSVC build instead of the proven bytes`);
    if (!/package\/prebuilds/.test(runs(suite.job)) || !/scripts\/prebuild\.mjs check\b/.test(runs(suite.job))) problems.push(`${where} does not unpack the tarball's prebuild into prebuilds/ and check it against its manifest`);
    const order = steps(suite.job).map((s) => (typeof s?.uses === 'string' && s.uses.startsWith('actions/download-artifact@') ? 'download' : typeof s?.run === 'string' && /\bnpm test\b/.test(s.run) ? 'test' : ''));
    if (order.indexOf('download') < 0 || order.indexOf('download') > order.indexOf('test')) problems.push(`${where} runs the tests before it downloads the proven tarball`);
    if (!/IsInRole\(\[Security\.Principal\.WindowsBuiltInRole\]::Administrator\)/.test(runs(suite.job))) problems.push(`${where} does not check that it runs elevated (VSS needs an administrator)`);
    if (!/WINOPS_ADK=1/.test(runs(suite.job)) || !/GITHUB_ENV/.test(runs(suite.job))) problems.push(`${where} does not detect the ADK (WINOPS_ADK in GITHUB_ENV) for the AXE tests`);
    if (!/test\/native\//.test(runs(suite.job))) problems.push(`${where} does not run the native addon suite (test/native)`);
  }
  const installer = all.find(({ job }) => takesTarball(job) && /\bnpm install\b[^\n]*--ignore-scripts/.test(runs(job)));
  if (!installer) problems.push('no job installs the proven tarball with npm install --ignore-scripts (as a user whose install scripts never run)');
  else if (!/\bwinops\b[^\n]*\bdoctor\b/.test(runs(installer.job))) problems.push(`${installer.file}: job ${installer.id} does not run winops doctor from the installed package`);
  const publisher = all.find(({ job }) => uploadsOf(job).some((s) => s.with?.name === 'winops-package'));
  if (!publisher) problems.push("no job publishes the tested tarball as an artifact named 'winops-package'");
  else {
    const where = `${publisher.file}: job ${publisher.id}`;
    if (!takesTarball(publisher.job)) problems.push(`${where} publishes something other than the proven tarball`);
    for (const j of [suite, installer]) if (j && !needsOfJob(publisher.job).includes(j.id)) problems.push(`${where} does not need ${j.id} (it would publish untested bytes)`);
  }
  return problems;
}

function main(argv) {
  const files = argv.length > 0 ? argv.map((f) => resolve(f)) : readdirSync(WORKFLOWS).filter((f) => /\.ya?ml$/.test(f)).map((f) => join(WORKFLOWS, f));
  const problems = [];
  const parsed = [];
  for (const path of files) {
    const file = relative(process.cwd(), path) || path;
    let text;
    try {
      text = readFileSync(path, 'utf8');
    } catch (e) {
      problems.push(`${file}: cannot read (${e.message})`);
      continue;
    }
    const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: true });
    for (const e of doc.errors) problems.push(`${file}: YAML: ${e.message}`);
    for (const w of doc.warnings) problems.push(`${file}: YAML warning: ${w.message}`);
    if (doc.errors.length > 0) continue;
    const wf = doc.toJS();
    problems.push(...checkWorkflow(wf, file));
    parsed.push({ wf, file });
  }
  if (parsed.length > 0) problems.push(...checkRequirements(parsed));
  if (problems.length > 0) {
    for (const x of problems) console.error(`check-workflow: ${x}`);
    console.error(`check-workflow: ${problems.length} problem${problems.length === 1 ? '' : 's'}`);
    return 1;
  }
  const jobs = parsed.reduce((n, { wf }) => n + Object.keys(wf.jobs).length, 0);
  const steps = parsed.reduce((n, { wf }) => n + Object.values(wf.jobs).reduce((m, j) => m + j.steps.length, 0), 0);
  console.log(`check-workflow: ${parsed.map((x) => x.file).join(', ')}: ok (${jobs} jobs, ${steps} steps)`);
  return 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) process.exit(main(process.argv.slice(2)));
