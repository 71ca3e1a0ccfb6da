/**
 * The CLI's output: results on stdout, notes and progress on stderr, JSON lines with --json.
 * Progress shows as a bar (cli-progress) when stderr is a terminal, as plain lines when it is not, as
 * {"type":"progress",...} records with --json, or not at all with --progress none.
 */
import { MultiBar, Presets, type SingleBar } from 'cli-progress';
import type { CliOutputStream } from './io';
import { toJson, type Json } from './format';

export type ProgressMode = 'auto' | 'bar' | 'lines' | 'none';

export interface OutputOptions {
  readonly json: boolean;
  readonly verbose: boolean;
  readonly progress: ProgressMode;
}

export interface ProgressUpdate {
  /** 0..total */
  readonly value: number;
  /** What is happening now (a step, an action, an assessment). */
  readonly label: string;
  /** Extra text for people, e.g. 'LBA 1200/4000'. */
  readonly detail?: string;
  /** The record --json prints for this update (type and family are added). */
  readonly record: Record<string, unknown>;
  /**
   * A plain line is printed only when this key changes (default: the label and the whole percent), so lines
   * stay readable in logs.
   */
  readonly lineKey?: string;
}

export interface Progress {
  update(u: ProgressUpdate): void;
  /** A line of its own (an event) printed above the bar. */
  log(text: string, record?: Record<string, unknown>): void;
  stop(): void;
}

export class Output {
  readonly json: boolean;
  readonly verbose: boolean;
  readonly #stdout: CliOutputStream;
  readonly #stderr: CliOutputStream;
  readonly #progressMode: ProgressMode;
  #activeBar: { multi: MultiBar } | undefined;

  constructor(stdout: CliOutputStream, stderr: CliOutputStream, options: OutputOptions) {
    this.#stdout = stdout;
    this.#stderr = stderr;
    this.json = options.json;
    this.verbose = options.verbose;
    this.#progressMode = options.progress;
  }

  /** A result line for people (ignored with --json: use record()). */
  result(text: string): void {
    if (!this.json) this.#writeOut(`${text}\n`);
  }

  /** A JSON record on stdout (only with --json). */
  record(type: string, fields: Record<string, unknown>): void {
    // `type` first, and always the record's own (a field named type cannot replace it).
    if (this.json) this.#writeOut(`${JSON.stringify(Object.assign({ type }, toJson(fields) as Record<string, Json>, { type }))}\n`);
  }

  /** A note for people on stderr (also with --json, where stdout stays pure JSON). */
  note(text: string): void {
    this.#writeErr(`${text}\n`);
  }

  /** Only with --verbose. */
  debug(text: string): void {
    if (this.verbose) this.#writeErr(`${text}\n`);
  }

  #writeOut(s: string): void {
    if (!this.#closed) this.#stdout.write(s);
  }

  #closed = false;

  /** stdout was closed by the reader (EPIPE, e.g. `| head`): drop what is still written to it. */
  stdoutClosed(): void {
    this.#closed = true;
  }

  #writeErr(s: string): void {
    if (this.#activeBar) this.#activeBar.multi.log(s);
    else this.#stderr.write(s);
  }

  /** How progress will show: 'bar', 'lines', 'json' or 'none'. */
  get progressStyle(): 'bar' | 'lines' | 'json' | 'none' {
    if (this.#progressMode === 'none') return 'none';
    if (this.json) return 'json';
    if (this.#progressMode === 'bar') return 'bar';
    if (this.#progressMode === 'lines') return 'lines';
    return this.#stderr.isTTY === true ? 'bar' : 'lines';
  }

  /** Progress of one operation of `family` ('vss', 'imapi2', 'axe'), `total` units in all. */
  progress(family: string, title: string, total: number): Progress {
    const style = this.progressStyle;
    if (style === 'none') return { update: () => undefined, log: (t) => this.note(t), stop: () => undefined };
    if (style === 'json') {
      return {
        update: (u) => this.record('progress', { family, ...u.record }),
        log: (_t, record) => {
          if (record) this.record('event', { family, ...record });
        },
        stop: () => undefined,
      };
    }
    if (style === 'lines') {
      let lastKey: string | undefined;
      return {
        update: (u) => {
          const percent = total > 0 ? Math.floor((100 * u.value) / total) : 0;
          const key = u.lineKey ?? `${u.label}|${percent}`;
          if (key === lastKey) return;
          lastKey = key;
          this.note(`${title}: ${percent}% ${u.label}${u.detail ? ` (${u.detail})` : ''}`);
        },
        log: (t) => this.note(t),
        stop: () => undefined,
      };
    }
    const multi = new MultiBar(
      {
        stream: this.#stderr,
        format: `${title} [{bar}] {percentage}% | {label}{detail}`,
        hideCursor: this.#stderr.isTTY === true,
        clearOnComplete: false,
        stopOnComplete: false,
        // --progress bar on a stream that is not a terminal (tests, logs captured with a pty-less runner).
        noTTYOutput: this.#stderr.isTTY !== true,
        notTTYSchedule: 250,
        fps: 10,
        autopadding: true,
      },
      Presets.shades_classic,
    );
    const bar: SingleBar = multi.create(total, 0, { label: '', detail: '' });
    this.#activeBar = { multi };
    let stopped = false;
    return {
      update: (u) => {
        if (!stopped) bar.update(Math.min(total, u.value), { label: u.label, detail: u.detail ? ` ${u.detail}` : '' });
      },
      log: (t) => {
        if (!stopped) multi.log(`${t}\n`);
        else this.note(t);
      },
      stop: () => {
        if (stopped) return;
        stopped = true;
        multi.stop();
        this.#activeBar = undefined;
      },
    };
  }
}
