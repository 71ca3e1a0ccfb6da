import type { BackendFactory } from './harness';
export function axeContract(_n: string, _m: BackendFactory): void {}
