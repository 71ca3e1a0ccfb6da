// Checking JS arguments at the addon's boundary. Every failure is a TypeError (wrong type) or a RangeError
// (right type, value out of range) whose message names the argument ("fn: what must be ..., got ...").
// Describing the value never runs JS code (no toString/valueOf of the caller's objects). Strings go to
// Windows as UTF-16 unchanged (a JS string is UTF-16: unpaired surrogates pass through as they are, as
// Windows names allow), and never with a NUL inside: Windows would read only what comes before it.
#pragma once

#include <cmath>
#include <cstdio>
#include <string>

#include <napi.h>

#include "common/utf.h"

namespace winops::args {

inline std::string Describe(const Napi::Value& v) {
  switch (v.Type()) {
    case napi_undefined: return "undefined";
    case napi_null: return "null";
    case napi_boolean: return v.As<Napi::Boolean>().Value() ? "true" : "false";
    case napi_number: {
      const double d = v.As<Napi::Number>().DoubleValue();
      if (std::isnan(d)) return "NaN";
      if (std::isinf(d)) return d > 0 ? "Infinity" : "-Infinity";
      char buf[32];
      std::snprintf(buf, sizeof buf, "%.17g", d);
      return std::string("the number ") + buf;
    }
    case napi_string: return "a string";
    case napi_symbol: return "a symbol";
    case napi_object: return v.IsArray() ? "an array" : "an object";
    case napi_function: return "a function";
    case napi_external: return "an external";
    case napi_bigint: return "a bigint";
  }
  return "a value";
}

[[noreturn]] inline void TypeFail(const Napi::Value& v, const std::string& what, const char* expected) {
  throw Napi::TypeError::New(v.Env(), what + " must be " + expected + ", got " + Describe(v));
}

[[noreturn]] inline void RangeFail(const Napi::Value& v, const std::string& what, const char* expected) {
  throw Napi::RangeError::New(v.Env(), what + " must be " + expected + ", got " + Describe(v));
}

// A string without NUL, as UTF-16.
inline std::wstring WideString(const Napi::Value& v, const std::string& what) {
  if (!v.IsString()) TypeFail(v, what, "a string");
  std::u16string s = v.As<Napi::String>().Utf16Value();
  if (s.find(u'\0') != std::u16string::npos) {
    throw Napi::TypeError::New(v.Env(), what + " must not contain a NUL character");
  }
  return U16ToWide(s);
}

// An integer number in [min, max].
inline double Integer(const Napi::Value& v, const std::string& what, double min, double max, const char* expected) {
  if (!v.IsNumber()) TypeFail(v, what, "a number");
  const double d = v.As<Napi::Number>().DoubleValue();
  if (!(d >= min && d <= max) || std::floor(d) != d) RangeFail(v, what, expected);
  return d;
}

inline uint32_t Uint32(const Napi::Value& v, const std::string& what) {
  return static_cast<uint32_t>(Integer(v, what, 0, 4294967295.0, "an integer from 0 to 4294967295"));
}

inline int32_t Int32(const Napi::Value& v, const std::string& what) {
  return static_cast<int32_t>(Integer(v, what, -2147483648.0, 2147483647.0, "an integer from -2147483648 to 2147483647"));
}

// An HRESULT: int32 or uint32, as its unsigned value.
inline uint32_t Hresult(const Napi::Value& v, const std::string& what) {
  const double d = Integer(v, what, -2147483648.0, 4294967295.0, "an HRESULT (an int32 or uint32 integer)");
  return d < 0 ? static_cast<uint32_t>(static_cast<int32_t>(d)) : static_cast<uint32_t>(d);
}

// A handle of the addon's own: an integer from 1 to 2^32-1 (whether it is live is the caller's business).
inline uint32_t Handle(const Napi::Value& v, const std::string& what) {
  return static_cast<uint32_t>(Integer(v, what, 1, 4294967295.0, "a handle (an integer from 1 to 4294967295)"));
}

// A boolean; undefined means dflt.
inline bool Boolean(const Napi::Value& v, const std::string& what, bool dflt) {
  if (v.IsUndefined()) return dflt;
  if (!v.IsBoolean()) TypeFail(v, what, "a boolean");
  return v.As<Napi::Boolean>().Value();
}

// info[i], undefined when absent.
inline Napi::Value At(const Napi::CallbackInfo& info, size_t i) {
  return i < info.Length() ? info[i] : info.Env().Undefined();
}

}  // namespace winops::args
