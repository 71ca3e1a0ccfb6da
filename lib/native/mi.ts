import type { Handle, MiBackend, MiOperationRequest, MiResultData, MiSessionRequest, OpenHandle } from '../../types/backend';
import { shutdownOnExit } from './exit';

/**
 * The addon's `mi` object (native/mi/backend.h): the MiBackend calls one to one. Promises reject with an Error
 * whose own properties are {miResult, call, errorMessage?, errorDetails?}; a bad argument throws a TypeError.
 * onResult runs on the JS thread, one result at a time (MI_OPERATIONFLAGS_MANUAL_ACK_RESULTS), never from inside
 * start().
 */
export interface NativeMi extends MiBackend {
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

  start(session: Handle, request: MiOperationRequest, onResult: (result: MiResultData) => void): Handle {
    return this.#n.start(session, request, onResult);
  }

  ack(operation: Handle): void {
    this.#n.ack(operation);
  }

  cancel(operation: Handle, reason: number): number {
    return this.#n.cancel(operation, reason);
  }

  close(operation: Handle): number {
    return this.#n.close(operation);
  }
}
