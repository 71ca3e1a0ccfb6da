export const PREBUILD: string;
export const MANIFEST: string;
export function sha256Of(file: string): string;
export function checkPrebuild(root?: string): string[];
