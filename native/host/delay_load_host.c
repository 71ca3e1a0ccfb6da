/*
 * Binds the addon's N-API imports to the process that loads it (mingw-w64 build only).
 *
 * node_api.def names the exporting module "node.exe". An ordinary import of node.exe would make the
 * Windows loader look for a file called node.exe, so the addon would not load in Electron or in any
 * renamed host (and could load a second copy of a node.exe lying next to that host). node-gyp solves
 * this for MSVC builds with win_delay_load_hook.cc; this file is our equivalent for mingw:
 *
 *  1. CMakeLists.txt links a *delay-import* library made by `dlltool --output-delaylib` from
 *     node_api.def, so node.exe does not appear in the import directory at all.
 *  2. At DLL_PROCESS_ATTACH (before N-API can call us) we bind every delay-import slot of that
 *     descriptor eagerly: GetProcAddress on the host module, i.e. GetModuleHandle(NULL) (or
 *     node.dll / libnode.dll for shared-library embedders), and store the module handle, as the
 *     delay-load helper would.
 *     Eager binding matters: binutils 2.40's x86-64 delay-load thunk does not preserve xmm0-xmm3, so
 *     resolving lazily on the first call to e.g. napi_create_double(env, 1.5, ...) could corrupt its
 *     floating-point argument.
 *  3. Symbols the host lacks (node 20.20.2 has no node_api_create_buffer_from_arraybuffer) stay on the
 *     lazy path. __pfnDliNotifyHook2 maps "node.exe" to the host there too, and __pfnDliFailureHook2
 *     turns a call to a missing symbol into napi_fatal_error naming it, instead of an anonymous crash.
 */
#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#include <windows.h>
#include <delayimp.h>
#include <string.h>

/* Emitted by dlltool into libnode_api_delay.a (named after that file), undecorated on x86 too: hence the asm name. */
extern const ImgDelayDescr winops_node_delay __asm__("__DELAY_IMPORT_DESCRIPTOR_libnode_api_delay_a");
extern IMAGE_DOS_HEADER __ImageBase;

static HMODULE winops_host;

static HMODULE find_host(void) {
  static const wchar_t* const candidates[] = {NULL, L"node.dll", L"libnode.dll"};
  for (size_t i = 0; i < sizeof candidates / sizeof candidates[0]; ++i) {
    HMODULE m = GetModuleHandleW(candidates[i]);
    if (m && GetProcAddress(m, "napi_module_register")) return m;
  }
  return NULL;
}

static void* rva(DWORD offset) { return (char*)&__ImageBase + offset; }

static int is_node_exe(const char* name) { return name && _stricmp(name, "node.exe") == 0; }

static FARPROC WINAPI winops_notify_hook(unsigned notify, PDelayLoadInfo info) {
  if (notify == dliNotePreLoadLibrary && is_node_exe(info->szDll)) return (FARPROC)winops_host;
  return NULL;
}

typedef void(NAPI_FATAL_FN)(const char*, size_t, const char*, size_t);

static FARPROC WINAPI winops_failure_hook(unsigned notify, PDelayLoadInfo info) {
  if (notify == dliFailGetProc && is_node_exe(info->szDll) && winops_host) {
    FARPROC fatal = GetProcAddress(winops_host, "napi_fatal_error");
    const char* what = info->dlp.fImportByName ? info->dlp.szProcName : "(by ordinal)";
    if (fatal) {
      static const char location[] = "winops.node";
      NAPI_FATAL_FN* fn;
      memcpy(&fn, &fatal, sizeof fn);
      char message[160] = "this host does not export the Node-API function ";
      strncat(message, what, sizeof message - strlen(message) - 1);
      fn(location, sizeof location - 1, message, strlen(message));
    }
  }
  return NULL;
}

/* Read by __delayLoadHelper2 (libmingwex). Defining them here replaces its empty defaults. */
PfnDliHook __pfnDliNotifyHook2 = winops_notify_hook;
PfnDliHook __pfnDliFailureHook2 = winops_failure_hook;

static BOOL bind_node_imports(void) {
  const ImgDelayDescr* d = &winops_node_delay;
  if (!(d->grAttrs & dlattrRva)) return FALSE;
  winops_host = find_host();
  if (!winops_host) return FALSE;
  *(HMODULE*)rva(d->rvaHmod) = winops_host;
  IMAGE_THUNK_DATA* iat = (IMAGE_THUNK_DATA*)rva(d->rvaIAT);
  const IMAGE_THUNK_DATA* names = (const IMAGE_THUNK_DATA*)rva(d->rvaINT);
  for (; names->u1.AddressOfData; ++names, ++iat) {
    if (IMAGE_SNAP_BY_ORDINAL(names->u1.Ordinal)) continue;
    const IMAGE_IMPORT_BY_NAME* byName = (const IMAGE_IMPORT_BY_NAME*)rva((DWORD)names->u1.AddressOfData);
    FARPROC p = GetProcAddress(winops_host, (const char*)byName->Name);
    if (p) iat->u1.Function = (ULONG_PTR)p; /* else: lazy path -> failure hook */
  }
  return TRUE;
}

BOOL WINAPI DllMain(HINSTANCE instance, DWORD reason, LPVOID reserved) {
  (void)instance;
  (void)reserved;
  /* FALSE makes LoadLibrary fail (ERROR_DLL_INIT_FAILED) in a process that exports no Node-API. */
  if (reason == DLL_PROCESS_ATTACH) return bind_node_imports();
  return TRUE;
}
