#include "stages/notify_stage.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdlib>
#include <thread>

#include "log/json_log.h"
#include "notify/slack_message.h"
#include "stages/records.h"

namespace spamphibian {

NotifyStage::NotifyStage(NotifyStageOptions options, http::HttpClient& http, gitlab::RateLimiter& pacer,
                         metrics::Registry& metrics, spdlog::logger& log)
    : options_(std::move(options)),
      http_(http),
      pacer_(pacer),
      sent_(metrics.AddCounter("spamphibian_slack_messages_total",
                               "Slack messages, by result (sent, rate_limited, failed).", {"result"})),
      log_(log) {}

Outcome NotifyStage::Send(const nlohmann::json& message) {
  for (int attempt = 1;; ++attempt) {
    pacer_.Acquire();
    http::ClientRequest req;
    req.method = "POST";
    req.url = options_.webhook_url.reveal();
    req.headers = {{"Content-Type", "application/json"}};
    req.body = message.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    req.timeout = options_.timeout;
    http::ClientResponse res;
    Status s = http_.Send(req, &res);
    if (!s.ok()) {
      sent_.With({"failed"}).Inc();
      return Outcome::Hold("Slack unreachable: " + s.message());
    }
    if (res.status >= 200 && res.status < 300) {
      sent_.With({"sent"}).Inc();
      return Outcome::Done();
    }
    if (res.status == 429 && attempt < options_.attempts_on_429) {
      sent_.With({"rate_limited"}).Inc();
      long long wait = 1;
      for (const auto& [k, v] : res.headers) {
        if (k == "retry-after") wait = std::atoll(v.c_str());  // names are lower-cased
      }
      wait = std::clamp<long long>(wait, 1, options_.max_retry_after.count());
      LogJson(log_, spdlog::level::warn, "slack_rate_limited", {{"retry_after_seconds", wait}});
      std::this_thread::sleep_for(std::chrono::seconds(wait));
      continue;
    }
    sent_.With({"failed"}).Inc();
    const std::string what = "Slack answered " + std::to_string(res.status) + ": " + res.body.substr(0, 200);
    if (res.status == 400) return Outcome::DeadLetter(what);
    return Outcome::Hold(what);
  }
}

// The entry's notification; discarded when it is not one.
nlohmann::json NotifyStage::Parse(const Entry& entry) {
  records::Notification record;
  if (!records::Decode(entry, &record).ok()) return nlohmann::json(nlohmann::json::value_t::discarded);
  return nlohmann::json::parse(record.notification, nullptr, false);
}

Outcome NotifyStage::Process(const Entry& entry) {
  const nlohmann::json n = Parse(entry);
  if (!n.is_object()) return Outcome::DeadLetter("not a notification");
  return Send(notify::BuildMessage(n, options_.review_url));
}

void NotifyStage::ProcessBatch(std::span<const Entry> entries, std::vector<Outcome>* outcomes) {
  outcomes->clear();
  if (entries.size() < options_.summarize_from) {
    for (const Entry& e : entries) {
      // Once Slack is down, the rest of the batch waits without a request each.
      const bool down = !outcomes->empty() && outcomes->back().kind == Outcome::Kind::kHold;
      outcomes->push_back(down ? Outcome::Hold(outcomes->back().error) : Process(e));
    }
    return;
  }
  std::vector<nlohmann::json> burst;
  std::vector<std::size_t> members;
  outcomes->resize(entries.size());
  for (std::size_t i = 0; i < entries.size(); ++i) {
    nlohmann::json n = Parse(entries[i]);
    if (!n.is_object()) {
      (*outcomes)[i] = Outcome::DeadLetter("not a notification");
      continue;
    }
    burst.push_back(std::move(n));
    members.push_back(i);
  }
  if (burst.empty()) return;
  const Outcome o = Send(notify::BuildSummary(burst, options_.review_url));
  for (std::size_t i : members) (*outcomes)[i] = Outcome{o.kind, {}, o.error, {}};
}

}  // namespace spamphibian
