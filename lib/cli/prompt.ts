/**
 * A password prompt that never echoes: the terminal is put in raw mode and nothing is written back but a newline.
 * Ctrl+C while typing is reported as an interrupt (raw mode turns it into a byte, not a SIGINT).
 */
import type { CliInputStream, CliOutputStream } from './io';

export class PromptInterrupted extends Error {
  override name = 'PromptInterrupted';
}

export function promptHidden(question: string, input: CliInputStream, output: CliOutputStream): Promise<string> {
  if (input.isTTY !== true || typeof input.setRawMode !== 'function') {
    return Promise.reject(new Error('cannot prompt for a password: standard input is not a terminal'));
  }
  output.write(question);
  input.setRawMode(true);
  input.setEncoding('utf8');
  input.resume();
  return new Promise<string>((resolve, reject) => {
    let value = '';
    const finish = (): void => {
      input.off('data', onData);
      input.setRawMode?.(false);
      input.pause();
      output.write('\n');
    };
    const onData = (chunk: string | Buffer): void => {
      for (const ch of String(chunk)) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') {
          finish();
          resolve(value);
          return;
        }
        if (ch === '\u0003') {
          finish();
          reject(new PromptInterrupted('interrupted at the password prompt'));
          return;
        }
        if (ch === '\u007f' || ch === '\b') {
          value = [...value].slice(0, -1).join('');
          continue;
        }
        if (ch === '\u0015') {
          value = ''; // Ctrl+U
          continue;
        }
        if (ch < ' ') continue; // other control characters
        value += ch;
      }
    };
    input.on('data', onData);
  });
}
