#include "decisions/decision.h"

#include <chrono>
#include <ctime>

#include "log/json_log.h"

namespace spamphibian {

namespace {

// The decision as JSON; without the item (which can be long) for log lines.
nlohmann::json DecisionFields(const Decision& d, bool with_item) {
  nlohmann::json j = {{"decision_id", d.decision_id}, {"event_type", d.event_type}, {"item_type", d.item_type},
                      {"item_id", d.item_id},         {"verdict", d.verdict},       {"reasons", d.reasons},
                      {"time", d.time}};
  for (auto it = d.extra.begin(); it != d.extra.end(); ++it) {
    if (with_item || it.key() != "item") j[it.key()] = it.value();
  }
  return j;
}

}  // namespace

nlohmann::json ToJson(const Decision& d) {
  nlohmann::json j = DecisionFields(d, true);
  if (!d.item_json.empty()) j["item"] = nlohmann::json::parse(d.item_json, nullptr, false);
  return j;
}

namespace {

// The decision serialised once; a textual item spliced in, not re-dumped.
std::string Serialise(const Decision& d) {
  // Item text is hostile input: invalid UTF-8 is replaced, never thrown on.
  std::string text = DecisionFields(d, d.item_json.empty()).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  if (!d.item_json.empty()) {
    text.pop_back();  // the closing brace; the object is never empty (decision_id ...)
    text += ",\"item\":";
    text += d.item_json;
    text += '}';
  }
  return text;
}

}  // namespace

void AppendDecision(const DecisionLog& log, const Decision& d, std::vector<Emit>* emits) {
  Emit queued{log.queue,
              {{"decision", Serialise(d)},
               {"verdict", d.verdict},
               {"item_type", d.item_type}},
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

void LogDecision(spdlog::logger& log, const Decision& d) {
  if (!log.should_log(spdlog::level::info)) return;  // no JSON built for a line nobody reads
  LogJson(log, spdlog::level::info, "decision", DecisionFields(d, false));
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
