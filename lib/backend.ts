import type { Backend } from '../types/backend';
import { BackendUnavailableError } from './errors';
import { createFakeBackend, scenarioFromEnv } from './fake/index';
import { loadNativeBackend } from './native/index';

/** 'fake', 'native', or a backend object of your own (e.g. a configured createFakeBackend()). */
export type BackendChoice = 'fake' | 'native' | Backend;

/**
 * Picks the backend, explicitly and never silently:
 * 1. the `choice` argument (an option of createWinops);
 * 2. the WINOPS_BACKEND environment variable ('fake' or 'native'; the fake reads WINOPS_SCENARIO);
 * 3. on Windows, the native addon;
 * 4. elsewhere, a BackendUnavailableError that says how to opt into the fake.
 */
export function resolveBackend(choice?: BackendChoice, env: NodeJS.ProcessEnv = process.env, platform: string = process.platform): Backend {
  if (choice !== undefined && typeof choice === 'object' && choice !== null) {
    for (const k of ['vss', 'mi', 'imapi2', 'axe', 'openHandles'] as const) {
      if (!(k in choice)) throw new TypeError(`createWinops: options.backend is missing '${k}'; pass 'fake', 'native' or a Backend object`);
    }
    return choice;
  }
  if (choice !== undefined && choice !== 'fake' && choice !== 'native') {
    throw new TypeError(`createWinops: options.backend must be 'fake', 'native' or a Backend object, got ${JSON.stringify(choice)}`);
  }
  let name = choice;
  if (name === undefined) {
    const fromEnv = env.WINOPS_BACKEND?.trim().toLowerCase();
    if (fromEnv !== undefined && fromEnv !== '') {
      if (fromEnv !== 'fake' && fromEnv !== 'native') {
        throw new BackendUnavailableError({ family: 'core', code: 'WINOPS_BAD_BACKEND', hresult: undefined, call: 'resolveBackend', message: `WINOPS_BACKEND must be 'fake' or 'native', got ${JSON.stringify(env.WINOPS_BACKEND)}` });
      }
      name = fromEnv;
    }
  }
  if (name === 'fake') return createFakeBackend(scenarioFromEnv(env));
  if (name === 'native' || platform === 'win32') return loadNativeBackend();
  throw new BackendUnavailableError({
    family: 'core',
    code: 'WINOPS_NO_BACKEND',
    hresult: undefined,
    call: 'resolveBackend',
    message:
      `winops runs the real Windows APIs only on Windows (this is ${platform}). To simulate them, ` +
      `pass { backend: 'fake' } to createWinops() or set WINOPS_BACKEND=fake. winops never falls back to the simulation by itself.`,
  });
}
