// The Update event sink of one write: DDiscFormat2DataEvents or DWriteEngine2Events, carrying the cancel
// protocol (CancelWrite only from inside Update). See write.cc.
#pragma once

#include <memory>

#include "common/com_ptr.h"
#include "common/win.h"
#include "imapi2/write_job.h"

namespace winops::imapi2 {

// A new sink (one reference, the caller's).
ComPtr<IDispatch> MakeUpdateSink(std::shared_ptr<WriteJob> job);

}  // namespace winops::imapi2
