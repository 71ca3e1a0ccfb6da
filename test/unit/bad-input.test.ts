/**
 * Every public function against a table of hostile values. Each call must end in one of:
 * a TypeError/RangeError whose message names the argument, a typed Windows error (WinopsError), an AbortError, or a
 * success for values that are odd but valid. Never another error, never a crash.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AbortError, createWinops, describeHresult, WinopsError, wql } from '../../lib/index';
import { createFakeBackend } from '../../lib/fake/index';

const HOSTILE: [string, unknown][] = [
  ['undefined', undefined],
  ['null', null],
  ['NaN', Number.NaN],
  ['-1', -1],
  ['huge number', 1e300],
  ['Infinity', Infinity],
  ['empty string', ''],
  ['1 MB string', 'x'.repeat(1 << 20)],
  ['string with NUL', 'C:\\\0evil'],
  ['unpaired surrogate', 'a\uD800b'],
  ['non-BMP', 'C:\\😀'],
  ['object', { toString: () => 'C:\\' }],
  ['array', ['C:\\']],
  ['function', () => 'C:\\'],
  ['symbol', Symbol('s')],
  ['bigint', 10n],
  ['WQL injection', "x' OR 1=1 --"],
  ['path that does not exist', 'Q:\\no\\such\\thing'],
];

const HOSTILE_OPTIONS: [string, unknown][] = [
  ['null', null],
  ['string', 'fast'],
  ['timeout NaN', { timeout: Number.NaN }],
  ['timeout negative', { timeout: -5 }],
  ['timeout huge', { timeout: 2 ** 40 }],
  ['timeout string', { timeout: '5m' }],
  ['signal not a signal', { signal: { aborted: true } }],
  ['signal already aborted', { signal: AbortSignal.abort('early') }],
];

type Verdict = 'named' | 'typed' | 'aborted' | 'ok';

async function verdict(call: () => unknown, argName: string): Promise<Verdict> {
  let result: unknown;
  try {
    result = call();
    if (result && typeof (result as PromiseLike<unknown>).then === 'function') {
      result = await result;
      if (result && typeof result === 'object' && Symbol.asyncIterator in result) {
        for await (const _ of result as AsyncIterable<unknown>) break;
      }
    } else if (result && typeof result === 'object' && Symbol.asyncIterator in result) {
      for await (const _ of result as AsyncIterable<unknown>) break;
    }
    const closer = result as { close?: () => unknown } | undefined;
    if (closer && typeof closer.close === 'function') await closer.close();
    return 'ok';
  } catch (e) {
    if (e instanceof TypeError || e instanceof RangeError) {
      expect(e.message, `${argName}: ${e.message}`).toContain(argName);
      return 'named';
    }
    if (e instanceof AbortError) return 'aborted';
    expect(e, `${argName}: ${String(e)}`).toBeInstanceOf(WinopsError);
    return 'typed';
  }
}

function winops() {
  const fake = createFakeBackend({ vss: { steps: { gatherWriterMetadata: { durationMs: 1 }, prepareForBackup: { durationMs: 1 }, doSnapshotSet: { durationMs: 1 } } }, imapi2: { updateIntervalMs: 1, sectorsPerUpdate: 1 << 20 } });
  return { fake, w: createWinops({ backend: fake }) };
}

describe('bad input never crashes and always names the argument or the Windows error', () => {
  it('vss.createSnapshotSet', async () => {
    const { fake, w } = winops();
    for (const [, v] of HOSTILE) await verdict(() => w.vss.createSnapshotSet(v as never), 'volumes');
    for (const [, v] of HOSTILE) await verdict(() => w.vss.createSnapshotSet([v] as never), 'volumes[0]');
    for (const [, o] of HOSTILE_OPTIONS) await verdict(() => w.vss.createSnapshotSet('C:\\', o as never), 'options');
    expect(await verdict(() => w.vss.createSnapshotSet('Q:\\no\\such\\thing'), 'volumes')).toBe('typed');
    expect(fake.openHandles()).toEqual([]);
  });

  it('VssBackupComponents and VssAsync', async () => {
    const { w } = winops();
    const c = await w.vss.createBackupComponents();
    for (const [, v] of HOSTILE) await verdict(() => c.addToSnapshotSet(v as never), 'volume');
    for (const [, v] of HOSTILE) await verdict(() => c.setContext(v as never), 'context');
    for (const [, v] of HOSTILE) await verdict(() => c.getSnapshotProperties(v as never), 'snapshotId');
    for (const [, v] of HOSTILE) await verdict(() => c.deleteSnapshotSet(v as never), 'snapshotSetId');
    expect(await verdict(() => c.deleteSnapshotSet('not-a-guid'), 'snapshotSetId')).toBe('named');
    await c.initializeForBackup();
    const a = await c.gatherWriterMetadata();
    for (const [, o] of HOSTILE_OPTIONS.slice(0, 6)) await verdict(() => a.wait(o as never), 'options');
    await a.wait();
    await a.release();
    await c.release();
  });

  it('mi.openSession and every session operation', async () => {
    const { fake, w } = winops();
    for (const [, v] of HOSTILE) await verdict(() => w.mi.openSession({ computer: v } as never), 'computer');
    for (const [, v] of HOSTILE) await verdict(() => w.mi.openSession({ namespace: v } as never), 'namespace');
    for (const [, v] of HOSTILE) await verdict(() => w.mi.openSession({ protocol: v } as never), 'protocol');
    for (const [, v] of HOSTILE) await verdict(() => w.mi.openSession({ credentials: v } as never), 'credentials');
    for (const [, v] of HOSTILE) await verdict(() => w.mi.openSession({ credentials: { username: v, password: 'p' } } as never), 'username');
    for (const [, o] of HOSTILE_OPTIONS) await verdict(() => w.mi.openSession(o as never), 'options');
    const s = await w.mi.openSession();
    for (const [, v] of HOSTILE) await verdict(() => s.query(v as never), 'query');
    for (const [, v] of HOSTILE) await verdict(() => s.subscribe(v as never), 'query');
    for (const [, v] of HOSTILE) await verdict(() => s.enumerate(v as never), 'className');
    for (const [, v] of HOSTILE) await verdict(() => s.get('Win32_Service', v as never), 'keys');
    for (const [, v] of HOSTILE) await verdict(() => s.get('Win32_Service', { Name: v } as never), 'keys');
    for (const [, v] of HOSTILE) await verdict(() => s.invoke('Win32_Process', v as never), 'methodName');
    for (const [, v] of HOSTILE) await verdict(() => s.invoke('Win32_Process', 'Create', { CommandLine: v } as never), 'parameters');
    for (const [, o] of HOSTILE_OPTIONS) await verdict(() => s.query('SELECT * FROM Win32_Process', o as never), 'options');
    for (const [, v] of HOSTILE) await verdict(() => s.query('SELECT * FROM Win32_Process', { highWaterMark: v } as never), 'highWaterMark');
    expect(await verdict(() => s.query("SELECT * FROM Win32_Process WHERE Name = 'x' OR 1=1 --").toArray(), 'query')).toBe('typed');
    await s.close();
    expect(fake.openHandles()).toEqual([]);
  });

  it('wql values', async () => {
    for (const [name, v] of HOSTILE) {
      const r = await verdict(() => wql`SELECT * FROM X WHERE A = ${v}`, 'value #1');
      if (name === 'WQL injection') expect(r).toBe('ok');
    }
  });

  it('imapi2.burn and writeSection', async () => {
    const { fake, w } = winops();
    for (const [, v] of HOSTILE) await verdict(() => w.imapi2.burn(v as never), 'image');
    for (const [, o] of HOSTILE_OPTIONS) await verdict(() => w.imapi2.burn(new Uint8Array(2048), o as never), 'options');
    for (const [, v] of HOSTILE) await verdict(() => w.imapi2.burn(new Uint8Array(2048), { recorder: v } as never), 'recorder');
    for (const [, v] of HOSTILE) await verdict(() => w.imapi2.writeSection(new Uint8Array(2048), { recorder: 'E:', startLba: v, sectorCount: 1 } as never), 'startLba');
    for (const [, v] of HOSTILE) await verdict(() => w.imapi2.writeSection(new Uint8Array(2048), { recorder: 'E:', startLba: 0, sectorCount: v } as never), 'sectorCount');
    expect(fake.openHandles()).toEqual([]);
  });

  it('axe.loadJob and job.run, including a manifest path that is a directory', async () => {
    const { fake, w } = winops();
    for (const [, v] of HOSTILE) await verdict(() => w.axe.loadJob(v as never), 'manifestPath');
    expect(await verdict(() => w.axe.loadJob(mkdtempSync(join(tmpdir(), 'winops-dir-'))), 'manifestPath')).toBe('typed');
    const fake2 = createFakeBackend({ axe: { manifests: { j: { name: 'J', assessments: [{ name: 'a', durationMs: 1 }] } } } });
    const job = await createWinops({ backend: fake2 }).axe.loadJob('j');
    for (const [, o] of HOSTILE_OPTIONS) await verdict(() => job.run(o as never), 'options');
    for (const [, v] of HOSTILE) await verdict(() => job.run({ grace: v } as never), 'grace');
    for (const [, v] of HOSTILE) await verdict(() => job.run({ escalation: v } as never), 'escalation');
    await job.close();
    expect(fake.openHandles()).toEqual([]);
    expect(fake2.openHandles()).toEqual([]);
  });

  it('describeHresult', async () => {
    for (const [, v] of HOSTILE) await verdict(() => describeHresult(v as never), 'hr');
  });
});
