// winops explain and the fake's scenarios from the command line: output, JSON shapes, and the errors that name the
// argument or the file they are about.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { cliBin, jsonLines, runCli, STACK_LINE, tempDir } from './helpers';

const tmp = tempDir('explain');
const scenario = (name: string, s: object): string => tmp.file(`${name}.json`, JSON.stringify(s));

beforeAll(() => {
  cliBin();
}, 120_000);
afterAll(() => tmp.cleanup());

describe.concurrent('explain', () => {
  it('prints name, family, message and retryable for an HRESULT', async () => {
    const r = await runCli(['explain', '0x80042306']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^0x80042306 {2}VSS_E_PROVIDER_VETO$/m);
    expect(r.stdout).toMatch(/family: +vss/);
    expect(r.stdout).toMatch(/message: +The shadow copy provider had an error/);
    expect(r.stdout).toMatch(/retryable: +yes/);
  });

  it('needs no backend, takes several codes, and has a JSON shape: code is the symbolic name, as in describeHresult()', async () => {
    const r = await runCli(['--json', 'explain', '0x80042306', '-2147024891', '0x80071234', 'MI_RESULT_ACCESS_DENIED']);
    expect(r.code).toBe(0);
    const [a, b, c, d] = jsonLines(r.stdout);
    expect(a).toEqual({
      type: 'code', input: '0x80042306', code: 'VSS_E_PROVIDER_VETO', hresult: '0x80042306', hex: '0x80042306', family: 'vss', message: expect.stringMatching(/^The shadow copy provider had an error/),
      success: false, retryable: true, severity: 1, facility: 4, facilityName: 'FACILITY_ITF', codeField: 0x2306,
    });
    expect(b).toMatchObject({ code: 'E_ACCESSDENIED', hresult: '0x80070005', codeField: 5, win32: 5 });
    expect(c).toMatchObject({ code: null, family: 'unknown', retryable: false, codeField: 0x1234 });
    expect(d).toEqual({ type: 'code', input: 'MI_RESULT_ACCESS_DENIED', code: 'MI_RESULT_ACCESS_DENIED', family: 'mi', hresult: null, miResult: 2, message: expect.any(String), retryable: false });
    for (const x of [a, b, c, d]) expect(x).not.toHaveProperty('name');
    expect(r.stderr).toBe('');
  });

  it('with a bad argument among good ones: explains the good ones, names the bad ones; exit 2', async () => {
    const r = await runCli(['explain', '0x80042306', 'NOT_A_CODE', 'E_ACCESSDENIED', '99999999999']);
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/^0x80042306 {2}VSS_E_PROVIDER_VETO$/m);
    expect(r.stdout).toMatch(/^0x80070005 {2}E_ACCESSDENIED$/m);
    expect(r.stderr).toMatch(/^error: explain: "NOT_A_CODE" is neither a number/m);
    expect(r.stderr).toMatch(/^error: explain: "99999999999" is not a 32-bit value$/m);
    expect(r.stderr).toMatch(/2 of 4 arguments could not be explained/);
    const j = await runCli(['--json', 'explain', 'NOT_A_CODE', '0x80042306']);
    expect(j.code).toBe(2);
    const lines = jsonLines(j.stdout);
    expect(lines.map((l) => l.type)).toEqual(['code', 'error']);
    expect(lines[1]).toMatchObject({ type: 'error', input: 'NOT_A_CODE', code: 'WINOPS_USAGE', exitStatus: 2, message: expect.stringContaining('"NOT_A_CODE"') });
  });
});

describe.concurrent('scenarios', () => {
  it('a scenario file that does not exist: exit 2 naming the file, from --scenario and from WINOPS_SCENARIO alike', async () => {
    const missing = join(tmp.dir, 'nofile.json');
    const a = await runCli(['--scenario', missing, 'recorders']);
    const b = await runCli(['recorders'], { env: { WINOPS_BACKEND: 'fake', WINOPS_SCENARIO: missing } });
    for (const [r, option] of [[a, '--scenario'], [b, 'WINOPS_SCENARIO']] as const) {
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`error: ${option}: cannot read the scenario file ${missing}: no such file`);
      expect(r.stderr).not.toMatch(STACK_LINE);
    }
  });

  it('a scenario that is not valid: exit 2 naming the file and what is wrong', async () => {
    const notJson = tmp.file('not-json.json', '{ vss: ');
    const r1 = await runCli(['--scenario', notJson, 'recorders']);
    expect(r1.code).toBe(2);
    expect(r1.stderr).toContain(`--scenario: the scenario file ${notJson} is not JSON`);
    const badKey = scenario('bad-key', { vsss: {} });
    const r2 = await runCli(['--scenario', badKey, 'recorders']);
    expect(r2.code).toBe(2);
    expect(r2.stderr).toContain(`--scenario: the scenario file ${badKey}: unknown key "vsss" (a Scenario has vss, mi, imapi2, axe)`);
    const badCode = scenario('bad-code', { vss: { steps: { doSnapshotSet: { fail: 'VSS_E_NO_SUCH_THING' } } } });
    for (const r of [await runCli(['--scenario', badCode, 'recorders']), await runCli(['recorders'], { env: { WINOPS_BACKEND: 'fake', WINOPS_SCENARIO: badCode } })]) {
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(new RegExp(`(--scenario|WINOPS_SCENARIO): the scenario file ${badCode.replace(/[.\\]/g, '\\$&')}: scenario\\.vss\\.steps\\.doSnapshotSet\\.fail: names an unknown code "VSS_E_NO_SUCH_THING"`));
    }
    // A key below the families (a typo of doSnapshotSet): the library's validator, the file and the key's path.
    const badNested = scenario('bad-nested', { vss: { steps: { doSnapshotSett: {} } } });
    const r3 = await runCli(['--scenario', badNested, 'snapshot', 'C:\\']);
    expect(r3.code).toBe(2);
    expect(r3.stderr).toContain(`--scenario: the scenario file ${badNested}: scenario.vss.steps.doSnapshotSett: unknown key (did you mean doSnapshotSet?`);
    const inline = await runCli(['recorders'], { env: { WINOPS_BACKEND: 'fake', WINOPS_SCENARIO: '{"vss": [1]}' } });
    expect(inline.code).toBe(2);
    expect(inline.stderr).toContain('WINOPS_SCENARIO: vss must be an object');
  });
});
