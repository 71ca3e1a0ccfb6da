// The CLI's small parts, in process: durations, value parsing, placeholders, explain's input forms, formatting.
import { describe, expect, it, vi } from 'vitest';
import { formatDuration, parseDuration } from '../../lib/cli/duration';
import { parseAssignment, parseValue, splitUser } from '../../lib/cli/commands/mi';
import { shadowEnv, substituteShadows } from '../../lib/cli/commands/snapshot';
import { explain } from '../../lib/cli/commands/explain';
import { splitCommand, exitStatusOf } from '../../lib/cli/main';
import { errorToText, miValueToJson, outcomeToText, toJson } from '../../lib/cli/format';
import { hresultError, BackendUnavailableError } from '../../lib/errors';
import { UsageError } from '../../lib/cli/exit';
import { Interrupts } from '../../lib/cli/interrupt';
import { PassThrough } from 'node:stream';
import { Output } from '../../lib/cli/output';
import { failedWriterWarning, printWriters, writerLine } from '../../lib/cli/commands/vss-writers';
import { toWriterStatus } from '../../lib/vss-writers';

describe('parseDuration', () => {
  it.each([
    ['250ms', 250],
    ['30s', 30_000],
    ['5m', 300_000],
    ['1h', 3_600_000],
    ['1.5s', 1500],
    ['.5s', 500],
    ['100', 100],
    [' 2M ', 120_000],
  ])('%s is %d ms', (text, ms) => expect(parseDuration(text)).toBe(ms));

  it.each(['', 's', '5x', '-1s', '0s', '0', '1e3', '5 minutes', '1d', '25d'])('rejects %j naming the flag', (text) => {
    expect(() => parseDuration(text, '--grace')).toThrow(/--grace/);
  });

  it('formats durations shortly', () => {
    expect([formatDuration(250), formatDuration(1500), formatDuration(300_000), formatDuration(5_400_000)]).toEqual(['250ms', '1.5s', '5m', '1.5h']);
  });
});

describe('method parameters and keys', () => {
  it('parses numbers, big integers, booleans, null, JSON strings and arrays, else text', () => {
    expect(parseValue('42')).toBe(42);
    expect(parseValue('-7')).toBe(-7);
    expect(parseValue('18446744073709551615')).toBe(18446744073709551615n);
    expect(parseValue('1.25')).toBe(1.25);
    expect(parseValue('true')).toBe(true);
    expect(parseValue('null')).toBe(null);
    expect(parseValue('"42"')).toBe('42');
    expect(parseValue('[1,"a"]')).toEqual([1, 'a']);
    expect(parseValue('notepad.exe')).toBe('notepad.exe');
    expect(parseValue('[not json')).toBe('[not json');
    expect(parseValue('C:\\Windows')).toBe('C:\\Windows');
  });

  it('splits Name=Value at the first =', () => {
    expect(parseAssignment('CommandLine=cmd /c set X=1', 'p')).toEqual(['CommandLine', 'cmd /c set X=1']);
    expect(() => parseAssignment('=1', 'a parameter')).toThrow(UsageError);
    expect(() => parseAssignment('Name', '--key')).toThrow(/--key must be Name=Value/);
  });

  it('splits DOMAIN\\user, keeps user@domain whole', () => {
    expect(splitUser('CORP\\alice')).toEqual({ domain: 'CORP', username: 'alice' });
    expect(splitUser('alice@corp.example')).toEqual({ username: 'alice@corp.example' });
  });
});

describe('snapshot command environment', () => {
  const set = {
    id: 'set-1',
    snapshots: [
      { volume: 'C:\\', deviceObject: '\\\\?\\GLOBALROOT\\Device\\HarddiskVolumeShadowCopy1', snapshotId: 'a', originatingMachine: 'm', createdAt: new Date(0) },
      { volume: 'D:\\mount\\', deviceObject: '\\\\?\\GLOBALROOT\\Device\\HarddiskVolumeShadowCopy2', snapshotId: 'b', originatingMachine: 'm', createdAt: new Date(0) },
    ],
  };

  it('names each shadow copy by position and drive letter', () => {
    expect(shadowEnv(set)).toEqual({
      WINOPS_SNAPSHOT_SET_ID: 'set-1',
      WINOPS_SHADOW_1: set.snapshots[0]!.deviceObject,
      WINOPS_SHADOW_C: set.snapshots[0]!.deviceObject,
      WINOPS_SHADOW_2: set.snapshots[1]!.deviceObject,
    });
  });

  it('replaces {shadow:C} placeholders; {shadow} only with one volume; unknown ones stay', () => {
    expect(substituteShadows('{shadow:c}\\Users', set)).toBe(`${set.snapshots[0]!.deviceObject}\\Users`);
    expect(substituteShadows('{shadow:C:}', set)).toBe(set.snapshots[0]!.deviceObject);
    expect(substituteShadows('{shadow}', set)).toBe('{shadow}');
    expect(substituteShadows('{shadow:Z}', set)).toBe('{shadow:Z}');
    expect(substituteShadows('{shadow}', { snapshots: [set.snapshots[0]!] })).toBe(set.snapshots[0]!.deviceObject);
  });

  it('splits the command line at the first --', () => {
    expect(splitCommand(['snapshot', 'C:', '--', 'robocopy', '--', 'x'])).toEqual({ args: ['snapshot', 'C:'], command: ['robocopy', '--', 'x'] });
    expect(splitCommand(['query', 'x'])).toEqual({ args: ['query', 'x'], command: [] });
  });
});

describe('writer status for people', () => {
  // Rows as GetWriterStatusEx returns them (types/backend.ts VssWriterStatusRaw), through the library's toWriterStatus.
  const row = (name: string, state: number, failure: number, app?: { hr: number; message: string }) =>
    toWriterStatus({ name, writerId: 'w', instanceId: `i-${name}`, state, failure, ...(app ? { applicationHr: app.hr, applicationMessage: app.message } : {}) }, 'gatherWriterMetadata');
  const collect = (json = false) => {
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    let out = '';
    let err = '';
    stdout.on('data', (d: Buffer) => (out += d.toString()));
    stderr.on('data', (d: Buffer) => (err += d.toString()));
    return { output: new Output(stdout, stderr, { json, verbose: false, progress: 'none' }), text: () => ({ out, err }) };
  };

  it('a line: name and state; the failure only when not S_OK; the application code and message only when set', () => {
    expect(writerLine(row('System Writer', 1, 0, { hr: 0, message: '' }))).toBe('System Writer\tstable');
    expect(writerLine(row('SQL Writer', 9, 0x800423f2))).toBe('SQL Writer\tfailed-at-freeze\tVSS_E_WRITERERROR_TIMEOUT (0x800423F2)');
    expect(writerLine(row('SQL Writer', 9, 0x800423f2, { hr: 0x80004005, message: 'database offline' }))).toBe(
      'SQL Writer\tfailed-at-freeze\tVSS_E_WRITERERROR_TIMEOUT (0x800423F2)\tapplication E_FAIL (0x80004005): database offline',
    );
    expect(writerLine(row('Odd Writer', 42, 0))).toBe('Odd Writer\tstate-42');
  });

  it('a failed writer (also VSS_WS_UNKNOWN with S_OK) makes the listing exit 1, with the note that status outside a backup may be stale', async () => {
    const c = collect();
    const status = printWriters(c.output, [row('System Writer', 1, 0), row('SQL Writer', 9, 0x800423f2), row('Lost Writer', 0, 0)]);
    await new Promise((r) => setImmediate(r));
    expect(status).toBe(1);
    const { out, err } = c.text();
    expect(out).toBe('System Writer\tstable\nSQL Writer\tfailed-at-freeze\tVSS_E_WRITERERROR_TIMEOUT (0x800423F2)\nLost Writer\tunknown\n');
    expect(err).toContain('(3 writers, 2 failed)');
    expect(err).toContain('winops: 2 writers are failed: SQL Writer, Lost Writer.');
    expect(err).toContain('might reflect conditions that do not indicate failure in the current operation');
  });

  it('healthy writers: exit 0 and no note about failures; --json: writer records only on stdout', async () => {
    const c = collect(true);
    expect(printWriters(c.output, [row('System Writer', 1, 0)])).toBe(0);
    await new Promise((r) => setImmediate(r));
    const { out, err } = c.text();
    expect(out.trim().split('\n').map((l) => JSON.parse(l) as { type: string; name: string })).toEqual([expect.objectContaining({ type: 'writer', name: 'System Writer', state: 'stable' })]);
    expect(err).toBe('');
  });

  it('the warning of a kept set names the writer, the call, the state and the failure', () => {
    const w = toWriterStatus({ name: 'SQL Writer', writerId: 'w', instanceId: 'i', state: 9, failure: 0x800423f2 }, 'doSnapshotSet');
    expect(failedWriterWarning(w)).toBe('winops: warning: writer SQL Writer failed after DoSnapshotSet: failed-at-freeze, VSS_E_WRITERERROR_TIMEOUT (0x800423F2); the shadow copies are not application-consistent for its data');
  });
});

describe('explain input', () => {
  it('reads hex, decimal (int32 and uint32) and names to the same code', () => {
    const forms = ['0x80042306', '0X80042306', '80042306'.replace(/^/, '0x'), '-2147212538', '2147754758', 'VSS_E_PROVIDER_VETO', 'vss_e_provider_veto'];
    for (const f of forms) {
      const e = explain(f);
      expect(e.kind).toBe('hresult');
      if (e.kind === 'hresult') expect(e.d.name).toBe('VSS_E_PROVIDER_VETO');
    }
  });

  it('describes unknown values and MI results, and rejects what is neither', () => {
    const u = explain('0x80071234');
    expect(u.kind === 'hresult' && u.d.family).toBe('unknown');
    expect(explain('MI_RESULT_ACCESS_DENIED')).toMatchObject({ kind: 'mi', value: 2 });
    expect(() => explain('NOT_A_CODE')).toThrow(UsageError);
    expect(() => explain('0x1FFFFFFFF')).toThrow(UsageError);
    expect(() => explain('99999999999')).toThrow(/32-bit/);
  });
});

describe('formatting', () => {
  it('turns bigint, Date and embedded values into JSON', () => {
    expect(miValueToJson(12345678901234567890n)).toBe('12345678901234567890');
    expect(miValueToJson(new Date(Date.UTC(2026, 0, 2)))).toBe('2026-01-02T00:00:00.000Z');
    expect(toJson({ hresult: 0x80042306, n: 1n, skip: undefined })).toEqual({ hresult: '0x80042306', n: '1' });
  });

  it('prints an error as code, hex HRESULT and message, with no stack unless verbose', () => {
    const e = hresultError('vss', 0x80042306, 'IVssBackupComponents::DoSnapshotSet');
    const text = errorToText(e, false);
    expect(text).toMatch(/^error: VSS_E_PROVIDER_VETO \(0x80042306\) \[vss, retryable\]/);
    expect(text).toContain('IVssBackupComponents::DoSnapshotSet failed');
    expect(text).not.toMatch(/\n\s+at /);
    expect(errorToText(e, true)).toMatch(/\n\s+at /);
  });

  it('maps errors to the documented exit statuses', () => {
    expect(exitStatusOf(hresultError('vss', 0x80042306, 'x'))).toBe(1);
    expect(exitStatusOf(new BackendUnavailableError({ family: 'core', code: 'X', hresult: undefined, call: 'c', message: 'm' }))).toBe(3);
    expect(exitStatusOf(new UsageError('u'))).toBe(2);
    expect(exitStatusOf(new RangeError('r'))).toBe(2);
    expect(exitStatusOf(new Error('other'))).toBe(1);
  });

  it('prints an outcome as key=value pairs with hex HRESULTs', () => {
    expect(outcomeToText({ family: 'vss', status: 'cancelled', step: 'doSnapshotSet', hresult: 0, code: 'S_OK', backupAborted: true } as never)).toBe(
      'vss: status=cancelled step=doSnapshotSet hresult=0x00000000 code=S_OK backupAborted=true',
    );
  });
});

describe('Ctrl+C ladder', () => {
  function setup(repeatWindowMs = 0) {
    const listeners: (() => void)[] = [];
    const notes: string[] = [];
    let exited = 0;
    const signals = { on: (_s: 'SIGINT', l: () => void) => listeners.push(l), off: () => undefined };
    const i = new Interrupts(signals, (t) => notes.push(t), () => exited++, { repeatWindowMs });
    i.install();
    return { i, notes, fire: () => listeners.forEach((l) => l()), exits: () => exited };
  }

  it('cancels, then takes the escalation while one is left, then leaves', async () => {
    const { i, fire, exits, notes } = setup();
    const calls: string[] = [];
    let release!: () => void;
    let left = 1;
    const escalation = () => (left > 0 ? { what: 'call Engine::CancelJob now', run: () => (left--, calls.push('escalate')) } : undefined);
    const done = i.within({ cancel: () => calls.push('cancel'), escalation }, () => new Promise<void>((r) => (release = r)));
    fire();
    expect(calls).toEqual(['cancel']);
    expect(notes).toEqual(['winops: Ctrl+C: cancelling', 'winops: press Ctrl+C again to call Engine::CancelJob now']);
    fire();
    expect(calls).toEqual(['cancel', 'escalate']);
    expect(notes.slice(2)).toEqual(['winops: Ctrl+C again: call Engine::CancelJob now', 'winops: still cancelling (press Ctrl+C again to exit at once; cleanup may then be incomplete)']);
    expect(exits()).toBe(0);
    fire();
    expect(exits()).toBe(1);
    release();
    await done;
  });

  it('offers no escalation where nothing escalates: it says what it waits for, and the next Ctrl+C leaves', async () => {
    const { i, fire, notes, exits } = setup();
    let release!: () => void;
    const done = i.within({ cancel: () => undefined, waitingFor: 'VSS' }, () => new Promise<void>((r) => (release = r)));
    fire();
    expect(notes.join('\n')).not.toMatch(/escalat/);
    expect(notes.at(-1)).toMatch(/still cancelling: waiting for VSS \(press Ctrl\+C again to exit at once/);
    expect(exits()).toBe(0);
    fire();
    expect(exits()).toBe(1);
    release();
    await done;
    const other = setup();
    other.fire();
    expect(other.exits()).toBe(1);
  });

  it('takes two SIGINTs in quick succession (a terminal and npm exec both sending one) for one Ctrl+C', async () => {
    vi.useFakeTimers();
    try {
      const { i, fire, notes, exits } = setup(300);
      let cancels = 0;
      let release!: () => void;
      const done = i.within({ cancel: () => cancels++, waitingFor: 'VSS' }, () => new Promise<void>((r) => (release = r)));
      fire();
      fire();
      expect(cancels).toBe(1);
      expect(i.count).toBe(1);
      expect(notes).toEqual(['winops: Ctrl+C: cancelling']);
      vi.advanceTimersByTime(299);
      fire();
      expect(i.count).toBe(1);
      expect(exits()).toBe(0);
      vi.advanceTimersByTime(1);
      // The window is over: the hint says what the next Ctrl+C does, and that one counts.
      expect(notes.at(-1)).toMatch(/press Ctrl\+C again to exit at once/);
      fire();
      expect(i.count).toBe(2);
      expect(exits()).toBe(1);
      release();
      await done;
    } finally {
      vi.useRealTimers();
    }
  });

  it('cancels at once a scope entered after a Ctrl+C', async () => {
    const { i, fire } = setup();
    const outer = i.within({ cancel: () => undefined }, async () => {
      fire();
      let cancelled = false;
      await i.within({ cancel: () => (cancelled = true) }, async () => undefined);
      return cancelled;
    });
    expect(await outer).toBe(true);
  });

  it('stop() (stdout closed) cancels without a word, also the scope that comes next, and counts no Ctrl+C', async () => {
    const { i, notes, exits } = setup();
    let cancels = 0;
    await i.within({ cancel: () => cancels++ }, async () => {
      i.stop();
      await i.within({ cancel: () => cancels++ }, async () => undefined);
    });
    expect(cancels).toBe(2);
    expect(notes).toEqual([]);
    expect(i.interrupted).toBe(false);
    expect(exits()).toBe(0);
  });
});

describe('password prompt', () => {
  async function typed(keys: string[]): Promise<{ value: Promise<string>; shown: () => string; raw: boolean[] }> {
    const { PassThrough } = await import('node:stream');
    const { promptHidden } = await import('../../lib/cli/prompt');
    const raw: boolean[] = [];
    const input = Object.assign(new PassThrough(), { isTTY: true, setRawMode: (m: boolean) => raw.push(m) });
    let shown = '';
    const output = Object.assign(new PassThrough(), { isTTY: true });
    output.on('data', (d: Buffer) => (shown += d.toString()));
    const value = promptHidden('Password for alice: ', input, output);
    for (const k of keys) input.write(k);
    return { value, shown: () => shown, raw };
  }

  it('reads a line in raw mode and echoes nothing of it', async () => {
    const t = await typed(['s3', 'cr', 'x\u007f', 'et\r']);
    await expect(t.value).resolves.toBe('s3cret');
    expect(t.shown()).toBe('Password for alice: \n');
    expect(t.raw).toEqual([true, false]);
  });

  it('Ctrl+C at the prompt is an interrupt, not a password', async () => {
    const t = await typed(['abc\u0003']);
    await expect(t.value).rejects.toThrow(/interrupted at the password prompt/);
    expect(t.shown()).not.toContain('abc');
  });

  it('refuses to prompt without a terminal', async () => {
    const { PassThrough } = await import('node:stream');
    const { promptHidden } = await import('../../lib/cli/prompt');
    await expect(promptHidden('p: ', new PassThrough(), new PassThrough())).rejects.toThrow(/not a terminal/);
  });
});

describe('the bar and notes on a terminal', () => {
  it('wraps notes at word boundaries to the width, breaking only a word longer than the width; keeps short text', async () => {
    const { wrapText } = await import('../../lib/cli/bar');
    expect(wrapText('winops: simulating Windows with the fake backend', 20)).toBe('winops: simulating\nWindows with the\nfake backend');
    expect(wrapText('a'.repeat(25), 10)).toBe('aaaaaaaaaa\naaaaaaaaaa\naaaaa');
    expect(wrapText('short\nlines stay', 20)).toBe('short\nlines stay');
    expect(wrapText('no width known', undefined)).toBe('no width known');
  });

  it('draws the bar in place, writes lines above it, cuts only the bar (to the width less 3), and finishes it with a newline', async () => {
    const { LiveBar, ERASE_LINE } = await import('../../lib/cli/bar');
    const { PassThrough } = await import('node:stream');
    let written = '';
    const stream = Object.assign(new PassThrough(), { isTTY: true, columns: 20 });
    stream.on('data', (d: Buffer) => (written += d.toString()));
    const bar = new LiveBar(stream);
    bar.render('x'.repeat(30), true);
    bar.around(() => stream.write('a note that is long\n'));
    bar.finish();
    expect(written).toBe(`${ERASE_LINE}${'x'.repeat(17)}${ERASE_LINE}a note that is long\n${ERASE_LINE}${'x'.repeat(17)}\n`);
  });

  it('not on a terminal, the bar is a line per new state', async () => {
    const { LiveBar } = await import('../../lib/cli/bar');
    const { PassThrough } = await import('node:stream');
    let written = '';
    const stream = Object.assign(new PassThrough(), { isTTY: false });
    stream.on('data', (d: Buffer) => (written += d.toString()));
    const bar = new LiveBar(stream);
    bar.render('one', true);
    bar.render('one and a bit', false);
    bar.finish();
    expect(written).toBe('one\none and a bit\n');
  });
});
