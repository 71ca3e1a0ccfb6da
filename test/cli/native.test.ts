// The winops command on the real Windows APIs. Runs only on Windows with WINOPS_NATIVE_TESTS=1 (the Windows
// workflow sets it, on runners where the job is elevated); skipped everywhere else. It uses the repo's
// bin/winops.js and dist/ (built by `npm test`), whose native backend loads the prebuild from prebuilds/.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { jsonLines, ROOT, runCli, STACK_LINE } from './helpers';

const enabled = process.platform === 'win32' && process.env.WINOPS_NATIVE_TESTS === '1';
const BIN = join(ROOT, 'bin', 'winops.js');
const NATIVE = ['--backend', 'native'];
const opts = { bin: BIN, timeoutMs: 170_000 };
const systemVolume = `${(process.env.SystemDrive ?? 'C:').replace(/\\$/, '')}\\`;

async function shadowCopyIds(): Promise<string[]> {
  const r = await runCli([...NATIVE, '--json', 'query', 'SELECT ID FROM Win32_ShadowCopy'], opts);
  expect(r.code, r.stderr).toBe(0);
  return jsonLines(r.stdout)
    .filter((l) => l.type === 'instance')
    .map((l) => String((l.properties as { ID: unknown }).ID));
}

describe.runIf(enabled)('the winops command on the real Windows APIs (runs only on Windows with WINOPS_NATIVE_TESTS=1)', () => {
  it('MI: Win32_OperatingSystem', async () => {
    const r = await runCli([...NATIVE, '--json', 'query', 'SELECT Caption, Version, BuildNumber FROM Win32_OperatingSystem'], opts);
    expect(r.code, r.stderr).toBe(0);
    const [os, end] = jsonLines(r.stdout);
    expect(os).toMatchObject({ type: 'instance', class: 'Win32_OperatingSystem', properties: { Caption: expect.stringMatching(/Windows/), Version: expect.stringMatching(/^10\.0\.\d+$/) } });
    expect(end).toEqual({ type: 'end', count: 1 });
    expect(r.stderr).not.toMatch(/simulating/);
  }, 180_000);

  it('MI: an invalid class is MI_RESULT_INVALID_CLASS with its HRESULT, exit 1', async () => {
    const r = await runCli([...NATIVE, 'query', 'SELECT * FROM Win32_NoSuchClassForWinops'], opts);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: MI_RESULT_INVALID_CLASS \(0x80041010\)/m);
    expect(r.stderr).not.toMatch(STACK_LINE);
  }, 180_000);

  it('VSS: the system volume is shadow-copied while a command runs, and nothing is left afterwards', async () => {
    const before = await shadowCopyIds();
    const script = 'const fs = require("fs"); const entries = fs.readdirSync(process.env.WINOPS_SHADOW_1 + "\\\\"); console.log("entries " + entries.length)';
    const r = await runCli([...NATIVE, 'snapshot', systemVolume, '--timeout', '2m', '--', process.execPath, '-e', script], opts);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/\\\\\?\\GLOBALROOT\\Device\\HarddiskVolumeShadowCopy\d+/);
    expect(r.stdout).toMatch(/entries [1-9]\d*/);
    expect(r.stderr).toMatch(/released/);
    expect(await shadowCopyIds()).toEqual(before);
  }, 180_000);

  it('VSS: a --timeout that runs out cancels through the library and leaves no shadow copy: exit 124', async () => {
    const before = await shadowCopyIds();
    const r = await runCli([...NATIVE, '--json', 'snapshot', systemVolume, '--timeout', '50ms'], opts);
    expect(r.code, r.stderr).toBe(124);
    expect(jsonLines(r.stdout).at(-1)).toMatchObject({ type: 'cancelled', reason: 'timeout', outcome: { family: 'vss', status: expect.stringMatching(/cancelled/) } });
    expect(await shadowCopyIds()).toEqual(before);
  }, 180_000);

  it('IMAPI2: listing the recorders succeeds, or fails with a code and an HRESULT (runners have no drives)', async () => {
    const r = await runCli([...NATIVE, '--json', 'recorders'], opts);
    if (r.code === 0) {
      for (const rec of jsonLines(r.stdout)) expect(rec).toMatchObject({ type: 'recorder', id: expect.any(String) });
    } else {
      expect(r.code).toBe(1);
      expect(jsonLines(r.stdout)[0]).toMatchObject({ type: 'error', family: 'imapi2', hresult: expect.stringMatching(/^0x[0-9A-F]{8}$/) });
    }
  }, 180_000);

  it('AXE: where the build has AXE and the ADK is installed a missing manifest is a Windows error (exit 1); else exit 3', async () => {
    // The prebuild has AXE only when it was built with the ADK's AxeHosting.h (WINOPS_AXE_SDK).
    const { createWinops } = await import('../../lib/index');
    const availability = createWinops({ backend: 'native' }).axe.availability();
    const r = await runCli([...NATIVE, 'assess', join(ROOT, 'no-such-job-manifest.xml')], opts);
    if (availability.available) {
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).toMatch(/^error: \S+ \(0x[0-9A-F]{8}\)/m);
    } else {
      expect(r.code, r.stderr).toBe(3);
      expect(r.stderr).toMatch(/WINOPS_AXE_UNAVAILABLE/);
      expect(r.stderr).toContain(availability.reason.split('\n')[0]!.slice(0, 40));
    }
  }, 180_000);
});
