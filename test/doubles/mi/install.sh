#!/usr/bin/env bash
# Puts the mi.dll double (build/doubles/mi/mi.dll) into the prefix's system32 (add) or takes it out
# again (remove). Environment: WINEPREFIX etc. from scripts/wine/lib.sh. Test code only.
#
# Wine has no mi.dll at all, so the double needs no load-order override: a mi.dll in system32 is the
# one LoadLibraryExW(LOAD_LIBRARY_SEARCH_SYSTEM32) finds. For the same reason it is there only around
# the runs that want it (scripts/wine/test.sh), so that every other test sees Wine as it is (no
# mi.dll: ERROR_MOD_NOT_FOUND). A run that died earlier may have left it: test.sh removes first.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
: "${WINEPREFIX:?WINEPREFIX must be set (source scripts/wine/lib.sh)}"
target="$WINEPREFIX/drive_c/windows/system32/mi.dll"
case "${1:?add|remove}" in
  add)
    dll="$root/build/doubles/mi/mi.dll"
    [ -f "$dll" ] || { echo "no $dll: run test/doubles/mi/build.sh" >&2; exit 1; }
    cp "$dll" "$target"
    ;;
  remove)
    # Only ever our own file: Wine ships no mi.dll, but check the marker anyway.
    if [ -f "$target" ] && grep -q "winops test double: mi.dll" "$target"; then rm -f "$target"; fi
    ;;
  *) echo "usage: $0 add|remove" >&2; exit 2 ;;
esac
