// The thread of one write (see write.cc): runs the write, reports `done`, releases the threadsafe function
// and sets job->threadEnded as its last act.
#pragma once

#include <memory>

#include "imapi2/write_job.h"

namespace winops::imapi2 {

void ThreadMain(std::shared_ptr<WriteJob> job);

}  // namespace winops::imapi2
