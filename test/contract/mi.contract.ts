import type { BackendFactory } from './harness';
export function miContract(_n: string, _m: BackendFactory): void {}
