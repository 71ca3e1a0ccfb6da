# Toolchain: cross-compile for Windows ia32 (x86) with Debian's mingw-w64 (posix thread model, needed for
# std::thread / std::mutex in the addon). Used by scripts/build-win.sh --arch ia32 (compiled, never tested: see README).
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR X86)

set(WINOPS_MINGW_TRIPLE i686-w64-mingw32)
set(CMAKE_C_COMPILER   ${WINOPS_MINGW_TRIPLE}-gcc-posix)
set(CMAKE_CXX_COMPILER ${WINOPS_MINGW_TRIPLE}-g++-posix)
set(CMAKE_RC_COMPILER  ${WINOPS_MINGW_TRIPLE}-windres)
set(CMAKE_AR           ${WINOPS_MINGW_TRIPLE}-ar CACHE FILEPATH "")
set(CMAKE_RANLIB       ${WINOPS_MINGW_TRIPLE}-ranlib CACHE FILEPATH "")
find_program(WINOPS_DLLTOOL ${WINOPS_MINGW_TRIPLE}-dlltool REQUIRED)

set(CMAKE_FIND_ROOT_PATH /usr/${WINOPS_MINGW_TRIPLE})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
