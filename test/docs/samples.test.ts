// The doc test (issue 12): every fenced js sample of README.md and docs/*.md runs as written on the fake, on this
// Node and on Node 22 (fetched by .ci/run: `node scripts/doc-samples.mjs --fetch-node`); every claim of what a
// sample prints holds; every ts sample type-checks against the package's types; every quoted test is still quoted
// word for word. The machinery is scripts/doc-samples.mjs (also a CLI); the tests of that machinery come first, so a
// checker that cannot fail is caught here.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { checkExcerpt, extractSamples, node22Path, NODE22_VERSION, runJsSample, typecheckTsSamples, type Sample } from '../../scripts/doc-samples.mjs';

const samples = extractSamples();
const js = samples.filter((s) => s.lang === 'js' && !s.excerpt);
const nodes: { label: string; path: string | undefined }[] = [
  { label: `this Node (${process.version})`, path: process.execPath },
  { label: `Node ${NODE22_VERSION}`, path: node22Path() },
];
const major = (bin: string): number => Number(/^v(\d+)/.exec(execFileSync(bin, ['--version'], { encoding: 'utf8' }))![1]);
const where = (s: Sample): string => `${s.file}:${s.line}`;
const fakeSample = (code: string, extra: Partial<Sample> = {}): Sample => ({ file: 'TEST.md', line: 1, lang: 'js', code, ...extra });

describe('the doc test machinery', () => {
  it('finds the samples of README.md and docs/*.md', () => {
    expect(js.length).toBeGreaterThanOrEqual(10);
    expect(samples.some((s) => s.lang === 'ts' && !s.excerpt)).toBe(true);
  });

  it('a sample that throws, and one that never ends, fail', async () => {
    expect((await runJsSample(fakeSample("throw new Error('no');\n"))).ok).toBe(false);
    const hang = await runJsSample(fakeSample('setInterval(() => {}, 1000);\n'), { deadlineMs: 1_500 });
    expect(hang).toMatchObject({ ok: false, why: 'did not end within 1500 ms' });
  });

  it('a claim of what a sample prints is checked: a wrong value, a property the claim does not show, a missing element fail; "..." allows more', async () => {
    const run = (claim: string) => runJsSample(fakeSample(`console.log({ a: 1, b: [1, 2], c: { d: 'x' } }); // ${claim}\n`));
    expect((await run("{ a: 1, b: [1, 2], c: { d: 'x' } }")).ok).toBe(true);
    expect((await run("{ a: 1, ... }")).ok).toBe(true);
    expect((await run("{ a: 1, b: [1, ...], c: { ... } }")).ok).toBe(true);
    const wrong = await run("{ a: 2, ... }");
    expect(wrong.ok).toBe(false);
    expect(wrong.stderr).toContain("claim TEST.md:2: { a: 2, ... } does not hold: value.a: 1, the claim says 2");
    expect((await run("{ a: 1, b: [1, 2] }")).stderr).toContain('has c that the claim does not show');
    expect((await run("{ a: 1, b: [1, 2, 3], ... }")).ok).toBe(false);
    expect((await run("{ a: 1, b: [1], ... }")).ok).toBe(false);
  });

  it('a scenario directive reaches the sample as WINOPS_SCENARIO, and files are made first', async () => {
    const r = await runJsSample(fakeSample("const fs = require('node:fs');\nconsole.log(process.env.WINOPS_BACKEND, process.env.WINOPS_SCENARIO, fs.statSync('x.bin').size);\n", {
      scenario: 'docs/samples/mi-slow.json', files: [{ name: 'x.bin', size: 3000 }],
    }));
    expect(r.ok).toBe(true);
    expect(r.stdout).toMatch(/^fake \S+docs\/samples\/mi-slow\.json 3000\n$/);
  });

  it('an excerpt that is no longer in the file it quotes fails, naming the first line that is not', () => {
    const s: Sample = { file: 'TEST.md', line: 9, lang: 'ts', code: "const x = 1;\nconst never = 'in that file';\n", excerpt: 'scripts/doc-samples.mjs' };
    expect(checkExcerpt(s)).toMatch(/is not a quote of scripts\/doc-samples\.mjs: its first 0 line\(s\) stand there, then "const x = 1;"/);
  });
});

for (const node of nodes) {
  describe(`README and docs samples on ${node.label}`, () => {
    if (node.path === undefined) {
      // CI fetches it before npm test; elsewhere the run says how to get it (and CI=true makes its absence a failure).
      const why = `Node ${NODE22_VERSION} not fetched (node scripts/doc-samples.mjs --fetch-node)`;
      const ci = process.env.CI === 'true';
      it.runIf(ci)(`is present (${why})`, () => expect.fail(why));
      it.skipIf(ci)(`skipped: ${why}`, () => {});
      return;
    }
    const bin = node.path;
    it('is the Node it says', () => expect(major(bin)).toBe(bin === process.execPath ? major(process.execPath) : 22));
    for (const s of js) {
      it(`${where(s)} runs as written${s.scenario ? ` (scenario ${s.scenario})` : ''}`, async () => {
        const r = await runJsSample(s, { node: bin });
        expect(r.ok, `${where(s)} ${r.why}\n${r.stdout}${r.stderr}`).toBe(true);
      }, 40_000);
    }
  });
}

describe('README and docs: TypeScript samples and quotes', () => {
  it('every ts sample type-checks (strict, nodenext) against the package', () => {
    const r = typecheckTsSamples(samples);
    expect(r.output).toBe('');
    expect(r.ok).toBe(true);
  }, 60_000);
  for (const s of samples.filter((x) => x.excerpt)) {
    it(`${where(s)} is still a quote of ${s.excerpt}`, () => expect(checkExcerpt(s)).toBeUndefined());
  }
});
