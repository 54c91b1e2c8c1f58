// UpstreamStats: how the services Spamphibian calls answer — GitLab, S3,
// Slack, a model service — counted by status class and timed, so that an
// SRE can tell "GitLab is slow" from "our token broke" (401/403) from "S3
// is down" (no response) on a dashboard and in alerts:
//
//   spamphibian_upstream_requests_total{upstream, code}
//   spamphibian_upstream_request_duration_seconds{upstream}
//
// `code` is one of 2xx 3xx 401 403 404 429 4xx 5xx none ("none": no answer
// at all — refused, reset, timed out), so the label set stays small.
//
// Thread safety: Record() may be called from any thread and takes no lock
// (the label children are looked up once, at construction).
#pragma once

#include <array>
#include <memory>
#include <string>
#include <string_view>

#include "metrics/registry.h"

namespace spamphibian::http {

class UpstreamStats {
 public:
  // `registry` must outlive this.
  UpstreamStats(metrics::Registry& registry, const std::string& upstream);

  // One request's answer (`status` 0: no response) and how long it took.
  void Record(long status, double seconds);

 private:
  std::array<metrics::Counter*, 9> by_code_{};
  metrics::Histogram* duration_;
};

// The `code` label of a status (0: "none").
std::string_view StatusCodeLabel(long status);

// Stats for `upstream` in `registry`, or nullptr without a registry (the
// command-line tools do not export metrics).
std::shared_ptr<UpstreamStats> UpstreamStatsFor(metrics::Registry* registry, const std::string& upstream);

}  // namespace spamphibian::http
