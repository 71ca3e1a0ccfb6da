#!/usr/bin/env bash
# Builds the IMAPI2 test double (an in-proc COM server) and the ABI check into build/doubles/imapi2/.
# Test code only; used by scripts/wine/test.sh. Warnings are errors, as for the addon.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
out="$root/build/doubles/imapi2"
src="$root/test/doubles/imapi2"
mkdir -p "$out"
# Symbolic codes for the scenario's Code fields, from the same table lib/ uses.
node "$root/test/doubles/common/codes-inc.mjs" "$out/codes.inc"
# The vtable tables of imapi2-abi.md as {iface, method, byte offset} rows for abi_check.cc.
ref="${WINOPS_REFERENCE:-$root/../shared/reference}"
if [ ! -f "$ref/imapi2-abi.md" ]; then
  echo "imapi2-abi.md not found in $ref (set WINOPS_REFERENCE): the ABI check is not built" >&2
  rm -f "$out/abi_check.exe" "$out/abi_expected.inc"
else
node -e '
const lines = require("fs").readFileSync(process.argv[1], "utf8").split("\n");
let iface = null; const rows = [];
for (const l of lines) {
  const h = l.match(/^#### (\w+)/);
  if (h) { iface = h[1]; continue; }
  if (/^#/.test(l)) { iface = null; continue; }
  const m = iface && l.match(/^\| (\d+) \| (\d+) \| (\w+)/);
  if (m) rows.push(`{"${iface}", "${m[3]}", ${m[2]}},`);
}
if (rows.length < 100) throw new Error(`only ${rows.length} vtable rows found in imapi2-abi.md`);
require("fs").writeFileSync(process.argv[2], rows.join("\n") + "\n");
' "$ref/imapi2-abi.md" "$out/abi_expected.inc"
fi
CXX=x86_64-w64-mingw32-g++-posix
flags=(-std=c++17 -O1 -Wall -Wextra -Werror -Wnon-virtual-dtor -DUNICODE -D_UNICODE -DWIN32_LEAN_AND_MEAN -DNOMINMAX
  -D_WIN32_WINNT=0x0A00 -I"$root/native" -I"$root/test/doubles" -I"$out" -I"$src")
$CXX "${flags[@]}" -shared -static -static-libgcc -static-libstdc++ -o "$out/imapi2_double.dll" \
  "$src/imapi2_double.cc" "$src/imapi2_double.def" -lole32 -loleaut32 -luuid
if [ -f "$out/abi_expected.inc" ]; then
  $CXX "${flags[@]}" -static -o "$out/abi_check.exe" "$src/abi_check.cc" -lole32 -loleaut32 -luuid
fi
$CXX "${flags[@]}" -static -o "$out/selftest.exe" "$src/selftest.cc" -lole32 -loleaut32 -luuid
