// QueueMonitor: a background thread that samples, every `interval`, how
// much work waits in each stream (spamphibian_queue_length{stream}) and
// whether Redis answers (spamphibian_redis_up, and /readyz).
//
// A stream's queue length is, for its busiest consumer group, the entries
// not yet delivered (lag) plus those delivered but not acknowledged
// (pending); for a stream nobody consumes yet, its length.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "metrics/registry.h"
#include "redis/client.h"

namespace spamphibian {

class QueueMonitor {
 public:
  // A stream to watch: its metric label and its full key.
  struct Stream {
    std::string label;
    std::string key;
  };
  // `connector` and `metrics` must outlive the monitor.
  QueueMonitor(const redis::Connector& connector, std::vector<Stream> streams, metrics::Registry& metrics,
               std::chrono::milliseconds interval);
  ~QueueMonitor();

  // Also counts reviews by state (review/review_store.h), keys under
  // `prefix`. Before Start().
  void WatchReviews(std::string prefix) { reviews_prefix_ = std::move(prefix); }

  void Start();
  void Stop();

  // Redis answered the last sample. Thread-safe.
  bool redis_up() const { return redis_up_.load(); }

  // Someone else just failed to reach Redis (the event service could not
  // store a hook): down at once, so that /readyz does not say ready for up
  // to an interval while /events answers 503, and sampled again at once
  // (at most every 200 ms), so that it is up again as soon as Redis is.
  // Thread-safe.
  void ReportUnavailable();

 private:
  void Loop();
  void Sample();

  redis::Client client_;
  const std::vector<Stream> streams_;
  metrics::GaugeFamily& queue_length_;
  metrics::GaugeFamily& pending_;  // per stream and consumer group
  metrics::GaugeFamily& lag_;
  metrics::Gauge& redis_up_gauge_;
  metrics::GaugeFamily& reviews_;
  metrics::CounterFamily& outcomes_;
  std::string reviews_prefix_;
  const std::chrono::milliseconds interval_;
  std::atomic<bool> redis_up_{false};
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  bool sample_now_ = false;  // ReportUnavailable() asked for a sample
  std::thread thread_;
};

}  // namespace spamphibian
