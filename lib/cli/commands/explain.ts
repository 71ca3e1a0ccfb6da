/** winops explain CODE...: name, family, message and retryability of any HRESULT (or a symbolic name). */
import { codeByName, describeHresult, MI_RESULTS, type HresultDescription } from '../../codes';
import type { CliContext } from '../context';
import { EXIT, UsageError } from '../exit';

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
    if (!Number.isSafeInteger(value) || value < -0x80000000 || value > 0xffffffff) throw new UsageError(`${input} is not a 32-bit value`);
  }
  if (value !== undefined) return { kind: 'hresult', input, d: describeHresult(value) };
  const name = text.toUpperCase();
  const mi = MI_RESULTS.find((r) => r.name === name);
  if (mi) return { kind: 'mi', input, name: mi.name, value: mi.value, message: mi.message };
  const info = codeByName(name);
  if (!info) throw new UsageError(`${JSON.stringify(input)} is neither a number (0x80042306, -2147212538) nor a code name winops knows`);
  if (info.value === undefined) return { kind: 'unpublished', input, name: info.name, family: info.family, message: info.message, retryable: info.retryable };
  return { kind: 'hresult', input, d: describeHresult(info.value) };
}

export function explainCommand(ctx: CliContext, inputs: readonly string[]): number {
  const all = inputs.map(explain);
  all.forEach((e, i) => {
    if (ctx.out.json) {
      if (e.kind === 'hresult') ctx.out.record('code', { input: e.input, value: e.d.hresult, ...e.d, hresult: e.d.hresult, name: e.d.name ?? null });
      else if (e.kind === 'mi') ctx.out.record('code', { input: e.input, name: e.name, family: 'mi', miResult: e.value, message: e.message, retryable: e.value === 27 });
      else ctx.out.record('code', { input: e.input, name: e.name, family: e.family, hresult: null, message: e.message, retryable: e.retryable, unpublished: true });
      return;
    }
    const lines: string[] = [];
    if (e.kind === 'hresult') {
      const d = e.d;
      lines.push(`${d.hex}  ${d.name ?? '(unknown)'}`);
      lines.push(`  family:    ${d.family}`);
      lines.push(`  message:   ${d.message}`);
      lines.push(`  retryable: ${d.retryable ? 'yes' : 'no'}`);
      lines.push(`  severity:  ${d.severity === 1 ? 'failure' : 'success'}; facility ${d.facilityName} (${d.facility}); code 0x${d.codeField.toString(16).toUpperCase().padStart(4, '0')}${d.win32 !== undefined ? ` (Win32 error ${d.win32})` : ''}`);
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
    ctx.out.result(`${i > 0 ? '\n' : ''}${lines.join('\n')}`);
  });
  return EXIT.OK;
}
