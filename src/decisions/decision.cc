#include "decisions/decision.h"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <string_view>
#include <utility>

namespace spamphibian {

namespace {

// Item and profile text is hostile input: invalid UTF-8 is replaced, never
// thrown on.
void AppendValue(std::string* out, const nlohmann::json& value) {
  *out += value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void AppendKey(std::string* out, std::string_view key) {
  // The keys are the decision's own names (snake_case): written as they
  // are, without a JSON string built and dumped for each; anything else
  // is escaped.
  const bool plain = std::all_of(key.begin(), key.end(),
                                 [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; });
  *out += ',';
  if (plain) {
    *out += '"';
    *out += key;
    *out += '"';
  } else {
    AppendValue(out, nlohmann::json(key));
  }
  *out += ':';
}

// The decision's fields as one JSON object without the item (which can be
// long), written straight into text: no copy of `extra` as a tree. It is
// the log line's body and the queued decision's head.
std::string FieldsText(const Decision& d) {
  std::string out = "{\"decision_id\":";
  AppendValue(&out, nlohmann::json(d.decision_id));
  for (const auto& [key, value] : {std::pair<std::string_view, const std::string*>{"event_type", &d.event_type},
                                   {"item_type", &d.item_type},
                                   {"item_id", &d.item_id},
                                   {"verdict", &d.verdict},
                                   {"time", &d.time}}) {
    AppendKey(&out, key);
    AppendValue(&out, nlohmann::json(*value));
  }
  AppendKey(&out, "reasons");
  out += '[';
  for (std::size_t i = 0; i < d.reasons.size(); ++i) {
    if (i > 0) out += ',';
    AppendValue(&out, nlohmann::json(d.reasons[i]));
  }
  out += ']';
  for (auto it = d.extra.begin(); it != d.extra.end(); ++it) {
    if (it.key() == "item") continue;
    AppendKey(&out, it.key());
    AppendValue(&out, it.value());
  }
  out += '}';
  return out;
}

}  // namespace

void RecordDecision(spdlog::logger& logger, const DecisionLog& log, const Decision& d, std::vector<Emit>* emits) {
  std::string text = FieldsText(d);
  if (logger.should_log(spdlog::level::info)) {
    // The logger's pattern adds the braces, the time and the level.
    logger.log(spdlog::level::info, "\"event\":\"decision\",{}", std::string_view(text).substr(1, text.size() - 2));
  }
  // The queued decision: the same text with the item spliced in, verbatim
  // when the caller has it as text, else the one in extra, if any.
  const auto item = d.extra.find("item");
  if (!d.item_json.empty() || item != d.extra.end()) {
    text.pop_back();  // the closing brace; the object is never empty (decision_id ...)
    text += ",\"item\":";
    if (!d.item_json.empty()) {
      text += d.item_json;
    } else {
      AppendValue(&text, *item);
    }
    text += '}';
  }
  Emit queued{log.queue, {{"decision", std::move(text)}, {"verdict", d.verdict}, {"item_type", d.item_type}}, 0};
  if (!log.log.empty()) {
    Emit logged = queued;
    logged.stream = log.log;
    logged.maxlen = log.log_maxlen;
    emits->push_back(std::move(queued));
    emits->push_back(std::move(logged));
    return;
  }
  emits->push_back(std::move(queued));
}

std::string NowRfc3339() {
  const auto now = std::chrono::system_clock::now();
  const std::time_t t = std::chrono::system_clock::to_time_t(now);
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm tm;
  gmtime_r(&t, &tm);
  char buf[40];
  const std::size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  std::snprintf(buf + n, sizeof buf - n, ".%03lldZ", static_cast<long long>(ms));
  return buf;
}

}  // namespace spamphibian
