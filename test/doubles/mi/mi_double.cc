// mi.dll test double: stands where Windows' mi.dll stands (Wine has none), so the production addon runs
// unchanged against an MI that follows a script. Exports MI_Application_InitializeV1 and
// mi_clientFT_V1 with the application, session, operation, instance and destination-options function
// tables in the slot order of /work/shared/reference/mi-abi.md (the same native/mi/mi_abi.h the addon
// uses, whose layout is pinned by static_asserts against that document).
//
// Behaviour mirrors lib/fake/mi.ts (the reference state machine): operations in callback mode deliver one
// result at a time and, with MI_OPERATIONFLAGS_MANUAL_ACK_RESULTS, nothing more until
// resultAcknowledgement; MI_Operation_Cancel is asynchronous (extraResultsAfterCancel more results, then a
// final result after cancelLatencyMs); every operation must be closed, and only after its final result.
// Violations of those manners are recorded.
//
// Scenario: WINOPS_SCENARIO's "mi" section (types/scenario.ts MiScenario), read at every NewSession.
// Values in scenario rows: JSON strings, booleans, numbers (0..2^32-1 -> MI_UINT32, other int32 ->
// MI_SINT32, else MI_REAL64), null, arrays, nested objects (embedded instances, "$class" names the class),
// {"$date": iso}, {"$uint64": "..."}, {"$sint64": "..."}, {"$interval": {...}}, and for any MI type
// {"$type": "MI_UINT8", "value": ...} (arrays: "MI_UINT8A" with a JSON array; MI_REFERENCE/MI_INSTANCE
// with an object). WQL: SELECT <*|names> FROM <class> [WHERE prop op literal {AND|OR ...}], op one of
// = <> != < > <= >= LIKE; subscriptions only read the FROM class. Generated classes ("generated": count +
// row template, for 100,000s of instances): one instance per operation, patched before each delivery.
// Double-only scenario keys (not in MiScenario: the fake has no MI call to block and no thread to hold): "holdStart"
// (an MI_Session_* call name: that call does not return until "mi:start" is released), "holdFinal": "always" (the
// final result waits for "mi:final" even after a cancel) and "holdSessionClose" (MI_Session_Close completes only once
// "mi:sessionClose" is released).
// Log: WINOPS_DOUBLE_LOG (test/doubles/common/double_support.h). Every result and acknowledgement is logged,
// "ackHeld" (n: the result) when a result callback returned without acknowledging it (the client holds MI back),
// and at MI_Operation_Close "longestAckWait" (n: the longest time, in ms, a result waited for its
// acknowledgement: for bench/, never a test's verdict); without WINOPS_DOUBLE_LOG (benchmarks) the per-result entries
// are skipped. Credentials are logged as authentication type, user and domain; the password is never written
// anywhere.
//
// Test code only: nothing here is part of the addon.
#include "common/double_support.h"
#include "common/control_exports.h"

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <cmath>
#include <condition_variable>  // std::cv_status
#include <cstring>
#include <deque>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "mi/mi_abi.h"

using doubles::Json;
using doubles::Log;
using namespace winops::mi_abi;

extern "C" const char WinopsDoubleMarker[] = "winops test double: mi.dll";

namespace {

// ------------------------------------------------------------------------------------------ text

std::wstring Wide(const std::string& s) { return doubles::Widen(s); }
std::string Narrow(const MI_Char* s) { return s ? doubles::Narrow(s) : std::string(); }
std::string Lower(std::string s) { return doubles::Lower(std::move(s)); }
bool IEquals(const std::string& a, const std::string& b) { return Lower(a) == Lower(b); }

std::string ResultName(MI_Result r) {
  static const char* const names[] = {
      "MI_RESULT_OK", "MI_RESULT_FAILED", "MI_RESULT_ACCESS_DENIED", "MI_RESULT_INVALID_NAMESPACE",
      "MI_RESULT_INVALID_PARAMETER", "MI_RESULT_INVALID_CLASS", "MI_RESULT_NOT_FOUND", "MI_RESULT_NOT_SUPPORTED",
      "MI_RESULT_CLASS_HAS_CHILDREN", "MI_RESULT_CLASS_HAS_INSTANCES", "MI_RESULT_INVALID_SUPERCLASS",
      "MI_RESULT_ALREADY_EXISTS", "MI_RESULT_NO_SUCH_PROPERTY", "MI_RESULT_TYPE_MISMATCH",
      "MI_RESULT_QUERY_LANGUAGE_NOT_SUPPORTED", "MI_RESULT_INVALID_QUERY", "MI_RESULT_METHOD_NOT_AVAILABLE",
      "MI_RESULT_METHOD_NOT_FOUND", "18", "19", "MI_RESULT_NAMESPACE_NOT_EMPTY",
      "MI_RESULT_INVALID_ENUMERATION_CONTEXT", "MI_RESULT_INVALID_OPERATION_TIMEOUT",
      "MI_RESULT_PULL_HAS_BEEN_ABANDONED", "MI_RESULT_PULL_CANNOT_BE_ABANDONED",
      "MI_RESULT_FILTERED_ENUMERATION_NOT_SUPPORTED", "MI_RESULT_CONTINUATION_ON_ERROR_NOT_SUPPORTED",
      "MI_RESULT_SERVER_LIMITS_EXCEEDED", "MI_RESULT_SERVER_IS_SHUTTING_DOWN"};
  const int i = static_cast<int>(r);
  return i >= 0 && i < static_cast<int>(sizeof names / sizeof names[0]) ? names[i] : std::to_string(i);
}

MI_Result ResultOf(const Json* code, MI_Result fallback) {
  if (!code) return fallback;
  if (code->IsNumber()) return static_cast<MI_Result>(static_cast<int>(code->n));
  if (code->IsString()) {
    std::string name = code->s;
    if (name.rfind("MI_RESULT_", 0) != 0) name = "MI_RESULT_" + name;
    for (int i = 0; i <= 28; ++i) {
      if (ResultName(static_cast<MI_Result>(i)) == name) return static_cast<MI_Result>(i);
    }
    Log::Get().Violation("scenario: unknown MI_Result " + code->s);
  }
  return fallback;
}

// ------------------------------------------------------------------------------------------ instances

extern const MI_InstanceFT g_instanceFT;

struct Element;

// An instance the double made. MI_Instance first, so MI_Instance* and DInstance* are the same address.
struct DInstance {
  MI_Instance header{};
  std::wstring className, nameSpace, serverName;
  std::vector<std::unique_ptr<Element>> elements;
  bool clientOwned = false;  // made for the caller (NewInstance/Clone): counted until Delete

  explicit DInstance(std::wstring cls, bool forClient) : className(std::move(cls)), clientOwned(forClient) {
    header.ft = &g_instanceFT;
    if (clientOwned) Log::Get().Live("MI_Instance", +1);
  }
  ~DInstance();
  DInstance(const DInstance&) = delete;
  DInstance& operator=(const DInstance&) = delete;

  static DInstance* Of(const MI_Instance* i) { return reinterpret_cast<DInstance*>(const_cast<MI_Instance*>(i)); }
  MI_Instance* Mi() { return &header; }
  Element* Find(const MI_Char* name);
  std::unique_ptr<DInstance> Clone(bool forClient) const;
};

// One property; `value` points into the storage below.
struct Element {
  std::wstring name;
  MI_Type type = MI_STRING;
  MI_Uint32 flags = 0;
  MI_Value value{};
  std::vector<std::wstring> strings;
  std::vector<MI_Char*> stringPtrs;
  std::vector<uint8_t> blob;
  std::vector<std::unique_ptr<DInstance>> instances;
  std::vector<MI_Instance*> instancePtrs;

  // Deep copy of v (MI semantics without MI_FLAG_BORROW / MI_FLAG_ADOPT).
  void Set(const MI_Value* v, MI_Type t, MI_Uint32 f) {
    type = t;
    flags = f & ~(0x40000000u | 0x80000000u);  // BORROW / ADOPT: always copied here
    std::memset(&value, 0, sizeof value);
    strings.clear();
    stringPtrs.clear();
    blob.clear();
    instances.clear();
    instancePtrs.clear();
    if (!v || (f & MI_FLAG_NULL)) {
      flags |= MI_FLAG_NULL;
      return;
    }
    auto copyBlob = [&](const void* data, size_t bytes) {
      blob.assign(static_cast<const uint8_t*>(data), static_cast<const uint8_t*>(data) + bytes);
      return blob.empty() ? nullptr : blob.data();
    };
    switch (t) {
      case MI_STRING:
        strings.emplace_back(v->string ? v->string : L"");
        value.string = strings.back().data();
        break;
      case MI_REFERENCE:
      case MI_INSTANCE: {
        const MI_Instance* src = t == MI_INSTANCE ? v->instance : v->reference;
        if (!src) {
          flags |= MI_FLAG_NULL;
          break;
        }
        instances.push_back(DInstance::Of(src)->Clone(false));
        value.instance = instances.back()->Mi();
        break;
      }
      case MI_STRINGA:
        for (MI_Uint32 i = 0; i < v->stringa.size; ++i) strings.emplace_back(v->stringa.data[i] ? v->stringa.data[i] : L"");
        for (auto& s : strings) stringPtrs.push_back(s.data());
        value.stringa.data = stringPtrs.data();
        value.stringa.size = v->stringa.size;
        break;
      case MI_REFERENCEA:
      case MI_INSTANCEA:
        for (MI_Uint32 i = 0; i < v->instancea.size; ++i) {
          instances.push_back(DInstance::Of(v->instancea.data[i])->Clone(false));
          instancePtrs.push_back(instances.back()->Mi());
        }
        value.instancea.data = instancePtrs.data();
        value.instancea.size = v->instancea.size;
        break;
      default:
        if (t & MI_ARRAY) {
          size_t each = 0;
          switch (t) {
            case MI_BOOLEANA: case MI_UINT8A: case MI_SINT8A: each = 1; break;
            case MI_UINT16A: case MI_SINT16A: case MI_CHAR16A: each = 2; break;
            case MI_UINT32A: case MI_SINT32A: case MI_REAL32A: each = 4; break;
            case MI_UINT64A: case MI_SINT64A: case MI_REAL64A: each = 8; break;
            case MI_DATETIMEA: each = sizeof(MI_Datetime); break;
            default: break;
          }
          value.array.data = copyBlob(v->array.data, each * v->array.size);
          value.array.size = v->array.size;
        } else {
          value = *v;  // scalars
        }
    }
  }
};

DInstance::~DInstance() {
  if (clientOwned) Log::Get().Live("MI_Instance", -1);
}

Element* DInstance::Find(const MI_Char* name) {
  if (!name) return nullptr;
  for (auto& e : elements) {
    if (_wcsicmp(e->name.c_str(), name) == 0) return e.get();
  }
  return nullptr;
}

std::unique_ptr<DInstance> DInstance::Clone(bool forClient) const {
  auto c = std::make_unique<DInstance>(className, forClient);
  c->nameSpace = nameSpace;
  c->serverName = serverName;
  for (const auto& e : elements) {
    auto n = std::make_unique<Element>();
    n->name = e->name;
    n->Set((e->flags & MI_FLAG_NULL) ? nullptr : &e->value, e->type, e->flags);
    c->elements.push_back(std::move(n));
  }
  return c;
}

#define SELF DInstance::Of(self)
MI_Result WINOPS_MI_CALL InstClone(const MI_Instance* self, MI_Instance** out) {
  if (!self || !out) return MI_RESULT_INVALID_PARAMETER;
  *out = SELF->Clone(true).release()->Mi();
  return MI_RESULT_OK;
}
MI_Result WINOPS_MI_CALL InstDestruct(MI_Instance* self) {
  if (!self) return MI_RESULT_INVALID_PARAMETER;
  SELF->elements.clear();
  return MI_RESULT_OK;
}
MI_Result WINOPS_MI_CALL InstDelete(MI_Instance* self) {
  if (!self) return MI_RESULT_INVALID_PARAMETER;
  DInstance* d = SELF;
  if (!d->clientOwned) {
    Log::Get().Violation("MI_Instance_Delete on an instance MI owns (a result or an element)");
    return MI_RESULT_INVALID_PARAMETER;
  }
  delete d;
  return MI_RESULT_OK;
}
MI_Result WINOPS_MI_CALL InstIsA(const MI_Instance*, const MI_ClassDecl*, MI_Boolean*) { return MI_RESULT_NOT_SUPPORTED; }
MI_Result WINOPS_MI_CALL InstGetClassName(const MI_Instance* self, const MI_Char** name) {
  if (!self || !name) return MI_RESULT_INVALID_PARAMETER;
  *name = SELF->className.c_str();
  return MI_RESULT_OK;
}
MI_Result WINOPS_MI_CALL InstSetNameSpace(MI_Instance* self, const MI_Char* ns) {
  if (!self) return MI_RESULT_INVALID_PARAMETER;
  SELF->nameSpace = ns ? ns : L"";
  return MI_RESULT_OK;
}
MI_Result WINOPS_MI_CALL InstGetNameSpace(const MI_Instance* self, const MI_Char** ns) {
  if (!self || !ns) return MI_RESULT_INVALID_PARAMETER;
  *ns = SELF->nameSpace.empty() ? nullptr : SELF->nameSpace.c_str();
  return MI_RESULT_OK;
}
MI_Result WINOPS_MI_CALL InstGetElementCount(const MI_Instance* self, MI_Uint32* count) {
  if (!self || !count) return MI_RESULT_INVALID_PARAMETER;
  *count = static_cast<MI_Uint32>(SELF->elements.size());
  return MI_RESULT_OK;
}
MI_Result WINOPS_MI_CALL InstAddElement(MI_Instance* self, const MI_Char* name, const MI_Value* value, MI_Type type,
                                        MI_Uint32 flags) {
  if (!self || !name) return MI_RESULT_INVALID_PARAMETER;
  if (SELF->Find(name)) return MI_RESULT_ALREADY_EXISTS;
  auto e = std::make_unique<Element>();
  e->name = name;
  e->Set(value, type, flags);
  SELF->elements.push_back(std::move(e));
  return MI_RESULT_OK;
}
MI_Result WINOPS_MI_CALL InstSetElement(MI_Instance* self, const MI_Char* name, const MI_Value* value, MI_Type type,
                                        MI_Uint32 flags) {
  if (!self) return MI_RESULT_INVALID_PARAMETER;
  Element* e = SELF->Find(name);
  if (!e) return MI_RESULT_NO_SUCH_PROPERTY;
  e->Set(value, type, flags);
  return MI_RESULT_OK;
}
MI_Result WINOPS_MI_CALL InstSetElementAt(MI_Instance* self, MI_Uint32 index, const MI_Value* value, MI_Type type,
                                          MI_Uint32 flags) {
  if (!self || index >= SELF->elements.size()) return MI_RESULT_INVALID_PARAMETER;
  SELF->elements[index]->Set(value, type, flags);
  return MI_RESULT_OK;
}
MI_Result WINOPS_MI_CALL InstGetElement(const MI_Instance* self, const MI_Char* name, MI_Value* value, MI_Type* type,
                                        MI_Uint32* flags, MI_Uint32* index) {
  if (!self) return MI_RESULT_INVALID_PARAMETER;
  DInstance* d = SELF;
  for (size_t i = 0; i < d->elements.size(); ++i) {
    const Element& e = *d->elements[i];
    if (_wcsicmp(e.name.c_str(), name ? name : L"") != 0) continue;
    if (value) *value = e.value;
    if (type) *type = e.type;
    if (flags) *flags = e.flags;
    if (index) *index = static_cast<MI_Uint32>(i);
    return MI_RESULT_OK;
  }
  return MI_RESULT_NO_SUCH_PROPERTY;
}
MI_Result WINOPS_MI_CALL InstGetElementAt(const MI_Instance* self, MI_Uint32 index, const MI_Char** name, MI_Value* value,
                                          MI_Type* type, MI_Uint32* flags) {
  if (!self || index >= SELF->elements.size()) return MI_RESULT_INVALID_PARAMETER;
  const Element& e = *SELF->elements[index];
  if (name) *name = e.name.c_str();
  if (value) *value = e.value;
  if (type) *type = e.type;
  if (flags) *flags = e.flags;
  return MI_RESULT_OK;
}
MI_Result WINOPS_MI_CALL InstClearElement(MI_Instance* self, const MI_Char* name) {
  Element* e = self ? SELF->Find(name) : nullptr;
  if (!e) return MI_RESULT_NO_SUCH_PROPERTY;
  e->Set(nullptr, e->type, MI_FLAG_NULL);
  return MI_RESULT_OK;
}
MI_Result WINOPS_MI_CALL InstClearElementAt(MI_Instance* self, MI_Uint32 index) {
  if (!self || index >= SELF->elements.size()) return MI_RESULT_INVALID_PARAMETER;
  SELF->elements[index]->Set(nullptr, SELF->elements[index]->type, MI_FLAG_NULL);
  return MI_RESULT_OK;
}
MI_Result WINOPS_MI_CALL InstGetServerName(const MI_Instance* self, const MI_Char** name) {
  if (!self || !name) return MI_RESULT_INVALID_PARAMETER;
  *name = SELF->serverName.empty() ? nullptr : SELF->serverName.c_str();
  return MI_RESULT_OK;
}
MI_Result WINOPS_MI_CALL InstSetServerName(MI_Instance* self, const MI_Char* name) {
  if (!self) return MI_RESULT_INVALID_PARAMETER;
  SELF->serverName = name ? name : L"";
  return MI_RESULT_OK;
}
MI_Result WINOPS_MI_CALL InstGetClass(const MI_Instance*, MI_Class**) { return MI_RESULT_NOT_SUPPORTED; }
#undef SELF

const MI_InstanceFT g_instanceFT = {
    InstClone, InstDestruct, InstDelete, InstIsA, InstGetClassName, InstSetNameSpace, InstGetNameSpace,
    InstGetElementCount, InstAddElement, InstSetElement, InstSetElementAt, InstGetElement, InstGetElementAt,
    InstClearElement, InstClearElementAt, InstGetServerName, InstSetServerName, InstGetClass,
};

// ------------------------------------------------------------------------------------------ JSON -> MI

const std::pair<const char*, MI_Type> kTypeNames[] = {
    {"MI_BOOLEAN", MI_BOOLEAN}, {"MI_UINT8", MI_UINT8}, {"MI_SINT8", MI_SINT8}, {"MI_UINT16", MI_UINT16},
    {"MI_SINT16", MI_SINT16}, {"MI_UINT32", MI_UINT32}, {"MI_SINT32", MI_SINT32}, {"MI_UINT64", MI_UINT64},
    {"MI_SINT64", MI_SINT64}, {"MI_REAL32", MI_REAL32}, {"MI_REAL64", MI_REAL64}, {"MI_CHAR16", MI_CHAR16},
    {"MI_DATETIME", MI_DATETIME}, {"MI_STRING", MI_STRING}, {"MI_REFERENCE", MI_REFERENCE},
    {"MI_INSTANCE", MI_INSTANCE}, {"MI_BOOLEANA", MI_BOOLEANA}, {"MI_UINT8A", MI_UINT8A}, {"MI_SINT8A", MI_SINT8A},
    {"MI_UINT16A", MI_UINT16A}, {"MI_SINT16A", MI_SINT16A}, {"MI_UINT32A", MI_UINT32A}, {"MI_SINT32A", MI_SINT32A},
    {"MI_UINT64A", MI_UINT64A}, {"MI_SINT64A", MI_SINT64A}, {"MI_REAL32A", MI_REAL32A}, {"MI_REAL64A", MI_REAL64A},
    {"MI_CHAR16A", MI_CHAR16A}, {"MI_DATETIMEA", MI_DATETIMEA}, {"MI_STRINGA", MI_STRINGA},
    {"MI_REFERENCEA", MI_REFERENCEA}, {"MI_INSTANCEA", MI_INSTANCEA},
};

// "2026-11-01T08:00:00.123Z" (or with +hh:mm) -> MI_Timestamp with utc 0 (or the given offset).
MI_Datetime ParseDate(const std::string& s) {
  MI_Datetime dt{};
  dt.isTimestamp = 1;
  unsigned y = 1970, mo = 1, d = 1, h = 0, mi = 0, se = 0;
  double frac = 0;
  std::sscanf(s.c_str(), "%u-%u-%uT%u:%u:%u", &y, &mo, &d, &h, &mi, &se);
  const size_t dot = s.find('.', 10);
  size_t rest = s.find_first_of("Z+-", 19);
  if (dot != std::string::npos) frac = std::atof(("0" + s.substr(dot, (rest == std::string::npos ? s.size() : rest) - dot)).c_str());
  dt.u.timestamp = MI_Timestamp{y, mo, d, h, mi, se, static_cast<MI_Uint32>(std::lround(frac * 1e6)), 0};
  if (rest != std::string::npos && s[rest] != 'Z') {
    int oh = 0, om = 0;
    std::sscanf(s.c_str() + rest + 1, "%d:%d", &oh, &om);
    dt.u.timestamp.utc = (s[rest] == '-' ? -1 : 1) * (oh * 60 + om);
  }
  return dt;
}

std::unique_ptr<DInstance> InstanceFromJson(const Json& obj, const std::string& defaultClass);

// Sets element e from a JSON scenario value.
void SetFromJson(Element& e, const Json& v);

MI_Type ScalarTypeOf(const Json& v) {
  if (v.type == Json::Type::kBool) return MI_BOOLEAN;
  if (v.type == Json::Type::kString) return MI_STRING;
  if (v.type == Json::Type::kNumber) {
    const double n = v.n;
    if (std::floor(n) == n && n >= 0 && n <= 4294967295.0) return MI_UINT32;
    if (std::floor(n) == n && n >= -2147483648.0 && n < 0) return MI_SINT32;
    return MI_REAL64;
  }
  if (v.type == Json::Type::kObject) {
    if (v.Get("$date")) return MI_DATETIME;
    if (v.Get("$interval")) return MI_DATETIME;
    if (v.Get("$uint64")) return MI_UINT64;
    if (v.Get("$sint64")) return MI_SINT64;
    return MI_INSTANCE;
  }
  return MI_STRING;
}

MI_Datetime DatetimeOf(const Json& v) {
  if (const Json* d = v.Get("$date")) return ParseDate(d->s);
  MI_Datetime dt{};
  const Json* i = v.Get("$interval");
  if (!i) i = &v;
  dt.isTimestamp = 0;
  dt.u.interval.days = static_cast<MI_Uint32>(i->Num("days", 0));
  dt.u.interval.hours = static_cast<MI_Uint32>(i->Num("hours", 0));
  dt.u.interval.minutes = static_cast<MI_Uint32>(i->Num("minutes", 0));
  dt.u.interval.seconds = static_cast<MI_Uint32>(i->Num("seconds", 0));
  dt.u.interval.microseconds = static_cast<MI_Uint32>(i->Num("microseconds", 0));
  return dt;
}

long long IntOf(const Json& v) {
  if (v.type == Json::Type::kString) return std::strtoll(v.s.c_str(), nullptr, 10);
  if (const Json* s = v.Get("$sint64")) return std::strtoll(s->s.c_str(), nullptr, 10);
  if (const Json* u = v.Get("$uint64")) return static_cast<long long>(std::strtoull(u->s.c_str(), nullptr, 10));
  return static_cast<long long>(v.n);
}

unsigned long long UintOf(const Json& v) {
  if (v.type == Json::Type::kString) return std::strtoull(v.s.c_str(), nullptr, 10);
  if (const Json* u = v.Get("$uint64")) return std::strtoull(u->s.c_str(), nullptr, 10);
  if (const Json* s = v.Get("$sint64")) return static_cast<unsigned long long>(std::strtoll(s->s.c_str(), nullptr, 10));
  return static_cast<unsigned long long>(v.n);
}

// A scalar JSON value of MI type t into an MI_Value (strings/instances go into e's storage).
void ScalarInto(Element& e, MI_Value& out, MI_Type t, const Json& v) {
  switch (t) {
    case MI_BOOLEAN: out.boolean = v.type == Json::Type::kBool ? v.b : v.n != 0; break;
    case MI_UINT8: out.uint8 = static_cast<MI_Uint8>(v.n); break;
    case MI_SINT8: out.sint8 = static_cast<MI_Sint8>(v.n); break;
    case MI_UINT16: out.uint16 = static_cast<MI_Uint16>(v.n); break;
    case MI_SINT16: out.sint16 = static_cast<MI_Sint16>(v.n); break;
    case MI_UINT32: out.uint32 = static_cast<MI_Uint32>(v.n); break;
    case MI_SINT32: out.sint32 = static_cast<MI_Sint32>(v.n); break;
    case MI_UINT64: out.uint64 = UintOf(v); break;
    case MI_SINT64: out.sint64 = IntOf(v); break;
    case MI_REAL32: out.real32 = static_cast<MI_Real32>(v.n); break;
    case MI_REAL64: out.real64 = v.n; break;
    case MI_CHAR16: {
      const std::wstring w = Wide(v.s);
      out.char16 = w.empty() ? 0 : static_cast<MI_Char16>(w[0]);
      break;
    }
    case MI_DATETIME: out.datetime = DatetimeOf(v); break;
    case MI_STRING:
      e.strings.push_back(Wide(v.type == Json::Type::kString ? v.s : std::string()));
      out.string = e.strings.back().data();
      break;
    case MI_REFERENCE:
    case MI_INSTANCE:
      e.instances.push_back(InstanceFromJson(v, "Embedded"));
      out.instance = e.instances.back()->Mi();
      break;
    default: break;
  }
}

void SetTyped(Element& e, MI_Type t, const Json& v) {
  e.type = t;
  std::memset(&e.value, 0, sizeof e.value);
  if (v.type == Json::Type::kNull) {
    e.flags |= MI_FLAG_NULL;
    return;
  }
  if (!(t & MI_ARRAY)) {
    ScalarInto(e, e.value, t, v);
    return;
  }
  const MI_Type et = static_cast<MI_Type>(t & ~MI_ARRAY);
  const size_t n = v.a.size();
  if (et == MI_STRING) {
    for (const Json& x : v.a) e.strings.push_back(Wide(x.s));
    for (auto& s : e.strings) e.stringPtrs.push_back(s.data());
    e.value.stringa.data = e.stringPtrs.data();
    e.value.stringa.size = static_cast<MI_Uint32>(n);
    return;
  }
  if (et == MI_INSTANCE || et == MI_REFERENCE) {
    for (const Json& x : v.a) {
      e.instances.push_back(InstanceFromJson(x, "Embedded"));
      e.instancePtrs.push_back(e.instances.back()->Mi());
    }
    e.value.instancea.data = e.instancePtrs.data();
    e.value.instancea.size = static_cast<MI_Uint32>(n);
    return;
  }
  size_t each = 0;
  switch (et) {
    case MI_BOOLEAN: case MI_UINT8: case MI_SINT8: each = 1; break;
    case MI_UINT16: case MI_SINT16: case MI_CHAR16: each = 2; break;
    case MI_UINT32: case MI_SINT32: case MI_REAL32: each = 4; break;
    case MI_UINT64: case MI_SINT64: case MI_REAL64: each = 8; break;
    case MI_DATETIME: each = sizeof(MI_Datetime); break;
    default: break;
  }
  e.blob.assign(each * n, 0);
  for (size_t i = 0; i < n; ++i) {
    MI_Value one;
    std::memset(&one, 0, sizeof one);
    ScalarInto(e, one, et, v.a[i]);
    std::memcpy(e.blob.data() + i * each, &one, each);
  }
  e.value.array.data = e.blob.empty() ? nullptr : e.blob.data();
  e.value.array.size = static_cast<MI_Uint32>(n);
}

void SetFromJson(Element& e, const Json& v) {
  if (v.type == Json::Type::kNull) {
    e.type = MI_STRING;
    e.flags |= MI_FLAG_NULL;
    return;
  }
  if (v.type == Json::Type::kObject) {
    if (const Json* t = v.Get("$type")) {
      for (const auto& [name, type] : kTypeNames) {
        if (t->s == name) {
          const Json* inner = v.Get("value");
          SetTyped(e, type, inner ? *inner : Json{});
          return;
        }
      }
      Log::Get().Violation("scenario: unknown $type " + t->s);
    }
    if (const Json* r = v.Get("$reference")) {
      SetTyped(e, MI_REFERENCE, *r);
      return;
    }
  }
  if (v.type == Json::Type::kArray) {
    MI_Type et = MI_STRING;
    for (const Json& x : v.a) {
      if (x.type == Json::Type::kNull) continue;
      const MI_Type xt = ScalarTypeOf(x);
      if (x.type == Json::Type::kNumber && et != MI_STRING && xt != et) et = MI_REAL64;
      else et = xt;
    }
    SetTyped(e, static_cast<MI_Type>(et | MI_ARRAY), v);
    return;
  }
  SetTyped(e, ScalarTypeOf(v), v);
}

std::unique_ptr<DInstance> InstanceFromJson(const Json& obj, const std::string& defaultClass) {
  auto inst = std::make_unique<DInstance>(Wide(obj.Str("$class", defaultClass)), false);
  for (const auto& [k, v] : obj.o) {
    if (k == "$class") continue;
    auto e = std::make_unique<Element>();
    e->name = Wide(k);
    SetFromJson(*e, v);
    inst->elements.push_back(std::move(e));
  }
  return inst;
}

// A value as text, for WHERE and for matching get() keys (case-insensitive compares use it).
std::string TextOf(const Json& v) {
  switch (v.type) {
    case Json::Type::kString: return v.s;
    case Json::Type::kBool: return v.b ? "true" : "false";
    case Json::Type::kNumber: {
      char buf[64];
      std::snprintf(buf, sizeof buf, "%.17g", v.n);
      return buf;
    }
    case Json::Type::kObject:
      if (const Json* u = v.Get("$uint64")) return u->s;
      if (const Json* s = v.Get("$sint64")) return s->s;
      if (const Json* x = v.Get("value")) return TextOf(*x);
      return "";
    default: return "";
  }
}

std::string TextOfElement(const Element& e) {
  if (e.flags & MI_FLAG_NULL) return "";
  char buf[64];
  switch (e.type) {
    case MI_STRING: return doubles::Narrow(e.value.string);
    case MI_BOOLEAN: return e.value.boolean ? "true" : "false";
    case MI_UINT8: return std::to_string(e.value.uint8);
    case MI_SINT8: return std::to_string(e.value.sint8);
    case MI_UINT16: return std::to_string(e.value.uint16);
    case MI_SINT16: return std::to_string(e.value.sint16);
    case MI_UINT32: return std::to_string(e.value.uint32);
    case MI_SINT32: return std::to_string(e.value.sint32);
    case MI_UINT64: return std::to_string(e.value.uint64);
    case MI_SINT64: return std::to_string(e.value.sint64);
    case MI_REAL64: std::snprintf(buf, sizeof buf, "%.17g", e.value.real64); return buf;
    case MI_REAL32: std::snprintf(buf, sizeof buf, "%.9g", e.value.real32); return buf;
    case MI_REAL64A: {
      std::string out = "[";
      for (MI_Uint32 i = 0; i < e.value.real64a.size; ++i) {
        std::snprintf(buf, sizeof buf, "%.17g", e.value.real64a.data[i]);
        out += (i ? "," : "") + std::string(buf);
      }
      return out + "]";
    }
    case MI_STRINGA: {
      std::string out = "[";
      for (MI_Uint32 i = 0; i < e.value.stringa.size; ++i) {
        out += (i ? "," : "") + doubles::Narrow(e.value.stringa.data[i]);
      }
      return out + "]";
    }
    default: return "?";
  }
}

// ------------------------------------------------------------------------------------------ scenario

// lib/fake/mi.ts DEFAULT_CLASSES (the classes the machine has whatever the scenario says: the scenario's `classes` add
// to them, and a class of the same name in its `classes` or `generated` replaces that one class).
const char kDefaultClasses[] = R"JSON({
 "Win32_OperatingSystem": [{"Caption": "Microsoft Windows 11 Pro (simulated)", "Version": "10.0.26100", "BuildNumber": "26100", "OSArchitecture": "64-bit", "CSName": "FAKEHOST", "LastBootUpTime": {"$date": "2026-11-01T08:00:00.000Z"}, "FreePhysicalMemory": {"$uint64": "8388608"}, "NumberOfProcesses": 3, "Primary": true}],
 "Win32_Process": [
  {"ProcessId": 4, "Name": "System", "ExecutablePath": null, "ThreadCount": 180, "Handle": "4"},
  {"ProcessId": 612, "Name": "svchost.exe", "ExecutablePath": "C:\\Windows\\System32\\svchost.exe", "ThreadCount": 12, "Handle": "612"},
  {"ProcessId": 4242, "Name": "node.exe", "ExecutablePath": "C:\\Program Files\\nodejs\\node.exe", "ThreadCount": 11, "Handle": "4242"}],
 "Win32_Service": [
  {"Name": "VSS", "DisplayName": "Volume Shadow Copy", "State": "Stopped", "StartMode": "Manual", "ProcessId": 0},
  {"Name": "Winmgmt", "DisplayName": "Windows Management Instrumentation", "State": "Running", "StartMode": "Auto", "ProcessId": 612},
  {"Name": "WinRM", "DisplayName": "Windows Remote Management (WS-Management)", "State": "Running", "StartMode": "Auto", "ProcessId": 612},
  {"Name": "Spooler", "DisplayName": "Print Spooler", "State": "Running", "StartMode": "Auto", "ProcessId": 1712}],
 "Win32_LogicalDisk": [
  {"DeviceID": "C:", "DriveType": 3, "FileSystem": "NTFS", "Size": {"$uint64": "510770802688"}, "FreeSpace": {"$uint64": "123456789012"}, "VolumeName": "Windows"},
  {"DeviceID": "D:", "DriveType": 3, "FileSystem": "NTFS", "Size": {"$uint64": "1000186310656"}, "FreeSpace": {"$uint64": "900000000000"}, "VolumeName": "Data"}]
})JSON";

struct Scenario {
  Json mi;
  Json classes;  // className -> rows
  Json generated;  // className -> { count, properties } (types/scenario.ts MiScenario.generated)
  std::vector<std::string> namespaces;
  DWORD resultIntervalMs = 1;
  int extraResultsAfterCancel = 0;
  DWORD cancelLatencyMs = 0;
  bool holdFinal = false;  // a final result (not a cancel's) waits until the test releases "mi:final"
  // "holdFinal": "always": the final result waits for "mi:final" even after MI_Operation_Cancel (mi.h and the
  // MI_Operation_Cancel page give no bound for when the final result comes after a cancel).
  bool holdFinalThroughCancel = false;
  // "holdStart": the MI_Session_* call of that name (e.g. "MI_Session_QueryInstances") does not return until the
  // test releases "mi:start" (nothing documents how long a start may take: a first remote DCOM connect).
  std::string holdStart;
  // "holdSessionClose": MI_Session_Close does not complete until the test releases "mi:sessionClose" (mi.h gives no
  // bound for it).
  bool holdSessionClose = false;
  bool hasFailAfter = false;
  size_t failAfterResults = 0;
  MI_Result failAfterResult = MI_RESULT_FAILED;
  std::string failAfterMessage;

  const Json* FindClass(const std::string& name, std::string* canonical) const {
    for (const auto& [k, rows] : classes.o) {
      if (IEquals(k, name)) {
        *canonical = k;
        return &rows;
      }
    }
    return nullptr;
  }
  // A generated class (only when `classes` has none of that name).
  const Json* FindGenerated(const std::string& name, std::string* canonical) const {
    for (const auto& [k, spec] : generated.o) {
      if (IEquals(k, name) && spec.type == Json::Type::kObject) {
        *canonical = k;
        return &spec;
      }
    }
    return nullptr;
  }
  bool HasNamespace(std::string ns) const {
    std::replace(ns.begin(), ns.end(), '\\', '/');
    for (const auto& n : namespaces) {
      if (IEquals(n, ns)) return true;
    }
    return false;
  }
};

std::shared_ptr<const Scenario> LoadScenario() {
  auto s = std::make_shared<Scenario>();
  s->mi = doubles::ScenarioSection("mi");
  if (const Json* g = s->mi.Get("generated"); g && g->type == Json::Type::kObject) s->generated = *g;
  doubles::JsonParser(kDefaultClasses).Parse(s->classes);
  const Json* c = s->mi.Get("classes");
  const auto named = [&](const std::string& name) {
    if (c && c->type == Json::Type::kObject) {
      for (const auto& kv : c->o) {
        if (IEquals(kv.first, name)) return true;
      }
    }
    for (const auto& kv : s->generated.o) {
      if (IEquals(kv.first, name)) return true;
    }
    return false;
  };
  s->classes.o.erase(std::remove_if(s->classes.o.begin(), s->classes.o.end(), [&](const auto& kv) { return named(kv.first); }),
                     s->classes.o.end());
  if (c && c->type == Json::Type::kObject) {
    for (const auto& kv : c->o) s->classes.o.push_back(kv);
  }
  if (const Json* ns = s->mi.Get("namespaces"); ns && ns->type == Json::Type::kArray) {
    for (const Json& n : ns->a) s->namespaces.push_back(n.s);
  } else {
    s->namespaces = {"root/cimv2", "root/standardcimv2", "root/microsoft/windows/storage", "root/subscription"};
  }
  s->resultIntervalMs = static_cast<DWORD>(s->mi.Num("resultIntervalMs", 1));
  s->extraResultsAfterCancel = static_cast<int>(s->mi.Num("extraResultsAfterCancel", 0));
  s->cancelLatencyMs = static_cast<DWORD>(s->mi.Num("cancelLatencyMs", 0));
  if (const Json* h = s->mi.Get("holdFinal"); h && h->IsString() && h->s == "always") {
    s->holdFinal = s->holdFinalThroughCancel = true;
  } else {
    s->holdFinal = s->mi.Bool("holdFinal", false);
  }
  s->holdStart = s->mi.Str("holdStart", "");
  s->holdSessionClose = s->mi.Bool("holdSessionClose", false);
  if (const Json* f = s->mi.Get("failAfter"); f && f->type == Json::Type::kObject) {
    s->hasFailAfter = true;
    s->failAfterResults = static_cast<size_t>(f->Num("results", 0));
    s->failAfterResult = ResultOf(f->Get("result"), MI_RESULT_FAILED);
    s->failAfterMessage = f->Str("message", "the operation failed (scripted)");
  }
  return s;
}

// An MSFT_WmiError instance, as MI sends with a failure.
std::unique_ptr<DInstance> WmiError(const std::string& type, unsigned long code, int category, const std::string& message,
                                    MI_Result cimStatus) {
  std::string json = "{\"$class\":\"MSFT_WmiError\",\"error_Type\":" + doubles::Quote(type) +
                     ",\"error_Code\":" + std::to_string(code) + ",\"error_Category\":{\"$type\":\"MI_UINT16\",\"value\":" +
                     std::to_string(category) + "},\"Message\":" + doubles::Quote(message) +
                     ",\"MessageID\":\"winops-double\",\"CIMStatusCode\":" + std::to_string(static_cast<int>(cimStatus)) + "}";
  Json j;
  doubles::JsonParser(json).Parse(j);
  return InstanceFromJson(j, "MSFT_WmiError");
}

// ------------------------------------------------------------------------------------------ WQL (subset)

struct Condition {
  std::string property, op, literal;
  bool literalIsNull = false;
};

struct Query {
  std::string className;
  bool allProperties = true;
  std::vector<std::string> properties;
  std::vector<std::vector<Condition>> anyOf;  // OR of ANDs
};

class WqlParser {
 public:
  explicit WqlParser(const std::string& text) : t_(text) {}

  bool Parse(Query& q, std::string* error, bool fromOnly) {
    if (!Keyword("SELECT")) return Fail(error, "expected SELECT");
    Ws();
    if (Peek() == '*') {
      ++i_;
    } else {
      q.allProperties = false;
      do {
        std::string p = Ident();
        if (p.empty()) return Fail(error, "expected a property name");
        q.properties.push_back(p);
      } while (Char(','));
    }
    if (!Keyword("FROM")) return Fail(error, "expected FROM");
    q.className = Ident();
    if (q.className.empty()) return Fail(error, "expected a class name");
    if (fromOnly) return true;  // subscriptions: WITHIN / ISA clauses are not evaluated here
    Ws();
    if (i_ == t_.size()) return true;
    if (!Keyword("WHERE")) return Fail(error, "unexpected text after the class name");
    q.anyOf.emplace_back();
    for (;;) {
      Condition c;
      c.property = Ident();
      if (c.property.empty()) return Fail(error, "expected a property in WHERE");
      Ws();
      static const char* const ops[] = {"<>", "!=", "<=", ">=", "=", "<", ">"};
      for (const char* op : ops) {
        if (t_.compare(i_, std::strlen(op), op) == 0) {
          c.op = op;
          i_ += std::strlen(op);
          break;
        }
      }
      if (c.op.empty()) {
        if (Keyword("LIKE")) c.op = "LIKE";
        else if (Keyword("IS")) {
          c.op = Keyword("NOT") ? "<>" : "=";
          if (!Keyword("NULL")) return Fail(error, "expected NULL after IS");
          c.literalIsNull = true;
        } else {
          return Fail(error, "expected a comparison operator");
        }
      }
      if (!c.literalIsNull && !Literal(c)) return Fail(error, "expected a literal");
      q.anyOf.back().push_back(c);
      Ws();
      if (i_ == t_.size()) return true;
      if (Keyword("AND")) continue;
      if (Keyword("OR")) {
        q.anyOf.emplace_back();
        continue;
      }
      return Fail(error, "expected AND, OR or the end of the query");
    }
  }

 private:
  static bool Fail(std::string* error, const char* what) {
    *error = what;
    return false;
  }
  void Ws() {
    while (i_ < t_.size() && std::isspace(static_cast<unsigned char>(t_[i_]))) ++i_;
  }
  char Peek() { return i_ < t_.size() ? t_[i_] : '\0'; }
  bool Char(char c) {
    Ws();
    if (Peek() != c) return false;
    ++i_;
    return true;
  }
  bool Keyword(const char* k) {
    Ws();
    const size_t n = std::strlen(k);
    if (i_ + n > t_.size() || !IEquals(t_.substr(i_, n), k)) return false;
    if (i_ + n < t_.size() && (std::isalnum(static_cast<unsigned char>(t_[i_ + n])) || t_[i_ + n] == '_')) return false;
    i_ += n;
    return true;
  }
  std::string Ident() {
    Ws();
    const size_t start = i_;
    while (i_ < t_.size() && (std::isalnum(static_cast<unsigned char>(t_[i_])) || t_[i_] == '_')) ++i_;
    return t_.substr(start, i_ - start);
  }
  bool Literal(Condition& c) {
    Ws();
    if (Peek() == '\'' || Peek() == '"') {
      const char q = t_[i_++];
      std::string s;
      while (i_ < t_.size() && t_[i_] != q) {
        if (t_[i_] == '\\' && i_ + 1 < t_.size()) ++i_;
        s += t_[i_++];
      }
      if (i_ >= t_.size()) return false;
      ++i_;
      c.literal = s;
      return true;
    }
    const size_t start = i_;
    while (i_ < t_.size() && (std::isalnum(static_cast<unsigned char>(t_[i_])) || t_[i_] == '.' || t_[i_] == '-' ||
                              t_[i_] == '+')) {
      ++i_;
    }
    c.literal = t_.substr(start, i_ - start);
    if (IEquals(c.literal, "NULL")) c.literalIsNull = true;
    return !c.literal.empty();
  }

  const std::string t_;
  size_t i_ = 0;
};

bool Like(const std::string& text, const std::string& pattern) {
  // % any run, _ any one character; case-insensitive.
  const std::string t = Lower(text), p = Lower(pattern);
  std::vector<std::vector<bool>> m(t.size() + 1, std::vector<bool>(p.size() + 1, false));
  m[0][0] = true;
  for (size_t j = 1; j <= p.size(); ++j) m[0][j] = m[0][j - 1] && p[j - 1] == '%';
  for (size_t i = 1; i <= t.size(); ++i) {
    for (size_t j = 1; j <= p.size(); ++j) {
      if (p[j - 1] == '%') m[i][j] = m[i - 1][j] || m[i][j - 1];
      else m[i][j] = m[i - 1][j - 1] && (p[j - 1] == '_' || p[j - 1] == t[i - 1]);
    }
  }
  return m[t.size()][p.size()];
}

bool Matches(const Condition& c, const Json& row) {
  const Json* v = nullptr;
  for (const auto& [k, x] : row.o) {
    if (IEquals(k, c.property)) v = &x;
  }
  const bool isNull = !v || v->type == Json::Type::kNull;
  if (c.literalIsNull) return c.op == "=" ? isNull : !isNull;
  if (isNull) return false;
  const std::string text = TextOf(*v);
  if (c.op == "LIKE") return Like(text, c.literal);
  char* end = nullptr;
  const double ln = std::strtod(c.literal.c_str(), &end);
  const bool literalNumeric = end && *end == '\0' && !c.literal.empty();
  int cmp;
  if (literalNumeric && (v->type == Json::Type::kNumber || v->Get("$uint64") || v->Get("$sint64") || v->Get("value"))) {
    const double vn = std::strtod(text.c_str(), nullptr);
    cmp = vn < ln ? -1 : vn > ln ? 1 : 0;
  } else {
    const std::string a = Lower(text), b = Lower(c.literal);
    cmp = a < b ? -1 : a > b ? 1 : 0;
  }
  if (c.op == "=") return cmp == 0;
  if (c.op == "<>" || c.op == "!=") return cmp != 0;
  if (c.op == "<") return cmp < 0;
  if (c.op == ">") return cmp > 0;
  if (c.op == "<=") return cmp <= 0;
  return cmp >= 0;
}

bool Where(const Query& q, const Json& row) {
  if (q.anyOf.empty()) return true;
  for (const auto& all : q.anyOf) {
    bool ok = true;
    for (const auto& c : all) ok = ok && Matches(c, row);
    if (ok) return true;
  }
  return false;
}

// ------------------------------------------------------------------------------------------ objects

extern const MI_ApplicationFT g_applicationFT;
extern const MI_SessionFT g_sessionFT;
extern const MI_OperationFT g_operationFT;
extern const MI_DestinationOptionsFT g_destinationOptionsFT;

// Windows' own slim lock and condition variable, as a Windows DLL has them (std::mutex and
// std::condition_variable of this toolchain are winpthreads', which wait on kernel events: every contended lock
// and every wake-up is then a system call, very slow under Wine, and that would be the double's cost, not MI's).
class SlimMutex {
 public:
  void lock() { ::AcquireSRWLockExclusive(&lock_); }
  void unlock() { ::ReleaseSRWLockExclusive(&lock_); }
  SRWLOCK* native() { return &lock_; }

 private:
  SRWLOCK lock_ = SRWLOCK_INIT;
};

class SlimCondition {
 public:
  using Lock = std::unique_lock<SlimMutex>;
  void notify_all() { ::WakeAllConditionVariable(&cv_); }
  template <typename Pred>
  void wait(Lock& lock, Pred done) {
    while (!done()) ::SleepConditionVariableSRW(&cv_, lock.mutex()->native(), INFINITE, 0);
  }
  // A wake-up before the deadline (which may be spurious) is no_timeout: callers look at their state again.
  std::cv_status wait_until(Lock& lock, std::chrono::steady_clock::time_point deadline) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return std::cv_status::timeout;
    const DWORD ms = static_cast<DWORD>(std::min<long long>(left.count(), 0x7FFFFFFF));
    return ::SleepConditionVariableSRW(&cv_, lock.mutex()->native(), ms, 0) ? std::cv_status::no_timeout
                                                                              : std::cv_status::timeout;
  }
  template <typename Pred>
  bool wait_for(Lock& lock, std::chrono::milliseconds limit, Pred done) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (!done()) {
      if (this->wait_until(lock, deadline) == std::cv_status::timeout) return done();
    }
    return true;
  }

 private:
  CONDITION_VARIABLE cv_ = CONDITION_VARIABLE_INIT;
};

SlimMutex g_mu;  // guards applications, sessions and operations (never held while calling back)

struct DSession;

struct DApplication {
  std::vector<DSession*> sessions;
  bool closed = false;
};

struct DOperation;

struct DSession {
  DApplication* app = nullptr;
  std::shared_ptr<const Scenario> scenario;
  std::string destination;
  std::set<std::shared_ptr<DOperation>> ops;  // not yet closed
  bool closed = false;
  SlimCondition opsClosed;
};

// A generated class (MiScenario.generated): one row instance, patched in place before each delivery and
// handed back when it is acknowledged, so that 100,000s of instances cost no more than the patching.
struct Generator {
  struct Patch {
    enum class Kind { kString, kUint64, kSint64, kIndex };
    Kind kind = Kind::kString;
    std::wstring name;
    size_t element = 0;
    std::vector<std::string> parts;  // the text around each {i}
    double base = 0;                 // kIndex
  };
  long long count = 0, next = 0, emitted = 0;
  long long limit = -1;            // failAfter.results (-1: none)
  std::unique_ptr<DInstance> row;  // null while delivered (then it is the operation's `current`)
  std::vector<Patch> patches;
  Json properties;  // the template, for WHERE
  bool filtered = false;
  Query query;
  std::string scratch;
  std::wstring wscratch;

  // "{i}" in s: the parts around each one, else false.
  static bool Split(const std::string& s, std::vector<std::string>* parts) {
    size_t from = 0, at;
    parts->clear();
    while ((at = s.find("{i}", from)) != std::string::npos) {
      parts->push_back(s.substr(from, at - from));
      from = at + 3;
    }
    if (parts->empty()) return false;
    parts->push_back(s.substr(from));
    return true;
  }
  static void Fill(const std::vector<std::string>& parts, long long i, std::string& out) {
    char digits[24];
    const int n = std::snprintf(digits, sizeof digits, "%lld", i);
    out.clear();
    for (size_t k = 0; k < parts.size(); ++k) {
      if (k) out.append(digits, static_cast<size_t>(n));
      out += parts[k];
    }
  }

  // Row i as JSON (for WHERE).
  Json RowJson(long long i) {
    Json row = properties;
    std::vector<std::string> parts;
    for (auto& [k, v] : row.o) {
      if (v.type == Json::Type::kString && Split(v.s, &parts)) {
        Fill(parts, i, v.s);
      } else if (v.type == Json::Type::kObject) {
        if (const Json* base = v.Get("$index"); base && base->IsNumber()) {
          const double n = base->n + static_cast<double>(i);
          v = Json{};
          v.type = Json::Type::kNumber;
          v.n = n;
          continue;
        }
        for (auto& [ik, iv] : v.o) {
          if ((ik == "$uint64" || ik == "$sint64") && iv.type == Json::Type::kString && Split(iv.s, &parts)) Fill(parts, i, iv.s);
        }
      }
    }
    return row;
  }

  // Patches row for instance i.
  void Apply(long long i) {
    for (const Patch& p : patches) {
      Element& e = *row->elements[p.element];
      switch (p.kind) {
        case Patch::Kind::kString:
          Fill(p.parts, i, scratch);
          if (std::all_of(scratch.begin(), scratch.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; })) {
            wscratch.assign(scratch.begin(), scratch.end());
          } else {
            wscratch = Wide(scratch);
          }
          e.strings.back() = wscratch;
          e.value.string = e.strings.back().data();
          break;
        case Patch::Kind::kUint64:
          Fill(p.parts, i, scratch);
          e.value.uint64 = std::strtoull(scratch.c_str(), nullptr, 10);
          break;
        case Patch::Kind::kSint64:
          Fill(p.parts, i, scratch);
          e.value.sint64 = std::strtoll(scratch.c_str(), nullptr, 10);
          break;
        case Patch::Kind::kIndex: {
          const double n = p.base + static_cast<double>(i);
          if (e.type == MI_UINT32) e.value.uint32 = static_cast<MI_Uint32>(n);
          else if (e.type == MI_SINT32) e.value.sint32 = static_cast<MI_Sint32>(n);
          else e.value.real64 = n;
          break;
        }
      }
    }
  }
};

struct Result {
  std::unique_ptr<DInstance> instance;
  bool generated = false;  // instance is the generator's row
  bool more = true;
  MI_Result code = MI_RESULT_OK;
  std::string message;
  std::unique_ptr<DInstance> details;
};

struct DOperation : std::enable_shared_from_this<DOperation> {
  std::string call;
  DSession* session = nullptr;
  MI_Operation* client = nullptr;  // the caller's MI_Operation
  MI_OperationCallbacks callbacks{};
  bool manualAck = false;
  bool indications = false;
  std::shared_ptr<const Scenario> scenario;
  // The planned results (finite operations) or the indication template.
  std::deque<Result> queue;
  std::unique_ptr<DInstance> indicationTemplate;
  long long indicationCount = -1;  // -1: endless
  DWORD indicationIntervalMs = 100;
  DWORD firstDelayMs = 0;  // a method's durationMs
  long long produced = 0;
  std::unique_ptr<Generator> gen;  // a generated class: its instances come before the queue's final result
  bool logResults = true;          // per-result log entries (off when no log is written: benchmarks)
  // state, guarded by g_mu
  SlimCondition cv;
  bool awaitingAck = false;
  bool cancelled = false;
  int extraAfterCancel = 0;
  bool finalDelivered = false;
  bool closed = false;
  int delivered = 0;
  std::unique_ptr<DInstance> current, currentDetails;  // valid until acknowledged
  bool currentGenerated = false;
  std::string currentMessage;
  double longestAckWaitMs = 0;  // the longest time a result waited for its acknowledgement
  HANDLE wake = ::CreateEventW(nullptr, FALSE, FALSE, nullptr);  // set by Cancel and Close, for a held final result

  DOperation() = default;
  DOperation(const DOperation&) = delete;
  DOperation& operator=(const DOperation&) = delete;
  ~DOperation() { ::CloseHandle(wake); }

  // The delivered result is done with: a generated row goes back to its generator.
  void ReleaseCurrent() {
    if (currentGenerated && gen && !gen->row) gen->row = std::move(current);
    current.reset();
    currentDetails.reset();
    currentGenerated = false;
  }

  static std::shared_ptr<DOperation> Of(MI_Operation* op) {
    if (!op || op->ft != &g_operationFT || !op->reserved2) return nullptr;
    auto* holder = reinterpret_cast<std::shared_ptr<DOperation>*>(op->reserved2);
    return *holder;
  }
};

// ------------------------------------------------------------------------------------------ operation engine

MI_Result WINOPS_MI_CALL Acknowledge(MI_Operation* operation) {
  std::lock_guard<SlimMutex> lock(g_mu);
  auto op = DOperation::Of(operation);
  if (!op) {
    Log::Get().Violation("resultAcknowledgement on an unknown operation");
    return MI_RESULT_INVALID_PARAMETER;
  }
  if (!op->awaitingAck) {
    Log::Get().Violation("resultAcknowledgement without a result to acknowledge (" + op->call + ")");
    return MI_RESULT_INVALID_PARAMETER;
  }
  op->awaitingAck = false;
  op->ReleaseCurrent();
  if (op->logResults) Log::Get().Call("resultAcknowledgement", "MI_RESULT_OK", op->call, op->delivered);
  op->cv.notify_all();
  return MI_RESULT_OK;
}

Result CancelledFinal() {
  Result r;
  r.more = false;
  r.code = MI_RESULT_FAILED;
  r.message = "The operation was cancelled";
  r.details = WmiError("MI", MI_RESULT_FAILED, 14 /* OPERATION_STOPPED */, "Operation cancelled", MI_RESULT_FAILED);
  return r;
}

Result Indication(DOperation& op) {
  Result r;
  r.instance = op.indicationTemplate->Clone(false);
  auto seq = std::make_unique<Element>();
  seq->name = L"SequenceNumber";
  MI_Value v;
  std::memset(&v, 0, sizeof v);
  v.uint32 = static_cast<MI_Uint32>(op.produced + 1);
  seq->Set(&v, MI_UINT32, 0);
  r.instance->elements.push_back(std::move(seq));
  return r;
}

// The next instance of a generated class, g_mu held. When there is none left, the final result goes into
// the queue (a failAfter failure once that many instances were delivered, as Emit does) and false.
bool NextGenerated(DOperation& op, Result& r) {
  Generator& g = *op.gen;
  while (g.next < g.count && (g.limit < 0 || g.emitted < g.limit)) {
    const long long i = g.next++;
    if (g.filtered && !Where(g.query, g.RowJson(i))) continue;
    g.Apply(i);
    g.emitted++;
    r.instance = std::move(g.row);
    r.generated = true;
    return true;
  }
  const Scenario& s = *op.scenario;
  Result final;
  final.more = false;
  if (g.limit >= 0 && g.emitted >= g.limit) {
    final.code = s.failAfterResult;
    final.message = s.failAfterMessage;
    final.details = WmiError("MI", s.failAfterResult, 0, s.failAfterMessage, s.failAfterResult);
  }
  op.queue.push_back(std::move(final));
  if (g.row) op.gen.reset();  // else the last row is still delivered: ReleaseCurrent drops it
  return false;
}

// The next result, g_mu held; false when there is nothing to deliver now.
bool NextResult(DOperation& op, Result& r) {
  if (op.cancelled) {
    if (op.extraAfterCancel > 0) {
      op.extraAfterCancel--;
      if (op.gen && op.queue.empty() && NextGenerated(op, r)) return true;
      if (!op.queue.empty() && op.queue.front().more) {
        r = std::move(op.queue.front());
        op.queue.pop_front();
        return true;
      }
      if (op.indicationTemplate) {
        r = Indication(op);
        return true;
      }
    }
    r = CancelledFinal();
    return true;
  }
  if (op.indicationTemplate) {
    if (op.indicationCount >= 0 && op.produced >= op.indicationCount) {
      r.more = false;
      return true;
    }
    r = Indication(op);
    return true;
  }
  if (op.gen && op.queue.empty() && NextGenerated(op, r)) return true;
  if (op.queue.empty()) return false;
  r = std::move(op.queue.front());
  op.queue.pop_front();
  return true;
}

DWORD Delay(const DOperation& op) {
  if (op.cancelled && op.extraAfterCancel == 0) return op.scenario->cancelLatencyMs;
  if (op.produced == 0 && op.delivered == 0 && op.firstDelayMs) return op.firstDelayMs;
  return op.indicationTemplate ? op.indicationIntervalMs : op.scenario->resultIntervalMs;
}

void Run(std::shared_ptr<DOperation> op) {
  std::unique_lock<SlimMutex> lock(g_mu);
  for (;;) {
    // Wait the interval (a cancel cuts it short and restarts the clock with the cancel latency).
    // (No timed wait at all for a zero interval: under Wine a timed wait of 0 ms still costs about 1 ms.)
    bool wasCancelled = op->cancelled;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(Delay(*op));
    while (!op->closed && Delay(*op) > 0) {
      if (op->cv.wait_until(lock, deadline) == std::cv_status::timeout) break;
      if (op->cancelled != wasCancelled) {
        wasCancelled = op->cancelled;
        deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(Delay(*op));
      }
    }
    if (op->closed) return;
    Result r;
    if (!NextResult(*op, r)) return;
    // Scenario holdFinal: the final result of an operation that was not cancelled waits until the test releases
    // "mi:final", so the test decides whether it has come. A cancel (or Close) wakes the wait; the cancel's own
    // results then come instead of this one.
    if (!r.more && (!op->cancelled || op->scenario->holdFinalThroughCancel) && op->scenario->holdFinal) {
      bool released = false;
      while (!released && (!op->cancelled || op->scenario->holdFinalThroughCancel) && !op->closed) {
        lock.unlock();
        released = Log::Get().Hold("mi:final", op->wake);
        lock.lock();
      }
      if (op->closed) return;
      if (!released) continue;
    }
    if (r.instance) op->produced++;
    op->delivered++;
    op->current = std::move(r.instance);
    op->currentGenerated = r.generated;
    op->currentDetails = std::move(r.details);
    op->currentMessage = r.message;
    const bool more = r.more;
    if (more) op->awaitingAck = op->manualAck;
    else op->finalDelivered = true;
    if (!more) op->awaitingAck = op->manualAck;  // the final result can be acknowledged too
    const std::wstring message = Wide(op->currentMessage);
    MI_Instance* inst = op->current ? op->current->Mi() : nullptr;
    MI_Instance* details = op->currentDetails ? op->currentDetails->Mi() : nullptr;
    if (op->logResults || !more) {
      Log::Get().Call(op->indicationTemplate ? "indicationResult" : "instanceResult",
                      more ? "more" : ResultName(r.code), op->call, op->delivered);
    }
    const MI_OperationCallbacks cb = op->callbacks;
    MI_Operation* client = op->client;
    lock.unlock();
    // Never under the lock: the callback may call Cancel, Close or the acknowledgement itself.
    const MI_ResultAcknowledgement ack = op->manualAck ? &Acknowledge : nullptr;
    if (op->indicationTemplate && cb.indicationResult) {
      cb.indicationResult(client, cb.callbackContext, inst, nullptr, nullptr, more ? MI_TRUE : MI_FALSE, r.code,
                          message.empty() ? nullptr : message.c_str(), details, ack);
    } else if (cb.instanceResult) {
      cb.instanceResult(client, cb.callbackContext, inst, more ? MI_TRUE : MI_FALSE, r.code,
                        message.empty() ? nullptr : message.c_str(), details, ack);
    }
    lock.lock();
    if (!more) return;
    // MI_OPERATIONFLAGS_MANUAL_ACK_RESULTS: nothing more until the result is acknowledged.
    if (op->awaitingAck && !op->closed) {
      // The callback returned without acknowledging: the client holds MI back (its window is full). Logged as a
      // state a test can wait for ("ackHeld", n: the result held), instead of sleeping and counting.
      if (op->logResults) Log::Get().Call("ackHeld", "", op->call, op->delivered);
      const auto waitStart = std::chrono::steady_clock::now();
      op->cv.wait(lock, [&] { return !op->awaitingAck || op->closed; });
      const double waited =
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - waitStart).count();
      op->longestAckWaitMs = std::max(op->longestAckWaitMs, waited);
    }
    if (!op->manualAck) op->ReleaseCurrent();
  }
}

void Final(DOperation& op, MI_Result code, const std::string& message, std::unique_ptr<DInstance> details) {
  Result r;
  r.more = false;
  r.code = code;
  r.message = message;
  r.details = std::move(details);
  op.queue.push_back(std::move(r));
}

void Emit(DOperation& op, std::vector<std::unique_ptr<DInstance>> list) {
  const Scenario& s = *op.scenario;
  for (auto& inst : list) {
    if (s.hasFailAfter && op.queue.size() >= s.failAfterResults) break;
    Result r;
    r.instance = std::move(inst);
    op.queue.push_back(std::move(r));
  }
  if (s.hasFailAfter && list.size() >= s.failAfterResults) {
    Final(op, s.failAfterResult, s.failAfterMessage,
          WmiError("MI", s.failAfterResult, 0, s.failAfterMessage, s.failAfterResult));
  } else {
    Final(op, MI_RESULT_OK, "", nullptr);
  }
}

std::unique_ptr<DInstance> Row(const std::string& className, const std::string& ns, const Json& row,
                               const std::vector<std::string>* only) {
  Json filtered;
  filtered.type = Json::Type::kObject;
  for (const auto& [k, v] : row.o) {
    if (!only) {
      filtered.o.emplace_back(k, v);
      continue;
    }
    for (const auto& p : *only) {
      if (IEquals(p, k)) filtered.o.emplace_back(k, v);
    }
  }
  auto inst = InstanceFromJson(filtered, className);
  inst->className = Wide(className);
  inst->nameSpace = Wide(ns);
  return inst;
}

// The generator of a generated class: the template row (projected like Row) and where to patch it.
std::unique_ptr<Generator> MakeGenerator(const Scenario& s, const Json& spec, const std::string& className,
                                         const std::string& ns, const std::vector<std::string>* only,
                                         const Query* where) {
  auto g = std::make_unique<Generator>();
  g->count = static_cast<long long>(std::max(0.0, spec.Num("count", 0)));
  if (s.hasFailAfter) g->limit = static_cast<long long>(s.failAfterResults);
  if (const Json* p = spec.Get("properties"); p && p->type == Json::Type::kObject) g->properties = *p;
  g->properties.type = Json::Type::kObject;
  if (where && !where->anyOf.empty()) {
    g->filtered = true;
    g->query = *where;
  }
  // The template with a value of the right MI type where each patch goes.
  Json shape = g->properties;
  std::vector<std::string> parts;
  auto typed = [](const char* type, double value) {
    Json v;
    doubles::JsonParser(std::string("{\"$type\":\"") + type + "\",\"value\":" + std::to_string(value) + "}").Parse(v);
    return v;
  };
  for (auto& [k, v] : shape.o) {
    Generator::Patch patch;
    patch.name = Wide(k);
    if (v.type == Json::Type::kString && Generator::Split(v.s, &patch.parts)) {
      patch.kind = Generator::Patch::Kind::kString;
    } else if (const Json* base = v.Get("$index"); base && base->IsNumber()) {
      patch.kind = Generator::Patch::Kind::kIndex;
      patch.base = base->n;
      const double last = base->n + static_cast<double>(std::max(0LL, g->count - 1));
      const bool integral = std::floor(base->n) == base->n;
      const char* type = !integral ? "MI_REAL64"
                         : base->n >= 0 && last <= 4294967295.0 ? "MI_UINT32"
                         : base->n >= -2147483648.0 && last <= 2147483647.0 ? "MI_SINT32"
                         : "MI_REAL64";
      v = typed(type, base->n);
    } else if (const Json* u = v.Get("$uint64"); u && u->IsString() && Generator::Split(u->s, &patch.parts)) {
      patch.kind = Generator::Patch::Kind::kUint64;
      v = typed("MI_UINT64", 0);
    } else if (const Json* i = v.Get("$sint64"); i && i->IsString() && Generator::Split(i->s, &patch.parts)) {
      patch.kind = Generator::Patch::Kind::kSint64;
      v = typed("MI_SINT64", 0);
    } else {
      continue;
    }
    g->patches.push_back(std::move(patch));
  }
  g->row = Row(className, ns, shape, only);
  // Patches address elements by index; a projection may have dropped some.
  std::vector<Generator::Patch> kept;
  for (auto& p : g->patches) {
    for (size_t e = 0; e < g->row->elements.size(); ++e) {
      if (g->row->elements[e]->name == p.name) {
        p.element = e;
        kept.push_back(std::move(p));
        break;
      }
    }
  }
  g->patches = std::move(kept);
  return g;
}

const std::vector<std::string>* KeysOf(const std::string& className) {
  static const std::vector<std::string> handle{"Handle"}, name{"Name"}, device{"DeviceID"};
  const std::string c = Lower(className);
  if (c == "win32_process") return &handle;
  if (c == "win32_service" || c == "win32_operatingsystem") return &name;
  if (c == "win32_logicaldisk") return &device;
  return nullptr;
}

// What the operation will deliver (lib/fake/mi.ts #plan).
void Plan(DOperation& op, const std::string& kind, const std::string& ns, const std::string& a, const std::string& b,
          bool keysOnly, const MI_Instance* keys, const MI_Instance* params) {
  const Scenario& s = *op.scenario;
  if (!s.HasNamespace(ns)) {
    Final(op, MI_RESULT_INVALID_NAMESPACE, "Invalid namespace " + ns,
          WmiError("HRESULT", 0x8004100e, 13, "Invalid namespace", MI_RESULT_INVALID_NAMESPACE));
    return;
  }
  auto invalidClass = [&](const std::string& cls) {
    Final(op, MI_RESULT_INVALID_CLASS, "Invalid class " + cls,
          WmiError("HRESULT", 0x80041010, 13, "Invalid class", MI_RESULT_INVALID_CLASS));
  };
  std::string canonical;
  if (kind == "query" || kind == "subscribe") {
    Query q;
    std::string error;
    if (!IEquals(a, "WQL")) {
      Final(op, MI_RESULT_QUERY_LANGUAGE_NOT_SUPPORTED, "Only WQL is simulated", nullptr);
      return;
    }
    if (!WqlParser(b).Parse(q, &error, kind == "subscribe")) {
      Final(op, MI_RESULT_INVALID_QUERY, "Invalid query: " + error,
            WmiError("HRESULT", 0x80041017, 16, "Invalid query", MI_RESULT_INVALID_QUERY));
      return;
    }
    if (kind == "subscribe") {
      const Json& ind = s.mi.Get("indications") ? *s.mi.Get("indications") : Json{};
      op.indicationCount = ind.Get("count") ? static_cast<long long>(ind.Num("count", 0)) : -1;
      op.indicationIntervalMs = static_cast<DWORD>(ind.Num("intervalMs", 100));
      Json props;
      if (const Json* p = ind.Get("properties")) {
        props = *p;
      } else {
        doubles::JsonParser(R"({"TargetInstance":{"$class":"Win32_Process","Name":"notepad.exe","ProcessId":5150}})").Parse(props);
      }
      op.indicationTemplate = InstanceFromJson(props, ind.Str("className", q.className));
      op.indicationTemplate->className = Wide(ind.Str("className", q.className));
      op.indicationTemplate->nameSpace = Wide(ns);
      return;
    }
    const Json* rows = s.FindClass(q.className, &canonical);
    if (!rows) {
      if (const Json* g = s.FindGenerated(q.className, &canonical)) {
        op.gen = MakeGenerator(s, *g, canonical, ns, q.allProperties ? nullptr : &q.properties, &q);
        return;
      }
      return invalidClass(q.className);
    }
    std::vector<std::unique_ptr<DInstance>> list;
    for (const Json& row : rows->a) {
      if (Where(q, row)) list.push_back(Row(canonical, ns, row, q.allProperties ? nullptr : &q.properties));
    }
    Emit(op, std::move(list));
    return;
  }
  if (kind == "enumerate") {
    const Json* rows = s.FindClass(a, &canonical);
    if (!rows) {
      if (const Json* g = s.FindGenerated(a, &canonical)) {
        op.gen = MakeGenerator(s, *g, canonical, ns, keysOnly ? KeysOf(canonical) : nullptr, nullptr);
        return;
      }
      return invalidClass(a);
    }
    std::vector<std::unique_ptr<DInstance>> list;
    for (const Json& row : rows->a) list.push_back(Row(canonical, ns, row, keysOnly ? KeysOf(canonical) : nullptr));
    Emit(op, std::move(list));
    return;
  }
  if (kind == "get") {
    const std::string cls = keys ? Narrow(DInstance::Of(keys)->className.c_str()) : std::string();
    const Json* rows = s.FindClass(cls, &canonical);
    if (!rows) return invalidClass(cls);
    const DInstance* k = DInstance::Of(keys);
    for (const Json& row : rows->a) {
      bool all = !k->elements.empty();
      for (const auto& e : k->elements) {
        const Json* v = nullptr;
        for (const auto& [name, x] : row.o) {
          if (IEquals(name, Narrow(e->name.c_str()))) v = &x;
        }
        all = all && v && IEquals(TextOf(*v), TextOfElement(*e));
      }
      if (all) {
        std::vector<std::unique_ptr<DInstance>> one;
        one.push_back(Row(canonical, ns, row, nullptr));
        Emit(op, std::move(one));
        return;
      }
    }
    Final(op, MI_RESULT_NOT_FOUND, "Not found", WmiError("HRESULT", 0x80041002, 13, "Not found", MI_RESULT_NOT_FOUND));
    return;
  }
  // invoke
  const Json* methods = s.mi.Get("methods");
  const Json* m = nullptr;
  if (methods) {
    for (const auto& [k, v] : methods->o) {
      if (IEquals(k, a + "." + b)) m = &v;
    }
  }
  if (!m) {
    if (!s.FindClass(a, &canonical)) return invalidClass(a);
    Final(op, MI_RESULT_METHOD_NOT_FOUND, "Method " + b + " not found",
          WmiError("HRESULT", 0x80041055, 13, "Method not found", MI_RESULT_METHOD_NOT_FOUND));
    return;
  }
  op.firstDelayMs = static_cast<DWORD>(m->Num("durationMs", 0));
  if (const Json* f = m->Get("fail")) {
    Final(op, ResultOf(f, MI_RESULT_FAILED), "the method failed (scripted)", nullptr);
    return;
  }
  Json out;
  out.type = Json::Type::kObject;
  if (const Json* rv = m->Get("returnValue")) out.o.emplace_back("ReturnValue", *rv);
  else out.o.emplace_back("ReturnValue", Json{Json::Type::kNumber, false, 0, {}, {}, {}});
  if (const Json* o = m->Get("out")) {
    for (const auto& kv : o->o) out.o.push_back(kv);
  }
  auto inst = InstanceFromJson(out, "__PARAMETERS");
  inst->className = L"__PARAMETERS";
  (void)params;
  Result r;
  r.instance = std::move(inst);
  op.queue.push_back(std::move(r));
  Final(op, MI_RESULT_OK, "", nullptr);
}

std::string DescribeInstance(const MI_Instance* i) {
  if (!i) return "null";
  const DInstance* d = DInstance::Of(i);
  std::string s = Narrow(d->className.c_str()) + "{";
  for (size_t k = 0; k < d->elements.size(); ++k) {
    s += (k ? "," : "") + Narrow(d->elements[k]->name.c_str()) + "=" + TextOfElement(*d->elements[k]);
  }
  return s + "}";
}

void StartOperation(MI_Session* session, MI_Uint32 flags, MI_OperationCallbacks* callbacks, MI_Operation* operation,
                    const std::string& call, const std::string& detail, const std::string& kind,
                    const std::string& ns, const std::string& a, const std::string& b, bool keysOnly,
                    const MI_Instance* keys, const MI_Instance* params) {
  auto op = std::make_shared<DOperation>();
  op->call = call;
  op->client = operation;
  if (callbacks) op->callbacks = *callbacks;
  op->manualAck = (flags & MI_OPERATIONFLAGS_MANUAL_ACK_RESULTS) != 0;
  op->logResults = !doubles::Env(L"WINOPS_DOUBLE_LOG").empty();
  if (operation) {
    operation->reserved1 = 0;
    operation->reserved2 = reinterpret_cast<ptrdiff_t>(new std::shared_ptr<DOperation>(op));
    operation->ft = &g_operationFT;
  }
  {
    auto* held = session ? reinterpret_cast<DSession*>(session->reserved2) : nullptr;
    if (held && !held->closed && held->scenario && held->scenario->holdStart == call) Log::Get().Hold("mi:start", nullptr);
  }
  std::lock_guard<SlimMutex> lock(g_mu);
  auto* s = session ? reinterpret_cast<DSession*>(session->reserved2) : nullptr;
  const std::string flagText = op->manualAck ? "MANUAL_ACK" : "AUTO_ACK";
  if (!callbacks) Log::Get().Violation(call + ": synchronous (pull) mode is not simulated");
  if (!s || s->closed) {
    Log::Get().Call(call, "MI_RESULT_INVALID_PARAMETER", detail);
    op->scenario = LoadScenario();
    Final(*op, MI_RESULT_INVALID_PARAMETER, "The session handle is not valid", nullptr);
  } else {
    op->session = s;
    op->scenario = s->scenario;
    s->ops.insert(op);
    // n: the flags as given (the tests check the RTTI flags on every operation kind).
    Log::Get().Call(call, "MI_RESULT_OK", detail + " [" + flagText + "]", static_cast<long long>(flags));
    Plan(*op, kind, ns, a, b, keysOnly, keys, params);
  }
  Log::Get().Live("MI_Operation", +1);
  std::thread([op] { Run(op); }).detach();
}

// ------------------------------------------------------------------------------------------ MI_OperationFT

MI_Result WINOPS_MI_CALL OpClose(MI_Operation* operation) {
  std::lock_guard<SlimMutex> lock(g_mu);
  auto op = DOperation::Of(operation);
  if (!op) {
    Log::Get().Violation("MI_Operation_Close on an unknown or closed operation");
    return MI_RESULT_INVALID_PARAMETER;
  }
  if (op->closed) {
    Log::Get().Violation("MI_Operation_Close twice (" + op->call + ")");
    return MI_RESULT_INVALID_PARAMETER;
  }
  if (!op->finalDelivered) Log::Get().Violation("MI_Operation_Close before the final result (" + op->call + ")");
  if (op->finalDelivered && op->awaitingAck) {
    // The final result's acknowledgement is implied by Close; a pending non-final one is not.
    op->awaitingAck = false;
  } else if (op->awaitingAck) {
    Log::Get().Violation("MI_Operation_Close with a result not acknowledged (" + op->call + ")");
  }
  op->closed = true;
  op->cv.notify_all();
  ::SetEvent(op->wake);
  if (op->session) {
    op->session->ops.erase(op);
    op->session->opsClosed.notify_all();
  }
  Log::Get().Call("MI_Operation_Close", "MI_RESULT_OK", op->call);
  // How long MI was held back by an unacknowledged result (back-pressure seen from MI's side), in ms.
  Log::Get().Call("longestAckWait", "", op->call, std::llround(op->longestAckWaitMs));
  Log::Get().Live("MI_Operation", -1);
  delete reinterpret_cast<std::shared_ptr<DOperation>*>(operation->reserved2);
  operation->reserved2 = 0;
  return MI_RESULT_OK;
}

MI_Result WINOPS_MI_CALL OpCancel(MI_Operation* operation, MI_CancellationReason reason) {
  std::lock_guard<SlimMutex> lock(g_mu);
  auto op = DOperation::Of(operation);
  if (!op) {
    Log::Get().Violation("MI_Operation_Cancel on an unknown or closed operation");
    return MI_RESULT_INVALID_PARAMETER;
  }
  Log::Get().Call("MI_Operation_Cancel", "MI_RESULT_OK", op->call, static_cast<long long>(reason));
  if (op->finalDelivered || op->cancelled) return MI_RESULT_OK;
  op->cancelled = true;
  op->extraAfterCancel = op->scenario->extraResultsAfterCancel;
  op->cv.notify_all();
  ::SetEvent(op->wake);
  return MI_RESULT_OK;
}

MI_Result WINOPS_MI_CALL OpGetSession(MI_Operation* operation, MI_Session* session) {
  std::lock_guard<SlimMutex> lock(g_mu);
  auto op = DOperation::Of(operation);
  if (!op || !session) return MI_RESULT_INVALID_PARAMETER;
  session->reserved1 = 0;
  session->reserved2 = reinterpret_cast<ptrdiff_t>(op->session);
  session->ft = &g_sessionFT;
  return MI_RESULT_OK;
}

MI_Result WINOPS_MI_CALL OpGetInstance(MI_Operation*, const MI_Instance**, MI_Boolean*, MI_Result* result, const MI_Char**,
                                       const MI_Instance**) {
  Log::Get().Violation("MI_Operation_GetInstance: synchronous (pull) mode is not simulated");
  if (result) *result = MI_RESULT_NOT_SUPPORTED;
  return MI_RESULT_NOT_SUPPORTED;
}
MI_Result WINOPS_MI_CALL OpGetIndication(MI_Operation*, const MI_Instance**, const MI_Char**, const MI_Char**, MI_Boolean*,
                                         MI_Result* result, const MI_Char**, const MI_Instance**) {
  Log::Get().Violation("MI_Operation_GetIndication: synchronous (pull) mode is not simulated");
  if (result) *result = MI_RESULT_NOT_SUPPORTED;
  return MI_RESULT_NOT_SUPPORTED;
}
MI_Result WINOPS_MI_CALL OpGetClass(MI_Operation*, const MI_Class**, MI_Boolean*, MI_Result* result, const MI_Char**,
                                    const MI_Instance**) {
  if (result) *result = MI_RESULT_NOT_SUPPORTED;
  return MI_RESULT_NOT_SUPPORTED;
}

const MI_OperationFT g_operationFT = {OpClose, OpCancel, OpGetSession, OpGetInstance, OpGetIndication, OpGetClass};

// ------------------------------------------------------------------------------------------ MI_SessionFT

void WINOPS_MI_CALL SessGetInstance(MI_Session* session, MI_Uint32 flags, MI_OperationOptions*, const MI_Char* ns,
                                    const MI_Instance* inbound, MI_OperationCallbacks* callbacks, MI_Operation* operation) {
  StartOperation(session, flags, callbacks, operation, "MI_Session_GetInstance", DescribeInstance(inbound), "get",
                 Narrow(ns), "", "", false, inbound, nullptr);
}

void NotSimulated(MI_Session* session, MI_Uint32 flags, MI_OperationCallbacks* callbacks, MI_Operation* operation,
                  const char* call) {
  StartOperation(session, flags, callbacks, operation, call, "not simulated", "none", "root/cimv2", "", "", false,
                 nullptr, nullptr);
}

void WINOPS_MI_CALL SessModifyInstance(MI_Session* s, MI_Uint32 f, MI_OperationOptions*, const MI_Char*, const MI_Instance*,
                                       MI_OperationCallbacks* cb, MI_Operation* op) {
  NotSimulated(s, f, cb, op, "MI_Session_ModifyInstance");
}
void WINOPS_MI_CALL SessCreateInstance(MI_Session* s, MI_Uint32 f, MI_OperationOptions*, const MI_Char*, const MI_Instance*,
                                       MI_OperationCallbacks* cb, MI_Operation* op) {
  NotSimulated(s, f, cb, op, "MI_Session_CreateInstance");
}
void WINOPS_MI_CALL SessDeleteInstance(MI_Session* s, MI_Uint32 f, MI_OperationOptions*, const MI_Char*, const MI_Instance*,
                                       MI_OperationCallbacks* cb, MI_Operation* op) {
  NotSimulated(s, f, cb, op, "MI_Session_DeleteInstance");
}
void WINOPS_MI_CALL SessInvoke(MI_Session* session, MI_Uint32 flags, MI_OperationOptions*, const MI_Char* ns,
                               const MI_Char* className, const MI_Char* methodName, const MI_Instance* inbound,
                               const MI_Instance* params, MI_OperationCallbacks* callbacks, MI_Operation* operation) {
  const std::string detail = Narrow(className) + "." + Narrow(methodName) + " keys " + DescribeInstance(inbound) +
                             " parameters " + DescribeInstance(params);
  StartOperation(session, flags, callbacks, operation, "MI_Session_Invoke", detail, "invoke", Narrow(ns),
                 Narrow(className), Narrow(methodName), false, inbound, params);
}
void WINOPS_MI_CALL SessEnumerate(MI_Session* session, MI_Uint32 flags, MI_OperationOptions*, const MI_Char* ns,
                                  const MI_Char* className, MI_Boolean keysOnly, MI_OperationCallbacks* callbacks,
                                  MI_Operation* operation) {
  StartOperation(session, flags, callbacks, operation, "MI_Session_EnumerateInstances",
                 Narrow(className) + (keysOnly ? " keysOnly" : ""), "enumerate", Narrow(ns), Narrow(className), "",
                 keysOnly != MI_FALSE, nullptr, nullptr);
}
void WINOPS_MI_CALL SessQuery(MI_Session* session, MI_Uint32 flags, MI_OperationOptions*, const MI_Char* ns,
                              const MI_Char* dialect, const MI_Char* expression, MI_OperationCallbacks* callbacks,
                              MI_Operation* operation) {
  StartOperation(session, flags, callbacks, operation, "MI_Session_QueryInstances", Narrow(expression), "query",
                 Narrow(ns), Narrow(dialect), Narrow(expression), false, nullptr, nullptr);
}
void WINOPS_MI_CALL SessAssociators(MI_Session* s, MI_Uint32 f, MI_OperationOptions*, const MI_Char*, const MI_Instance*,
                                    const MI_Char*, const MI_Char*, const MI_Char*, const MI_Char*, MI_Boolean,
                                    MI_OperationCallbacks* cb, MI_Operation* op) {
  NotSimulated(s, f, cb, op, "MI_Session_AssociatorInstances");
}
void WINOPS_MI_CALL SessReferences(MI_Session* s, MI_Uint32 f, MI_OperationOptions*, const MI_Char*, const MI_Instance*,
                                   const MI_Char*, const MI_Char*, MI_Boolean, MI_OperationCallbacks* cb, MI_Operation* op) {
  NotSimulated(s, f, cb, op, "MI_Session_ReferenceInstances");
}
void WINOPS_MI_CALL SessSubscribe(MI_Session* session, MI_Uint32 flags, MI_OperationOptions*, const MI_Char* ns,
                                  const MI_Char* dialect, const MI_Char* expression, const MI_SubscriptionDeliveryOptions*,
                                  MI_OperationCallbacks* callbacks, MI_Operation* operation) {
  StartOperation(session, flags, callbacks, operation, "MI_Session_Subscribe", Narrow(expression), "subscribe",
                 Narrow(ns), Narrow(dialect), Narrow(expression), false, nullptr, nullptr);
}
void WINOPS_MI_CALL SessGetClass(MI_Session* s, MI_Uint32 f, MI_OperationOptions*, const MI_Char*, const MI_Char*,
                                 MI_OperationCallbacks* cb, MI_Operation* op) {
  NotSimulated(s, f, cb, op, "MI_Session_GetClass");
}
void WINOPS_MI_CALL SessEnumerateClasses(MI_Session* s, MI_Uint32 f, MI_OperationOptions*, const MI_Char*, const MI_Char*,
                                         MI_Boolean, MI_OperationCallbacks* cb, MI_Operation* op) {
  NotSimulated(s, f, cb, op, "MI_Session_EnumerateClasses");
}
void WINOPS_MI_CALL SessTestConnection(MI_Session* s, MI_Uint32 f, MI_OperationCallbacks* cb, MI_Operation* op) {
  NotSimulated(s, f, cb, op, "MI_Session_TestConnection");
}

// Blocks until every operation of the session is closed (at most 30 s, then a violation).
void WaitForOps(DSession* s, std::unique_lock<SlimMutex>& lock) {
  if (!s->opsClosed.wait_for(lock, std::chrono::seconds(30), [s] { return s->ops.empty(); })) {
    Log::Get().Violation("MI_Session_Close: " + std::to_string(s->ops.size()) + " operation(s) never closed");
  }
}

void FinishSessionClose(DSession* s) {  // g_mu held
  s->closed = true;
  if (s->app) {
    auto& v = s->app->sessions;
    v.erase(std::remove(v.begin(), v.end(), s), v.end());
  }
  Log::Get().Live("MI_Session", -1);
}

MI_Result WINOPS_MI_CALL SessClose(MI_Session* session, void* context, MI_SessionCloseCompletion completion) {
  auto* s = session ? reinterpret_cast<DSession*>(session->reserved2) : nullptr;
  if (!s || session->ft != &g_sessionFT) {
    Log::Get().Violation("MI_Session_Close on an unknown session");
    return MI_RESULT_INVALID_PARAMETER;
  }
  session->reserved2 = 0;
  {
    std::lock_guard<SlimMutex> lock(g_mu);
    Log::Get().Call("MI_Session_Close", "MI_RESULT_OK", completion ? "async" : "sync", static_cast<long long>(s->ops.size()));
  }
  if (!completion) {
    std::unique_lock<SlimMutex> lock(g_mu);
    WaitForOps(s, lock);
    FinishSessionClose(s);
    return MI_RESULT_OK;
  }
  std::thread([s, context, completion] {
    if (s->scenario && s->scenario->holdSessionClose) Log::Get().Hold("mi:sessionClose", nullptr);
    {
      std::unique_lock<SlimMutex> lock(g_mu);
      WaitForOps(s, lock);
      FinishSessionClose(s);
    }
    completion(context);
  }).detach();
  return MI_RESULT_OK;
}

MI_Result WINOPS_MI_CALL SessGetApplication(MI_Session* session, MI_Application* app) {
  auto* s = session ? reinterpret_cast<DSession*>(session->reserved2) : nullptr;
  if (!s || !app) return MI_RESULT_INVALID_PARAMETER;
  app->reserved1 = 0;
  app->reserved2 = reinterpret_cast<ptrdiff_t>(s->app);
  app->ft = &g_applicationFT;
  return MI_RESULT_OK;
}

const MI_SessionFT g_sessionFT = {
    SessClose, SessGetApplication, SessGetInstance, SessModifyInstance, SessCreateInstance, SessDeleteInstance,
    SessInvoke, SessEnumerate, SessQuery, SessAssociators, SessReferences, SessSubscribe, SessGetClass,
    SessEnumerateClasses, SessTestConnection,
};

// ------------------------------------------------------------------------------------------ destination options

struct DDestinationOptions {
  std::string credentials;  // "Basic user@domain": never the password
  std::vector<std::string> settings;
};

DDestinationOptions* OptionsOf(MI_DestinationOptions* o) {
  return o && o->ft == &g_destinationOptionsFT ? reinterpret_cast<DDestinationOptions*>(o->reserved2) : nullptr;
}

void WINOPS_MI_CALL DoDelete(MI_DestinationOptions* o) {
  if (DDestinationOptions* d = OptionsOf(o)) {
    delete d;
    o->reserved2 = 0;
    Log::Get().Live("MI_DestinationOptions", -1);
  }
}
MI_Result WINOPS_MI_CALL DoSetString(MI_DestinationOptions* o, const MI_Char* name, const MI_Char* value, MI_Uint32) {
  DDestinationOptions* d = OptionsOf(o);
  if (!d) return MI_RESULT_INVALID_PARAMETER;
  d->settings.push_back(Narrow(name) + "=" + Narrow(value));
  return MI_RESULT_OK;
}
MI_Result WINOPS_MI_CALL DoSetNumber(MI_DestinationOptions* o, const MI_Char* name, MI_Uint32 value, MI_Uint32) {
  DDestinationOptions* d = OptionsOf(o);
  if (!d) return MI_RESULT_INVALID_PARAMETER;
  d->settings.push_back(Narrow(name) + "=" + std::to_string(value));
  return MI_RESULT_OK;
}
MI_Result WINOPS_MI_CALL DoAddCredentials(MI_DestinationOptions* o, const MI_Char* name, const MI_UserCredentials* c,
                                          MI_Uint32) {
  DDestinationOptions* d = OptionsOf(o);
  if (!d || !c) return MI_RESULT_INVALID_PARAMETER;
  if (Narrow(name) != "__MI_DESTINATIONOPTIONS_DESTINATION_CREDENTIALS") {
    Log::Get().Violation("AddCredentials with option name " + Narrow(name));
  }
  const auto& up = c->credentials.usernamePassword;
  d->credentials = Narrow(c->authenticationType) + " " + Narrow(up.username) +
                   (up.domain ? "@" + Narrow(up.domain) : std::string()) +
                   (up.password ? " with a password" : " without a password");
  return MI_RESULT_OK;
}
MI_Result WINOPS_MI_CALL DoGetString(MI_DestinationOptions*, const MI_Char*, const MI_Char**, MI_Uint32*, MI_Uint32*) {
  return MI_RESULT_NOT_SUPPORTED;
}
MI_Result WINOPS_MI_CALL DoGetNumber(MI_DestinationOptions*, const MI_Char*, MI_Uint32*, MI_Uint32*, MI_Uint32*) {
  return MI_RESULT_NOT_SUPPORTED;
}
MI_Result WINOPS_MI_CALL DoGetOptionCount(MI_DestinationOptions*, MI_Uint32*) { return MI_RESULT_NOT_SUPPORTED; }
MI_Result WINOPS_MI_CALL DoGetOptionAt(MI_DestinationOptions*, MI_Uint32, const MI_Char**, MI_Value*, MI_Type*, MI_Uint32*) {
  return MI_RESULT_NOT_SUPPORTED;
}
MI_Result WINOPS_MI_CALL DoGetOption(MI_DestinationOptions*, const MI_Char*, MI_Value*, MI_Type*, MI_Uint32*, MI_Uint32*) {
  return MI_RESULT_NOT_SUPPORTED;
}
MI_Result WINOPS_MI_CALL DoGetCredentialsCount(MI_DestinationOptions*, MI_Uint32*) { return MI_RESULT_NOT_SUPPORTED; }
MI_Result WINOPS_MI_CALL DoGetCredentialsAt(MI_DestinationOptions*, MI_Uint32, const MI_Char**, MI_UserCredentials*,
                                            MI_Uint32*) {
  return MI_RESULT_NOT_SUPPORTED;
}
MI_Result WINOPS_MI_CALL DoGetCredentialsPasswordAt(MI_DestinationOptions*, MI_Uint32, const MI_Char**, MI_Char*,
                                                    MI_Uint32, MI_Uint32*, MI_Uint32*) {
  return MI_RESULT_NOT_SUPPORTED;
}
MI_Result WINOPS_MI_CALL DoClone(const MI_DestinationOptions*, MI_DestinationOptions*) { return MI_RESULT_NOT_SUPPORTED; }
MI_Result WINOPS_MI_CALL DoSetInterval(MI_DestinationOptions* o, const MI_Char* name, const MI_Interval* v, MI_Uint32) {
  DDestinationOptions* d = OptionsOf(o);
  if (!d || !v) return MI_RESULT_INVALID_PARAMETER;
  d->settings.push_back(Narrow(name) + "=" + std::to_string(v->seconds) + "s");
  return MI_RESULT_OK;
}
MI_Result WINOPS_MI_CALL DoGetInterval(MI_DestinationOptions*, const MI_Char*, MI_Interval*, MI_Uint32*, MI_Uint32*) {
  return MI_RESULT_NOT_SUPPORTED;
}

const MI_DestinationOptionsFT g_destinationOptionsFT = {
    DoDelete, DoSetString, DoSetNumber, DoAddCredentials, DoGetString, DoGetNumber, DoGetOptionCount, DoGetOptionAt,
    DoGetOption, DoGetCredentialsCount, DoGetCredentialsAt, DoGetCredentialsPasswordAt, DoClone, DoSetInterval,
    DoGetInterval,
};

// ------------------------------------------------------------------------------------------ MI_ApplicationFT

DApplication* AppOf(MI_Application* a) {
  return a && a->ft == &g_applicationFT ? reinterpret_cast<DApplication*>(a->reserved2) : nullptr;
}

MI_Result WINOPS_MI_CALL AppClose(MI_Application* application) {
  DApplication* app = AppOf(application);
  if (!app) {
    Log::Get().Violation("MI_Application_Close on an unknown application");
    return MI_RESULT_INVALID_PARAMETER;
  }
  std::lock_guard<SlimMutex> lock(g_mu);
  if (!app->sessions.empty()) {
    Log::Get().Violation("MI_Application_Close with " + std::to_string(app->sessions.size()) + " session(s) open");
  }
  for (DSession* s : app->sessions) s->app = nullptr;
  Log::Get().Call("MI_Application_Close", "MI_RESULT_OK");
  Log::Get().Live("MI_Application", -1);
  application->reserved2 = 0;
  delete app;
  return MI_RESULT_OK;
}

MI_Result WINOPS_MI_CALL AppNewSession(MI_Application* application, const MI_Char* protocol, const MI_Char* destination,
                                       MI_DestinationOptions* options, MI_SessionCallbacks*, MI_Instance** extendedError,
                                       MI_Session* session) {
  if (extendedError) *extendedError = nullptr;
  DApplication* app = AppOf(application);
  if (!app || !session) return MI_RESULT_INVALID_PARAMETER;
  *session = MI_Session{};
  auto scenario = LoadScenario();
  const std::string dest = Narrow(destination);
  DDestinationOptions* opts = OptionsOf(options);
  std::string detail = "protocol=" + (protocol ? Narrow(protocol) : std::string("default")) +
                       " destination=" + (destination ? dest : std::string("local"));
  if (opts && !opts->credentials.empty()) detail += " credentials=" + opts->credentials;
  auto fail = [&](MI_Result r, const std::string& message) {
    Log::Get().Call("MI_Application_NewSession", ResultName(r), detail);
    // The caller owns the extended error and deletes it (counted as a client instance until then).
    if (extendedError) *extendedError = WmiError("MI", r, 27 /* CONNECTION_ERROR */, message, r)->Clone(true).release()->Mi();
    return r;
  };
  if (const Json* f = scenario->mi.Get("sessionFail")) {
    return fail(ResultOf(f, MI_RESULT_FAILED), "the session could not be opened (scripted)");
  }
  if (destination) {
    if (const Json* reach = scenario->mi.Get("reachableComputers"); reach && reach->type == Json::Type::kArray) {
      bool ok = false;
      for (const Json& c : reach->a) ok = ok || IEquals(c.s, dest);
      if (!ok) {
        return fail(MI_RESULT_FAILED,
                    "The client cannot connect to the destination specified in the request (" + dest + ").");
      }
    }
  }
  auto* s = new DSession();
  s->app = app;
  s->scenario = scenario;
  s->destination = dest;
  {
    std::lock_guard<SlimMutex> lock(g_mu);
    app->sessions.push_back(s);
  }
  session->reserved2 = reinterpret_cast<ptrdiff_t>(s);
  session->ft = &g_sessionFT;
  Log::Get().Live("MI_Session", +1);
  Log::Get().Call("MI_Application_NewSession", "MI_RESULT_OK", detail);
  return MI_RESULT_OK;
}

MI_Result WINOPS_MI_CALL AppNewHostedProvider(MI_Application*, const MI_Char*, const MI_Char*, MI_MainFunction,
                                              MI_Instance** e, MI_HostedProvider*) {
  if (e) *e = nullptr;
  return MI_RESULT_NOT_SUPPORTED;
}
MI_Result WINOPS_MI_CALL AppNewInstance(MI_Application* application, const MI_Char* className, const MI_ClassDecl*,
                                        MI_Instance** instance) {
  if (!AppOf(application) || !className || !instance) return MI_RESULT_INVALID_PARAMETER;
  *instance = (new DInstance(className, true))->Mi();
  return MI_RESULT_OK;
}
MI_Result WINOPS_MI_CALL AppNewDestinationOptions(MI_Application* application, MI_DestinationOptions* options) {
  if (!AppOf(application) || !options) return MI_RESULT_INVALID_PARAMETER;
  options->reserved1 = 0;
  options->reserved2 = reinterpret_cast<ptrdiff_t>(new DDestinationOptions());
  options->ft = &g_destinationOptionsFT;
  Log::Get().Live("MI_DestinationOptions", +1);
  return MI_RESULT_OK;
}
MI_Result WINOPS_MI_CALL AppNewOperationOptions(MI_Application*, MI_Boolean, MI_OperationOptions*) {
  return MI_RESULT_NOT_SUPPORTED;
}
MI_Result WINOPS_MI_CALL AppNewSubscriptionDeliveryOptions(MI_Application*, MI_SubscriptionDeliveryType,
                                                           MI_SubscriptionDeliveryOptions*) {
  return MI_RESULT_NOT_SUPPORTED;
}
MI_Result WINOPS_MI_CALL AppNewSerializer(MI_Application*, MI_Uint32, MI_Char*, MI_Serializer*) {
  return MI_RESULT_NOT_SUPPORTED;
}
MI_Result WINOPS_MI_CALL AppNewDeserializer(MI_Application*, MI_Uint32, MI_Char*, MI_Deserializer*) {
  return MI_RESULT_NOT_SUPPORTED;
}
MI_Result WINOPS_MI_CALL AppNewInstanceFromClass(MI_Application*, const MI_Char*, const MI_Class*, MI_Instance**) {
  return MI_RESULT_NOT_SUPPORTED;
}
MI_Result WINOPS_MI_CALL AppNewClass(MI_Application*, const MI_ClassDecl*, const MI_Char*, const MI_Char*, MI_Class**) {
  return MI_RESULT_NOT_SUPPORTED;
}

const MI_ApplicationFT g_applicationFT = {
    AppClose, AppNewSession, AppNewHostedProvider, AppNewInstance, AppNewDestinationOptions, AppNewOperationOptions,
    AppNewSubscriptionDeliveryOptions, AppNewSerializer, AppNewDeserializer, AppNewInstanceFromClass, AppNewClass,
};

const MI_ClientFT_V1 g_clientFT = {
    &g_applicationFT, &g_sessionFT, &g_operationFT, nullptr, nullptr, nullptr, nullptr, &g_destinationOptionsFT,
    nullptr, nullptr,
};

}  // namespace

// ------------------------------------------------------------------------------------------ exports

extern "C" {
const MI_ClientFT_V1* mi_clientFT_V1 = &g_clientFT;  // DATA export, as mi.dll has it
}

extern "C" MI_Result WINOPS_MI_MAIN_CALL MI_Application_InitializeV1(MI_Uint32 flags, const MI_Char* applicationID,
                                                                     MI_Instance** extendedError,
                                                                     MI_Application* application) {
  if (extendedError) *extendedError = nullptr;
  if (!application) return MI_RESULT_INVALID_PARAMETER;
  if (flags != 0) Log::Get().Violation("MI_Application_InitializeV1: flags must be 0");
  application->reserved1 = 1;
  application->reserved2 = reinterpret_cast<ptrdiff_t>(new DApplication());
  application->ft = &g_applicationFT;
  Log::Get().Live("MI_Application", +1);
  Log::Get().Call("MI_Application_InitializeV1", "MI_RESULT_OK", Narrow(applicationID));
  return MI_RESULT_OK;
}

BOOL WINAPI DllMain(HINSTANCE instance, DWORD reason, LPVOID) {
  if (reason == DLL_PROCESS_ATTACH) {
    // Operation threads are detached and may outlive the caller's last reference to the DLL.
    HMODULE self = nullptr;
    ::GetModuleHandleExW(GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS | GET_MODULE_HANDLE_EX_FLAG_PIN,
                         reinterpret_cast<LPCWSTR>(&DllMain), &self);
    ::DisableThreadLibraryCalls(instance);
  }
  return TRUE;
}
