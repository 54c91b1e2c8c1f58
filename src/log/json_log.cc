#include "log/json_log.h"

#include <spdlog/sinks/null_sink.h>
#include <spdlog/sinks/stdout_sinks.h>

#include "text/bidi.h"

namespace spamphibian {

std::shared_ptr<spdlog::logger> MakeJsonLogger(const std::string& level, spdlog::sink_ptr sink) {
  if (sink == nullptr) sink = std::make_shared<spdlog::sinks::stdout_sink_mt>();
  auto logger = std::make_shared<spdlog::logger>("spamphibian", sink);
  // %v is the rest of the object, starting with "event"; see LogJson.
  logger->set_pattern(R"({"time":"%Y-%m-%dT%H:%M:%S.%eZ","level":"%l",%v})", spdlog::pattern_time_type::utc);
  logger->set_level(spdlog::level::from_str(level));
  logger->flush_on(spdlog::level::trace);
  return logger;
}

std::shared_ptr<spdlog::logger> MakeNullLogger() {
  auto logger = std::make_shared<spdlog::logger>("null", std::make_shared<spdlog::sinks::null_sink_mt>());
  logger->set_level(spdlog::level::off);
  return logger;
}

void LogJson(spdlog::logger& log, spdlog::level::level_enum level, std::string_view event,
             const nlohmann::json& fields) {
  if (!log.should_log(level)) return;
  // Build `"event":"...",...` without the outer braces; the pattern adds them.
  std::string line = nlohmann::json(event).dump();
  line.insert(0, "\"event\":");
  if (fields.is_object()) {
    for (auto it = fields.begin(); it != fields.end(); ++it) {
      line += ',';
      line += nlohmann::json(it.key()).dump();
      line += ':';
      line += it.value().dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    }
  }
  // Hostile text reaches the log too (names, reasons): its bidirectional
  // controls are shown, not obeyed by the terminal that shows the log.
  if (line.find('\xe2') != std::string::npos) line = text::ShowBidiControls(line);
  log.log(level, "{}", line);
}

}  // namespace spamphibian
