#!/usr/bin/env bash
# Builds the vssapi.dll test double into build/doubles/vssapi/ and, with --install, puts it where the
# addon looks for vssapi.dll under Wine. Test code only; used by scripts/wine/test.sh. Warnings are errors.
#
# How the double is selected (measured with Wine 8.0):
# - The addon loads vssapi.dll with LOAD_LIBRARY_SEARCH_SYSTEM32, so the double must be the prefix's
#   system32\vssapi.dll. It is copied over Wine's own file there; Wine's default load order for vssapi
#   is builtin-first, so every process still gets Wine's builtin vssapi (CreateVssBackupComponentsInternal
#   -> E_NOTIMPL) unless told otherwise.
# - WINEDLLOVERRIDES=vssapi=n would select it, but only for a process started from Linux: Wine gives a
#   child of a Windows process (node.exe spawning node.exe) the WINEDLLOVERRIDES of the Linux-side
#   parent, whatever env the child was spawned with. So the tests use a per-application override instead:
#   HKCU\Software\Wine\AppDefaults\winops-doubles.exe\DllOverrides vssapi=native. A test runs the
#   double-backed child as a copy (hard link) of its own host named winops-doubles.exe; the main test
#   process and every other host keep Wine's vssapi.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
out="$root/build/doubles/vssapi"
src="$root/test/doubles/vssapi"
mkdir -p "$out"
# Symbolic codes for the scenario's Code fields, from the same table lib/ uses.
node -e '
const t = require("fs").readFileSync(process.argv[1], "utf8");
const rows = [...t.matchAll(/\{ name: "([A-Z0-9_]+)", value: (0x[0-9A-Fa-f]+)/g)].map((m) => `{"${m[1]}", ${m[2]}UL},`);
require("fs").writeFileSync(process.argv[2], rows.join("\n") + "\n");
' "$root/lib/codes.generated.ts" "$out/codes.inc"
CXX=x86_64-w64-mingw32-g++-posix
# (No -Wnon-virtual-dtor: COM interfaces have none; each object deletes itself as its own class.)
flags=(-std=c++17 -O1 -Wall -Wextra -Werror -DUNICODE -D_UNICODE -DWIN32_LEAN_AND_MEAN -DNOMINMAX
  -D_WIN32_WINNT=0x0A00 -I"$root/test/doubles" -I"$out")
$CXX "${flags[@]}" -shared -static -static-libgcc -static-libstdc++ -o "$out/vssapi.dll" \
  "$src/vssapi_double.cc" "$src/vssapi_double.def" -lole32 -loleaut32 -luuid

if [ "${1:-}" = --install ]; then
  : "${WINEPREFIX:?WINEPREFIX must be set (source scripts/wine/lib.sh)}"
  cp "$out/vssapi.dll" "$WINEPREFIX/drive_c/windows/system32/vssapi.dll"
  marker="$WINEPREFIX/.winops-doubles-vssapi"
  if [ ! -f "$marker" ]; then
    reg="$out/vssapi-double.reg"
    printf 'REGEDIT4\n\n[HKEY_CURRENT_USER\\Software\\Wine\\AppDefaults\\winops-doubles.exe\\DllOverrides]\n"vssapi"="native"\n' >"$reg"
    wine regedit /S "$(winepath -w "$reg")" </dev/null >/dev/null 2>&1
    touch "$marker"
  fi
fi
