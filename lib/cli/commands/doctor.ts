/** winops doctor: doctor() as a table (check, status, detail, next step), or one JSON record per check with --json. */
import { doctor, type DoctorCheck } from '../../doctor';
import { BackendUnavailableError } from '../../errors';
import type { CliContext } from '../context';
import { EXIT } from '../exit';

const MARK: Record<DoctorCheck['status'], string> = { ok: 'ok', missing: 'MISSING', warn: 'warn', error: 'ERROR' };

export function doctorTable(checks: readonly DoctorCheck[]): string[] {
  const w = Math.max(...checks.map((c) => c.check.length));
  const s = Math.max(...checks.map((c) => MARK[c.status].length));
  const lines: string[] = [];
  for (const c of checks) {
    lines.push(`${c.check.padEnd(w)}  ${MARK[c.status].padEnd(s)}  ${c.detail}`);
    if (c.next !== undefined) lines.push(`${''.padEnd(w)}  ${''.padEnd(s)}  -> ${c.next}`);
  }
  return lines;
}

function print(ctx: CliContext, checks: readonly DoctorCheck[], summary: Record<string, unknown>): void {
  for (const c of checks) ctx.out.record('check', { ...c });
  ctx.out.record('doctor', summary);
  for (const line of doctorTable(checks)) ctx.out.result(line);
}

export async function doctorCommand(ctx: CliContext): Promise<number> {
  let backend;
  try {
    backend = ctx.chosen().backend;
  } catch (e) {
    if (!(e instanceof BackendUnavailableError)) throw e;
    const check: DoctorCheck = { check: 'backend', status: 'error', detail: `${e.code}: ${e.message}`, next: 'on Windows x64 reinstall winops (npm install --ignore-scripts works); elsewhere run `winops --backend fake doctor` to see the simulated report' };
    print(ctx, [check], { backend: null, simulated: false, ok: false });
    return EXIT.BACKEND_UNAVAILABLE;
  }
  const report = await doctor({ backend });
  print(ctx, report.checks, { backend: report.backend, simulated: report.simulated, ok: report.ok });
  if (!ctx.out.json) {
    const counts = (['error', 'missing', 'warn'] as const).map((s) => `${report.checks.filter((c) => c.status === s).length} ${s}`).join(', ');
    ctx.out.note(`(${report.checks.length} checks: ${counts}${report.simulated ? '; SIMULATED by the fake backend' : ''})`);
  }
  return report.ok ? EXIT.OK : EXIT.FAILURE;
}
