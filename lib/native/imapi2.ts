import type { BurnVerification, Handle, ImapiBackend, ImapiSource, ImapiUpdate, ImapiWriteRequest, ImapiWriteSink, OpenHandle, RawError, RecorderInfo } from '../../types/backend';

/** A source as the addon takes it: 'pull' reads answer through a node-style deliver callback. */
export type NativeImapiSource =
  | { readonly kind: 'file'; readonly path: string }
  | { readonly kind: 'bytes'; readonly data: Uint8Array }
  | {
      readonly kind: 'pull';
      readonly size: number;
      read(offset: number, length: number, deliver: (error: string | null, data?: Uint8Array) => void): void;
    };

export type NativeImapiWriteRequest =
  | { readonly api: 'format2data'; readonly recorderId: string; readonly clientName: string; readonly forceOverwrite: boolean; readonly verification: BurnVerification; readonly source: NativeImapiSource }
  | {
      readonly api: 'writeEngine2';
      readonly recorderId: string;
      readonly clientName: string;
      readonly startLba: number;
      readonly sectorCount: number;
      readonly bytesPerSector: number;
      readonly source: NativeImapiSource;
    };

/** The addon calls the contract's sink as it is. */
export type NativeImapiWriteSink = ImapiWriteSink;

/** The addon's `imapi2` object (native/imapi2/imapi2.h). */
export interface NativeImapi2 {
  /** Rejects with an Error whose own properties are {hresult, call, systemMessage}. */
  listRecorders(): Promise<RecorderInfo[]>;
  /** Starts the write on a thread of the addon's own; every sink call comes later, on the JS thread. */
  startWrite(request: NativeImapiWriteRequest, sink: NativeImapiWriteSink): { requestCancel(): void };
  /** What the family counts in this environment (native/imapi2/write.cc), for tests. */
  stats?(): { threads: number; executionStateHeld: number; executionStateRequests: number; executionStateFailures: number; abandoned: number };
}

function toNativeSource(source: ImapiSource): NativeImapiSource {
  switch (source.kind) {
    case 'file':
      return { kind: 'file', path: source.path };
    case 'bytes':
      return { kind: 'bytes', data: source.data };
    case 'pull':
      return {
        kind: 'pull',
        size: source.size,
        read(offset, length, deliver) {
          let p: Promise<Uint8Array>;
          try {
            p = Promise.resolve(source.read(offset, length));
          } catch (e) {
            p = Promise.reject(e);
          }
          p.then(
            (data) => deliver(null, data),
            (e: unknown) => deliver(e instanceof Error ? e.message : String(e)),
          );
        },
      };
  }
}

function toNativeRequest(request: ImapiWriteRequest): NativeImapiWriteRequest {
  const source = toNativeSource(request.source);
  if (request.api === 'format2data') {
    return { api: 'format2data', recorderId: request.recorderId, clientName: request.clientName, forceOverwrite: request.forceOverwrite, verification: request.verification, source };
  }
  return {
    api: 'writeEngine2',
    recorderId: request.recorderId,
    clientName: request.clientName,
    startLba: request.startLba,
    sectorCount: request.sectorCount,
    bytesPerSector: request.bytesPerSector,
    source,
  };
}

interface LiveWrite {
  readonly kind: 'IDiscFormat2Data' | 'IWriteEngine2';
  readonly native: { requestCancel(): void };
}

/** ImapiBackend over the addon: handles are numbers of this object's own; a write's handle lives until done(). */
export class NativeImapi implements ImapiBackend {
  readonly #addon: NativeImapi2;
  readonly #nextHandle: () => Handle;
  readonly #writes = new Map<Handle, LiveWrite>();

  constructor(addon: NativeImapi2, nextHandle?: () => Handle) {
    this.#addon = addon;
    let n = 0;
    this.#nextHandle = nextHandle ?? (() => ++n);
  }

  listRecorders(): Promise<RecorderInfo[]> {
    return this.#addon.listRecorders();
  }

  startWrite(request: ImapiWriteRequest, sink: ImapiWriteSink): Handle {
    const handle = this.#nextHandle();
    const kind = request.api === 'format2data' ? 'IDiscFormat2Data' : 'IWriteEngine2';
    const native = this.#addon.startWrite(toNativeRequest(request), {
      update: (u) => sink.update(u),
      cancelAttempt: (hr) => sink.cancelAttempt(hr >>> 0),
      done: (error, hr) => {
        // Released before done() is reported: everything native is gone by then (the addon's thread
        // unadvised and released every COM object before it posted done).
        this.#writes.delete(handle);
        sink.done(error, hr >>> 0);
      },
    });
    this.#writes.set(handle, { kind, native });
    return handle;
  }

  requestCancel(write: Handle): void {
    this.#writes.get(write)?.native.requestCancel();
  }

  openHandles(): OpenHandle[] {
    return [...this.#writes].map(([handle, w]) => ({ family: 'imapi2', kind: w.kind, handle }));
  }
}
