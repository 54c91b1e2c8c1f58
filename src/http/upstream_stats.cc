#include "http/upstream_stats.h"

namespace spamphibian::http {

namespace {

constexpr std::array<std::string_view, 9> kCodes = {"2xx", "3xx", "401", "403", "404", "429", "4xx", "5xx", "none"};

std::size_t CodeIndex(long status) {
  switch (status) {
    case 401: return 2;
    case 403: return 3;
    case 404: return 4;
    case 429: return 5;
    default: break;
  }
  if (status >= 200 && status < 300) return 0;
  if (status >= 300 && status < 400) return 1;
  if (status >= 400 && status < 500) return 6;
  if (status >= 500 && status < 600) return 7;
  return 8;  // no response (or nonsense)
}

}  // namespace

std::string_view StatusCodeLabel(long status) { return kCodes[CodeIndex(status)]; }

UpstreamStats::UpstreamStats(metrics::Registry& registry, const std::string& upstream)
    : duration_(&registry
                     .AddHistogram("spamphibian_upstream_request_duration_seconds",
                                   "Time from sending a request to GitLab, S3, Slack or the model service to its "
                                   "answer (or failure), by upstream.",
                                   {"upstream"}, metrics::LatencyBuckets())
                     .With({upstream})) {
  auto& requests = registry.AddCounter(
      "spamphibian_upstream_requests_total",
      "Requests to GitLab, S3, Slack and the model service, by upstream and answer: 2xx 3xx 401 403 404 429 4xx "
      "5xx, or none (no answer: refused, reset, timed out).",
      {"upstream", "code"});
  for (std::size_t i = 0; i < kCodes.size(); ++i) by_code_[i] = &requests.With({upstream, std::string(kCodes[i])});
}

void UpstreamStats::Record(long status, double seconds) {
  by_code_[CodeIndex(status)]->Inc();
  duration_->Observe(seconds);
}

std::shared_ptr<UpstreamStats> UpstreamStatsFor(metrics::Registry* registry, const std::string& upstream) {
  if (registry == nullptr) return nullptr;
  return std::make_shared<UpstreamStats>(*registry, upstream);
}

}  // namespace spamphibian::http
