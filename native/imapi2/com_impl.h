// Helpers for the COM objects the addon implements itself (event sinks, IStreams).
//
// COM interfaces have no virtual destructor by design (the object deletes itself in Release), which
// -Wnon-virtual-dtor reports for every class deriving from one. The warning is silenced only around
// such classes, between WINOPS_COM_IMPL_BEGIN and WINOPS_COM_IMPL_END; those classes always delete
// through their own (virtual) destructor.
#pragma once

#if defined(__GNUC__)
#define WINOPS_COM_IMPL_BEGIN \
  _Pragma("GCC diagnostic push") _Pragma("GCC diagnostic ignored \"-Wnon-virtual-dtor\"")
#define WINOPS_COM_IMPL_END _Pragma("GCC diagnostic pop")
#else
#define WINOPS_COM_IMPL_BEGIN
#define WINOPS_COM_IMPL_END
#endif
