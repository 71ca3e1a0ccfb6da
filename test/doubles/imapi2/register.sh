#!/usr/bin/env bash
# Registers (add) or unregisters (remove) the IMAPI2 double in the Wine prefix under the REAL IMAPI2
# CLSIDs: HKCR\CLSID\{...}\InprocServer32 = build/doubles/imapi2/imapi2_double.dll, ThreadingModel Both.
# Sourced environment: WINEPREFIX etc. from scripts/wine/lib.sh. Test code only.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
action="${1:?add|remove}"
dll="$root/build/doubles/imapi2/imapi2_double.dll"
clsids=(
  '{2735412E-7F64-5B0F-8F00-5D77AFBE261E}' # MsftDiscMaster2
  '{2735412D-7F64-5B0F-8F00-5D77AFBE261E}' # MsftDiscRecorder2
  '{2735412A-7F64-5B0F-8F00-5D77AFBE261E}' # MsftDiscFormat2Data
  '{2735412C-7F64-5B0F-8F00-5D77AFBE261E}' # MsftWriteEngine2
)
reg="$(mktemp --suffix=.reg)"
trap 'rm -f "$reg"' EXIT
winpath="$(winepath -w "$dll" 2>/dev/null)"
{
  printf 'Windows Registry Editor Version 5.00\r\n\r\n'
  for c in "${clsids[@]}"; do
    if [ "$action" = add ]; then
      printf '[HKEY_CLASSES_ROOT\\CLSID\\%s]\r\n@="winops IMAPI2 test double"\r\n\r\n' "$c"
      printf '[HKEY_CLASSES_ROOT\\CLSID\\%s\\InprocServer32]\r\n@="%s"\r\n"ThreadingModel"="Both"\r\n\r\n' \
        "$c" "${winpath//\\/\\\\}"
    else
      printf '[-HKEY_CLASSES_ROOT\\CLSID\\%s]\r\n\r\n' "$c"
    fi
  done
} >"$reg"
wine reg import "$(winepath -w "$reg")" >/dev/null 2>&1 </dev/null
