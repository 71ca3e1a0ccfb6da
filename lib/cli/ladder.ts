/**
 * A further Ctrl+C on an AXE run: the next rung of the library's escalation ladder at once, through
 * AxeRun.escalate() (the rungs: Engine::CancelAssessment, Engine::CancelJob, Engine::TerminateJob; the grace timer
 * takes them too when nobody presses). While a rung is left, a further Ctrl+C has something to do and the hint says
 * so; once TerminateJob was taken (or escalate() says the ladder is spent), a further Ctrl+C leaves at once.
 */
import type { AxeEscalationStep, AxeRun } from '../axe';
import type { CancelExtra } from './context';
import type { Escalation } from './interrupt';

const CALL: Record<AxeEscalationStep, string> = { 'cancel-assessment': 'Engine::CancelAssessment', 'cancel-job': 'Engine::CancelJob', 'terminate-job': 'Engine::TerminateJob' };

export class AxeLadder {
  readonly #run: Pick<AxeRun, 'escalate'>;
  #spent = false;
  #last: AxeEscalationStep | undefined;
  #inflight: Promise<unknown> = Promise.resolve();
  /** The rungs a Ctrl+C (or --terminate-after) took, in order. */
  readonly taken: { readonly by: string; readonly step: AxeEscalationStep }[] = [];

  constructor(run: Pick<AxeRun, 'escalate'>) {
    this.#run = run;
  }

  /** For InterruptScope.escalation: the next rung, or undefined when none is left. */
  readonly escalation = (): Escalation | undefined => {
    if (this.#spent) return undefined;
    const what = this.#last === 'cancel-job' ? `call ${CALL['terminate-job']} now` : `take the next step of the escalation ladder now (${CALL['cancel-job']}, then ${CALL['terminate-job']})`;
    return { what, run: () => void this.escalate('Ctrl+C') };
  };

  /** One rung now. Resolves with the rung taken, or undefined when none was. */
  escalate(by: string): Promise<AxeEscalationStep | undefined> {
    const p = this.#inflight.then(async () => {
      if (this.#spent) return undefined;
      const step = await this.#run.escalate().catch(() => undefined);
      if (step === undefined || step === 'terminate-job') this.#spent = true;
      if (step !== undefined) {
        this.#last = step;
        this.taken.push({ by, step });
      }
      return step;
    });
    this.#inflight = p;
    return p;
  }

  /** Every rung that is left, one after the other (--terminate-after). */
  async toTheEnd(by: string): Promise<void> {
    while (!this.#spent) await this.escalate(by);
  }

  /** Resolves when the rungs asked for were taken. */
  async settled(): Promise<void> {
    await this.#inflight;
  }

  /** What the CLI did beside the library's own ladder, for the cancel report (undefined: nothing). */
  report(): CancelExtra | undefined {
    return this.taken.length > 0 ? { escalated: this.taken.map((t) => ({ by: t.by, step: t.step })) } : undefined;
  }
}
