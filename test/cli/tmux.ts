/**
 * winops in a real terminal: a tmux pane (its own tmux server, no user configuration) running a shell script, keys
 * sent with `tmux send-keys`, the screen read with `tmux capture-pane -p`. Every wait is for a state of the screen,
 * with a deadline that only turns a hang into a failure.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cliEnv } from './helpers';

/** `tmux -V`, or undefined when tmux cannot be run here. */
export function tmuxVersion(): string | undefined {
  const r = spawnSync('tmux', ['-V'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

let serial = 0;

export interface PaneOptions {
  readonly width: number;
  readonly height: number;
  /** Exported in the script before `command` runs. */
  readonly env?: Record<string, string>;
  readonly cwd: string;
}

const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

export class Pane {
  readonly #socket: string;
  readonly #target = 'winops-test';
  #closed = false;

  /**
   * Runs `command` (argv) in a new pane through a script that then prints `[exit N]` and stays, so the screen can
   * be read after the command ended. The script traps SIGINT (a Ctrl+C reaches the whole foreground process group,
   * the script's shell too) so that only the command under test reacts to it.
   */
  constructor(dir: string, command: readonly string[], options: PaneOptions) {
    this.#socket = `winops-test-${process.pid}-${++serial}`;
    const script = join(dir, `${this.#socket}.sh`);
    const exports = Object.entries(options.env ?? {}).map(([k, v]) => `export ${k}=${quote(v)}`);
    writeFileSync(
      script,
      [
        '#!/bin/bash',
        "trap ':' INT",
        `cd ${quote(options.cwd)}`,
        'export TERM=xterm-256color',
        ...exports,
        command.map(quote).join(' '),
        'echo "[exit $?]"',
        // A Ctrl+C sent after the command ended must not end the pane (and the screen with it).
        'while :; do sleep 600; done',
        '',
      ].join('\n'),
    );
    this.#tmux(['-f', '/dev/null', 'new-session', '-d', '-s', this.#target, '-x', String(options.width), '-y', String(options.height), `bash ${quote(script)}`]);
  }

  #tmux(args: readonly string[]): string {
    // The server (started by new-session) passes this environment to the pane: the test's, without WINOPS_*.
    const r = spawnSync('tmux', ['-L', this.#socket, ...args], { encoding: 'utf8', env: cliEnv() });
    if (r.status !== 0) throw new Error(`tmux ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
    return r.stdout;
  }

  /** The pane's lines (scrollback included), trailing blanks removed. */
  screen(): string[] {
    const lines = this.#tmux(['capture-pane', '-p', '-S', '-', '-t', this.#target])
      .split('\n')
      .map((l) => l.replace(/\s+$/, ''));
    while (lines.length > 0 && lines.at(-1) === '') lines.pop();
    return lines;
  }

  /** Resolves with the screen once `pattern` matches it (lines joined with '\n'). */
  async waitFor(pattern: RegExp, timeoutMs = 30_000): Promise<string[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const lines = this.screen();
      if (pattern.test(lines.join('\n'))) return lines;
      if (Date.now() > deadline) throw new Error(`timed out waiting for the screen to match ${pattern}; the screen:\n${lines.join('\n')}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** The status the script printed when the command ended. */
  async exitStatus(): Promise<{ status: number; lines: string[] }> {
    const lines = await this.waitFor(/^\[exit \d+\]$/m);
    const m = /^\[exit (\d+)\]$/m.exec(lines.join('\n'))!;
    return { status: Number(m[1]), lines: lines.slice(0, lines.findIndex((l) => /^\[exit \d+\]$/.test(l))) };
  }

  /** Ctrl+C typed on the terminal: the terminal echoes ^C and signals the foreground process group. */
  ctrlC(): void {
    this.#tmux(['send-keys', '-t', this.#target, 'C-c']);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    spawnSync('tmux', ['-L', this.#socket, 'kill-server'], { encoding: 'utf8' });
  }
}
