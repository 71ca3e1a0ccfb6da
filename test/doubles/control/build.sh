#!/usr/bin/env bash
# Builds test/doubles/control/control.node (the tests' in-process channel to the doubles, see control.cc) into
# build/doubles/control/. Test code only. Linked like the addon (CMakeLists.txt): N-API delay-imported from
# "node.exe" and bound to the running host by native/host/delay_load_host.c, so it loads in the renamed host too.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
out="$root/build/doubles/control"
src="$root/test/doubles/control"
mkdir -p "$out"
read -r include def addon < <(cd "$root" && node -p "const h=require('node-api-headers'); [h.include_dir, h.def_paths.node_api_def, require('path').resolve(require('node-addon-api').include_dir)].join(' ')")
# dlltool names the descriptor after the file it writes (__DELAY_IMPORT_DESCRIPTOR_libnode_api_delay_a).
(cd "$out" && x86_64-w64-mingw32-dlltool --input-def "$def" --dllname node.exe --output-delaylib libnode_api_delay.a)
flags=(-O1 -Wall -Wextra -Werror -DUNICODE -D_UNICODE -DWIN32_LEAN_AND_MEAN -DNOMINMAX -D_WIN32_WINNT=0x0A00)
x86_64-w64-mingw32-gcc-posix "${flags[@]}" -std=c11 -c -o "$out/delay_load_host.o" "$root/native/host/delay_load_host.c"
x86_64-w64-mingw32-g++-posix "${flags[@]}" -std=c++17 -fexceptions -DNAPI_VERSION=8 -DNAPI_CPP_EXCEPTIONS \
  -isystem "$include" -isystem "$addon" -shared -static -static-libgcc -static-libstdc++ -Wl,--no-undefined \
  -o "$out/control.node" "$src/control.cc" "$out/delay_load_host.o" "$out/libnode_api_delay.a"
