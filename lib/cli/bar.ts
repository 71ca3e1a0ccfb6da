/**
 * The one-line progress bar and the text around it.
 *
 * On a terminal the bar is the last line, redrawn in place (`\r`, erase line). Everything else written to the
 * terminal while it shows (notes, events, results, the outcome of a cancel) first erases the bar line, is written as
 * whole lines, and the bar is drawn again below it; so no line is lost and none is overwritten. The bar is cut to the
 * terminal width, less three columns: the terminal echoes `^C` after it, and that echo must stay on the bar's line
 * (where the next redraw erases it) instead of wrapping onto a line of its own. Nothing else is cut: notes are
 * wrapped at word boundaries to the width (auto-wrap is never turned off).
 *
 * Where the bar goes to something that is not a terminal (--progress bar into a file), each new state is a line.
 */
import { Format, Presets } from 'cli-progress';
import type { CliOutputStream } from './io';

/** Erases the line the cursor is on and puts the cursor at its start. */
export const ERASE_LINE = '\r\x1b[2K';

const BAR_SIZE = 40;
const BAR_OPTIONS = {
  barsize: BAR_SIZE,
  barCompleteString: Presets.shades_classic.barCompleteChar!.repeat(BAR_SIZE),
  barIncompleteString: Presets.shades_classic.barIncompleteChar!.repeat(BAR_SIZE),
  barGlue: '',
};

/** `title [████░░░░] 50% | label detail` */
export function barLine(title: string, value: number, total: number, label: string, detail: string): string {
  const ratio = total > 0 ? Math.min(1, Math.max(0, value / total)) : 0;
  const bar = (Format.BarFormat as (progress: number, options: typeof BAR_OPTIONS) => string)(ratio, BAR_OPTIONS);
  return `${title} [${bar}] ${Math.round(ratio * 100)}% | ${label}${detail}`;
}

/** The text wrapped at spaces to `width` columns (a word longer than the width is broken); lines kept. */
export function wrapText(text: string, width: number | undefined): string {
  if (width === undefined || !Number.isFinite(width) || width < 10) return text;
  return text
    .split('\n')
    .map((line) => {
      const out: string[] = [];
      let rest = line;
      while (rest.length > width) {
        let cut = rest.lastIndexOf(' ', width);
        if (cut <= 0) cut = width;
        out.push(rest.slice(0, cut).trimEnd());
        rest = rest.slice(cut).replace(/^ /, '');
      }
      out.push(rest);
      return out.join('\n');
    })
    .join('\n');
}

export class LiveBar {
  readonly #stream: CliOutputStream;
  readonly #tty: boolean;
  #line = '';
  #drawn = '';
  #shown = false;

  constructor(stream: CliOutputStream) {
    this.#stream = stream;
    this.#tty = stream.isTTY === true;
  }

  get #width(): number | undefined {
    const c = this.#stream.columns;
    return typeof c === 'number' && c > 0 ? c : undefined;
  }

  /** Shows `line` as the bar's state; `newState` (not on a terminal): whether it is worth a line of its own. */
  render(line: string, newState: boolean): void {
    this.#line = line;
    if (this.#tty) this.#draw();
    else if (newState) this.#emit();
  }

  #draw(): void {
    const w = this.#width;
    const text = w === undefined ? this.#line : this.#line.slice(0, Math.max(1, w - 3));
    this.#stream.write(`${ERASE_LINE}${text}`);
    this.#shown = true;
  }

  #emit(): void {
    if (this.#line === this.#drawn) return;
    this.#drawn = this.#line;
    this.#stream.write(`${this.#line}\n`);
  }

  /** Writes text (whole lines) above the bar: `write` does the writing, on this stream or another. */
  around(write: () => void): void {
    if (this.#tty && this.#shown) this.#stream.write(ERASE_LINE);
    write();
    if (this.#tty && this.#shown) this.#draw();
  }

  /** Leaves the last state as a line of its own: what follows starts on a fresh line below it. */
  finish(): void {
    if (this.#tty) {
      if (this.#shown) this.#stream.write('\n');
    } else if (this.#line !== '') {
      this.#emit();
    }
    this.#shown = false;
  }
}
