// GENERATED FILE — do not edit by hand. Regenerate with `node scripts/gen-codes.mjs`.
// Source: ../shared/reference/{vss,mi,imapi2,axe}.md tables; COM/Win32 codes are listed in the script.
// Counts: com 18, win32 27, vss 81, imapi2 149, axe 39 (total 314); MI_Result 27; MI_ErrorCategory 32.
// Values shared by two names (codeByValue returns the first listed):
//   0x80070005: E_ACCESSDENIED, ERROR_ACCESS_DENIED
//   0x80070057: E_INVALIDARG, ERROR_INVALID_PARAMETER
//   0x80070006: E_HANDLE, ERROR_INVALID_HANDLE
//   0x80040203: AXE_E_UNKNOWN_WIN32_ERROR, AXE_E_WIN32_ERROR

import type { CodeInfo } from './codes';

/** A table row; lib/codes.ts adds `code` and `hresult` (the same as name and value). */
export type GeneratedCodeInfo = Omit<CodeInfo, 'code' | 'hresult'>;

export const GENERATED_HRESULT_CODES: readonly GeneratedCodeInfo[] = [
  // ---- com ----
  { name: "S_OK", value: 0x00000000, family: "com", message: "The operation completed successfully.", success: true, retryable: false },
  { name: "S_FALSE", value: 0x00000001, family: "com", message: "The operation succeeded but returned a false/no-op result (S_FALSE).", success: true, retryable: false },
  { name: "E_ACCESSDENIED", value: 0x80070005, family: "com", message: "Access is denied.", success: false, retryable: false },
  { name: "E_INVALIDARG", value: 0x80070057, family: "com", message: "The parameter is incorrect.", success: false, retryable: false },
  { name: "E_NOTIMPL", value: 0x80004001, family: "com", message: "Not implemented.", success: false, retryable: false },
  { name: "E_OUTOFMEMORY", value: 0x8007000E, family: "com", message: "Not enough memory resources are available to complete this operation.", success: false, retryable: false },
  { name: "E_FAIL", value: 0x80004005, family: "com", message: "Unspecified error.", success: false, retryable: false },
  { name: "E_UNEXPECTED", value: 0x8000FFFF, family: "com", message: "Catastrophic failure.", success: false, retryable: false },
  { name: "E_POINTER", value: 0x80004003, family: "com", message: "Invalid pointer.", success: false, retryable: false },
  { name: "E_NOINTERFACE", value: 0x80004002, family: "com", message: "No such interface supported.", success: false, retryable: false },
  { name: "E_ABORT", value: 0x80004004, family: "com", message: "Operation aborted.", success: false, retryable: false },
  { name: "E_BOUNDS", value: 0x8000000B, family: "com", message: "The operation attempted to access data outside the valid range.", success: false, retryable: false },
  { name: "E_HANDLE", value: 0x80070006, family: "com", message: "The handle is invalid.", success: false, retryable: false },
  { name: "REGDB_E_CLASSNOTREG", value: 0x80040154, family: "com", message: "Class not registered.", success: false, retryable: false },
  { name: "CO_E_NOTINITIALIZED", value: 0x800401F0, family: "com", message: "CoInitialize has not been called.", success: false, retryable: false },
  { name: "RPC_E_CHANGED_MODE", value: 0x80010106, family: "com", message: "Cannot change thread mode after it is set.", success: false, retryable: false },
  { name: "CLASS_E_NOAGGREGATION", value: 0x80040110, family: "com", message: "Class does not support aggregation (or class object is remote).", success: false, retryable: false },
  { name: "RPC_E_TOO_LATE", value: 0x80010119, family: "com", message: "Security must be initialized before any interfaces are marshalled or unmarshalled. It cannot be changed once initialized.", success: false, retryable: false },
  // ---- win32 ----
  { name: "ERROR_FILE_NOT_FOUND", value: 0x80070002, family: "win32", message: "The system cannot find the file specified.", success: false, retryable: false, win32: 2 },
  { name: "ERROR_PATH_NOT_FOUND", value: 0x80070003, family: "win32", message: "The system cannot find the path specified.", success: false, retryable: false, win32: 3 },
  { name: "ERROR_ACCESS_DENIED", value: 0x80070005, family: "win32", message: "Access is denied.", success: false, retryable: false, win32: 5 },
  { name: "ERROR_INVALID_HANDLE", value: 0x80070006, family: "win32", message: "The handle is invalid.", success: false, retryable: false, win32: 6 },
  { name: "ERROR_NOT_ENOUGH_MEMORY", value: 0x80070008, family: "win32", message: "Not enough memory resources are available to process this command.", success: false, retryable: false, win32: 8 },
  { name: "ERROR_INVALID_DATA", value: 0x8007000D, family: "win32", message: "The data is invalid.", success: false, retryable: false, win32: 13 },
  { name: "ERROR_NOT_READY", value: 0x80070015, family: "win32", message: "The device is not ready.", success: false, retryable: false, win32: 21 },
  { name: "ERROR_SHARING_VIOLATION", value: 0x80070020, family: "win32", message: "The process cannot access the file because it is being used by another process.", success: false, retryable: false, win32: 32 },
  { name: "ERROR_NOT_SUPPORTED", value: 0x80070032, family: "win32", message: "The request is not supported.", success: false, retryable: false, win32: 50 },
  { name: "ERROR_BAD_NETPATH", value: 0x80070035, family: "win32", message: "The network path was not found.", success: false, retryable: false, win32: 53 },
  { name: "ERROR_DEV_NOT_EXIST", value: 0x80070037, family: "win32", message: "The specified network resource or device is no longer available.", success: false, retryable: false, win32: 55 },
  { name: "ERROR_INVALID_PARAMETER", value: 0x80070057, family: "win32", message: "The parameter is incorrect.", success: false, retryable: false, win32: 87 },
  { name: "ERROR_INSUFFICIENT_BUFFER", value: 0x8007007A, family: "win32", message: "The data area passed to a system call is too small.", success: false, retryable: false, win32: 122 },
  { name: "ERROR_MOD_NOT_FOUND", value: 0x8007007E, family: "win32", message: "The specified module could not be found.", success: false, retryable: false, win32: 126 },
  { name: "ERROR_PROC_NOT_FOUND", value: 0x8007007F, family: "win32", message: "The specified procedure could not be found.", success: false, retryable: false, win32: 127 },
  { name: "ERROR_ALREADY_EXISTS", value: 0x800700B7, family: "win32", message: "Cannot create a file when that file already exists.", success: false, retryable: false, win32: 183 },
  { name: "WAIT_TIMEOUT", value: 0x80070102, family: "win32", message: "The wait operation timed out.", success: false, retryable: false, win32: 258 },
  { name: "ERROR_DIRECTORY", value: 0x8007010B, family: "win32", message: "The directory name is invalid.", success: false, retryable: false, win32: 267 },
  { name: "ERROR_RANGE_NOT_FOUND", value: 0x80070284, family: "win32", message: "The specified range could not be found in the range list.", success: false, retryable: false, win32: 644 },
  { name: "ERROR_OPERATION_ABORTED", value: 0x800703E3, family: "win32", message: "The I/O operation has been aborted because of either a thread exit or an application request.", success: false, retryable: false, win32: 995 },
  { name: "ERROR_IO_PENDING", value: 0x800703E5, family: "win32", message: "Overlapped I/O operation is in progress.", success: false, retryable: false, win32: 997 },
  { name: "ERROR_NOT_FOUND", value: 0x80070490, family: "win32", message: "Element not found.", success: false, retryable: false, win32: 1168 },
  { name: "ERROR_CANCELLED", value: 0x800704C7, family: "win32", message: "The operation was canceled by the user.", success: false, retryable: false, win32: 1223 },
  { name: "ERROR_PRIVILEGE_NOT_HELD", value: 0x80070522, family: "win32", message: "A required privilege is not held by the client.", success: false, retryable: false, win32: 1314 },
  { name: "ERROR_LOGON_FAILURE", value: 0x8007052E, family: "win32", message: "The user name or password is incorrect.", success: false, retryable: false, win32: 1326 },
  { name: "ERROR_TIMEOUT", value: 0x800705B4, family: "win32", message: "This operation returned because the timeout period expired.", success: false, retryable: false, win32: 1460 },
  { name: "RPC_S_SERVER_UNAVAILABLE", value: 0x800706BA, family: "win32", message: "The RPC server is unavailable.", success: false, retryable: false, win32: 1722 },
  // ---- vss ----
  { name: "VSS_E_BAD_STATE", value: 0x80042301, family: "vss", message: "A function call was made when the object was in an incorrect state for that function", success: false, retryable: false },
  { name: "VSS_E_UNEXPECTED", value: 0x80042302, family: "vss", message: "A VSS component encountered an unexpected error. Check the Application event log", success: false, retryable: false },
  { name: "VSS_E_PROVIDER_ALREADY_REGISTERED", value: 0x80042303, family: "vss", message: "The provider has already been registered", success: false, retryable: false },
  { name: "VSS_E_PROVIDER_NOT_REGISTERED", value: 0x80042304, family: "vss", message: "The volume shadow copy provider is not registered in the system", success: false, retryable: false },
  // retryable: vss.md DoSnapshotSet: "only via QueryStatus; transient"
  { name: "VSS_E_PROVIDER_VETO", value: 0x80042306, family: "vss", message: "The shadow copy provider had an error. Check the System and Application event logs for more information.", success: false, retryable: true },
  { name: "VSS_E_PROVIDER_IN_USE", value: 0x80042307, family: "vss", message: "The shadow copy provider is currently in use and cannot be unregistered", success: false, retryable: false },
  { name: "VSS_E_OBJECT_NOT_FOUND", value: 0x80042308, family: "vss", message: "The specified object was not found", success: false, retryable: false },
  { name: "VSS_S_ASYNC_PENDING", value: 0x00042309, family: "vss", message: "The asynchronous operation is pending", success: true, retryable: false },
  { name: "VSS_S_ASYNC_FINISHED", value: 0x0004230A, family: "vss", message: "The asynchronous operation has completed", success: true, retryable: false },
  { name: "VSS_S_ASYNC_CANCELLED", value: 0x0004230B, family: "vss", message: "The asynchronous operation has been cancelled", success: true, retryable: false },
  { name: "VSS_E_VOLUME_NOT_SUPPORTED", value: 0x8004230C, family: "vss", message: "Shadow copying the specified volume is not supported", success: false, retryable: false },
  { name: "VSS_E_OBJECT_ALREADY_EXISTS", value: 0x8004230D, family: "vss", message: "The object already exists", success: false, retryable: false },
  { name: "VSS_E_VOLUME_NOT_SUPPORTED_BY_PROVIDER", value: 0x8004230E, family: "vss", message: "The given provider does not support shadow copying the specified volume", success: false, retryable: false },
  // retryable: vss.md DoSnapshotSet: "only via QueryStatus; transient"
  { name: "VSS_E_UNEXPECTED_PROVIDER_ERROR", value: 0x8004230F, family: "vss", message: "The provider had an unexpected error while trying to process the specified operation", success: false, retryable: true },
  { name: "VSS_E_CORRUPT_XML_DOCUMENT", value: 0x80042310, family: "vss", message: "XML document invalid (deprecated)", success: false, retryable: false },
  { name: "VSS_E_INVALID_XML_DOCUMENT", value: 0x80042311, family: "vss", message: "The given XML document is invalid (malformed or schema mismatch)", success: false, retryable: false },
  { name: "VSS_E_MAXIMUM_NUMBER_OF_VOLUMES_REACHED", value: 0x80042312, family: "vss", message: "The maximum number of volumes for this operation has been reached", success: false, retryable: false },
  // retryable: vss.md DoSnapshotSet: "transient ... wait ten minutes and try again, up to three times"
  { name: "VSS_E_FLUSH_WRITES_TIMEOUT", value: 0x80042313, family: "vss", message: "Provider timed out while flushing data to the volume (excessive activity). Try again later", success: false, retryable: true },
  // retryable: vss.md DoSnapshotSet: "transient ... wait ten minutes and try again, up to three times"
  { name: "VSS_E_HOLD_WRITES_TIMEOUT", value: 0x80042314, family: "vss", message: "Provider timed out while holding writes to the volume. Try again later", success: false, retryable: true },
  { name: "VSS_E_UNEXPECTED_WRITER_ERROR", value: 0x80042315, family: "vss", message: "VSS encountered problems while sending events to writers", success: false, retryable: false },
  // retryable: vsserror.h text: "Wait a few moments and try again" (vss.md retryable list)
  { name: "VSS_E_SNAPSHOT_SET_IN_PROGRESS", value: 0x80042316, family: "vss", message: "Another shadow copy creation is already in progress. Wait a few moments and try again", success: false, retryable: true },
  { name: "VSS_E_MAXIMUM_NUMBER_OF_SNAPSHOTS_REACHED", value: 0x80042317, family: "vss", message: "The volume has already reached its maximum number of shadow copies", success: false, retryable: false },
  { name: "VSS_E_WRITER_INFRASTRUCTURE", value: 0x80042318, family: "vss", message: "Error contacting VSS writers; verify Event System and VSS services are running", success: false, retryable: false },
  { name: "VSS_E_WRITER_NOT_RESPONDING", value: 0x80042319, family: "vss", message: "A writer did not respond to GatherWriterStatus (terminated or stuck)", success: false, retryable: false },
  { name: "VSS_E_WRITER_ALREADY_SUBSCRIBED", value: 0x8004231A, family: "vss", message: "The writer has already called Subscribe", success: false, retryable: false },
  { name: "VSS_E_UNSUPPORTED_CONTEXT", value: 0x8004231B, family: "vss", message: "Provider does not support the specified shadow copy type", success: false, retryable: false },
  { name: "VSS_E_VOLUME_IN_USE", value: 0x8004231D, family: "vss", message: "The shadow copy storage association is in use and can't be deleted", success: false, retryable: false },
  { name: "VSS_E_MAXIMUM_DIFFAREA_ASSOCIATIONS_REACHED", value: 0x8004231E, family: "vss", message: "Maximum number of shadow copy storage associations already reached", success: false, retryable: false },
  { name: "VSS_E_INSUFFICIENT_STORAGE", value: 0x8004231F, family: "vss", message: "Insufficient storage for the shadow copy storage file or other data", success: false, retryable: false },
  { name: "VSS_E_NO_SNAPSHOTS_IMPORTED", value: 0x80042320, family: "vss", message: "No shadow copies were successfully imported", success: false, retryable: false },
  { name: "VSS_S_SOME_SNAPSHOTS_NOT_IMPORTED", value: 0x00042321, family: "vss", message: "Some shadow copies were not successfully imported (success code)", success: true, retryable: false },
  { name: "VSS_E_SOME_SNAPSHOTS_NOT_IMPORTED", value: 0x80042321, family: "vss", message: "Some shadow copies were not successfully imported", success: false, retryable: false },
  { name: "VSS_E_MAXIMUM_NUMBER_OF_REMOTE_MACHINES_REACHED", value: 0x80042322, family: "vss", message: "Max number of remote machines reached", success: false, retryable: false },
  { name: "VSS_E_REMOTE_SERVER_UNAVAILABLE", value: 0x80042323, family: "vss", message: "The remote server is unavailable", success: false, retryable: false },
  { name: "VSS_E_REMOTE_SERVER_UNSUPPORTED", value: 0x80042324, family: "vss", message: "Remote VSS version does not support remote shadow-copy creation", success: false, retryable: false },
  { name: "VSS_E_REVERT_IN_PROGRESS", value: 0x80042325, family: "vss", message: "A revert is in progress for the volume", success: false, retryable: false },
  { name: "VSS_E_REVERT_VOLUME_LOST", value: 0x80042326, family: "vss", message: "The volume being reverted was lost during revert", success: false, retryable: false },
  { name: "VSS_E_REBOOT_REQUIRED", value: 0x80042327, family: "vss", message: "A reboot is required after completing this operation", success: false, retryable: false },
  { name: "VSS_E_TRANSACTION_FREEZE_TIMEOUT", value: 0x80042328, family: "vss", message: "Timeout while freezing a transaction manager", success: false, retryable: false },
  { name: "VSS_E_TRANSACTION_THAW_TIMEOUT", value: 0x80042329, family: "vss", message: "Too much time elapsed between freezing and thawing a transaction manager", success: false, retryable: false },
  { name: "VSS_E_UNSELECTED_VOLUME", value: 0x8004232A, family: "vss", message: "Operation would overwrite a volume that is not explicitly selected", success: false, retryable: false },
  { name: "VSS_E_SNAPSHOT_NOT_IN_SET", value: 0x8004232B, family: "vss", message: "Shadow copy ID not found in the backup components document", success: false, retryable: false },
  { name: "VSS_E_NESTED_VOLUME_LIMIT", value: 0x8004232C, family: "vss", message: "Volume is nested too deeply to participate in the VSS operation", success: false, retryable: false },
  { name: "VSS_E_VOLUME_NOT_LOCAL", value: 0x8004232D, family: "vss", message: "The volume being backed up is not mounted on the local host", success: false, retryable: false },
  { name: "VSS_E_CLUSTER_TIMEOUT", value: 0x8004232E, family: "vss", message: "Timeout while preparing a cluster shared volume for backup", success: false, retryable: false },
  { name: "VSS_E_NOT_SUPPORTED", value: 0x8004232F, family: "vss", message: "The requested operation is not supported", success: false, retryable: false },
  { name: "VSS_E_WRITERERROR_PARTIAL_FAILURE", value: 0x80042336, family: "vss", message: "Writer experienced a partial failure; check component-level error state", success: false, retryable: false },
  { name: "VSS_E_WRITERERROR_INCONSISTENTSNAPSHOT", value: 0x800423F0, family: "vss", message: "Shadow-copy set contains only a subset of the volumes needed by the writer's components", success: false, retryable: false },
  // retryable: GetWriterStatus docs: "wait ten minutes and then repeat the operation, up to three times"
  { name: "VSS_E_WRITERERROR_OUTOFRESOURCES", value: 0x800423F1, family: "vss", message: "A resource allocation failed while processing this operation", success: false, retryable: true },
  // retryable: vss.md retryable list (writer timeout between Freeze and Thaw)
  { name: "VSS_E_WRITERERROR_TIMEOUT", value: 0x800423F2, family: "vss", message: "The writer's timeout expired between the Freeze and Thaw events", success: false, retryable: true },
  // retryable: vsserror.h text: "Writer transient error; retry may succeed" (vss.md retryable list)
  { name: "VSS_E_WRITERERROR_RETRYABLE", value: 0x800423F3, family: "vss", message: "Writer transient error; retry may succeed", success: false, retryable: true },
  { name: "VSS_E_WRITERERROR_NONRETRYABLE", value: 0x800423F4, family: "vss", message: "Writer non-transient error; retry likely to fail again", success: false, retryable: false },
  { name: "VSS_E_WRITERERROR_RECOVERY_FAILED", value: 0x800423F5, family: "vss", message: "Writer error while trying to recover the shadow-copy volume", success: false, retryable: false },
  { name: "VSS_E_BREAK_REVERT_ID_FAILED", value: 0x800423F6, family: "vss", message: "Break failed: disk/partition identities could not be reverted", success: false, retryable: false },
  { name: "VSS_E_LEGACY_PROVIDER", value: 0x800423F7, family: "vss", message: "This version of the hardware provider does not support this operation", success: false, retryable: false },
  { name: "VSS_E_MISSING_DISK", value: 0x800423F8, family: "vss", message: "An expected disk did not arrive in the system", success: false, retryable: false },
  { name: "VSS_E_MISSING_HIDDEN_VOLUME", value: 0x800423F9, family: "vss", message: "An expected hidden volume did not arrive in the system", success: false, retryable: false },
  { name: "VSS_E_MISSING_VOLUME", value: 0x800423FA, family: "vss", message: "An expected volume did not arrive in the system", success: false, retryable: false },
  { name: "VSS_E_AUTORECOVERY_FAILED", value: 0x800423FB, family: "vss", message: "The autorecovery operation failed to complete on the shadow copy", success: false, retryable: false },
  { name: "VSS_E_DYNAMIC_DISK_ERROR", value: 0x800423FC, family: "vss", message: "Error processing the dynamic disks involved in the operation", success: false, retryable: false },
  { name: "VSS_E_NONTRANSPORTABLE_BCD", value: 0x800423FD, family: "vss", message: "BCD is for a non-transportable shadow copy", success: false, retryable: false },
  { name: "VSS_E_CANNOT_REVERT_DISKID", value: 0x800423FE, family: "vss", message: "MBR signature / GPT ID could not be set to the intended value", success: false, retryable: false },
  { name: "VSS_E_RESYNC_IN_PROGRESS", value: 0x800423FF, family: "vss", message: "Another LUN resynchronization is already in progress", success: false, retryable: false },
  { name: "VSS_E_CLUSTER_ERROR", value: 0x80042400, family: "vss", message: "Clustered disks could not be enumerated or put into maintenance mode", success: false, retryable: false },
  { name: "VSS_E_ASRERROR_DISK_ASSIGNMENT_FAILED", value: 0x80042401, family: "vss", message: "Too few/too small disks for restore", success: false, retryable: false },
  { name: "VSS_E_ASRERROR_DISK_RECREATION_FAILED", value: 0x80042402, family: "vss", message: "Cannot create a disk needed to restore", success: false, retryable: false },
  { name: "VSS_E_ASRERROR_NO_ARCPATH", value: 0x80042403, family: "vss", message: "Restart needed to finish preparing a disk for restore", success: false, retryable: false },
  { name: "VSS_E_ASRERROR_MISSING_DYNDISK", value: 0x80042404, family: "vss", message: "Missing disk for a dynamic volume", success: false, retryable: false },
  { name: "VSS_E_ASRERROR_SHARED_CRIDISK", value: 0x80042405, family: "vss", message: "Critical volume on a cluster shared disk (unsupported)", success: false, retryable: false },
  { name: "VSS_E_ASRERROR_DATADISK_RDISK0", value: 0x80042406, family: "vss", message: "A data disk is set active in BIOS", success: false, retryable: false },
  { name: "VSS_E_ASRERROR_RDISK0_TOOSMALL", value: 0x80042407, family: "vss", message: "Active disk too small to recover the system disk", success: false, retryable: false },
  { name: "VSS_E_ASRERROR_CRITICAL_DISKS_TOO_SMALL", value: 0x80042408, family: "vss", message: "Not enough suitable disks to recreate critical disks", success: false, retryable: false },
  // retryable: writer-errors-and-vetoes.md: "retrying might work when the system is less busy"
  { name: "VSS_E_WRITER_STATUS_NOT_AVAILABLE", value: 0x80042409, family: "vss", message: "Writer status not available for one or more writers (session-state limit)", success: false, retryable: true },
  { name: "VSS_E_ASRERROR_DYNAMIC_VHD_NOT_SUPPORTED", value: 0x8004240A, family: "vss", message: "A critical dynamic disk is a VHD (unsupported)", success: false, retryable: false },
  { name: "VSS_E_CRITICAL_VOLUME_ON_INVALID_DISK", value: 0x80042411, family: "vss", message: "Critical volume on a disk ASR cannot back up", success: false, retryable: false },
  { name: "VSS_E_ASRERROR_RDISK_FOR_SYSTEM_DISK_NOT_FOUND", value: 0x80042412, family: "vss", message: "No disk usable for recovering the system disk", success: false, retryable: false },
  { name: "VSS_E_ASRERROR_NO_PHYSICAL_DISK_AVAILABLE", value: 0x80042413, family: "vss", message: "No fixed disk usable to recreate volumes", success: false, retryable: false },
  { name: "VSS_E_ASRERROR_FIXED_PHYSICAL_DISK_AVAILABLE_AFTER_DISK_EXCLUSION", value: 0x80042414, family: "vss", message: "No disk usable after exclusions", success: false, retryable: false },
  { name: "VSS_E_ASRERROR_CRITICAL_DISK_CANNOT_BE_EXCLUDED", value: 0x80042415, family: "vss", message: "A disk critical at backup is excluded", success: false, retryable: false },
  { name: "VSS_E_ASRERROR_SYSTEM_PARTITION_HIDDEN", value: 0x80042416, family: "vss", message: "System partition hidden / unrecognized FS", success: false, retryable: false },
  { name: "VSS_E_FSS_TIMEOUT", value: 0x80042417, family: "vss", message: "Timeout while preparing a file share shadow copy for backup", success: false, retryable: false },
  // ---- imapi2 ----
  { name: "E_IMAPI_BURN_VERIFICATION_FAILED", value: 0xC0AA0007, family: "imapi2", message: "The disc did not pass burn verification and may contain corrupt data or be unusable.", success: false, retryable: false },
  { name: "E_IMAPI_REQUEST_CANCELLED", value: 0xC0AA0002, family: "imapi2", message: "The request was canceled.", success: false, retryable: false },
  { name: "E_IMAPI_RECORDER_REQUIRED", value: 0xC0AA0003, family: "imapi2", message: "The request requires a current disc recorder to be selected.", success: false, retryable: false },
  { name: "S_IMAPI_WRITE_NOT_IN_PROGRESS", value: 0x00AA0302, family: "imapi2", message: "No write operation is currently in progress.", success: true, retryable: false },
  { name: "S_IMAPI_SPEEDADJUSTED", value: 0x00AA0004, family: "imapi2", message: "The requested write speed was not supported by the drive and the speed was adjusted.", success: true, retryable: false },
  { name: "S_IMAPI_ROTATIONADJUSTED", value: 0x00AA0005, family: "imapi2", message: "The requested rotation type was not supported by the drive and the rotation type was adjusted.", success: true, retryable: false },
  { name: "S_IMAPI_BOTHADJUSTED", value: 0x00AA0006, family: "imapi2", message: "The requested write speed and rotation type were not supported by the drive and they were both adjusted.", success: true, retryable: false },
  { name: "S_IMAPI_COMMAND_HAS_SENSE_DATA", value: 0x00AA0200, family: "imapi2", message: "The device accepted the command, but returned sense data, indicating an error.", success: true, retryable: false },
  { name: "E_IMAPI_RAW_IMAGE_IS_READ_ONLY", value: 0x80AA0A00, family: "imapi2", message: "The image has become read-only due to a call to IRawCDImageCreator::CreateResultImage. As a result the object can no longer be modified.", success: false, retryable: false },
  { name: "E_IMAPI_RAW_IMAGE_TOO_MANY_TRACKS", value: 0x80AA0A01, family: "imapi2", message: "No more tracks may be added. CD media is restricted to a range of 1-99 tracks.", success: false, retryable: false },
  { name: "E_IMAPI_RAW_IMAGE_NO_TRACKS", value: 0x80AA0A03, family: "imapi2", message: "Tracks must be added to the image before using this function.", success: false, retryable: false },
  { name: "E_IMAPI_RAW_IMAGE_SECTOR_TYPE_NOT_SUPPORTED", value: 0x80AA0A02, family: "imapi2", message: "The requested sector type is not supported.", success: false, retryable: false },
  { name: "E_IMAPI_RAW_IMAGE_TRACKS_ALREADY_ADDED", value: 0x80AA0A04, family: "imapi2", message: "Tracks may not be added to the image prior to the use of this function.", success: false, retryable: false },
  { name: "E_IMAPI_RAW_IMAGE_INSUFFICIENT_SPACE", value: 0x80AA0A05, family: "imapi2", message: "Adding this track would exceed the limitations of the start of the leadout.", success: false, retryable: false },
  { name: "E_IMAPI_RAW_IMAGE_TOO_MANY_TRACK_INDEXES", value: 0x80AA0A06, family: "imapi2", message: "Adding this track would exceed the 99 index limit.", success: false, retryable: false },
  { name: "E_IMAPI_RAW_IMAGE_TRACK_INDEX_NOT_FOUND", value: 0x80AA0A07, family: "imapi2", message: "The specified LBA offset is not in the list of track indexes.", success: false, retryable: false },
  { name: "S_IMAPI_RAW_IMAGE_TRACK_INDEX_ALREADY_EXISTS", value: 0x00AA0A08, family: "imapi2", message: "The specified LBA offset is already in the list of track indexes.", success: true, retryable: false },
  { name: "E_IMAPI_RAW_IMAGE_TRACK_INDEX_OFFSET_ZERO_CANNOT_BE_CLEARED", value: 0x80AA0A09, family: "imapi2", message: "Index 1 (LBA offset zero) cannot be cleared.", success: false, retryable: false },
  { name: "E_IMAPI_RAW_IMAGE_TRACK_INDEX_TOO_CLOSE_TO_OTHER_INDEX", value: 0x80AA0A0A, family: "imapi2", message: "Each index must have a minimum size of ten sectors.", success: false, retryable: false },
  { name: "E_IMAPI_RECORDER_NO_SUCH_MODE_PAGE", value: 0xC0AA0201, family: "imapi2", message: "The device reported that the requested mode page (and type) is not present.", success: false, retryable: false },
  { name: "E_IMAPI_RECORDER_MEDIA_NO_MEDIA", value: 0xC0AA0202, family: "imapi2", message: "There is no media in the device.", success: false, retryable: false },
  { name: "E_IMAPI_RECORDER_MEDIA_INCOMPATIBLE", value: 0xC0AA0203, family: "imapi2", message: "The media is not compatible or of unknown physical format.", success: false, retryable: false },
  { name: "E_IMAPI_RECORDER_MEDIA_UPSIDE_DOWN", value: 0xC0AA0204, family: "imapi2", message: "The media is inserted upside down.", success: false, retryable: false },
  // retryable: imapi2.md: "in the process of becoming ready. Please try the request again later."
  { name: "E_IMAPI_RECORDER_MEDIA_BECOMING_READY", value: 0xC0AA0205, family: "imapi2", message: "The drive reported that it is in the process of becoming ready. Please try the request again later.", success: false, retryable: true },
  { name: "E_IMAPI_RECORDER_MEDIA_FORMAT_IN_PROGRESS", value: 0xC0AA0206, family: "imapi2", message: "The media is currently being formatted. Please wait for the format to complete before attempting to use the media.", success: false, retryable: false },
  // retryable: imapi2.md: drive "is performing a long-running operation, such as finishing a write" (drive says try later)
  { name: "E_IMAPI_RECORDER_MEDIA_BUSY", value: 0xC0AA0207, family: "imapi2", message: "The drive reported that it is performing a long-running operation, such as finishing a write. The drive may be unusable for a long period of time.", success: false, retryable: true },
  { name: "E_IMAPI_RECORDER_INVALID_MODE_PARAMETERS", value: 0xC0AA0208, family: "imapi2", message: "The drive reported that the combination of parameters provided in the mode page for a MODE SELECT command were not supported.", success: false, retryable: false },
  { name: "E_IMAPI_RECORDER_MEDIA_WRITE_PROTECTED", value: 0xC0AA0209, family: "imapi2", message: "The drive reported that the media is write protected.", success: false, retryable: false },
  { name: "E_IMAPI_RECORDER_NO_SUCH_FEATURE", value: 0xC0AA020A, family: "imapi2", message: "The feature page requested is not supported by the device.", success: false, retryable: false },
  { name: "E_IMAPI_RECORDER_FEATURE_IS_NOT_CURRENT", value: 0xC0AA020B, family: "imapi2", message: "The feature page requested is supported, but is not marked as current.", success: false, retryable: false },
  { name: "E_IMAPI_RECORDER_GET_CONFIGURATION_NOT_SUPPORTED", value: 0xC0AA020C, family: "imapi2", message: "The drive does not support the GET CONFIGURATION command.", success: false, retryable: false },
  { name: "E_IMAPI_RECORDER_COMMAND_TIMEOUT", value: 0xC0AA020D, family: "imapi2", message: "The device failed to accept the command within the timeout period. This may be caused by the device having entered an inconsistent state, or the timeout value for the command may need to be increased.", success: false, retryable: false },
  { name: "E_IMAPI_RECORDER_DVD_STRUCTURE_NOT_PRESENT", value: 0xC0AA020E, family: "imapi2", message: "The DVD structure is not present. This may be caused by incompatible drive/medium used.", success: false, retryable: false },
  { name: "E_IMAPI_RECORDER_MEDIA_SPEED_MISMATCH", value: 0xC0AA020F, family: "imapi2", message: "The media's speed is incompatible with the device. This may be caused by using higher or lower speed media than the range of speeds supported by the device.", success: false, retryable: false },
  { name: "E_IMAPI_RECORDER_LOCKED", value: 0xC0AA0210, family: "imapi2", message: "The device associated with this recorder during the last operation has been exclusively locked, causing this operation to fail.", success: false, retryable: false },
  { name: "E_IMAPI_RECORDER_CLIENT_NAME_IS_NOT_VALID", value: 0xC0AA0211, family: "imapi2", message: "The client name is not valid.", success: false, retryable: false },
  { name: "E_IMAPI_RECORDER_INVALID_RESPONSE_FROM_DEVICE", value: 0xC0AA02FF, family: "imapi2", message: "The device reported unexpected or invalid data for a command.", success: false, retryable: false },
  { name: "E_IMAPI_LOSS_OF_STREAMING", value: 0xC0AA0300, family: "imapi2", message: "The write failed because the drive did not receive data quickly enough to continue writing. Moving the source data to the local computer, reducing the write speed, or enabling a \"buffer underrun free\" setting may resolve this issue.", success: false, retryable: false },
  { name: "E_IMAPI_UNEXPECTED_RESPONSE_FROM_DEVICE", value: 0xC0AA0301, family: "imapi2", message: "The write failed because the drive returned error information that could not be recovered from.", success: false, retryable: false },
  { name: "E_IMAPI_DF2DATA_WRITE_IN_PROGRESS", value: 0xC0AA0400, family: "imapi2", message: "There is currently a write operation in progress.", success: false, retryable: false },
  { name: "E_IMAPI_DF2DATA_WRITE_NOT_IN_PROGRESS", value: 0xC0AA0401, family: "imapi2", message: "There is no write operation currently in progress.", success: false, retryable: false },
  { name: "E_IMAPI_DF2DATA_INVALID_MEDIA_STATE", value: 0xC0AA0402, family: "imapi2", message: "The requested operation is only valid with supported media.", success: false, retryable: false },
  { name: "E_IMAPI_DF2DATA_STREAM_NOT_SUPPORTED", value: 0xC0AA0403, family: "imapi2", message: "The provided stream to write is not supported.", success: false, retryable: false },
  { name: "E_IMAPI_DF2DATA_STREAM_TOO_LARGE_FOR_CURRENT_MEDIA", value: 0xC0AA0404, family: "imapi2", message: "The provided stream to write is too large for the currently inserted media.", success: false, retryable: false },
  { name: "E_IMAPI_DF2DATA_MEDIA_NOT_BLANK", value: 0xC0AA0405, family: "imapi2", message: "Overwriting non-blank media is not allowed without the ForceOverwrite property set to VARIANT_TRUE.", success: false, retryable: false },
  { name: "E_IMAPI_DF2DATA_MEDIA_IS_NOT_SUPPORTED", value: 0xC0AA0406, family: "imapi2", message: "The current media type is unsupported.", success: false, retryable: false },
  { name: "E_IMAPI_DF2DATA_RECORDER_NOT_SUPPORTED", value: 0xC0AA0407, family: "imapi2", message: "This device does not support the operations required by this disc format.", success: false, retryable: false },
  { name: "E_IMAPI_DF2DATA_CLIENT_NAME_IS_NOT_VALID", value: 0xC0AA0408, family: "imapi2", message: "The client name is not valid.", success: false, retryable: false },
  { name: "E_IMAPI_DF2TAO_WRITE_IN_PROGRESS", value: 0xC0AA0500, family: "imapi2", message: "There is currently a write operation in progress.", success: false, retryable: false },
  { name: "E_IMAPI_DF2TAO_WRITE_NOT_IN_PROGRESS", value: 0xC0AA0501, family: "imapi2", message: "There is no write operation currently in progress.", success: false, retryable: false },
  { name: "E_IMAPI_DF2TAO_MEDIA_IS_NOT_PREPARED", value: 0xC0AA0502, family: "imapi2", message: "The requested operation is only valid when media has been \"prepared\".", success: false, retryable: false },
  { name: "E_IMAPI_DF2TAO_MEDIA_IS_PREPARED", value: 0xC0AA0503, family: "imapi2", message: "The requested operation is not valid when media has been \"prepared\" but not released.", success: false, retryable: false },
  { name: "E_IMAPI_DF2TAO_PROPERTY_FOR_BLANK_MEDIA_ONLY", value: 0xC0AA0504, family: "imapi2", message: "The property cannot be changed once the media has been written to.", success: false, retryable: false },
  { name: "E_IMAPI_DF2TAO_TABLE_OF_CONTENTS_EMPTY_DISC", value: 0xC0AA0505, family: "imapi2", message: "The table of contents cannot be retrieved from an empty disc.", success: false, retryable: false },
  { name: "E_IMAPI_DF2TAO_MEDIA_IS_NOT_BLANK", value: 0xC0AA0506, family: "imapi2", message: "Only blank CD-R/RW media is supported.", success: false, retryable: false },
  { name: "E_IMAPI_DF2TAO_MEDIA_IS_NOT_SUPPORTED", value: 0xC0AA0507, family: "imapi2", message: "Only blank CD-R/RW media is supported.", success: false, retryable: false },
  { name: "E_IMAPI_DF2TAO_TRACK_LIMIT_REACHED", value: 0xC0AA0508, family: "imapi2", message: "CD-R and CD-RW media support a maximum of 99 audio tracks.", success: false, retryable: false },
  { name: "E_IMAPI_DF2TAO_NOT_ENOUGH_SPACE", value: 0xC0AA0509, family: "imapi2", message: "There is not enough space left on the media to add the provided audio track.", success: false, retryable: false },
  { name: "E_IMAPI_DF2TAO_NO_RECORDER_SPECIFIED", value: 0xC0AA050A, family: "imapi2", message: "You cannot prepare the media until you choose a recorder to use.", success: false, retryable: false },
  { name: "E_IMAPI_DF2TAO_INVALID_ISRC", value: 0xC0AA050B, family: "imapi2", message: "The ISRC provided is not valid.", success: false, retryable: false },
  { name: "E_IMAPI_DF2TAO_INVALID_MCN", value: 0xC0AA050C, family: "imapi2", message: "The Media Catalog Number provided is not valid.", success: false, retryable: false },
  { name: "E_IMAPI_DF2TAO_STREAM_NOT_SUPPORTED", value: 0xC0AA050D, family: "imapi2", message: "The provided audio stream is not valid.", success: false, retryable: false },
  { name: "E_IMAPI_DF2TAO_RECORDER_NOT_SUPPORTED", value: 0xC0AA050E, family: "imapi2", message: "This device does not support the operations required by this disc format.", success: false, retryable: false },
  { name: "E_IMAPI_DF2TAO_CLIENT_NAME_IS_NOT_VALID", value: 0xC0AA050F, family: "imapi2", message: "The client name is not valid.", success: false, retryable: false },
  { name: "E_IMAPI_DF2RAW_WRITE_IN_PROGRESS", value: 0xC0AA0600, family: "imapi2", message: "There is currently a write operation in progress.", success: false, retryable: false },
  { name: "E_IMAPI_DF2RAW_WRITE_NOT_IN_PROGRESS", value: 0xC0AA0601, family: "imapi2", message: "There is no write operation currently in progress.", success: false, retryable: false },
  { name: "E_IMAPI_DF2RAW_MEDIA_IS_NOT_PREPARED", value: 0xC0AA0602, family: "imapi2", message: "The requested operation is only valid when media has been \"prepared\".", success: false, retryable: false },
  { name: "E_IMAPI_DF2RAW_MEDIA_IS_PREPARED", value: 0xC0AA0603, family: "imapi2", message: "The requested operation is not valid when media has been \"prepared\" but not released.", success: false, retryable: false },
  { name: "E_IMAPI_DF2RAW_CLIENT_NAME_IS_NOT_VALID", value: 0xC0AA0604, family: "imapi2", message: "The client name is not valid.", success: false, retryable: false },
  { name: "E_IMAPI_DF2RAW_MEDIA_IS_NOT_BLANK", value: 0xC0AA0606, family: "imapi2", message: "Only blank CD-R/RW media is supported.", success: false, retryable: false },
  { name: "E_IMAPI_DF2RAW_MEDIA_IS_NOT_SUPPORTED", value: 0xC0AA0607, family: "imapi2", message: "Only blank CD-R/RW media is supported.", success: false, retryable: false },
  { name: "E_IMAPI_DF2RAW_NOT_ENOUGH_SPACE", value: 0xC0AA0609, family: "imapi2", message: "There is not enough space on the media to add the provided session.", success: false, retryable: false },
  { name: "E_IMAPI_DF2RAW_NO_RECORDER_SPECIFIED", value: 0xC0AA060A, family: "imapi2", message: "You cannot prepare the media until you choose a recorder to use.", success: false, retryable: false },
  { name: "E_IMAPI_DF2RAW_STREAM_NOT_SUPPORTED", value: 0xC0AA060D, family: "imapi2", message: "The provided audio stream is not valid.", success: false, retryable: false },
  { name: "E_IMAPI_DF2RAW_DATA_BLOCK_TYPE_NOT_SUPPORTED", value: 0xC0AA060E, family: "imapi2", message: "The requested data block type is not supported by the current device.", success: false, retryable: false },
  { name: "E_IMAPI_DF2RAW_STREAM_LEADIN_TOO_SHORT", value: 0xC0AA060F, family: "imapi2", message: "The stream does not contain a sufficient number of sectors in the leadin for the current media.", success: false, retryable: false },
  { name: "E_IMAPI_DF2RAW_RECORDER_NOT_SUPPORTED", value: 0xC0AA0610, family: "imapi2", message: "This device does not support the operations required by this disc format.", success: false, retryable: false },
  { name: "E_IMAPI_ERASE_RECORDER_IN_USE", value: 0x80AA0900, family: "imapi2", message: "The format is currently using the disc recorder for an erase operation. Please wait for the erase to complete before attempting to set or clear the current disc recorder.", success: false, retryable: false },
  { name: "E_IMAPI_ERASE_ONLY_ONE_RECORDER_SUPPORTED", value: 0x80AA0901, family: "imapi2", message: "The erase format only supports one recorder. You must clear the current recorder before setting a new one.", success: false, retryable: false },
  { name: "E_IMAPI_ERASE_DISC_INFORMATION_TOO_SMALL", value: 0x80AA0902, family: "imapi2", message: "The drive did not report sufficient data for a READ DISC INFORMATION command. The drive may not be supported, or the media may not be correct.", success: false, retryable: false },
  { name: "E_IMAPI_ERASE_MODE_PAGE_2A_TOO_SMALL", value: 0x80AA0903, family: "imapi2", message: "The drive did not report sufficient data for a MODE SENSE (page 0x2A) command. The drive may not be supported, or the media may not be correct.", success: false, retryable: false },
  { name: "E_IMAPI_ERASE_MEDIA_IS_NOT_ERASABLE", value: 0x80AA0904, family: "imapi2", message: "The drive reported that the media is not erasable.", success: false, retryable: false },
  { name: "E_IMAPI_ERASE_DRIVE_FAILED_ERASE_COMMAND", value: 0x80AA0905, family: "imapi2", message: "The drive failed the erase command.", success: false, retryable: false },
  { name: "E_IMAPI_ERASE_UNEXPECTED_DRIVE_RESPONSE_DURING_ERASE", value: 0x80AA0907, family: "imapi2", message: "The drive returned an unexpected error during the erase. The media may be unusable, the erase may be complete, or the drive may still be in the process of erasing the disc.", success: false, retryable: false },
  { name: "E_IMAPI_ERASE_DRIVE_FAILED_SPINUP_COMMAND", value: 0x80AA0908, family: "imapi2", message: "The drive returned an error for a START UNIT (spinup) command. Manual intervention may be required.", success: false, retryable: false },
  { name: "E_IMAPI_ERASE_MEDIA_IS_NOT_SUPPORTED", value: 0xC0AA0909, family: "imapi2", message: "The current media type is unsupported.", success: false, retryable: false },
  { name: "E_IMAPI_ERASE_RECORDER_NOT_SUPPORTED", value: 0xC0AA090A, family: "imapi2", message: "This device does not support the operations required by this disc format.", success: false, retryable: false },
  { name: "E_IMAPI_ERASE_CLIENT_NAME_IS_NOT_VALID", value: 0xC0AA090B, family: "imapi2", message: "The client name is not valid.", success: false, retryable: false },
  { name: "IMAPI_E_FSI_INTERNAL_ERROR", value: 0xC0AAB100, family: "imapi2", message: "Internal error occurred: %1!ls!.", success: false, retryable: false },
  { name: "IMAPI_E_INVALID_PARAM", value: 0xC0AAB101, family: "imapi2", message: "The value specified for parameter '%1!ls!' is not valid.", success: false, retryable: false },
  { name: "IMAPI_E_READONLY", value: 0xC0AAB102, family: "imapi2", message: "FileSystemImage object is in read only mode.", success: false, retryable: false },
  { name: "IMAPI_E_NO_OUTPUT", value: 0xC0AAB103, family: "imapi2", message: "No output file system specified.", success: false, retryable: false },
  { name: "IMAPI_E_INVALID_VOLUME_NAME", value: 0xC0AAB104, family: "imapi2", message: "The specified Volume Identifier is either too long or contains one or more invalid characters.", success: false, retryable: false },
  { name: "IMAPI_E_INVALID_DATE", value: 0xC0AAB105, family: "imapi2", message: "Invalid file dates. %1!ls! time is earlier than %2!ls! time.", success: false, retryable: false },
  { name: "IMAPI_E_FILE_SYSTEM_NOT_EMPTY", value: 0xC0AAB106, family: "imapi2", message: "The file system must be empty for this function.", success: false, retryable: false },
  { name: "IMAPI_E_FILE_SYSTEM_CHANGE_NOT_ALLOWED", value: 0xC0AAB163, family: "imapi2", message: "You cannot change the file system specified for creation, because the file system from the imported session and the file system in the current session do not match.", success: false, retryable: false },
  { name: "IMAPI_E_NOT_FILE", value: 0xC0AAB108, family: "imapi2", message: "Specified path '%1!ls!' does not identify a file.", success: false, retryable: false },
  { name: "IMAPI_E_NOT_DIR", value: 0xC0AAB109, family: "imapi2", message: "Specified path '%1!ls!' does not identify a directory.", success: false, retryable: false },
  { name: "IMAPI_E_DIR_NOT_EMPTY", value: 0xC0AAB10A, family: "imapi2", message: "The directory '%1!s!' is not empty.", success: false, retryable: false },
  { name: "IMAPI_E_NOT_IN_FILE_SYSTEM", value: 0xC0AAB10B, family: "imapi2", message: "ls!' is not part of the file system. It must be added to complete this operation.", success: false, retryable: false },
  { name: "IMAPI_E_INVALID_PATH", value: 0xC0AAB110, family: "imapi2", message: "Path '%1!s!' is badly formed or contains invalid characters.", success: false, retryable: false },
  { name: "IMAPI_E_RESTRICTED_NAME_VIOLATION", value: 0xC0AAB111, family: "imapi2", message: "The name '%1!ls!' specified is not legal: Name of file or directory object created while the UseRestrictedCharacterSet property is set may only contain ANSI characters.", success: false, retryable: false },
  { name: "IMAPI_E_DUP_NAME", value: 0xC0AAB112, family: "imapi2", message: "ls!' name already exists.", success: false, retryable: false },
  { name: "IMAPI_E_NO_UNIQUE_NAME", value: 0xC0AAB113, family: "imapi2", message: "Attempt to add '%1!ls!' failed: cannot create a file-system-specific unique name for the %2!ls! file system.", success: false, retryable: false },
  { name: "IMAPI_E_ITEM_NOT_FOUND", value: 0xC0AAB118, family: "imapi2", message: "Cannot find item '%1!ls!' in FileSystemImage hierarchy.", success: false, retryable: false },
  { name: "IMAPI_E_FILE_NOT_FOUND", value: 0xC0AAB119, family: "imapi2", message: "The file '%1!s!' not found in FileSystemImage hierarchy.", success: false, retryable: false },
  { name: "IMAPI_E_DIR_NOT_FOUND", value: 0xC0AAB11A, family: "imapi2", message: "The directory '%1!s!' not found in FileSystemImage hierarchy.", success: false, retryable: false },
  { name: "IMAPI_E_IMAGE_SIZE_LIMIT", value: 0xC0AAB120, family: "imapi2", message: "Adding '%1!ls!' would result in a result image having a size larger than the current configured limit.", success: false, retryable: false },
  { name: "IMAPI_E_IMAGE_TOO_BIG", value: 0xC0AAB121, family: "imapi2", message: "Value specified for FreeMediaBlocks property is too small for estimated image size based on current data.", success: false, retryable: false },
  { name: "IMAPI_E_IMAGEMANAGER_IMAGE_NOT_ALIGNED", value: 0xC0AAB200, family: "imapi2", message: "The image is not aligned on a 2kb sector boundary.", success: false, retryable: false },
  { name: "IMAPI_E_IMAGEMANAGER_NO_IMAGE", value: 0xC0AAB202, family: "imapi2", message: "The image has not been set using the IIsoImageManager::SetPath or IIsoImageManager::SetStream methods prior to calling the IIsoImageManager::Validate method.", success: false, retryable: false },
  { name: "IMAPI_E_IMAGEMANAGER_IMAGE_TOO_BIG", value: 0xC0AAB203, family: "imapi2", message: "The provided image is too large to be validated as the size exceeds MAXLONG.", success: false, retryable: false },
  { name: "IMAPI_E_DATA_STREAM_INCONSISTENCY", value: 0xC0AAB128, family: "imapi2", message: "Data stream supplied for file '%1!ls!' is inconsistent: expected %2!I64d! bytes, found %3!I64d!.", success: false, retryable: false },
  { name: "IMAPI_E_DATA_STREAM_READ_FAILURE", value: 0xC0AAB129, family: "imapi2", message: "Cannot read data from stream supplied for file '%1!ls!'.", success: false, retryable: false },
  { name: "IMAPI_E_DATA_STREAM_CREATE_FAILURE", value: 0xC0AAB12A, family: "imapi2", message: "The following error was encountered when trying to create data stream for file '%1!ls!':", success: false, retryable: false },
  { name: "IMAPI_E_DIRECTORY_READ_FAILURE", value: 0xC0AAB12B, family: "imapi2", message: "Failure enumerating files in the directory tree is inaccessible due to permissions.", success: false, retryable: false },
  { name: "IMAPI_E_TOO_MANY_DIRS", value: 0xC0AAB130, family: "imapi2", message: "This file system image has too many directories for the %1!ls! file system.", success: false, retryable: false },
  { name: "IMAPI_E_ISO9660_LEVELS", value: 0xC0AAB131, family: "imapi2", message: "ISO9660 is limited to 8 levels of directories.", success: false, retryable: false },
  { name: "IMAPI_E_DATA_TOO_BIG", value: 0xC0AAB132, family: "imapi2", message: "Data file is too large for '%1!ls!' file system.", success: false, retryable: false },
  { name: "IMAPI_E_STASHFILE_OPEN_FAILURE", value: 0xC0AAB138, family: "imapi2", message: "Cannot initialize %1!ls! stash file.", success: false, retryable: false },
  { name: "IMAPI_E_STASHFILE_SEEK_FAILURE", value: 0xC0AAB139, family: "imapi2", message: "Error seeking in '%1!ls!' stash file.", success: false, retryable: false },
  { name: "IMAPI_E_STASHFILE_WRITE_FAILURE", value: 0xC0AAB13A, family: "imapi2", message: "Error encountered writing to '%1!ls!' stash file.", success: false, retryable: false },
  { name: "IMAPI_E_STASHFILE_READ_FAILURE", value: 0xC0AAB13B, family: "imapi2", message: "Error encountered reading from '%1!ls!' stash file.", success: false, retryable: false },
  { name: "IMAPI_E_INVALID_WORKING_DIRECTORY", value: 0xC0AAB140, family: "imapi2", message: "The working directory '%1!ls!' is not valid.", success: false, retryable: false },
  { name: "IMAPI_E_WORKING_DIRECTORY_SPACE", value: 0xC0AAB141, family: "imapi2", message: "Cannot set working directory to '%1!ls!'. Space available is %2!I64d! bytes, approximately %3!I64d! bytes required.", success: false, retryable: false },
  { name: "IMAPI_E_STASHFILE_MOVE", value: 0xC0AAB142, family: "imapi2", message: "Attempt to move the data stash file to directory '%1!ls!' was not successful.", success: false, retryable: false },
  { name: "IMAPI_E_BOOT_IMAGE_DATA", value: 0xC0AAB148, family: "imapi2", message: "The boot object could not be added to the image.", success: false, retryable: false },
  { name: "IMAPI_E_BOOT_OBJECT_CONFLICT", value: 0xC0AAB149, family: "imapi2", message: "A boot object can only be included in an initial disc image.", success: false, retryable: false },
  { name: "IMAPI_E_BOOT_EMULATION_IMAGE_SIZE_MISMATCH", value: 0xC0AAB14A, family: "imapi2", message: "The emulation type requested does not match the boot image size.", success: false, retryable: false },
  { name: "IMAPI_E_EMPTY_DISC", value: 0xC0AAB150, family: "imapi2", message: "Optical media is empty.", success: false, retryable: false },
  { name: "IMAPI_E_NO_SUPPORTED_FILE_SYSTEM", value: 0xC0AAB151, family: "imapi2", message: "The specified disc does not contain one of the supported file systems.", success: false, retryable: false },
  { name: "IMAPI_E_FILE_SYSTEM_NOT_FOUND", value: 0xC0AAB152, family: "imapi2", message: "The specified disc does not contain a '%1!ls!' file system.", success: false, retryable: false },
  { name: "IMAPI_E_FILE_SYSTEM_READ_CONSISTENCY_ERROR", value: 0xC0AAB153, family: "imapi2", message: "Consistency error encountered while importing the '%1!ls!' file system.", success: false, retryable: false },
  { name: "IMAPI_E_FILE_SYSTEM_FEATURE_NOT_SUPPORTED", value: 0xC0AAB154, family: "imapi2", message: "The '%1!ls!'file system on the selected disc contains a feature not supported for import: %2!ls!.", success: false, retryable: false },
  { name: "IMAPI_E_IMPORT_TYPE_COLLISION_FILE_EXISTS_AS_DIRECTORY", value: 0xC0AAB155, family: "imapi2", message: "Could not import %2!ls! file system from disc. The file '%1!ls!' already exists within the image hierarchy as a directory.", success: false, retryable: false },
  { name: "IMAPI_E_IMPORT_SEEK_FAILURE", value: 0xC0AAB156, family: "imapi2", message: "Cannot seek to block %1!I64d! on source disc.", success: false, retryable: false },
  { name: "IMAPI_E_IMPORT_READ_FAILURE", value: 0xC0AAB157, family: "imapi2", message: "Import from previous session failed due to an error reading a block on the media (most likely block %1!u!).", success: false, retryable: false },
  { name: "IMAPI_E_DISC_MISMATCH", value: 0xC0AAB158, family: "imapi2", message: "Current disc is not the same one from which file system was imported.", success: false, retryable: false },
  { name: "IMAPI_E_IMPORT_MEDIA_NOT_ALLOWED", value: 0xC0AAB159, family: "imapi2", message: "IMAPI does not allow multi-session with the current media type.", success: false, retryable: false },
  { name: "IMAPI_E_UDF_NOT_WRITE_COMPATIBLE", value: 0xC0AAB15A, family: "imapi2", message: "IMAPI cannot do multi-session with the current media because it does not support a compatible UDF revision for write.", success: false, retryable: false },
  { name: "IMAPI_E_INCOMPATIBLE_MULTISESSION_TYPE", value: 0xC0AAB15B, family: "imapi2", message: "IMAPI does not support the multisession type requested.", success: false, retryable: false },
  { name: "IMAPI_E_INCOMPATIBLE_PREVIOUS_SESSION", value: 0xC0AAB133, family: "imapi2", message: "Operation failed due to an incompatible layout of the previous session imported from the medium.", success: false, retryable: false },
  { name: "IMAPI_E_MULTISESSION_NOT_SET", value: 0xC0AAB15D, family: "imapi2", message: "MultisessionInterfaces property must be set prior calling this method.", success: false, retryable: false },
  { name: "IMAPI_E_IMPORT_TYPE_COLLISION_DIRECTORY_EXISTS_AS_FILE", value: 0xC0AAB15E, family: "imapi2", message: "Could not import %2!ls! file system from disc. The directory '%1!ls!' already exists within the image hierarchy as a file.", success: false, retryable: false },
  { name: "IMAPI_E_BAD_MULTISESSION_PARAMETER", value: 0xC0AAB162, family: "imapi2", message: "One of multisession parameters cannot be retrieved or has a wrong value.", success: false, retryable: false },
  { name: "IMAPI_S_IMAGE_FEATURE_NOT_SUPPORTED", value: 0x00AAB15F, family: "imapi2", message: "This feature is not supported for the current file system revision. The image will be created without this feature.", success: true, retryable: false },
  { name: "E_IMAPI_ERASE_TOOK_LONGER_THAN_ONE_HOUR", value: 0x80AA0906, family: "imapi2", message: "The drive did not complete the erase in one hour. May require power cycle / media removal. Also returned when a CD-RW/DVD-RW erase via IDiscFormat2Erase fails because the media is bad.", success: false, retryable: false },
  { name: "IMAPI_E_IMAGEMANAGER_NO_VALID_VD_FOUND", value: 0xC0AAB201, family: "imapi2", message: "The image does not contain a valid volume descriptor.", success: false, retryable: false },
  { name: "IMAPI_E_NO_COMPATIBLE_MULTISESSION_TYPE", value: 0xC0AAB15C, family: "imapi2", message: "IMAPI supports none of the multisession type(s) provided on the current media. IFileSystemImage::ImportFileSystem also returns it when there is no media in the recorder.", success: false, retryable: false },
  // ---- axe ----
  { name: "AXE_E_ALREADY_INIT", value: 0x80040200, family: "axe", message: "AxeCore can't be init'ed in both assessment & solution mode in one process / init called twice", success: false, retryable: false },
  { name: "AXE_E_WORKLOAD_INIT", value: 0x80040201, family: "axe", message: "workload-mode solution requires prior assessment init", success: false, retryable: false },
  { name: "AXE_E_INTERNAL_ERROR", value: 0x80040202, family: "axe", message: "unexpected internal error (see logs)", success: false, retryable: false },
  { name: "AXE_E_UNKNOWN_WIN32_ERROR", value: 0x80040203, family: "axe", message: "unknown Win32 error", success: false, retryable: false },
  { name: "AXE_E_WIN32_ERROR", value: 0x80040203, family: "axe", message: "unknown error", success: false, retryable: false },
  { name: "AXE_E_BAD_MANIFEST", value: 0x80041000, family: "axe", message: "job/assessment manifest bad or missing data", success: false, retryable: false },
  { name: "AXE_E_JOB_RUNNING", value: 0x80041005, family: "axe", message: "engine running a job; op needs idle engine", success: false, retryable: false },
  { name: "AXE_E_JOB_NOT_RUNNING", value: 0x80041006, family: "axe", message: "engine not running a job; op needs a running job", success: false, retryable: false },
  { name: "AXE_E_ASSESSMENT_COULD_NOT_START", value: 0x80041009, family: "axe", message: "could not start assessment process", success: false, retryable: false },
  { name: "AXE_E_ASSESSMENT_COULD_NOT_FINISH", value: 0x8004100A, family: "axe", message: "error waiting for assessment process", success: false, retryable: false },
  { name: "AXE_E_ASSESSMENT_COMPLETED_WITH_ERROR", value: 0x8004100B, family: "axe", message: "exited normally but exit code = failure per manifest (one doc misspells it ASSESSEMENT)", success: false, retryable: false },
  { name: "AXE_E_ASSESSMENT_RESULTS_INVALID", value: 0x8004100C, family: "axe", message: "error processing results files", success: false, retryable: false },
  { name: "AXE_E_ASSESSMENT_CANCELED", value: 0x8004100D, family: "axe", message: "assessment was canceled", success: false, retryable: false },
  { name: "AXE_E_ASSESSMENT_TERMINATED", value: 0x8004100F, family: "axe", message: "assessment was terminated", success: false, retryable: false },
  { name: "AXE_E_ASSESSMENT_CRASHED", value: 0x80041010, family: "axe", message: "crashed or rebooted without notifying AXE", success: false, retryable: false },
  { name: "AXE_E_SHELLEXECUTE_NOPROCESS", value: 0x80041011, family: "axe", message: "ShellExecute created no waitable process", success: false, retryable: false },
  { name: "AXE_E_QUEUED_APC_EVENTS", value: 0x80041012, family: "axe", message: "handlers/threading model can't change while APCs queued", success: false, retryable: false },
  { name: "AXE_E_JOB_CANCELED", value: 0x80041013, family: "axe", message: "job was canceled or terminated", success: false, retryable: false },
  { name: "AXE_E_JOB_ASSESSMENTS_FAILED", value: 0x80041014, family: "axe", message: "one or more assessments failed", success: false, retryable: false },
  { name: "AXE_E_JOB_ANOTHER_REBOOT_PENDING", value: 0x80041015, family: "axe", message: "another job is restarting", success: false, retryable: false },
  { name: "AXE_E_JOB_NO_REBOOT_PENDING", value: 0x80041016, family: "axe", message: "no job pending reboot", success: false, retryable: false },
  { name: "AXE_E_JOB_PREPARATION", value: 0x80041017, family: "axe", message: "a preparation step failed (logs)", success: false, retryable: false },
  { name: "AXE_E_JOB_RESULTS_FAILED", value: 0x80041018, family: "axe", message: "error generating/finalizing results file", success: false, retryable: false },
  { name: "AXE_E_JOB_ASSESSMENT_PREPARATION", value: 0x80041019, family: "axe", message: "error preparing an assessment", success: false, retryable: false },
  { name: "AXE_E_JOB_POSTEXECUTION", value: 0x8004101A, family: "axe", message: "PostExecutionAction failed", success: false, retryable: false },
  { name: "AXE_E_JOB_WAIT_TIMEOUT", value: 0x8004101B, family: "axe", message: "timeout waiting for other job", success: false, retryable: false },
  { name: "AXE_E_JOB_CHANGED", value: 0x80041021, family: "axe", message: "job re-run after reboot was modified", success: false, retryable: false },
  { name: "AXE_E_JOB_RESTART_FAILED", value: 0x80041022, family: "axe", message: "restart state data corrupt", success: false, retryable: false },
  { name: "AXE_E_JOB_RESTART_BADDATA", value: 0x80041023, family: "axe", message: "restart state data could not be saved", success: false, retryable: false },
  { name: "AXE_E_JOB_RESTART", value: 0x80041025, family: "axe", message: "error while changing solutions", success: false, retryable: false },
  { name: "AXE_E_PARAM_CONVERSION_FAILED", value: 0x80042000, family: "axe", message: "parameter type conversion failed", success: false, retryable: false },
  { name: "AXE_E_ENGINE_NOT_RUNNING", value: 0x80042002, family: "axe", message: "assessment used engine-only API without engine", success: false, retryable: false },
  { name: "AXE_E_PARAMETER_NOT_FOUND", value: 0x80042008, family: "axe", message: "parameter name not in manifest", success: false, retryable: false },
  // AXE_E_INVALID_INDEX: numeric value not published by Microsoft.
  { name: "AXE_E_INVALID_INDEX", value: undefined, family: "axe", message: "CancelAssessment index != running assessment", success: false, retryable: false, unpublished: true },
  // AXE_E_NO_JOB_RUNNING: numeric value not published by Microsoft — reference note: probably same meaning as AXE_E_JOB_NOT_RUNNING 0x80041006 — verify in AxeHosting.h.
  { name: "AXE_E_NO_JOB_RUNNING", value: undefined, family: "axe", message: "no job running", success: false, retryable: false, unpublished: true },
  // AXE_E_TERMINATE_FAILED: numeric value not published by Microsoft.
  { name: "AXE_E_TERMINATE_FAILED", value: undefined, family: "axe", message: "job not terminated", success: false, retryable: false, unpublished: true },
  // AXE_E_INIT_FAILED: numeric value not published by Microsoft.
  { name: "AXE_E_INIT_FAILED", value: undefined, family: "axe", message: "assessment support init failed", success: false, retryable: false, unpublished: true },
  // AXE_E_PARAM_READ_ONLY: numeric value not published by Microsoft.
  { name: "AXE_E_PARAM_READ_ONLY", value: undefined, family: "axe", message: "job parameter read-only", success: false, retryable: false, unpublished: true },
  // AXE_E_JOB_SOLUTION_RESTART: numeric value not published by Microsoft — reference note: gap 0x80041024 is a candidate.
  { name: "AXE_E_JOB_SOLUTION_RESTART", value: undefined, family: "axe", message: "solution re-spawn for Console/Silent SolutionUX failed", success: false, retryable: false, unpublished: true },
];

export const GENERATED_MI_RESULTS: readonly { readonly name: string; readonly value: number; readonly message: string }[] = [
  { name: "MI_RESULT_OK", value: 0, message: "success" },
  { name: "MI_RESULT_FAILED", value: 1, message: "general error" },
  { name: "MI_RESULT_ACCESS_DENIED", value: 2, message: "access denied / inconsistent identities" },
  { name: "MI_RESULT_INVALID_NAMESPACE", value: 3, message: "namespace does not exist" },
  { name: "MI_RESULT_INVALID_PARAMETER", value: 4, message: "invalid parameter" },
  { name: "MI_RESULT_INVALID_CLASS", value: 5, message: "class does not exist" },
  { name: "MI_RESULT_NOT_FOUND", value: 6, message: "object not found" },
  { name: "MI_RESULT_NOT_SUPPORTED", value: 7, message: "operation not supported" },
  { name: "MI_RESULT_CLASS_HAS_CHILDREN", value: 8, message: "class has subclasses" },
  { name: "MI_RESULT_CLASS_HAS_INSTANCES", value: 9, message: "class has instances" },
  { name: "MI_RESULT_INVALID_SUPERCLASS", value: 10, message: "superclass does not exist" },
  { name: "MI_RESULT_ALREADY_EXISTS", value: 11, message: "object already exists" },
  { name: "MI_RESULT_NO_SUCH_PROPERTY", value: 12, message: "property does not exist" },
  { name: "MI_RESULT_TYPE_MISMATCH", value: 13, message: "value incompatible with type" },
  { name: "MI_RESULT_QUERY_LANGUAGE_NOT_SUPPORTED", value: 14, message: "dialect not supported" },
  { name: "MI_RESULT_INVALID_QUERY", value: 15, message: "invalid query" },
  { name: "MI_RESULT_METHOD_NOT_AVAILABLE", value: 16, message: "extrinsic method cannot be invoked" },
  { name: "MI_RESULT_METHOD_NOT_FOUND", value: 17, message: "extrinsic method does not exist" },
  { name: "MI_RESULT_NAMESPACE_NOT_EMPTY", value: 20, message: "namespace not empty" },
  { name: "MI_RESULT_INVALID_ENUMERATION_CONTEXT", value: 21, message: "invalid enumeration context" },
  { name: "MI_RESULT_INVALID_OPERATION_TIMEOUT", value: 22, message: "timeout not supported by server" },
  { name: "MI_RESULT_PULL_HAS_BEEN_ABANDONED", value: 23, message: "pull abandoned" },
  { name: "MI_RESULT_PULL_CANNOT_BE_ABANDONED", value: 24, message: "abandon of concurrent pull failed" },
  { name: "MI_RESULT_FILTERED_ENUMERATION_NOT_SUPPORTED", value: 25, message: "filter not supported" },
  { name: "MI_RESULT_CONTINUATION_ON_ERROR_NOT_SUPPORTED", value: 26, message: "continue-on-error not supported" },
  { name: "MI_RESULT_SERVER_LIMITS_EXCEEDED", value: 27, message: "server limits exceeded" },
  { name: "MI_RESULT_SERVER_IS_SHUTTING_DOWN", value: 28, message: "server shutting down" },
];

/** Every symbolic HRESULT name above (WinopsError.code is one of these, an MI result name, or a WINOPS_ code). */
export type GeneratedHresultName =
  | "S_OK"
  | "S_FALSE"
  | "E_ACCESSDENIED"
  | "E_INVALIDARG"
  | "E_NOTIMPL"
  | "E_OUTOFMEMORY"
  | "E_FAIL"
  | "E_UNEXPECTED"
  | "E_POINTER"
  | "E_NOINTERFACE"
  | "E_ABORT"
  | "E_BOUNDS"
  | "E_HANDLE"
  | "REGDB_E_CLASSNOTREG"
  | "CO_E_NOTINITIALIZED"
  | "RPC_E_CHANGED_MODE"
  | "CLASS_E_NOAGGREGATION"
  | "RPC_E_TOO_LATE"
  | "ERROR_FILE_NOT_FOUND"
  | "ERROR_PATH_NOT_FOUND"
  | "ERROR_ACCESS_DENIED"
  | "ERROR_INVALID_HANDLE"
  | "ERROR_NOT_ENOUGH_MEMORY"
  | "ERROR_INVALID_DATA"
  | "ERROR_NOT_READY"
  | "ERROR_SHARING_VIOLATION"
  | "ERROR_NOT_SUPPORTED"
  | "ERROR_BAD_NETPATH"
  | "ERROR_DEV_NOT_EXIST"
  | "ERROR_INVALID_PARAMETER"
  | "ERROR_INSUFFICIENT_BUFFER"
  | "ERROR_MOD_NOT_FOUND"
  | "ERROR_PROC_NOT_FOUND"
  | "ERROR_ALREADY_EXISTS"
  | "WAIT_TIMEOUT"
  | "ERROR_DIRECTORY"
  | "ERROR_RANGE_NOT_FOUND"
  | "ERROR_OPERATION_ABORTED"
  | "ERROR_IO_PENDING"
  | "ERROR_NOT_FOUND"
  | "ERROR_CANCELLED"
  | "ERROR_PRIVILEGE_NOT_HELD"
  | "ERROR_LOGON_FAILURE"
  | "ERROR_TIMEOUT"
  | "RPC_S_SERVER_UNAVAILABLE"
  | "VSS_E_BAD_STATE"
  | "VSS_E_UNEXPECTED"
  | "VSS_E_PROVIDER_ALREADY_REGISTERED"
  | "VSS_E_PROVIDER_NOT_REGISTERED"
  | "VSS_E_PROVIDER_VETO"
  | "VSS_E_PROVIDER_IN_USE"
  | "VSS_E_OBJECT_NOT_FOUND"
  | "VSS_S_ASYNC_PENDING"
  | "VSS_S_ASYNC_FINISHED"
  | "VSS_S_ASYNC_CANCELLED"
  | "VSS_E_VOLUME_NOT_SUPPORTED"
  | "VSS_E_OBJECT_ALREADY_EXISTS"
  | "VSS_E_VOLUME_NOT_SUPPORTED_BY_PROVIDER"
  | "VSS_E_UNEXPECTED_PROVIDER_ERROR"
  | "VSS_E_CORRUPT_XML_DOCUMENT"
  | "VSS_E_INVALID_XML_DOCUMENT"
  | "VSS_E_MAXIMUM_NUMBER_OF_VOLUMES_REACHED"
  | "VSS_E_FLUSH_WRITES_TIMEOUT"
  | "VSS_E_HOLD_WRITES_TIMEOUT"
  | "VSS_E_UNEXPECTED_WRITER_ERROR"
  | "VSS_E_SNAPSHOT_SET_IN_PROGRESS"
  | "VSS_E_MAXIMUM_NUMBER_OF_SNAPSHOTS_REACHED"
  | "VSS_E_WRITER_INFRASTRUCTURE"
  | "VSS_E_WRITER_NOT_RESPONDING"
  | "VSS_E_WRITER_ALREADY_SUBSCRIBED"
  | "VSS_E_UNSUPPORTED_CONTEXT"
  | "VSS_E_VOLUME_IN_USE"
  | "VSS_E_MAXIMUM_DIFFAREA_ASSOCIATIONS_REACHED"
  | "VSS_E_INSUFFICIENT_STORAGE"
  | "VSS_E_NO_SNAPSHOTS_IMPORTED"
  | "VSS_S_SOME_SNAPSHOTS_NOT_IMPORTED"
  | "VSS_E_SOME_SNAPSHOTS_NOT_IMPORTED"
  | "VSS_E_MAXIMUM_NUMBER_OF_REMOTE_MACHINES_REACHED"
  | "VSS_E_REMOTE_SERVER_UNAVAILABLE"
  | "VSS_E_REMOTE_SERVER_UNSUPPORTED"
  | "VSS_E_REVERT_IN_PROGRESS"
  | "VSS_E_REVERT_VOLUME_LOST"
  | "VSS_E_REBOOT_REQUIRED"
  | "VSS_E_TRANSACTION_FREEZE_TIMEOUT"
  | "VSS_E_TRANSACTION_THAW_TIMEOUT"
  | "VSS_E_UNSELECTED_VOLUME"
  | "VSS_E_SNAPSHOT_NOT_IN_SET"
  | "VSS_E_NESTED_VOLUME_LIMIT"
  | "VSS_E_VOLUME_NOT_LOCAL"
  | "VSS_E_CLUSTER_TIMEOUT"
  | "VSS_E_NOT_SUPPORTED"
  | "VSS_E_WRITERERROR_PARTIAL_FAILURE"
  | "VSS_E_WRITERERROR_INCONSISTENTSNAPSHOT"
  | "VSS_E_WRITERERROR_OUTOFRESOURCES"
  | "VSS_E_WRITERERROR_TIMEOUT"
  | "VSS_E_WRITERERROR_RETRYABLE"
  | "VSS_E_WRITERERROR_NONRETRYABLE"
  | "VSS_E_WRITERERROR_RECOVERY_FAILED"
  | "VSS_E_BREAK_REVERT_ID_FAILED"
  | "VSS_E_LEGACY_PROVIDER"
  | "VSS_E_MISSING_DISK"
  | "VSS_E_MISSING_HIDDEN_VOLUME"
  | "VSS_E_MISSING_VOLUME"
  | "VSS_E_AUTORECOVERY_FAILED"
  | "VSS_E_DYNAMIC_DISK_ERROR"
  | "VSS_E_NONTRANSPORTABLE_BCD"
  | "VSS_E_CANNOT_REVERT_DISKID"
  | "VSS_E_RESYNC_IN_PROGRESS"
  | "VSS_E_CLUSTER_ERROR"
  | "VSS_E_ASRERROR_DISK_ASSIGNMENT_FAILED"
  | "VSS_E_ASRERROR_DISK_RECREATION_FAILED"
  | "VSS_E_ASRERROR_NO_ARCPATH"
  | "VSS_E_ASRERROR_MISSING_DYNDISK"
  | "VSS_E_ASRERROR_SHARED_CRIDISK"
  | "VSS_E_ASRERROR_DATADISK_RDISK0"
  | "VSS_E_ASRERROR_RDISK0_TOOSMALL"
  | "VSS_E_ASRERROR_CRITICAL_DISKS_TOO_SMALL"
  | "VSS_E_WRITER_STATUS_NOT_AVAILABLE"
  | "VSS_E_ASRERROR_DYNAMIC_VHD_NOT_SUPPORTED"
  | "VSS_E_CRITICAL_VOLUME_ON_INVALID_DISK"
  | "VSS_E_ASRERROR_RDISK_FOR_SYSTEM_DISK_NOT_FOUND"
  | "VSS_E_ASRERROR_NO_PHYSICAL_DISK_AVAILABLE"
  | "VSS_E_ASRERROR_FIXED_PHYSICAL_DISK_AVAILABLE_AFTER_DISK_EXCLUSION"
  | "VSS_E_ASRERROR_CRITICAL_DISK_CANNOT_BE_EXCLUDED"
  | "VSS_E_ASRERROR_SYSTEM_PARTITION_HIDDEN"
  | "VSS_E_FSS_TIMEOUT"
  | "E_IMAPI_BURN_VERIFICATION_FAILED"
  | "E_IMAPI_REQUEST_CANCELLED"
  | "E_IMAPI_RECORDER_REQUIRED"
  | "S_IMAPI_WRITE_NOT_IN_PROGRESS"
  | "S_IMAPI_SPEEDADJUSTED"
  | "S_IMAPI_ROTATIONADJUSTED"
  | "S_IMAPI_BOTHADJUSTED"
  | "S_IMAPI_COMMAND_HAS_SENSE_DATA"
  | "E_IMAPI_RAW_IMAGE_IS_READ_ONLY"
  | "E_IMAPI_RAW_IMAGE_TOO_MANY_TRACKS"
  | "E_IMAPI_RAW_IMAGE_NO_TRACKS"
  | "E_IMAPI_RAW_IMAGE_SECTOR_TYPE_NOT_SUPPORTED"
  | "E_IMAPI_RAW_IMAGE_TRACKS_ALREADY_ADDED"
  | "E_IMAPI_RAW_IMAGE_INSUFFICIENT_SPACE"
  | "E_IMAPI_RAW_IMAGE_TOO_MANY_TRACK_INDEXES"
  | "E_IMAPI_RAW_IMAGE_TRACK_INDEX_NOT_FOUND"
  | "S_IMAPI_RAW_IMAGE_TRACK_INDEX_ALREADY_EXISTS"
  | "E_IMAPI_RAW_IMAGE_TRACK_INDEX_OFFSET_ZERO_CANNOT_BE_CLEARED"
  | "E_IMAPI_RAW_IMAGE_TRACK_INDEX_TOO_CLOSE_TO_OTHER_INDEX"
  | "E_IMAPI_RECORDER_NO_SUCH_MODE_PAGE"
  | "E_IMAPI_RECORDER_MEDIA_NO_MEDIA"
  | "E_IMAPI_RECORDER_MEDIA_INCOMPATIBLE"
  | "E_IMAPI_RECORDER_MEDIA_UPSIDE_DOWN"
  | "E_IMAPI_RECORDER_MEDIA_BECOMING_READY"
  | "E_IMAPI_RECORDER_MEDIA_FORMAT_IN_PROGRESS"
  | "E_IMAPI_RECORDER_MEDIA_BUSY"
  | "E_IMAPI_RECORDER_INVALID_MODE_PARAMETERS"
  | "E_IMAPI_RECORDER_MEDIA_WRITE_PROTECTED"
  | "E_IMAPI_RECORDER_NO_SUCH_FEATURE"
  | "E_IMAPI_RECORDER_FEATURE_IS_NOT_CURRENT"
  | "E_IMAPI_RECORDER_GET_CONFIGURATION_NOT_SUPPORTED"
  | "E_IMAPI_RECORDER_COMMAND_TIMEOUT"
  | "E_IMAPI_RECORDER_DVD_STRUCTURE_NOT_PRESENT"
  | "E_IMAPI_RECORDER_MEDIA_SPEED_MISMATCH"
  | "E_IMAPI_RECORDER_LOCKED"
  | "E_IMAPI_RECORDER_CLIENT_NAME_IS_NOT_VALID"
  | "E_IMAPI_RECORDER_INVALID_RESPONSE_FROM_DEVICE"
  | "E_IMAPI_LOSS_OF_STREAMING"
  | "E_IMAPI_UNEXPECTED_RESPONSE_FROM_DEVICE"
  | "E_IMAPI_DF2DATA_WRITE_IN_PROGRESS"
  | "E_IMAPI_DF2DATA_WRITE_NOT_IN_PROGRESS"
  | "E_IMAPI_DF2DATA_INVALID_MEDIA_STATE"
  | "E_IMAPI_DF2DATA_STREAM_NOT_SUPPORTED"
  | "E_IMAPI_DF2DATA_STREAM_TOO_LARGE_FOR_CURRENT_MEDIA"
  | "E_IMAPI_DF2DATA_MEDIA_NOT_BLANK"
  | "E_IMAPI_DF2DATA_MEDIA_IS_NOT_SUPPORTED"
  | "E_IMAPI_DF2DATA_RECORDER_NOT_SUPPORTED"
  | "E_IMAPI_DF2DATA_CLIENT_NAME_IS_NOT_VALID"
  | "E_IMAPI_DF2TAO_WRITE_IN_PROGRESS"
  | "E_IMAPI_DF2TAO_WRITE_NOT_IN_PROGRESS"
  | "E_IMAPI_DF2TAO_MEDIA_IS_NOT_PREPARED"
  | "E_IMAPI_DF2TAO_MEDIA_IS_PREPARED"
  | "E_IMAPI_DF2TAO_PROPERTY_FOR_BLANK_MEDIA_ONLY"
  | "E_IMAPI_DF2TAO_TABLE_OF_CONTENTS_EMPTY_DISC"
  | "E_IMAPI_DF2TAO_MEDIA_IS_NOT_BLANK"
  | "E_IMAPI_DF2TAO_MEDIA_IS_NOT_SUPPORTED"
  | "E_IMAPI_DF2TAO_TRACK_LIMIT_REACHED"
  | "E_IMAPI_DF2TAO_NOT_ENOUGH_SPACE"
  | "E_IMAPI_DF2TAO_NO_RECORDER_SPECIFIED"
  | "E_IMAPI_DF2TAO_INVALID_ISRC"
  | "E_IMAPI_DF2TAO_INVALID_MCN"
  | "E_IMAPI_DF2TAO_STREAM_NOT_SUPPORTED"
  | "E_IMAPI_DF2TAO_RECORDER_NOT_SUPPORTED"
  | "E_IMAPI_DF2TAO_CLIENT_NAME_IS_NOT_VALID"
  | "E_IMAPI_DF2RAW_WRITE_IN_PROGRESS"
  | "E_IMAPI_DF2RAW_WRITE_NOT_IN_PROGRESS"
  | "E_IMAPI_DF2RAW_MEDIA_IS_NOT_PREPARED"
  | "E_IMAPI_DF2RAW_MEDIA_IS_PREPARED"
  | "E_IMAPI_DF2RAW_CLIENT_NAME_IS_NOT_VALID"
  | "E_IMAPI_DF2RAW_MEDIA_IS_NOT_BLANK"
  | "E_IMAPI_DF2RAW_MEDIA_IS_NOT_SUPPORTED"
  | "E_IMAPI_DF2RAW_NOT_ENOUGH_SPACE"
  | "E_IMAPI_DF2RAW_NO_RECORDER_SPECIFIED"
  | "E_IMAPI_DF2RAW_STREAM_NOT_SUPPORTED"
  | "E_IMAPI_DF2RAW_DATA_BLOCK_TYPE_NOT_SUPPORTED"
  | "E_IMAPI_DF2RAW_STREAM_LEADIN_TOO_SHORT"
  | "E_IMAPI_DF2RAW_RECORDER_NOT_SUPPORTED"
  | "E_IMAPI_ERASE_RECORDER_IN_USE"
  | "E_IMAPI_ERASE_ONLY_ONE_RECORDER_SUPPORTED"
  | "E_IMAPI_ERASE_DISC_INFORMATION_TOO_SMALL"
  | "E_IMAPI_ERASE_MODE_PAGE_2A_TOO_SMALL"
  | "E_IMAPI_ERASE_MEDIA_IS_NOT_ERASABLE"
  | "E_IMAPI_ERASE_DRIVE_FAILED_ERASE_COMMAND"
  | "E_IMAPI_ERASE_UNEXPECTED_DRIVE_RESPONSE_DURING_ERASE"
  | "E_IMAPI_ERASE_DRIVE_FAILED_SPINUP_COMMAND"
  | "E_IMAPI_ERASE_MEDIA_IS_NOT_SUPPORTED"
  | "E_IMAPI_ERASE_RECORDER_NOT_SUPPORTED"
  | "E_IMAPI_ERASE_CLIENT_NAME_IS_NOT_VALID"
  | "IMAPI_E_FSI_INTERNAL_ERROR"
  | "IMAPI_E_INVALID_PARAM"
  | "IMAPI_E_READONLY"
  | "IMAPI_E_NO_OUTPUT"
  | "IMAPI_E_INVALID_VOLUME_NAME"
  | "IMAPI_E_INVALID_DATE"
  | "IMAPI_E_FILE_SYSTEM_NOT_EMPTY"
  | "IMAPI_E_FILE_SYSTEM_CHANGE_NOT_ALLOWED"
  | "IMAPI_E_NOT_FILE"
  | "IMAPI_E_NOT_DIR"
  | "IMAPI_E_DIR_NOT_EMPTY"
  | "IMAPI_E_NOT_IN_FILE_SYSTEM"
  | "IMAPI_E_INVALID_PATH"
  | "IMAPI_E_RESTRICTED_NAME_VIOLATION"
  | "IMAPI_E_DUP_NAME"
  | "IMAPI_E_NO_UNIQUE_NAME"
  | "IMAPI_E_ITEM_NOT_FOUND"
  | "IMAPI_E_FILE_NOT_FOUND"
  | "IMAPI_E_DIR_NOT_FOUND"
  | "IMAPI_E_IMAGE_SIZE_LIMIT"
  | "IMAPI_E_IMAGE_TOO_BIG"
  | "IMAPI_E_IMAGEMANAGER_IMAGE_NOT_ALIGNED"
  | "IMAPI_E_IMAGEMANAGER_NO_IMAGE"
  | "IMAPI_E_IMAGEMANAGER_IMAGE_TOO_BIG"
  | "IMAPI_E_DATA_STREAM_INCONSISTENCY"
  | "IMAPI_E_DATA_STREAM_READ_FAILURE"
  | "IMAPI_E_DATA_STREAM_CREATE_FAILURE"
  | "IMAPI_E_DIRECTORY_READ_FAILURE"
  | "IMAPI_E_TOO_MANY_DIRS"
  | "IMAPI_E_ISO9660_LEVELS"
  | "IMAPI_E_DATA_TOO_BIG"
  | "IMAPI_E_STASHFILE_OPEN_FAILURE"
  | "IMAPI_E_STASHFILE_SEEK_FAILURE"
  | "IMAPI_E_STASHFILE_WRITE_FAILURE"
  | "IMAPI_E_STASHFILE_READ_FAILURE"
  | "IMAPI_E_INVALID_WORKING_DIRECTORY"
  | "IMAPI_E_WORKING_DIRECTORY_SPACE"
  | "IMAPI_E_STASHFILE_MOVE"
  | "IMAPI_E_BOOT_IMAGE_DATA"
  | "IMAPI_E_BOOT_OBJECT_CONFLICT"
  | "IMAPI_E_BOOT_EMULATION_IMAGE_SIZE_MISMATCH"
  | "IMAPI_E_EMPTY_DISC"
  | "IMAPI_E_NO_SUPPORTED_FILE_SYSTEM"
  | "IMAPI_E_FILE_SYSTEM_NOT_FOUND"
  | "IMAPI_E_FILE_SYSTEM_READ_CONSISTENCY_ERROR"
  | "IMAPI_E_FILE_SYSTEM_FEATURE_NOT_SUPPORTED"
  | "IMAPI_E_IMPORT_TYPE_COLLISION_FILE_EXISTS_AS_DIRECTORY"
  | "IMAPI_E_IMPORT_SEEK_FAILURE"
  | "IMAPI_E_IMPORT_READ_FAILURE"
  | "IMAPI_E_DISC_MISMATCH"
  | "IMAPI_E_IMPORT_MEDIA_NOT_ALLOWED"
  | "IMAPI_E_UDF_NOT_WRITE_COMPATIBLE"
  | "IMAPI_E_INCOMPATIBLE_MULTISESSION_TYPE"
  | "IMAPI_E_INCOMPATIBLE_PREVIOUS_SESSION"
  | "IMAPI_E_MULTISESSION_NOT_SET"
  | "IMAPI_E_IMPORT_TYPE_COLLISION_DIRECTORY_EXISTS_AS_FILE"
  | "IMAPI_E_BAD_MULTISESSION_PARAMETER"
  | "IMAPI_S_IMAGE_FEATURE_NOT_SUPPORTED"
  | "E_IMAPI_ERASE_TOOK_LONGER_THAN_ONE_HOUR"
  | "IMAPI_E_IMAGEMANAGER_NO_VALID_VD_FOUND"
  | "IMAPI_E_NO_COMPATIBLE_MULTISESSION_TYPE"
  | "AXE_E_ALREADY_INIT"
  | "AXE_E_WORKLOAD_INIT"
  | "AXE_E_INTERNAL_ERROR"
  | "AXE_E_UNKNOWN_WIN32_ERROR"
  | "AXE_E_WIN32_ERROR"
  | "AXE_E_BAD_MANIFEST"
  | "AXE_E_JOB_RUNNING"
  | "AXE_E_JOB_NOT_RUNNING"
  | "AXE_E_ASSESSMENT_COULD_NOT_START"
  | "AXE_E_ASSESSMENT_COULD_NOT_FINISH"
  | "AXE_E_ASSESSMENT_COMPLETED_WITH_ERROR"
  | "AXE_E_ASSESSMENT_RESULTS_INVALID"
  | "AXE_E_ASSESSMENT_CANCELED"
  | "AXE_E_ASSESSMENT_TERMINATED"
  | "AXE_E_ASSESSMENT_CRASHED"
  | "AXE_E_SHELLEXECUTE_NOPROCESS"
  | "AXE_E_QUEUED_APC_EVENTS"
  | "AXE_E_JOB_CANCELED"
  | "AXE_E_JOB_ASSESSMENTS_FAILED"
  | "AXE_E_JOB_ANOTHER_REBOOT_PENDING"
  | "AXE_E_JOB_NO_REBOOT_PENDING"
  | "AXE_E_JOB_PREPARATION"
  | "AXE_E_JOB_RESULTS_FAILED"
  | "AXE_E_JOB_ASSESSMENT_PREPARATION"
  | "AXE_E_JOB_POSTEXECUTION"
  | "AXE_E_JOB_WAIT_TIMEOUT"
  | "AXE_E_JOB_CHANGED"
  | "AXE_E_JOB_RESTART_FAILED"
  | "AXE_E_JOB_RESTART_BADDATA"
  | "AXE_E_JOB_RESTART"
  | "AXE_E_PARAM_CONVERSION_FAILED"
  | "AXE_E_ENGINE_NOT_RUNNING"
  | "AXE_E_PARAMETER_NOT_FOUND"
  | "AXE_E_INVALID_INDEX"
  | "AXE_E_NO_JOB_RUNNING"
  | "AXE_E_TERMINATE_FAILED"
  | "AXE_E_INIT_FAILED"
  | "AXE_E_PARAM_READ_ONLY"
  | "AXE_E_JOB_SOLUTION_RESTART"
  ;

/** Every MI_Result name. */
export type GeneratedMiResultName =
  | "MI_RESULT_OK"
  | "MI_RESULT_FAILED"
  | "MI_RESULT_ACCESS_DENIED"
  | "MI_RESULT_INVALID_NAMESPACE"
  | "MI_RESULT_INVALID_PARAMETER"
  | "MI_RESULT_INVALID_CLASS"
  | "MI_RESULT_NOT_FOUND"
  | "MI_RESULT_NOT_SUPPORTED"
  | "MI_RESULT_CLASS_HAS_CHILDREN"
  | "MI_RESULT_CLASS_HAS_INSTANCES"
  | "MI_RESULT_INVALID_SUPERCLASS"
  | "MI_RESULT_ALREADY_EXISTS"
  | "MI_RESULT_NO_SUCH_PROPERTY"
  | "MI_RESULT_TYPE_MISMATCH"
  | "MI_RESULT_QUERY_LANGUAGE_NOT_SUPPORTED"
  | "MI_RESULT_INVALID_QUERY"
  | "MI_RESULT_METHOD_NOT_AVAILABLE"
  | "MI_RESULT_METHOD_NOT_FOUND"
  | "MI_RESULT_NAMESPACE_NOT_EMPTY"
  | "MI_RESULT_INVALID_ENUMERATION_CONTEXT"
  | "MI_RESULT_INVALID_OPERATION_TIMEOUT"
  | "MI_RESULT_PULL_HAS_BEEN_ABANDONED"
  | "MI_RESULT_PULL_CANNOT_BE_ABANDONED"
  | "MI_RESULT_FILTERED_ENUMERATION_NOT_SUPPORTED"
  | "MI_RESULT_CONTINUATION_ON_ERROR_NOT_SUPPORTED"
  | "MI_RESULT_SERVER_LIMITS_EXCEEDED"
  | "MI_RESULT_SERVER_IS_SHUTTING_DOWN"
  ;

// Names exactly as mi.md spells them, including MI_ERRORCATEGORY_CLOS_EERROR (sic — the header typo, kept).
export const GENERATED_MI_ERROR_CATEGORIES: readonly { readonly name: string; readonly value: number }[] = [
  { name: "MI_ERRORCATEGORY_NOT_SPECIFIED", value: 0 },
  { name: "MI_ERRORCATEGORY_OPEN_ERROR", value: 1 },
  { name: "MI_ERRORCATEGORY_CLOS_EERROR", value: 2 },
  { name: "MI_ERRORCATEGORY_DEVICE_ERROR", value: 3 },
  { name: "MI_ERRORCATEGORY_DEADLOCK_DETECTED", value: 4 },
  { name: "MI_ERRORCATEGORY_INVALID_ARGUMENT", value: 5 },
  { name: "MI_ERRORCATEGORY_INVALID_DATA", value: 6 },
  { name: "MI_ERRORCATEGORY_INVALID_OPERATION", value: 7 },
  { name: "MI_ERRORCATEGORY_INVALID_RESULT", value: 8 },
  { name: "MI_ERRORCATEGORY_INVALID_TYPE", value: 9 },
  { name: "MI_ERRORCATEGORY_METADATA_ERROR", value: 10 },
  { name: "MI_ERRORCATEGORY_NOT_IMPLEMENTED", value: 11 },
  { name: "MI_ERRORCATEGORY_NOT_INSTALLED", value: 12 },
  { name: "MI_ERRORCATEGORY_OBJECT_NOT_FOUND", value: 13 },
  { name: "MI_ERRORCATEGORY_OPERATION_STOPPED", value: 14 },
  { name: "MI_ERRORCATEGORY_OPERATION_TIMEOUT", value: 15 },
  { name: "MI_ERRORCATEGORY_SYNTAX_ERROR", value: 16 },
  { name: "MI_ERRORCATEGORY_PARSER_ERROR", value: 17 },
  { name: "MI_ERRORCATEGORY_ACCESS_DENIED", value: 18 },
  { name: "MI_ERRORCATEGORY_RESOURCE_BUSY", value: 19 },
  { name: "MI_ERRORCATEGORY_RESOURCE_EXISTS", value: 20 },
  { name: "MI_ERRORCATEGORY_RESOURCE_UNAVAILABLE", value: 21 },
  { name: "MI_ERRORCATEGORY_READ_ERROR", value: 22 },
  { name: "MI_ERRORCATEGORY_WRITE_ERROR", value: 23 },
  { name: "MI_ERRORCATEGORY_FROM_STDERR", value: 24 },
  { name: "MI_ERRORCATEGORY_SECURITY_ERROR", value: 25 },
  { name: "MI_ERRORCATEGORY_PROTOCOL_ERROR", value: 26 },
  { name: "MI_ERRORCATEGORY_CONNECTION_ERROR", value: 27 },
  { name: "MI_ERRORCATEGORY_AUTHENTICATION_ERROR", value: 28 },
  { name: "MI_ERRORCATEGORY_LIMITS_EXCEEDED", value: 29 },
  { name: "MI_ERRORCATEGORY_QUOTA_EXCEEDED", value: 30 },
  { name: "MI_ERRORCATEGORY_NOT_ENABLED", value: 31 },
];
