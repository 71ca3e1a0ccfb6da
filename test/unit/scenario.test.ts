// Issue 12, item 4: a scenario is checked against types/scenario.ts (lib/fake/scenario.ts): an unknown key or a value of
// the wrong type is an error that names the key's path, wherever the scenario comes from.
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveBackend } from '../../lib/backend';
import { createFakeBackend, scenarioFromEnv, validateScenario } from '../../lib/fake/index';
import type { Scenario } from '../../types/scenario';

const make = (s: unknown) => () => createFakeBackend(s as Scenario);

describe('scenario validation: unknown keys', () => {
  it('an unknown key in a step is a TypeError naming its path, the key it may have meant, and the known keys', () => {
    expect(make({ vss: { steps: { doSnapshotSett: { fail: 'VSS_E_PROVIDER_VETO' } } } })).toThrow(TypeError);
    expect(make({ vss: { steps: { doSnapshotSett: {} } } })).toThrow(
      'createFakeBackend: scenario.vss.steps.doSnapshotSett: unknown key (did you mean doSnapshotSet? known: gatherWriterMetadata, gatherWriterStatus, prepareForBackup, doSnapshotSet, backupComplete)',
    );
  });

  it('every section, nested objects and array elements included', () => {
    const cases: [unknown, string][] = [
      [{ vsss: {} }, 'scenario.vsss: unknown key (did you mean vss? known: vss, mi, imapi2, axe)'],
      [{ vss: { volume: ['C:\\'] } }, 'scenario.vss.volume: unknown key (did you mean volumes?'],
      [{ vss: { steps: { doSnapshotSet: { duration: 5 } } } }, 'scenario.vss.steps.doSnapshotSet.duration: unknown key (did you mean durationMs?'],
      [{ vss: { writers: [{ name: 'w', writerId: 'a', instanceId: 'b', extra: 1 }] } }, 'scenario.vss.writers[0].extra: unknown key'],
      [{ vss: { failCall: { doSnapshotSet: 'E_FAIL' } } }, 'scenario.vss.failCall.doSnapshotSet: unknown key'],
      [{ mi: { resultInterval: 5 } }, 'scenario.mi.resultInterval: unknown key (did you mean resultIntervalMs?'],
      [{ mi: { methods: { 'Win32_Process.Create': { returnvalue: 0 } } } }, 'scenario.mi.methods["Win32_Process.Create"].returnvalue: unknown key (did you mean returnValue?'],
      [{ mi: { failAfter: { results: 1, result: 'FAILED', msg: 'x' } } }, 'scenario.mi.failAfter.msg: unknown key'],
      [{ mi: { generated: { G: { count: 1, properties: {}, interval: 3 } } } }, 'scenario.mi.generated.G.interval: unknown key'],
      [{ mi: { indications: { every: 5 } } }, 'scenario.mi.indications.every: unknown key'],
      [{ imapi2: { recorders: [{ id: 'r', media: { blnak: true } }] } }, 'scenario.imapi2.recorders[0].media.blnak: unknown key (did you mean blank?'],
      [{ imapi2: { failAtUpdate: { update: 1, code: 'E_FAIL', when: 2 } } }, 'scenario.imapi2.failAtUpdate.when: unknown key'],
      [{ axe: { manifests: { 'C:\\j.xml': { name: 'J', assessments: [{ name: 'a', honorsCancel: false }] } } } }, 'scenario.axe.manifests["C:\\\\j.xml"].assessments[0].honorsCancel: unknown key (did you mean honoursCancel?'],
      [{ axe: { assessments: { Boot: { name: 'Boot' } } } }, 'scenario.axe.assessments.Boot.name: unknown key'],
      [{ axe: { terminateFailure: 'E_FAIL' } }, 'scenario.axe.terminateFailure: unknown key (did you mean terminateFail?'],
    ];
    for (const [s, message] of cases) {
      let error: unknown;
      try {
        validateScenario(s);
      } catch (e) {
        error = e;
      }
      expect(error, JSON.stringify(s)).toBeInstanceOf(TypeError);
      expect((error as Error).message).toContain(message);
    }
  });

  it('a key that only exists on an object prototype is still unknown', () => {
    expect(() => validateScenario(JSON.parse('{"vss":{"toString":1}}'))).toThrow('scenario.vss.toString: unknown key');
    expect(() => validateScenario(JSON.parse('{"__proto__":{"vss":{}}}'))).toThrow('scenario.__proto__: unknown key');
  });

  it('undefined stands for "not given" (what a JavaScript caller passes for a field it leaves out)', () => {
    expect(make({ vss: undefined, mi: { failAfter: undefined }, imapi2: { successCode: undefined } })().name).toBe('fake');
  });
});

describe('scenario validation: values', () => {
  it('a value of the wrong type is a TypeError, a number out of range a RangeError, each naming the path', () => {
    expect(make({ vss: { steps: { doSnapshotSet: { durationMs: '50' } } } })).toThrow(new TypeError('createFakeBackend: scenario.vss.steps.doSnapshotSet.durationMs: must be a number, got "50"'));
    expect(make({ vss: { steps: { doSnapshotSet: { hold: 'yes' } } } })).toThrow(/scenario\.vss\.steps\.doSnapshotSet\.hold: must be true or false/);
    expect(make({ vss: { volumes: 'C:\\' } })).toThrow(/scenario\.vss\.volumes: must be an array/);
    expect(make({ vss: { steps: [] } })).toThrow(/scenario\.vss\.steps: must be an object, got an array/);
    expect(make({ mi: { classes: { Big: { Id: 1 } } } })).toThrow(/scenario\.mi\.classes\.Big: must be an array/);
    expect(make({ mi: { classes: { Big: [1] } } })).toThrow(/scenario\.mi\.classes\.Big\[0\]: must be an object \(a row/);
    expect(make({ imapi2: { updateIntervalMs: -1 } })).toThrow(RangeError);
    expect(make({ imapi2: { holdUpdates: [0] } })).toThrow(/scenario\.imapi2\.holdUpdates\[0\]: must be a number from 1/);
    expect(make({ mi: { extraResultsAfterCancel: 1.5 } })).toThrow(new RangeError('createFakeBackend: scenario.mi.extraResultsAfterCancel: must be an integer, got 1.5'));
    expect(make({ axe: { available: 'no' } })).toThrow(TypeError);
    expect(make({ mi: { generated: { G: { properties: {} } } } })).toThrow(/scenario\.mi\.generated\.G\.count: missing/);
    expect(make({ axe: { manifests: { j: { name: 'J' } } } })).toThrow(/scenario\.axe\.manifests\.j\.assessments: missing/);
  });

  it('shadow-copy inventory keys: GUIDs, ISO dates, known held calls, the required ids', () => {
    const id = '0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9';
    expect(make({ vss: { shadowCopies: [{ snapshotId: 'x', snapshotSetId: id, volume: 'C:\\' }] } })).toThrow(/scenario\.vss\.shadowCopies\[0\]\.snapshotId: must be a GUID/);
    expect(make({ vss: { shadowCopies: [{ snapshotId: id, snapshotSetId: id, volume: 'C:\\', createdAt: 'yesterday' }] } })).toThrow(/scenario\.vss\.shadowCopies\[0\]\.createdAt: must be a UTC date-time/);
    expect(make({ vss: { shadowCopies: [{ snapshotId: id, snapshotSetId: id }] } })).toThrow(/scenario\.vss\.shadowCopies\[0\]\.volume: missing/);
    expect(make({ vss: { shadowCopies: [{ snapshotId: id, snapshotSetId: id, volume: 'C:\\', atributes: 1 }] } })).toThrow(/shadowCopies\[0\]\.atributes: unknown key \(did you mean attributes\?/);
    expect(make({ vss: { shadowCopies: [{ snapshotId: id, snapshotSetId: id, volume: 'C:\\', createdAt: '2026-01-01T00:00:00+01:00' }] } })).toThrow(/to the second, with Z/);
    expect(make({ vss: { shadowCopies: [{ snapshotId: id, snapshotSetId: id, volume: 'C:\\', attributes: 2 ** 32 }] } })).toThrow(/attributes: must be at most 0xffffffff/);
    expect(make({ vss: { undeletable: { 'not-an-id': 'VSS_E_PROVIDER_VETO' } } })).toThrow(/undeletable\["not-an-id"\] \(the key\): must be a GUID/);
    expect(make({ vss: { holdCalls: ['query'] } })).toThrow(/scenario\.vss\.holdCalls\[0\]: must be one of querySnapshots, deleteSnapshots/);
    expect(make({ vss: { undeletable: { [id]: 'VSS_E_NOPE' } } })).toThrow(/scenario\.vss\.undeletable\[".*"\]: names an unknown code/);
    expect(createFakeBackend({ vss: { shadowCopies: [{ snapshotId: id, snapshotSetId: id, volume: 'C:\\' }], undeletable: { [id]: 'VSS_E_PROVIDER_VETO' }, holdCalls: ['deleteSnapshots'] } }).name).toBe('fake');
  });

  it('codes: a known name or an integer', () => {
    expect(make({ imapi2: { successCode: 'S_IMAPI_NOPE' } })).toThrow(new RangeError('createFakeBackend: scenario.imapi2.successCode: names an unknown code "S_IMAPI_NOPE"'));
    expect(make({ vss: { failCall: { setContext: true } } })).toThrow(/scenario\.vss\.failCall\.setContext: must be a code name or a number/);
    expect(make({ mi: { sessionFail: 'NOT_A_RESULT' } })).toThrow(/scenario\.mi\.sessionFail: names an unknown MI_Result/);
    expect(createFakeBackend({ vss: { failCall: { setContext: 0x80042302 } }, mi: { sessionFail: 'MI_RESULT_ACCESS_DENIED', methods: { 'A.B': { fail: 2 } } } }).name).toBe('fake');
  });
});

describe('scenario validation: where a scenario comes from', () => {
  const dir = mkdtempSync(join(tmpdir(), 'winops-scenario-'));

  it('WINOPS_SCENARIO inline: the message says so', () => {
    expect(() => scenarioFromEnv({ WINOPS_SCENARIO: '{"vss":{"steps":{"doSnapshotSett":{}}}}' })).toThrow(/^WINOPS_SCENARIO: scenario\.vss\.steps\.doSnapshotSett: unknown key/);
  });

  it('WINOPS_SCENARIO naming a file: the message names the file (library and WINOPS_BACKEND=fake alike)', () => {
    const file = join(dir, 'typo.json');
    writeFileSync(file, JSON.stringify({ mi: { classes: { A: [] }, holdFinall: true } }));
    const expected = `WINOPS_SCENARIO (file ${file}): scenario.mi.holdFinall: unknown key (did you mean holdFinal?`;
    expect(() => scenarioFromEnv({ WINOPS_SCENARIO: file })).toThrow(expected);
    expect(() => resolveBackend(undefined, { WINOPS_BACKEND: 'fake', WINOPS_SCENARIO: file }, 'linux')).toThrow(expected);
    writeFileSync(file, JSON.stringify({ mi: { classes: { A: [] } } }));
    expect(scenarioFromEnv({ WINOPS_SCENARIO: file })).toEqual({ mi: { classes: { A: [] } } });
  });

  it('WINOPS_SCENARIO naming a file that is not there: the message names the file, code and path are kept', () => {
    const file = join(dir, 'nofile.json');
    let caught: unknown;
    try {
      scenarioFromEnv({ WINOPS_SCENARIO: file });
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(Error);
    expect((caught as Error).message).toBe(`WINOPS_SCENARIO names the scenario file ${JSON.stringify(file)}, which does not exist`);
    expect(caught).toMatchObject({ code: 'ENOENT', path: file });
    expect(() => scenarioFromEnv({ WINOPS_SCENARIO: dir })).toThrow(/which cannot be read \(EISDIR\)/);
  });

  it('every scenario the docs run (docs/samples/*.json) validates', () => {
    const samples = join(__dirname, '../../docs/samples');
    const files = readdirSync(samples).filter((f) => f.endsWith('.json'));
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) expect(() => validateScenario(JSON.parse(readFileSync(join(samples, f), 'utf8')), f)).not.toThrow();
  });
});
