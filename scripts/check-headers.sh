#!/usr/bin/env bash
# Every native/ header compiles on its own (a translation unit that is `#include "<header>"` alone), for x64 and
# ia32 with the cross-build's defines and warnings-as-errors: no header relies on what another included before it.
# mingw's SDK headers include more than Microsoft's, so this cannot prove the SDK includes themselves:
# scripts/check-includes.mjs does that (npm test). Run by .ci/run; needs both mingw-w64 compilers (build-win.sh).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
napi=$(node -p "require('node-api-headers').include_dir")
addon=$(node -p "require('path').resolve(require('node-addon-api').include_dir)")
# The defines and warnings of CMakeLists.txt (winops_objects), read from it so that they cannot drift.
defines=$(node -e "const t=require('fs').readFileSync('CMakeLists.txt','utf8');
  console.log(t.match(/target_compile_definitions\(\s*winops_objects\s+PRIVATE\s+([^)]*)\)/)[1].split(/\s+/).filter(Boolean).map(d=>'-D'+d).join(' '))")
warnings=$(sed -n 's/^set(WINOPS_WARNINGS \(.*\))$/\1/p' CMakeLists.txt)
tu=$(mktemp --suffix=.cc); trap 'rm -f "$tu"' EXIT
failed=0 count=0
for triple in x86_64-w64-mingw32 i686-w64-mingw32; do
  for h in $(git ls-files 'native/*.h'); do
    printf '#include "%s"\n' "${h#native/}" >"$tu"
    # The AXE family's own headers need AxeHosting.h: the stand-in (test/doubles/axe/include), as the stand-in build has it.
    axe=()
    case "$h" in native/axe/axe.h) ;; native/axe/*.h) axe=(-isystem test/doubles/axe/include -DWINOPS_AXE_SDK -DWINOPS_AXE_STANDIN) ;; esac
    # shellcheck disable=SC2086
    if ! "$triple-g++-posix" -std=c++17 -fsyntax-only $warnings -Wnon-virtual-dtor -Inative -isystem "$napi" -isystem "$addon" \
        $defines "${axe[@]}" "$tu"; then
      echo "check-headers: $h does not compile alone ($triple)" >&2; failed=1
    fi
    count=$((count + 1))
  done
done
[ "$failed" = 0 ] && echo "check-headers: $count header translation units (x64 and ia32) compile alone"
exit "$failed"
