#include "notify/slack_message.h"

#include "text/bidi.h"

#include <cstdio>
#include <optional>

#include "text/utf8.h"

namespace spamphibian::notify {
namespace {

constexpr std::string_view kEllipsis = "\xE2\x80\xA6";  // …

// Length of the UTF-8 sequence starting with `c` (1 for stray bytes).
std::size_t SequenceLength(unsigned char c) {
  if (c >= 0xF0) return 4;
  if (c >= 0xE0) return 3;
  if (c >= 0xC0) return 2;
  return 1;
}

template <typename Piece>
std::string Cut(std::string_view text, std::size_t max_bytes, Piece piece) {
  std::string out;
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t n = std::min(SequenceLength(static_cast<unsigned char>(text[i])), text.size() - i);
    const std::string p = piece(text.substr(i, n));
    const bool last = i + n >= text.size();
    if (out.size() + p.size() + (last ? 0 : kEllipsis.size()) > max_bytes) {
      out += kEllipsis;
      return out;
    }
    out += p;
    i += n;
  }
  return out;
}

// The item's text as (field, value) pairs; tolerant of any shape, since a
// notification must never fail to render.
std::vector<std::pair<std::string, std::string>> TextPairs(const nlohmann::json& item) {
  std::vector<std::pair<std::string, std::string>> out;
  const auto it = item.find("text");
  if (it == item.end() || !it->is_array()) return out;
  for (const auto& pair : *it) {
    if (pair.is_array() && pair.size() == 2 && pair[0].is_string() && pair[1].is_string()) {
      out.emplace_back(pair[0].get<std::string>(), pair[1].get<std::string>());
    }
  }
  return out;
}

std::string Title(const nlohmann::json& item) {
  for (const auto& [field, value] : TextPairs(item)) {
    if (field == "title" || field == "name") return value;
  }
  return item.value("author", nlohmann::json::object()).value("username", "");
}

std::string TypeLabel(const std::string& type) {
  std::string label = type;
  for (char& c : label) {
    if (c == '_') c = ' ';
  }
  return label;
}

// A link to a GitLab URL (ours, not the spammer's text). `text` is raw: it
// is escaped here, once (escaping it before too showed `<b>` as
// `&amp;lt;b&amp;gt;`).
std::string Link(const std::string& url, const std::string& text) {
  if (url.empty() || url.find_first_of("|<> ") != std::string::npos) return EscapeMrkdwn(text);
  return "<" + url + "|" + EscapeMrkdwn(text) + ">";
}

std::string Score(const nlohmann::json& n) {
  if (!n.contains("score") || !n["score"].is_number()) return "";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", n["score"].get<double>());
  return buf;
}

// What was done: "monitor mode: no action", or each action and its status.
std::string ActionSummary(const nlohmann::json& n) {
  const auto& actions = n.value("actions", nlohmann::json::array());
  if (actions.empty()) return "monitor mode: no action";
  std::string out;
  for (const auto& a : actions) {
    if (!out.empty()) out += ", ";
    out += a.value("action", "?") + ": " + a.value("status", "?");
  }
  return out;
}

nlohmann::json Field(const std::string& mrkdwn) {
  // Cut between characters, never inside one: a split character makes the
  // whole message invalid JSON.
  return {{"type", "mrkdwn"}, {"text", std::string(text::CutUtf8(text::ValidUtf8(mrkdwn), kMaxField))}};
}

nlohmann::json Section(const std::string& mrkdwn) {
  return {{"type", "section"}, {"text", {{"type", "mrkdwn"}, {"text", mrkdwn}}}};
}

nlohmann::json Button(const char* text, const char* action, const std::string& value, const char* style) {
  return {{"type", "button"}, {"text", {{"type", "plain_text"}, {"text", text}}}, {"action_id", action},
          {"value", value},   {"style", style}};
}

nlohmann::json OpenQueue(const std::string& review_url, const char* text) {
  return {{"type", "button"}, {"text", {{"type", "plain_text"}, {"text", text}}}, {"action_id", "review_open"},
          {"url", review_url + "/"}};
}

// The review buttons of one decision: Spam and Not spam (the value is the
// review id, the decision's id), and Open when `open`. None when the id
// is missing or longer than Slack takes.
std::optional<nlohmann::json> ReviewActions(const nlohmann::json& n, const std::string& review_url,
                                            const std::string& block_id, bool open) {
  const std::string review_id = n.value("decision_id", "");
  if (review_url.empty() || review_id.empty() || review_id.size() > 2000) return std::nullopt;
  nlohmann::json elements = {Button("Spam", "review_spam", review_id, "danger"),
                             Button("Not spam", "review_ham", review_id, "primary")};
  if (open) elements.push_back(OpenQueue(review_url, "Open"));
  return nlohmann::json{{"type", "actions"}, {"block_id", block_id}, {"elements", elements}};
}

std::string OneLine(const nlohmann::json& n) {
  const auto& item = n.value("item", nlohmann::json::object());
  const auto& author = item.value("author", nlohmann::json::object());
  return "*" + EscapeMrkdwn(n.value("verdict", "")) + "* " + Score(n) + " · " +
         Link(item.value("web_url", ""), TypeLabel(item.value("type", "")) + " " + Excerpt(Title(item), 200)) +
         " by " + EscapedExcerpt("@" + author.value("username", ""), 120) + " · " + EscapeMrkdwn(ActionSummary(n));
}

}  // namespace

std::string EscapeMrkdwn(std::string_view raw) {
  // Bidirectional controls shown, not obeyed (text/bidi.h).
  const std::string text = text::ShowBidiControls(raw);
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string EscapedExcerpt(std::string_view text, std::size_t max_bytes) {
  return Cut(text, max_bytes, [](std::string_view piece) { return EscapeMrkdwn(piece); });
}

std::string Excerpt(std::string_view text, std::size_t max_bytes) {
  return Cut(text, max_bytes, [](std::string_view piece) { return std::string(piece); });
}

nlohmann::json BuildMessage(const nlohmann::json& n, const std::string& review_url) {
  const auto& item = n.value("item", nlohmann::json::object());
  const auto& author = item.value("author", nlohmann::json::object());
  const std::string type = item.value("type", "");
  const std::string verdict = n.value("verdict", "");
  const std::string header = (verdict == "spam" ? "Spam " : "Suspicious ") + TypeLabel(type) + ": " + Title(item);

  nlohmann::json fields = nlohmann::json::array();
  fields.push_back(Field("*Item*\n" + Link(item.value("web_url", ""), TypeLabel(type) + " " + item.value("id", ""))));
  fields.push_back(Field("*Author*\n" + EscapedExcerpt("@" + author.value("username", "") + " (" +
                                                           author.value("name", "") + ")",
                                                       kMaxField - 20)));
  fields.push_back(Field("*Verdict*\n" + EscapeMrkdwn(verdict) + " (score " + Score(n) + ")"));
  fields.push_back(Field("*Action*\n" + EscapedExcerpt(ActionSummary(n), kMaxField - 20)));
  std::string ids;
  for (const auto& a : n.value("actions", nlohmann::json::array())) {
    if (a.value("status", "") == "taken") ids += (ids.empty() ? "" : "\n") + std::string("`") + a.value("action_id", "") + "`";
  }
  if (!ids.empty()) fields.push_back(Field("*Restore with*\n" + ids));
  if (!author.value("created_at", "").empty()) {
    fields.push_back(Field("*Account created*\n" + EscapeMrkdwn(author.value("created_at", ""))));
  }
  if (const std::string language = n.value("language_name", ""); !language.empty()) {
    fields.push_back(Field("*Written in*\n" + EscapedExcerpt(language, kMaxField - 20)));
  }

  // The reasons in plain words when the decision has them (newer decisions),
  // else as the model recorded them.
  std::string reasons;
  int shown = 0;
  const nlohmann::json plain = n.value("explanation", nlohmann::json::array());
  for (const auto& r : plain.is_array() && !plain.empty() ? plain : n.value("reasons", nlohmann::json::array())) {
    if (!r.is_string() || ++shown > 6) break;
    reasons += "• " + r.get<std::string>() + "\n";
  }
  std::string content;
  for (const auto& [field, value] : TextPairs(item)) content += field + ": " + value + "\n";

  nlohmann::json blocks = nlohmann::json::array();
  blocks.push_back({{"type", "header"}, {"text", {{"type", "plain_text"}, {"text", Excerpt(header, kMaxHeader)}}}});
  blocks.push_back({{"type", "section"}, {"fields", fields}});
  if (!reasons.empty()) blocks.push_back(Section("*Why*\n" + EscapedExcerpt(reasons, kMaxSection - 10)));
  if (!content.empty()) blocks.push_back(Section("*Content*\n" + EscapedExcerpt(content, kMaxSection - 15)));
  const std::string mode = n.value("dry_run", true) ? "dry run: no change was made in GitLab" : "live";
  blocks.push_back({{"type", "context"},
                    {"elements", {{{"type", "mrkdwn"}, {"text", EscapeMrkdwn("decision " + n.value("decision_id", "") +
                                                                          " · model " + n.value("model_version", "") +
                                                                          " · " + mode)}}}}});
  if (auto actions = ReviewActions(n, review_url, "review", /*open=*/true)) blocks.push_back(std::move(*actions));
  return {{"text", EscapedExcerpt(header, kMaxSection)}, {"blocks", blocks}};
}

nlohmann::json AnsweredMessage(const nlohmann::json& original, const std::string& line, const std::string& block_id) {
  const nlohmann::json answered = {
      {"type", "context"}, {"elements", {{{"type", "mrkdwn"}, {"text", EscapedExcerpt(line, kMaxSection)}}}}};
  const bool has_blocks = original.is_object() && original.contains("blocks") && original["blocks"].is_array();
  bool in_place = false;
  if (has_blocks && !block_id.empty()) {
    for (const auto& b : original["blocks"]) {
      in_place = in_place || (b.is_object() && b.value("type", "") == "actions" && b.value("block_id", "") == block_id);
    }
  }
  nlohmann::json blocks = nlohmann::json::array();
  if (has_blocks) {
    for (const auto& b : original["blocks"]) {
      if (!b.is_object() || blocks.size() + 1 >= kMaxBlocks) continue;
      const bool actions = b.value("type", "") == "actions";
      if (in_place && actions && b.value("block_id", "") == block_id) {
        blocks.push_back(answered);  // where the buttons were: a summary's other items keep theirs
      } else if (!actions || in_place) {
        blocks.push_back(b);
      }
    }
  }
  if (!in_place) blocks.push_back(answered);
  return {{"replace_original", true},
          {"text", original.is_object() && original.contains("text") && original["text"].is_string()
                       ? original["text"].get<std::string>()
                       : EscapedExcerpt(line, kMaxSection)},
          {"blocks", blocks}};
}

nlohmann::json BuildSummary(const std::vector<nlohmann::json>& notifications, const std::string& review_url) {
  const std::string header = std::to_string(notifications.size()) + " spam decisions";
  nlohmann::json blocks = nlohmann::json::array();
  blocks.push_back({{"type", "header"}, {"text", {{"type", "plain_text"}, {"text", header}}}});
  // With buttons, each item takes two blocks and the end two more (the
  // "more" line and the queue's button); without, one, and one.
  const bool buttons = !review_url.empty();
  const std::size_t room = buttons ? kSummaryItemsWithButtons : kMaxBlocks - 2;
  std::size_t shown = 0;
  for (const auto& n : notifications) {
    if (shown == room) break;
    blocks.push_back(Section(Excerpt(OneLine(n), kMaxSection)));
    if (auto actions = ReviewActions(n, review_url, "review-" + std::to_string(shown), /*open=*/false)) {
      blocks.push_back(std::move(*actions));
    }
    ++shown;
  }
  if (shown < notifications.size()) {
    const std::string more = "and " + std::to_string(notifications.size() - shown) + " more" +
                             (buttons ? ", in the review queue" : "; see the audit stream");
    blocks.push_back({{"type", "context"}, {"elements", {{{"type", "mrkdwn"}, {"text", more}}}}});
    if (buttons) {
      blocks.push_back({{"type", "actions"}, {"block_id", "review-queue"},
                        {"elements", {OpenQueue(review_url, "Open the queue")}}});
    }
  }
  return {{"text", header}, {"blocks", blocks}};
}

}  // namespace spamphibian::notify
