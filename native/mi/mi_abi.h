// The part of mi.h (Windows Management Infrastructure client API, "WMI v2") the addon uses, declared by
// hand: mingw-w64 10 has no mi.h (it arrived in mingw-w64 11). Every layout below comes from
// /work/shared/reference/mi-abi.md (Windows SDK mi.h cross-checked against OMI, mingw-w64 11 and
// windows-sys, offsets measured with x86_64-w64-mingw32-gcc); the static_asserts at the end pin them.
// Function-table members are declared in table order with their exact signatures, including the ones
// the addon never calls, so every slot lands at its documented offset.
//
// Also used by the mi.dll test double (test/doubles/mi), which implements the other side.
#pragma once

#include <cstddef>
#include <cstdint>

namespace winops::mi_abi {

// mi.h's MI_CALL (__stdcall) and MI_MAIN_CALL (__cdecl): one convention on x64, two on x86.
#define WINOPS_MI_CALL __stdcall
#define WINOPS_MI_MAIN_CALL __cdecl

using MI_Boolean = unsigned char;
using MI_Uint8 = uint8_t;
using MI_Sint8 = int8_t;
using MI_Uint16 = uint16_t;
using MI_Sint16 = int16_t;
using MI_Uint32 = uint32_t;
using MI_Sint32 = int32_t;
using MI_Uint64 = uint64_t;
using MI_Sint64 = int64_t;
using MI_Real32 = float;
using MI_Real64 = double;
using MI_Char16 = unsigned short;
using MI_Char = wchar_t;  // MI_CHAR_TYPE 2 (the Windows SDK default): UTF-16

constexpr MI_Boolean MI_TRUE = 1;
constexpr MI_Boolean MI_FALSE = 0;

enum MI_Result : int32_t {
  MI_RESULT_OK = 0,
  MI_RESULT_FAILED = 1,
  MI_RESULT_ACCESS_DENIED = 2,
  MI_RESULT_INVALID_NAMESPACE = 3,
  MI_RESULT_INVALID_PARAMETER = 4,
  MI_RESULT_INVALID_CLASS = 5,
  MI_RESULT_NOT_FOUND = 6,
  MI_RESULT_NOT_SUPPORTED = 7,
  MI_RESULT_CLASS_HAS_CHILDREN = 8,
  MI_RESULT_CLASS_HAS_INSTANCES = 9,
  MI_RESULT_INVALID_SUPERCLASS = 10,
  MI_RESULT_ALREADY_EXISTS = 11,
  MI_RESULT_NO_SUCH_PROPERTY = 12,
  MI_RESULT_TYPE_MISMATCH = 13,
  MI_RESULT_QUERY_LANGUAGE_NOT_SUPPORTED = 14,
  MI_RESULT_INVALID_QUERY = 15,
  MI_RESULT_METHOD_NOT_AVAILABLE = 16,
  MI_RESULT_METHOD_NOT_FOUND = 17,
  MI_RESULT_NAMESPACE_NOT_EMPTY = 20,
  MI_RESULT_INVALID_ENUMERATION_CONTEXT = 21,
  MI_RESULT_INVALID_OPERATION_TIMEOUT = 22,
  MI_RESULT_PULL_HAS_BEEN_ABANDONED = 23,
  MI_RESULT_PULL_CANNOT_BE_ABANDONED = 24,
  MI_RESULT_FILTERED_ENUMERATION_NOT_SUPPORTED = 25,
  MI_RESULT_CONTINUATION_ON_ERROR_NOT_SUPPORTED = 26,
  MI_RESULT_SERVER_LIMITS_EXCEEDED = 27,
  MI_RESULT_SERVER_IS_SHUTTING_DOWN = 28,
};

enum MI_Type : int32_t {
  MI_BOOLEAN = 0,
  MI_UINT8 = 1,
  MI_SINT8 = 2,
  MI_UINT16 = 3,
  MI_SINT16 = 4,
  MI_UINT32 = 5,
  MI_SINT32 = 6,
  MI_UINT64 = 7,
  MI_SINT64 = 8,
  MI_REAL32 = 9,
  MI_REAL64 = 10,
  MI_CHAR16 = 11,
  MI_DATETIME = 12,
  MI_STRING = 13,
  MI_REFERENCE = 14,
  MI_INSTANCE = 15,
  MI_BOOLEANA = 16,
  MI_UINT8A = 17,
  MI_SINT8A = 18,
  MI_UINT16A = 19,
  MI_SINT16A = 20,
  MI_UINT32A = 21,
  MI_SINT32A = 22,
  MI_UINT64A = 23,
  MI_SINT64A = 24,
  MI_REAL32A = 25,
  MI_REAL64A = 26,
  MI_CHAR16A = 27,
  MI_DATETIMEA = 28,
  MI_STRINGA = 29,
  MI_REFERENCEA = 30,
  MI_INSTANCEA = 31,
};
constexpr int32_t MI_ARRAY = 16;  // the array bit of MI_Type

enum MI_CancellationReason : int32_t {
  MI_REASON_NONE = 0,
  MI_REASON_TIMEOUT = 1,
  MI_REASON_SHUTDOWN = 2,
  MI_REASON_SERVICESTOP = 3,
};

enum MI_PromptType : int32_t { MI_PROMPTTYPE_NORMAL = 0, MI_PROMPTTYPE_CRITICAL = 1 };
enum MI_OperationCallback_ResponseType : int32_t {
  MI_OperationCallback_ResponseType_No = 0,
  MI_OperationCallback_ResponseType_Yes = 1,
  MI_OperationCallback_ResponseType_NoToAll = 2,
  MI_OperationCallback_ResponseType_YesToAll = 3,
};
enum MI_SubscriptionDeliveryType : int32_t {
  MI_SubscriptionDeliveryType_Pull = 1,
  MI_SubscriptionDeliveryType_Push = 2,
};

// Operation flags (the flags argument of MI_SessionFT operations).
constexpr MI_Uint32 MI_OPERATIONFLAGS_MANUAL_ACK_RESULTS = 0x0001;
// mi.h (win32metadata RecompiledIdlHeaders/um/mi.h; learn.microsoft.com wmi_v2/mi-flags): "All instance elements are of
// the correct type, but some hierarchy information may be lost due to optimizations". NO_RTTI (0x0400: every element a
// string) and BASIC_RTTI (0x0002: "may be strings or the correct type") are the weaker ones, FULL_RTTI (0x0004) the
// expensive one; 0 lets the protocol handler pick.
constexpr MI_Uint32 MI_OPERATIONFLAGS_STANDARD_RTTI = 0x0800;
// Element flags.
constexpr MI_Uint32 MI_FLAG_KEY = 0x1000;
constexpr MI_Uint32 MI_FLAG_NULL = 0x20000000;

// ------------------------------------------------------------------------------------------ values

struct MI_Timestamp {
  MI_Uint32 year, month, day, hour, minute, second, microseconds;
  MI_Sint32 utc;  // minutes east of UTC
};

struct MI_Interval {
  MI_Uint32 days, hours, minutes, seconds, microseconds;
  MI_Uint32 __padding1, __padding2, __padding3;
};

struct MI_Datetime {
  MI_Uint32 isTimestamp;
  union {
    MI_Timestamp timestamp;
    MI_Interval interval;
  } u;
};

struct MI_Instance;

template <typename T>
struct MI_ArrayOf {
  T* data;
  MI_Uint32 size;
};

union MI_Value {
  MI_Boolean boolean;
  MI_Uint8 uint8;
  MI_Sint8 sint8;
  MI_Uint16 uint16;
  MI_Sint16 sint16;
  MI_Uint32 uint32;
  MI_Sint32 sint32;
  MI_Uint64 uint64;
  MI_Sint64 sint64;
  MI_Real32 real32;
  MI_Real64 real64;
  MI_Char16 char16;
  MI_Datetime datetime;
  MI_Char* string;
  MI_Instance* instance;
  MI_Instance* reference;
  MI_ArrayOf<MI_Boolean> booleana;
  MI_ArrayOf<MI_Uint8> uint8a;
  MI_ArrayOf<MI_Sint8> sint8a;
  MI_ArrayOf<MI_Uint16> uint16a;
  MI_ArrayOf<MI_Sint16> sint16a;
  MI_ArrayOf<MI_Uint32> uint32a;
  MI_ArrayOf<MI_Sint32> sint32a;
  MI_ArrayOf<MI_Uint64> uint64a;
  MI_ArrayOf<MI_Sint64> sint64a;
  MI_ArrayOf<MI_Real32> real32a;
  MI_ArrayOf<MI_Real64> real64a;
  MI_ArrayOf<MI_Char16> char16a;
  MI_ArrayOf<MI_Datetime> datetimea;
  MI_ArrayOf<MI_Char*> stringa;
  MI_ArrayOf<MI_Instance*> referencea;
  MI_ArrayOf<MI_Instance*> instancea;
  MI_ArrayOf<void> array;
};

struct MI_UsernamePasswordCreds {
  const MI_Char* domain;
  const MI_Char* username;
  const MI_Char* password;
};

struct MI_UserCredentials {
  const MI_Char* authenticationType;
  union {
    MI_UsernamePasswordCreds usernamePassword;
    const MI_Char* certificateThumbprint;
  } credentials;
};

// ------------------------------------------------------------------------------------------ handles

// Opaque here: the addon reaches them only through pointers.
struct MI_ClassDecl;
struct MI_Class;
struct MI_ApplicationFT;
struct MI_SessionFT;
struct MI_OperationFT;
struct MI_DestinationOptionsFT;
struct MI_OperationOptionsFT;
struct MI_InstanceFT;
struct MI_HostedProviderFT;
struct MI_SubscriptionDeliveryOptionsFT;
struct MI_SerializerFT;
struct MI_DeserializerFT;
struct MI_UtilitiesFT;
struct MI_Context;
struct MI_Module;
struct MI_Server;

template <typename FT>
struct MI_HandleOf {
  MI_Uint64 reserved1;
  ptrdiff_t reserved2;
  const FT* ft;
};
using MI_Application = MI_HandleOf<MI_ApplicationFT>;
using MI_Session = MI_HandleOf<MI_SessionFT>;
using MI_Operation = MI_HandleOf<MI_OperationFT>;
using MI_DestinationOptions = MI_HandleOf<MI_DestinationOptionsFT>;
using MI_OperationOptions = MI_HandleOf<MI_OperationOptionsFT>;
using MI_HostedProvider = MI_HandleOf<MI_HostedProviderFT>;
using MI_SubscriptionDeliveryOptions = MI_HandleOf<MI_SubscriptionDeliveryOptionsFT>;
// No ft in these two (SDK mi.h and windows-sys Win32::System::Wmi: { MI_Uint64 reserved1; ptrdiff_t reserved2; }).
struct MI_Serializer { MI_Uint64 reserved1; ptrdiff_t reserved2; };
struct MI_Deserializer { MI_Uint64 reserved1; ptrdiff_t reserved2; };

struct MI_Instance {
  const MI_InstanceFT* ft;
  const MI_ClassDecl* classDecl;
  const MI_Char* serverName;
  const MI_Char* nameSpace;
  ptrdiff_t reserved[4];
};

using MI_MainFunction = MI_Module*(WINOPS_MI_MAIN_CALL*)(MI_Server* server);

// ------------------------------------------------------------------------------------------ callbacks

using MI_ResultAcknowledgement = MI_Result(WINOPS_MI_CALL*)(MI_Operation* operation);

using MI_OperationCallback_PromptUser = void(WINOPS_MI_CALL*)(
    MI_Operation* operation, void* callbackContext, const MI_Char* message, MI_PromptType promptType,
    MI_Result(WINOPS_MI_CALL* promptUserResult)(MI_Operation* operation,
                                                MI_OperationCallback_ResponseType response));
using MI_OperationCallback_WriteError = void(WINOPS_MI_CALL*)(
    MI_Operation* operation, void* callbackContext, MI_Instance* instance,
    MI_Result(WINOPS_MI_CALL* writeErrorResult)(MI_Operation* operation,
                                                MI_OperationCallback_ResponseType response));
using MI_OperationCallback_WriteMessage = void(WINOPS_MI_CALL*)(MI_Operation* operation,
                                                                void* callbackContext,
                                                                MI_Uint32 channel,
                                                                const MI_Char* message);
using MI_OperationCallback_WriteProgress = void(WINOPS_MI_CALL*)(
    MI_Operation* operation, void* callbackContext, const MI_Char* activity,
    const MI_Char* currentOperation, const MI_Char* statusDescription, MI_Uint32 percentageComplete,
    MI_Uint32 secondsRemaining);
using MI_OperationCallback_Instance = void(WINOPS_MI_CALL*)(
    MI_Operation* operation, void* callbackContext, const MI_Instance* instance,
    MI_Boolean moreResults, MI_Result resultCode, const MI_Char* errorString,
    const MI_Instance* errorDetails, MI_ResultAcknowledgement resultAcknowledgement);
using MI_OperationCallback_Indication = void(WINOPS_MI_CALL*)(
    MI_Operation* operation, void* callbackContext, const MI_Instance* instance,
    const MI_Char* bookmark, const MI_Char* machineID, MI_Boolean moreResults, MI_Result resultCode,
    const MI_Char* errorString, const MI_Instance* errorDetails,
    MI_ResultAcknowledgement resultAcknowledgement);
using MI_OperationCallback_Class = void(WINOPS_MI_CALL*)(
    MI_Operation* operation, void* callbackContext, const MI_Class* classResult,
    MI_Boolean moreResults, MI_Result resultCode, const MI_Char* errorString,
    const MI_Instance* errorDetails, MI_ResultAcknowledgement resultAcknowledgement);
using MI_OperationCallback_StreamedParameter = void(WINOPS_MI_CALL*)(
    MI_Operation* operation, void* callbackContext, const MI_Char* parameterName,
    MI_Type resultType, const MI_Value* result, MI_ResultAcknowledgement resultAcknowledgement);

struct MI_OperationCallbacks {
  void* callbackContext;
  MI_OperationCallback_PromptUser promptUser;
  MI_OperationCallback_WriteError writeError;
  MI_OperationCallback_WriteMessage writeMessage;
  MI_OperationCallback_WriteProgress writeProgress;
  MI_OperationCallback_Instance instanceResult;
  MI_OperationCallback_Indication indicationResult;
  MI_OperationCallback_Class classResult;
  MI_OperationCallback_StreamedParameter streamedParameterResult;
};

struct MI_SessionCallbacks {
  void* callbackContext;
  void(WINOPS_MI_CALL* writeMessage)(MI_Application* application, void* callbackContext,
                                     MI_Uint32 channel, const MI_Char* message);
  void(WINOPS_MI_CALL* writeError)(MI_Application* application, void* callbackContext,
                                   MI_Instance* instance);
};

using MI_SessionCloseCompletion = void(WINOPS_MI_CALL*)(void* completionContext);

// ------------------------------------------------------------------------------------------ function tables

struct MI_ApplicationFT {
  MI_Result(WINOPS_MI_CALL* Close)(MI_Application* application);
  MI_Result(WINOPS_MI_CALL* NewSession)(MI_Application* application, const MI_Char* protocol,
                                        const MI_Char* destination, MI_DestinationOptions* options,
                                        MI_SessionCallbacks* callbacks, MI_Instance** extendedError,
                                        MI_Session* session);
  MI_Result(WINOPS_MI_CALL* NewHostedProvider)(MI_Application* application,
                                               const MI_Char* namespaceName,
                                               const MI_Char* providerName, MI_MainFunction mi_Main,
                                               MI_Instance** extendedError,
                                               MI_HostedProvider* provider);
  MI_Result(WINOPS_MI_CALL* NewInstance)(MI_Application* application, const MI_Char* className,
                                         const MI_ClassDecl* classRTTI, MI_Instance** instance);
  MI_Result(WINOPS_MI_CALL* NewDestinationOptions)(MI_Application* application,
                                                   MI_DestinationOptions* options);
  MI_Result(WINOPS_MI_CALL* NewOperationOptions)(MI_Application* application,
                                                 MI_Boolean customOptionsMustUnderstand,
                                                 MI_OperationOptions* options);
  MI_Result(WINOPS_MI_CALL* NewSubscriptionDeliveryOptions)(
      MI_Application* application, MI_SubscriptionDeliveryType deliveryType,
      MI_SubscriptionDeliveryOptions* deliveryOptions);
  MI_Result(WINOPS_MI_CALL* NewSerializer)(MI_Application* application, MI_Uint32 flags,
                                           MI_Char* format, MI_Serializer* serializer);
  MI_Result(WINOPS_MI_CALL* NewDeserializer)(MI_Application* application, MI_Uint32 flags,
                                             MI_Char* format, MI_Deserializer* deserializer);
  MI_Result(WINOPS_MI_CALL* NewInstanceFromClass)(MI_Application* application,
                                                  const MI_Char* className,
                                                  const MI_Class* classObject,
                                                  MI_Instance** instance);
  MI_Result(WINOPS_MI_CALL* NewClass)(MI_Application* application, const MI_ClassDecl* classDecl,
                                      const MI_Char* namespaceName, const MI_Char* serverName,
                                      MI_Class** classObject);
};

struct MI_SessionFT {
  MI_Result(WINOPS_MI_CALL* Close)(MI_Session* session, void* completionContext,
                                   MI_SessionCloseCompletion completionCallback);
  MI_Result(WINOPS_MI_CALL* GetApplication)(MI_Session* session, MI_Application* application);
  void(WINOPS_MI_CALL* GetInstance)(MI_Session* session, MI_Uint32 flags,
                                    MI_OperationOptions* options, const MI_Char* namespaceName,
                                    const MI_Instance* inboundInstance,
                                    MI_OperationCallbacks* callbacks, MI_Operation* operation);
  void(WINOPS_MI_CALL* ModifyInstance)(MI_Session* session, MI_Uint32 flags,
                                       MI_OperationOptions* options, const MI_Char* namespaceName,
                                       const MI_Instance* inboundInstance,
                                       MI_OperationCallbacks* callbacks, MI_Operation* operation);
  void(WINOPS_MI_CALL* CreateInstance)(MI_Session* session, MI_Uint32 flags,
                                       MI_OperationOptions* options, const MI_Char* namespaceName,
                                       const MI_Instance* inboundInstance,
                                       MI_OperationCallbacks* callbacks, MI_Operation* operation);
  void(WINOPS_MI_CALL* DeleteInstance)(MI_Session* session, MI_Uint32 flags,
                                       MI_OperationOptions* options, const MI_Char* namespaceName,
                                       const MI_Instance* inboundInstance,
                                       MI_OperationCallbacks* callbacks, MI_Operation* operation);
  void(WINOPS_MI_CALL* Invoke)(MI_Session* session, MI_Uint32 flags, MI_OperationOptions* options,
                               const MI_Char* namespaceName, const MI_Char* className,
                               const MI_Char* methodName, const MI_Instance* inboundInstance,
                               const MI_Instance* inboundProperties,
                               MI_OperationCallbacks* callbacks, MI_Operation* operation);
  void(WINOPS_MI_CALL* EnumerateInstances)(MI_Session* session, MI_Uint32 flags,
                                           MI_OperationOptions* options,
                                           const MI_Char* namespaceName, const MI_Char* className,
                                           MI_Boolean keysOnly, MI_OperationCallbacks* callbacks,
                                           MI_Operation* operation);
  void(WINOPS_MI_CALL* QueryInstances)(MI_Session* session, MI_Uint32 flags,
                                       MI_OperationOptions* options, const MI_Char* namespaceName,
                                       const MI_Char* queryDialect, const MI_Char* queryExpression,
                                       MI_OperationCallbacks* callbacks, MI_Operation* operation);
  void(WINOPS_MI_CALL* AssociatorInstances)(MI_Session* session, MI_Uint32 flags,
                                            MI_OperationOptions* options,
                                            const MI_Char* namespaceName,
                                            const MI_Instance* instanceKeys,
                                            const MI_Char* assocClass, const MI_Char* resultClass,
                                            const MI_Char* role, const MI_Char* resultRole,
                                            MI_Boolean keysOnly, MI_OperationCallbacks* callbacks,
                                            MI_Operation* operation);
  void(WINOPS_MI_CALL* ReferenceInstances)(MI_Session* session, MI_Uint32 flags,
                                           MI_OperationOptions* options,
                                           const MI_Char* namespaceName,
                                           const MI_Instance* instanceKeys,
                                           const MI_Char* resultClass, const MI_Char* role,
                                           MI_Boolean keysOnly, MI_OperationCallbacks* callbacks,
                                           MI_Operation* operation);
  void(WINOPS_MI_CALL* Subscribe)(MI_Session* session, MI_Uint32 flags,
                                  MI_OperationOptions* options, const MI_Char* namespaceName,
                                  const MI_Char* queryDialect, const MI_Char* queryExpression,
                                  const MI_SubscriptionDeliveryOptions* deliverOptions,
                                  MI_OperationCallbacks* callbacks, MI_Operation* operation);
  void(WINOPS_MI_CALL* GetClass)(MI_Session* session, MI_Uint32 flags,
                                 MI_OperationOptions* options, const MI_Char* namespaceName,
                                 const MI_Char* className, MI_OperationCallbacks* callbacks,
                                 MI_Operation* operation);
  void(WINOPS_MI_CALL* EnumerateClasses)(MI_Session* session, MI_Uint32 flags,
                                         MI_OperationOptions* options,
                                         const MI_Char* namespaceName, const MI_Char* className,
                                         MI_Boolean classNamesOnly,
                                         MI_OperationCallbacks* callbacks, MI_Operation* operation);
  void(WINOPS_MI_CALL* TestConnection)(MI_Session* session, MI_Uint32 flags,
                                       MI_OperationCallbacks* callbacks, MI_Operation* operation);
};

struct MI_OperationFT {
  MI_Result(WINOPS_MI_CALL* Close)(MI_Operation* operation);
  MI_Result(WINOPS_MI_CALL* Cancel)(MI_Operation* operation, MI_CancellationReason reason);
  MI_Result(WINOPS_MI_CALL* GetSession)(MI_Operation* operation, MI_Session* session);
  MI_Result(WINOPS_MI_CALL* GetInstance)(MI_Operation* operation, const MI_Instance** instance,
                                         MI_Boolean* moreResults, MI_Result* result,
                                         const MI_Char** errorMessage,
                                         const MI_Instance** completionDetails);
  MI_Result(WINOPS_MI_CALL* GetIndication)(MI_Operation* operation, const MI_Instance** instance,
                                           const MI_Char** bookmark, const MI_Char** machineID,
                                           MI_Boolean* moreResults, MI_Result* result,
                                           const MI_Char** errorMessage,
                                           const MI_Instance** completionDetails);
  MI_Result(WINOPS_MI_CALL* GetClass)(MI_Operation* operation, const MI_Class** classResult,
                                      MI_Boolean* moreResults, MI_Result* result,
                                      const MI_Char** errorMessage,
                                      const MI_Instance** completionDetails);
};

struct MI_InstanceFT {
  MI_Result(WINOPS_MI_CALL* Clone)(const MI_Instance* self, MI_Instance** newInstance);
  MI_Result(WINOPS_MI_CALL* Destruct)(MI_Instance* self);
  MI_Result(WINOPS_MI_CALL* Delete)(MI_Instance* self);
  MI_Result(WINOPS_MI_CALL* IsA)(const MI_Instance* self, const MI_ClassDecl* classDecl,
                                 MI_Boolean* flag);
  // mi.h names this GetClassName (<windows.h> would rename that member to GetClassNameW).
  MI_Result(WINOPS_MI_CALL* GetClassName_)(const MI_Instance* self, const MI_Char** className);
  MI_Result(WINOPS_MI_CALL* SetNameSpace)(MI_Instance* self, const MI_Char* nameSpace);
  MI_Result(WINOPS_MI_CALL* GetNameSpace)(const MI_Instance* self, const MI_Char** nameSpace);
  MI_Result(WINOPS_MI_CALL* GetElementCount)(const MI_Instance* self, MI_Uint32* count);
  MI_Result(WINOPS_MI_CALL* AddElement)(MI_Instance* self, const MI_Char* name,
                                        const MI_Value* value, MI_Type type, MI_Uint32 flags);
  MI_Result(WINOPS_MI_CALL* SetElement)(MI_Instance* self, const MI_Char* name,
                                        const MI_Value* value, MI_Type type, MI_Uint32 flags);
  MI_Result(WINOPS_MI_CALL* SetElementAt)(MI_Instance* self, MI_Uint32 index,
                                          const MI_Value* value, MI_Type type, MI_Uint32 flags);
  MI_Result(WINOPS_MI_CALL* GetElement)(const MI_Instance* self, const MI_Char* name,
                                        MI_Value* value, MI_Type* type, MI_Uint32* flags,
                                        MI_Uint32* index);
  MI_Result(WINOPS_MI_CALL* GetElementAt)(const MI_Instance* self, MI_Uint32 index,
                                          const MI_Char** name, MI_Value* value, MI_Type* type,
                                          MI_Uint32* flags);
  MI_Result(WINOPS_MI_CALL* ClearElement)(MI_Instance* self, const MI_Char* name);
  MI_Result(WINOPS_MI_CALL* ClearElementAt)(MI_Instance* self, MI_Uint32 index);
  MI_Result(WINOPS_MI_CALL* GetServerName)(const MI_Instance* self, const MI_Char** name);
  MI_Result(WINOPS_MI_CALL* SetServerName)(MI_Instance* self, const MI_Char* name);
  MI_Result(WINOPS_MI_CALL* GetClass)(const MI_Instance* self, MI_Class** instanceClass);
};

struct MI_DestinationOptionsFT {
  void(WINOPS_MI_CALL* Delete)(MI_DestinationOptions* options);
  MI_Result(WINOPS_MI_CALL* SetString)(MI_DestinationOptions* options, const MI_Char* optionName,
                                       const MI_Char* value, MI_Uint32 flags);
  MI_Result(WINOPS_MI_CALL* SetNumber)(MI_DestinationOptions* options, const MI_Char* optionName,
                                       MI_Uint32 value, MI_Uint32 flags);
  MI_Result(WINOPS_MI_CALL* AddCredentials)(MI_DestinationOptions* options,
                                            const MI_Char* optionName,
                                            const MI_UserCredentials* credentials,
                                            MI_Uint32 flags);
  MI_Result(WINOPS_MI_CALL* GetString)(MI_DestinationOptions* options, const MI_Char* optionName,
                                       const MI_Char** value, MI_Uint32* index, MI_Uint32* flags);
  MI_Result(WINOPS_MI_CALL* GetNumber)(MI_DestinationOptions* options, const MI_Char* optionName,
                                       MI_Uint32* value, MI_Uint32* index, MI_Uint32* flags);
  MI_Result(WINOPS_MI_CALL* GetOptionCount)(MI_DestinationOptions* options, MI_Uint32* count);
  MI_Result(WINOPS_MI_CALL* GetOptionAt)(MI_DestinationOptions* options, MI_Uint32 index,
                                         const MI_Char** optionName, MI_Value* value,
                                         MI_Type* type, MI_Uint32* flags);
  MI_Result(WINOPS_MI_CALL* GetOption)(MI_DestinationOptions* options, const MI_Char* optionName,
                                       MI_Value* value, MI_Type* type, MI_Uint32* index,
                                       MI_Uint32* flags);
  MI_Result(WINOPS_MI_CALL* GetCredentialsCount)(MI_DestinationOptions* options,
                                                 MI_Uint32* count);
  MI_Result(WINOPS_MI_CALL* GetCredentialsAt)(MI_DestinationOptions* options, MI_Uint32 index,
                                              const MI_Char** optionName,
                                              MI_UserCredentials* credentials, MI_Uint32* flags);
  MI_Result(WINOPS_MI_CALL* GetCredentialsPasswordAt)(MI_DestinationOptions* options,
                                                      MI_Uint32 index, const MI_Char** optionName,
                                                      MI_Char* password, MI_Uint32 bufferLength,
                                                      MI_Uint32* passwordLength, MI_Uint32* flags);
  MI_Result(WINOPS_MI_CALL* Clone)(const MI_DestinationOptions* self,
                                   MI_DestinationOptions* newDestinationOptions);
  MI_Result(WINOPS_MI_CALL* SetInterval)(MI_DestinationOptions* options, const MI_Char* optionName,
                                         const MI_Interval* value, MI_Uint32 flags);
  MI_Result(WINOPS_MI_CALL* GetInterval)(MI_DestinationOptions* options, const MI_Char* optionName,
                                         MI_Interval* value, MI_Uint32* index, MI_Uint32* flags);
};

struct MI_ClientFT_V1 {
  const MI_ApplicationFT* applicationFT;
  const MI_SessionFT* sessionFT;
  const MI_OperationFT* operationFT;
  const MI_HostedProviderFT* hostedProviderFT;
  const MI_SerializerFT* serializerFT;
  const MI_DeserializerFT* deserializerFT;
  const MI_SubscriptionDeliveryOptionsFT* subscribeDeliveryOptionsFT;
  const MI_DestinationOptionsFT* destinationOptionsFT;
  const MI_OperationOptionsFT* operationOptionsFT;
  const MI_UtilitiesFT* utilitiesFT;
};

// mi.dll's export. MI_Application_Initialize is #defined to this name (MI_CALL_VERSION 1).
using MI_Application_InitializeV1Fn = MI_Result(WINOPS_MI_MAIN_CALL*)(MI_Uint32 flags,
                                                                      const MI_Char* applicationID,
                                                                      MI_Instance** extendedError,
                                                                      MI_Application* application);

// Option names used by mi.h's inline helpers.
inline constexpr const MI_Char* kDestinationCredentials =
    L"__MI_DESTINATIONOPTIONS_DESTINATION_CREDENTIALS";
// MI_Application_NewSession protocols ("Currently supported protocols are L"WMIDCOM" and L"WINRM"").
inline constexpr const MI_Char* kProtocolWinRM = L"WINRM";
inline constexpr const MI_Char* kProtocolDcom = L"WMIDCOM";

// ------------------------------------------------------------------------------------------ layout (mi-abi.md, M5)
// ByArch(x64, x86). From the SDK's mi.h: tables and callbacks are pointers only (N slots = N * 8 or N * 4 bytes);
// an 8-byte member is 8-aligned on x86 too (MSVC's default /Zp8: "the smaller of the size of the member type or
// N", learn.microsoft.com/cpp/build/reference/zp-struct-member-alignment; mingw i686 gcc: the AlignProbe assert).
constexpr size_t ByArch(size_t x64, size_t x86) { return sizeof(void*) == 8 ? x64 : x86; }
struct AlignProbe { MI_Uint32 a; MI_Uint64 b; MI_Uint32 c; MI_Real64 d; };
static_assert(sizeof(void*) == ByArch(8, 4) && offsetof(AlignProbe, b) == 8 && offsetof(AlignProbe, d) == 24, "x86/x64");
static_assert(sizeof(MI_Application) == ByArch(24, 16) && offsetof(MI_Application, ft) == ByArch(16, 12), "handle");
static_assert(sizeof(MI_Serializer) == 16 && sizeof(MI_Deserializer) == 16, "MI_Serializer: no ft");
static_assert(sizeof(MI_Instance) == ByArch(64, 32) && offsetof(MI_Instance, nameSpace) == ByArch(24, 12), "");
static_assert(sizeof(MI_Datetime) == 36 && offsetof(MI_Datetime, u) == 4, "MI_Datetime");
static_assert(sizeof(MI_Timestamp) == 32 && sizeof(MI_Interval) == 32, "MI_Timestamp / MI_Interval");
static_assert(sizeof(MI_Value) == 40 && alignof(MI_Value) == 8, "MI_Value");
static_assert(sizeof(MI_ArrayOf<MI_Char*>) == ByArch(16, 8) && offsetof(MI_ArrayOf<MI_Char*>, size) == ByArch(8, 4), "");
static_assert(sizeof(MI_UserCredentials) == ByArch(32, 16) && offsetof(MI_UserCredentials, credentials) == ByArch(8, 4), "");
static_assert(sizeof(MI_OperationCallbacks) == ByArch(72, 36) && offsetof(MI_OperationCallbacks, instanceResult) ==
              ByArch(40, 20) && offsetof(MI_OperationCallbacks, indicationResult) == ByArch(48, 24), "callbacks");
static_assert(sizeof(MI_SessionCallbacks) == ByArch(24, 12), "MI_SessionCallbacks");
static_assert(sizeof(MI_ApplicationFT) == ByArch(88, 44) && offsetof(MI_ApplicationFT, NewInstance) == ByArch(24, 12) &&
              offsetof(MI_ApplicationFT, NewDestinationOptions) == ByArch(32, 16), "MI_ApplicationFT");
static_assert(sizeof(MI_SessionFT) == ByArch(120, 60) && offsetof(MI_SessionFT, Invoke) == ByArch(48, 24) &&
                  offsetof(MI_SessionFT, QueryInstances) == ByArch(64, 32) &&
                  offsetof(MI_SessionFT, Subscribe) == ByArch(88, 44), "MI_SessionFT");
static_assert(sizeof(MI_OperationFT) == ByArch(48, 24) && offsetof(MI_OperationFT, Cancel) == ByArch(8, 4), "MI_OperationFT");
static_assert(sizeof(MI_InstanceFT) == ByArch(144, 72) && offsetof(MI_InstanceFT, GetClassName_) == ByArch(32, 16) &&
              offsetof(MI_InstanceFT, GetElementAt) == ByArch(96, 48), "MI_InstanceFT");
static_assert(sizeof(MI_DestinationOptionsFT) == ByArch(120, 60) &&
              offsetof(MI_DestinationOptionsFT, AddCredentials) == ByArch(24, 12), "MI_DestinationOptionsFT");
static_assert(sizeof(MI_ClientFT_V1) == ByArch(80, 40) &&
                  offsetof(MI_ClientFT_V1, destinationOptionsFT) == ByArch(56, 28), "MI_ClientFT_V1");
static_assert(sizeof(MI_Result) == 4 && sizeof(MI_Type) == 4, "enums are 4 bytes");

}  // namespace winops::mi_abi
