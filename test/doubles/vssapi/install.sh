#!/usr/bin/env bash
# Puts the vssapi.dll double (build/doubles/vssapi/vssapi.dll, from build.sh) where the addon looks for
# vssapi.dll, without changing what any other process gets. Environment: WINEPREFIX etc. from
# scripts/wine/lib.sh. Test code only.
#
# How the double is selected (measured with Wine 8.0):
# - The addon loads vssapi.dll with LOAD_LIBRARY_SEARCH_SYSTEM32, so the double has to be the prefix's
#   system32\vssapi.dll: this copies it over Wine's file there.
# - Wine's load order for vssapi (a DLL Wine ships) is builtin first, so with the file replaced every
#   process still gets Wine's builtin vssapi (CreateVssBackupComponentsInternal -> E_NOTIMPL).
# - A run started with WINEDLLOVERRIDES=...;vssapi=n gets the double; children that node.exe spawns
#   inherit it (Wine hands a child of a Windows process the WINEDLLOVERRIDES the Linux-side process
#   started with, whatever environment the child was given), so node --test's per-file processes and
#   the tests' own children all see the double.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
: "${WINEPREFIX:?WINEPREFIX must be set (source scripts/wine/lib.sh)}"
dll="$root/build/doubles/vssapi/vssapi.dll"
[ -f "$dll" ] || { echo "no $dll: run test/doubles/vssapi/build.sh" >&2; exit 1; }
cp "$dll" "$WINEPREFIX/drive_c/windows/system32/vssapi.dll"
