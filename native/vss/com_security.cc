#include "vss/com_security.h"

#include <atomic>
#include <mutex>

#include "common/apartment.h"

namespace winops::vss {
namespace {

std::once_flag g_once;
std::atomic<bool> g_called{false};
std::atomic<HRESULT> g_securityHr{S_OK};
std::atomic<HRESULT> g_exceptionHr{S_OK};

}  // namespace

void EnsureComSecurity() noexcept {
  std::call_once(g_once, [] {
    g_securityHr = InitializeComSecurityForVss();
    // After CoInitializeSecurity, as the requester security page orders them. Set even when security was
    // too late: the exception-handling option is independent of it.
    g_exceptionHr = DisableComExceptionHandling();
    g_called = true;
  });
}

ComSecurityState CurrentComSecurity() noexcept {
  ComSecurityState s;
  s.called = g_called.load();
  if (s.called) {
    s.securityHr = g_securityHr.load();
    s.exceptionHr = g_exceptionHr.load();
  }
  return s;
}

}  // namespace winops::vss
