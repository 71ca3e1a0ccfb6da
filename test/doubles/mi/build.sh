#!/usr/bin/env bash
# Builds the mi.dll test double into build/doubles/mi/. Test code only; used by scripts/wine/test.sh
# (install.sh puts it in place around its runs). Warnings are errors, as for the addon.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
out="$root/build/doubles/mi"
src="$root/test/doubles/mi"
mkdir -p "$out"
# Symbolic codes for double_support.h (shared with the other doubles), from the table lib/ uses.
node "$root/test/doubles/common/codes-inc.mjs" "$out/codes.inc"
CXX=x86_64-w64-mingw32-g++-posix
# native/ for mi/mi_abi.h: the double implements the very declarations the addon calls through.
flags=(-std=c++17 -O1 -Wall -Wextra -Werror -DUNICODE -D_UNICODE -DWIN32_LEAN_AND_MEAN -DNOMINMAX
  -D_WIN32_WINNT=0x0A00 -I"$root/test/doubles" -I"$root/native" -I"$out")
$CXX "${flags[@]}" -shared -static -static-libgcc -static-libstdc++ -o "$out/mi.dll" \
  "$src/mi_double.cc" "$src/mi_double.def"
