// The service's small operational endpoints: /metrics, /healthz, /readyz.
#pragma once

#include <functional>

#include "http/message.h"
#include "config/secret.h"
#include "metrics/registry.h"

namespace spamphibian {

// GET /metrics: the registry in Prometheus text format.
class MetricsEndpoint : public http::Handler {
 public:
  // `token` non-empty: only `Authorization: Bearer <token>` (compared in
  // constant time) reads the metrics; 401 otherwise.
  explicit MetricsEndpoint(const metrics::Registry& registry, Secret token = Secret())
      : registry_(registry), token_(std::move(token)) {}
  void Handle(http::Request request, http::Respond respond) override;

 private:
  const metrics::Registry& registry_;
  const Secret token_;
};

// GET /healthz (`check` null: the process answers, so it is alive) and
// GET /readyz (`check` says whether the dependencies answer).
class HealthEndpoint : public http::Handler {
 public:
  explicit HealthEndpoint(std::function<bool()> check = nullptr) : check_(std::move(check)) {}
  void Handle(http::Request request, http::Respond respond) override;

 private:
  std::function<bool()> check_;
};

}  // namespace spamphibian
