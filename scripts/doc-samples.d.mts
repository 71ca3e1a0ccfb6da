// Types of scripts/doc-samples.mjs for the TypeScript tests that use it (test/docs/samples.test.ts).
export interface Sample {
  readonly file: string;
  readonly line: number;
  readonly lang: 'js' | 'ts';
  readonly code: string;
  readonly scenario?: string;
  readonly excerpt?: string;
  readonly files?: readonly { readonly name: string; readonly size: number }[];
}
export interface SampleRun { readonly ok: boolean; readonly code: number | null; readonly stdout: string; readonly stderr: string; readonly ms: number; readonly why: string }
export const ROOT: string;
export const SAMPLE_DEADLINE_MS: number;
export const NODE22_VERSION: string;
export function docFiles(root?: string): string[];
export function extractSamples(root?: string, files?: readonly string[]): Sample[];
export function instrumentClaims(code: string, file: string, line: number): { code: string; claims: number };
export function sampleProgram(sample: Sample): { name: string; text: string; offset: number; claims: number };
export function runJsSample(sample: Sample, options?: { node?: string; root?: string; deadlineMs?: number }): Promise<SampleRun>;
export function typecheckTsSamples(samples: readonly Sample[], options?: { root?: string }): { ok: boolean; output: string; files: number };
export function checkExcerpt(sample: Sample, root?: string): string | undefined;
export function fetchNode(version: string, root?: string): string;
export function node22Path(root?: string): string | undefined;
