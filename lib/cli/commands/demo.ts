/**
 * winops demo: each of the four families once, each with a cancel, printing the typed outcomes. Where Windows is
 * absent (and no backend was chosen) it runs on the fake with a scenario slow enough for the cancels to land
 * mid-operation; on Windows it runs the real APIs (VSS needs an elevated prompt) and leaves IMAPI2 and AXE to what
 * cannot harm: a recorder listing and AXE's availability.
 */
import type { Scenario } from '../../../types/scenario';
import type { AxeEvent } from '../../axe';
import type { MiInstance } from '../../mi';
import { isAbortError, type CancelOutcomeBase } from '../../operation';
import type { Winops } from '../../index';
import type { CliContext } from '../context';
import { EXIT } from '../exit';
import { AxeLadder } from '../ladder';
import { errorToText, errorReport, instanceToText, outcomeToText } from '../format';

export const DEMO_JOB = 'winops-demo-job.xml';

export const DEMO_SCENARIO: Scenario = {
  vss: { steps: { doSnapshotSet: { durationMs: 400 } } },
  mi: { resultIntervalMs: 100 },
  imapi2: { updateIntervalMs: 50, sectorsPerUpdate: 256 },
  axe: {
    manifests: {
      [DEMO_JOB]: {
        name: 'winops demo job',
        assessments: [
          { name: 'Boot Performance (Fast Startup)', durationMs: 500, progressSteps: 4 },
          { name: 'Memory Footprint', durationMs: 10_000, progressSteps: 10, honoursCancel: false },
        ],
      },
    },
  },
};

/** The user ended the demo: Ctrl+C, or the reader of stdout went away. */
const ended = (ctx: CliContext): boolean => ctx.interrupts.interrupted || ctx.interrupts.stopped;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

class Demo {
  readonly #ctx: CliContext;
  failures = 0;

  constructor(ctx: CliContext) {
    this.#ctx = ctx;
  }

  heading(family: string, text: string): void {
    this.#ctx.out.record('demo', { family, section: text });
    this.#ctx.out.result(`\n== ${family.toUpperCase()}: ${text}`);
  }

  say(text: string): void {
    this.#ctx.out.result(`   ${text}`);
  }

  outcome(outcome: CancelOutcomeBase, what: string): void {
    this.#ctx.out.record('demo-outcome', { family: outcome.family, what, outcome });
    this.say(`cancel outcome (${what}): ${outcomeToText(outcome)}`);
  }

  /** Runs one section; a Windows error is printed and the demo goes on; a Ctrl+C from the user ends it. */
  async section(family: string, fn: () => Promise<void>): Promise<void> {
    try {
      await fn();
    } catch (e) {
      if (ended(this.#ctx)) throw e;
      this.failures++;
      this.#ctx.out.record('demo-error', { family, error: errorReport(e) });
      this.say(errorToText(e, this.#ctx.out.verbose).split('\n').join('\n   '));
    }
  }
}

async function vssPart(ctx: CliContext, d: Demo, winops: Winops, volume: string): Promise<void> {
  d.heading('vss', `snapshot ${volume}, cancelled while DoSnapshotSet is pending`);
  let cancelling: Promise<CancelOutcomeBase> | undefined;
  const op = winops.vss.createSnapshotSet(volume, {
    onStep: ({ step }) => {
      d.say(`step ${step}`);
      if (step === 'doSnapshotSet') cancelling = sleep(50).then(() => op.cancel());
    },
  });
  try {
    await ctx.run(op);
    d.say('the set was created before the cancel landed; releasing it');
    await (await op).close();
  } catch (e) {
    if (!isAbortError(e) || ended(ctx)) throw e;
  }
  if (cancelling) d.outcome(await cancelling, 'op.cancel()');

  d.heading('vss', `snapshot ${volume} to the end, then release it`);
  const set = await ctx.run(winops.vss.createSnapshotSet(volume));
  for (const s of set.snapshots) d.say(`${s.volume} -> ${s.deviceObject}`);
  await set.close();
  d.say('released (BackupComplete, then the components): no shadow copy is left');
}

async function miPart(ctx: CliContext, d: Demo, winops: Winops): Promise<void> {
  d.heading('mi', 'SELECT * FROM Win32_Process, cancelled after the first instance');
  const session = await winops.mi.openSession();
  try {
    const stream = session.query('SELECT * FROM Win32_Process');
    let first: MiInstance | undefined;
    const outcome = await ctx.interrupts.within({ cancel: () => void stream.cancel().catch(() => undefined) }, async () => {
      for await (const instance of stream) {
        first = instance;
        return stream.cancel();
      }
      return undefined;
    }).catch((e: unknown) => {
      if (isAbortError(e) && !ended(ctx)) return undefined;
      throw e;
    });
    if (first) d.say(instanceToText(first).split('\n').slice(0, 4).join('\n   '));
    if (outcome) d.outcome(outcome, 'stream.cancel()');
    d.heading('mi', 'SELECT Caption, Version FROM Win32_OperatingSystem');
    for await (const os of session.query('SELECT Caption, Version FROM Win32_OperatingSystem')) d.say(instanceToText(os).split('\n').join('\n   '));
  } finally {
    await session.close();
  }
}

async function imapiPart(ctx: CliContext, d: Demo, winops: Winops, simulated: boolean): Promise<void> {
  d.heading('imapi2', 'recorders');
  const recorders = await winops.imapi2.listRecorders();
  for (const r of recorders) d.say(`${r.volumePaths.join(',') || r.id}: ${r.vendorId} ${r.productId}, media ${r.media.present ? r.media.physicalType : 'none'}`);
  if (recorders.length === 0) d.say('(none)');
  if (!simulated) {
    d.say('(a real disc is not burned in a demo: try `winops burn image.iso` with blank media)');
    return;
  }
  d.heading('imapi2', 'burn a 40 MiB image, cancelled at 30% (CancelWrite from inside an Update)');
  let cancelling: Promise<CancelOutcomeBase> | undefined;
  let shown = -1;
  const op = winops.imapi2.burn(new Uint8Array(40 * 1024 * 1024), {
    onProgress: (p) => {
      const tenth = Math.floor(p.percent / 10);
      if (tenth !== shown) {
        shown = tenth;
        d.say(`${p.percent.toFixed(1)}% ${p.action ?? ''}`);
      }
      if (p.percent >= 30 && !cancelling) cancelling = op.cancel();
    },
  });
  try {
    await ctx.run(op);
    d.say('the burn finished before the cancel landed');
  } catch (e) {
    if (!isAbortError(e) || ended(ctx)) throw e;
  }
  if (cancelling) d.outcome(await cancelling, 'op.cancel()');
}

async function axePart(ctx: CliContext, d: Demo, winops: Winops, simulated: boolean): Promise<void> {
  d.heading('axe', 'availability');
  const a = winops.axe.availability();
  d.say(a.available ? 'AXE is available' : `AXE is not available: ${a.reason}`);
  if (!a.available || !simulated) {
    if (a.available) d.say('(run a job of your own with `winops assess job.xml`)');
    return;
  }
  d.heading('axe', 'a job whose second assessment ignores cancels: the escalation ladder with a 300 ms grace');
  const job = await winops.axe.loadJob(DEMO_JOB);
  try {
    let cancelling: Promise<CancelOutcomeBase> | undefined;
    const onEvent = (e: AxeEvent): void => {
      if (e.type === 'assessment-begin') d.say(`[${e.index + 1}/${job.assessments.length}] ${e.name}: started`);
      if (e.type === 'assessment-end') d.say(`[${e.index + 1}/${job.assessments.length}] ${e.name}: ${e.code}`);
      if (e.type === 'assessment-begin' && e.index === 1) cancelling = sleep(100).then(() => run.cancel());
    };
    const run = job.run({ grace: 300, onEvent });
    try {
      // A further Ctrl+C: the next rung of the ladder at once, as `winops assess` does.
      await ctx.run(run, { escalation: new AxeLadder(run).escalation });
    } catch (e) {
      if (!isAbortError(e) || ended(ctx)) throw e;
    }
    if (cancelling) d.outcome(await cancelling, 'run.cancel()');
  } finally {
    await job.close();
  }
}

export async function demoCommand(ctx: CliContext): Promise<number> {
  const chosen = ctx.chosen(DEMO_SCENARIO);
  const winops = ctx.winops();
  const d = new Demo(ctx);
  const volume = chosen.simulated ? 'C:\\' : `${(ctx.io.env.SystemDrive ?? 'C:').replace(/\\$/, '')}\\`;
  ctx.out.result(`winops demo on the ${chosen.backend.name} backend${chosen.simulated ? ' (simulated Windows)' : ''}`);
  await d.section('vss', () => vssPart(ctx, d, winops, volume));
  await d.section('mi', () => miPart(ctx, d, winops));
  await d.section('imapi2', () => imapiPart(ctx, d, winops, chosen.simulated));
  await d.section('axe', () => axePart(ctx, d, winops, chosen.simulated));
  ctx.out.result(`\ndemo done${d.failures > 0 ? ` with ${d.failures} failed section${d.failures === 1 ? '' : 's'}` : ''}`);
  ctx.out.record('demo-end', { failures: d.failures });
  return d.failures > 0 ? EXIT.FAILURE : EXIT.OK;
}
