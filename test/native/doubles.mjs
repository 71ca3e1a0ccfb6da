// Shared by the native tests that run against a Windows test double (test/doubles/<family>): the two runs
// of such a file (plain Wine, and the double in place, see scripts/wine/test.sh), the scenario and log files
// the double reads and writes, and a child process of the same host.
import { createRequire } from 'node:module';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { root, underWine } from './helpers.mjs';

const require = createRequire(import.meta.url);
const onWindows = process.platform === 'win32';

/** The public API from dist/ (npm run build), or null where it cannot run. */
export const distIndex = path.join(root, 'dist', 'lib', 'index.js');
const haveDist = fs.existsSync(distIndex);
export const lib = onWindows && haveDist ? require(distIndex) : null;

/**
 * Skip reasons for the two runs: `plain` tests expect Wine as it is, `double` tests need the double, which
 * test:wine puts in place for the run that sets envVar.
 */
export function runs(envVar, what, onRealWindows) {
  const common = !onWindows ? 'Windows node.exe only (npm run test:wine)' : !haveDist ? 'needs dist/ (npm run build)' : false;
  const withDouble = Boolean(process.env[envVar]);
  return {
    plain: common || (withDouble ? `the ${what} double is in place in this run` : !underWine ? onRealWindows : false),
    double: common || (withDouble ? false : `needs the ${what} double (${envVar}, set by npm run test:wine)`),
  };
}

/**
 * The tests' in-process channel to the doubles (test/doubles/control/control.node, built by test:wine): the doubles
 * are DLLs in this very node.exe, so a test reads a double's state as it is now and waits for the change it needs
 * (issue 10). Null where it is not built (then no test that needs a double runs: their skip names the variable).
 */
export const controlPath = path.join(root, 'build', 'doubles', 'control', 'control.node');
export const control = onWindows && fs.existsSync(controlPath) ? require(controlPath) : null;

/** The module each family's double is loaded as (test/doubles/<family>/*.def LIBRARY). */
export const doubleModule = { vss: 'vssapi.dll', mi: 'mi.dll', imapi2: 'imapi2_double.dll', axe: 'AxeCore.dll' };

/** How long a wait for a state may take before it is a hang: a deadline, never what decides a test. */
export const STATE_DEADLINE_MS = 30_000;

const emptyLog = () => ({ calls: [], violations: [], live: {}, created: {}, version: 0 });

/**
 * A double's log as it is now, from the double itself (no file, nothing stale): { calls, violations, live, created,
 * version }. Before this process has loaded the double: an empty log of version 0.
 */
export function doubleState(family) {
  if (!control) throw new Error(`no ${controlPath}: build it with test/doubles/control/build.sh (npm run test:wine does)`);
  const json = control.snapshot(doubleModule[family]);
  return json === null ? emptyLog() : JSON.parse(json);
}

/**
 * Resolves with the double's log once check(log) is true, re-checking at every change the double makes (it wakes
 * us; no polling). Rejects after `deadlineMs` naming `what` and the last log's tail: a hang becomes a failure.
 */
export async function untilState(family, check, what, deadlineMs = STATE_DEADLINE_MS) {
  const end = Date.now() + deadlineMs;
  for (;;) {
    const log = doubleState(family);
    if (check(log)) return log;
    const left = end - Date.now();
    if (left <= 0) {
      const tail = log.calls.slice(-8).map((c) => `${c.call}${c.result ? ' ' + c.result : ''}${c.n !== undefined ? ' #' + c.n : ''}`);
      throw new Error(`timed out after ${deadlineMs} ms waiting for ${what} (the ${family} double's last calls: ${tail.join(', ') || 'none'})`);
    }
    await control.waitChange(doubleModule[family], log.version, Math.min(left, 2_000));
  }
}

/**
 * p, or a rejection naming `what` once `deadlineMs` passed: for a wait that a broken backend would make endless (a
 * held step that is never cancelled, a terminate that never returns). The deadline decides nothing else.
 */
export function withDeadline(p, what, deadlineMs = STATE_DEADLINE_MS) {
  let timer;
  const hang = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: not within ${deadlineMs} ms`)), deadlineMs);
  });
  return Promise.race([p, hang]).finally(() => clearTimeout(timer));
}

let seq = 0;
/**
 * A fresh scenario and log for a double: the scenario goes through a file (WINOPS_SCENARIO may name one; an
 * environment variable holds at most 32767 characters on Windows). The doubles read both variables when an object
 * is created (CreateVssBackupComponents, NewSession, ...).
 *
 * Returns readLog(): the double's log in this process, as it is now (doubleState). With it:
 *   readLog.until(check, what)  waits for the state check() accepts (untilState)
 *   readLog.held(gate)          waits until the double holds that scenario gate (e.g. 'vss:doSnapshotSet')
 *   readLog.release(gate)       releases it
 *   readLog.file()              the log file the double writes, for a double in another process (runChild), read
 *                               after that process exited
 *   readLog.path                that file's path
 */
export function useScenario(family, section) {
  const base = path.join(os.tmpdir(), `winops-${family}-double-${process.pid}-${++seq}`);
  fs.writeFileSync(`${base}.scenario.json`, JSON.stringify({ [family]: section }));
  process.env.WINOPS_SCENARIO = `${base}.scenario.json`;
  fs.rmSync(`${base}.log.json`, { force: true }); // left by an earlier process with the same pid (Wine reuses pids)
  process.env.WINOPS_DOUBLE_LOG = `${base}.log.json`;
  const readLog = () => doubleState(family);
  return Object.assign(readLog, {
    path: `${base}.log.json`,
    until: (check, what, deadlineMs) => untilState(family, check, what, deadlineMs),
    held: (gate) => untilState(family, (l) => (l.held ?? []).includes(gate), `the ${family} double to hold ${gate}`),
    release: (gate) => control.release(doubleModule[family], gate),
    file: () => JSON.parse(fs.readFileSync(`${base}.log.json`, 'utf8')),
  });
}

export async function settle(p) {
  try {
    return { ok: true, value: await p };
  } catch (error) {
    return { ok: false, error };
  }
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Runs `source` in a child of this same host (with this process's environment, so the same double and
 * scenario) with stdio going to a file: a pipe as node.exe's stdout/stderr breaks under Wine.
 * Resolves { code, ms, output }.
 */
export function runChild(source, timeoutMs = 20000) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'winops-child-'));
  const script = path.join(dir, 'child.js');
  fs.writeFileSync(script, source);
  const outPath = path.join(dir, 'out.log');
  const fd = fs.openSync(outPath, 'w');
  const t0 = Date.now();
  // Under Wine, CreateProcess now and then fails outright (spawn UNKNOWN, errno -4094; seen once today, in a coverage run)
  // before the child exists: that is the harness failing to start the test, so it tries again, twice at most.
  let child;
  for (let attempt = 1; ; attempt++) {
    try {
      child = spawn(process.execPath, [script], { stdio: ['ignore', fd, fd], env: process.env });
      break;
    } catch (e) {
      if (attempt >= 3 || e?.syscall !== 'spawn') throw e;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
    }
  }
  fs.closeSync(fd);
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill(), timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      const output = fs.readFileSync(outPath, 'utf8');
      fs.rmSync(dir, { recursive: true, force: true });
      resolve({ code, ms: Date.now() - t0, output });
    });
  });
}
