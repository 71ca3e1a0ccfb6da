#!/usr/bin/env bash
# Cross-build the Windows x64 addon with mingw-w64 (npm run build:win).
#   -> build/win32-x64/winops.node, prebuilds/win32-x64/winops.napi.node (what node-gyp-build loads; the Wine suites
#   test it and `npm pack` ships it) and prebuilds/win32-x64/manifest.json (its SHA-256, size, commit and toolchain:
#   scripts/prebuild.mjs; prepack refuses a prebuild whose bytes are not the manifest's). The copy and the manifest
#   are left alone when the bytes did not change, so a second run does not replace what was tested.
# --arch ia32 (npm run build:win:ia32): the 32-bit build, i686-w64-mingw32, same sources and -Werror, AXE
#   unavailable. -> build/win32-ia32/winops.node only: compiled to keep x86 building, never run or tested anywhere,
#   so it is not put in prebuilds/ and no win32-ia32 prebuild is shipped or claimed.
# Env: WINOPS_BUILD_TYPE (Release), WINOPS_JOBS (nproc).
set -euo pipefail
arch=x64
[ "${1:-}" = --arch ] && { arch="${2:?--arch x64|ia32}"; shift 2; }
case "$arch" in
  x64) triple=x86_64-w64-mingw32 toolchain=mingw-w64-x86_64.cmake targets=(winops winops_plain_import) ;;
  ia32) triple=i686-w64-mingw32 toolchain=mingw-w64-i686.cmake targets=(winops) ;;
  *) echo "build-win.sh: --arch x64 or ia32, not $arch" >&2; exit 2 ;;
esac
source "$(dirname "${BASH_SOURCE[0]}")/wine/lib.sh"
cd "$WINOPS_ROOT"
winops_lock || exit 1
mkdir -p "$WINOPS_CACHE"
winops_ensure_toolchain
if [ "$arch" = ia32 ] && ! command -v i686-w64-mingw32-g++-posix >/dev/null; then
  [ "$(id -u)" = 0 ] || { winops_log "missing i686-w64-mingw32-g++-posix: as root, apt-get install -y g++-mingw-w64-i686-posix"; exit 1; }
  winops_log "installing g++-mingw-w64-i686-posix"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    g++-mingw-w64-i686-posix) >"$WINOPS_CACHE/apt-i686.log" 2>&1 || { cat "$WINOPS_CACHE/apt-i686.log" >&2; exit 1; }
fi

[ -d node_modules/node-addon-api ] && [ -d node_modules/node-api-headers ] || {
  winops_log "node_modules lacks node-addon-api / node-api-headers: run npm ci"; exit 1; }

node scripts/wine/check-sources.mjs

t0=$(winops_now)
out=build/win32-$arch
mkdir -p build
cmake -S . -B "$out" -DCMAKE_TOOLCHAIN_FILE="$WINOPS_ROOT/cmake/$toolchain" \
  -DCMAKE_BUILD_TYPE="${WINOPS_BUILD_TYPE:-Release}" >"$out.configure.log" 2>&1 ||
  { cat "$out.configure.log" >&2; exit 1; }
cmake --build "$out" -j "${WINOPS_JOBS:-$(nproc)}" --target "${targets[@]}"
if [ "$arch" = x64 ]; then
  mkdir -p prebuilds/win32-x64
  cmp -s "$out/winops.node" prebuilds/win32-x64/winops.napi.node || cp "$out/winops.node" prebuilds/win32-x64/winops.napi.node
fi
winops_log "built $out/winops.node in $(winops_elapsed "$t0") s"
# The DLL must import nothing named node.exe (see native/host/delay_load_host.c).
imports=$($triple-objdump -p "$out/winops.node" | awk '/DLL Name:/ { print $3 }' | sort -u | tr '\n' ' ')
winops_log "imports: $imports"
case " ${imports,,} " in *" node.exe "*) winops_log "error: winops.node imports node.exe directly"; exit 1 ;; esac
# Static runtime: no libstdc++/libgcc/winpthread DLL (CMakeLists.txt links -static -static-libgcc -static-libstdc++).
case " ${imports,,} " in *" libstdc++-6.dll "*|*" libgcc_s_"*|*" libwinpthread-1.dll "*) winops_log "error: winops.node imports a mingw runtime DLL"; exit 1 ;; esac
if [ "$arch" = x64 ]; then node scripts/prebuild.mjs write && node scripts/prebuild.mjs check; fi
