// The MSVC build from source cannot run here: scripts/check-msvs.mjs generates its Visual Studio project from
// binding.gyp with node-gyp's gyp and Node's common.gypi (offline) and checks the compile options that matter.
// This runs the check on binding.gyp and on copies with one mistake each, which it must catch.
import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, tempDir } from '../cli/helpers';

const CHECK = join(ROOT, 'scripts', 'check-msvs.mjs');
const original = readFileSync(join(ROOT, 'binding.gyp'), 'utf8');
const tmp = tempDir('msvs');
afterAll(() => tmp.cleanup());
// The copies need what binding.gyp's <!(node ...) commands and sources find next to it.
symlinkSync(join(ROOT, 'node_modules'), join(tmp.dir, 'node_modules'));
symlinkSync(join(ROOT, 'native'), join(tmp.dir, 'native'));

function check(gyp?: string): { code: number | null; out: string } {
  const r = spawnSync(process.execPath, gyp ? [CHECK, '--gyp', gyp] : [CHECK], { cwd: ROOT, encoding: 'utf8' });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

let copies = 0;
function mutated(edit: (text: string) => string): string {
  const text = edit(original);
  expect(text, 'the edit changed nothing').not.toBe(original);
  const file = join(tmp.dir, `binding-${++copies}.gyp`);
  writeFileSync(file, text);
  return file;
}

describe('binding.gyp as MSVC sees it (scripts/check-msvs.mjs)', () => {
  it('passes on binding.gyp', () => {
    const r = check();
    expect(r.out).toContain('exceptions on, /W4 /WX, C++17 only');
    expect(r.code).toBe(0);
  });

  it("fails when Node's _HAS_EXCEPTIONS=0 is kept", () => {
    const r = check(mutated((t) => t.replace('"defines!": ["_HAS_EXCEPTIONS=0"],', '')));
    expect(r.code).toBe(1);
    expect(r.out).toContain('Release|x64: define _HAS_EXCEPTIONS=0 present');
  });

  it('fails when exceptions are off (/EH none)', () => {
    const r = check(mutated((t) => t.replace('"ExceptionHandling": 1,', '"ExceptionHandling": 0,')));
    expect(r.code).toBe(1);
    expect(r.out).toContain('ExceptionHandling is false, not Sync');
  });

  it("fails on a second C++ standard (Node's -std: left in, or our own /std:)", () => {
    const r = check(mutated((t) => t.replace('"AdditionalOptions!": ["-std:c++17", "-std:c++20", "/std:c++17", "/std:c++20"],', '')));
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/C\+\+ standard: LanguageStandard stdcpp17, options \[-std:c\+\+(17|20)\]/);
  });

  it('fails without /WX, at /W3, or with node-addon-api at /W4', () => {
    const r = check(mutated((t) => t.replace('"WarnAsError": "true",', '').replace('"WarningLevel": 4,', '"WarningLevel": 3,')
      .replace('"/external:anglebrackets", "/external:W0"', '"/Zc:inline"')));
    expect(r.code).toBe(1);
    expect(r.out).toContain('WarningLevel is Level3, not Level4');
    expect(r.out).toContain('TreatWarningAsError is not true');
    expect(r.out).toContain('compiler option /external:W0 missing');
  });
});
