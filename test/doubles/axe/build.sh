#!/usr/bin/env bash
# Test builds for AXE (used by scripts/wine/test.sh), into build/:
#   doubles/axe/AxeCore.dll      the AxeCore.dll double (test/doubles/axe/axe_double.cc)
#   win32-x64-axe-standin/       the addon built a second time, against the STAND-IN AxeHosting.h
#                                (test/doubles/axe/include: vtable order ours, never shipped)
# Both sides compile the same stand-in header, so what runs is winops' AXE logic against the double;
# nothing about Microsoft's binary interface is verified here.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
out="$root/build/doubles/axe"
src="$root/test/doubles/axe"
mkdir -p "$out"
node "$root/test/doubles/common/codes-inc.mjs" "$out/codes.inc"
CXX=x86_64-w64-mingw32-g++-posix
"$CXX" -std=c++17 -O1 -Wall -Wextra -Werror -Wnon-virtual-dtor -DUNICODE -D_UNICODE -DWIN32_LEAN_AND_MEAN -DNOMINMAX \
  -D_WIN32_WINNT=0x0A00 -isystem "$src/include" -I"$root/test/doubles" -I"$out" -shared -static -static-libgcc -static-libstdc++ \
  -o "$out/AxeCore.dll" "$src/axe_double.cc" "$src/axe_double.def"

standin="$root/build/win32-x64-axe-standin"
cmake -S "$root" -B "$standin" -DCMAKE_TOOLCHAIN_FILE="$root/cmake/mingw-w64-x86_64.cmake" \
  -DCMAKE_BUILD_TYPE="${WINOPS_BUILD_TYPE:-Release}" -DWINOPS_AXE_SDK="$src/include" -DWINOPS_AXE_STANDIN=ON \
  >"$standin.configure.log" 2>&1 || { cat "$standin.configure.log" >&2; exit 1; }
cmake --build "$standin" -j "${WINOPS_JOBS:-$(nproc)}" --target winops
