/**
 * Runs the winops CLI as a process, the way a user does: `node bin/winops.js ...`.
 *
 * The CLI is compiled once per content of lib/, types/ and bin/ into node_modules/.cache/winops-cli-test/<hash>/
 * (its own dist/, so a build of the repo's dist/ running at the same time cannot race with these tests), guarded by
 * a lock directory so parallel test files share one build.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';

export const ROOT = join(__dirname, '..', '..');

function listFiles(dir: string, out: string[] = []): string[] {
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) listFiles(p, out);
    else out.push(p);
  }
  return out;
}

function sourceHash(): string {
  const h = createHash('sha256');
  const files = [...listFiles(join(ROOT, 'lib')), ...listFiles(join(ROOT, 'types')), join(ROOT, 'bin', 'winops.js'), join(ROOT, 'tsconfig.json'), join(ROOT, 'tsconfig.build.json'), join(ROOT, 'package.json')];
  for (const f of files) {
    h.update(relative(ROOT, f));
    h.update(readFileSync(f));
  }
  return h.digest('hex').slice(0, 16);
}

const sleepSync = (ms: number): void => {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
};

let built: string | undefined;

/** The path of a bin/winops.js whose ../dist holds the CLI compiled from the current sources. */
export function cliBin(): string {
  if (built) return built;
  const base = join(ROOT, 'node_modules', '.cache', 'winops-cli-test');
  const dir = join(base, sourceHash());
  const bin = join(dir, 'bin', 'winops.js');
  const done = join(dir, 'done');
  const lock = `${dir}.lock`;
  mkdirSync(base, { recursive: true });
  const deadline = Date.now() + 120_000;
  while (!existsSync(done)) {
    let mine = false;
    try {
      mkdirSync(lock);
      mine = true;
    } catch {
      // another test file is building: wait for it (or take over a lock left by a killed run)
      try {
        if (Date.now() - statSync(lock).mtimeMs > 90_000) rmSync(lock, { recursive: true, force: true });
      } catch {
        // gone meanwhile
      }
    }
    if (mine) {
      try {
        if (!existsSync(done)) {
          // Builds of older sources are of no more use: drop those not touched for ten minutes.
          for (const name of readdirSync(base)) {
            const other = join(base, name);
            if (other === dir || other === lock) continue;
            try {
              if (Date.now() - statSync(other).mtimeMs > 600_000) rmSync(other, { recursive: true, force: true });
            } catch {
              // gone meanwhile
            }
          }
          rmSync(dir, { recursive: true, force: true });
          mkdirSync(join(dir, 'bin'), { recursive: true });
          const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
          // Type errors elsewhere in lib/ (work in progress) do not stop the emit; a missing main.js does.
          spawnSync(process.execPath, [tsc, '-p', join(ROOT, 'tsconfig.build.json'), '--outDir', join(dir, 'dist'), '--sourceMap', 'false', '--declaration', 'false'], { stdio: 'pipe' });
          if (!existsSync(join(dir, 'dist', 'lib', 'cli', 'main.js'))) throw new Error('building the CLI for the tests failed: dist/lib/cli/main.js was not emitted');
          copyFileSync(join(ROOT, 'bin', 'winops.js'), bin);
          copyFileSync(join(ROOT, 'package.json'), join(dir, 'package.json'));
          writeFileSync(done, new Date().toISOString());
        }
      } finally {
        rmSync(lock, { recursive: true, force: true });
      }
      break;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for the CLI build in ${dir}`);
    sleepSync(100);
  }
  built = bin;
  return bin;
}

/** The environment of a run: this one without WINOPS_* (so the developer's settings do not leak in), plus `env`. */
export function cliEnv(env: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('WINOPS_') && k !== 'FORCE_COLOR') out[k] = v;
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined) delete out[k];
    else out[k] = v;
  }
  return out;
}

export interface RunResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunOptions {
  /** Another bin/winops.js (default: the one compiled for the tests). The real-Windows tests use the repo's. */
  readonly bin?: string;
  readonly env?: Record<string, string | undefined>;
  readonly cwd?: string;
  readonly timeoutMs?: number;
}

/** A running winops process whose output can be awaited and which can be sent signals. */
export class CliProcess {
  readonly child: ChildProcess;
  stdout = '';
  stderr = '';
  readonly exited: Promise<RunResult>;
  readonly #waiters: (() => void)[] = [];

  constructor(args: readonly string[], options: RunOptions = {}) {
    this.child = spawn(process.execPath, [options.bin ?? cliBin(), ...args], { cwd: options.cwd ?? ROOT, env: cliEnv(options.env), stdio: ['ignore', 'pipe', 'pipe'] });
    this.child.stdout!.setEncoding('utf8').on('data', (s: string) => {
      this.stdout += s;
      this.#wake();
    });
    this.child.stderr!.setEncoding('utf8').on('data', (s: string) => {
      this.stderr += s;
      this.#wake();
    });
    const limit = options.timeoutMs ?? 15_000;
    this.exited = new Promise((resolve) => {
      const timer = setTimeout(() => this.child.kill('SIGKILL'), limit);
      this.child.on('close', (code, signal) => {
        clearTimeout(timer);
        this.#wake();
        resolve({ code, signal, stdout: this.stdout, stderr: this.stderr });
      });
    });
  }

  #wake(): void {
    for (const w of this.#waiters.splice(0)) w();
  }

  /** Resolves when stdout or stderr (as named) matches; rejects after timeoutMs or if the process ends first. */
  async waitFor(stream: 'stdout' | 'stderr', pattern: RegExp, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (pattern.test(this[stream])) return;
      if (this.child.exitCode !== null || this.child.signalCode !== null) {
        throw new Error(`winops ended before ${stream} matched ${pattern}\nstdout:\n${this.stdout}\nstderr:\n${this.stderr}`);
      }
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${stream} to match ${pattern}\nstdout:\n${this.stdout}\nstderr:\n${this.stderr}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, 50);
        this.#waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  interrupt(): void {
    this.child.kill('SIGINT');
  }
}

/** Runs winops to the end. */
export function runCli(args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  return new CliProcess(args, options).exited;
}

/** Parses stdout as JSON lines (every line must be one JSON object). */
export function jsonLines(stdout: string): Record<string, unknown>[] {
  return stdout
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => {
      const v = JSON.parse(l) as unknown;
      if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error(`not a JSON object: ${l}`);
      return v as Record<string, unknown>;
    });
}

/** A temporary folder for one test file, removed by cleanup(). */
export function tempDir(prefix: string): { dir: string; file(name: string, content: string | Buffer): string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), `winops-${prefix}-`));
  return {
    dir,
    file(name, content) {
      const p = join(dir, name);
      writeFileSync(p, content);
      return p;
    },
    cleanup() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** What the fake still held when winops exited (see WINOPS_FAKE_REPORT). */
export interface FakeReport {
  readonly shadowCopies: unknown[];
  readonly openHandles: unknown[];
  readonly violations: string[];
  readonly calls: string[];
}

export function readReport(path: string): FakeReport {
  return JSON.parse(readFileSync(path, 'utf8')) as FakeReport;
}

/** A minimal AXE job manifest the fake reads from disk. */
export function jobManifest(name: string, assessments: readonly string[]): string {
  return [
    '<?xml version="1.0" encoding="utf-8"?>',
    `<AxeJobManifest Name="${name}">`,
    '  <AssessmentRuns>',
    ...assessments.map((a) => `    <AssessmentRun Name="${a}" />`),
    '  </AssessmentRuns>',
    '</AxeJobManifest>',
    '',
  ].join('\n');
}

/** No stack frame lines ("    at f (file:1:2)") in the text. */
export const STACK_LINE = /^\s+at .+\(.+:\d+:\d+\)$|^\s+at .+:\d+:\d+$/m;
