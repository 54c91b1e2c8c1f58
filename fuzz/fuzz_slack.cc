// libFuzzer target: the Slack message builder on any notification. The
// message must always serialise, and user text must never become mrkdwn
// control sequences (no raw '<' from the input survives escaping).
#include <nlohmann/json.hpp>

#include <cstdint>
#include <cstdlib>
#include <string>

#include "notify/slack_message.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  const std::string escaped = spamphibian::notify::EscapeMrkdwn(text);
  if (escaped.find('<') != std::string::npos || escaped.find('>') != std::string::npos) std::abort();
  (void)spamphibian::notify::EscapedExcerpt(text, 100);
  nlohmann::json n = nlohmann::json::parse(text, nullptr, false);
  if (n.is_discarded() || !n.is_object()) {
    // The bytes as the hostile part of an ordinary notification.
    n = {{"verdict", "spam"}, {"score", 0.9}, {"reasons", {text}},
         {"item", {{"type", "user"}, {"id", "1"}, {"text", {{"bio", text}}}, {"author", {{"username", text}}}}}};
  }
  try {
    const nlohmann::json m = spamphibian::notify::BuildMessage(n);
    (void)m.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    (void)spamphibian::notify::BuildSummary({n, n});
  } catch (const nlohmann::json::exception&) {
    // A notification of the wrong shape is the notify stage's to dead-letter.
  }
  return 0;
}
