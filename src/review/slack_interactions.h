// SlackInteractions: POST /slack/interactions on the public port, where
// Slack sends the clicks on a notification's Spam and Not spam buttons.
//
//   1. Slack's signature: X-Slack-Signature must be
//      "v0=" + hex(HMAC-SHA256(SLACK_SIGNING_SECRET, "v0:" + timestamp + ":" + body)),
//      compared in constant time, and X-Slack-Request-Timestamp within five
//      minutes of now (a replayed click is refused). Otherwise 401 and nothing
//      is done.
//   2. The Slack user must be a reviewer: review.slack_users maps Slack user
//      ids to GitLab usernames. Anyone else gets an ephemeral "not a
//      reviewer" and nothing is done.
//   3. The answer is applied as the page applies it (review/outcomes.h), by a
//      worker thread after the 200 (Slack wants an answer within 3 s), and
//      the message is updated through its response_url with who decided
//      what. Only response URLs under slack.response_url_prefix are called.
#pragma once

#include <spdlog/logger.h>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "base/status.h"
#include "base/work_queue.h"
#include "config/secret.h"
#include "http/client.h"
#include "http/message.h"
#include "metrics/registry.h"
#include "review/outcomes.h"
#include "review/review_store.h"

namespace spamphibian::review {

// Ok when `signature` is Slack's for `body` at `timestamp` (seconds) and
// the timestamp is within `max_age` of `now`; PermissionDenied saying why.
Status VerifySlackSignature(const std::string& secret, std::string_view timestamp, std::string_view signature,
                            std::string_view body, std::chrono::system_clock::time_point now,
                            std::chrono::seconds max_age = std::chrono::seconds(300));

struct SlackInteractionsOptions {
  Secret signing_secret;
  std::map<std::string, std::string> slack_users;  // Slack user id -> GitLab username
  std::string response_url_prefix = "https://hooks.slack.com/";
  ReviewPolicy policy;
};

class SlackInteractions : public http::Handler {
 public:
  // `store` and `http` are used by the worker thread only.
  SlackInteractions(SlackInteractionsOptions options, std::unique_ptr<ReviewStore> store,
                    std::unique_ptr<http::HttpClient> http, metrics::Registry& metrics, spdlog::logger& log);

  void Handle(http::Request request, http::Respond respond) override;

 private:
  struct Job {
    std::string review_id, outcome, reviewer, slack_user, response_url;
    std::string signature;  // X-Slack-Signature: one per click (body and time)
    nlohmann::json message;  // the message clicked on
    std::string block_id;    // the clicked actions block (a summary has one per item)
  };
  void HandleChecked(const http::Request& request, const http::Respond& respond);
  void Apply(const Job& job);
  void Reply(const std::string& response_url, const nlohmann::json& body);

  SlackInteractionsOptions options_;
  std::unique_ptr<ReviewStore> store_;
  std::unique_ptr<http::HttpClient> http_;
  metrics::CounterFamily& results_;
  spdlog::logger& log_;
  WorkQueue queue_;  // last: its jobs use the members above
};

}  // namespace spamphibian::review
