// RemoteModel: the upstream project's model-service protocol, so that
// existing model services keep working:
//   POST {MODEL_URL}/predict_<event_type>   body: the item as JSON
//   -> {"prediction": 0|1, "score": float}
// with a timeout, a retry, and a circuit breaker shared by all workers: after
// `failures_to_open` failures in a row the service is not asked for
// `cooldown`, then one call tries it again.
#pragma once

#include <nlohmann/json.hpp>

#include <chrono>
#include <mutex>
#include <string>

#include "http/client.h"

namespace spamphibian::classify {

class CircuitBreaker {
 public:
  CircuitBreaker(int failures_to_open, std::chrono::milliseconds cooldown)
      : failures_to_open_(failures_to_open), cooldown_(cooldown) {}

  // False while open (the caller skips the service). Thread-safe.
  bool Allow();
  void Success();
  void Failure();
  bool open() const;

 private:
  const int failures_to_open_;
  const std::chrono::milliseconds cooldown_;
  mutable std::mutex mu_;
  int failures_ = 0;
  std::chrono::steady_clock::time_point open_until_{};
};

struct RemoteModelOptions {
  std::string url;  // MODEL_URL, without the trailing /predict_...
  std::chrono::milliseconds timeout{2000};
  int max_attempts = 2;
};

class RemoteModel {
 public:
  // `http` (one per worker) and `breaker` (shared) must outlive this.
  RemoteModel(RemoteModelOptions options, http::HttpClient& http, CircuitBreaker& breaker)
      : options_(std::move(options)), http_(http), breaker_(breaker) {}

  // Unavailable when the service is down, answers garbage, or the breaker
  // is open; the caller falls back or keeps the entry pending.
  Status Predict(const std::string& event_type, const nlohmann::json& item, double* score);

 private:
  RemoteModelOptions options_;
  http::HttpClient& http_;
  CircuitBreaker& breaker_;
};

}  // namespace spamphibian::classify
