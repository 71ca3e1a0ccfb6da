// Hand-written declarations of the parts of imapi2.h winops uses (mingw-w64 ships no imapi2.h).
//
// Every declaration below is taken from /work/shared/reference/imapi2-abi.md ("IMAPI2 ABI facts"),
// whose vtable slots were compiled from the Windows SDK's MIDL output and cross-checked against
// win32metadata/windows-rs and mingw's old typelib dump. Method ORDER is the vtable order of that
// document's tables, never the alphabetical member lists of the docs. Each interface names the
// table it comes from. Only slot order and argument types matter for the ABI; parameter names are
// the SDK's.
//
// The declarations live in winops::imapi2::abi so that they can never collide with a real
// imapi2.h (MSVC builds do not include it either). GUIDs are plain constants: no __uuidof.
//
// COM interfaces have no virtual destructor by design (Release deletes); -Wnon-virtual-dtor is
// silenced for these declarations only.
#pragma once

#include "common/win.h"

#include <ocidl.h>  // IConnectionPointContainer, IConnectionPoint

namespace winops::imapi2::abi {

// ---------------------------------------------------------------------------------------------------
// GUIDs — imapi2-abi.md, "GUIDs" table (S1 uuid() and S1h MIDL_INTERFACE/DECLSPEC_UUID agree).
// Note Data2: IDiscFormat2 = 0x8F64, IDiscFormat2Data = 0x9F64, all others 0x7F64.
// ---------------------------------------------------------------------------------------------------
#define WINOPS_IMAPI2_GUID(d1, d2) {d1, d2, 0x5B0F, {0x8F, 0x00, 0x5D, 0x77, 0xAF, 0xBE, 0x26, 0x1E}}
inline constexpr IID kIID_IDiscMaster2 = WINOPS_IMAPI2_GUID(0x27354130, 0x7F64);
inline constexpr IID kIID_IDiscRecorder2 = WINOPS_IMAPI2_GUID(0x27354133, 0x7F64);
inline constexpr IID kIID_IDiscRecorder2Ex = WINOPS_IMAPI2_GUID(0x27354132, 0x7F64);
inline constexpr IID kIID_IWriteEngine2 = WINOPS_IMAPI2_GUID(0x27354135, 0x7F64);
inline constexpr IID kIID_IWriteEngine2EventArgs = WINOPS_IMAPI2_GUID(0x27354136, 0x7F64);
inline constexpr IID kIID_DWriteEngine2Events = WINOPS_IMAPI2_GUID(0x27354137, 0x7F64);
inline constexpr IID kIID_IDiscFormat2 = WINOPS_IMAPI2_GUID(0x27354152, 0x8F64);
inline constexpr IID kIID_IDiscFormat2Data = WINOPS_IMAPI2_GUID(0x27354153, 0x9F64);
inline constexpr IID kIID_DDiscFormat2DataEvents = WINOPS_IMAPI2_GUID(0x2735413C, 0x7F64);
inline constexpr IID kIID_IDiscFormat2DataEventArgs = WINOPS_IMAPI2_GUID(0x2735413D, 0x7F64);
// Not in imapi2-abi.md: taken from the SDK header itself (win32metadata RecompiledIdlHeaders/um/imapi2.h,
// MIDL_INTERFACE("D2FFD834-958B-426d-8470-2A13879C6A91") IBurnVerification), the same in windows-rs
// (Win32/Storage/Imapi: GUID::from_u128(0xd2ffd834_958b_426d_8470_2a13879c6a91)). Not of the 0x27354xxx family.
inline constexpr IID kIID_IBurnVerification = {0xD2FFD834, 0x958B, 0x426D, {0x84, 0x70, 0x2A, 0x13, 0x87, 0x9C, 0x6A, 0x91}};

inline constexpr CLSID kCLSID_MsftDiscMaster2 = WINOPS_IMAPI2_GUID(0x2735412E, 0x7F64);
inline constexpr CLSID kCLSID_MsftDiscRecorder2 = WINOPS_IMAPI2_GUID(0x2735412D, 0x7F64);
inline constexpr CLSID kCLSID_MsftWriteEngine2 = WINOPS_IMAPI2_GUID(0x2735412C, 0x7F64);
inline constexpr CLSID kCLSID_MsftDiscFormat2Data = WINOPS_IMAPI2_GUID(0x2735412A, 0x7F64);
#undef WINOPS_IMAPI2_GUID

// ---------------------------------------------------------------------------------------------------
// DISPIDs of the event methods — imapi2-abi.md, "Event (source) interfaces and connection points".
// ---------------------------------------------------------------------------------------------------
inline constexpr DISPID kDispidDWriteEngine2EventsUpdate = 0x100;     // DWriteEngine2Events::Update
inline constexpr DISPID kDispidDDiscFormat2DataEventsUpdate = 0x200;  // DDiscFormat2DataEvents::Update

// ---------------------------------------------------------------------------------------------------
// Enums — imapi2-abi.md, "Enums (S1h values)". All are 32-bit C enums.
// ---------------------------------------------------------------------------------------------------
enum IMAPI_FORMAT2_DATA_WRITE_ACTION : int {
  IMAPI_FORMAT2_DATA_WRITE_ACTION_VALIDATING_MEDIA = 0,
  IMAPI_FORMAT2_DATA_WRITE_ACTION_FORMATTING_MEDIA = 1,
  IMAPI_FORMAT2_DATA_WRITE_ACTION_INITIALIZING_HARDWARE = 2,
  IMAPI_FORMAT2_DATA_WRITE_ACTION_CALIBRATING_POWER = 3,
  IMAPI_FORMAT2_DATA_WRITE_ACTION_WRITING_DATA = 4,
  IMAPI_FORMAT2_DATA_WRITE_ACTION_FINALIZATION = 5,
  IMAPI_FORMAT2_DATA_WRITE_ACTION_COMPLETED = 6,
  IMAPI_FORMAT2_DATA_WRITE_ACTION_VERIFYING = 7,
};

enum IMAPI_MEDIA_PHYSICAL_TYPE : int {
  IMAPI_MEDIA_TYPE_UNKNOWN = 0,
  IMAPI_MEDIA_TYPE_CDROM = 1,
  IMAPI_MEDIA_TYPE_CDR = 2,
  IMAPI_MEDIA_TYPE_CDRW = 3,
  IMAPI_MEDIA_TYPE_DVDROM = 4,
  IMAPI_MEDIA_TYPE_DVDRAM = 5,
  IMAPI_MEDIA_TYPE_DVDPLUSR = 6,
  IMAPI_MEDIA_TYPE_DVDPLUSRW = 7,
  IMAPI_MEDIA_TYPE_DVDPLUSR_DUALLAYER = 8,
  IMAPI_MEDIA_TYPE_DVDDASHR = 9,
  IMAPI_MEDIA_TYPE_DVDDASHRW = 0xA,
  IMAPI_MEDIA_TYPE_DVDDASHR_DUALLAYER = 0xB,
  IMAPI_MEDIA_TYPE_DISK = 0xC,
  IMAPI_MEDIA_TYPE_DVDPLUSRW_DUALLAYER = 0xD,
  IMAPI_MEDIA_TYPE_HDDVDROM = 0xE,
  IMAPI_MEDIA_TYPE_HDDVDR = 0xF,
  IMAPI_MEDIA_TYPE_HDDVDRAM = 0x10,
  IMAPI_MEDIA_TYPE_BDROM = 0x11,
  IMAPI_MEDIA_TYPE_BDR = 0x12,
  IMAPI_MEDIA_TYPE_BDRE = 0x13,
  IMAPI_MEDIA_TYPE_MAX = 0x13,
};

// Bit flags (get_CurrentMediaStatus). Only the values winops reads are named.
enum IMAPI_FORMAT2_DATA_MEDIA_STATE : int {
  IMAPI_FORMAT2_DATA_MEDIA_STATE_UNKNOWN = 0,
  IMAPI_FORMAT2_DATA_MEDIA_STATE_BLANK = 0x2,
  IMAPI_FORMAT2_DATA_MEDIA_STATE_WRITE_PROTECTED = 0x2000,
};

// Bit flags (get_WriteProtectStatus); 0 = not write protected.
enum IMAPI_MEDIA_WRITE_PROTECT_STATE : int {
  IMAPI_WRITEPROTECTED_UNTIL_POWERDOWN = 0x1,
  IMAPI_WRITEPROTECTED_BY_CARTRIDGE = 0x2,
  IMAPI_WRITEPROTECTED_BY_MEDIA_SPECIFIC_REASON = 0x4,
  IMAPI_WRITEPROTECTED_BY_SOFTWARE_WRITE_PROTECT = 0x8,
  IMAPI_WRITEPROTECTED_BY_DISC_CONTROL_BLOCK = 0x10,
  IMAPI_WRITEPROTECTED_READ_ONLY_MEDIA = 0x4000,
};

// imapi2.h (SDK, see kIID_IBurnVerification): [v1_enum] _IMAPI_BURN_VERIFICATION_LEVEL, 32-bit.
enum IMAPI_BURN_VERIFICATION_LEVEL : int {
  IMAPI_BURN_VERIFICATION_NONE = 0,
  IMAPI_BURN_VERIFICATION_QUICK = 1,
  IMAPI_BURN_VERIFICATION_FULL = 2,
};

enum IMAPI_READ_TRACK_ADDRESS_TYPE : int {
  IMAPI_READ_TRACK_ADDRESS_TYPE_LBA = 0,
  IMAPI_READ_TRACK_ADDRESS_TYPE_TRACK = 1,
  IMAPI_READ_TRACK_ADDRESS_TYPE_SESSION = 2,
};

// 32-bit enums used only as argument types of IDiscRecorder2Ex methods winops never calls; their
// values are not in imapi2-abi.md and are not needed for the layout.
enum IMAPI_FEATURE_PAGE_TYPE : int {};
enum IMAPI_MODE_PAGE_TYPE : int {};
enum IMAPI_MODE_PAGE_REQUEST_TYPE : int {};
enum IMAPI_PROFILE_TYPE : int {};

// HRESULTs — imapi2-abi.md "Selected HRESULTs (S1e)" / imapi2.md.
inline constexpr HRESULT kE_IMAPI_REQUEST_CANCELLED = static_cast<HRESULT>(0xC0AA0002);
inline constexpr HRESULT kE_IMAPI_RECORDER_MEDIA_NO_MEDIA = static_cast<HRESULT>(0xC0AA0202);
inline constexpr HRESULT kS_IMAPI_WRITE_NOT_IN_PROGRESS = static_cast<HRESULT>(0x00AA0302);
inline constexpr HRESULT kE_IMAPI_DF2DATA_WRITE_NOT_IN_PROGRESS = static_cast<HRESULT>(0xC0AA0401);

#if defined(__GNUC__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wnon-virtual-dtor"
#endif

// ---------------------------------------------------------------------------------------------------
// imapi2-abi.md, table "IDiscMaster2" (IDispatch base, slots 0-6; own slots 7-10).
struct IDiscMaster2 : public IDispatch {
  virtual HRESULT STDMETHODCALLTYPE get__NewEnum(IEnumVARIANT** ppunk) = 0;           // 7
  virtual HRESULT STDMETHODCALLTYPE get_Item(LONG index, BSTR* value) = 0;            // 8
  virtual HRESULT STDMETHODCALLTYPE get_Count(LONG* value) = 0;                       // 9
  virtual HRESULT STDMETHODCALLTYPE get_IsSupportedEnvironment(VARIANT_BOOL* value) = 0;  // 10
};

// ---------------------------------------------------------------------------------------------------
// imapi2-abi.md, table "IDiscRecorder2" (IDispatch base; own slots 7-27).
struct IDiscRecorder2 : public IDispatch {
  virtual HRESULT STDMETHODCALLTYPE EjectMedia() = 0;                                            // 7
  virtual HRESULT STDMETHODCALLTYPE CloseTray() = 0;                                             // 8
  virtual HRESULT STDMETHODCALLTYPE AcquireExclusiveAccess(VARIANT_BOOL force, BSTR clientName) = 0;  // 9
  virtual HRESULT STDMETHODCALLTYPE ReleaseExclusiveAccess() = 0;                                // 10
  virtual HRESULT STDMETHODCALLTYPE DisableMcn() = 0;                                            // 11
  virtual HRESULT STDMETHODCALLTYPE EnableMcn() = 0;                                             // 12
  virtual HRESULT STDMETHODCALLTYPE InitializeDiscRecorder(BSTR recorderUniqueId) = 0;           // 13
  virtual HRESULT STDMETHODCALLTYPE get_ActiveDiscRecorder(BSTR* value) = 0;                     // 14
  virtual HRESULT STDMETHODCALLTYPE get_VendorId(BSTR* value) = 0;                               // 15
  virtual HRESULT STDMETHODCALLTYPE get_ProductId(BSTR* value) = 0;                              // 16
  virtual HRESULT STDMETHODCALLTYPE get_ProductRevision(BSTR* value) = 0;                        // 17
  virtual HRESULT STDMETHODCALLTYPE get_VolumeName(BSTR* value) = 0;                             // 18
  virtual HRESULT STDMETHODCALLTYPE get_VolumePathNames(SAFEARRAY** value) = 0;                  // 19
  virtual HRESULT STDMETHODCALLTYPE get_DeviceCanLoadMedia(VARIANT_BOOL* value) = 0;             // 20
  virtual HRESULT STDMETHODCALLTYPE get_LegacyDeviceNumber(LONG* legacyDeviceNumber) = 0;        // 21
  virtual HRESULT STDMETHODCALLTYPE get_SupportedFeaturePages(SAFEARRAY** value) = 0;            // 22
  virtual HRESULT STDMETHODCALLTYPE get_CurrentFeaturePages(SAFEARRAY** value) = 0;              // 23
  virtual HRESULT STDMETHODCALLTYPE get_SupportedProfiles(SAFEARRAY** value) = 0;                // 24
  virtual HRESULT STDMETHODCALLTYPE get_CurrentProfiles(SAFEARRAY** value) = 0;                  // 25
  virtual HRESULT STDMETHODCALLTYPE get_SupportedModePages(SAFEARRAY** value) = 0;               // 26
  virtual HRESULT STDMETHODCALLTYPE get_ExclusiveAccessOwner(BSTR* value) = 0;                   // 27
};

// ---------------------------------------------------------------------------------------------------
// imapi2-abi.md, table "IDiscRecorder2Ex" — derives from IUnknown, NOT IDispatch (warning 4):
// own slots 3-20. BOOLEAN is one byte here.
struct IDiscRecorder2Ex : public IUnknown {
  virtual HRESULT STDMETHODCALLTYPE SendCommandNoData(BYTE* Cdb, ULONG CdbSize, BYTE SenseBuffer[18],
                                                      ULONG Timeout) = 0;  // 3
  virtual HRESULT STDMETHODCALLTYPE SendCommandSendDataToDevice(BYTE* Cdb, ULONG CdbSize,
                                                                BYTE SenseBuffer[18], ULONG Timeout,
                                                                BYTE* Buffer, ULONG BufferSize) = 0;  // 4
  virtual HRESULT STDMETHODCALLTYPE SendCommandGetDataFromDevice(BYTE* Cdb, ULONG CdbSize,
                                                                 BYTE SenseBuffer[18], ULONG Timeout,
                                                                 BYTE* Buffer, ULONG BufferSize,
                                                                 ULONG* BufferFetched) = 0;  // 5
  virtual HRESULT STDMETHODCALLTYPE ReadDvdStructure(ULONG format, ULONG address, ULONG layer, ULONG agid,
                                                     BYTE** data, ULONG* count) = 0;  // 6
  virtual HRESULT STDMETHODCALLTYPE SendDvdStructure(ULONG format, BYTE* data, ULONG count) = 0;  // 7
  virtual HRESULT STDMETHODCALLTYPE GetAdapterDescriptor(BYTE** data, ULONG* byteSize) = 0;       // 8
  virtual HRESULT STDMETHODCALLTYPE GetDeviceDescriptor(BYTE** data, ULONG* byteSize) = 0;        // 9
  virtual HRESULT STDMETHODCALLTYPE GetDiscInformation(BYTE** discInformation, ULONG* byteSize) = 0;  // 10
  virtual HRESULT STDMETHODCALLTYPE GetTrackInformation(ULONG address,
                                                        IMAPI_READ_TRACK_ADDRESS_TYPE addressType,
                                                        BYTE** trackInformation, ULONG* byteSize) = 0;  // 11
  virtual HRESULT STDMETHODCALLTYPE GetFeaturePage(IMAPI_FEATURE_PAGE_TYPE requestedFeature,
                                                   BOOLEAN currentFeatureOnly, BYTE** featureData,
                                                   ULONG* byteSize) = 0;  // 12
  virtual HRESULT STDMETHODCALLTYPE GetModePage(IMAPI_MODE_PAGE_TYPE requestedModePage,
                                                IMAPI_MODE_PAGE_REQUEST_TYPE requestType,
                                                BYTE** modePageData, ULONG* byteSize) = 0;  // 13
  virtual HRESULT STDMETHODCALLTYPE SetModePage(IMAPI_MODE_PAGE_REQUEST_TYPE requestType, BYTE* data,
                                                ULONG byteSize) = 0;  // 14
  virtual HRESULT STDMETHODCALLTYPE GetSupportedFeaturePages(BOOLEAN currentFeatureOnly,
                                                             IMAPI_FEATURE_PAGE_TYPE** featureData,
                                                             ULONG* byteSize) = 0;  // 15
  virtual HRESULT STDMETHODCALLTYPE GetSupportedProfiles(BOOLEAN currentOnly, IMAPI_PROFILE_TYPE** profileTypes,
                                                         ULONG* validProfiles) = 0;  // 16
  virtual HRESULT STDMETHODCALLTYPE GetSupportedModePages(IMAPI_MODE_PAGE_REQUEST_TYPE requestType,
                                                          IMAPI_MODE_PAGE_TYPE** modePageTypes,
                                                          ULONG* validPages) = 0;  // 17
  virtual HRESULT STDMETHODCALLTYPE GetByteAlignmentMask(ULONG* value) = 0;                   // 18
  virtual HRESULT STDMETHODCALLTYPE GetMaximumNonPageAlignedTransferSize(ULONG* value) = 0;   // 19
  virtual HRESULT STDMETHODCALLTYPE GetMaximumPageAlignedTransferSize(ULONG* value) = 0;      // 20
};

// ---------------------------------------------------------------------------------------------------
// imapi2-abi.md, table "IWriteEngine2" (IDispatch base; own slots 7-19). put before get (warning 3).
struct IWriteEngine2 : public IDispatch {
  virtual HRESULT STDMETHODCALLTYPE WriteSection(IStream* data, LONG startingBlockAddress,
                                                 LONG numberOfBlocks) = 0;                   // 7
  virtual HRESULT STDMETHODCALLTYPE CancelWrite() = 0;                                       // 8
  virtual HRESULT STDMETHODCALLTYPE put_Recorder(IDiscRecorder2Ex* value) = 0;               // 9
  virtual HRESULT STDMETHODCALLTYPE get_Recorder(IDiscRecorder2Ex** value) = 0;              // 10
  virtual HRESULT STDMETHODCALLTYPE put_UseStreamingWrite12(VARIANT_BOOL value) = 0;         // 11
  virtual HRESULT STDMETHODCALLTYPE get_UseStreamingWrite12(VARIANT_BOOL* value) = 0;        // 12
  virtual HRESULT STDMETHODCALLTYPE put_StartingSectorsPerSecond(LONG value) = 0;            // 13
  virtual HRESULT STDMETHODCALLTYPE get_StartingSectorsPerSecond(LONG* value) = 0;           // 14
  virtual HRESULT STDMETHODCALLTYPE put_EndingSectorsPerSecond(LONG value) = 0;              // 15
  virtual HRESULT STDMETHODCALLTYPE get_EndingSectorsPerSecond(LONG* value) = 0;             // 16
  virtual HRESULT STDMETHODCALLTYPE put_BytesPerSector(LONG value) = 0;                      // 17
  virtual HRESULT STDMETHODCALLTYPE get_BytesPerSector(LONG* value) = 0;                     // 18
  virtual HRESULT STDMETHODCALLTYPE get_WriteInProgress(VARIANT_BOOL* value) = 0;            // 19
};

// ---------------------------------------------------------------------------------------------------
// imapi2-abi.md, table "IWriteEngine2EventArgs" (IDispatch base; own slots 7-13). No
// TotalDeviceBuffer/UsedDeviceBuffer (warning 7): slot 11 is get_TotalSystemBuffer.
struct IWriteEngine2EventArgs : public IDispatch {
  virtual HRESULT STDMETHODCALLTYPE get_StartLba(LONG* value) = 0;           // 7
  virtual HRESULT STDMETHODCALLTYPE get_SectorCount(LONG* value) = 0;        // 8
  virtual HRESULT STDMETHODCALLTYPE get_LastReadLba(LONG* value) = 0;        // 9
  virtual HRESULT STDMETHODCALLTYPE get_LastWrittenLba(LONG* value) = 0;     // 10
  virtual HRESULT STDMETHODCALLTYPE get_TotalSystemBuffer(LONG* value) = 0;  // 11
  virtual HRESULT STDMETHODCALLTYPE get_UsedSystemBuffer(LONG* value) = 0;   // 12
  virtual HRESULT STDMETHODCALLTYPE get_FreeSystemBuffer(LONG* value) = 0;   // 13
};

// ---------------------------------------------------------------------------------------------------
// imapi2-abi.md, table "IDiscFormat2DataEventArgs": IWriteEngine2EventArgs (slots 7-13) + 14-17
// (warning 6).
struct IDiscFormat2DataEventArgs : public IWriteEngine2EventArgs {
  virtual HRESULT STDMETHODCALLTYPE get_ElapsedTime(LONG* value) = 0;                            // 14
  virtual HRESULT STDMETHODCALLTYPE get_RemainingTime(LONG* value) = 0;                          // 15
  virtual HRESULT STDMETHODCALLTYPE get_TotalTime(LONG* value) = 0;                              // 16
  virtual HRESULT STDMETHODCALLTYPE get_CurrentAction(IMAPI_FORMAT2_DATA_WRITE_ACTION* value) = 0;  // 17
};

// ---------------------------------------------------------------------------------------------------
// imapi2-abi.md, table "IDiscFormat2" (IDispatch base; own slots 7-11).
struct IDiscFormat2 : public IDispatch {
  virtual HRESULT STDMETHODCALLTYPE IsRecorderSupported(IDiscRecorder2* recorder, VARIANT_BOOL* value) = 0;  // 7
  virtual HRESULT STDMETHODCALLTYPE IsCurrentMediaSupported(IDiscRecorder2* recorder,
                                                            VARIANT_BOOL* value) = 0;  // 8
  virtual HRESULT STDMETHODCALLTYPE get_MediaPhysicallyBlank(VARIANT_BOOL* value) = 0;    // 9
  virtual HRESULT STDMETHODCALLTYPE get_MediaHeuristicallyBlank(VARIANT_BOOL* value) = 0;  // 10
  virtual HRESULT STDMETHODCALLTYPE get_SupportedMediaTypes(SAFEARRAY** value) = 0;       // 11
};

// ---------------------------------------------------------------------------------------------------
// imapi2-abi.md, table "IDiscFormat2Data": IDiscFormat2 (slots 7-11, warning 5) + own slots 12-43.
struct IDiscFormat2Data : public IDiscFormat2 {
  virtual HRESULT STDMETHODCALLTYPE put_Recorder(IDiscRecorder2* value) = 0;                         // 12
  virtual HRESULT STDMETHODCALLTYPE get_Recorder(IDiscRecorder2** value) = 0;                        // 13
  virtual HRESULT STDMETHODCALLTYPE put_BufferUnderrunFreeDisabled(VARIANT_BOOL value) = 0;          // 14
  virtual HRESULT STDMETHODCALLTYPE get_BufferUnderrunFreeDisabled(VARIANT_BOOL* value) = 0;         // 15
  virtual HRESULT STDMETHODCALLTYPE put_PostgapAlreadyInImage(VARIANT_BOOL value) = 0;               // 16
  virtual HRESULT STDMETHODCALLTYPE get_PostgapAlreadyInImage(VARIANT_BOOL* value) = 0;              // 17
  virtual HRESULT STDMETHODCALLTYPE get_CurrentMediaStatus(IMAPI_FORMAT2_DATA_MEDIA_STATE* value) = 0;  // 18
  virtual HRESULT STDMETHODCALLTYPE get_WriteProtectStatus(IMAPI_MEDIA_WRITE_PROTECT_STATE* value) = 0;  // 19
  virtual HRESULT STDMETHODCALLTYPE get_TotalSectorsOnMedia(LONG* value) = 0;                        // 20
  virtual HRESULT STDMETHODCALLTYPE get_FreeSectorsOnMedia(LONG* value) = 0;                         // 21
  virtual HRESULT STDMETHODCALLTYPE get_NextWritableAddress(LONG* value) = 0;                        // 22
  virtual HRESULT STDMETHODCALLTYPE get_StartAddressOfPreviousSession(LONG* value) = 0;              // 23
  virtual HRESULT STDMETHODCALLTYPE get_LastWrittenAddressOfPreviousSession(LONG* value) = 0;        // 24
  virtual HRESULT STDMETHODCALLTYPE put_ForceMediaToBeClosed(VARIANT_BOOL value) = 0;                // 25
  virtual HRESULT STDMETHODCALLTYPE get_ForceMediaToBeClosed(VARIANT_BOOL* value) = 0;               // 26
  virtual HRESULT STDMETHODCALLTYPE put_DisableConsumerDvdCompatibilityMode(VARIANT_BOOL value) = 0;   // 27
  virtual HRESULT STDMETHODCALLTYPE get_DisableConsumerDvdCompatibilityMode(VARIANT_BOOL* value) = 0;  // 28
  virtual HRESULT STDMETHODCALLTYPE get_CurrentPhysicalMediaType(IMAPI_MEDIA_PHYSICAL_TYPE* value) = 0;  // 29
  virtual HRESULT STDMETHODCALLTYPE put_ClientName(BSTR value) = 0;                                  // 30
  virtual HRESULT STDMETHODCALLTYPE get_ClientName(BSTR* value) = 0;                                 // 31
  virtual HRESULT STDMETHODCALLTYPE get_RequestedWriteSpeed(LONG* value) = 0;                        // 32
  virtual HRESULT STDMETHODCALLTYPE get_RequestedRotationTypeIsPureCAV(VARIANT_BOOL* value) = 0;     // 33
  virtual HRESULT STDMETHODCALLTYPE get_CurrentWriteSpeed(LONG* value) = 0;                          // 34
  virtual HRESULT STDMETHODCALLTYPE get_CurrentRotationTypeIsPureCAV(VARIANT_BOOL* value) = 0;       // 35
  virtual HRESULT STDMETHODCALLTYPE get_SupportedWriteSpeeds(SAFEARRAY** supportedSpeeds) = 0;       // 36
  virtual HRESULT STDMETHODCALLTYPE get_SupportedWriteSpeedDescriptors(SAFEARRAY** descriptors) = 0;  // 37
  virtual HRESULT STDMETHODCALLTYPE put_ForceOverwrite(VARIANT_BOOL value) = 0;                      // 38
  virtual HRESULT STDMETHODCALLTYPE get_ForceOverwrite(VARIANT_BOOL* value) = 0;                     // 39
  virtual HRESULT STDMETHODCALLTYPE get_MultisessionInterfaces(SAFEARRAY** value) = 0;               // 40
  virtual HRESULT STDMETHODCALLTYPE Write(IStream* data) = 0;                                        // 41
  virtual HRESULT STDMETHODCALLTYPE CancelWrite() = 0;                                               // 42
  virtual HRESULT STDMETHODCALLTYPE SetWriteSpeed(LONG RequestedSectorsPerSecond,
                                                  VARIANT_BOOL RotationTypeIsPureCAV) = 0;           // 43
};

// ---------------------------------------------------------------------------------------------------
// IBurnVerification : IUnknown (not IDispatch). Not in imapi2-abi.md; from the SDK header
// (win32metadata RecompiledIdlHeaders/um/imapi2.h: IBurnVerificationVtbl = QueryInterface, AddRef, Release,
// put_BurnVerificationLevel, get_BurnVerificationLevel; imapi2.idl: propput/propget id(0x400)), checked slot
// by slot against windows-rs (IBurnVerification_Vtbl { base__: IUnknown_Vtbl, SetBurnVerificationLevel,
// BurnVerificationLevel }). MsftDiscFormat2Data implements it (imapi2-abi.md GUIDs table, coclass row).
// Slots 3/4 were checked as imapi2-abi.md's S4 was (the SDK header's C IBurnVerificationVtbl compiled with
// x86_64-w64-mingw32-gcc -DCINTERFACE, offsetof / sizeof(void*)); abi_check.cc checks this declaration.
struct IBurnVerification : public IUnknown {
  virtual HRESULT STDMETHODCALLTYPE put_BurnVerificationLevel(IMAPI_BURN_VERIFICATION_LEVEL value) = 0;   // 3
  virtual HRESULT STDMETHODCALLTYPE get_BurnVerificationLevel(IMAPI_BURN_VERIFICATION_LEVEL* value) = 0;  // 4
};

// ---------------------------------------------------------------------------------------------------
// imapi2-abi.md, tables "DWriteEngine2Events" / "DDiscFormat2DataEvents" and "Event (source)
// interfaces and connection points": IDispatch (slots 0-6) + Update at slot 7. Whether imapi2.dll
// calls Invoke(DISPID) or slot 7 is not stated anywhere, so a sink implements both.
struct DWriteEngine2Events : public IDispatch {
  virtual HRESULT STDMETHODCALLTYPE Update(IDispatch* object, IDispatch* progress) = 0;  // 7, DISPID 0x100
};

struct DDiscFormat2DataEvents : public IDispatch {
  virtual HRESULT STDMETHODCALLTYPE Update(IDispatch* object, IDispatch* progress) = 0;  // 7, DISPID 0x200
};

#if defined(__GNUC__)
#pragma GCC diagnostic pop
#endif

// test/doubles/imapi2/abi_check.cc compares every slot above with imapi2-abi.md's byte offsets
// (run by npm run test:wine): the double and the addon share this header, so the double alone could
// not catch a wrong order.

}  // namespace winops::imapi2::abi
