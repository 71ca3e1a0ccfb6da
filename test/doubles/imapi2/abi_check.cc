// Checks native/imapi2/imapi2_abi.h against /work/shared/reference/imapi2-abi.md: for every row of
// the document's vtable tables of the interfaces we declare, the compiled byte offset of the method
// must equal the document's "byte off" (slot x 8 on x64), and no declared method may be missing from
// the document. build.sh turns the document's tables into abi_expected.inc; run by npm run test:wine.
//
// How an offset is read: under the Itanium C++ ABI that mingw-w64 uses, a pointer to a virtual member
// function holds 1 + the method's byte offset in the vtable.
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <iterator>
#include <string>
#include <vector>

#include "common/win.h"
#include "imapi2/imapi2_abi.h"

using namespace winops::imapi2::abi;

namespace {

struct Expected {
  const char* iface;
  const char* method;
  long offset;
};
const Expected kExpected[] = {
#include "abi_expected.inc"
};

// Interfaces not in imapi2-abi.md, from the SDK header itself (win32metadata RecompiledIdlHeaders/um/imapi2.h,
// IBurnVerificationVtbl: IUnknown's 3 slots, then put_ (slot 3) and get_BurnVerificationLevel (slot 4); the
// same order in windows-rs IBurnVerification_Vtbl).
const Expected kExpectedSdk[] = {
    {"IBurnVerification", "put_BurnVerificationLevel", 24},
    {"IBurnVerification", "get_BurnVerificationLevel", 32},
};

struct Actual {
  const char* iface;
  const char* method;
  long offset;
};

template <class C, class F>
long OffsetOf(F C::*pmf) {
  struct {
    uintptr_t ptr;
    ptrdiff_t adj;
  } rep;
  static_assert(sizeof rep == sizeof pmf, "Itanium member function pointer");
  std::memcpy(&rep, &pmf, sizeof rep);
  return (rep.ptr & 1) ? static_cast<long>(rep.ptr - 1) : -1;  // -1: not virtual
}

#define M(I, m) {#I, #m, OffsetOf(&I::m)}
const Actual kActual[] = {
    M(IDiscMaster2, get__NewEnum), M(IDiscMaster2, get_Item), M(IDiscMaster2, get_Count),
    M(IDiscMaster2, get_IsSupportedEnvironment),

    M(IDiscRecorder2, EjectMedia), M(IDiscRecorder2, CloseTray), M(IDiscRecorder2, AcquireExclusiveAccess),
    M(IDiscRecorder2, ReleaseExclusiveAccess), M(IDiscRecorder2, DisableMcn), M(IDiscRecorder2, EnableMcn),
    M(IDiscRecorder2, InitializeDiscRecorder), M(IDiscRecorder2, get_ActiveDiscRecorder),
    M(IDiscRecorder2, get_VendorId), M(IDiscRecorder2, get_ProductId), M(IDiscRecorder2, get_ProductRevision),
    M(IDiscRecorder2, get_VolumeName), M(IDiscRecorder2, get_VolumePathNames),
    M(IDiscRecorder2, get_DeviceCanLoadMedia), M(IDiscRecorder2, get_LegacyDeviceNumber),
    M(IDiscRecorder2, get_SupportedFeaturePages), M(IDiscRecorder2, get_CurrentFeaturePages),
    M(IDiscRecorder2, get_SupportedProfiles), M(IDiscRecorder2, get_CurrentProfiles),
    M(IDiscRecorder2, get_SupportedModePages), M(IDiscRecorder2, get_ExclusiveAccessOwner),

    M(IDiscRecorder2Ex, SendCommandNoData), M(IDiscRecorder2Ex, SendCommandSendDataToDevice),
    M(IDiscRecorder2Ex, SendCommandGetDataFromDevice), M(IDiscRecorder2Ex, ReadDvdStructure),
    M(IDiscRecorder2Ex, SendDvdStructure), M(IDiscRecorder2Ex, GetAdapterDescriptor),
    M(IDiscRecorder2Ex, GetDeviceDescriptor), M(IDiscRecorder2Ex, GetDiscInformation),
    M(IDiscRecorder2Ex, GetTrackInformation), M(IDiscRecorder2Ex, GetFeaturePage), M(IDiscRecorder2Ex, GetModePage),
    M(IDiscRecorder2Ex, SetModePage), M(IDiscRecorder2Ex, GetSupportedFeaturePages),
    M(IDiscRecorder2Ex, GetSupportedProfiles), M(IDiscRecorder2Ex, GetSupportedModePages),
    M(IDiscRecorder2Ex, GetByteAlignmentMask), M(IDiscRecorder2Ex, GetMaximumNonPageAlignedTransferSize),
    M(IDiscRecorder2Ex, GetMaximumPageAlignedTransferSize),

    M(IWriteEngine2, WriteSection), M(IWriteEngine2, CancelWrite), M(IWriteEngine2, put_Recorder),
    M(IWriteEngine2, get_Recorder), M(IWriteEngine2, put_UseStreamingWrite12), M(IWriteEngine2, get_UseStreamingWrite12),
    M(IWriteEngine2, put_StartingSectorsPerSecond), M(IWriteEngine2, get_StartingSectorsPerSecond),
    M(IWriteEngine2, put_EndingSectorsPerSecond), M(IWriteEngine2, get_EndingSectorsPerSecond),
    M(IWriteEngine2, put_BytesPerSector), M(IWriteEngine2, get_BytesPerSector), M(IWriteEngine2, get_WriteInProgress),

    M(IWriteEngine2EventArgs, get_StartLba), M(IWriteEngine2EventArgs, get_SectorCount),
    M(IWriteEngine2EventArgs, get_LastReadLba), M(IWriteEngine2EventArgs, get_LastWrittenLba),
    M(IWriteEngine2EventArgs, get_TotalSystemBuffer), M(IWriteEngine2EventArgs, get_UsedSystemBuffer),
    M(IWriteEngine2EventArgs, get_FreeSystemBuffer),

    M(IDiscFormat2, IsRecorderSupported), M(IDiscFormat2, IsCurrentMediaSupported),
    M(IDiscFormat2, get_MediaPhysicallyBlank), M(IDiscFormat2, get_MediaHeuristicallyBlank),
    M(IDiscFormat2, get_SupportedMediaTypes),

    M(IDiscFormat2Data, IsRecorderSupported), M(IDiscFormat2Data, IsCurrentMediaSupported),
    M(IDiscFormat2Data, get_MediaPhysicallyBlank), M(IDiscFormat2Data, get_MediaHeuristicallyBlank),
    M(IDiscFormat2Data, get_SupportedMediaTypes), M(IDiscFormat2Data, put_Recorder), M(IDiscFormat2Data, get_Recorder),
    M(IDiscFormat2Data, put_BufferUnderrunFreeDisabled), M(IDiscFormat2Data, get_BufferUnderrunFreeDisabled),
    M(IDiscFormat2Data, put_PostgapAlreadyInImage), M(IDiscFormat2Data, get_PostgapAlreadyInImage),
    M(IDiscFormat2Data, get_CurrentMediaStatus), M(IDiscFormat2Data, get_WriteProtectStatus),
    M(IDiscFormat2Data, get_TotalSectorsOnMedia), M(IDiscFormat2Data, get_FreeSectorsOnMedia),
    M(IDiscFormat2Data, get_NextWritableAddress), M(IDiscFormat2Data, get_StartAddressOfPreviousSession),
    M(IDiscFormat2Data, get_LastWrittenAddressOfPreviousSession), M(IDiscFormat2Data, put_ForceMediaToBeClosed),
    M(IDiscFormat2Data, get_ForceMediaToBeClosed), M(IDiscFormat2Data, put_DisableConsumerDvdCompatibilityMode),
    M(IDiscFormat2Data, get_DisableConsumerDvdCompatibilityMode), M(IDiscFormat2Data, get_CurrentPhysicalMediaType),
    M(IDiscFormat2Data, put_ClientName), M(IDiscFormat2Data, get_ClientName), M(IDiscFormat2Data, get_RequestedWriteSpeed),
    M(IDiscFormat2Data, get_RequestedRotationTypeIsPureCAV), M(IDiscFormat2Data, get_CurrentWriteSpeed),
    M(IDiscFormat2Data, get_CurrentRotationTypeIsPureCAV), M(IDiscFormat2Data, get_SupportedWriteSpeeds),
    M(IDiscFormat2Data, get_SupportedWriteSpeedDescriptors), M(IDiscFormat2Data, put_ForceOverwrite),
    M(IDiscFormat2Data, get_ForceOverwrite), M(IDiscFormat2Data, get_MultisessionInterfaces), M(IDiscFormat2Data, Write),
    M(IDiscFormat2Data, CancelWrite), M(IDiscFormat2Data, SetWriteSpeed),

    M(IDiscFormat2DataEventArgs, get_StartLba), M(IDiscFormat2DataEventArgs, get_SectorCount),
    M(IDiscFormat2DataEventArgs, get_LastReadLba), M(IDiscFormat2DataEventArgs, get_LastWrittenLba),
    M(IDiscFormat2DataEventArgs, get_TotalSystemBuffer), M(IDiscFormat2DataEventArgs, get_UsedSystemBuffer),
    M(IDiscFormat2DataEventArgs, get_FreeSystemBuffer), M(IDiscFormat2DataEventArgs, get_ElapsedTime),
    M(IDiscFormat2DataEventArgs, get_RemainingTime), M(IDiscFormat2DataEventArgs, get_TotalTime),
    M(IDiscFormat2DataEventArgs, get_CurrentAction),

    M(DWriteEngine2Events, Update), M(DDiscFormat2DataEvents, Update),

    M(IBurnVerification, put_BurnVerificationLevel), M(IBurnVerification, get_BurnVerificationLevel),
};
#undef M

}  // namespace

int main() {
  int failures = 0, checked = 0;
  std::vector<Expected> expected(std::begin(kExpected), std::end(kExpected));
  expected.insert(expected.end(), std::begin(kExpectedSdk), std::end(kExpectedSdk));
  for (const Expected& e : expected) {
    const Actual* found = nullptr;
    for (const Actual& a : kActual) {
      if (std::strcmp(a.iface, e.iface) == 0 && std::strcmp(a.method, e.method) == 0) found = &a;
    }
    if (!found) continue;  // an interface we do not declare (e.g. IWriteSpeedDescriptor)
    ++checked;
    if (found->offset != e.offset) {
      std::printf("MISMATCH %s::%s: compiled at byte %ld, imapi2-abi.md says %ld\n", e.iface, e.method,
                  found->offset, e.offset);
      ++failures;
    }
  }
  for (const Actual& a : kActual) {
    bool listed = false;
    for (const Expected& e : expected) {
      if (std::strcmp(a.iface, e.iface) == 0 && std::strcmp(a.method, e.method) == 0) listed = true;
    }
    if (!listed) {
      std::printf("UNLISTED %s::%s is declared but not in imapi2-abi.md\n", a.iface, a.method);
      ++failures;
    }
  }
  const int declared = static_cast<int>(sizeof kActual / sizeof kActual[0]);
  std::printf("abi_check: %d of %d declared methods checked against imapi2-abi.md, %d mismatches\n", checked,
              declared, failures);
  return failures == 0 && checked == declared ? 0 : 1;
}
