import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { AbortError, ImapiError, type WriteProgress } from '../../lib/index';
import { held, settle, type BackendFactory } from './harness';

const image = (sectors: number): Uint8Array => new Uint8Array(sectors * 2048);
const FAST = { updateIntervalMs: 3, sectorsPerUpdate: 64 };

export function imapiContract(name: string, make: BackendFactory): void {
  describe(`IMAPI2 contract (${name})`, () => {
    it('lists recorders with their media state', async () => {
      const { winops } = await make({});
      const rs = await winops.imapi2.listRecorders();
      expect(rs).toHaveLength(1);
      expect(rs[0]!.media).toMatchObject({ present: true, blank: true, physicalType: 'DVDPLUSR' });
      expect(rs[0]!.volumePaths).toEqual(['E:\\']);
    });

    it('burns an image with Update progress (LBAs, buffers, action) and resolves S_OK', async () => {
      const { winops, inspect } = await make({ imapi2: FAST });
      const progress: WriteProgress[] = [];
      const r = await winops.imapi2.burn(image(256), { onProgress: (p) => progress.push(p) });
      expect(r).toMatchObject({ hresult: 0, code: 'S_OK', sectors: 256, warning: undefined });
      expect(progress.length).toBeGreaterThanOrEqual(4);
      const last = progress[progress.length - 1]!;
      expect(last.action).toBe('completed');
      expect(last.percent).toBe(100);
      expect(last.lastWrittenLba).toBe(255);
      for (const p of progress) expect(p.totalSystemBuffer).toBe(p.usedSystemBuffer + p.freeSystemBuffer);
      expect(inspect.openHandles()).toEqual([]);
    });

    it('cancel: CancelWrite only inside Update, retried while S_IMAPI_WRITE_NOT_IN_PROGRESS, then a cancel (not a failure)', async () => {
      // Update 2 is held until the cancel has been requested, so the first CancelWrite is made inside Update 2 (then
      // 3, then 4, where the write has begun) whatever the machine's speed.
      const { winops, inspect } = await make({ imapi2: { ...FAST, notInProgressUpdates: 3, holdUpdates: [2] } });
      const op = winops.imapi2.burn(image(100_000));
      await held(inspect, 'imapi2:update:2');
      const cancelled = op.cancel();
      inspect.release('imapi2:update:2');
      const outcome = await cancelled;
      expect(outcome).toEqual({ family: 'imapi2', status: 'cancelled', attempts: 3, notInProgress: 2, hresult: 0xc0aa0002, code: 'E_IMAPI_REQUEST_CANCELLED' });
      const r = await settle(op);
      expect(r.ok).toBe(false);
      if (r.ok) return;
      expect(r.error).toBeInstanceOf(AbortError);
      expect(r.error).not.toBeInstanceOf(ImapiError);
      expect(r.error.outcome).toBe(outcome);
      const cancels = inspect.calls().filter((c) => c.call.endsWith('::CancelWrite'));
      expect(cancels.map((c) => c.result)).toEqual(['S_IMAPI_WRITE_NOT_IN_PROGRESS', 'S_IMAPI_WRITE_NOT_IN_PROGRESS', 'S_OK']);
      for (const c of cancels) expect(c.detail).toBe('inside Update');
      expect(inspect.openHandles()).toEqual([]);
      expect(inspect.violations()).toEqual([]);
    });

    it('a TimeoutError abort (what options.timeout does) cancels the write; the write keeps going until CancelWrite takes', async () => {
      // The abort lands while Update 2 is held, i.e. once the recorder was chosen and the write runs (test/unit/timeout.test.ts
      // runs options.timeout itself on fake time).
      const { winops, inspect } = await make({ imapi2: { ...FAST, cancelLatencyUpdates: 2, holdUpdates: [2] } });
      const ac = new AbortController();
      const op = winops.imapi2.burn(image(100_000), { signal: ac.signal });
      await held(inspect, 'imapi2:update:2');
      ac.abort(new DOMException('The operation timed out.', 'TimeoutError'));
      inspect.release('imapi2:update:2');
      const r = await settle(op);
      expect(r.ok).toBe(false);
      if (r.ok) return;
      expect(r.error.cause.name).toBe('TimeoutError');
      expect(r.error.outcome.status).toBe('cancelled');
    });

    it('cancel before start, cancel twice, cancel after finish', async () => {
      const { winops, inspect } = await make({ imapi2: FAST });
      const early = await settle(winops.imapi2.burn(image(16), { signal: AbortSignal.abort() }));
      expect(!early.ok && early.error.outcome.status).toBe('not-started');
      expect(inspect.calls().filter((c) => c.call === 'IDiscFormat2Data::Write')).toHaveLength(0);

      const op = winops.imapi2.burn(image(100_000));
      const [a, b] = await Promise.all([op.cancel(), op.cancel()]);
      expect(a).toBe(b);
      // cancelled while the recorder was still being chosen: no write call was made
      expect(a.status).toBe('not-started');
      let go: (() => void) | undefined;
      const progressing = new Promise<void>((r) => (go = r));
      const running = winops.imapi2.burn(image(100_000), { onProgress: () => go?.() });
      await progressing;
      const [c, d] = await Promise.all([settle(running), running.cancel(), running.cancel()]);
      expect(!c.ok && c.error.outcome).toBe(d);
      expect(d.status).toBe('cancelled');

      const done = winops.imapi2.burn(image(16));
      await done;
      expect(await done.cancel()).toMatchObject({ status: 'already-finished', hresult: 0 });
    });

    it('abort racing completion: an abort in the last Update resolves normally as already-finished', async () => {
      const { winops } = await make({ imapi2: FAST });
      const ac = new AbortController();
      const op = winops.imapi2.burn(image(64), { signal: ac.signal, onProgress: (p) => { if (p.action === 'completed') ac.abort(); } });
      const r = await op;
      expect(r.code).toBe('S_OK');
      expect(await op.cancel()).toMatchObject({ status: 'already-finished' });
    });

    it('a write failure is an ImapiError, and cancel() afterwards rejects with it', async () => {
      const { winops } = await make({ imapi2: { ...FAST, failAtUpdate: { update: 2, code: 'E_IMAPI_LOSS_OF_STREAMING' } } });
      const op = winops.imapi2.burn(image(10_000));
      const r = await settle(op);
      expect(r.ok).toBe(false);
      if (r.ok) return;
      expect(r.error).toBeInstanceOf(ImapiError);
      expect(r.error).toMatchObject({ code: 'E_IMAPI_LOSS_OF_STREAMING', hresult: 0xc0aa0300, call: 'IDiscFormat2Data::Write' });
      await expect(op.cancel()).rejects.toBe(r.error);
    });

    it('media and image checks give the documented codes', async () => {
      const { winops } = await make({ imapi2: { ...FAST, recorders: [{ id: 'r1', volumePaths: ['E:\\'], media: { blank: false } }] } });
      await expect(winops.imapi2.burn(image(4))).rejects.toMatchObject({ code: 'E_IMAPI_DF2DATA_MEDIA_NOT_BLANK' });
      expect((await winops.imapi2.burn(image(4), { forceOverwrite: true })).code).toBe('S_OK');
      // Not a multiple of 2048: refused before anything starts (RangeError), as are a stream and a file of that size.
      expect(() => winops.imapi2.burn(new Uint8Array(1000), { forceOverwrite: true })).toThrow(RangeError);
      expect(() => winops.imapi2.burn(new Uint8Array(1000), { forceOverwrite: true })).toThrow(/image is 1000 bytes, not a multiple of the 2048-byte sector/);
      expect(() => winops.imapi2.burn({ stream: Readable.from([]), size: 2049 })).toThrow(/image\.size is 2049 bytes/);
      expect(() => winops.imapi2.burn(new Uint8Array(0))).toThrow(RangeError);
      const dir = mkdtempSync(join(tmpdir(), 'winops-imapi2-'));
      const odd = join(dir, 'odd.iso');
      writeFileSync(odd, new Uint8Array(2048 * 3 + 1));
      const oddBurn = await settle(winops.imapi2.burn(odd, { forceOverwrite: true }));
      rmSync(dir, { recursive: true, force: true });
      expect(oddBurn.ok).toBe(false);
      if (!oddBurn.ok) {
        expect(oddBurn.error).toBeInstanceOf(RangeError);
        expect(String(oddBurn.error.message)).toMatch(/6145 bytes, not a multiple/);
      }
      await expect(winops.imapi2.burn(image(4), { recorder: 'Z:\\' })).rejects.toMatchObject({ code: 'E_IMAPI_RECORDER_REQUIRED' });
      const none = await make({ imapi2: { recorders: [{ id: 'r1', media: { present: false } }] } });
      await expect(none.winops.imapi2.burn(image(4))).rejects.toMatchObject({ code: 'E_IMAPI_RECORDER_MEDIA_NO_MEDIA' });
    });

    it('a success code such as S_IMAPI_SPEEDADJUSTED resolves with a warning', async () => {
      const { winops } = await make({ imapi2: { ...FAST, successCode: 'S_IMAPI_SPEEDADJUSTED' } });
      const r = await winops.imapi2.burn(image(8));
      expect(r).toMatchObject({ hresult: 0x00aa0004, code: 'S_IMAPI_SPEEDADJUSTED' });
      expect(r.warning).toMatch(/speed/i);
    });

    it('writeSection writes raw sectors from a stream with progress', async () => {
      const { winops, inspect } = await make({ imapi2: FAST });
      const chunks = Array.from({ length: 32 }, () => Buffer.alloc(4096, 7));
      const progress: WriteProgress[] = [];
      const r = await winops.imapi2.writeSection({ stream: Readable.from(chunks), size: 32 * 4096 }, { recorder: 'E:\\', startLba: 1000, sectorCount: 64, onProgress: (p) => progress.push(p) });
      expect(r.code).toBe('S_OK');
      expect(progress[0]!.startLba).toBe(1000);
      expect(progress[progress.length - 1]!.lastWrittenLba).toBe(1063);
      expect(inspect.calls().some((c) => c.call === 'IWriteEngine2::WriteSection')).toBe(true);
    });

    it('a stream shorter than its declared size fails the write instead of burning garbage', async () => {
      const { winops } = await make({ imapi2: FAST });
      const r = await settle(winops.imapi2.burn({ stream: Readable.from([Buffer.alloc(2048)]), size: 2048 * 200 }));
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error).toBeInstanceOf(ImapiError);
    });

    it('rejects bad arguments with TypeError/RangeError naming them', async () => {
      const { winops } = await make({});
      const i = winops.imapi2;
      expect(() => i.burn(5 as never)).toThrow(/image/);
      expect(() => i.burn('')).toThrow(TypeError);
      expect(() => i.burn('a\0b')).toThrow(/NUL/);
      expect(() => i.burn({ stream: Readable.from([]), size: -1 })).toThrow(/size/);
      expect(() => i.burn(image(1), { onProgress: 'x' as never })).toThrow(/onProgress/);
      expect(() => i.burn(image(1), { timeout: 0 })).toThrow(RangeError);
      expect(() => i.writeSection(image(1), undefined as never)).toThrow(/options/);
      expect(() => i.writeSection(image(1), { recorder: 'E:', startLba: 0.5, sectorCount: 1 })).toThrow(/startLba/);
      expect(() => i.writeSection(image(1), { recorder: 'E:', startLba: 0, sectorCount: 0 })).toThrow(/sectorCount/);
    });

    it('client names follow the IOCTL_CDROM_EXCLUSIVE_ACCESS caller name rule: at most 63 of A-Z a-z 0-9 space . , : ; - _', async () => {
      const { winops } = await make({ imapi2: FAST });
      const i = winops.imapi2;
      const ok = 'A'.repeat(63);
      expect((await i.burn(image(4), { clientName: ok })).code).toBe('S_OK');
      expect((await i.burn(image(4), { clientName: 'My App 2.0, disc: 1; part-a_b' })).code).toBe('S_OK');
      expect(() => i.burn(image(4), { clientName: 'A'.repeat(64) })).toThrow(TypeError);
      expect(() => i.burn(image(4), { clientName: 'A'.repeat(64) })).toThrow(/options\.clientName must be at most 63 characters/);
      for (const bad of ['winops/1', 'naïve', 'a\tb', 'x!', '(x)', 'a\0b']) {
        expect(() => i.burn(image(4), { clientName: bad })).toThrow(TypeError);
        expect(() => i.burn(image(4), { clientName: bad })).toThrow(/options\.clientName may only contain/);
      }
      expect(() => i.burn(image(4), { clientName: '' })).toThrow(/options\.clientName must be a non-empty string/);
      expect(() => i.writeSection(image(1), { recorder: 'E:', startLba: 0, sectorCount: 1, clientName: 'bad/name' })).toThrow(/options\.clientName/);
    });

    it('burn sets the verification level through IBurnVerification before Write; a stream gets none and refuses quick/full', async () => {
      const { winops, inspect } = await make({ imapi2: FAST });
      const levels = (): unknown[] => inspect.calls().filter((c) => c.call === 'IBurnVerification::put_BurnVerificationLevel').map((c) => c.detail);
      await winops.imapi2.burn(image(4));
      await winops.imapi2.burn(image(4), { verification: 'full' });
      await winops.imapi2.burn(image(4), { verification: 'none' });
      await winops.imapi2.burn({ stream: Readable.from([Buffer.alloc(4 * 2048)]), size: 4 * 2048 });
      expect(levels()).toEqual(['quick', 'full', 'none', 'none']);
      expect(() => winops.imapi2.burn({ stream: Readable.from([]), size: 2048 }, { verification: 'quick' })).toThrow(RangeError);
      expect(() => winops.imapi2.burn(image(4), { verification: 'fast' as never })).toThrow(/options\.verification/);
    });

    it('a recorder whose getter fails is listed with its error; the others are unaffected', async () => {
      const { winops } = await make({ imapi2: { recorders: [
        { id: 'r1', volumePaths: ['E:\\'], productRevisionFails: 'E_FAIL' },
        { id: 'r2', volumePaths: ['F:\\'] },
      ] } });
      const rs = await winops.imapi2.listRecorders();
      expect(rs.map((r) => r.id)).toEqual(['r1', 'r2']);
      expect(rs[0]!.error).toBeInstanceOf(ImapiError);
      expect(rs[0]!.error).toMatchObject({ code: 'E_FAIL', hresult: 0x80004005, call: 'IDiscRecorder2::get_ProductRevision' });
      expect(rs[0]!.media.present).toBe(false);
      expect(rs[1]!.error).toBeUndefined();
      expect(rs[1]!.media.present).toBe(true);
      // The default recorder is the only one with media: r2.
      expect((await winops.imapi2.burn(image(4))).code).toBe('S_OK');
    });
  });
}
