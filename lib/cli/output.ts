/**
 * The CLI's output: results on stdout, notes and progress on stderr, JSON lines with --json.
 * Progress shows as a one-line bar (bar.ts) when stderr is a terminal, as plain lines when it is not, as
 * {"type":"progress",...} records with --json, or not at all with --progress none. Every line the plain mode prints
 * is printed with the bar too (above it); notes are wrapped to a terminal's width, never cut.
 */
import { ERASE_LINE, LiveBar, barLine, wrapText } from './bar';
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
  /** The record --json prints for this update (type and family are added); none: the update is for people only. */
  readonly record?: Record<string, unknown>;
  /**
   * A plain line is printed only when this key changes (default: the label and the whole percent), so lines
   * stay readable in logs.
   */
  readonly lineKey?: string;
}

export interface Progress {
  update(u: ProgressUpdate): void;
  /** A line of its own (an event) printed above the bar; with --json, `record` (its `type` is the record's type). */
  log(text: string, record?: { readonly type: string } & Record<string, unknown>): void;
  stop(): void;
}

export class Output {
  readonly json: boolean;
  readonly verbose: boolean;
  readonly #stdout: CliOutputStream;
  readonly #stderr: CliOutputStream;
  readonly #progressMode: ProgressMode;
  #bar: LiveBar | undefined;
  #closed = false;

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

  /** A note for people on stderr (also with --json, where stdout stays pure JSON); wrapped on a terminal. */
  note(text: string): void {
    this.#writeErr(`${this.#wrap(text)}\n`);
  }

  /**
   * A note answering a Ctrl+C. On a terminal the line the cursor is on is erased first: it holds the `^C` the
   * terminal echoed (after the bar, or at the start of an empty line), and the note starts at the left margin.
   */
  interruptNote(text: string): void {
    if (this.#stderr.isTTY === true && !this.#bar) this.#stderr.write(ERASE_LINE);
    this.note(text);
  }

  /** Only with --verbose. */
  debug(text: string): void {
    if (this.verbose) this.note(text);
  }

  #wrap(text: string): string {
    return this.#stderr.isTTY === true ? wrapText(text, this.#stderr.columns) : text;
  }

  #writeOut(s: string): void {
    if (this.#closed) return;
    // stdout on the same terminal as the bar: the result goes above the bar like a note.
    if (this.#bar && this.#stdout.isTTY === true) this.#bar.around(() => this.#stdout.write(s));
    else this.#stdout.write(s);
  }

  /** stdout was closed by the reader (EPIPE, e.g. `| head`): drop what is still written to it. */
  stdoutClosed(): void {
    this.#closed = true;
  }

  get isStdoutClosed(): boolean {
    return this.#closed;
  }

  #writeErr(s: string): void {
    if (this.#bar) this.#bar.around(() => this.#stderr.write(s));
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
        update: (u) => {
          if (u.record) this.record('progress', { family, ...u.record });
        },
        log: (_t, record) => {
          if (record) this.record(record.type, { family, ...record });
        },
        stop: () => undefined,
      };
    }
    const keyOf = (u: ProgressUpdate): string => u.lineKey ?? `${u.label}|${total > 0 ? Math.floor((100 * u.value) / total) : 0}`;
    if (style === 'lines') {
      let lastKey: string | undefined;
      return {
        update: (u) => {
          const percent = total > 0 ? Math.floor((100 * u.value) / total) : 0;
          const key = keyOf(u);
          if (key === lastKey) return;
          lastKey = key;
          this.note(`${title}: ${percent}% ${u.label}${u.detail ? ` (${u.detail})` : ''}`);
        },
        log: (t) => this.note(t),
        stop: () => undefined,
      };
    }
    const bar = new LiveBar(this.#stderr);
    this.#bar = bar;
    let lastKey: string | undefined;
    let stopped = false;
    bar.render(barLine(title, 0, total, '', ''), false);
    return {
      update: (u) => {
        if (stopped) return;
        const key = keyOf(u);
        bar.render(barLine(title, Math.min(total, u.value), total, u.label, u.detail ? ` ${u.detail}` : ''), key !== lastKey);
        lastKey = key;
      },
      log: (t) => this.note(t),
      stop: () => {
        if (stopped) return;
        stopped = true;
        // Finished first: the lines that follow (the outcome, the error) start below the bar's last state.
        bar.finish();
        if (this.#bar === bar) this.#bar = undefined;
      },
    };
  }
}
