// Shared by the Windows test doubles (test/doubles/vssapi, mi, imapi2, axe): a small JSON reader for
// the scenario (env WINOPS_SCENARIO: inline JSON or a file path, the same JSON lib/fake reads), symbolic
// codes (generated from lib/codes.generated.ts by build.sh into codes.inc), and the JSON log the
// tests read (env WINOPS_DOUBLE_LOG): calls in order, violations of the documented manners, and the
// live object count per class.
//
// Test code only: nothing here is part of the addon.
#pragma once

#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#include <windows.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace doubles {

// ------------------------------------------------------------------------------------------ JSON

struct Json {
  enum class Type { kNull, kBool, kNumber, kString, kArray, kObject } type = Type::kNull;
  bool b = false;
  double n = 0;
  std::string s;
  std::vector<Json> a;
  std::vector<std::pair<std::string, Json>> o;

  const Json* Get(const char* key) const {
    if (type != Type::kObject) return nullptr;
    for (const auto& kv : o) {
      if (kv.first == key) return &kv.second;
    }
    return nullptr;
  }
  bool IsNumber() const { return type == Type::kNumber; }
  bool IsString() const { return type == Type::kString; }
  double Num(const char* key, double fallback) const {
    const Json* v = Get(key);
    return v && v->type == Type::kNumber ? v->n : fallback;
  }
  bool Bool(const char* key, bool fallback) const {
    const Json* v = Get(key);
    return v && v->type == Type::kBool ? v->b : fallback;
  }
  std::string Str(const char* key, const std::string& fallback) const {
    const Json* v = Get(key);
    return v && v->type == Type::kString ? v->s : fallback;
  }
};

class JsonParser {
 public:
  explicit JsonParser(const std::string& text) : t_(text) {}
  bool Parse(Json& out) {
    if (!Value(out)) return false;
    Ws();
    return i_ == t_.size();
  }

 private:
  void Ws() {
    while (i_ < t_.size() && (t_[i_] == ' ' || t_[i_] == '\t' || t_[i_] == '\n' || t_[i_] == '\r')) ++i_;
  }
  bool Lit(const char* word) {
    const size_t n = std::strlen(word);
    if (t_.compare(i_, n, word) != 0) return false;
    i_ += n;
    return true;
  }
  static void Utf8(std::string& s, unsigned cp) {
    if (cp < 0x80) {
      s += static_cast<char>(cp);
    } else if (cp < 0x800) {
      s += static_cast<char>(0xC0 | (cp >> 6));
      s += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      s += static_cast<char>(0xE0 | (cp >> 12));
      s += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      s += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      s += static_cast<char>(0xF0 | (cp >> 18));
      s += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      s += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      s += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }
  bool Hex4(unsigned& cp) {
    if (i_ + 4 > t_.size()) return false;
    cp = 0;
    for (int k = 0; k < 4; ++k) {
      const char c = t_[i_++];
      cp <<= 4;
      if (c >= '0' && c <= '9') cp |= static_cast<unsigned>(c - '0');
      else if (c >= 'a' && c <= 'f') cp |= static_cast<unsigned>(c - 'a' + 10);
      else if (c >= 'A' && c <= 'F') cp |= static_cast<unsigned>(c - 'A' + 10);
      else return false;
    }
    return true;
  }
  bool String(std::string& s) {
    if (i_ >= t_.size() || t_[i_] != '"') return false;
    ++i_;
    while (i_ < t_.size()) {
      const char c = t_[i_++];
      if (c == '"') return true;
      if (c != '\\') {
        s += c;
        continue;
      }
      if (i_ >= t_.size()) return false;
      const char e = t_[i_++];
      switch (e) {
        case '"': s += '"'; break;
        case '\\': s += '\\'; break;
        case '/': s += '/'; break;
        case 'b': s += '\b'; break;
        case 'f': s += '\f'; break;
        case 'n': s += '\n'; break;
        case 'r': s += '\r'; break;
        case 't': s += '\t'; break;
        case 'u': {
          unsigned cp = 0;
          if (!Hex4(cp)) return false;
          if (cp >= 0xD800 && cp < 0xDC00 && i_ + 6 <= t_.size() && t_[i_] == '\\' && t_[i_ + 1] == 'u') {
            i_ += 2;
            unsigned lo = 0;
            if (!Hex4(lo)) return false;
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
          }
          Utf8(s, cp);
          break;
        }
        default: return false;
      }
    }
    return false;
  }
  bool Value(Json& v) {
    Ws();
    if (i_ >= t_.size()) return false;
    const char c = t_[i_];
    if (c == '{') {
      ++i_;
      v.type = Json::Type::kObject;
      Ws();
      if (i_ < t_.size() && t_[i_] == '}') return ++i_, true;
      for (;;) {
        Ws();
        std::string key;
        if (!String(key)) return false;
        Ws();
        if (i_ >= t_.size() || t_[i_] != ':') return false;
        ++i_;
        Json child;
        if (!Value(child)) return false;
        v.o.emplace_back(std::move(key), std::move(child));
        Ws();
        if (i_ < t_.size() && t_[i_] == ',') { ++i_; continue; }
        if (i_ < t_.size() && t_[i_] == '}') return ++i_, true;
        return false;
      }
    }
    if (c == '[') {
      ++i_;
      v.type = Json::Type::kArray;
      Ws();
      if (i_ < t_.size() && t_[i_] == ']') return ++i_, true;
      for (;;) {
        Json child;
        if (!Value(child)) return false;
        v.a.push_back(std::move(child));
        Ws();
        if (i_ < t_.size() && t_[i_] == ',') { ++i_; continue; }
        if (i_ < t_.size() && t_[i_] == ']') return ++i_, true;
        return false;
      }
    }
    if (c == '"') {
      v.type = Json::Type::kString;
      return String(v.s);
    }
    if (Lit("true")) { v.type = Json::Type::kBool; v.b = true; return true; }
    if (Lit("false")) { v.type = Json::Type::kBool; v.b = false; return true; }
    if (Lit("null")) { v.type = Json::Type::kNull; return true; }
    const char* start = t_.c_str() + i_;
    char* end = nullptr;
    const double d = std::strtod(start, &end);
    if (end == start) return false;
    i_ += static_cast<size_t>(end - start);
    v.type = Json::Type::kNumber;
    v.n = d;
    return true;
  }

  const std::string& t_;
  size_t i_ = 0;
};

inline std::string Quote(const std::string& s) {
  std::string out = "\"";
  for (const char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(c));
          out += buf;
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

// ------------------------------------------------------------------------------------------ text

inline std::string Narrow(const wchar_t* w, int len = -1) {
  if (!w) return std::string();
  const int n = ::WideCharToMultiByte(CP_UTF8, 0, w, len, nullptr, 0, nullptr, nullptr);
  if (n <= 0) return std::string();
  std::string s(static_cast<size_t>(n), '\0');
  ::WideCharToMultiByte(CP_UTF8, 0, w, len, s.data(), n, nullptr, nullptr);
  if (len < 0 && !s.empty() && s.back() == '\0') s.pop_back();
  return s;
}

inline std::wstring Widen(const std::string& s) {
  if (s.empty()) return std::wstring();
  const int n = ::MultiByteToWideChar(CP_UTF8, 0, s.data(), static_cast<int>(s.size()), nullptr, 0);
  std::wstring w(static_cast<size_t>(n), L'\0');
  ::MultiByteToWideChar(CP_UTF8, 0, s.data(), static_cast<int>(s.size()), w.data(), n);
  return w;
}

inline std::string Lower(std::string s) {
  for (char& c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return s;
}

inline std::string Env(const wchar_t* name) {
  const DWORD n = ::GetEnvironmentVariableW(name, nullptr, 0);
  if (n == 0) return std::string();
  std::wstring w(n, L'\0');
  const DWORD got = ::GetEnvironmentVariableW(name, w.data(), n);
  w.resize(got);
  return Narrow(w.c_str(), static_cast<int>(w.size()));
}

inline bool ReadFileUtf8(const std::string& path, std::string& out) {
  HANDLE h = ::CreateFileW(Widen(path).c_str(), GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE, nullptr,
                           OPEN_EXISTING, 0, nullptr);
  if (h == INVALID_HANDLE_VALUE) return false;
  char buf[65536];
  DWORD got = 0;
  while (::ReadFile(h, buf, sizeof buf, &got, nullptr) && got > 0) out.append(buf, got);
  ::CloseHandle(h);
  return true;
}

// The scenario's section for one family ({} when none): WINOPS_SCENARIO is inline JSON when it starts
// with '{', else a file path.
inline Json ScenarioSection(const char* family) {
  std::string text = Env(L"WINOPS_SCENARIO");
  size_t k = 0;
  while (k < text.size() && (text[k] == ' ' || text[k] == '\n' || text[k] == '\r' || text[k] == '\t')) ++k;
  if (k < text.size() && text[k] != '{') {
    std::string file;
    if (!ReadFileUtf8(text, file)) return Json{};
    text = std::move(file);
  }
  Json root;
  if (text.empty() || !JsonParser(text).Parse(root)) return Json{};
  const Json* section = root.Get(family);
  return section ? *section : Json{};
}

// ------------------------------------------------------------------------------------------ codes

struct CodeEntry {
  const char* name;
  unsigned long value;
};

// From lib/codes.generated.ts (every code with a published value), generated by build.sh.
inline const CodeEntry kCodes[] = {
#include "codes.inc"
};

// A scenario Code (symbolic name or number) as an HRESULT; fallback when unknown.
inline HRESULT CodeOf(const Json* code, HRESULT fallback) {
  if (!code) return fallback;
  if (code->IsNumber()) return static_cast<HRESULT>(static_cast<unsigned long>(static_cast<long long>(code->n)));
  if (code->IsString()) {
    for (const CodeEntry& e : kCodes) {
      if (code->s == e.name) return static_cast<HRESULT>(e.value);
    }
  }
  return fallback;
}

inline std::string CodeName(HRESULT hr) {
  for (const CodeEntry& e : kCodes) {
    if (e.value == static_cast<unsigned long>(hr)) return e.name;
  }
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%08lX", static_cast<unsigned long>(hr));
  return buf;
}

// ------------------------------------------------------------------------------------------ log

// The log: calls in order, violations of the documented manners, the live and created object counts per class.
// A new WINOPS_DOUBLE_LOG path starts a new log (calls and violations); live counts are the truth of the process
// and carry over. Without WINOPS_DOUBLE_LOG calls are not kept (long runs such as test/native/*-teardown.test.mjs
// stay fast and small), but violations are: the first log named afterwards reports them.
//
// Two ways to read it:
//  - in the same process (the test and the double are both in node.exe): the control exports below
//    (control_exports.h; test/doubles/control/control.node calls them). Snapshot() is the state itself, with a
//    version that every change increments, and WaitChange() blocks until the version passes one the reader saw.
//    Nothing is stale and nothing polls: a test waits for the state it needs (issue 10).
//  - from another process (a child whose double wrote it, read after the child exited): the file, rewritten whole
//    after every change so that it is valid JSON whenever it is read.
class Log {
 public:
  static Log& Get() {
    static Log* log = new Log();  // never destroyed: objects may be released during process exit
    return *log;
  }

  void Call(const std::string& call, const std::string& result, const std::string& detail = std::string(),
            long long number = -1) {
    Guard g(this);
    Sync();
    if (path_.empty()) return;
    std::string e = "{\"call\":" + Quote(call);
    if (!result.empty()) e += ",\"result\":" + Quote(result);
    if (!detail.empty()) e += ",\"detail\":" + Quote(detail);
    if (number >= 0) e += ",\"n\":" + std::to_string(number);
    e += ",\"thread\":" + std::to_string(::GetCurrentThreadId()) + "}";
    calls_.push_back(std::move(e));
    Changed();
  }

  void Violation(const std::string& what) {
    Guard g(this);
    Sync();
    violations_.push_back(Quote(what));
    Changed();
  }

  void Live(const char* cls, int delta) {
    Guard g(this);
    Sync();
    live_[cls] += delta;
    if (delta > 0) created_[cls] += delta;
    Changed();
  }

  int LiveCount() {
    Guard g(this);
    int n = 0;
    for (const auto& kv : live_) n += kv.second;
    return n;
  }

  // Gates (scenario "hold"s): a point where the double waits until the test releases it, so that a test decides
  // when a step ends, an Update comes or an assessment finishes, instead of a duration deciding it.
  //   Hold(gate, wake): logs {"call":"hold","detail":gate} (once per gate and log) and lists the gate under "held"
  //     while it waits, until Release(gate) (then true) or until `wake` (an event of the caller's, may be null) is
  //     signalled (false: the caller looks at its own state, e.g. a cancel, and may hold again). A gate released
  //     earlier passes at once. A hold nobody releases within kHoldLimitMs is a violation and passes (true): a test
  //     that failed while something was held must not hang the process that runs the others.
  //   Release(gate): from the test (control exports); lasts for the rest of this log.
  // A new log is a new test: holds of the earlier one are let go (their threads go on), and its gates start closed.
  static constexpr DWORD kHoldLimitMs = 60000;

  bool Hold(const std::string& gate, HANDLE wake) {
    HANDLE event = nullptr;
    unsigned long long generation = 0;
    {
      Guard g(this);
      Sync();
      if (released_.count(gate)) return true;
      event = GateEvent(gate);
      generation = generation_;
      if (held_[gate]++ == 0 && holdsLogged_.insert(gate).second && !path_.empty()) {
        calls_.push_back("{\"call\":\"hold\",\"detail\":" + Quote(gate) + ",\"thread\":" +
                         std::to_string(::GetCurrentThreadId()) + "}");
      }
      Changed();
    }
    HANDLE handles[2] = {event, wake};
    const DWORD r = ::WaitForMultipleObjects(wake ? 2 : 1, handles, FALSE, kHoldLimitMs);
    Guard g(this);
    if (generation_ == generation && --held_[gate] == 0) held_.erase(gate);
    if (r == WAIT_TIMEOUT || r == WAIT_FAILED) {
      violations_.push_back(Quote("hold " + gate + (r == WAIT_TIMEOUT ? " not released within 60 s" : " could not wait")));
    }
    Changed();
    return r != WAIT_OBJECT_0 + 1;
  }
  void Release(const std::string& gate) {
    Guard g(this);
    Sync();
    released_.insert(gate);
    ::SetEvent(GateEvent(gate));
    if (!path_.empty()) calls_.push_back("{\"call\":\"release\",\"detail\":" + Quote(gate) + "}");
    Changed();
  }

  // The whole log as JSON, with "version" (see WaitChange) and "path" (the WINOPS_DOUBLE_LOG it belongs to).
  std::string Snapshot() {
    Guard g(this);
    Sync();
    return Json(true);
  }

  // Blocks until the version is past `seen` or `timeoutMs` has passed; returns the version then. A change of
  // WINOPS_DOUBLE_LOG is seen at the next call of the double (or the next Snapshot), as for the file.
  unsigned long long WaitChange(unsigned long long seen, DWORD timeoutMs) {
    Guard g(this);
    const ULONGLONG deadline = ::GetTickCount64() + timeoutMs;
    while (version_ <= seen) {
      const ULONGLONG now = ::GetTickCount64();
      if (now >= deadline) break;
      ::SleepConditionVariableSRW(&changed_, &lock_, static_cast<DWORD>(deadline - now), 0);
    }
    return version_;
  }

 private:
  // Windows' slim lock and condition variable (a Windows DLL's own; winpthreads' would cost a system call per
  // wake-up under Wine). Never held while calling out of the double.
  struct Guard {
    explicit Guard(Log* l) : log(l) { ::AcquireSRWLockExclusive(&log->lock_); }
    ~Guard() { ::ReleaseSRWLockExclusive(&log->lock_); }
    Guard(const Guard&) = delete;
    Guard& operator=(const Guard&) = delete;
    Log* log;
  };

  void Sync() {
    const std::string path = Env(L"WINOPS_DOUBLE_LOG");
    if (path != path_) {
      if (!path_.empty()) {
        violations_.clear();
        created_.clear();
      }
      path_ = path;
      calls_.clear();
      // A new log is a new test: the earlier one's holds are let go and its gates forgotten (an event is never
      // closed: a thread let go may still be about to return from its wait on it; they are few and small).
      for (auto& kv : gates_) ::SetEvent(kv.second);
      gates_.clear();
      held_.clear();
      released_.clear();
      holdsLogged_.clear();
      ++generation_;
      ++version_;
      ::WakeAllConditionVariable(&changed_);
    }
  }
  void Changed() {
    ++version_;
    ::WakeAllConditionVariable(&changed_);
    Flush();
  }
  std::string Json(bool withVersion) const {
    std::string out = "{\"calls\":[";
    for (size_t i = 0; i < calls_.size(); ++i) out += (i ? ",\n" : "\n") + calls_[i];
    out += "],\n\"violations\":[";
    for (size_t i = 0; i < violations_.size(); ++i) out += (i ? "," : "") + violations_[i];
    out += "],\n\"live\":{";
    bool first = true;
    for (const auto& kv : live_) {
      out += (first ? "" : ",") + Quote(kv.first) + ":" + std::to_string(kv.second);
      first = false;
    }
    out += "},\n\"created\":{";
    first = true;
    for (const auto& kv : created_) {
      out += (first ? "" : ",") + Quote(kv.first) + ":" + std::to_string(kv.second);
      first = false;
    }
    out += "},\n\"held\":[";
    first = true;
    for (const auto& kv : held_) {
      out += (first ? "" : ",") + Quote(kv.first);
      first = false;
    }
    out += "]";
    if (withVersion) out += ",\n\"version\":" + std::to_string(version_) + ",\"path\":" + Quote(path_);
    return out + "}\n";
  }
  void Flush() {
    if (path_.empty()) return;
    const std::string out = Json(false);
    // Write beside, then replace: a reader never sees half a file.
    const std::wstring target = Widen(path_);
    const std::wstring temp = target + L".tmp";
    HANDLE h = ::CreateFileW(temp.c_str(), GENERIC_WRITE, 0, nullptr, CREATE_ALWAYS, FILE_ATTRIBUTE_NORMAL, nullptr);
    if (h == INVALID_HANDLE_VALUE) return;
    DWORD wrote = 0;
    ::WriteFile(h, out.data(), static_cast<DWORD>(out.size()), &wrote, nullptr);
    ::CloseHandle(h);
    // A reader may hold the target open for a moment (under Wine a replace then fails): retry, so that the last
    // change before a quiet spell is not lost from the file.
    for (int attempt = 0; attempt < 200; ++attempt) {
      if (::MoveFileExW(temp.c_str(), target.c_str(), MOVEFILE_REPLACE_EXISTING)) break;
      ::Sleep(1);
    }
  }

  // The manual-reset event of a gate in this log, made on first use.
  HANDLE GateEvent(const std::string& gate) {
    auto it = gates_.find(gate);
    if (it != gates_.end()) return it->second;
    HANDLE e = ::CreateEventW(nullptr, TRUE, released_.count(gate) ? TRUE : FALSE, nullptr);
    gates_.emplace(gate, e);
    return e;
  }

  SRWLOCK lock_ = SRWLOCK_INIT;
  CONDITION_VARIABLE changed_ = CONDITION_VARIABLE_INIT;
  unsigned long long version_ = 1;
  std::string path_;
  std::vector<std::string> calls_;
  std::vector<std::string> violations_;
  std::map<std::string, int> live_;
  std::map<std::string, int> created_;
  std::map<std::string, HANDLE> gates_;
  std::set<std::string> released_;
  std::set<std::string> holdsLogged_;
  std::map<std::string, int> held_;  // gate -> threads of this log waiting on it now
  unsigned long long generation_ = 0;  // which log the gates belong to
};

// Counts one live object of a class for its whole lifetime.
class Tracked {
 public:
  explicit Tracked(const char* cls) : cls_(cls) { Log::Get().Live(cls_, +1); }
  ~Tracked() { Log::Get().Live(cls_, -1); }
  Tracked(const Tracked&) = delete;
  Tracked& operator=(const Tracked&) = delete;

 private:
  const char* cls_;
};

}  // namespace doubles
