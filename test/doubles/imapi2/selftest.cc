// Checks the IMAPI2 double's own checks: a deliberately bad client must be caught. The addon's tests
// assert "no violation"; this shows the double would have reported one. Run by scripts/wine/test.sh
// with the double registered. Exit 0 when every misuse below was reported in the log.
#include <cstdio>
#include <string>

#include "common/win.h"
#include "imapi2/imapi2_abi.h"

#include "common/double_support.h"

using namespace winops::imapi2::abi;

namespace {

#if defined(__GNUC__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wnon-virtual-dtor"
#endif
// A sink that does nothing (the misuse is about the client, not the sink).
class NullSink final : public DDiscFormat2DataEvents {
 public:
  HRESULT STDMETHODCALLTYPE QueryInterface(REFIID iid, void** out) override {
    if (IsEqualIID(iid, IID_IUnknown) || IsEqualIID(iid, IID_IDispatch) || IsEqualIID(iid, kIID_DDiscFormat2DataEvents)) {
      *out = this;
      AddRef();
      return S_OK;
    }
    *out = nullptr;
    return E_NOINTERFACE;
  }
  ULONG STDMETHODCALLTYPE AddRef() override { return ++refs_; }
  ULONG STDMETHODCALLTYPE Release() override { return --refs_; }  // static lifetime
  HRESULT STDMETHODCALLTYPE GetTypeInfoCount(UINT* n) override {
    *n = 0;
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE GetTypeInfo(UINT, LCID, ITypeInfo**) override { return E_NOTIMPL; }
  HRESULT STDMETHODCALLTYPE GetIDsOfNames(REFIID, LPOLESTR*, UINT, LCID, DISPID*) override { return E_NOTIMPL; }
  HRESULT STDMETHODCALLTYPE Invoke(DISPID, REFIID, LCID, WORD, DISPPARAMS*, VARIANT*, EXCEPINFO*, UINT*) override {
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE Update(IDispatch*, IDispatch*) override { return S_OK; }
  ULONG refs_ = 1;
};
#if defined(__GNUC__)
#pragma GCC diagnostic pop
#endif

int failures = 0;
void Expect(bool ok, const char* what) {
  std::printf("%s %s\n", ok ? "ok  " : "FAIL", what);
  if (!ok) ++failures;
}

}  // namespace

int main() {
  wchar_t temp[MAX_PATH];
  ::GetTempPathW(MAX_PATH, temp);
  const std::wstring log = std::wstring(temp) + L"winops-imapi2-selftest.json";
  ::DeleteFileW(log.c_str());
  ::SetEnvironmentVariableW(L"WINOPS_DOUBLE_LOG", log.c_str());
  ::SetEnvironmentVariableW(L"WINOPS_SCENARIO", nullptr);
  ::CoInitializeEx(nullptr, COINIT_MULTITHREADED);
  {
    IDiscFormat2Data* format = nullptr;
    HRESULT hr = ::CoCreateInstance(kCLSID_MsftDiscFormat2Data, nullptr, CLSCTX_ALL, kIID_IDiscFormat2Data,
                                    reinterpret_cast<void**>(&format));
    Expect(SUCCEEDED(hr) && format, "MsftDiscFormat2Data is served by the double");
    if (!format) return 2;
    // 1. CancelWrite outside an Update handler.
    format->CancelWrite();
    // 2. Advise, then release the object without Unadvise.
    IConnectionPointContainer* container = nullptr;
    IConnectionPoint* point = nullptr;
    NullSink sink;
    DWORD cookie = 0;
    format->QueryInterface(IID_IConnectionPointContainer, reinterpret_cast<void**>(&container));
    if (container) container->FindConnectionPoint(kIID_DDiscFormat2DataEvents, &point);
    if (point) point->Advise(&sink, &cookie);
    if (point) point->Release();
    if (container) container->Release();
    // 3. A recorder left alive (released only after the log was read).
    IDiscRecorder2* leaked = nullptr;
    ::CoCreateInstance(kCLSID_MsftDiscRecorder2, nullptr, CLSCTX_ALL, kIID_IDiscRecorder2,
                       reinterpret_cast<void**>(&leaked));
    format->Release();

    std::string text;
    doubles::ReadFileUtf8(doubles::Narrow(log.c_str()), text);
    doubles::Json j;
    Expect(doubles::JsonParser(text).Parse(j), "the log is valid JSON");
    auto violation = [&](const char* needle) {
      const doubles::Json* v = j.Get("violations");
      if (!v) return false;
      for (const doubles::Json& s : v->a) {
        if (s.s.find(needle) != std::string::npos) return true;
      }
      return false;
    };
    Expect(violation("CancelWrite called outside an Update handler"), "CancelWrite outside Update is reported");
    Expect(violation("still advised"), "an object released with an advised connection is reported");
    const doubles::Json* live = j.Get("live");
    Expect(live && live->Num("MsftDiscRecorder2", 0) == 1, "a recorder still alive shows in live counts");
    Expect(live && live->Num("MsftDiscFormat2Data", -1) == 0, "the released format object is not counted");
    if (leaked) leaked->Release();
  }
  ::CoUninitialize();
  ::DeleteFileW(log.c_str());
  std::printf("imapi2 double selftest: %d failure(s)\n", failures);
  return failures == 0 ? 0 : 1;
}
