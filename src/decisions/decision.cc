#include "decisions/decision.h"

#include <chrono>
#include <ctime>

#include "log/json_log.h"

namespace spamphibian {

nlohmann::json ToJson(const Decision& d) {
  nlohmann::json j = {{"decision_id", d.decision_id}, {"event_type", d.event_type}, {"item_type", d.item_type},
                      {"item_id", d.item_id},         {"verdict", d.verdict},       {"reasons", d.reasons},
                      {"time", d.time}};
  for (auto it = d.extra.begin(); it != d.extra.end(); ++it) j[it.key()] = it.value();
  return j;
}

Emit DecisionEmit(const DecisionLog& log, const Decision& d) {
  return Emit{log.stream, {{"decision", ToJson(d).dump()}, {"verdict", d.verdict}, {"item_type", d.item_type}}, log.maxlen};
}

void LogDecision(spdlog::logger& log, const Decision& d) {
  nlohmann::json fields = ToJson(d);
  fields.erase("item");  // the item itself is too long for a log line
  LogJson(log, spdlog::level::info, "decision", fields);
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
