#!/usr/bin/env node
// Include what you use, as the Windows SDK's headers would have it (issue 11).
//
// A mingw compile cannot prove it: mingw's vsbackup.h includes vss.h and vswriter.h itself, the SDK's includes
// nothing but winapifamily.h, so a file that forgets <vswriter.h> builds here and fails under MSVC
// (vsbackup.h's VSS_COMPONENTINFO uses VSS_COMPONENT_TYPE). So this check reads every native/ file's #include
// lines and asserts, from the table below:
//   - every SDK symbol the file uses (comments and string literals removed) is declared by an SDK header that the
//     file includes, directly or through our own headers ("..." includes, followed recursively) or through the
//     SDK's own #includes (`includes` below, which are the SDK's, not mingw's);
//   - every SDK header it includes comes after the headers it needs but does not include itself (`needs`).
//
// The table is read from the SDK headers of microsoft/win32metadata (generation/WinSDK/RecompiledIdlHeaders/um,
// checked at commit d0f36303). `node scripts/check-includes.mjs --sdk <that folder>` re-checks it: every symbol
// must be declared (typedef, enum, class/interface, enumerator, #define, function) in its header and in no
// other header of the table, and `includes` must be exactly that header's #includes among the table's headers.
// `--native <dir>` checks another copy of native/ (the test's mutated ones). A name ending in '*' is a prefix (VSS_CT_* are VSS_COMPONENT_TYPE's enumerators).
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const SDK = {
  'vsserror.h': { includes: [], needs: [], declares: ['VSS_E_*', 'VSS_S_*'] },
  'ocidl.h': {
    includes: [],
    needs: [],
    declares: ['IConnectionPointContainer', 'IConnectionPoint', 'IEnumConnections', 'IEnumConnectionPoints'],
  },
  'vss.h': {
    includes: ['ocidl.h', 'vsserror.h'],
    needs: [],
    declares: [
      'IVssAsync', 'IVssEnumObject', 'VSS_ID', 'VSS_PWSZ', 'VSS_TIMESTAMP', 'VSS_SNAPSHOT_PROP', 'VSS_OBJECT_*',
      'VSS_BACKUP_TYPE', 'VSS_BT_*', 'VSS_SNAPSHOT_CONTEXT', 'VSS_CTX_*', 'VSS_VOLSNAP_ATTR_*', 'VSS_WRITER_STATE',
      'VSS_WS_*', 'VSS_RESTORE_TYPE', 'VSS_ROLLFORWARD_TYPE', 'VSS_SNAPSHOT_STATE', 'VSS_SS_*',
    ],
  },
  'vswriter.h': {
    includes: ['vsserror.h'],
    needs: ['vss.h'], // VSS_ID, VSS_ROLLFORWARD_TYPE, VSS_BACKUP_TYPE
    declares: [
      'VSS_USAGE_TYPE', 'VSS_UT_*', 'VSS_SOURCE_TYPE', 'VSS_ST_*', 'VSS_COMPONENT_TYPE', 'VSS_CT_*',
      'VSS_RESTOREMETHOD_ENUM', 'VSS_RME_*', 'VSS_WRITERRESTORE_ENUM', 'VSS_WRE_*', 'VSS_FILE_RESTORE_STATUS',
      'VSS_RS_*', 'IVssWMFiledesc', 'IVssWMDependency', 'IVssComponent', 'IVssWriterComponents', 'CVssWriter',
    ],
  },
  'vsbackup.h': {
    includes: [],
    needs: ['vss.h', 'vswriter.h'], // VSS_ID, VSS_SNAPSHOT_PROP; VSS_COMPONENT_TYPE, VSS_USAGE_TYPE, IVssWMFiledesc
    declares: [
      'IVssBackupComponents*', 'IVssExamineWriterMetadata*', 'IVssWMComponent', 'IVssWriterComponentsExt',
      'VSS_COMPONENTINFO', 'CreateVssBackupComponents*', 'CreateVssExamineWriterMetadata*',
      'VssFreeSnapshotProperties*', 'IsVolumeSnapshotted*', 'GetProviderMgmtInterface*', 'VSS_SW_BOOTABLE_STATE',
    ],
  },
};

const isPrefix = (n) => n.endsWith('*');
const bare = (n) => n.replace(/\*$/, '');

// Which table header declares an identifier (longest match wins: IVssWriterComponentsExt over a shorter prefix).
function providerOf(id) {
  let best = null;
  for (const [h, { declares }] of Object.entries(SDK)) {
    for (const n of declares) {
      const ok = isPrefix(n) ? id.startsWith(bare(n)) : id === n;
      if (ok && (!best || bare(n).length > best.len)) best = { h, len: bare(n).length };
    }
  }
  return best?.h ?? null;
}

// Comments, string and character literals out (raw strings are not used in native/).
const stripComments = (text) => text.replace(/\/\*[\s\S]*?\*\//g, ' ').replace(/\/\/[^\n]*/g, '');
export function stripCode(text) {
  return stripComments(text)
    .replace(/"(?:\\.|[^"\\\n])*"/g, '""')
    .replace(/'(?:\\.|[^'\\\n])*'/g, "''");
}

const includeRe = /^\s*#\s*include\s*([<"])([^>"]+)[>"]/gm;
const includesOf = (text) => [...stripComments(text).matchAll(includeRe)].map((m) => ({ kind: m[1], name: m[2] }));

// The SDK headers a file brings in, in order, through our headers and the SDK's own includes.
function sequence(nativeDir, file, read, seen = new Set()) {
  const out = [];
  const addSdk = (h) => {
    if (out.includes(h)) return;
    for (const i of SDK[h].includes) addSdk(i);
    out.push(h);
  };
  for (const inc of includesOf(read(file))) {
    if (inc.kind === '"') {
      const p = join(nativeDir, inc.name);
      if (seen.has(p) || !existsSync(p)) continue;
      seen.add(p);
      for (const h of sequence(nativeDir, p, read, seen)) if (!out.includes(h)) out.push(h);
    } else if (SDK[inc.name.toLowerCase()]) {
      addSdk(inc.name.toLowerCase());
    }
  }
  return out;
}

function walk(dir) {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

// Problems in nativeDir's .c/.cc/.h files, as strings (empty: all good).
export function checkTree(nativeDir, read = (p) => readFileSync(p, 'utf8')) {
  const problems = [];
  for (const file of walk(nativeDir).filter((p) => /\.(c|cc|h)$/.test(p)).sort()) {
    const name = relative(nativeDir, file).replaceAll('\\', '/');
    const seq = sequence(nativeDir, file, read, new Set([file]));
    const used = new Set(stripCode(read(file)).match(/\b[A-Za-z_][A-Za-z0-9_]*\b/g) ?? []);
    for (const id of [...used].sort()) {
      const h = providerOf(id);
      if (h && !seq.includes(h)) problems.push(`${name}: uses ${id} (declared by the SDK's ${h}) but does not include ${h}`);
    }
    seq.forEach((h, i) => {
      for (const need of SDK[h].needs) {
        if (!seq.slice(0, i).includes(need)) problems.push(`${name}: includes ${h}, which needs ${need} before it (the SDK's ${h} does not include it)`);
      }
    });
  }
  return problems;
}

// Re-checks the table against a folder of SDK headers (see the top).
export function checkTable(sdkDir) {
  const problems = [];
  const raw = Object.fromEntries(Object.keys(SDK).map((h) => [h, readFileSync(join(sdkDir, h), 'latin1')]));
  const text = Object.fromEntries(Object.entries(raw).map(([h, t]) => [h, stripCode(t)]));
  const esc = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const declaredIn = (h, n) => {
    const id = isPrefix(n) ? `${esc(bare(n))}[A-Za-z0-9_]*` : esc(n);
    const forms = [
      `#\\s*define\\s+${id}\\b`, `\\b(?:class|struct|interface|enum)\\s+(?:__declspec\\((?:[^()]|\\([^()]*\\))*\\)\\s*)?${id}\\b(?!\\s*;)`,
      `MIDL_INTERFACE\\(""\\)\\s*${id}\\b`,
      `\\}\\s*${id}\\s*[;,]`, `^\\s*${id}\\s*(?:=|,|$)`, `typedef\\s[^;{]*\\b${id}\\s*;`,
      `\\b(?:HRESULT|void|BOOL)\\s+(?:STDAPICALLTYPE\\s+|APIENTRY\\s+)?${id}\\s*\\(`,
    ];
    return forms.some((f) => new RegExp(f, 'm').test(text[h]));
  };
  for (const [h, spec] of Object.entries(SDK)) {
    for (const n of spec.declares) {
      if (!declaredIn(h, n)) problems.push(`${h} does not declare ${n}`);
      for (const other of Object.keys(SDK)) if (other !== h && declaredIn(other, n)) problems.push(`${n} is also declared by ${other}`);
    }
    const real = includesOf(raw[h]).map((i) => i.name.toLowerCase()).filter((n) => SDK[n] && n !== h);
    const want = [...spec.includes].sort().join(',');
    if ([...new Set(real)].sort().join(',') !== want) problems.push(`${h} includes [${real}], the table says [${spec.includes}]`);
  }
  return problems;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const root = join(dirname(fileURLToPath(import.meta.url)), '..');
  const opt = (name) => (process.argv.indexOf(name) > 0 ? process.argv[process.argv.indexOf(name) + 1] : undefined);
  const sdkAt = process.argv.indexOf('--sdk');
  const problems = sdkAt > 0 ? checkTable(opt('--sdk')) : checkTree(opt('--native') ?? join(root, 'native'));
  if (problems.length) {
    console.error('check-includes:\n  ' + problems.join('\n  '));
    process.exit(1);
  }
  console.log(sdkAt > 0 ? `check-includes: the table agrees with ${process.argv[sdkAt + 1]}` : 'check-includes: every native file includes the SDK headers it uses, in the SDK\'s order');
}
