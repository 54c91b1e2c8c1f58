// Slack's side of a button click, for tests: a form body signed with the
// app's signing secret as Slack signs it (v0 HMAC-SHA256 over
// "v0:<timestamp>:<body>"), and the block_actions payload of a click.
#pragma once

#include <nlohmann/json.hpp>

#include <string>

#include "http_client.h"

namespace spamphibian::testing {

// POSTs `body` signed with `secret`, its timestamp `age_s` seconds old.
HttpResult SignedSlackPost(const std::string& url, const std::string& body, const std::string& secret,
                           long long age_s = 0);

// The payload of a click on `action` (review_spam, review_ham) with
// `value` (the review id) in the actions block `block_id` of `message`.
nlohmann::json SlackClickPayload(const std::string& slack_user, const std::string& action, const std::string& value,
                                 const std::string& response_url, const nlohmann::json& message,
                                 const std::string& block_id = "review");

// SignedSlackPost of a click's payload, form-encoded as Slack sends it.
HttpResult SendSlackClick(const std::string& url, const nlohmann::json& payload, const std::string& secret,
                          long long age_s = 0);

}  // namespace spamphibian::testing
