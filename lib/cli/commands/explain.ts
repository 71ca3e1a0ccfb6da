/** winops explain CODE...: name, family, message and retryability of any HRESULT (or a symbolic name). */
import { codeByName, describeHresult, MI_RESULTS, type HresultDescription } from '../../codes';
import type { CliContext } from '../context';
import { EXIT, UsageError } from '../exit';
import { errorReport } from '../format';

export type Explained =
  | { readonly kind: 'hresult'; readonly input: string; readonly d: HresultDescription }
  | { readonly kind: 'unpublished'; readonly input: string; readonly name: string; readonly family: string; readonly message: string; readonly retryable: boolean }
  | { readonly kind: 'mi'; readonly input: string; readonly name: string; readonly value: number; readonly message: string };

/** Reads '0x80042306', '-2147212538', '2147754758' or 'VSS_E_PROVIDER_VETO' / 'MI_RESULT_ACCESS_DENIED'. */
export function explain(input: string): Explained {
  const text = input.trim();
  let value: number | undefined;
  if (/^0x[0-9a-f]{1,8}$/i.test(text)) value = parseInt(text.slice(2), 16);
  else if (/^[0-9a-f]{8}$/i.test(text) && /[a-f]/i.test(text)) value = parseInt(text, 16);
  else if (/^-?\d+$/.test(text)) {
    value = Number(text);
    if (!Number.isSafeInteger(value) || value < -0x80000000 || value > 0xffffffff) throw new UsageError(`explain: ${JSON.stringify(input)} is not a 32-bit value`);
  }
  if (value !== undefined) return { kind: 'hresult', input, d: describeHresult(value) };
  const name = text.toUpperCase();
  const mi = MI_RESULTS.find((r) => r.name === name);
  if (mi) return { kind: 'mi', input, name: mi.name, value: mi.value, message: mi.message };
  const info = codeByName(name);
  if (!info) throw new UsageError(`explain: ${JSON.stringify(input)} is neither a number (0x80042306, -2147212538) nor a code name winops knows`);
  if (info.value === undefined) return { kind: 'unpublished', input, name: info.name, family: info.family, message: info.message, retryable: info.retryable };
  return { kind: 'hresult', input, d: describeHresult(info.value) };
}

/**
 * The --json record of one code: the fields describeHresult() gives (code: the symbolic name, null when unknown;
 * hresult: the value, a hex string as every HRESULT in winops' JSON; codeField: its low 16 bits), without the
 * deprecated `name` and `value`.
 */
export function explainRecord(e: Explained): Record<string, unknown> {
  if (e.kind === 'hresult') {
    const { name: _deprecated, code, ...d } = e.d;
    return { input: e.input, code: code ?? null, ...d };
  }
  if (e.kind === 'mi') return { input: e.input, code: e.name, family: 'mi', hresult: null, miResult: e.value, message: e.message, retryable: e.value === 27 };
  return { input: e.input, code: e.name, family: e.family, hresult: null, message: e.message, retryable: e.retryable, unpublished: true };
}

function explainText(e: Explained): string {
  const lines: string[] = [];
  if (e.kind === 'hresult') {
    const d = e.d;
    lines.push(`${d.hex}  ${d.code ?? '(unknown)'}`);
    lines.push(`  family:    ${d.family}`);
    lines.push(`  message:   ${d.message}`);
    lines.push(`  retryable: ${d.retryable ? 'yes' : 'no'}`);
    lines.push(`  severity:  ${d.severity === 1 ? 'failure' : 'success'}; facility ${d.facilityName} (${d.facility}); code field 0x${d.codeField.toString(16).toUpperCase().padStart(4, '0')}${d.win32 !== undefined ? ` (Win32 error ${d.win32})` : ''}`);
  } else if (e.kind === 'mi') {
    lines.push(`MI_Result ${e.value}  ${e.name}`);
    lines.push(`  family:    mi`);
    lines.push(`  message:   ${e.message}`);
    lines.push(`  retryable: ${e.value === 27 ? 'yes' : 'no'}`);
  } else {
    lines.push(`(value not published by Microsoft)  ${e.name}`);
    lines.push(`  family:    ${e.family}`);
    lines.push(`  message:   ${e.message}`);
    lines.push(`  retryable: ${e.retryable ? 'yes' : 'no'}`);
  }
  return lines.join('\n');
}

/** Explains every argument it can, in order; then reports those it cannot (each named) and exits 2. */
export function explainCommand(ctx: CliContext, inputs: readonly string[]): number {
  const bad: { input: string; error: UsageError }[] = [];
  let shown = 0;
  for (const input of inputs) {
    let e: Explained;
    try {
      e = explain(input);
    } catch (err) {
      if (!(err instanceof UsageError)) throw err;
      bad.push({ input, error: err });
      continue;
    }
    ctx.out.record('code', explainRecord(e));
    ctx.out.result(`${shown > 0 ? '\n' : ''}${explainText(e)}`);
    shown++;
  }
  for (const { input, error } of bad) {
    ctx.out.record('error', { ...errorReport(error), input, exitStatus: EXIT.USAGE });
    ctx.out.note(`error: ${error.message}`);
  }
  if (bad.length > 0) ctx.out.note(`(${bad.length} of ${inputs.length} argument${inputs.length === 1 ? '' : 's'} could not be explained; run 'winops help explain' for the forms it takes)`);
  return bad.length > 0 ? EXIT.USAGE : EXIT.OK;
}
