#!/usr/bin/env bash
# Cross-build the Windows x64 addon with mingw-w64 (npm run build:win).
#   -> build/win32-x64/winops.node and prebuilds/win32-x64/winops.napi.node (what node-gyp-build loads)
# Env: WINOPS_BUILD_TYPE (Release), WINOPS_JOBS (nproc).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/wine/lib.sh"
cd "$WINOPS_ROOT"
winops_lock || exit 1
mkdir -p "$WINOPS_CACHE"
winops_ensure_toolchain

[ -d node_modules/node-addon-api ] && [ -d node_modules/node-api-headers ] || {
  winops_log "node_modules lacks node-addon-api / node-api-headers: run npm ci"; exit 1; }

node scripts/wine/check-sources.mjs

t0=$(winops_now)
out=build/win32-x64
mkdir -p build
cmake -S . -B "$out" -DCMAKE_TOOLCHAIN_FILE="$WINOPS_ROOT/cmake/mingw-w64-x86_64.cmake" \
  -DCMAKE_BUILD_TYPE="${WINOPS_BUILD_TYPE:-Release}" >"$out.configure.log" 2>&1 ||
  { cat "$out.configure.log" >&2; exit 1; }
cmake --build "$out" -j "${WINOPS_JOBS:-$(nproc)}" --target winops winops_plain_import
mkdir -p prebuilds/win32-x64
cp "$out/winops.node" prebuilds/win32-x64/winops.napi.node
winops_log "built $out/winops.node in $(winops_elapsed "$t0") s"
# The DLL must import nothing named node.exe (see native/host/delay_load_host.c).
imports=$(x86_64-w64-mingw32-objdump -p "$out/winops.node" | awk '/DLL Name:/ { print $3 }' | sort -u | tr '\n' ' ')
winops_log "imports: $imports"
case " ${imports,,} " in *" node.exe "*) winops_log "error: winops.node imports node.exe directly"; exit 1 ;; esac
