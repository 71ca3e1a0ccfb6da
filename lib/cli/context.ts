/**
 * What every command gets: the output, Ctrl+C handling, the backend (chosen on first use, with the simulation
 * note), and helpers that run a library operation under Ctrl+C and report a cancel.
 */
import type { Scenario } from '../../types/scenario';
import { createWinops, type Winops } from '../index';
import { isAbortError, isTimeoutReason, type AbortError, type CancelOutcomeBase } from '../operation';
import { chooseBackend, simulationNote, type ChosenBackend } from './backend';
import { EXIT } from './exit';
import { outcomeToText } from './format';
import type { InterruptScope, Interrupts } from './interrupt';
import type { CliIo } from './io';
import type { Output } from './output';

export interface GlobalFlags {
  readonly backend?: string | undefined;
  readonly scenario?: string | undefined;
  readonly json?: boolean | undefined;
  readonly verbose?: boolean | undefined;
  readonly progress?: string | undefined;
}

/** The reason a Ctrl+C gives to the library's cancel. */
export function interruptReason(): Error {
  return new DOMException('Ctrl+C (SIGINT)', 'AbortError');
}

/** An extra fact the CLI adds to a cancel report (e.g. a TerminateJob it called itself). */
export type CancelExtra = Record<string, unknown>;

export class CliContext {
  readonly io: CliIo;
  readonly out: Output;
  readonly interrupts: Interrupts;
  readonly flags: GlobalFlags;
  #chosen: ChosenBackend | undefined;
  #winops: Winops | undefined;

  constructor(io: CliIo, out: Output, interrupts: Interrupts, flags: GlobalFlags) {
    this.io = io;
    this.out = out;
    this.interrupts = interrupts;
    this.flags = flags;
  }

  /** The backend, chosen on first use (demo: the demo scenario when the fake runs). */
  chosen(demo?: Scenario): ChosenBackend {
    if (!this.#chosen) {
      this.#chosen = chooseBackend(this.flags, this.io.env, this.io.platform, this.io.cwd, demo);
      if (this.#chosen.simulated) this.out.note(simulationNote(this.io.platform));
      this.out.debug(`winops: backend ${this.#chosen.backend.name}`);
    }
    return this.#chosen;
  }

  /** The backend if one was chosen already (for the report at exit). */
  chosenIfAny(): ChosenBackend | undefined {
    return this.#chosen;
  }

  /** The library bound to the chosen backend. */
  winops(demo?: Scenario): Winops {
    this.#winops ??= createWinops({ backend: this.chosen(demo).backend });
    return this.#winops;
  }

  /** Awaits a library operation with Ctrl+C wired to its cancel(). */
  run<T>(op: PromiseLike<T> & { cancel(reason?: unknown): Promise<unknown> }, scope: Partial<InterruptScope> = {}): Promise<T> {
    return this.interrupts.within(
      {
        cancel: () => {
          op.cancel(interruptReason()).catch(() => undefined);
          scope.cancel?.();
        },
        escalation: scope.escalation,
        waitingFor: scope.waitingFor,
      },
      async () => await op,
    );
  }

  /**
   * Prints what a cancel did (the library's typed outcome, plus anything the CLI did itself) and returns the exit
   * status: 124 after --timeout, 130 after Ctrl+C.
   */
  reportCancel(error: AbortError, extra?: CancelExtra): number {
    const timedOut = isTimeoutReason(error.cause);
    const outcome = error.outcome as CancelOutcomeBase;
    const reason = timedOut ? 'timeout' : this.interrupts.interrupted ? 'interrupt' : 'cancel';
    if (this.out.json) {
      this.out.record('cancelled', { reason, message: error.message, outcome, ...(extra ? { cli: extra } : {}) });
    } else {
      const what = timedOut ? 'timed out' : reason === 'interrupt' ? 'cancelled by Ctrl+C' : 'cancelled';
      this.out.note(`winops: ${what}: ${error.message}`);
      this.out.note(`  outcome: ${outcomeToText(outcome)}`);
      if (extra) this.out.note(`  also: ${Object.entries(extra).map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : String(v)}`).join(' ')}`);
    }
    return timedOut ? EXIT.TIMEOUT : EXIT.INTERRUPTED;
  }

  /** True for an AbortError from the library. */
  static isAbort(error: unknown): error is AbortError {
    return isAbortError(error) && typeof (error as { outcome?: unknown }).outcome === 'object';
  }
}
