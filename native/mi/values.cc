#include "mi/values.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <deque>
#include <limits>
#include <type_traits>

#include "common/utf.h"

namespace winops::mi {

using namespace mi_abi;

namespace {

constexpr int kMaxDepth = 32;  // embedded instances deeper than this become null

std::u16string U16(const MI_Char* s) {
  if (!s) return std::u16string();
  return std::u16string(reinterpret_cast<const char16_t*>(s));
}

// Days since 1970-01-01 for a proleptic Gregorian date (Howard Hinnant's days_from_civil).
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

void CivilFromDays(int64_t z, int64_t* y, unsigned* m, unsigned* d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = static_cast<int64_t>(yoe) + era * 400 + (*m <= 2);
}

Value Number(double n) {
  Value v;
  v.kind = Value::Kind::kNumber;
  v.number = n;
  return v;
}

Value Datetime(const MI_Datetime& dt) {
  Value v;
  if (dt.isTimestamp) {
    v.kind = Value::Kind::kDate;
    v.number = TimestampToJsTime(dt.u.timestamp);
  } else {
    v.kind = Value::Kind::kInterval;
    v.interval = dt.u.interval;
  }
  return v;
}

Value StringValue(const MI_Char* s) {
  Value v;
  if (!s) return v;
  v.kind = Value::Kind::kString;
  v.string = U16(s);
  return v;
}

Value InstanceValue(const MI_Instance* inst, int depth) {
  Value v;
  if (!inst || depth >= kMaxDepth) return v;
  v.kind = Value::Kind::kInstance;
  v.instance = std::make_shared<InstanceData>();
  InstanceData& d = *v.instance;
  const MI_Char* s = nullptr;
  if (inst->ft->GetClassName_(inst, &s) == MI_RESULT_OK) d.className = U16(s);
  s = nullptr;
  if (inst->ft->GetNameSpace(inst, &s) == MI_RESULT_OK) d.nameSpace = U16(s);
  MI_Uint32 count = 0;
  if (inst->ft->GetElementCount(inst, &count) != MI_RESULT_OK) return v;
  d.properties.reserve(count);
  for (MI_Uint32 i = 0; i < count; ++i) {
    const MI_Char* name = nullptr;
    MI_Value value;
    std::memset(&value, 0, sizeof value);
    MI_Type type = MI_STRING;
    MI_Uint32 flags = 0;
    if (inst->ft->GetElementAt(inst, i, &name, &value, &type, &flags) != MI_RESULT_OK) continue;
    d.properties.emplace_back(U16(name), CopyValue(value, type, flags, depth + 1));
  }
  return v;
}

template <typename T, typename F>
Value ArrayOf(const MI_ArrayOf<T>& a, F each) {
  Value v;
  v.kind = Value::Kind::kArray;
  if (!a.data) return v;
  v.array.reserve(a.size);
  for (MI_Uint32 i = 0; i < a.size; ++i) v.array.push_back(each(a.data[i]));
  return v;
}

Value U64(uint64_t x) {
  Value v;
  v.kind = Value::Kind::kUint64;
  v.u64 = x;
  return v;
}

Value S64(int64_t x) {
  Value v;
  v.kind = Value::Kind::kSint64;
  v.s64 = x;
  return v;
}

Value Char16(MI_Char16 c) {
  Value v;
  v.kind = Value::Kind::kString;
  v.string.assign(1, static_cast<char16_t>(c));
  return v;
}

Value Bool(MI_Boolean b) {
  Value v;
  v.kind = Value::Kind::kBool;
  v.boolean = b != 0;
  return v;
}

}  // namespace

double TimestampToJsTime(const MI_Timestamp& ts) {
  const int64_t days = DaysFromCivil(ts.year, ts.month ? ts.month : 1, ts.day ? ts.day : 1);
  const double local = static_cast<double>(days) * 86400000.0 + ts.hour * 3600000.0 +
                       ts.minute * 60000.0 + ts.second * 1000.0 + ts.microseconds / 1000.0;
  // utc: the offset of the local time from UTC, in minutes (CIM datetime "+UUU").
  return local - static_cast<double>(ts.utc) * 60000.0;
}

MI_Timestamp JsTimeToTimestamp(double ms) {
  MI_Timestamp ts{};
  const double whole = std::floor(ms);
  int64_t t = static_cast<int64_t>(whole);
  int64_t days = t / 86400000;
  int64_t rem = t % 86400000;
  if (rem < 0) {
    rem += 86400000;
    days -= 1;
  }
  int64_t y;
  unsigned m, d;
  CivilFromDays(days, &y, &m, &d);
  ts.year = static_cast<MI_Uint32>(y);
  ts.month = m;
  ts.day = d;
  ts.hour = static_cast<MI_Uint32>(rem / 3600000);
  ts.minute = static_cast<MI_Uint32>(rem / 60000 % 60);
  ts.second = static_cast<MI_Uint32>(rem / 1000 % 60);
  ts.microseconds = static_cast<MI_Uint32>(rem % 1000) * 1000 +
                    static_cast<MI_Uint32>(std::lround((ms - whole) * 1000.0));
  ts.utc = 0;
  return ts;
}

Value CopyValue(const MI_Value& x, MI_Type type, MI_Uint32 flags, int depth) {
  if (flags & MI_FLAG_NULL) return Value();
  switch (type) {
    case MI_BOOLEAN: return Bool(x.boolean);
    case MI_UINT8: return Number(x.uint8);
    case MI_SINT8: return Number(x.sint8);
    case MI_UINT16: return Number(x.uint16);
    case MI_SINT16: return Number(x.sint16);
    case MI_UINT32: return Number(x.uint32);
    case MI_SINT32: return Number(x.sint32);
    case MI_UINT64: return U64(x.uint64);
    case MI_SINT64: return S64(x.sint64);
    case MI_REAL32: return Number(x.real32);
    case MI_REAL64: return Number(x.real64);
    case MI_CHAR16: return Char16(x.char16);
    case MI_DATETIME: return Datetime(x.datetime);
    case MI_STRING: return StringValue(x.string);
    case MI_REFERENCE: return InstanceValue(x.reference, depth);
    case MI_INSTANCE: return InstanceValue(x.instance, depth);
    case MI_BOOLEANA: return ArrayOf(x.booleana, Bool);
    case MI_UINT8A: return ArrayOf(x.uint8a, [](MI_Uint8 e) { return Number(e); });
    case MI_SINT8A: return ArrayOf(x.sint8a, [](MI_Sint8 e) { return Number(e); });
    case MI_UINT16A: return ArrayOf(x.uint16a, [](MI_Uint16 e) { return Number(e); });
    case MI_SINT16A: return ArrayOf(x.sint16a, [](MI_Sint16 e) { return Number(e); });
    case MI_UINT32A: return ArrayOf(x.uint32a, [](MI_Uint32 e) { return Number(e); });
    case MI_SINT32A: return ArrayOf(x.sint32a, [](MI_Sint32 e) { return Number(e); });
    case MI_UINT64A: return ArrayOf(x.uint64a, U64);
    case MI_SINT64A: return ArrayOf(x.sint64a, S64);
    case MI_REAL32A: return ArrayOf(x.real32a, [](MI_Real32 e) { return Number(e); });
    case MI_REAL64A: return ArrayOf(x.real64a, [](MI_Real64 e) { return Number(e); });
    case MI_CHAR16A: return ArrayOf(x.char16a, Char16);
    case MI_DATETIMEA: return ArrayOf(x.datetimea, [](const MI_Datetime& e) { return Datetime(e); });
    case MI_STRINGA: return ArrayOf(x.stringa, [](MI_Char* e) { return StringValue(e); });
    case MI_REFERENCEA:
      return ArrayOf(x.referencea, [depth](MI_Instance* e) { return InstanceValue(e, depth); });
    case MI_INSTANCEA:
      return ArrayOf(x.instancea, [depth](MI_Instance* e) { return InstanceValue(e, depth); });
  }
  return Value();  // a type this version of MI does not define
}

std::shared_ptr<InstanceData> CopyInstance(const MI_Instance* instance) {
  Value v = InstanceValue(instance, 0);
  return v.instance;
}

ErrorDetails CopyErrorDetails(const MI_Instance* instance) {
  ErrorDetails d;
  auto data = CopyInstance(instance);
  if (!data) return d;
  d.present = true;
  auto num = [](const Value& v, double* out) {
    switch (v.kind) {
      case Value::Kind::kNumber: *out = v.number; return true;
      case Value::Kind::kUint64: *out = static_cast<double>(v.u64); return true;
      case Value::Kind::kSint64: *out = static_cast<double>(v.s64); return true;
      default: return false;
    }
  };
  for (const auto& [name, v] : data->properties) {
    const std::string n = WideToUtf8(U16ToWide(name));
    if (n == "error_Code") d.hasErrorCode = num(v, &d.errorCode);
    else if (n == "error_Category") d.hasCategory = num(v, &d.category);
    else if (n == "CIMStatusCode") d.hasCimStatusCode = num(v, &d.cimStatusCode);
    else if (v.kind != Value::Kind::kString) continue;
    else if (n == "error_Type") d.errorType = v.string;
    else if (n == "Message") d.message = v.string;
    else if (n == "MessageID") d.messageId = v.string;
    else if (n == "error_WindowsErrorMessage") d.windowsErrorMessage = v.string;
  }
  return d;
}

// ------------------------------------------------------------------------------------------ to JS

Napi::Value ToJs(Napi::Env env, const Value& v) {
  switch (v.kind) {
    case Value::Kind::kNull: return env.Null();
    case Value::Kind::kBool: return Napi::Boolean::New(env, v.boolean);
    case Value::Kind::kNumber: return Napi::Number::New(env, v.number);
    case Value::Kind::kUint64: return Napi::BigInt::New(env, v.u64);
    case Value::Kind::kSint64: return Napi::BigInt::New(env, v.s64);
    case Value::Kind::kString: return Napi::String::New(env, v.string);
    case Value::Kind::kDate: return Napi::Date::New(env, v.number);
    case Value::Kind::kInterval: {
      Napi::Object o = Napi::Object::New(env);
      o.Set("kind", "interval");
      o.Set("days", static_cast<double>(v.interval.days));
      o.Set("hours", static_cast<double>(v.interval.hours));
      o.Set("minutes", static_cast<double>(v.interval.minutes));
      o.Set("seconds", static_cast<double>(v.interval.seconds));
      o.Set("microseconds", static_cast<double>(v.interval.microseconds));
      return o;
    }
    case Value::Kind::kInstance: return v.instance ? Napi::Value(ToJs(env, *v.instance)) : env.Null();
    case Value::Kind::kArray: {
      Napi::Array a = Napi::Array::New(env, v.array.size());
      for (size_t i = 0; i < v.array.size(); ++i) a.Set(static_cast<uint32_t>(i), ToJs(env, v.array[i]));
      return a;
    }
  }
  return env.Null();
}

Napi::Object ToJs(Napi::Env env, const InstanceData& d) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("kind", "instance");
  o.Set("className", Napi::String::New(env, d.className));
  if (!d.nameSpace.empty()) o.Set("namespace", Napi::String::New(env, d.nameSpace));
  Napi::Object props = Napi::Object::New(env);
  for (const auto& [name, v] : d.properties) props.Set(Napi::String::New(env, name), ToJs(env, v));
  o.Set("properties", props);
  return o;
}

Napi::Object ToJs(Napi::Env env, const ErrorDetails& d) {
  Napi::Object o = Napi::Object::New(env);
  if (d.hasErrorCode) o.Set("errorCode", d.errorCode);
  if (!d.errorType.empty()) o.Set("errorType", Napi::String::New(env, d.errorType));
  if (d.hasCategory) o.Set("category", d.category);
  if (!d.message.empty()) o.Set("message", Napi::String::New(env, d.message));
  if (!d.messageId.empty()) o.Set("messageId", Napi::String::New(env, d.messageId));
  if (!d.windowsErrorMessage.empty()) {
    o.Set("windowsErrorMessage", Napi::String::New(env, d.windowsErrorMessage));
  }
  if (d.hasCimStatusCode) o.Set("cimStatusCode", d.cimStatusCode);
  return o;
}

// ------------------------------------------------------------------------------------------ batches

namespace {

std::u16string Text(const MI_Char* s) { return U16(s); }

// s (null: empty) equals a.
bool SameText(const std::u16string& a, const MI_Char* s) {
  if (!s) return a.empty();
  const size_t n = a.size();
  for (size_t i = 0; i < n; ++i) {
    if (s[i] == 0 || static_cast<char16_t>(s[i]) != a[i]) return false;
  }
  return s[n] == 0;
}

void AppendText(Batch& b, Cell& c, const MI_Char* s, size_t n) {
  bool narrow = true;
  for (size_t i = 0; i < n && narrow; ++i) narrow = static_cast<uint32_t>(s[i]) < 0x100;
  c.length = static_cast<uint32_t>(n);
  if (narrow) {
    c.kind = Cell::Kind::kNarrow;
    c.offset = static_cast<uint32_t>(b.narrow.size());
    b.narrow.resize(b.narrow.size() + n);
    char* out = b.narrow.data() + c.offset;
    for (size_t i = 0; i < n; ++i) out[i] = static_cast<char>(static_cast<unsigned char>(s[i]));
  } else {
    c.kind = Cell::Kind::kWide;
    c.offset = static_cast<uint32_t>(b.wide.size());
    b.wide.append(reinterpret_cast<const char16_t*>(s), n);
  }
}

// One top-level value, as CopyValue would convert it.
void AppendCell(Batch& b, const MI_Value& x, MI_Type type, MI_Uint32 flags) {
  Cell c;
  auto number = [&c](double d) {
    c.kind = Cell::Kind::kNumber;
    c.number = d;
  };
  if (!(flags & MI_FLAG_NULL)) {
    switch (type) {
      case MI_BOOLEAN:
        c.kind = Cell::Kind::kBool;
        c.boolean = x.boolean != 0;
        break;
      case MI_UINT8: number(x.uint8); break;
      case MI_SINT8: number(x.sint8); break;
      case MI_UINT16: number(x.uint16); break;
      case MI_SINT16: number(x.sint16); break;
      case MI_UINT32: number(x.uint32); break;
      case MI_SINT32: number(x.sint32); break;
      case MI_REAL32: number(x.real32); break;
      case MI_REAL64: number(x.real64); break;
      case MI_UINT64:
        c.kind = Cell::Kind::kUint64;
        c.u64 = x.uint64;
        break;
      case MI_SINT64:
        c.kind = Cell::Kind::kSint64;
        c.s64 = x.sint64;
        break;
      case MI_CHAR16: {
        const MI_Char one = static_cast<MI_Char>(x.char16);
        AppendText(b, c, &one, 1);
        break;
      }
      case MI_STRING:
        if (x.string) AppendText(b, c, x.string, std::char_traits<wchar_t>::length(x.string));
        break;
      case MI_DATETIME:
        if (x.datetime.isTimestamp) {
          c.kind = Cell::Kind::kDate;
          c.number = TimestampToJsTime(x.datetime.u.timestamp);
          break;
        }
        [[fallthrough]];
      default:
        c.kind = Cell::Kind::kComplex;
        c.offset = static_cast<uint32_t>(b.complex.size());
        b.complex.push_back(CopyValue(x, type, flags));
    }
  }
  b.cells.push_back(c);
}

// A miss compares with at most this many of the newest schemas (a stream whose instances all differ stays linear).
constexpr size_t kSchemaSearch = 64;

}  // namespace

bool SchemaCache::Matches(const SchemaData& s) const {
  if (s.names.size() != names_.size() || !SameText(s.className, className_) || !SameText(s.nameSpace, nameSpace_)) {
    return false;
  }
  for (size_t i = 0; i < names_.size(); ++i) {
    if (!SameText(s.names[i], names_[i])) return false;
  }
  return true;
}

uint32_t SchemaCache::Read(const MI_Instance* inst, std::vector<SchemaData>* added) {
  className_ = nullptr;
  nameSpace_ = nullptr;
  if (inst->ft->GetClassName_(inst, &className_) != MI_RESULT_OK) className_ = nullptr;
  if (inst->ft->GetNameSpace(inst, &nameSpace_) != MI_RESULT_OK) nameSpace_ = nullptr;
  names_.clear();
  values_.clear();
  types_.clear();
  flags_.clear();
  MI_Uint32 count = 0;
  if (inst->ft->GetElementCount(inst, &count) == MI_RESULT_OK) {
    for (MI_Uint32 i = 0; i < count; ++i) {
      const MI_Char* name = nullptr;
      MI_Value value;
      std::memset(&value, 0, sizeof value);
      MI_Type type = MI_STRING;
      MI_Uint32 flags = 0;
      if (inst->ft->GetElementAt(inst, i, &name, &value, &type, &flags) != MI_RESULT_OK) continue;
      names_.push_back(name);
      values_.push_back(value);
      types_.push_back(type);
      flags_.push_back(flags);
    }
  }
  if (last_ < known_.size() && Matches(known_[last_])) return static_cast<uint32_t>(last_);
  const size_t from = known_.size() > kSchemaSearch ? known_.size() - kSchemaSearch : 0;
  for (size_t k = known_.size(); k-- > from;) {
    if (k != last_ && Matches(known_[k])) {
      last_ = k;
      return static_cast<uint32_t>(k);
    }
  }
  SchemaData s;
  s.className = Text(className_);
  s.nameSpace = Text(nameSpace_);
  s.names.reserve(names_.size());
  for (const MI_Char* n : names_) s.names.push_back(Text(n));
  known_.push_back(s);
  added->push_back(std::move(s));
  last_ = known_.size() - 1;
  return static_cast<uint32_t>(last_);
}

void SchemaCache::Append(Batch& b, uint32_t shape, std::vector<SchemaData>& added) const {
  for (auto& schema : added) {
    if (b.newSchemas.empty()) b.firstNewId = shape;  // a new schema is used first by the instance that adds it
    b.newSchemas.push_back(std::move(schema));
  }
  added.clear();
  b.shapes.push_back(shape);
  for (size_t i = 0; i < values_.size(); ++i) AppendCell(b, values_[i], types_[i], flags_[i]);
  b.ends.push_back(static_cast<uint32_t>(b.cells.size()));
}

Napi::Array SchemasToJs(Napi::Env env, const Batch& b, size_t from, size_t to, size_t* schemasSent) {
  // Ids are given in the order of first use, so the instances up to `to` need the new ones up to their largest id.
  size_t upto = *schemasSent;
  for (size_t i = from; i < to; ++i) {
    if (b.shapes[i] >= b.firstNewId) upto = std::max<size_t>(upto, b.shapes[i] - b.firstNewId + 1);
  }
  upto = std::min(upto, b.newSchemas.size());
  Napi::Array list = Napi::Array::New(env, upto - *schemasSent);
  for (size_t k = *schemasSent; k < upto; ++k) {
    const SchemaData& s = b.newSchemas[k];
    Napi::Object o = Napi::Object::New(env);
    o.Set("className", Napi::String::New(env, s.className));
    if (!s.nameSpace.empty()) o.Set("namespace", Napi::String::New(env, s.nameSpace));
    Napi::Array names = Napi::Array::New(env, s.names.size());
    for (size_t i = 0; i < s.names.size(); ++i) names.Set(static_cast<uint32_t>(i), Napi::String::New(env, s.names[i]));
    o.Set("names", names);
    list.Set(static_cast<uint32_t>(k - *schemasSent), o);
  }
  *schemasSent = upto;
  return list;
}

Napi::Value ShapesToJs(Napi::Env env, const Batch& b, size_t from, size_t to) {
  const size_t n = to - from;
  Napi::ArrayBuffer buffer = Napi::ArrayBuffer::New(env, n * sizeof(uint32_t));
  if (n) std::memcpy(buffer.Data(), b.shapes.data() + from, n * sizeof(uint32_t));
  return Napi::Uint32Array::New(env, n, buffer, 0);
}

// The hot loop of a batch: one plain Node-API call per value.
void ValuesToArgs(Napi::Env env, const Batch& b, size_t from, size_t to, std::vector<napi_value>& argv) {
  napi_env e = env;
  auto check = [&env](napi_status status) {
    if (status != napi_ok) throw Napi::Error::New(env);
  };
  napi_value null = nullptr;
  check(napi_get_null(e, &null));
  const size_t first = from ? b.ends[from - 1] : 0;
  const size_t last = to ? b.ends[to - 1] : 0;
  argv.reserve(argv.size() + (last - first));
  for (size_t i = first; i < last; ++i) {
    const Cell& c = b.cells[i];
    napi_value v = null;
    switch (c.kind) {
      case Cell::Kind::kNull: break;
      case Cell::Kind::kBool: check(napi_get_boolean(e, c.boolean, &v)); break;
      case Cell::Kind::kNumber: check(napi_create_double(e, c.number, &v)); break;
      case Cell::Kind::kUint64: check(napi_create_bigint_uint64(e, c.u64, &v)); break;
      case Cell::Kind::kSint64: check(napi_create_bigint_int64(e, c.s64, &v)); break;
      case Cell::Kind::kNarrow: check(napi_create_string_latin1(e, b.narrow.data() + c.offset, c.length, &v)); break;
      case Cell::Kind::kWide: check(napi_create_string_utf16(e, b.wide.data() + c.offset, c.length, &v)); break;
      case Cell::Kind::kDate: check(napi_create_date(e, c.number, &v)); break;
      case Cell::Kind::kComplex: v = ToJs(env, b.complex[c.offset]); break;
    }
    argv.push_back(v);
  }
}

// ------------------------------------------------------------------------------------------ from JS

namespace {

[[noreturn]] void Bad(Napi::Env env, const std::string& what) { throw Napi::TypeError::New(env, what); }

bool IsDate(Napi::Value v) {
  bool is = false;
  napi_is_date(v.Env(), v, &is);
  return is;
}

bool IsSafeInteger(double d) {
  return std::isfinite(d) && std::floor(d) == d && std::fabs(d) <= 9007199254740991.0;
}

// Which MI scalar type a JS scalar becomes. Integers in uint32 range -> MI_UINT32, negative int32 ->
// MI_SINT32, other safe integers -> MI_SINT64, other numbers -> MI_REAL64 (providers coerce, as WMI
// does for scripts); bigint -> MI_UINT64 when >= 0 and it fits, else MI_SINT64.
MI_Type ScalarType(Napi::Env env, Napi::Value v, const std::string& what) {
  if (v.IsBoolean()) return MI_BOOLEAN;
  if (v.IsString()) return MI_STRING;
  if (v.IsNumber()) {
    const double d = v.As<Napi::Number>().DoubleValue();
    if (!std::isfinite(d)) Bad(env, what + " must be a finite number");
    if (!IsSafeInteger(d)) return MI_REAL64;
    if (d >= 0 && d <= 4294967295.0) return MI_UINT32;
    if (d < 0 && d >= -2147483648.0) return MI_SINT32;
    return MI_SINT64;
  }
  if (v.IsBigInt()) {
    bool lossless = false;
    const uint64_t u = v.As<Napi::BigInt>().Uint64Value(&lossless);
    (void)u;
    return lossless ? MI_UINT64 : MI_SINT64;
  }
  if (IsDate(v)) return MI_DATETIME;
  if (v.IsObject()) {
    Napi::Value kind = v.As<Napi::Object>().Get("kind");
    if (kind.IsString() && kind.As<Napi::String>().Utf8Value() == "interval") return MI_DATETIME;
  }
  Bad(env, what + " must be a string, number, bigint, boolean, Date, interval, null or an array of them");
}

// Keeps the storage an MI_Value points into alive until AddElement has copied it.
struct Scratch {
  // A deque: growing it never moves the strings, and MI_Values point into them (a short string lives inside the
  // string object itself, so a vector's reallocation would leave those pointers dangling).
  std::deque<std::u16string> strings;
  std::vector<std::vector<MI_Char*>> stringArrays;
  std::vector<std::vector<uint8_t>> blobs;
};

MI_Datetime DatetimeOf(Napi::Env env, Napi::Value v, const std::string& what) {
  MI_Datetime dt{};
  if (IsDate(v)) {
    const double ms = v.As<Napi::Date>().ValueOf();
    if (!std::isfinite(ms)) Bad(env, what + " is an Invalid Date");
    dt.isTimestamp = 1;
    dt.u.timestamp = JsTimeToTimestamp(ms);
    return dt;
  }
  Napi::Object o = v.As<Napi::Object>();
  auto field = [&](const char* name) -> MI_Uint32 {
    Napi::Value f = o.Get(name);
    return f.IsNumber() ? f.As<Napi::Number>().Uint32Value() : 0;
  };
  dt.isTimestamp = 0;
  dt.u.interval.days = field("days");
  dt.u.interval.hours = field("hours");
  dt.u.interval.minutes = field("minutes");
  dt.u.interval.seconds = field("seconds");
  dt.u.interval.microseconds = field("microseconds");
  return dt;
}

MI_Char* KeepString(Napi::Env env, Scratch& s, Napi::Value v, const std::string& what) {
  s.strings.push_back(v.As<Napi::String>().Utf16Value());
  // MI strings end at the first NUL: what follows would be dropped without a word.
  if (s.strings.back().find(u'\0') != std::u16string::npos) Bad(env, what + " must not contain a NUL character");
  return reinterpret_cast<MI_Char*>(s.strings.back().data());
}

void SetScalar(Napi::Env env, MI_Value& out, MI_Type type, Napi::Value v, Scratch& s, const std::string& what) {
  switch (type) {
    case MI_BOOLEAN: out.boolean = v.As<Napi::Boolean>().Value() ? MI_TRUE : MI_FALSE; break;
    case MI_STRING: out.string = KeepString(env, s, v, what); break;
    case MI_UINT32: out.uint32 = static_cast<MI_Uint32>(v.As<Napi::Number>().DoubleValue()); break;
    case MI_SINT32: out.sint32 = static_cast<MI_Sint32>(v.As<Napi::Number>().DoubleValue()); break;
    case MI_SINT64:
      if (v.IsBigInt()) {
        bool lossless = false;
        out.sint64 = v.As<Napi::BigInt>().Int64Value(&lossless);
        if (!lossless) Bad(env, what + " does not fit in 64 bits");
      } else {
        out.sint64 = static_cast<MI_Sint64>(v.As<Napi::Number>().DoubleValue());
      }
      break;
    case MI_UINT64: {
      bool lossless = false;
      out.uint64 = v.As<Napi::BigInt>().Uint64Value(&lossless);
      break;
    }
    case MI_REAL64: out.real64 = v.As<Napi::Number>().DoubleValue(); break;
    case MI_DATETIME: out.datetime = DatetimeOf(env, v, what); break;
    default: Bad(env, what + ": unsupported type");
  }
}

template <typename T>
MI_ArrayOf<T> Blob(Scratch& s, const std::vector<T>& items) {
  s.blobs.emplace_back(reinterpret_cast<const uint8_t*>(items.data()),
                       reinterpret_cast<const uint8_t*>(items.data()) + items.size() * sizeof(T));
  MI_ArrayOf<T> a;
  a.data = reinterpret_cast<T*>(s.blobs.back().data());
  a.size = static_cast<MI_Uint32>(items.size());
  return a;
}

// An array takes the widest type its elements need (see ScalarType).
MI_Type SetArray(Napi::Env env, MI_Value& out, Napi::Array arr, Scratch& s, const std::string& what) {
  const uint32_t n = arr.Length();
  MI_Type t = MI_STRING;
  bool first = true;
  for (uint32_t i = 0; i < n; ++i) {
    Napi::Value e = arr.Get(i);
    if (e.IsNull() || e.IsUndefined()) Bad(env, what + "[" + std::to_string(i) + "] must not be null (MI arrays have no null elements)");
    MI_Type et = ScalarType(env, e, what + "[" + std::to_string(i) + "]");
    if (first) {
      t = et;
      first = false;
    } else if (et != t) {
      const bool numeric = (t == MI_UINT32 || t == MI_SINT32 || t == MI_SINT64 || t == MI_REAL64) &&
                           (et == MI_UINT32 || et == MI_SINT32 || et == MI_SINT64 || et == MI_REAL64);
      if (!numeric) Bad(env, what + " mixes element types");
      if (t == MI_REAL64 || et == MI_REAL64) t = MI_REAL64;
      else t = MI_SINT64;  // uint32 with sint32/sint64
    }
  }
  std::vector<MI_Value> items(n);
  for (uint32_t i = 0; i < n; ++i) {
    std::memset(&items[i], 0, sizeof(MI_Value));
    Napi::Value e = arr.Get(i);
    const std::string w = what + "[" + std::to_string(i) + "]";
    if (t == MI_REAL64 && e.IsBigInt()) {
      // node-addon-api's BigInt::Int64Value(bool* lossless) hands `lossless` to napi_get_value_bigint_int64,
      // which refuses a null pointer (napi_invalid_arg, thrown as an Error): the flag is required.
      bool lossless = false;
      const int64_t v = e.As<Napi::BigInt>().Int64Value(&lossless);
      if (!lossless) Bad(env, w + " does not fit in 64 bits");
      items[i].real64 = static_cast<double>(v);
    } else if (t == MI_REAL64) {
      items[i].real64 = e.As<Napi::Number>().DoubleValue();
    } else {
      SetScalar(env, items[i], t, e, s, w);
    }
  }
  auto collect = [&](auto member) {
    using T = std::remove_reference_t<decltype(items[0].*member)>;
    std::vector<T> v;
    v.reserve(n);
    for (auto& it : items) v.push_back(it.*member);
    return v;
  };
  switch (t) {
    case MI_BOOLEAN: out.booleana = Blob(s, collect(&MI_Value::boolean)); return MI_BOOLEANA;
    case MI_UINT32: out.uint32a = Blob(s, collect(&MI_Value::uint32)); return MI_UINT32A;
    case MI_SINT32: out.sint32a = Blob(s, collect(&MI_Value::sint32)); return MI_SINT32A;
    case MI_SINT64: out.sint64a = Blob(s, collect(&MI_Value::sint64)); return MI_SINT64A;
    case MI_UINT64: out.uint64a = Blob(s, collect(&MI_Value::uint64)); return MI_UINT64A;
    case MI_REAL64: out.real64a = Blob(s, collect(&MI_Value::real64)); return MI_REAL64A;
    case MI_DATETIME: out.datetimea = Blob(s, collect(&MI_Value::datetime)); return MI_DATETIMEA;
    case MI_STRING: {
      s.stringArrays.emplace_back();
      for (auto& it : items) s.stringArrays.back().push_back(it.string);
      out.stringa.data = s.stringArrays.back().data();
      out.stringa.size = n;
      return MI_STRINGA;
    }
    default: Bad(env, what + ": unsupported array element type");
  }
}

}  // namespace

MI_Instance* NewInstanceFromJs(Napi::Env env, MI_Application* app, const std::u16string& className,
                               Napi::Object properties, bool keys, const char* what) {
  MI_Instance* inst = nullptr;
  const MI_Result r = app->ft->NewInstance(app, reinterpret_cast<const MI_Char*>(className.c_str()),
                                           nullptr, &inst);
  if (r != MI_RESULT_OK || !inst) {
    Napi::Error e = Napi::Error::New(env, "MI_Application_NewInstance failed");
    e.Set("miResult", Napi::Number::New(env, r));
    e.Set("call", Napi::String::New(env, "MI_Application_NewInstance"));
    throw e;
  }
  try {
    Napi::Array names = properties.GetPropertyNames();
    for (uint32_t i = 0; i < names.Length(); ++i) {
      Napi::Value key = names.Get(i);
      const std::u16string name = key.As<Napi::String>().Utf16Value();
      const std::string label = std::string(what) + "." + key.As<Napi::String>().Utf8Value();
      Napi::Value v = properties.Get(key);
      MI_Value value;
      std::memset(&value, 0, sizeof value);
      Scratch scratch;
      MI_Type type = MI_STRING;
      MI_Uint32 flags = keys ? MI_FLAG_KEY : 0;
      const MI_Value* pv = &value;
      if (v.IsNull() || v.IsUndefined()) {
        flags |= MI_FLAG_NULL;
        pv = nullptr;
      } else if (v.IsArray()) {
        type = SetArray(env, value, v.As<Napi::Array>(), scratch, label);
      } else {
        type = ScalarType(env, v, label);
        SetScalar(env, value, type, v, scratch, label);
      }
      const MI_Result ar = inst->ft->AddElement(inst, reinterpret_cast<const MI_Char*>(name.c_str()), pv, type, flags);
      if (ar != MI_RESULT_OK) {
        Napi::Error e = Napi::Error::New(env, "MI_Instance_AddElement failed for " + label);
        e.Set("miResult", Napi::Number::New(env, ar));
        e.Set("call", Napi::String::New(env, "MI_Instance_AddElement"));
        throw e;
      }
    }
  } catch (...) {
    inst->ft->Delete(inst);
    throw;
  }
  return inst;
}

}  // namespace winops::mi
