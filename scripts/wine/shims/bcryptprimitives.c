/*
 * bcryptprimitives.dll for the Wine test prefix only (never shipped): Wine 8 has none, and Go >= 1.21
 * programs such as esbuild.exe (which vitest starts) refuse to run without its ProcessPrng export.
 * Go looks for it in system32 only, so scripts/wine/lib.sh puts it there.
 */
#include <windows.h>
#include <ntsecapi.h>

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len) {
  while (len > 0) {
    ULONG n = len > 0x10000000u ? 0x10000000u : (ULONG)len;
    if (!RtlGenRandom(data, n)) return FALSE;
    data += n;
    len -= n;
  }
  return TRUE;
}
