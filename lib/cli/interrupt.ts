/**
 * Ctrl+C for the CLI. The first SIGINT cancels what is running through the library's own cancel path
 * (op.cancel(), stream.cancel()); the second escalates where the family has something stronger (AXE: TerminateJob;
 * a child command: killed) and otherwise says what it is waiting for; the third leaves at once.
 */
import type { SignalSource } from './io';

export interface InterruptScope {
  /** What the first Ctrl+C does. */
  readonly cancel: () => void;
  /** What the second Ctrl+C does; without it, a note says the cancel is still under way. */
  readonly escalate?: (() => void) | undefined;
  /** Shown with the second Ctrl+C when there is no escalation: what the cancel is waiting for. */
  readonly waitingFor?: string | undefined;
}

export class Interrupts {
  readonly #signals: SignalSource;
  readonly #note: (text: string) => void;
  readonly #forceExit: () => void;
  readonly #scopes: InterruptScope[] = [];
  #count = 0;
  #installed = false;
  readonly #onSignal = (): void => this.interrupt();

  constructor(signals: SignalSource, note: (text: string) => void, forceExit: () => void) {
    this.#signals = signals;
    this.#note = note;
    this.#forceExit = forceExit;
  }

  /** How many times Ctrl+C was pressed. */
  get count(): number {
    return this.#count;
  }

  get interrupted(): boolean {
    return this.#count > 0;
  }

  install(): void {
    if (this.#installed) return;
    this.#installed = true;
    this.#signals.on('SIGINT', this.#onSignal);
  }

  uninstall(): void {
    if (!this.#installed) return;
    this.#installed = false;
    this.#signals.off('SIGINT', this.#onSignal);
  }

  /**
   * Runs fn with `scope` receiving Ctrl+C. A Ctrl+C that came before (between two operations) cancels at once.
   */
  async within<T>(scope: InterruptScope, fn: () => Promise<T>): Promise<T> {
    this.#scopes.push(scope);
    try {
      if (this.#count > 0) scope.cancel();
      return await fn();
    } finally {
      const i = this.#scopes.lastIndexOf(scope);
      if (i >= 0) this.#scopes.splice(i, 1);
    }
  }

  /** What a SIGINT does (public so a raw-mode prompt can report a Ctrl+C it read as a byte). */
  interrupt(): void {
    this.#count++;
    const scope = this.#scopes[this.#scopes.length - 1];
    if (!scope) {
      // Nothing cancellable is running (no Windows state is held outside a scope): leave now.
      this.#note('winops: interrupted');
      this.#forceExit();
      return;
    }
    if (this.#count === 1) {
      this.#note('winops: Ctrl+C: cancelling (press Ctrl+C again to escalate)');
      scope.cancel();
      return;
    }
    if (this.#count === 2) {
      if (scope.escalate) {
        this.#note('winops: Ctrl+C again: escalating (press Ctrl+C once more to exit at once)');
        scope.escalate();
      } else {
        this.#note(`winops: still cancelling${scope.waitingFor ? `: waiting for ${scope.waitingFor}` : ''} (press Ctrl+C once more to exit at once; cleanup may then be incomplete)`);
      }
      return;
    }
    this.#note('winops: exiting without waiting for the cancel to finish');
    this.#forceExit();
  }
}
