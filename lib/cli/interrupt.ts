/**
 * Ctrl+C for the CLI. The first SIGINT cancels what is running through the library's own cancel path
 * (op.cancel(), stream.cancel()). Each further one takes the scope's next stronger step where it has one (AXE: the
 * next rung of the escalation ladder, AxeRun.escalate(); a child command: killed); where nothing stronger is left,
 * it leaves at once without waiting for the cleanup.
 *
 * Two SIGINTs in quick succession are one Ctrl+C. A Ctrl+C in a terminal signals the whole foreground process
 * group, and `npm exec` / `npx` (which is in that group) forwards the SIGINT it got to its child as well, so
 * `npx winops ...` receives one Ctrl+C twice, a few milliseconds apart. Counting both would turn one key press into
 * an escalation (a child command killed, a held snapshot set left without waiting for its release, exit 130 where
 * 0 is promised). So after a counted SIGINT, further ones are ignored for REPEAT_WINDOW_MS; only then does the
 * next one count, and that is when winops says what it will do (the hint line): a user who reads the hint and
 * presses again is always counted, and a duplicate delivery never is. A person who presses twice faster than that
 * gets one press, which errs on the side of the cleanup. The window is the only timer here: tests wait for the
 * hint line (a state) before pressing again.
 */
import type { SignalSource } from './io';

/** How long after a counted SIGINT another one is taken for the same Ctrl+C (delivered twice). */
export const REPEAT_WINDOW_MS = 300;

/** A stronger step than the cancel, taken by a further Ctrl+C. */
export interface Escalation {
  /** What it does, for the hint and the note: 'call Engine::CancelJob now'. */
  readonly what: string;
  readonly run: () => void;
}

export interface InterruptScope {
  /** What the first Ctrl+C does. */
  readonly cancel: () => void;
  /** The step a further Ctrl+C takes now; undefined when there is none (left): that Ctrl+C leaves at once. */
  readonly escalation?: (() => Escalation | undefined) | undefined;
  /** What the cancel is waiting for, shown when nothing stronger is left. */
  readonly waitingFor?: string | undefined;
}

export interface InterruptOptions {
  /** Default REPEAT_WINDOW_MS; 0 counts every SIGINT (and gives the hint at once). */
  readonly repeatWindowMs?: number;
  /** Told about a SIGINT taken for a repeat delivery (--verbose). */
  readonly debug?: (text: string) => void;
}

export class Interrupts {
  readonly #signals: SignalSource;
  readonly #note: (text: string) => void;
  readonly #forceExit: () => void;
  readonly #window: number;
  readonly #debug: (text: string) => void;
  readonly #scopes: InterruptScope[] = [];
  #count = 0;
  #armed = true;
  #stopped = false;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #installed = false;
  readonly #onSignal = (): void => this.interrupt();

  constructor(signals: SignalSource, note: (text: string) => void, forceExit: () => void, options: InterruptOptions = {}) {
    this.#signals = signals;
    this.#note = note;
    this.#forceExit = forceExit;
    this.#window = options.repeatWindowMs ?? REPEAT_WINDOW_MS;
    this.#debug = options.debug ?? (() => undefined);
  }

  /** How many Ctrl+C were counted (repeat deliveries of one are not). */
  get count(): number {
    return this.#count;
  }

  get interrupted(): boolean {
    return this.#count > 0;
  }

  /** True after stop(): the reader of stdout went away. */
  get stopped(): boolean {
    return this.#stopped;
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
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /**
   * Runs fn with `scope` receiving Ctrl+C. A Ctrl+C (or a stop()) that came before (between two operations) cancels
   * at once.
   */
  async within<T>(scope: InterruptScope, fn: () => Promise<T>): Promise<T> {
    this.#scopes.push(scope);
    // winops waits for the operation, and a Ctrl+C must find it: the process stays up while one runs, also when
    // nothing else keeps Node's event loop alive (a fake backend's scripted hold has no timer). Without this, such
    // an operation would end the process with 0 in the middle of it.
    const keepAlive = setInterval(() => undefined, 1 << 30);
    try {
      if (this.#count > 0 || this.#stopped) scope.cancel();
      return await fn();
    } finally {
      clearInterval(keepAlive);
      const i = this.#scopes.lastIndexOf(scope);
      if (i >= 0) this.#scopes.splice(i, 1);
    }
  }

  /**
   * Cancels what runs, and what would run next, without a word: the reader of stdout went away (EPIPE), which is
   * the normal end of `winops watch ... | head -3`, not a Ctrl+C.
   */
  stop(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#scopes.at(-1)?.cancel();
  }

  /** What a SIGINT does (public so a raw-mode prompt can report a Ctrl+C it read as a byte). */
  interrupt(): void {
    if (!this.#armed) {
      this.#debug('winops: SIGINT again within the repeat window: taken for the same Ctrl+C');
      return;
    }
    this.#count++;
    const scope = this.#scopes.at(-1);
    if (!scope) {
      // Nothing cancellable is running (no Windows state is held outside a scope): leave now.
      this.#note(this.#count === 1 ? 'winops: interrupted' : 'winops: exiting without waiting for the cancel to finish');
      this.#forceExit();
      return;
    }
    if (this.#count === 1) {
      this.#note('winops: Ctrl+C: cancelling');
      scope.cancel();
    } else {
      const step = scope.escalation?.();
      if (!step) {
        this.#note('winops: Ctrl+C again: exiting without waiting for the cancel to finish');
        this.#forceExit();
        return;
      }
      this.#note(`winops: Ctrl+C again: ${step.what}`);
      step.run();
    }
    this.#disarm(scope);
  }

  /** Ignores SIGINTs for the repeat window, then says what the next Ctrl+C does (if `scope` still runs). */
  #disarm(scope: InterruptScope): void {
    const rearm = (): void => {
      this.#timer = undefined;
      this.#armed = true;
      if (this.#scopes.at(-1) !== scope || !this.#installed) return;
      const next = scope.escalation?.();
      if (next) this.#note(`winops: press Ctrl+C again to ${next.what}`);
      else this.#note(`winops: still cancelling${scope.waitingFor ? `: waiting for ${scope.waitingFor}` : ''} (press Ctrl+C again to exit at once; cleanup may then be incomplete)`);
    };
    if (this.#window <= 0) {
      rearm();
      return;
    }
    this.#armed = false;
    this.#timer = setTimeout(rearm, this.#window);
    this.#timer.unref?.();
  }
}
