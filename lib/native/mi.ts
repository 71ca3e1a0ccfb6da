import type { Handle, MiBackend, MiOperationRequest, MiResultBatch, MiSessionRequest, MiValue, OpenHandle } from '../../types/backend';
import { shutdownOnExit } from './exit';

/**
 * The addon's `mi` object (native/mi/backend.h): the MiBackend calls one to one. Promises reject with an Error
 * whose own properties are {miResult, call, errorMessage?, errorDetails?}; a bad argument throws a TypeError.
 * Each result is copied out of MI in MI's callback and acknowledged there while the window has room
 * (MI_OPERATIONFLAGS_MANUAL_ACK_RESULTS). onBatch runs on the JS thread with what arrived since the last call
 * (from poll(), or posted while the consumer waits, or with the final result), never from inside start(), with
 * a batch's values as arguments (one call instead of a property store per
 * value; shapes is a Uint32Array; a large batch comes in several calls, final and held with the last).
 */
export interface NativeMi extends Omit<MiBackend, 'start'> {
  start(
    session: Handle,
    request: MiOperationRequest,
    window: number,
    onBatch: (newSchemas: MiResultBatch['newSchemas'], shapes: Uint32Array, final: MiResultBatch['final'], held: boolean, ...values: MiValue[]) => void,
  ): Handle;
  /** Every MI_Session / MI_Operation not yet closed, in this environment. */
  openHandles(): OpenHandle[];
  stats(): { sessions: number; operations: number; sessionThreads: number; application: boolean };
  /**
   * What environment teardown does, now and synchronously: cancel every open operation (MI_REASON_SHUTDOWN), drain
   * it to its final result, close it, close the sessions and the application.
   */
  shutdown(): void;
}


/** MiBackend over the addon. The addon does the work; this keeps the contract's promise shape. */
export class NativeMiBackend implements MiBackend {
  readonly #n: NativeMi;

  constructor(native: NativeMi) {
    this.#n = native;
    shutdownOnExit(native);
  }

  openHandles(): OpenHandle[] {
    return this.#n.openHandles();
  }

  openSession(request: MiSessionRequest): Promise<Handle> {
    try {
      return this.#n.openSession(request);
    } catch (e) {
      return Promise.reject(e);
    }
  }

  closeSession(session: Handle): Promise<void> {
    try {
      return this.#n.closeSession(session);
    } catch (e) {
      return Promise.reject(e);
    }
  }

  start(session: Handle, request: MiOperationRequest, window: number, onBatch: (batch: MiResultBatch) => void): Handle {
    return this.#n.start(session, request, window, (newSchemas, shapes, final, held, ...values) => onBatch({ newSchemas, shapes, values, final, held }));
  }

  consumed(operation: Handle, n: number): void {
    this.#n.consumed(operation, n);
  }

  poll(operation: Handle): boolean {
    return this.#n.poll(operation);
  }

  cancel(operation: Handle, reason: number): number {
    return this.#n.cancel(operation, reason);
  }

  close(operation: Handle): number {
    return this.#n.close(operation);
  }
}
