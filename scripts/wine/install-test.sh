#!/usr/bin/env bash
# The packed tarball as a user installs it, inside Windows node.exe 20 and 22 under Wine (issue 13 item 4):
#   1. the tarball: $1, else `npm pack` here (prepack checks the prebuild against its manifest; it does not rebuild)
#   2. an empty consumer folder under $WINOPS_CACHE, `npm install --ignore-scripts <tarball>` (Linux npm: the
#      dependencies are plain JS; no install script runs, nothing is compiled)
#   3. with the vssapi, mi.dll and IMAPI2 doubles in place (winops_all_doubles_in), per node.exe:
#      scripts/wine/install-check.test.cjs in the consumer folder (require/import pick the prebuild, its SHA-256 is
#      the manifest's, winops query / snapshot on the doubles, doctor), then test/native/doctor.test.mjs from the repo
#      with all four doubles.
# Needs what npm run test:wine builds (the doubles and their control module); builds nothing of the addon.
# Env: WINOPS_EXPECT_SHA256 (the hash .ci/run recorded after its one build), WINOPS_TEST_TIMEOUT (s per run, 600).
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$WINOPS_ROOT"
winops_lock || exit 1
winops_ensure_toolchain || exit 1
for f in build/doubles/vssapi/vssapi.dll build/doubles/mi/mi.dll build/doubles/imapi2/imapi2_double.dll build/doubles/control/control.node build/doubles/axe/AxeCore.dll dist/lib/index.js; do
  [ -f "$f" ] || { winops_log "missing $f: run npm run test:wine first (it builds the doubles)"; exit 1; }
done
node scripts/prebuild.mjs check || exit 1

tarball="${1:-}"
if [ -z "$tarball" ]; then
  mkdir -p "$WINOPS_CACHE/pack" && rm -f "$WINOPS_CACHE"/pack/*.tgz
  npm pack --silent --pack-destination "$WINOPS_CACHE/pack" >"$WINOPS_CACHE/pack.log" 2>&1 || { cat "$WINOPS_CACHE/pack.log"; exit 1; }
  tarball=$(ls "$WINOPS_CACHE"/pack/*.tgz | head -1)
fi
tarball=$(cd "$(dirname "$tarball")" && pwd)/$(basename "$tarball")
winops_log "tarball: $tarball"

consumer="$WINOPS_CACHE/install-consumer"
rm -rf "$consumer" && mkdir -p "$consumer"
printf '{ "name": "winops-consumer", "version": "1.0.0", "private": true }\n' >"$consumer/package.json"
(cd "$consumer" && npm install --ignore-scripts --no-audit --no-fund "$tarball") >"$WINOPS_CACHE/install-consumer.log" 2>&1 ||
  { cat "$WINOPS_CACHE/install-consumer.log"; winops_log "npm install --ignore-scripts of the tarball failed"; exit 1; }
cp scripts/wine/install-check.test.cjs "$consumer/"

node20=$(winops_node_exe "${WINOPS_NODE_VERSIONS[0]}") || exit 1
node22=$(winops_node_exe "${WINOPS_NODE_VERSIONS[1]}") || exit 1
winops_ensure_prefix || exit 1
winops_all_doubles_in || exit 1
winops_on_exit winops_all_doubles_out
control=$(winepath -w build/doubles/control/control.node 2>/dev/null)

status=0 summary=()
for exe in "$node20" "$node22"; do
  ver=$(basename "$(dirname "$exe")")
  for what in install doctor; do
    log="$WINOPS_CACHE/install-test-$ver-$what.log" rc=0
    if [ "$what" = install ]; then
      (cd "$consumer" && timeout --kill-after=10 "${WINOPS_TEST_TIMEOUT:-600}" env "${WINOPS_DOUBLE_ENV[@]}" \
        "WINOPS_CONTROL=$control" "WINOPS_EXPECT_SHA256=${WINOPS_EXPECT_SHA256:-}" \
        wine "$exe" --test --test-reporter=spec install-check.test.cjs >"$log" 2>&1 </dev/null) || rc=$?
    else
      timeout --kill-after=10 "${WINOPS_TEST_TIMEOUT:-600}" env "${WINOPS_DOUBLE_ENV[@]}" \
        wine "$exe" --test --test-reporter=spec test/native/doctor.test.mjs >"$log" 2>&1 </dev/null || rc=$?
    fi
    cat "$log"
    pass=$(awk 'NF == 3 && $2 == "pass" && $3 ~ /^[0-9]+$/ { n = $3 } END { print n + 0 }' "$log")
    fail=$(awk 'NF == 3 && $2 == "fail" && $3 ~ /^[0-9]+$/ { n = $3 } END { print n + 0 }' "$log")
    skipped=$(awk 'NF == 3 && $2 == "skipped" && $3 ~ /^[0-9]+$/ { n = $3 } END { print n + 0 }' "$log")
    # A skip here means the run did not test what it is for (e.g. the doubles were not seen): a failure.
    { [ "$rc" = 0 ] && [ "$fail" = 0 ] && [ "$skipped" = 0 ] && [ "$pass" -gt 0 ]; } || status=1
    summary+=("$ver $what: $pass passed, $fail failed, $skipped skipped, exit $rc")
  done
done
for line in "${summary[@]}"; do winops_log "$line"; done
exit $status
