// Counts the contract runs of scripts/wine/contract.sh from vitest's JSON reports and compares them.
//   node scripts/wine/contract-count.mjs <host> <fake.json> <native.json>
// Prints "contract (<host>): fake N passed; native + doubles N passed, N skipped" (plus failures), then the names of
// skipped and failed native tests and of tests that pass on one backend but not the other. Exit 1 when a report is
// missing, a test failed, or the passing sets differ.
import fs from 'node:fs';

const [host, fakePath, nativePath] = process.argv.slice(2);

function load(path) {
  try {
    return JSON.parse(fs.readFileSync(path, 'utf8'));
  } catch (e) {
    return { error: `no report ${path} (${e.code ?? e.message}): the run crashed or hung; see its log` };
  }
}

/** Each test as { key, name, status }: key without the backend's name, so the same test matches across runs. */
function tests(report) {
  const out = [];
  for (const file of report.testResults ?? []) {
    for (const t of file.assertionResults ?? []) {
      const suite = [...t.ancestorTitles].reverse().find((a) => / contract \(/.test(a)) ?? t.ancestorTitles.join(' > ');
      const family = suite.replace(/ \(.*$/, '');
      out.push({ key: `${family} > ${t.title}`, name: [...t.ancestorTitles, t.title].join(' > '), status: t.status });
    }
  }
  return out;
}

const fake = load(fakePath);
const native = load(nativePath);
const lines = [];
let ok = true;
if (fake.error || native.error) {
  lines.push(`contract (${host}): ${fake.error ?? ''}${fake.error && native.error ? '; ' : ''}${native.error ?? ''}`);
  ok = false;
} else {
  const f = tests(fake);
  const n = tests(native);
  const count = (list, s) => list.filter((t) => t.status === s).length;
  const nSkipped = n.filter((t) => t.status === 'skipped' || t.status === 'pending' || t.status === 'todo');
  const nFailed = n.filter((t) => t.status === 'failed');
  const fFailed = f.filter((t) => t.status === 'failed');
  let line = `contract (${host}): fake ${count(f, 'passed')} passed`;
  if (fFailed.length) line += `, ${fFailed.length} failed`;
  line += `; native + doubles ${count(n, 'passed')} passed, ${nSkipped.length} skipped`;
  if (nFailed.length) line += `, ${nFailed.length} failed`;
  lines.push(line);
  for (const t of nSkipped) lines.push(`contract (${host}) skipped: ${t.name}`);
  for (const t of nFailed) lines.push(`contract (${host}) FAILED: ${t.name}`);
  for (const t of fFailed) lines.push(`contract (${host}) FAILED on the fake: ${t.name}`);
  const fPass = new Set(f.filter((t) => t.status === 'passed').map((t) => t.key));
  const nPass = new Set(n.filter((t) => t.status === 'passed').map((t) => t.key));
  const nAll = new Set(n.map((t) => t.key));
  const fAll = new Set(f.map((t) => t.key));
  for (const k of fPass) if (!nPass.has(k) && !nAll.has(k)) { lines.push(`contract (${host}) not in the native run: ${k}`); ok = false; }
  for (const k of nPass) if (!fPass.has(k)) { lines.push(`contract (${host}) passes on native + doubles only: ${k}${fAll.has(k) ? '' : ' (not in the fake run)'}`); ok = false; }
  if (nFailed.length || fFailed.length || f.length === 0 || n.length === 0) ok = false;
}
console.log(lines.join('\n'));
process.exit(ok ? 0 : 1);
