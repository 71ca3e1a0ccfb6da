#!/usr/bin/env bash
# npm run test:wine:stress — the whole native suite K times in a row with both cores kept busy, and per test how many
# of the K runs it failed in (issue 10: a proving ground that gives the same answer every time).
#
#   1. builds once (scripts/wine/test.sh's builds), then K times: npm run test:wine (every host and double, contract,
#      bad input, model) and npm run coverage:native (the same suites on the gcov builds), each repetition with
#      WINOPS_SKIP_BUILD=1 (test.sh's own builds; coverage.sh still makes its instrumented builds when stale);
#   2. while they run, WINOPS_STRESS_LOAD busy processes (default: one per core) spin at niceness WINOPS_STRESS_NICE
#      (default 0: they get as much of the processor as the suite does, so the suite runs at about half speed);
#   3. prints, per repetition, its exit status, time and counts, and at the end every test that failed in any
#      repetition with the number of repetitions it failed in. Exit status 0 only when no repetition failed.
# Not part of .ci/run (too long: about 2 x K x 15 minutes on 2 cores). Its last result is in the README.
# Env: WINOPS_STRESS_RUNS (K, default 5), WINOPS_STRESS_PARTS ("test coverage"), WINOPS_STRESS_LOAD, WINOPS_STRESS_NICE,
# and everything test.sh reads.
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$WINOPS_ROOT"
winops_lock || exit 1
mkdir -p "$WINOPS_CACHE/stress"
runs=${WINOPS_STRESS_RUNS:-5} parts=" ${WINOPS_STRESS_PARTS:-test coverage} "
load=${WINOPS_STRESS_LOAD:-$(nproc)} niceness=${WINOPS_STRESS_NICE:-0}
t_all=$(winops_now)

# One build for all repetitions (test.sh's), without running its suites.
WINOPS_BUILD_ONLY=1 bash scripts/wine/test.sh >"$WINOPS_CACHE/stress/build.log" 2>&1 ||
  { cat "$WINOPS_CACHE/stress/build.log"; winops_log "stress: the build failed"; exit 1; }

# The load: busy loops in processes of their own (a pure spin, no memory, no I/O), ended by the trap.
loaders=()
stop_load() {
  [ "${#loaders[@]}" -gt 0 ] || return 0
  kill "${loaders[@]}" 2>/dev/null
  wait "${loaders[@]}" 2>/dev/null
  loaders=()
}
winops_on_exit stop_load
for _ in $(seq 1 "$load"); do
  nice -n "$niceness" node -e 'for (;;) {}' &
  loaders+=("$!")
done
winops_log "stress: $runs repetitions of:${parts% } with $load busy process(es) at niceness $niceness"

declare -A failed_in=() failed_reps=()  # "=()": empty but set, for set -u
summary=() status=0
for k in $(seq 1 "$runs"); do
  for part in $parts; do
    log="$WINOPS_CACHE/stress/run-$k-$part.log" t0=$(winops_now) rc=0
    case $part in
      test) WINOPS_SKIP_BUILD=1 bash scripts/wine/test.sh >"$log" 2>&1 </dev/null || rc=$? ;;
      coverage) WINOPS_SKIP_BUILD=1 bash scripts/wine/coverage.sh >"$log" 2>&1 </dev/null || rc=$? ;;
      *) winops_log "stress: unknown part $part"; exit 2 ;;
    esac
    counts=$(grep -E '^native: [0-9]+ passed, [0-9]+ failed' "$log" | tail -1)
    summary+=("repetition $k $part: exit $rc, $(winops_elapsed "$t0") s, ${counts:-no count}")
    winops_log "${summary[-1]}"
    [ "$rc" = 0 ] || { status=1; failed_reps[$k]=1; }
    # Failing tests: node --test's spec reporter ("✖ name (…ms)" in its failing-tests list) and vitest ("× name").
    named=0
    while IFS= read -r name; do
      [ -n "$name" ] || continue
      key="$part: $name"
      failed_in[$key]=$(( ${failed_in[$key]:-0} + 1 )) named=1
    done < <(sed 's/\x1b\[[0-9;]*m//g' "$log" |
      awk '/^✖ failing tests:/ { list = 1; next } list && /^✖ / { sub(/^✖ /, ""); sub(/ \([0-9.]+ms\)$/, ""); print } /^ℹ tests/ { list = 0 }
           /^ +× / { sub(/^ +× /, ""); sub(/ [0-9]+ms$/, ""); print }' | sort -u)
    if [ "$rc" != 0 ] && [ "$named" = 0 ]; then
      key="$part: (exit $rc with no failing test named; see $log)"
      failed_in[$key]=$(( ${failed_in[$key]:-0} + 1 ))
    fi
  done
done
stop_load

echo
for line in "${summary[@]}"; do winops_log "$line"; done
if [ "${#failed_in[@]}" -eq 0 ]; then
  winops_log "stress: no test failed in $runs repetitions"
else
  winops_log "stress: tests that failed (repetitions failed, of $runs):"
  for key in "${!failed_in[@]}"; do printf '  %s/%s  %s\n' "${failed_in[$key]}" "$runs" "$key"; done | sort -r
fi
winops_log "stress total time $(winops_elapsed "$t_all") s"
echo "stress: $runs repetitions, ${#failed_reps[@]} failed"
exit $status
