import type { BackendFactory } from './harness';
export function imapiContract(_n: string, _m: BackendFactory): void {}
