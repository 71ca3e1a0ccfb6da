#!/usr/bin/env bash
# npm run test:wine:model — the reliability suites on native + every Windows test double, inside Windows node.exe 22
# under Wine:
#   - test/native/badinput.test.mjs with WINOPS_ALL_DOUBLES=1: hostile values that reach live objects of the doubles
#     (node --test);
#   - test/model/native.model.test.ts: the model-based suites (test/model/model.ts) in real time, WINOPS_MODEL_RUNS
#     sequences per family (default 200; vitest).
#
#   1. builds what is missing or older than its sources; WINOPS_SKIP_BUILD=1 skips this (scripts/wine/test.sh has
#      just built everything)
#   2. puts all four doubles in place at once, as scripts/wine/contract.sh does: vssapi.dll (system32 +
#      WINEDLLOVERRIDES=vssapi=n), mi.dll (system32), IMAPI2 (COM registration under the real CLSIDs), AXE (the
#      stand-in build + WINOPS_AXECORE); a trap takes mi.dll and the registration away again
#   3. prints the counts and times; the last line is for scripts/wine/test.sh's summary.
# Env: WINOPS_MODEL_PARTS ("badinput model" by default), WINOPS_MODEL_RUNS, WINOPS_MODEL_FAMILIES ("vss mi imapi2 axe")
# (test/model/native.model.test.ts), WINOPS_TEST_TIMEOUT (s per run, default 3600).
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$WINOPS_ROOT"
winops_lock || exit 1
mkdir -p "$WINOPS_CACHE"
t_all=$(winops_now)
runs=${WINOPS_MODEL_RUNS:-200}

winops_ensure_toolchain || exit 1
winops_ensure_prefix || exit 1
winops_vitest_env || { winops_log "vitest inside node.exe cannot be set up"; exit 1; }
exe=$(winops_node_exe "${WINOPS_NODE_VERSIONS[1]}") || exit 1

if [ "${WINOPS_SKIP_BUILD:-0}" != 1 ]; then
  winops_build_stale model || exit 1
fi
for f in prebuilds/win32-x64/winops.napi.node dist/lib/index.js build/doubles/vssapi/vssapi.dll build/doubles/mi/mi.dll \
         build/doubles/imapi2/imapi2_double.dll build/win32-x64-axe-standin/winops.node build/doubles/axe/AxeCore.dll; do
  [ -f "$f" ] || { winops_log "missing $f (run without WINOPS_SKIP_BUILD=1)"; exit 1; }
done

# The doubles, all four at once (scripts/wine/lib.sh); a trap takes mi.dll and the IMAPI2 registration away.
winops_on_exit winops_all_doubles_out
winops_all_doubles_in || exit 1
double_env=("${WINOPS_DOUBLE_ENV[@]}"
  "WINOPS_ALL_DOUBLES=1"
  "WINOPS_BADINPUT_GROUPS=${WINOPS_BADINPUT_GROUPS:-}"
  "WINOPS_MODEL_FAMILIES=${WINOPS_MODEL_FAMILIES:-vss mi imapi2 axe}"
  "WINOPS_MODEL_SEED=${WINOPS_MODEL_SEED:-}"
)
status=0 parts=" ${WINOPS_MODEL_PARTS:-badinput model} "
b_pass=0 b_fail=0 b_time=0 m_pass=0 m_fail=0 m_skip=0 m_time=0

# 1. Bad input reaching live objects (node --test, spec reporter: "ℹ pass N" / "ℹ fail N").
if [[ $parts == *" badinput "* ]]; then
log="$WINOPS_CACHE/model-badinput.log" rc=0 t0=$(winops_now)
timeout --kill-after=10 "${WINOPS_TEST_TIMEOUT:-3600}" env "${double_env[@]}" wine "$exe" --test --test-concurrency=1 --test-timeout="${WINOPS_TEST_CASE_TIMEOUT:-300000}" --test-reporter=spec \
  test/native/badinput.test.mjs >"$log" 2>&1 </dev/null || rc=$?
cat "$log"
b_pass=$(awk 'NF == 3 && $2 == "pass" && $3 ~ /^[0-9]+$/ { n = $3 } END { print n + 0 }' "$log")
b_fail=$(awk 'NF == 3 && $2 == "fail" && $3 ~ /^[0-9]+$/ { n = $3 } END { print n + 0 }' "$log")
if [ "$rc" != 0 ] && [ "$b_fail" = 0 ]; then b_fail=1; fi
[ "$rc" = 0 ] || status=1
b_time=$(winops_elapsed "$t0")
fi

# 2. The model-based suites in real time (vitest, JSON report for the counts).
if [[ $parts == *" model "* ]]; then
log="$WINOPS_CACHE/model-native.log" report="$WINOPS_CACHE/model-native.json" rc=0 t0=$(winops_now)
rm -f "$report"
timeout --kill-after=10 "${WINOPS_TEST_TIMEOUT:-3600}" env "${double_env[@]}" "WINOPS_MODEL_RUNS=$runs" wine "$exe" \
  node_modules/vitest/vitest.mjs run --reporter=default --reporter=json --outputFile.json="$(winepath -w "$report" 2>/dev/null)" \
  test/model/native.model.test.ts >"$log" 2>&1 </dev/null || rc=$?
cat "$log"
counts=$(node -e '
  const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  console.log(r.numPassedTests, r.numFailedTests, r.numPendingTests + (r.numTodoTests || 0));
' "$report" 2>/dev/null) || counts="0 1 0"
read -r m_pass m_fail m_skip <<<"$counts"
if [ "$rc" != 0 ] && [ "$m_fail" = 0 ]; then m_fail=1; fi
[ "$rc" = 0 ] || status=1
m_time=$(winops_elapsed "$t0")
fi

echo
[[ $parts != *" model "* ]] || sed 's/\x1b\[[0-9;]*m//g' "$WINOPS_CACHE/model-native.log" | grep '^model [a-z0-9]*: ' | sed 's/^/[winops] /' >&2 || true
winops_log "badinput (every double): $b_pass passed, $b_fail failed, $b_time s"
winops_log "model (native + doubles, $runs sequences per family): $m_pass passed, $m_skip skipped, $m_fail failed, $m_time s"
winops_log "model total time $(winops_elapsed "$t_all") s"
# The last line, for scripts/wine/test.sh's summary.
echo "model total: $((b_pass + m_pass)) passed, $((b_fail + m_fail)) failed"
exit $status
