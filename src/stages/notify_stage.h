// NotifyStage: notifications -> Slack (incoming webhook, Block Kit).
//
// Slack allows about one message per second per webhook, so every send
// waits its turn on a pacer shared by the process's notify workers. A batch
// of `summarize_from` or more notifications (a spam wave) becomes one
// summary message instead of one each.
//
//   200                   -> acknowledged
//   429                   -> waits Retry-After (capped) and sends again
//   5xx, no connection    -> Hold: kept, sent again after the claim timeout
//   403/404 (webhook revoked or wrong)
//                         -> Hold: an operator must fix SLACK_WEBHOOK_URL
//   400 (Slack refuses the message itself)
//                         -> dead-lettered with Slack's answer (kept there)
#pragma once

#include <nlohmann/json.hpp>
#include <spdlog/logger.h>

#include <chrono>
#include <string>

#include "config/secret.h"
#include "gitlab/rate_limiter.h"
#include "http/client.h"
#include "metrics/registry.h"
#include "stages/stage.h"

namespace spamphibian {

struct NotifyStageOptions {
  Secret webhook_url;
  std::size_t summarize_from = 3;
  std::chrono::seconds max_retry_after{30};
  int attempts_on_429 = 3;
  std::chrono::milliseconds timeout{10000};
  // ADMIN_URL when Slack's buttons can be answered (SLACK_SIGNING_SECRET
  // set); "" = no buttons.
  std::string review_url;
};

class NotifyStage : public Stage {
 public:
  // `http`, `pacer`, `metrics` and `log` must outlive the stage. The pacer
  // (a token bucket, one per second) is shared by every notify worker.
  NotifyStage(NotifyStageOptions options, http::HttpClient& http, gitlab::RateLimiter& pacer,
              metrics::Registry& metrics, spdlog::logger& log);

  std::string_view name() const override { return "notify"; }
  void ProcessBatch(std::span<const Entry> entries, std::vector<Outcome>* outcomes) override;
  Outcome Process(const Entry& entry) override;

 private:
  static nlohmann::json Parse(const Entry& entry);
  // Sends one message; the outcome for every entry it covers.
  Outcome Send(const nlohmann::json& message);

  NotifyStageOptions options_;
  http::HttpClient& http_;
  gitlab::RateLimiter& pacer_;
  metrics::CounterFamily& sent_;
  spdlog::logger& log_;
};

}  // namespace spamphibian
