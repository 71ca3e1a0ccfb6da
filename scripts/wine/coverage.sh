#!/usr/bin/env bash
# npm run coverage:native — line coverage of native/** measured on the Wine suites (npm run test:wine).
#
#   1. builds the addon instrumented for gcov (-DWINOPS_COVERAGE=ON: --coverage -fprofile-update=atomic, at -O0)
#      into build/win32-x64-coverage, and the AXE stand-in build the same way into
#      build/win32-x64-axe-standin-coverage (so native/axe/engine.cc is measured too);
#   2. checks that libgcov writes its data on process.exit and on a worker_thread's unload of the addon, then
#      deletes the .gcda files of earlier runs;
#   3. runs scripts/wine/test.sh itself, with the instrumented builds in place of the production ones by
#      environment only: WINOPS_PREBUILD (node-gyp-build's own override; it then loads
#      <dir>/prebuilds/win32-x64/winops.napi.node, in the test helpers, in dist/ and in child processes alike)
#      and WINOPS_AXE_STANDIN_ADDON. prebuilds/ is never written, so no instrumented binary can be left where
#      the production addon belongs;
#   4. prints per-file, per-family and total line coverage (scripts/wine/coverage-report.mjs) and writes an
#      lcov tracefile to .cache/coverage/lcov.info.
#
# Where the data comes from: libgcov (linked statically into each instrumented addon) writes the .gcda files when
# the DLL is unloaded inside node.exe: at process exit (a normal end, process.exit, an uncaught exception) and when
# the last worker_thread holding the addon ends. The paths compiled in are Linux paths (/work/...), which Wine
# resolves on drive Z:, so they land beside the .gcno files in the build directories. Counters are atomic (the
# addon runs threads of its own) and concurrent processes (tests spawn children; the suites run one test file at a
# time) merge into the same files under libgcov's file lock. A process ended by TerminateProcess (child.kill(),
# a hung test killed by its timeout) writes nothing: its lines count only if another process ran them.
#
# Exit status: test.sh's, else 1 when WINOPS_COVERAGE_MIN=PCT is set and the total is below it.
# Env: everything test.sh reads (WINOPS_HOSTS=node22 for a quicker, partial run; WINOPS_SKIP_BUILD=1 skips
# test.sh's own builds, not the instrumented ones).
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$WINOPS_ROOT"
winops_lock || exit 1
mkdir -p "$WINOPS_CACHE"
t_all=$(winops_now)
winops_ensure_toolchain || exit 1
[ -d node_modules/node-addon-api ] && [ -d node_modules/node-api-headers ] || {
  winops_log "node_modules lacks node-addon-api / node-api-headers: run npm ci"; exit 1; }

cov_main=build/win32-x64-coverage
cov_axe=build/win32-x64-axe-standin-coverage

# instrumented_build <dir> [cmake -D args...]: an instrumented build of target winops, at -O0 (Debug) so that
# lines map to code one to one. Warnings stay errors.
instrumented_build() {
  local dir="$1"; shift
  cmake -S . -B "$dir" -DCMAKE_TOOLCHAIN_FILE="$WINOPS_ROOT/cmake/mingw-w64-x86_64.cmake" -DCMAKE_BUILD_TYPE=Debug \
    -DWINOPS_COVERAGE=ON "$@" >"$dir.configure.log" 2>&1 || { cat "$dir.configure.log" >&2; return 1; }
  cmake --build "$dir" -j "${WINOPS_JOBS:-$(nproc)}" --target winops >"$dir.build.log" 2>&1 ||
    { cat "$dir.build.log" >&2; return 1; }
}

t0=$(winops_now)
mkdir -p build
instrumented_build "$cov_main" || { winops_log "instrumented build failed"; exit 1; }
# The stand-in build, as test/doubles/axe/build.sh configures it, plus the instrumentation.
instrumented_build "$cov_axe" -DWINOPS_AXE_SDK="$WINOPS_ROOT/test/doubles/axe/include" -DWINOPS_AXE_STANDIN=ON ||
  { winops_log "instrumented AXE stand-in build failed"; exit 1; }
# node-gyp-build's layout under the WINOPS_PREBUILD directory (the test that the addon came through
# node-gyp-build from prebuilds/win32-x64 keeps its meaning).
mkdir -p "$cov_main/prebuilds/win32-x64"
cp "$cov_main/winops.node" "$cov_main/prebuilds/win32-x64/winops.napi.node"
winops_log "instrumented builds ready in $(winops_elapsed "$t0") s"

# Self-check of the data path, before the real run starts from zero: libgcov inside node.exe must write the
# .gcda files when the process ends through process.exit, and when a worker_thread that alone loaded the
# addon ends (that process then ends by TerminateProcess, which writes nothing by itself).
node_exe=$(winops_node_exe "${WINOPS_NODE_VERSIONS[1]}") || exit 1
winops_ensure_prefix || exit 1
check_dir="$WINOPS_CACHE/coverage-selfcheck"
mkdir -p "$check_dir"
probe="$cov_main/CMakeFiles/winops_objects.dir/native/diag/diag.cc.gcda"
addon_w=$(winepath -w "$WINOPS_ROOT/$cov_main/winops.node" 2>/dev/null)
cat >"$check_dir/exit.js" <<'EOF'
require(process.env.WINOPS_ADDON).diag.sleepOnWorker(1, () => process.exit(3));
EOF
cat >"$check_dir/worker.js" <<'EOF'
const { Worker } = require('node:worker_threads');
const w = new Worker("require(process.env.WINOPS_ADDON).diag.sleepOnWorker(1).then(() => require('node:worker_threads').parentPort.postMessage(1))", { eval: true });
w.once('message', () => {});
w.once('exit', () => setTimeout(() => process.kill(process.pid, 'SIGKILL'), 100));
EOF
for case in exit worker; do
  rm -f "$probe"
  WINOPS_ADDON="$addon_w" wine "$node_exe" "$(winepath -w "$check_dir/$case.js" 2>/dev/null)" >"$check_dir/$case.log" 2>&1 </dev/null
  if [ ! -s "$probe" ]; then
    cat "$check_dir/$case.log"
    winops_log "gcov self-check failed: no $probe after the '$case' case (see $check_dir)"
    exit 1
  fi
done
winops_log "gcov self-check: .gcda written on process.exit and on a worker_thread's unload"

find "$cov_main" "$cov_axe" -name '*.gcda' -delete
stray_before=$(find "$WINEPREFIX/drive_c" -name '*.gcda' 2>/dev/null | wc -l)

rc=0
WINOPS_PREBUILD=$(winepath -w "$WINOPS_ROOT/$cov_main" 2>/dev/null) \
WINOPS_AXE_STANDIN_ADDON="$cov_axe/winops.node" WINOPS_DIGEST_TAG=coverage \
  bash scripts/wine/test.sh || rc=$?

# .gcda files that Wine put anywhere but beside their .gcno would be data this report misses.
stray=$(( $(find "$WINEPREFIX/drive_c" -name '*.gcda' 2>/dev/null | wc -l) - stray_before ))
[ "$stray" -le 0 ] || winops_log "warning: $stray .gcda files were written under $WINEPREFIX/drive_c, not counted"

echo
report_rc=0
node scripts/wine/coverage-report.mjs --lcov "$WINOPS_ROOT/.cache/coverage/lcov.info" \
  ${WINOPS_COVERAGE_MIN:+--min "$WINOPS_COVERAGE_MIN"} ${WINOPS_COVERAGE_UNCOVERED:+--uncovered} \
  "$cov_main" "$cov_axe" || report_rc=$?
winops_log "coverage run took $(winops_elapsed "$t_all") s (tests exit $rc)"
[ "$rc" = 0 ] || exit "$rc"
exit "$report_rc"
