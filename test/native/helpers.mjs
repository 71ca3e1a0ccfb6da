// Shared by test/native/*.test.mjs. These tests run inside Windows node.exe (under Wine here, on
// Windows in CI later): `npm run test:wine`, or `node --test test/native/*.test.mjs` on Windows.
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const require = createRequire(import.meta.url);

export const root = path.resolve(fileURLToPath(new URL('.', import.meta.url)), '..', '..');

// WINOPS_ADDON=<path to winops.node> overrides; otherwise node-gyp-build finds
// prebuilds/win32-x64/winops.napi.node, as the published package will.
export function addonPath() {
  return process.env.WINOPS_ADDON || require('node-gyp-build').resolve(root);
}

export function loadAddon() {
  return require(addonPath());
}

export const binding = process.platform === 'win32' ? loadAddon() : null;
export const wineVersion = binding ? binding.diag.wineVersion() : null;
export const underWine = wineVersion !== null;

export const hex = (n) => '0x' + (n >>> 0).toString(16).toUpperCase().padStart(8, '0');

export const S_OK = 0;
export const S_FALSE = 1;
export const E_NOTIMPL = 0x80004001;
export const REGDB_E_CLASSNOTREG = 0x80040154;
export const ERROR_MOD_NOT_FOUND = 126;
export const HRESULT_FROM_WIN32 = (e) => (e <= 0 ? e : ((e & 0xffff) | 0x80070000) >>> 0);
export const APTTYPE_MTA = 1;
