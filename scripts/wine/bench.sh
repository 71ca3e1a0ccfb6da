#!/usr/bin/env bash
# The native halves of the benchmarks: bench/<script>.mjs inside Windows node.exe 22 under Wine, with all
# four Windows test doubles in place at once (npm run bench:eventloop, npm run bench:cancel).
#
#   bash scripts/wine/bench.sh <bench/script.mjs> [args...]
#
# 1. the toolchain, node.exe and the prefix as npm run test:wine has them (scripts/wine/lib.sh);
# 2. builds (skip with WINOPS_SKIP_BUILD=1): the addon, dist/, the four doubles, the AXE stand-in build
#    of the addon, and bench/naive (a bench-only addon that waits on the libuv pool; never shipped);
# 3. puts the doubles in place the way scripts/wine/test.sh does: vssapi.dll in system32 selected with
#    WINEDLLOVERRIDES=vssapi=n, mi.dll in system32, the IMAPI2 COM classes registered under the real
#    CLSIDs (both taken out again on exit), AxeCore.dll named by WINOPS_AXECORE;
# 4. runs the script with WINOPS_ADDON = the stand-in build (the shipped sources plus native/axe, which
#    is the only build that has all four families), output to a file printed afterwards (node.exe
#    under Wine dies with EBADF when stdout/stderr is a Unix pipe).
# Env: WINOPS_BENCH_TIMEOUT (s, default 600).
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$WINOPS_ROOT"
winops_lock || exit 1
mkdir -p "$WINOPS_CACHE"
script="${1:?usage: bench.sh <bench/script.mjs> [args...]}"
shift

winops_ensure_toolchain || exit 1
exe=$(winops_node_exe "${WINOPS_NODE_VERSIONS[1]}") || exit 1
winops_ensure_prefix || exit 1

if [ "${WINOPS_SKIP_BUILD:-0}" != 1 ]; then
  blog="$WINOPS_CACHE/bench-build.log"
  : >"$blog"
  for step in "bash scripts/build-win.sh" "npm run build --silent" "bash test/doubles/imapi2/build.sh" \
      "bash test/doubles/vssapi/build.sh" "bash test/doubles/mi/build.sh" "bash test/doubles/axe/build.sh" \
      "bash bench/naive/build.sh"; do
    $step >>"$blog" 2>&1 || { cat "$blog"; winops_log "bench build failed at: $step"; exit 1; }
  done
fi

standin=build/win32-x64-axe-standin/winops.node
axecore=build/doubles/axe/AxeCore.dll
for f in "$standin" "$axecore" build/doubles/vssapi/vssapi.dll build/doubles/mi/mi.dll \
    build/doubles/imapi2/imapi2_double.dll build/bench-naive/naive.node dist/lib/index.js; do
  [ -f "$f" ] || { winops_log "missing $f (run without WINOPS_SKIP_BUILD=1)"; exit 1; }
done

winops_on_exit winops_all_doubles_out
winops_all_doubles_in || exit 1

log="$WINOPS_CACHE/bench-$(basename "$script" .mjs).log"
rc=0
timeout --kill-after=10 "${WINOPS_BENCH_TIMEOUT:-600}" env "${WINOPS_DOUBLE_ENV[@]}" \
  "WINOPS_AXE_DOUBLE=1" \
  "WINOPS_ADDON=$(winepath -w "$standin" 2>/dev/null)" \
  "WINOPS_NAIVE_ADDON=$(winepath -w build/bench-naive/naive.node 2>/dev/null)" \
  wine "$exe" "$script" "$@" >"$log" 2>&1 </dev/null || rc=$?
cat "$log"
[ "$rc" = 0 ] || winops_log "$script exited with $rc (log: $log)"
exit "$rc"
