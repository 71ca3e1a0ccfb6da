/** winops recorders | burn: IMAPI2 from the command line. */
import { resolve } from 'node:path';
import type { Recorder, WriteProgress } from '../../imapi2';
import type { CliContext } from '../context';
import { parseDuration } from '../duration';
import { EXIT } from '../exit';

function size(sectors: number): string {
  const bytes = sectors * 2048;
  if (bytes >= 1024 ** 3) return `${(bytes / 1024 ** 3).toFixed(1)} GiB`;
  return `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
}

function recorderLine(r: Recorder): string {
  const where = r.volumePaths.length > 0 ? r.volumePaths.join(',') : '(no drive letter)';
  const m = r.media;
  const media = !m.present
    ? 'no media'
    : `${m.physicalType}${m.blank ? ' blank' : ''}${m.writeProtected ? ' write-protected' : ''} ${size(m.freeSectors)} free of ${size(m.totalSectors)}`;
  return `${where}\t${[r.vendorId, r.productId, r.productRevision].filter((x) => x).join(' ')}\t${media}\t${r.id}`;
}

export async function recordersCommand(ctx: CliContext): Promise<number> {
  const recorders = await ctx.winops().imapi2.listRecorders();
  for (const r of recorders) {
    ctx.out.record('recorder', r as unknown as Record<string, unknown>);
    ctx.out.result(recorderLine(r));
  }
  if (!ctx.out.json) ctx.out.note(`(${recorders.length} recorder${recorders.length === 1 ? '' : 's'})`);
  return EXIT.OK;
}

export interface BurnFlags {
  readonly recorder?: string | undefined;
  readonly forceOverwrite?: boolean | undefined;
  readonly clientName?: string | undefined;
  readonly timeout?: string | undefined;
}

export async function burnCommand(ctx: CliContext, image: string, flags: BurnFlags): Promise<number> {
  const timeout = flags.timeout === undefined ? undefined : parseDuration(flags.timeout, '--timeout');
  const progress = ctx.out.progress('imapi2', 'burn', 1000);
  const onProgress = (p: WriteProgress): void => {
    const written = Math.max(0, p.lastWrittenLba - p.startLba + 1);
    progress.update({
      value: Math.round(p.percent * 10),
      label: p.action ?? 'writing',
      detail: `${Math.min(written, p.sectorCount)}/${p.sectorCount} sectors`,
      lineKey: `${p.action ?? ''}|${Math.floor(p.percent / 10)}`,
      record: { percent: p.percent, action: p.action ?? null, startLba: p.startLba, sectorCount: p.sectorCount, lastWrittenLba: p.lastWrittenLba, elapsedTime: p.elapsedTime ?? null, remainingTime: p.remainingTime ?? null },
    });
  };
  const op = ctx.winops().imapi2.burn(resolve(ctx.io.cwd, image), {
    onProgress,
    ...(flags.recorder !== undefined ? { recorder: flags.recorder } : {}),
    ...(flags.forceOverwrite ? { forceOverwrite: true } : {}),
    ...(flags.clientName !== undefined ? { clientName: flags.clientName } : {}),
    ...(timeout !== undefined ? { timeout } : {}),
  });
  let result;
  try {
    result = await ctx.run(op, { waitingFor: 'IMAPI2 to stop the write at the next Update (a CD can take minutes)' });
  } finally {
    progress.stop();
  }
  ctx.out.record('result', result as unknown as Record<string, unknown>);
  ctx.out.result(`burned ${result.sectors} sectors (${result.code})${result.warning ? `: ${result.warning}` : ''}`);
  return EXIT.OK;
}
