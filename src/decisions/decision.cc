#include "decisions/decision.h"

#include <chrono>
#include <ctime>
#include <string_view>
#include <utility>

#include "stages/records.h"
#include "text/json_writer.h"

namespace spamphibian {

namespace {

void AppendKey(std::string* out, std::string_view key) {
  *out += ',';
  text::AppendJsonString(key, out);
  *out += ':';
}

// The decision's fields as one JSON object without the item (which can be
// long), written straight into text: no copy of `extra` as a tree. It is
// the log line's body and the queued decision's head.
std::string FieldsText(const Decision& d) {
  std::string out = "{\"decision_id\":";
  text::AppendJsonString(d.decision_id, &out);
  for (const auto& [key, value] : {std::pair<std::string_view, const std::string*>{"event_type", &d.event_type},
                                   {"item_type", &d.item_type},
                                   {"item_id", &d.item_id},
                                   {"verdict", &d.verdict},
                                   {"time", &d.time}}) {
    AppendKey(&out, key);
    text::AppendJsonString(*value, &out);
  }
  AppendKey(&out, "reasons");
  out += '[';
  for (std::size_t i = 0; i < d.reasons.size(); ++i) {
    if (i > 0) out += ',';
    text::AppendJsonString(d.reasons[i], &out);
  }
  out += ']';
  for (auto it = d.extra.begin(); it != d.extra.end(); ++it) {
    if (it.key() == "item") continue;
    AppendKey(&out, it.key());
    text::AppendJson(it.value(), &out);
  }
  out += '}';
  return out;
}

}  // namespace

void RecordDecision(spdlog::logger& logger, const DecisionLog& log, const Decision& d, std::vector<Emit>* emits) {
  std::string body = FieldsText(d);
  if (logger.should_log(spdlog::level::info)) {
    // The logger's pattern adds the braces, the time and the level.
    logger.log(spdlog::level::info, "\"event\":\"decision\",{}", std::string_view(body).substr(1, body.size() - 2));
  }
  // The queued decision: the same text with the item spliced in, verbatim
  // when the caller has it as text, else the one in extra, if any.
  const auto item = d.extra.find("item");
  if (!d.item_json.empty() || item != d.extra.end()) {
    body.pop_back();  // the closing brace; the object is never empty (decision_id ...)
    body += ",\"item\":";
    if (!d.item_json.empty()) {
      body += d.item_json;
    } else {
      text::AppendJson(*item, &body);
    }
    body += '}';
  }
  Emit queued{log.queue,
              records::Encode(records::Decision{body, d.decision_id, d.verdict, d.item_type, d.item_id, d.time,
                                                records::Reviewed(d.extra.contains("review"))}),
              0};
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
