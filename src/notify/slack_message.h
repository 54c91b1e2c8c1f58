// Slack Block Kit messages for notifications, within Slack's limits:
// header text at most 150 characters, section text at most 3000, at most 10
// fields of at most 2000 characters, at most 50 blocks. Everything a user
// wrote is escaped for mrkdwn (&, <, >), so a spammer cannot inject links or
// mentions (<!channel>, <http://evil|click>), and long content is cut with
// an ellipsis. Limits are counted in bytes, which is never less than
// Slack's count of characters.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace spamphibian::notify {

inline constexpr std::size_t kMaxHeader = 150;
inline constexpr std::size_t kMaxSection = 3000;
inline constexpr std::size_t kMaxField = 2000;
inline constexpr std::size_t kMaxFields = 10;
inline constexpr std::size_t kMaxBlocks = 50;

// &, <, > as &amp; &lt; &gt;
std::string EscapeMrkdwn(std::string_view text);

// `text` escaped, then cut to at most `max_bytes` on a character boundary
// (never inside a UTF-8 sequence or an entity), with "…" when cut.
std::string EscapedExcerpt(std::string_view text, std::size_t max_bytes);

// Plain text (headers) cut to `max_bytes` with "…".
std::string Excerpt(std::string_view text, std::size_t max_bytes);

// One message for one notification (the act stage's "notification" entry).
// With `review_url` (ADMIN_URL), it ends with the review queue's buttons:
// Spam and Not spam (action ids review_spam, review_ham; the value is the
// review id, the decision's id), answered at POST /slack/interactions, and
// Open, a link to the review page.
nlohmann::json BuildMessage(const nlohmann::json& notification, const std::string& review_url = "");

// The message after a reviewer's answer: `original`'s blocks without the
// buttons, and a line saying who answered what.
nlohmann::json AnsweredMessage(const nlohmann::json& original, const std::string& line);

// One message for a burst of notifications: a line each, up to the block
// limit, then "and N more".
nlohmann::json BuildSummary(const std::vector<nlohmann::json>& notifications);

}  // namespace spamphibian::notify
