// MI values between mi.dll and JS.
//
// MI hands out instances that are valid only inside a callback (until resultAcknowledgement), on
// threads of its own, where no N-API call is allowed. So a result is copied at once into plain C++
// (Value / InstanceData, any thread) and turned into JS later, on the JS thread (ToJs). The other
// direction (keys and method parameters) builds MI instances from JS values on the JS thread.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <napi.h>

#include "mi/mi_abi.h"

namespace winops::mi {

struct InstanceData;

// One MI value after conversion: what types/backend.ts calls MiValue.
struct Value {
  enum class Kind { kNull, kBool, kNumber, kUint64, kSint64, kString, kDate, kInterval, kInstance, kArray };
  Kind kind = Kind::kNull;
  bool boolean = false;
  double number = 0;       // kNumber; kDate: ms since 1970 (UTC)
  uint64_t u64 = 0;        // kUint64
  int64_t s64 = 0;         // kSint64
  std::u16string string;   // kString
  mi_abi::MI_Interval interval{};              // kInterval
  std::shared_ptr<InstanceData> instance;      // kInstance (embedded instances and references)
  std::vector<Value> array;                    // kArray
};

struct InstanceData {
  std::u16string className;
  std::u16string nameSpace;  // empty when MI gave none
  std::vector<std::pair<std::u16string, Value>> properties;
};

// MI_ErrorDetails fields of an MSFT_WmiError instance (types/backend.ts MiErrorDetails).
struct ErrorDetails {
  bool present = false;
  bool hasErrorCode = false, hasCategory = false, hasCimStatusCode = false;
  double errorCode = 0, category = 0, cimStatusCode = 0;
  std::u16string errorType, message, messageId, windowsErrorMessage;
};

// Any thread. Copies everything out of the instance (depth-limited for embedded instances).
std::shared_ptr<InstanceData> CopyInstance(const mi_abi::MI_Instance* instance);
Value CopyValue(const mi_abi::MI_Value& value, mi_abi::MI_Type type, mi_abi::MI_Uint32 flags,
                int depth = 0);
ErrorDetails CopyErrorDetails(const mi_abi::MI_Instance* instance);

// JS thread.
Napi::Value ToJs(Napi::Env env, const Value& value);
Napi::Object ToJs(Napi::Env env, const InstanceData& instance);
Napi::Object ToJs(Napi::Env env, const ErrorDetails& details);

// Milliseconds since 1970 (UTC) for an MI_Timestamp, and back (UTC, offset 0).
double TimestampToJsTime(const mi_abi::MI_Timestamp& ts);
mi_abi::MI_Timestamp JsTimeToTimestamp(double ms);

// JS thread. A new MI instance of className with the given properties (keys get MI_FLAG_KEY), made
// through application->ft->NewInstance; the caller deletes it with ft->Delete. Throws Napi::TypeError
// for a value MI cannot carry, or an Error with miResult when MI refuses.
mi_abi::MI_Instance* NewInstanceFromJs(Napi::Env env, mi_abi::MI_Application* application,
                                       const std::u16string& className, Napi::Object properties,
                                       bool keys, const char* what);

}  // namespace winops::mi
