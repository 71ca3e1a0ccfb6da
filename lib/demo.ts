/**
 * A short tour of the four families, each with a cancel: `npm run demo` (or `winops demo`).
 * On Windows it runs on the native backend; elsewhere it says so and simulates Windows with the fake backend.
 */
import type { Backend } from '../types/backend';
import type { Scenario } from '../types/scenario';
import { createWinops } from './index';
import { createFakeBackend } from './fake/index';
import { describeHresult } from './codes';
import { isAbortError } from './operation';
import { wql } from './wql';

/** The scenario the demo simulates: quick, with one slow step per family to cancel. */
export const DEMO_SCENARIO: Scenario = {
  vss: { steps: { gatherWriterMetadata: { durationMs: 40 }, prepareForBackup: { durationMs: 40 }, doSnapshotSet: { durationMs: 120 } } },
  mi: { indications: { intervalMs: 40, properties: { TargetInstance: { $class: 'Win32_Process', Name: 'notepad.exe', ProcessId: 5150 } } } },
  imapi2: { updateIntervalMs: 40, sectorsPerUpdate: 1024, notInProgressUpdates: 2 },
  axe: {
    manifests: {
      'C:\\Jobs\\demo.xml': {
        name: 'Demo job',
        assessments: [
          { name: 'Boot performance', durationMs: 150, progressSteps: 3 },
          { name: 'Stubborn assessment', durationMs: 60_000, honoursCancel: false },
        ],
      },
    },
  },
};

export interface DemoOptions {
  /** Where to print. Default process.stdout. */
  readonly write?: (line: string) => void;
  /** The backend; default: native on Windows (or WINOPS_BACKEND), the fake with DEMO_SCENARIO elsewhere. */
  readonly backend?: Backend;
}

function chooseBackend(): { backend: Backend | 'native'; simulated: boolean } {
  const env = process.env.WINOPS_BACKEND?.trim().toLowerCase();
  if (env === 'native' || (env !== 'fake' && process.platform === 'win32')) return { backend: 'native', simulated: false };
  return { backend: createFakeBackend(DEMO_SCENARIO), simulated: true };
}

function outcomeOf(e: unknown): string {
  if (isAbortError(e)) return JSON.stringify(e.outcome);
  throw e;
}

/** Runs the tour. Resolves when every operation has ended and been released. */
export async function runDemo(options: DemoOptions = {}): Promise<void> {
  const say = options.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  const chosen = options.backend ? { backend: options.backend, simulated: options.backend.name === 'fake' } : chooseBackend();
  const winops = createWinops({ backend: chosen.backend });
  say(chosen.simulated ? `winops demo: simulating Windows with the fake backend (this is ${process.platform})` : 'winops demo: native backend (real Windows APIs)');

  say('\n== VSS: a shadow-copy set of C:\\ and D:\\');
  const set = await winops.vss.createSnapshotSet(chosen.simulated ? ['C:\\', 'D:\\'] : ['C:\\'], { onStep: (e) => say(`  step ${e.step}`) });
  for (const s of set.snapshots) say(`  ${s.volume} -> ${s.deviceObject}`);
  await set.close();
  say('  released');
  say('== VSS: cancel during DoSnapshotSet');
  const op = winops.vss.createSnapshotSet('C:\\', { onStep: (e) => { if (e.step === 'doSnapshotSet') void op.cancel(); } });
  try {
    await op;
    say('  finished before the cancel took effect');
  } catch (e) {
    say(`  outcome ${outcomeOf(e)}`);
  }

  say('\n== MI: a query built with wql``');
  {
    await using session = await winops.mi.openSession();
    const state = 'Running';
    for await (const svc of session.query(wql`SELECT Name, State FROM Win32_Service WHERE State = ${state}`)) say(`  ${String(svc.Name)} (${String(svc.State)})`);
    say('== MI: a subscription cancelled by its timeout');
    try {
      for await (const ev of session.subscribe("SELECT * FROM __InstanceCreationEvent WITHIN 1 WHERE TargetInstance ISA 'Win32_Process'", { timeout: 150 })) {
        const target = ev.TargetInstance as Record<string, unknown> | null;
        say(`  indication: process ${String(target?.Name)} started`);
      }
    } catch (e) {
      say(`  outcome ${outcomeOf(e)}`);
    }
  }

  say('\n== IMAPI2: recorders');
  const recorders = await winops.imapi2.listRecorders();
  for (const r of recorders) say(`  ${r.volumePaths.join(' ')} ${r.vendorId} ${r.productId}: media ${r.media.physicalType}${r.media.blank ? ' (blank)' : ''}`);
  const target = recorders.find((r) => r.media.present && r.media.blank);
  if (target && chosen.simulated) {
    say('== IMAPI2: burn 8 MiB');
    const burned = await winops.imapi2.burn(new Uint8Array(8 << 20), { recorder: target.id, onProgress: (p) => say(`  ${p.action ?? ''} ${p.percent}% (LBA ${p.lastWrittenLba}, buffer ${p.usedSystemBuffer}/${p.totalSystemBuffer})`) });
    say(`  done: ${burned.code}`);
    say('== IMAPI2: cancel a burn (CancelWrite from inside Update, retried while not in progress)');
    const burn = winops.imapi2.burn(new Uint8Array(64 << 20), { recorder: target.id, onProgress: () => void burn.cancel() });
    try {
      await burn;
    } catch (e) {
      say(`  outcome ${outcomeOf(e)}`);
    }
  } else {
    say('  (no blank media: skipping the burn)');
  }

  say('\n== AXE');
  const availability = winops.axe.availability();
  if (!availability.available) {
    say(`  unavailable: ${availability.reason}`);
  } else if (chosen.simulated) {
    await using job = await winops.axe.loadJob('C:\\Jobs\\demo.xml');
    say(`  job "${job.name}": ${job.assessments.map((a) => a.name).join(', ')}`);
    const run = job.run({
      grace: 100,
      onEvent: (e) => {
        if (e.type === 'assessment-begin') {
          say(`  begin #${e.index} ${e.name}`);
          if (e.index === 1) void run.cancel();
        } else if (e.type === 'progress') say(`  progress #${e.index} ${e.progressType} ${e.value}`);
        else if (e.type === 'assessment-end') say(`  end #${e.index} ${e.code}`);
      },
    });
    try {
      await run;
    } catch (e) {
      say(`  the second assessment ignores cancel; escalation: ${outcomeOf(e)}`);
    }
  }

  say('\n== explain 0x80042306');
  const d = describeHresult(0x80042306);
  say(`  ${d.name} (${d.family}, retryable: ${d.retryable}): ${d.message}`);
}

if (require.main === module) {
  runDemo().catch((e: unknown) => {
    process.stderr.write(`winops demo failed: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}\n`);
    process.exitCode = 1;
  });
}
