/**
 * winops query | invoke | watch: MI (WMI v2) from the command line.
 *
 * Credentials: --user NAME (DOMAIN\user or user@domain) with the password from the environment variable
 * --password-env names (default WINOPS_PASSWORD) or, on a terminal, a prompt that does not echo. The password is
 * never printed, logged or put in an error.
 */
import type { MiAuthentication, MiProtocol } from '../../../types/backend';
import type { MiCredentials, MiInstance, MiSession, MiSessionOptions } from '../../mi';
import type { CliContext } from '../context';
import { interruptReason } from '../context';
import { parseDuration } from '../duration';
import { EXIT, UsageError } from '../exit';
import { instanceToJson, instanceToText, miValueToJson, miValueToText } from '../format';
import { promptHidden, PromptInterrupted } from '../prompt';

export interface SessionFlags {
  readonly namespace?: string | undefined;
  readonly computer?: string | undefined;
  readonly user?: string | undefined;
  readonly passwordEnv?: string | undefined;
  readonly auth?: string | undefined;
  readonly protocol?: string | undefined;
  readonly timeout?: string | undefined;
}

const AUTH: readonly MiAuthentication[] = ['default', 'negotiate', 'kerberos', 'ntlm', 'basic', 'digest', 'credssp'];

/** A value given on the command line: integers (bigint past 2^53), true/false/null, JSON arrays or strings, else text. */
export function parseValue(text: string): unknown {
  if (/^-?\d+$/.test(text)) {
    const n = Number(text);
    return Number.isSafeInteger(n) ? n : BigInt(text);
  }
  if (/^-?(\d+\.\d*|\.\d+)([eE][-+]?\d+)?$/.test(text)) return Number(text);
  if (text === 'true') return true;
  if (text === 'false') return false;
  if (text === 'null') return null;
  if (text.startsWith('[') || text.startsWith('"')) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return text;
    }
  }
  return text;
}

/** 'Name=Value' -> ['Name', value]. */
export function parseAssignment(text: string, what: string): [string, unknown] {
  const i = text.indexOf('=');
  if (i <= 0) throw new UsageError(`${what} must be Name=Value, got ${JSON.stringify(text)}`);
  return [text.slice(0, i), parseValue(text.slice(i + 1))];
}

function assignments(list: readonly string[] | undefined, what: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const a of list ?? []) {
    const [k, v] = parseAssignment(a, what);
    if (k in out) throw new UsageError(`${what}: ${k} is given twice`);
    out[k] = v;
  }
  return out;
}

/** DOMAIN\user or user@domain -> { username, domain }. */
export function splitUser(user: string): { username: string; domain?: string } {
  const bs = user.indexOf('\\');
  if (bs > 0) return { domain: user.slice(0, bs), username: user.slice(bs + 1) };
  return { username: user };
}

async function credentialsFor(ctx: CliContext, flags: SessionFlags): Promise<MiCredentials | undefined> {
  if (flags.user === undefined) {
    if (flags.passwordEnv !== undefined) throw new UsageError('--password-env needs --user');
    return undefined;
  }
  if (flags.user === '') throw new UsageError('--user must not be empty');
  if (flags.auth !== undefined && !AUTH.includes(flags.auth as MiAuthentication)) throw new UsageError(`--auth must be one of ${AUTH.join(', ')}, got ${JSON.stringify(flags.auth)}`);
  const varName = flags.passwordEnv ?? 'WINOPS_PASSWORD';
  let password = ctx.io.env[varName];
  if (password === undefined) {
    if (ctx.io.stdin.isTTY !== true) {
      throw new UsageError(`--user ${flags.user}: no password: set the environment variable ${varName} (or name another with --password-env); winops prompts for it only on a terminal`);
    }
    try {
      password = await promptHidden(`Password for ${flags.user}: `, ctx.io.stdin, ctx.io.stderr);
    } catch (e) {
      if (e instanceof PromptInterrupted) {
        ctx.interrupts.interrupt();
        throw new UsageError('interrupted at the password prompt');
      }
      throw e;
    }
  }
  const { username, domain } = splitUser(flags.user);
  return {
    username,
    password,
    ...(domain !== undefined ? { domain } : {}),
    ...(flags.auth !== undefined ? { authentication: flags.auth as MiAuthentication } : {}),
  };
}

function timeoutOf(flags: { timeout?: string | undefined }): { timeout?: number } {
  return flags.timeout === undefined ? {} : { timeout: parseDuration(flags.timeout, '--timeout') };
}

async function openSession(ctx: CliContext, flags: SessionFlags): Promise<MiSession> {
  if (flags.protocol !== undefined && flags.protocol !== 'wsman' && flags.protocol !== 'dcom') throw new UsageError(`--protocol must be wsman or dcom, got ${JSON.stringify(flags.protocol)}`);
  const credentials = await credentialsFor(ctx, flags);
  const winops = ctx.winops();
  const controller = new AbortController();
  const options: MiSessionOptions = {
    signal: controller.signal,
    ...(flags.computer !== undefined ? { computer: flags.computer } : {}),
    ...(flags.namespace !== undefined ? { namespace: flags.namespace } : {}),
    ...(flags.protocol !== undefined ? { protocol: flags.protocol as MiProtocol } : {}),
    ...(credentials !== undefined ? { credentials } : {}),
    ...timeoutOf(flags),
  };
  return ctx.interrupts.within({ cancel: () => controller.abort(interruptReason()), waitingFor: 'the session to open' }, () => winops.mi.openSession(options));
}

function printInstance(ctx: CliContext, type: string, instance: MiInstance, first: boolean): void {
  if (ctx.out.json) ctx.out.record(type, instanceToJson(instance));
  else ctx.out.result(`${first ? '' : '\n'}${instanceToText(instance)}`);
}

async function streamAll(
  ctx: CliContext,
  type: 'instance' | 'indication',
  start: (session: MiSession) => import('../../mi').MiStream,
  flags: SessionFlags,
  count?: number,
): Promise<number> {
  const session = await openSession(ctx, flags);
  let n = 0;
  try {
    const stream = start(session);
    await ctx.interrupts.within(
      {
        cancel: () => void stream.cancel(interruptReason()).catch(() => undefined),
        waitingFor: 'MI to deliver the final result of the cancelled operation',
      },
      async () => {
        for await (const instance of stream) {
          printInstance(ctx, type, instance, n === 0);
          n++;
          if (count !== undefined && n >= count) break;
        }
      },
    );
  } finally {
    await session.close().catch(() => undefined);
  }
  ctx.out.record('end', { count: n });
  if (!ctx.out.json) ctx.out.note(`(${n} ${type === 'instance' ? (n === 1 ? 'instance' : 'instances') : n === 1 ? 'indication' : 'indications'})`);
  return EXIT.OK;
}

export function queryCommand(ctx: CliContext, query: string, flags: SessionFlags & { dialect?: string | undefined }): Promise<number> {
  const dialect = flags.dialect?.toUpperCase();
  if (dialect !== undefined && dialect !== 'WQL' && dialect !== 'CQL') throw new UsageError(`--dialect must be WQL or CQL, got ${JSON.stringify(flags.dialect)}`);
  return streamAll(ctx, 'instance', (s) => s.query(query, { ...timeoutOf(flags), ...(dialect ? { dialect: dialect as 'WQL' | 'CQL' } : {}) }), flags);
}

export function watchCommand(ctx: CliContext, query: string, flags: SessionFlags & { count?: string | undefined }): Promise<number> {
  let count: number | undefined;
  if (flags.count !== undefined) {
    count = Number(flags.count);
    if (!Number.isSafeInteger(count) || count < 1) throw new UsageError(`--count must be a whole number of at least 1, got ${JSON.stringify(flags.count)}`);
  }
  return streamAll(ctx, 'indication', (s) => s.subscribe(query, timeoutOf(flags)), flags, count);
}

export async function invokeCommand(
  ctx: CliContext,
  className: string,
  methodName: string,
  params: readonly string[],
  flags: SessionFlags & { key?: readonly string[] | undefined },
): Promise<number> {
  const parameters = assignments(params, 'a parameter');
  const keys = flags.key && flags.key.length > 0 ? assignments(flags.key, '--key') : undefined;
  const session = await openSession(ctx, flags);
  try {
    const op = session.invoke(className, methodName, parameters, { ...timeoutOf(flags), ...(keys ? { keys } : {}) });
    const r = await ctx.run(op, { waitingFor: 'MI to deliver the final result of the cancelled method call' });
    if (ctx.out.json) {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(r.out)) out[k] = miValueToJson(v);
      ctx.out.record('result', { class: className, method: methodName, returnValue: miValueToJson(r.returnValue), out });
    } else {
      ctx.out.result(`ReturnValue : ${miValueToText(r.returnValue)}`);
      for (const [k, v] of Object.entries(r.out)) ctx.out.result(`${k} : ${miValueToText(v)}`);
    }
  } finally {
    await session.close().catch(() => undefined);
  }
  return EXIT.OK;
}
