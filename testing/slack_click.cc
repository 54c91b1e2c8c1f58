#include "slack_click.h"

#include <chrono>

#include "http/percent_encoding.h"
#include "security/crypto.h"

namespace spamphibian::testing {

HttpResult SignedSlackPost(const std::string& url, const std::string& body, const std::string& secret,
                           long long age_s) {
  const std::string ts = std::to_string(std::chrono::duration_cast<std::chrono::seconds>(
                                            std::chrono::system_clock::now().time_since_epoch())
                                            .count() -
                                        age_s);
  const std::string signature = "v0=" + security::Hex(security::HmacSha256(secret, "v0:" + ts + ":" + body));
  return HttpPost(url, body,
                  {{"Content-Type", "application/x-www-form-urlencoded"},
                   {"X-Slack-Request-Timestamp", ts},
                   {"X-Slack-Signature", signature}});
}

nlohmann::json SlackClickPayload(const std::string& slack_user, const std::string& action, const std::string& value,
                                 const std::string& response_url, const nlohmann::json& message,
                                 const std::string& block_id) {
  return {{"type", "block_actions"},
          {"user", {{"id", slack_user}, {"username", "someone"}}},
          {"actions", {{{"action_id", action}, {"value", value}, {"type", "button"}, {"block_id", block_id}}}},
          {"response_url", response_url},
          {"message", message}};
}

HttpResult SendSlackClick(const std::string& url, const nlohmann::json& payload, const std::string& secret,
                          long long age_s) {
  return SignedSlackPost(url, "payload=" + http::PercentEncode(payload.dump()), secret, age_s);
}

}  // namespace spamphibian::testing
