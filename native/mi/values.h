// MI values between mi.dll and JS.
//
// MI hands out instances that are valid only inside a callback (until resultAcknowledgement), on
// threads of its own, where no N-API call is allowed. So a result is copied at once into plain C++
// (Value / InstanceData, any thread) and turned into JS later, on the JS thread (ToJs). The other
// direction (keys and method parameters) builds MI instances from JS values on the JS thread.
#pragma once

#include <cstdint>
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

// ------------------------------------------------------------------------------------------ batches
//
// Instances travel to JS in batches, flat (types/backend.ts MiResultBatch): each instance is a schema id (class,
// namespace and property names, shared by the instances of a class) and its top-level values as Cells. Strings go
// into two arenas, one byte per character when every character is below U+0100 (JS then gets one-byte strings,
// as its own literals are); values that are not scalars (arrays, embedded instances, intervals) become Values.
// A batch is filled in MI's callback (any thread) and turned into JS on the JS thread.

struct Cell {
  enum class Kind : uint8_t { kNull, kBool, kNumber, kUint64, kSint64, kNarrow, kWide, kDate, kComplex };
  Kind kind = Kind::kNull;
  bool boolean = false;
  uint32_t offset = 0;  // kNarrow / kWide: in the arena; kComplex: index in Batch::complex
  uint32_t length = 0;
  union {
    double number = 0;  // kNumber; kDate: ms since 1970 (UTC)
    uint64_t u64;
    int64_t s64;
  };
};

struct SchemaData {
  std::u16string className;
  std::u16string nameSpace;  // empty when MI gave none
  std::vector<std::u16string> names;
};

struct Batch {
  uint32_t firstNewId = 0;       // the schema id of newSchemas[0]
  std::vector<SchemaData> newSchemas;
  std::vector<uint32_t> shapes;  // per instance: its schema id
  std::vector<uint32_t> ends;    // per instance: the end of its cells
  std::vector<Cell> cells;
  std::string narrow;            // kNarrow characters (Latin-1)
  std::u16string wide;           // kWide characters
  std::vector<Value> complex;
  void Clear() {
    firstNewId = 0;
    newSchemas.clear();
    shapes.clear();
    ends.clear();
    cells.clear();
    narrow.clear();
    wide.clear();
    complex.clear();
  }
};

// The schemas of one operation's instances. Read and Append run in MI's callback: for one operation MI calls back
// one result at a time, and the acknowledgement that lets the next one come is given after them.
class SchemaCache {
 public:
  // Reads the instance's class, namespace and elements (valid until the result is acknowledged) and returns its
  // schema id; a schema first seen here is appended to *added.
  uint32_t Read(const mi_abi::MI_Instance* instance, std::vector<SchemaData>* added);
  // Appends the instance last Read to the batch (its schema id, the schemas in *added, its values).
  void Append(Batch& batch, uint32_t shape, std::vector<SchemaData>& added) const;

 private:
  bool Matches(const SchemaData& s) const;
  std::vector<SchemaData> known_;
  size_t last_ = 0;
  const mi_abi::MI_Char* className_ = nullptr;
  const mi_abi::MI_Char* nameSpace_ = nullptr;
  std::vector<const mi_abi::MI_Char*> names_;
  std::vector<mi_abi::MI_Value> values_;
  std::vector<mi_abi::MI_Type> types_;
  std::vector<mi_abi::MI_Uint32> flags_;
};

// JS thread, for the instances [from, to) of a batch: the schemas they use first (those of newSchemas from
// *schemasSent on; *schemasSent moves past them), their shapes (a Uint32Array), and their values appended to
// argv (they go to JS as call arguments: one call, no per-value property store).
Napi::Array SchemasToJs(Napi::Env env, const Batch& batch, size_t from, size_t to, size_t* schemasSent);
Napi::Value ShapesToJs(Napi::Env env, const Batch& batch, size_t from, size_t to);
void ValuesToArgs(Napi::Env env, const Batch& batch, size_t from, size_t to, std::vector<napi_value>& argv);

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
