// The published .d.ts must compile in a consumer's project whatever its target (issue 12: TypeScript's default
// target is ES5 and cannot parse the `#private;` marker tsc writes for a class with #private fields, TS18028). This
// replaces each marker with a private property that exists only in the types: the class stays nominal (a private
// member makes it so), and no target needs ES2015 for it.
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const MARKER = /^(\s*)#private;$/gm;
let files = 0, markers = 0;
function walk(dir) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p);
    else if (name.endsWith('.d.ts')) {
      const text = readFileSync(p, 'utf8');
      const n = (text.match(MARKER) ?? []).length;
      if (n === 0) continue;
      writeFileSync(p, text.replace(MARKER, '$1private readonly __winopsPrivate?: never;'));
      files++;
      markers += n;
    }
  }
}
walk(join(root, 'dist'));
console.log(`dts-compat: ${markers} #private marker(s) in ${files} file(s) written for any target`);
