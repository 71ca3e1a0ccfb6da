#!/usr/bin/env bash
# Builds bench/naive (bench-only, never shipped) -> build/bench-naive/naive.node, with the same mingw-w64
# toolchain and warnings-as-errors as the addon. Linked against a plain import library of node.exe: it is
# only ever loaded by node.exe in bench/eventloop.mjs (scripts/wine/bench.sh).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
out="$root/build/bench-naive"
mkdir -p "$out"
read -r inc def < <(cd "$root" && node -p "const h=require('node-api-headers'); h.include_dir + ' ' + h.def_paths.node_api_def")
(cd "$out" && x86_64-w64-mingw32-dlltool --input-def "$def" --dllname node.exe --output-lib libnode_api.a)
x86_64-w64-mingw32-g++-posix -std=c++17 -O2 -Wall -Wextra -Werror -DUNICODE -D_UNICODE -DWIN32_LEAN_AND_MEAN \
  -DNOMINMAX -D_WIN32_WINNT=0x0A00 -DNAPI_VERSION=8 -isystem "$inc" -I"$root/native" \
  -shared -static -static-libgcc -static-libstdc++ -Wl,--no-undefined -o "$out/naive.node" \
  "$root/bench/naive/naive.cc" "$out/libnode_api.a" -lole32 -luuid
