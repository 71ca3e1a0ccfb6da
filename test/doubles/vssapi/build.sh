#!/usr/bin/env bash
# Builds the vssapi.dll test double into build/doubles/vssapi/. Test code only; used by
# scripts/wine/test.sh (then install.sh puts it in place). Warnings are errors, as for the addon.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
out="$root/build/doubles/vssapi"
src="$root/test/doubles/vssapi"
mkdir -p "$out"
# Symbolic codes for the scenario's Code fields, from the same table lib/ uses.
node "$root/test/doubles/common/codes-inc.mjs" "$out/codes.inc"
CXX=x86_64-w64-mingw32-g++-posix
# (No -Wnon-virtual-dtor: COM interfaces have none; each object deletes itself as its own class.)
flags=(-std=c++17 -O1 -Wall -Wextra -Werror -DUNICODE -D_UNICODE -DWIN32_LEAN_AND_MEAN -DNOMINMAX
  -D_WIN32_WINNT=0x0A00 -I"$root/test/doubles" -I"$out")
$CXX "${flags[@]}" -shared -static -static-libgcc -static-libstdc++ -o "$out/vssapi.dll" \
  "$src/vssapi_double.cc" "$src/vssapi_double.def" -lole32 -loleaut32 -luuid
