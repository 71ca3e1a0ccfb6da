// The DLLs a PE file (a .node / .dll / .exe) imports: the import directory (data directory 1) and the delay-import
// directory (13). Layout from the PE format specification (learn.microsoft.com/windows/win32/debug/pe-format):
// e_lfanew at 0x3C; "PE\0\0"; the COFF header (NumberOfSections at +2, SizeOfOptionalHeader at +16); the optional
// header (Magic 0x10B PE32 / 0x20B PE32+, ImageBase at +28 / +24, data directories at +96 / +112, 8 bytes each);
// section headers of 40 bytes (VirtualSize +8, VirtualAddress +12, SizeOfRawData +16, PointerToRawData +20);
// import directory entries of 20 bytes (Name RVA at +12, a zero entry ends the table); delay-load directory
// entries of 32 bytes (Attributes +0, Name +4: an RVA when Attributes bit 0 is set, else a VA; zero Name ends it).
import { readFileSync } from 'node:fs';

/** { machine, imports: [...], delayImports: [...] } of the PE file at `path` (or a Buffer). Throws on a non-PE. */
export function peImports(pathOrBuffer) {
  const b = Buffer.isBuffer(pathOrBuffer) ? pathOrBuffer : readFileSync(pathOrBuffer);
  if (b.length < 0x40 || b.readUInt16LE(0) !== 0x5a4d) throw new Error('not a PE file (no MZ header)');
  const pe = b.readUInt32LE(0x3c);
  if (b.readUInt32LE(pe) !== 0x00004550) throw new Error('not a PE file (no PE signature)');
  const coff = pe + 4;
  const machine = b.readUInt16LE(coff);
  const sections = b.readUInt16LE(coff + 2);
  const optSize = b.readUInt16LE(coff + 16);
  const opt = coff + 20;
  const magic = b.readUInt16LE(opt);
  if (magic !== 0x10b && magic !== 0x20b) throw new Error(`unknown optional header magic 0x${magic.toString(16)}`);
  const plus = magic === 0x20b;
  const imageBase = plus ? Number(b.readBigUInt64LE(opt + 24)) : b.readUInt32LE(opt + 28);
  const dirs = opt + (plus ? 112 : 96);
  const dir = (i) => ({ rva: b.readUInt32LE(dirs + 8 * i), size: b.readUInt32LE(dirs + 8 * i + 4) });
  const table = opt + optSize;
  const secs = [];
  for (let i = 0; i < sections; i++) {
    const s = table + 40 * i;
    secs.push({ va: b.readUInt32LE(s + 12), vsize: b.readUInt32LE(s + 8), rawSize: b.readUInt32LE(s + 16), raw: b.readUInt32LE(s + 20) });
  }
  const off = (rva) => {
    const s = secs.find((x) => rva >= x.va && rva < x.va + Math.max(x.vsize, x.rawSize));
    if (!s) throw new Error(`RVA 0x${rva.toString(16)} is in no section`);
    return rva - s.va + s.raw;
  };
  const cstr = (o) => b.toString('latin1', o, b.indexOf(0, o));
  const imports = [];
  const imp = dir(1);
  if (imp.rva !== 0) {
    for (let d = off(imp.rva); ; d += 20) {
      const name = b.readUInt32LE(d + 12);
      if (name === 0 && b.readUInt32LE(d + 16) === 0) break;
      imports.push(cstr(off(name)));
    }
  }
  const delayImports = [];
  const del = dir(13);
  if (del.rva !== 0) {
    for (let d = off(del.rva); ; d += 32) {
      const attrs = b.readUInt32LE(d);
      const name = b.readUInt32LE(d + 4);
      if (name === 0) break;
      delayImports.push(cstr(off(attrs & 1 ? name : name - imageBase)));
    }
  }
  const machines = { 0x8664: 'x64', 0x14c: 'ia32', 0xaa64: 'arm64' };
  return { machine: machines[machine] ?? `0x${machine.toString(16)}`, imports, delayImports };
}

/** The DLLs of a dynamic mingw runtime: a static build (-static, -static-libgcc, -static-libstdc++) imports none. */
export const MINGW_RUNTIME_DLLS = ['libstdc++-6.dll', 'libgcc_s_seh-1.dll', 'libgcc_s_dw2-1.dll', 'libwinpthread-1.dll'];
