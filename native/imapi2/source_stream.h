// A read-only IStream of known size over a reader function: what IDiscFormat2Data::Write and
// IWriteEngine2::WriteSection consume. The three sources of the contract (ImapiSource) are three
// readers: a file (ReadFile at an offset), bytes copied from JS, and 'pull' (the reader blocks while
// JS supplies the bytes through the write's threadsafe function, see write.cc).
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "common/com_ptr.h"
#include "common/win.h"

namespace winops::imapi2 {

// Fills dst with exactly length bytes starting at offset; returns S_OK or a failure HRESULT.
// Called on whatever thread IMAPI reads the stream on (never the JS thread).
using StreamReader = std::function<HRESULT(uint64_t offset, ULONG length, BYTE* dst)>;

// The stream takes the reader; size is the stream's length in bytes (IStream::Stat's cbSize).
ComPtr<IStream> MakeSourceStream(uint64_t size, StreamReader reader);

}  // namespace winops::imapi2
