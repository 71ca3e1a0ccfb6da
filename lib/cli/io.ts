/**
 * What the CLI talks to: its streams, environment and signals, passed in so the command runs the same in the
 * `winops` process and in a test. Human text goes to stderr (notes, progress, errors) and stdout (results);
 * with --json, stdout carries one JSON object per line and nothing else.
 */
import type { Writable, Readable } from 'node:stream';

export interface CliOutputStream extends Writable {
  readonly isTTY?: boolean | undefined;
  readonly columns?: number | undefined;
}

export interface CliInputStream extends Readable {
  readonly isTTY?: boolean | undefined;
  setRawMode?(mode: boolean): unknown;
}

/** The part of `process` the CLI needs for signals. */
export interface SignalSource {
  on(signal: 'SIGINT', listener: () => void): unknown;
  off(signal: 'SIGINT', listener: () => void): unknown;
}

export interface CliIo {
  readonly stdout: CliOutputStream;
  readonly stderr: CliOutputStream;
  readonly stdin: CliInputStream;
  readonly env: NodeJS.ProcessEnv;
  readonly platform: NodeJS.Platform | string;
  readonly cwd: string;
  readonly signals: SignalSource;
  /** Leaves at once (a third Ctrl+C). */
  readonly exit: (code: number) => never;
}

export function processIo(): CliIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: process.env,
    platform: process.platform,
    cwd: process.cwd(),
    signals: process,
    exit: (code) => process.exit(code),
  };
}

/** Resolves once everything written to the stream so far has been handed to the OS. */
export function flush(stream: Writable): Promise<void> {
  return new Promise((resolve) => {
    if (stream.writableEnded || stream.destroyed) {
      resolve();
      return;
    }
    stream.write('', () => resolve());
  });
}
