// Writes codes.inc for test/doubles/common/double_support.h: one {"NAME", 0x...UL} row per code with a published value,
// from lib/codes.generated.ts (the table lib/ uses), so the doubles name codes exactly as the library does.
//   node test/doubles/common/codes-inc.mjs <out/codes.inc>
// Test code only; called by each double's build.sh.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const out = process.argv[2];
if (!out) throw new Error('usage: node test/doubles/common/codes-inc.mjs <out/codes.inc>');
const table = fs.readFileSync(path.join(root, 'lib', 'codes.generated.ts'), 'utf8');
const rows = [...table.matchAll(/\{ name: "([A-Z0-9_]+)", value: (0x[0-9A-Fa-f]+)/g)].map((m) => `{"${m[1]}", ${m[2]}UL},`);
if (rows.length < 100) throw new Error(`only ${rows.length} codes found in lib/codes.generated.ts`);
fs.writeFileSync(out, rows.join('\n') + '\n');
