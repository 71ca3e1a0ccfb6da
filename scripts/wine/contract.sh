#!/usr/bin/env bash
# npm run test:wine:contract — the contract suites (test/contract/*.contract.ts) on native + the Windows test doubles,
# inside Windows node.exe under Wine, counted against the same suites on the fake.
#
#   1. builds what is missing or older than its sources (scripts/build-win.sh, test/doubles/*/build.sh);
#      WINOPS_SKIP_BUILD=1 skips this (scripts/wine/test.sh has just built everything)
#   2. puts all four doubles in place at once: vssapi.dll (system32 + WINEDLLOVERRIDES=vssapi=n, WINOPS_VSS_DOUBLE),
#      mi.dll (system32, WINOPS_MI_DOUBLE), IMAPI2 (COM registration under the real CLSIDs, WINOPS_IMAPI2_DOUBLE),
#      AXE (the stand-in build + WINOPS_AXECORE); a trap takes mi.dll and the registration away again
#   3. per host (WINOPS_CONTRACT_HOSTS, default "node22 node20"): vitest on test/contract/fake.test.ts and on
#      test/contract/native.test.ts inside node.exe, output to files (node.exe under Wine fails on pipes)
#   4. prints per host: contract: fake N passed; native + doubles N passed, N skipped[, N failed], then the names
#      of skipped and failed tests and any test that passes on one backend and not on the other.
# Exit status: 0 when, on every host, every native test passed or was skipped with a reason and the passing sets
# agree with the fake's; 1 otherwise.
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$WINOPS_ROOT"
winops_lock || exit 1
mkdir -p "$WINOPS_CACHE"
t_all=$(winops_now)

winops_ensure_toolchain || exit 1
winops_ensure_prefix || exit 1
winops_vitest_env || { winops_log "vitest inside node.exe cannot be set up"; exit 1; }

if [ "${WINOPS_SKIP_BUILD:-0}" != 1 ]; then
  winops_build_stale contract || exit 1
fi
for f in prebuilds/win32-x64/winops.napi.node build/doubles/vssapi/vssapi.dll build/doubles/mi/mi.dll \
         build/doubles/imapi2/imapi2_double.dll build/win32-x64-axe-standin/winops.node build/doubles/axe/AxeCore.dll; do
  [ -f "$f" ] || { winops_log "missing $f (run without WINOPS_SKIP_BUILD=1)"; exit 1; }
done

# The doubles, all four at once (scripts/wine/lib.sh); a trap takes mi.dll and the IMAPI2 registration away.
winops_on_exit winops_all_doubles_out
winops_all_doubles_in || exit 1
double_env=("${WINOPS_DOUBLE_ENV[@]}")

# vitest inside node.exe: vitest_run <exe> <label> <json report> [VAR=value ...] -- <files...>
vitest_run() {
  local exe="$1" label="$2" report="$3"; shift 3
  local envs=()
  while [ "$#" -gt 0 ] && [ "$1" != -- ]; do envs+=("$1"); shift; done
  shift
  local log="$WINOPS_CACHE/contract-$label.log" rc=0 t0; t0=$(winops_now)
  rm -f "$report"
  # --testTimeout: above the harness's 30 s state deadline, so a state that never comes fails with its own message.
  timeout --kill-after=10 "${WINOPS_TEST_TIMEOUT:-600}" env "${envs[@]}" wine "$exe" node_modules/vitest/vitest.mjs run \
    --testTimeout=60000 --reporter=default --reporter=json --outputFile.json="$(winepath -w "$report" 2>/dev/null)" "$@" \
    >"$log" 2>&1 </dev/null || rc=$?
  cat "$log"
  winops_log "$label: exit $rc, $(winops_elapsed "$t0") s"
  return $rc
}

status=0 lines=() t_pass=0 t_skip=0 t_fail=0
for host in ${WINOPS_CONTRACT_HOSTS:-node22 node20}; do
  case $host in
    node20) exe=$(winops_node_exe "${WINOPS_NODE_VERSIONS[0]}") || exit 1 ;;
    node22) exe=$(winops_node_exe "${WINOPS_NODE_VERSIONS[1]}") || exit 1 ;;
    *) winops_log "unknown host $host"; exit 1 ;;
  esac
  fake_json="$WINOPS_CACHE/contract-$host-fake.json" native_json="$WINOPS_CACHE/contract-$host-native.json"
  fake_rc=0 native_rc=0
  vitest_run "$exe" "$host-fake" "$fake_json" -- test/contract/fake.test.ts || fake_rc=$?
  vitest_run "$exe" "$host-native" "$native_json" "${double_env[@]}" -- test/contract/native.test.ts || native_rc=$?
  # The counts come from the JSON reports; a missing report (a crash) is a failure.
  out=$(node scripts/wine/contract-count.mjs "$host" "$fake_json" "$native_json") || status=1
  lines+=("$out")
  # vitest exits non-zero with every test passed when it caught an unhandled error or rejection: a failure too.
  for part in fake native; do
    rc_var=${part}_rc
    if [ "${!rc_var}" != 0 ]; then
      status=1 t_fail=$((t_fail + 1))
      lines+=("contract ($host): vitest on the $part run exited ${!rc_var} (an unhandled error; see its log above)")
    fi
  done
  first=${out%%$'\n'*}
  n=$(sed -n 's/.*native + doubles \([0-9]*\) passed.*/\1/p' <<<"$first"); t_pass=$((t_pass + ${n:-0}))
  n=$(sed -n 's/.*native + doubles [0-9]* passed, \([0-9]*\) skipped.*/\1/p' <<<"$first"); t_skip=$((t_skip + ${n:-0}))
  n=$(sed -n 's/.*skipped, \([0-9]*\) failed.*/\1/p' <<<"$first"); n=${n:-0}
  # a run without a count (crashed, hung) counts as one failure
  case $first in *"native + doubles "*) ;; *) n=$((n + 1)) ;; esac
  t_fail=$((t_fail + n))
done

echo
for l in "${lines[@]}"; do printf '%s\n' "$l"; done
winops_log "contract total time $(winops_elapsed "$t_all") s"
# The last line, for scripts/wine/test.sh's summary.
echo "contract total: native + doubles $t_pass passed, $t_skip skipped, $t_fail failed"
exit $status
