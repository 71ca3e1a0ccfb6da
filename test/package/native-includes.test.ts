// Include what you use, as the Windows SDK's headers would have it (issue 11): scripts/check-includes.mjs on the
// real native/, and on copies with one mistake each, which it must catch. The SDK's vsbackup.h includes neither
// vss.h nor vswriter.h (mingw's includes both), so only this check, not the mingw build, sees these mistakes.
import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, tempDir } from '../cli/helpers';

const CHECK = join(ROOT, 'scripts', 'check-includes.mjs');
const tmp = tempDir('includes');
afterAll(() => tmp.cleanup());

function check(nativeDir?: string): { code: number | null; out: string } {
  const args = nativeDir ? [CHECK, '--native', nativeDir] : [CHECK];
  const r = spawnSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8' });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

let copies = 0;
function mutated(file: string, edit: (text: string) => string): string {
  const dir = join(tmp.dir, `native-${++copies}`);
  cpSync(join(ROOT, 'native'), dir, { recursive: true });
  const before = readFileSync(join(dir, file), 'utf8');
  const after = edit(before);
  expect(after, `the edit of ${file} changed nothing`).not.toBe(before);
  writeFileSync(join(dir, file), after);
  return dir;
}

describe('native includes (scripts/check-includes.mjs)', () => {
  it('passes on native/', () => {
    const r = check();
    expect(r.out).toContain('every native file includes');
    expect(r.code).toBe(0);
  });

  it('fails when #include <vswriter.h> is removed', () => {
    const r = check(mutated('vss/vss_api.h', (t) => t.replace('#include <vswriter.h>\n', '')));
    expect(r.code).toBe(1);
    expect(r.out).toContain('vss/writers.cc: uses VSS_USAGE_TYPE (declared by the SDK\'s vswriter.h) but does not include vswriter.h');
    expect(r.out).toContain('vss/vss_api.h: includes vsbackup.h, which needs vswriter.h before it');
  });

  it('fails when vswriter.h comes after vsbackup.h', () => {
    const r = check(mutated('vss/vss_api.h', (t) => t.replace('#include <vswriter.h>\n#include <vsbackup.h>\n', '#include <vsbackup.h>\n#include <vswriter.h>\n')));
    expect(r.code).toBe(1);
    expect(r.out).toContain('vss/vss_api.h: includes vsbackup.h, which needs vswriter.h before it');
  });

  it('fails when a file uses an SDK interface without the header (through no header of ours either)', () => {
    const r = check(mutated('vss/probe.cc', (t) => t.replace('#include "vss/vss_api.h"', '#include "common/win.h"')));
    expect(r.code).toBe(1);
    expect(r.out).toContain('vss/probe.cc: uses IVssBackupComponents (declared by the SDK\'s vsbackup.h) but does not include vsbackup.h');
  });
});
