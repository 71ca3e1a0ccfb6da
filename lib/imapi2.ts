import type { Backend, BurnVerification, Handle, ImapiSource, ImapiUpdate, ImapiWriteRequest, MediaInfo, RawError, RecorderInfo } from '../types/backend';
import { stat } from 'node:fs/promises';
import { codeByValue, codeOf } from './codes';
import { aboutFile, hresultError, ImapiError, toWinopsError } from './errors';
import { AbortError, CancelScope, checkOptions, deferred, describeValue, Operation, Settlement, type CancelOutcomeBase, type OperationOptions } from './operation';

const S_OK = 0;
const S_IMAPI_WRITE_NOT_IN_PROGRESS = 0x00aa0302;
/** IDiscFormat2Data::CancelWrite's answer while the write has not begun (its docs); retried like the S_ code. */
const E_IMAPI_DF2DATA_WRITE_NOT_IN_PROGRESS = 0xc0aa0401;
const E_IMAPI_REQUEST_CANCELLED = 0xc0aa0002;

/** IMAPI_FORMAT2_DATA_WRITE_ACTION names. */
export const WRITE_ACTIONS = ['validating-media', 'formatting-media', 'initializing-hardware', 'calibrating-power', 'writing-data', 'finalization', 'completed', 'verifying'] as const;
export type WriteAction = (typeof WRITE_ACTIONS)[number];

/** One Update event: the write engine's LBAs and buffer figures, plus a percentage. */
export interface WriteProgress extends ImapiUpdate {
  /** Sectors written / sectors to write, 0..100. */
  readonly percent: number;
  /** For burns: what the drive is doing. */
  readonly action: WriteAction | undefined;
}

/** What cancelling a write did. */
export interface ImapiCancelOutcome extends CancelOutcomeBase {
  readonly family: 'imapi2';
  /** CancelWrite calls made from inside Update handlers. */
  readonly attempts: number;
  /** How many of them answered S_IMAPI_WRITE_NOT_IN_PROGRESS (the write had not begun; retried on the next Update). */
  readonly notInProgress: number;
  /** What Write/WriteSection returned in the end (E_IMAPI_REQUEST_CANCELLED when the cancel took). */
  readonly hresult: number | undefined;
  /** Its symbolic name ('E_IMAPI_REQUEST_CANCELLED'); undefined with `hresult`. */
  readonly code: string | undefined;
}

export interface WriteResult {
  /** What Write/WriteSection returned: S_OK, or a success code such as S_IMAPI_SPEEDADJUSTED. */
  readonly hresult: number;
  readonly code: string;
  /** Set when the success code says something was adjusted. */
  readonly warning: string | undefined;
  readonly sectors: number;
  readonly updates: number;
}

/** An image to write: a file path, bytes, or a stream with its size in bytes. */
export type ImageSource = string | Uint8Array | { readonly stream: AsyncIterable<Uint8Array>; readonly size: number };

export interface BurnOptions extends OperationOptions {
  /** A recorder id (from listRecorders) or one of its volume paths ('E:\\'). Default: the only recorder with media. */
  readonly recorder?: string;
  /** IDiscFormat2Data::put_ClientName. Default 'winops'. */
  readonly clientName?: string;
  /** Write over non-blank rewritable media. Default false. */
  readonly forceOverwrite?: boolean;
  /**
   * IMAPI's check of the disc after the burn (IBurnVerification, IMAPI_BURN_VERIFICATION_LEVEL): 'none'; 'quick'
   * (READ_DISC_INFO and READ_TRACK_INFO work, checksums of a small set of disc sectors compared to the stream's
   * bits); 'full' (quick, and the whole last session read back and its checksum compared to the burned stream; takes
   * as long as reading the disc). Default 'quick' for a file or bytes, 'none' for { stream, size }: the docs do not
   * say whether verifying reads the source again, and a stream can be read only once, so a stream refuses 'quick'
   * and 'full' (RangeError).
   */
  readonly verification?: BurnVerification;
  readonly onProgress?: (progress: WriteProgress) => void;
}

export interface WriteSectionOptions extends OperationOptions {
  readonly recorder: string;
  readonly startLba: number;
  readonly sectorCount: number;
  /** Default 2048. */
  readonly bytesPerSector?: number;
  readonly clientName?: string;
  readonly onProgress?: (progress: WriteProgress) => void;
}

export interface Recorder extends Omit<RecorderInfo, 'error'> {
  readonly media: MediaInfo;
  /**
   * Set when one of this recorder's getters failed (its `call` names which): the recorder is still listed, with what
   * could be read; one drive that answers badly does not fail the whole list.
   */
  readonly error?: ImapiError | undefined;
}

export type WriteOperation = Operation<WriteResult, ImapiCancelOutcome>;
export type { BurnVerification };

/** Adapts a stream to the sequential read(offset, length) the backend's IStream calls. */
function pullSource(stream: AsyncIterable<Uint8Array>, size: number): ImapiSource {
  const it = stream[Symbol.asyncIterator]();
  let pending: Uint8Array[] = [];
  let pendingBytes = 0;
  let position = 0;
  let done = false;
  return {
    kind: 'pull',
    size,
    async read(offset: number, length: number): Promise<Uint8Array> {
      if (offset !== position) throw new RangeError(`the image stream can only be read in order (asked for ${offset}, at ${position})`);
      while (pendingBytes < length && !done) {
        const r = await it.next();
        if (r.done) done = true;
        else {
          const chunk = typeof r.value === 'string' ? Buffer.from(r.value) : r.value;
          pending.push(chunk);
          pendingBytes += chunk.byteLength;
        }
      }
      if (pendingBytes < length) throw new RangeError(`the image stream ended at ${position + pendingBytes} bytes, before its declared size ${size}`);
      const all = Buffer.concat(pending);
      const out = all.subarray(0, length);
      const rest = all.subarray(length);
      pending = rest.byteLength > 0 ? [rest] : [];
      pendingBytes = rest.byteLength;
      position += length;
      if (position >= size) await it.return?.();
      return out;
    },
  };
}

function toSource(image: unknown, fn: string, arg: string): ImapiSource {
  if (typeof image === 'string') {
    if (image.length === 0) throw new TypeError(`${fn}: ${arg} must not be an empty path`);
    if (image.includes('\0')) throw new TypeError(`${fn}: ${arg} must not contain a NUL character`);
    if (image.length > 32_767) throw new RangeError(`${fn}: ${arg} is longer than a Windows path can be`);
    return { kind: 'file', path: image };
  }
  if (image instanceof Uint8Array) return { kind: 'bytes', data: image };
  if (typeof image === 'object' && image !== null && 'stream' in image) {
    const s = image as { stream: unknown; size: unknown };
    if (typeof s.stream !== 'object' || s.stream === null || typeof (s.stream as AsyncIterable<Uint8Array>)[Symbol.asyncIterator] !== 'function') {
      throw new TypeError(`${fn}: ${arg}.stream must be a readable stream (an async iterable of bytes)`);
    }
    if (typeof s.size !== 'number' || !Number.isSafeInteger(s.size) || s.size <= 0) throw new RangeError(`${fn}: ${arg}.size must be the stream's size in bytes (a positive integer), got ${describeValue(s.size)}`);
    return pullSource(s.stream as AsyncIterable<Uint8Array>, s.size);
  }
  const isStream = typeof image === 'object' && image !== null && typeof (image as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function';
  throw new TypeError(`${fn}: ${arg} must be a file path, a Uint8Array or { stream, size }, got ${describeValue(image)}${isStream ? ` (a stream goes in as { stream, size }, with its size in bytes)` : ''}`);
}

/**
 * IDiscFormat2Data::Write: "For write success, the size of the passed-in stream must be a multiple of the sector size,
 * 2048" (nf-imapi2-idiscformat2data-write.md; otherwise E_IMAPI_DF2DATA_STREAM_NOT_SUPPORTED, after the recorder was
 * opened). Checked before anything starts.
 */
const SECTOR_SIZE = 2048;

function sizeRule(size: number, fn: string, what: string): void {
  if (size === 0) throw new RangeError(`${fn}: ${what} is empty: there is nothing to burn`);
  if (size % SECTOR_SIZE !== 0) throw new RangeError(`${fn}: ${what} is ${size} bytes, not a multiple of the ${SECTOR_SIZE}-byte sector (IDiscFormat2Data::Write needs whole sectors; pad the image)`);
}

function checkSectorMultiple(source: ImapiSource, fn: string): void {
  if (source.kind === 'bytes') sizeRule(source.data.byteLength, fn, 'image');
  else if (source.kind === 'pull') sizeRule(source.size, fn, 'image.size');
}

/** A file's size is known only once it is looked at: a file that cannot be looked at is left to the write to report. */
async function checkFileSectorMultiple(path: string, fn: string): Promise<void> {
  let size: number;
  try {
    const s = await stat(path);
    if (!s.isFile()) return;
    size = s.size;
  } catch {
    return;
  }
  sizeRule(size, fn, `the image file ${JSON.stringify(path)}`);
}

const VERIFICATIONS: readonly BurnVerification[] = ['none', 'quick', 'full'];

function checkVerification(value: unknown, source: ImapiSource, fn: string): BurnVerification {
  if (value === undefined) return source.kind === 'pull' ? 'none' : 'quick';
  if (typeof value !== 'string' || !VERIFICATIONS.includes(value as BurnVerification)) {
    throw new TypeError(`${fn}: options.verification must be 'none', 'quick' or 'full', got ${describeValue(value)}`);
  }
  if (source.kind === 'pull' && value !== 'none') {
    throw new RangeError(`${fn}: options.verification '${value}' needs an image that can be read again (a file or bytes); a { stream, size } image is read once, so it burns with verification 'none'`);
  }
  return value as BurnVerification;
}

function checkCallback(cb: unknown, fn: string, arg: string): void {
  if (cb !== undefined && typeof cb !== 'function') throw new TypeError(`${fn}: ${arg} must be a function, got ${describeValue(cb)}`);
}

/**
 * The client name goes to the CD-ROM driver as the exclusive-access caller name (IDiscFormat2Data::put_ClientName and
 * IDiscRecorder2::AcquireExclusiveAccess: "restricted to the same character set as required by the
 * IOCTL_CDROM_EXCLUSIVE_ACCESS control code"). CDROM_EXCLUSIVE_LOCK.CallerName (ntddcdrm.h): NUL-terminated, at most
 * CDROM_EXCLUSIVE_CALLER_LENGTH (64) bytes with the NUL, only A-Z a-z 0-9, space, period, comma, colon, semicolon,
 * hyphen and underscore. Checked here: otherwise the burn fails late with E_IMAPI_DF2DATA_CLIENT_NAME_IS_NOT_VALID.
 */
export const CLIENT_NAME_MAX_LENGTH = 63;
const CLIENT_NAME_CHARS = /^[A-Za-z0-9 .,:;_-]+$/;

function checkClientName(name: unknown, fn: string): string {
  if (name === undefined) return 'winops';
  if (typeof name !== 'string' || name.length === 0) throw new TypeError(`${fn}: options.clientName must be a non-empty string, got ${describeValue(name)}`);
  if (name.length > CLIENT_NAME_MAX_LENGTH) throw new TypeError(`${fn}: options.clientName must be at most ${CLIENT_NAME_MAX_LENGTH} characters (CDROM_EXCLUSIVE_CALLER_LENGTH), got ${name.length}`);
  if (!CLIENT_NAME_CHARS.test(name)) {
    const bad = [...name].find((c) => !CLIENT_NAME_CHARS.test(c)) ?? '';
    throw new TypeError(`${fn}: options.clientName may only contain A-Z a-z 0-9, space and . , : ; - _ (the IOCTL_CDROM_EXCLUSIVE_ACCESS caller name rule), got ${JSON.stringify(bad)} in ${JSON.stringify(name)}`);
  }
  return name;
}

function checkInt(value: unknown, fn: string, arg: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) throw new TypeError(`${fn}: ${arg} must be an integer, got ${describeValue(value)}`);
  if (value < min || value > max) throw new RangeError(`${fn}: ${arg} must be from ${min} to ${max}, got ${value}`);
  return value;
}

/** One write (burn or WriteSection), with its cancel protocol. */
class WriteDriver {
  readonly operation: WriteOperation;
  readonly #scope: CancelScope;
  readonly #settlement = new Settlement<WriteResult>();
  readonly #outcome = deferred<ImapiCancelOutcome>();
  #handle: Handle | undefined;
  #attempts = 0;
  #notInProgress = 0;
  #updates = 0;
  #outcomeAsked = false;

  constructor(backend: () => Backend, build: () => Promise<ImapiWriteRequest>, options: OperationOptions & { onProgress?: ((p: WriteProgress) => void) | undefined }, fn: string, source: ImapiSource) {
    this.#scope = new CancelScope(options);
    this.#outcome.promise.catch(() => undefined);
    const run = async (): Promise<WriteResult> => {
      if (this.#scope.aborted) return this.#notStarted(fn);
      const request = await build();
      if (this.#scope.aborted) return this.#notStarted(fn);
      const imapi = backend().imapi2;
      const done = deferred<WriteResult>();
      const call = request.api === 'format2data' ? 'IDiscFormat2Data::Write' : 'IWriteEngine2::WriteSection';
      let sectors = 0;
      this.#handle = imapi.startWrite(request, {
        update: (u) => {
          this.#updates++;
          sectors = u.sectorCount;
          // IWriteEngine2EventArgs::get_LastWrittenLba is "the address of the sector most recently written"
          // (nf-imapi2-iwriteengine2eventargs-get_lastwrittenlba.md), so sectors written = last - start + 1.
          // Microsoft's VBScript sample (desktop-src/imapi/monitoring-progress-with-events.md) shows
          // LastWrittenLba - StartLba: one sector less, which never reaches 100 % by the reference page's meaning.
          // The reference page decides here; the docs say nothing of LastWrittenLba before the first sector.
          const written = Math.max(0, u.lastWrittenLba - u.startLba + 1);
          const progress: WriteProgress = {
            ...u,
            percent: u.sectorCount > 0 ? Math.min(100, Math.round((1000 * written) / u.sectorCount) / 10) : 0,
            action: u.currentAction === undefined ? undefined : WRITE_ACTIONS[u.currentAction],
          };
          try {
            options.onProgress?.(progress);
          } catch {
            // a throwing progress observer must not break the write
          }
        },
        cancelAttempt: (hr) => {
          this.#attempts++;
          if (hr >>> 0 === S_IMAPI_WRITE_NOT_IN_PROGRESS || hr >>> 0 === E_IMAPI_DF2DATA_WRITE_NOT_IN_PROGRESS) this.#notInProgress++;
        },
        done: (error: RawError | null, hr: number) => {
          this.#scope.dispose();
          if (error && (error.hresult ?? 0) >>> 0 === E_IMAPI_REQUEST_CANCELLED && this.#scope.aborted) {
            const outcome = this.#make('cancelled', E_IMAPI_REQUEST_CANCELLED);
            this.#outcome.resolve(outcome);
            done.reject(new AbortError(`${fn} was cancelled`, { cause: this.#scope.reason, outcome }));
            return;
          }
          if (error) {
            const raw = toWinopsError('imapi2', error, call);
            const e = source.kind === 'file' ? aboutFile(raw, fn, fn === 'imapi2.burn' ? 'the image file' : 'the data file', source.path) : raw;
            if (this.#scope.aborted || this.#outcomeAsked) this.#outcome.reject(e);
            done.reject(e);
            return;
          }
          const code = codeOf(hr);
          const result: WriteResult = { hresult: hr >>> 0, code, warning: hr === S_OK ? undefined : codeByValue(hr)?.message, sectors, updates: this.#updates };
          if (this.#scope.aborted || this.#outcomeAsked) this.#outcome.resolve(this.#make('already-finished', hr >>> 0));
          done.resolve(result);
        },
      });
      return done.promise;
    };
    const result = this.#settlement.track(run().catch((e: unknown) => {
      this.#scope.dispose();
      throw e instanceof AbortError || e instanceof ImapiError || e instanceof TypeError || e instanceof RangeError ? e : toWinopsError('imapi2', e, fn);
    }));
    this.operation = new Operation(result, (reason) => this.#cancel(reason));
    this.#scope.onAbort(() => {
      if (this.#handle !== undefined) backend().imapi2.requestCancel(this.#handle);
    });
  }

  #make(status: ImapiCancelOutcome['status'], hresult: number | undefined): ImapiCancelOutcome {
    return { family: 'imapi2', status, attempts: this.#attempts, notInProgress: this.#notInProgress, hresult, code: hresult === undefined ? undefined : codeOf(hresult) };
  }

  #notStarted(fn: string): never {
    const outcome = this.#make('not-started', undefined);
    this.#outcome.resolve(outcome);
    throw new AbortError(`${fn} was aborted before the write started`, { cause: this.#scope.reason, outcome });
  }

  #cancel(reason: unknown): Promise<ImapiCancelOutcome> {
    this.#outcomeAsked = true;
    {
      // Settled before this cancel: answer from the settlement (a second resolve/reject is a no-op).
      if (this.#settlement.state === 'fulfilled') this.#outcome.resolve(this.#make('already-finished', this.#settlement.value?.hresult));
      else if (this.#settlement.state === 'rejected') this.#outcome.reject(this.#settlement.error);
    }
    this.#scope.abort(reason);
    return this.#outcome.promise;
  }
}

/** The IMAPI2 family: disc recorders, burning images (IDiscFormat2Data) and raw sections (IWriteEngine2). */
export class Imapi2 {
  readonly #backend: () => Backend;

  /** @internal */
  constructor(backend: () => Backend) {
    this.#backend = backend;
  }

  /** Every recorder with the state of its media. */
  async listRecorders(): Promise<Recorder[]> {
    try {
      const all = await this.#backend().imapi2.listRecorders();
      return all.map((r) => {
        if (r.error === undefined) return r as Recorder;
        const { error, ...rest } = r;
        return { ...rest, error: toWinopsError('imapi2', error, 'IDiscRecorder2') as ImapiError };
      });
    } catch (e) {
      throw toWinopsError('imapi2', e, 'IDiscMaster2');
    }
  }

  async #pick(recorder: string | undefined, fn: string): Promise<Recorder> {
    const all = await this.listRecorders();
    if (recorder !== undefined) {
      const want = recorder.toLowerCase().replace(/\//g, '\\');
      const wantVol = want.endsWith('\\') ? want : `${want}\\`;
      const r = all.find((x) => x.id.toLowerCase() === want || x.volumePaths.some((v) => v.toLowerCase() === wantVol));
      if (!r) throw hresultError('imapi2', 0xc0aa0003 /* E_IMAPI_RECORDER_REQUIRED */, `${fn}: no recorder matches ${JSON.stringify(recorder)}`);
      return r;
    }
    const withMedia = all.filter((r) => r.media.present);
    if (withMedia.length === 1) return withMedia[0]!;
    if (withMedia.length === 0) {
      throw hresultError('imapi2', all.length === 0 ? 0xc0aa0003 : 0xc0aa0202 /* E_IMAPI_RECORDER_MEDIA_NO_MEDIA */, `${fn}: ${all.length === 0 ? 'no recorder on this machine' : 'no recorder has media'}`);
    }
    throw new RangeError(`${fn}: ${withMedia.length} recorders have media; pick one with options.recorder (${withMedia.map((r) => r.volumePaths[0] ?? r.id).join(', ')})`);
  }

  /**
   * Burns an image (file path, bytes, or { stream, size }) with IDiscFormat2Data::Write. Cancelling requests
   * CancelWrite from inside the next Update event, retried while the write has not begun; the burn then rejects
   * with an AbortError (E_IMAPI_REQUEST_CANCELLED is a cancel, not a failure). A CD may take minutes to stop.
   */
  burn(image: ImageSource, options?: BurnOptions): WriteOperation {
    const fn = 'imapi2.burn';
    const source = toSource(image, fn, 'image');
    checkSectorMultiple(source, fn);
    const o = checkOptions<BurnOptions>(options, fn);
    if (o.recorder !== undefined && (typeof o.recorder !== 'string' || o.recorder.length === 0 || o.recorder.includes('\0'))) throw new TypeError(`${fn}: options.recorder must be a non-empty string, got ${describeValue(o.recorder)}`);
    const clientName = checkClientName(o.clientName, fn);
    checkCallback(o.onProgress, fn, 'options.onProgress');
    if (o.forceOverwrite !== undefined && typeof o.forceOverwrite !== 'boolean') throw new TypeError(`${fn}: options.forceOverwrite must be a boolean`);
    const verification = checkVerification(o.verification, source, fn);
    return new WriteDriver(this.#backend, async () => {
      if (source.kind === 'file') await checkFileSectorMultiple(source.path, fn);
      const r = await this.#pick(o.recorder, fn);
      return { api: 'format2data', recorderId: r.id, clientName, forceOverwrite: o.forceOverwrite === true, verification, source };
    }, o, fn, source).operation;
  }

  /** Writes raw sectors with IWriteEngine2::WriteSection, with the same progress and cancel as burn(). */
  writeSection(data: ImageSource, options: WriteSectionOptions): WriteOperation {
    const fn = 'imapi2.writeSection';
    const source = toSource(data, fn, 'data');
    if (options === undefined) throw new TypeError(`${fn}: options with recorder, startLba and sectorCount are required`);
    const o = checkOptions<WriteSectionOptions>(options, fn);
    if (typeof o.recorder !== 'string' || o.recorder.length === 0 || o.recorder.includes('\0')) throw new TypeError(`${fn}: options.recorder must be a non-empty string, got ${describeValue(o.recorder)}`);
    const startLba = checkInt(o.startLba, fn, 'options.startLba', -2_147_483_648, 2_147_483_647);
    const sectorCount = checkInt(o.sectorCount, fn, 'options.sectorCount', 1, 2_147_483_647);
    const bytesPerSector = o.bytesPerSector === undefined ? 2048 : checkInt(o.bytesPerSector, fn, 'options.bytesPerSector', 1, 65_536);
    const clientName = checkClientName(o.clientName, fn);
    checkCallback(o.onProgress, fn, 'options.onProgress');
    return new WriteDriver(this.#backend, async () => {
      const r = await this.#pick(o.recorder, fn);
      return { api: 'writeEngine2', recorderId: r.id, clientName, startLba, sectorCount, bytesPerSector, source };
    }, o, fn, source).operation;
  }
}
