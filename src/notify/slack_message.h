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

// The message after a reviewer's answer: `original` with the clicked
// actions block (`block_id`, as Slack reports the click) replaced by a line
// saying who answered what; the other items of a summary keep their
// buttons. Without a block id, or one the message lacks: every actions
// block goes and the line ends the message.
nlohmann::json AnsweredMessage(const nlohmann::json& original, const std::string& line,
                               const std::string& block_id = "");

// The items of a summary that keep their own buttons: each takes two
// blocks of Slack's 50 (its line and its actions).
inline constexpr std::size_t kSummaryItemsWithButtons = 15;

// One message for a burst of notifications: a line each. With `review_url`,
// each of the first kSummaryItemsWithButtons items keeps its Spam / Not
// spam buttons (block_id "review-<n>", answered like a single message's),
// then "and N more" with a button to the queue; without, lines up to the
// block limit, then "and N more".
nlohmann::json BuildSummary(const std::vector<nlohmann::json>& notifications, const std::string& review_url = "");

}  // namespace spamphibian::notify
