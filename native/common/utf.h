// UTF-8 <-> UTF-16 for the boundary between JS strings (UTF-8/UTF-16) and Windows (UTF-16).
// Invalid input is replaced (U+FFFD), never an exception: these strings are data, often from the OS.
#pragma once

#include <string>
#include <string_view>

namespace winops {

std::wstring Utf8ToWide(std::string_view utf8);
std::string WideToUtf8(std::wstring_view wide);

// JS strings are UTF-16 and so is wchar_t on Windows: these only reinterpret.
std::u16string WideToU16(std::wstring_view wide);
std::wstring U16ToWide(std::u16string_view u16);

}  // namespace winops
