// Job: periodic work that must run in one process at a time across all
// replicas (snippet check, verified users). The JobScheduler owns timing,
// the lock and the metrics; a job is only its Run().
#pragma once

#include <chrono>
#include <string_view>

#include "base/status.h"

namespace spamphibian {

class Job {
 public:
  virtual ~Job() = default;
  virtual std::string_view name() const = 0;
  virtual std::chrono::seconds interval() const = 0;
  // One run. Called from the job's own thread, under the job's lock.
  virtual Status Run() = 0;
};

}  // namespace spamphibian
