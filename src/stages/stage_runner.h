// StageRunner: the one loop that moves entries through a stage. Every stage
// of the pipeline runs on it; no stage has its own Redis loop.
//
// Each worker is one consumer of the stage's consumer group:
//   1. XREADGROUP a batch of new entries (blocking up to `block`);
//   2. Stage::ProcessBatch();
//   3. StreamBus::Commit(): emits appended + entry acknowledged atomically,
//      or the entry moved to the dead-letter stream;
//   4. every maintenance tick: entries pending longer than `claim_idle`
//      (their consumer died, or they failed and wait for a retry) are
//      claimed and processed again, or dead-lettered once delivered
//      `max_attempts` times; fully consumed entries are trimmed.
// Any number of workers, processes and hosts may run the same stage.
#pragma once

#include <spdlog/logger.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
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
  std::string consumer_prefix;     // e.g. "host-1234"; made unique per worker
  int workers = 1;
  int batch_size = 64;
  std::chrono::milliseconds block{1000};
  std::chrono::milliseconds claim_idle{30000};
  int max_attempts = 5;
  // Delete input entries once every group has acknowledged them. Off for a
  // stream that is also a log, bounded by its own MAXLEN (decisions).
  bool trim_consumed = true;
};

class StageRunner {
 public:
  using StageFactory = std::function<std::unique_ptr<Stage>()>;
  using BusFactory = std::function<std::unique_ptr<StreamBus>()>;

  // Each worker gets its own Stage and StreamBus from the factories.
  // `metrics` and `log` must outlive the runner.
  StageRunner(StageRunnerOptions options, StageFactory stage_factory, BusFactory bus_factory,
              metrics::Registry& metrics, spdlog::logger& log);
  ~StageRunner();

  void Start();
  // Lets each worker finish its current batch, then joins them.
  void Stop();

 private:
  struct Worker;
  void Run(Worker& w);
  void Maintain(Worker& w);
  void ProcessAndCommit(Worker& w, std::vector<Entry>& entries, const std::vector<long long>& deliveries);
  Emit DeadLetter(const Worker& w, const Entry& entry, const std::string& error, long long attempts) const;
  void Count(Worker& w, const char* outcome, double n = 1);

  const StageRunnerOptions options_;
  StageFactory stage_factory_;
  BusFactory bus_factory_;
  metrics::Registry& metrics_;
  metrics::CounterFamily& processed_;
  metrics::CounterFamily& redis_errors_;
  spdlog::logger& log_;
  std::atomic<bool> stop_{false};
  std::vector<std::unique_ptr<Worker>> workers_;
};

}  // namespace spamphibian
