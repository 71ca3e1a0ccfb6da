export interface PeImports {
  readonly machine: string;
  readonly imports: string[];
  readonly delayImports: string[];
}
export function peImports(pathOrBuffer: string | Buffer): PeImports;
export const MINGW_RUNTIME_DLLS: readonly string[];
