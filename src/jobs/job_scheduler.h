// JobScheduler: runs each Job every interval(), on its own thread, in only
// one process across all replicas:
//   - a lease (JobLock, <prefix>jobs:<name>:lock) is held while a run lasts,
//     renewed every ttl/3, so a second process waits;
//   - the time of the last run (<prefix>jobs:<name>:last) is shared, so N
//     replicas still run the job once per interval, not N times.
// Metrics: spamphibian_job_runs_total{job,outcome}.
#pragma once

#include <spdlog/logger.h>

#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "jobs/job.h"
#include "metrics/registry.h"
#include "redis/connector.h"

namespace spamphibian {

class JobScheduler {
 public:
  // `connector`, `metrics`, `log` must outlive the scheduler.
  JobScheduler(const redis::Connector& connector, std::string key_prefix, std::string owner,
               metrics::Registry& metrics, spdlog::logger& log);
  ~JobScheduler();

  void Add(std::unique_ptr<Job> job);
  void Start();
  void Stop();

 private:
  void Loop(Job& job);
  bool Sleep(std::chrono::milliseconds d);  // false when stopping

  const redis::Connector& connector_;
  const std::string prefix_;
  const std::string owner_;
  metrics::CounterFamily& runs_;
  spdlog::logger& log_;
  std::vector<std::unique_ptr<Job>> jobs_;
  std::vector<std::thread> threads_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
};

}  // namespace spamphibian
