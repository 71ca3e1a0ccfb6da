#!/usr/bin/env bash
# npm run bench:mi-throughput — bench/mi-throughput.mjs inside Windows node.exe under Wine, against the mi.dll
# double (test/doubles/mi), driven from Linux: builds what is missing (the addon, dist/, the double; skip with
# WINOPS_SKIP_BUILD=1), puts the double into the prefix's system32 for the run only, runs node.exe with its output
# going to a file (node.exe under Wine dies with EBADF on a pipe), prints it, and takes the double out again.
# Arguments go to the script (--count, --runs, --hwm, --backends). Env: WINOPS_BENCH_NODE (node.exe version,
# default the newest pinned in scripts/wine/lib.sh).
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/wine/lib.sh"
cd "$WINOPS_ROOT"
winops_lock || exit 1
mkdir -p "$WINOPS_CACHE"
winops_ensure_toolchain || exit 1
exe=$(winops_node_exe "${WINOPS_BENCH_NODE:-${WINOPS_NODE_VERSIONS[1]}}") || exit 1
winops_ensure_prefix || exit 1
if [ "${WINOPS_SKIP_BUILD:-0}" != 1 ]; then
  bash scripts/build-win.sh >"$WINOPS_CACHE/bench-build-win.log" 2>&1 || { cat "$WINOPS_CACHE/bench-build-win.log"; winops_log "build failed"; exit 1; }
  npm run build --silent >"$WINOPS_CACHE/npm-build.log" 2>&1 || { cat "$WINOPS_CACHE/npm-build.log"; winops_log "npm run build failed"; exit 1; }
  bash test/doubles/mi/build.sh || { winops_log "mi.dll double build failed"; exit 1; }
fi
bash test/doubles/mi/install.sh remove || exit 1
winops_on_exit 'bash test/doubles/mi/install.sh remove >/dev/null 2>&1 || true'
bash test/doubles/mi/install.sh add || { winops_log "could not install the mi.dll double"; exit 1; }
log="$WINOPS_CACHE/bench-mi-throughput.log"
rc=0
env -u WINOPS_DOUBLE_LOG WINOPS_BENCH_WINE="$(wine --version 2>/dev/null)" \
  wine "$exe" --expose-gc bench/mi-throughput.mjs "$@" >"$log" 2>&1 </dev/null || rc=$?
cat "$log"
exit $rc
