/**
 * The exit statuses of the winops command. They are part of its interface: documented in docs/cli.md and never
 * renumbered. `winops snapshot ... -- COMMAND` exits with COMMAND's own status when COMMAND ran to its end.
 */
export const EXIT = {
  /** The command did what it was asked. */
  OK: 0,
  /** A Windows call failed (the error's code, HRESULT and message were printed), a VSS writer failed, or an assessment failed. */
  FAILURE: 1,
  /** The command line was wrong: unknown command or option, a bad value, a missing argument. */
  USAGE: 2,
  /** The backend is not available here: no native addon, not Windows without --backend fake, AXE not installed. */
  BACKEND_UNAVAILABLE: 3,
  /** --timeout ran out; the operation was cancelled (and cleaned up) like a Ctrl+C. */
  TIMEOUT: 124,
  /** Ctrl+C (SIGINT) cancelled the operation; the outcome was printed and everything was cleaned up. */
  INTERRUPTED: 130,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT] | number;

/** A usage error found by the command itself (commander reports its own the same way). */
export class UsageError extends Error {
  override name = 'UsageError';
}
