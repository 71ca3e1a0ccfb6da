import { join } from 'node:path';
import type { Backend } from '../../types/backend';
import { BackendUnavailableError } from '../errors';

/** The package root (dist/lib/native/index.js or lib/native/index.ts -> three or two levels up). */
function packageRoot(): string {
  return __dirname.includes(`${join('dist', 'lib')}`) ? join(__dirname, '..', '..', '..') : join(__dirname, '..', '..');
}

/**
 * Loads the native addon (prebuilds/ or build/ through node-gyp-build) and returns its backend.
 * Throws BackendUnavailableError with every reason when it cannot.
 */
export function loadNativeBackend(): Backend {
  const root = packageRoot();
  let addon: unknown;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const load = require('node-gyp-build') as (dir: string) => unknown;
    addon = load(root);
  } catch (e) {
    throw new BackendUnavailableError({
      family: 'core',
      code: 'WINOPS_NATIVE_UNAVAILABLE',
      hresult: undefined,
      call: 'loadNativeBackend',
      message: `the winops native addon could not be loaded from ${root} (${e instanceof Error ? e.message : String(e)}). ` +
        `It ships prebuilt for win32-x64; elsewhere use { backend: 'fake' } or WINOPS_BACKEND=fake.`,
      cause: e,
    });
  }
  const backend = (addon as { backend?: () => Backend }).backend;
  if (typeof backend !== 'function') {
    throw new BackendUnavailableError({
      family: 'core',
      code: 'WINOPS_NATIVE_INCOMPLETE',
      hresult: undefined,
      call: 'loadNativeBackend',
      message: 'the winops native addon in this build does not export the backend contract (backend()).',
    });
  }
  return backend();
}
