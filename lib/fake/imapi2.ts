import { stat, open } from 'node:fs/promises';
import type { Handle, ImapiBackend, ImapiSource, ImapiUpdate, ImapiWriteRequest, ImapiWriteSink, RecorderInfo } from '../../types/backend';
import type { ImapiScenario } from '../../types/scenario';
import { FakeCore, hresultOf, rawError, resolveCode } from './core';

const S_OK = 0;
const S_IMAPI_WRITE_NOT_IN_PROGRESS = 0x00aa0302;
const E_IMAPI_REQUEST_CANCELLED = 0xc0aa0002;
/**
 * How long a read of a 'pull' source may still take once a cancel is requested: then the read fails and the write
 * ends as cancelled. The addon's rule (native/imapi2/write.cc, kCancelReadGraceMs in WriteJob::Pull), on the fake's clock.
 */
export const CANCEL_READ_GRACE_MS = 1000;
const SECTOR = 2048;
const ACTION = { VALIDATING_MEDIA: 0, INITIALIZING_HARDWARE: 2, WRITING_DATA: 4, FINALIZATION: 5, COMPLETED: 6 } as const;

const DEFAULT_RECORDERS: NonNullable<ImapiScenario['recorders']> = [
  {
    id: '{6D3F9A31-0000-4F5E-9C1B-FAKE00000001}',
    vendorId: 'WINOPS',
    productId: 'Simulated DVD-RW',
    productRevision: '1.00',
    volumePaths: ['E:\\'],
    media: { physicalType: 'DVDPLUSR', present: true, blank: true, writeProtected: false, totalSectors: 2_295_104, freeSectors: 2_295_104 },
  },
];

interface Write {
  handle: Handle;
  request: ImapiWriteRequest;
  sink: ImapiWriteSink;
  recorderId: string;
  totalSectors: number;
  written: number;
  updates: number;
  cancelRequested: boolean;
  cancelAccepted: boolean;
  updatesSinceCancel: number;
  timer: unknown;
  /** The Update held now (scenario holdUpdates) and how to withdraw that wait. */
  heldUpdate: number;
  unhold: (() => void) | undefined;
  ended: boolean;
  startedAt: number;
  /** A read of a 'pull' source is under way (the write waits for the source's data). */
  reading: boolean;
  /** The timer that abandons that read CANCEL_READ_GRACE_MS after a cancel was requested. */
  readGrace: unknown;
}

/**
 * IMAPI2's data writes as a state machine: Update events every updateIntervalMs (first before the write begins,
 * then while writing, once after), CancelWrite called only from inside an Update, S_IMAPI_WRITE_NOT_IN_PROGRESS while
 * the write has not begun (the request stays and is retried on the next Update), and E_IMAPI_REQUEST_CANCELLED from
 * Write/WriteSection once a cancel took. No Update comes while the write waits for a 'pull' source's data: once a
 * cancel is requested, that read gets CANCEL_READ_GRACE_MS (1 s, the addon's rule), then it fails (IStream::Read,
 * E_IMAPI_REQUEST_CANCELLED) and the write ends as cancelled without a CancelWrite.
 */
export class FakeImapi implements ImapiBackend {
  readonly #core: FakeCore;
  readonly #scenario: ImapiScenario;
  readonly #writes = new Map<Handle, Write>();
  readonly #busy = new Set<string>();

  constructor(core: FakeCore, scenario: ImapiScenario) {
    this.#core = core;
    this.#scenario = scenario;
  }

  #recorders(): RecorderInfo[] {
    return (this.#scenario.recorders ?? DEFAULT_RECORDERS).map((r) => {
      const m = r.media ?? {};
      const present = m.present ?? true;
      const total = m.totalSectors ?? 2_295_104;
      // A getter that fails is reported on its recorder (the addon's rule, native/imapi2/recorders.cc): the fields
      // read after it (in the addon's order: revision, volume paths, media) stay empty.
      const fails = r.productRevisionFails;
      if (fails !== undefined) {
        return {
          id: r.id,
          vendorId: r.vendorId ?? 'WINOPS',
          productId: r.productId ?? 'Simulated recorder',
          productRevision: '',
          volumePaths: [],
          media: { physicalType: 'NONE', present: false, blank: false, writeProtected: false, totalSectors: 0, freeSectors: 0 },
          error: rawError('IDiscRecorder2::get_ProductRevision', fails),
        };
      }
      return {
        id: r.id,
        vendorId: r.vendorId ?? 'WINOPS',
        productId: r.productId ?? 'Simulated recorder',
        productRevision: r.productRevision ?? '1.00',
        volumePaths: [...(r.volumePaths ?? [])],
        media: {
          physicalType: present ? m.physicalType ?? 'DVDPLUSR' : 'NONE',
          present,
          blank: present && (m.blank ?? true),
          writeProtected: m.writeProtected ?? false,
          totalSectors: present ? total : 0,
          freeSectors: present ? m.freeSectors ?? total : 0,
        },
      };
    });
  }

  async listRecorders(): Promise<RecorderInfo[]> {
    this.#core.record('imapi2', 'IDiscMaster2::get_Item').result = 'S_OK';
    return this.#recorders();
  }

  startWrite(request: ImapiWriteRequest, sink: ImapiWriteSink): Handle {
    const call = request.api === 'format2data' ? 'IDiscFormat2Data::Write' : 'IWriteEngine2::WriteSection';
    this.#core.record('imapi2', call, undefined, request.recorderId);
    const handle = this.#core.open('imapi2', request.api === 'format2data' ? 'IDiscFormat2Data' : 'IWriteEngine2');
    const w: Write = {
      handle, request, sink, recorderId: request.recorderId, totalSectors: 0, written: 0, updates: 0, cancelRequested: false,
      cancelAccepted: false, updatesSinceCancel: 0, timer: undefined, heldUpdate: 0, unhold: undefined, ended: false, startedAt: this.#core.now(),
      reading: false, readGrace: undefined,
    };
    this.#writes.set(handle, w);
    // Write/WriteSection run on a thread of their own: nothing is reported before this call returns.
    w.timer = this.#core.after(0, () => {
      w.timer = undefined;
      void this.#begin(w, call);
    });
    return handle;
  }

  async #sourceSize(source: ImapiSource): Promise<number> {
    if (source.kind === 'bytes') return source.data.byteLength;
    if (source.kind === 'pull') return source.size;
    const s = await stat(source.path);
    if (s.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    return s.size;
  }

  async #begin(w: Write, call: string): Promise<void> {
    const req = w.request;
    const rec = this.#recorders().find((r) => r.id.toLowerCase() === req.recorderId.toLowerCase());
    if (!rec) return this.#end(w, rawError(call, 'E_IMAPI_RECORDER_REQUIRED'));
    if (this.#busy.has(rec.id)) return this.#end(w, rawError(call, req.api === 'format2data' ? 'E_IMAPI_DF2DATA_WRITE_IN_PROGRESS' : 'E_IMAPI_RECORDER_LOCKED'), false);
    if (!rec.media.present) return this.#end(w, rawError(call, 'E_IMAPI_RECORDER_MEDIA_NO_MEDIA'));
    if (rec.media.writeProtected) return this.#end(w, rawError(call, 'E_IMAPI_RECORDER_MEDIA_WRITE_PROTECTED'));
    let size: number;
    try {
      size = await this.#sourceSize(req.source);
    } catch (e) {
      const code = (e as { code?: string }).code;
      return this.#end(w, rawError(call, code === 'ENOENT' ? 0x80070002 : code === 'EISDIR' || code === 'EACCES' ? 0x80070005 : 'E_FAIL'));
    }
    if (w.ended) return;
    if (req.api === 'format2data') {
      // IBurnVerification::put_BurnVerificationLevel, before Write (nn-imapi2-iburnverification.md). Only recorded:
      // the docs do not say that verifying reads the source stream again, so the fake does not.
      this.#core.record('imapi2', 'IBurnVerification::put_BurnVerificationLevel', w.handle, req.verification).result = 'S_OK';
      if (!rec.media.blank && !req.forceOverwrite) return this.#end(w, rawError(call, 'E_IMAPI_DF2DATA_MEDIA_NOT_BLANK'));
      if (size === 0 || size % SECTOR !== 0) return this.#end(w, rawError(call, 'E_IMAPI_DF2DATA_STREAM_NOT_SUPPORTED'));
      if (size / SECTOR > rec.media.freeSectors) return this.#end(w, rawError(call, 'E_IMAPI_DF2DATA_STREAM_TOO_LARGE_FOR_CURRENT_MEDIA'));
      w.totalSectors = size / SECTOR;
    } else {
      if (size < req.sectorCount * req.bytesPerSector) return this.#end(w, rawError(call, 0x80070057 /* E_INVALIDARG */));
      w.totalSectors = req.sectorCount;
    }
    this.#busy.add(rec.id);
    this.#update(w);
  }

  #args(w: Write, action: number): ImapiUpdate {
    const start = w.request.api === 'writeEngine2' ? w.request.startLba : 0;
    const total = 8 * 1024 * 1024;
    const used = w.written > 0 && w.written < w.totalSectors ? Math.floor(total * 0.75) : 0;
    const base: ImapiUpdate = {
      startLba: start,
      sectorCount: w.totalSectors,
      lastReadLba: start + Math.min(w.totalSectors, w.written + (w.written < w.totalSectors ? 64 : 0)) - 1,
      lastWrittenLba: start + w.written - 1,
      totalSystemBuffer: total,
      usedSystemBuffer: used,
      freeSystemBuffer: total - used,
    };
    if (w.request.api !== 'format2data') return base;
    const interval = this.#scenario.updateIntervalMs ?? 500;
    const perUpdate = this.#scenario.sectorsPerUpdate ?? 4096;
    const elapsed = Math.round((this.#core.now() - w.startedAt) / 1000);
    const remaining = Math.round((Math.ceil((w.totalSectors - w.written) / perUpdate) * interval) / 1000);
    return { ...base, elapsedTime: elapsed, remainingTime: remaining, totalTime: elapsed + remaining, currentAction: action };
  }

  async #pull(w: Write, sectors: number): Promise<void> {
    const src = w.request.source;
    const bps = w.request.api === 'writeEngine2' ? w.request.bytesPerSector : SECTOR;
    const offset = w.written * bps;
    const length = sectors * bps;
    if (src.kind === 'pull') {
      // No Update comes while IMAPI2 waits for the source: a cancel requested now (or before) gives the read
      // CANCEL_READ_GRACE_MS to answer, as the addon does.
      w.reading = true;
      if (w.cancelRequested) this.#startReadGrace(w);
      let chunk: Uint8Array;
      try {
        chunk = await src.read(offset, length);
      } finally {
        w.reading = false;
        this.#core.cancelTimer(w.readGrace);
        w.readGrace = undefined;
      }
      if (!(chunk instanceof Uint8Array) || chunk.byteLength !== length) throw new Error(`short read: wanted ${length} bytes at ${offset}`);
    } else if (src.kind === 'file') {
      const fh = await open(src.path, 'r');
      try {
        await fh.read(Buffer.alloc(length), 0, length, offset);
      } finally {
        await fh.close();
      }
    }
  }

  /** The source did not answer within the grace after a cancel: the read fails and the write ends as cancelled. */
  #startReadGrace(w: Write): void {
    if (w.readGrace !== undefined || w.ended) return;
    w.readGrace = this.#core.after(CANCEL_READ_GRACE_MS, () => {
      w.readGrace = undefined;
      if (!w.reading) return;
      this.#end(w, { call: 'IStream::Read', hresult: E_IMAPI_REQUEST_CANCELLED, code: 'E_IMAPI_REQUEST_CANCELLED', systemMessage: "the write was cancelled while it waited for the source's data" });
    });
  }

  /** One Update event, then the next step of the write. */
  #update(w: Write): void {
    if (w.ended) return;
    // A held Update is sent once the test releases it.
    const n = w.updates + 1;
    if (this.#scenario.holdUpdates?.includes(n) && w.heldUpdate !== n) {
      w.heldUpdate = n;
      w.unhold = this.#core.hold('imapi2', `imapi2:update:${n}`, () => {
        w.unhold = undefined;
        this.#update(w);
      });
      return;
    }
    const notInProgress = w.updates < (this.#scenario.notInProgressUpdates ?? 0);
    const action = notInProgress ? ACTION.INITIALIZING_HARDWARE : ACTION.WRITING_DATA;
    w.updates++;
    w.sink.update(this.#args(w, action));
    // The Update handler: a pending cancel request is issued here, and only here.
    if (w.cancelRequested && !w.cancelAccepted) {
      const hr = notInProgress ? S_IMAPI_WRITE_NOT_IN_PROGRESS : S_OK;
      const rec = this.#core.record('imapi2', w.request.api === 'format2data' ? 'IDiscFormat2Data::CancelWrite' : 'IWriteEngine2::CancelWrite', w.handle, 'inside Update');
      rec.result = hr === S_OK ? 'S_OK' : 'S_IMAPI_WRITE_NOT_IN_PROGRESS';
      w.sink.cancelAttempt(hr);
      if (hr === S_OK) w.cancelAccepted = true;
    }
    const fail = this.#scenario.failAtUpdate;
    if (fail && w.updates >= fail.update) {
      this.#end(w, rawError(w.request.api === 'format2data' ? 'IDiscFormat2Data::Write' : 'IWriteEngine2::WriteSection', fail.code));
      return;
    }
    if (w.cancelAccepted) {
      if (w.updatesSinceCancel >= (this.#scenario.cancelLatencyUpdates ?? 0)) {
        this.#end(w, rawError(w.request.api === 'format2data' ? 'IDiscFormat2Data::Write' : 'IWriteEngine2::WriteSection', E_IMAPI_REQUEST_CANCELLED));
        return;
      }
      w.updatesSinceCancel++;
    }
    w.timer = this.#core.after(this.#scenario.updateIntervalMs ?? 500, () => {
      w.timer = undefined;
      void this.#step(w, notInProgress);
    });
  }

  async #step(w: Write, wasNotInProgress: boolean): Promise<void> {
    if (w.ended) return;
    if (!wasNotInProgress || w.updates >= (this.#scenario.notInProgressUpdates ?? 0)) {
      const sectors = Math.min(this.#scenario.sectorsPerUpdate ?? 4096, w.totalSectors - w.written);
      if (sectors > 0 && !w.cancelAccepted) {
        try {
          await this.#pull(w, sectors);
        } catch (e) {
          this.#end(w, { call: 'IStream::Read', hresult: 0x80004005, code: 'E_FAIL', systemMessage: e instanceof Error ? e.message : String(e) });
          return;
        }
        if (w.ended) return;
        w.written += sectors;
      }
      if (w.written >= w.totalSectors && !w.cancelAccepted) {
        // The last Update, sent once after completion.
        w.sink.update(this.#args(w, ACTION.COMPLETED));
        const code = this.#scenario.successCode;
        this.#end(w, null, true, code === undefined ? S_OK : hresultOf(code));
        return;
      }
    }
    this.#update(w);
  }

  #end(w: Write, error: ReturnType<typeof rawError> | null, release = true, hr = S_OK): void {
    if (w.ended) return;
    w.ended = true;
    this.#core.cancelTimer(w.timer);
    this.#core.cancelTimer(w.readGrace);
    w.readGrace = undefined;
    w.unhold?.();
    if (release) this.#busy.delete(this.#recorders().find((r) => r.id.toLowerCase() === w.recorderId.toLowerCase())?.id ?? '');
    this.#writes.delete(w.handle);
    this.#core.close(w.handle);
    const last = [...this.#core.calls].reverse().find((c) => c.handle === undefined && c.family === 'imapi2' && c.detail === w.recorderId && c.result === undefined);
    if (last) last.result = error ? error.code ?? resolveCode(error.hresult ?? 0).code : resolveCode(hr).code;
    w.sink.done(error, error ? error.hresult ?? 0x80004005 : hr);
  }

  requestCancel(handle: Handle): void {
    const w = this.#writes.get(handle);
    this.#core.record('imapi2', 'requestCancel', handle);
    if (!w || w.ended) return;
    w.cancelRequested = true;
    if (w.reading) this.#startReadGrace(w);
  }
}
