// StageRunner: the one loop that moves entries through a stage. Every stage
// of the pipeline runs on it; no stage has its own Redis loop.
//
// Each worker is one consumer of the stage's consumer group:
//   1. XREADGROUP a batch of new entries (blocking up to `block`);
//   2. Stage::ProcessBatch();
//   3. StreamBus::Commit(): emits appended + entry acknowledged atomically,
//      or the entry moved to the dead-letter stream;
//   4. an entry that failed (Retry, Hold) stays pending and owned by this
//      worker, in its local retry list. While the list is not empty the
//      worker probes: it retries one entry (the next in turn) with
//      back-off; once one succeeds, its dependency is back and the whole
//      list is retried at once (recovery at full speed, not at the pace of
//      reclaiming). A full list stops the worker from reading more: during
//      an outage, new entries would only fail too;
//   5. every maintenance tick: entries pending longer than `claim_idle`
//      (their consumer died) are claimed and processed again, or
//      dead-lettered once delivered `max_attempts` times; fully consumed
//      entries are trimmed.
// A heartbeat thread resets the idle time of every entry a worker owns
// (in work or in its retry list) every claim_idle/3, so that long work (a
// slow GitLab, a 429 wait) is never reclaimed and done twice by another
// consumer while its owner is alive.
//
// Failures: a Retry counts as an attempt when other entries succeeded
// since the last try of it (so it is this entry, not an outage) or once per
// claim_idle; a Retry entry is dead-lettered after `max_attempts`. A Hold
// is never dead-lettered. A dependency outage is logged once when it
// starts and once when it ends; the entries in between are counted.
//
// Any number of workers, processes and hosts may run the same stage.
#pragma once

#include <spdlog/logger.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "metrics/registry.h"
#include "stages/stage.h"
#include "stages/stream_bus.h"

namespace spamphibian {

struct StageRunnerOptions {
  std::string input_stream;        // full key
  std::string dead_letter_stream;  // full key
  std::string consumer_prefix;     // e.g. "host-1234-a1b2c3"; made unique per worker
  int workers = 1;
  int batch_size = 64;
  std::chrono::milliseconds block{1000};
  std::chrono::milliseconds claim_idle{30000};
  int max_attempts = 5;
  // Delete input entries once every group has acknowledged them. Off for a
  // stream that is also a log.
  bool trim_consumed = true;
  // The retry list's back-off between probes: doubles from `probe_min` to
  // `probe_max` while the probe fails.
  std::chrono::milliseconds probe_min{200};
  std::chrono::milliseconds probe_max{2000};
  // A stage that pays per request rather than per entry (the archive: one
  // S3 object per batch) waits up to this long after the first entry for
  // a fuller batch; 0: a batch is what one read returns. The entries read
  // meanwhile are pending and kept claimed by the heartbeat.
  std::chrono::milliseconds linger{0};
  // Lingers only when a read returned at least this many entries: entries
  // already waiting show a burst, where a fuller batch is worth the wait;
  // a lone entry goes at once (the act stage keeps its latency when quiet).
  int linger_from = 1;
};

class StageRunner {
 public:
  using StageFactory = std::function<std::unique_ptr<Stage>()>;
  using BusFactory = std::function<std::unique_ptr<StreamBus>()>;

  // Each worker gets its own Stage and StreamBus from the factories (and the
  // heartbeat one more StreamBus). `metrics` and `log` must outlive the runner.
  StageRunner(StageRunnerOptions options, StageFactory stage_factory, BusFactory bus_factory,
              metrics::Registry& metrics, spdlog::logger& log);
  ~StageRunner();

  void Start();
  // Lets each worker finish its current batch, then joins them. Entries in
  // retry lists stay pending; another consumer reclaims them.
  void Stop();

 private:
  struct Worker;
  struct Attempt;
  void Run(Worker& w);
  void Maintain(Worker& w);
  void Probe(Worker& w);
  // Reads more into `entries` until the batch is full or `linger` is over.
  void Linger(Worker& w, std::vector<Entry>* entries);
  void ProcessAndCommit(Worker& w, std::vector<Attempt> batch);
  void Heartbeat();
  Emit DeadLetter(const Worker& w, const Entry& entry, const std::string& error, long long attempts) const;
  void Count(Worker& w, const char* outcome, double n = 1);
  void RedisError(Worker& w, const Status& s);

  const StageRunnerOptions options_;
  StageFactory stage_factory_;
  BusFactory bus_factory_;
  metrics::Registry& metrics_;
  metrics::CounterFamily& processed_;
  metrics::CounterFamily& redis_errors_;
  metrics::GaugeFamily& waiting_;
  spdlog::logger& log_;
  std::atomic<bool> stop_{false};
  std::vector<std::unique_ptr<Worker>> workers_;
  std::thread heartbeat_;
  std::mutex heartbeat_mu_;
  std::condition_variable heartbeat_cv_;
};

}  // namespace spamphibian
