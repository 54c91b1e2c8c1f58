// ModelRefresher: keeps the embedded model current. Every `interval` (and
// at once on Trigger(), e.g. SIGHUP) it asks the source for the model; a new
// version is loaded and checked in a child process (SpamModel::Load) and
// swapped into the holder. A model that fails to download, verify or load
// is refused: the old one stays, the failure is logged and counted.
//
// Classify workers never wait for it: they read the holder, which changes in
// one pointer exchange.
#pragma once

#include <spdlog/logger.h>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "base/status.h"
#include "classify/model_holder.h"
#include "classify/s3_model_source.h"
#include "metrics/registry.h"

namespace spamphibian::classify {

// Fetches the current model unless it has version `current`; see
// S3ModelSource::Fetch.
using ModelFetch = std::function<Status(const std::string& current, ModelFile* out, bool* changed)>;

class ModelRefresher {
 public:
  // `holder`, `metrics` and `log` must outlive the refresher. `source` is
  // the label of models it loads (e.g. "s3"; "shadow" for the model scored
  // beside the current one: its metrics are its own, and when its manifest
  // is gone the holder is emptied, ending the shadow).
  ModelRefresher(ModelFetch fetch, std::string source, ModelHolder& holder, std::chrono::seconds interval,
                 metrics::Registry& metrics, spdlog::logger& log);
  ~ModelRefresher();

  // One check, now, on the caller's thread. Ok when the model is current
  // (swapped or unchanged); NotFound when the key names nothing (nothing
  // promoted yet: the model in use stays, counted as "absent").
  Status RefreshNow();

  // The periodic thread (interval 0: only on Trigger()).
  void Start();
  void Trigger();
  void Stop();

 private:
  void Run();

  ModelFetch fetch_;
  const std::string source_;
  const bool shadow_;
  ModelHolder& holder_;
  const std::chrono::seconds interval_;
  metrics::Registry& metrics_;
  metrics::CounterFamily& refreshes_;
  spdlog::logger& log_;
  std::mutex mu_;
  std::condition_variable wake_;
  bool triggered_ = false;
  bool stop_ = false;
  std::thread thread_;
};

// Publishes spamphibian_model_info{version,source} = 1 for the model in
// `holder` (and 0 for the one before, if any).
void PublishModelInfo(metrics::Registry& metrics, const ModelHolder& holder, const std::string& previous_version,
                      const std::string& previous_source);

}  // namespace spamphibian::classify
