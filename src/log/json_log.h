// Structured logging: one JSON object per line on stdout, e.g.
//   {"time":"2026-11-25T06:01:02.123Z","level":"debug","event":"event_enqueued","event_type":"user_create"}
//
// Log lines are built from an event name and a JSON object of fields, so a
// field value can never break the line (it is escaped by nlohmann::json).
// Never put a Secret's value into fields; Secret::redacted() exists for that.
#pragma once

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <memory>
#include <string>
#include <string_view>

namespace spamphibian {

// Creates the process logger writing JSON lines at `level` ("debug",
// "info", "warn", ...) to stdout, or to `sink` (tests read what is logged).
// Call once from main(); the returned logger is passed on to the components
// that log.
std::shared_ptr<spdlog::logger> MakeJsonLogger(const std::string& level, spdlog::sink_ptr sink = nullptr);

// The process logger for a format (config: log_format): "json" as above,
// "text" readable lines for a person, "auto" text when stdout is a
// terminal, else json. The same events and fields either way.
std::shared_ptr<spdlog::logger> MakeLogger(const std::string& level, const std::string& format);

// A sink that writes each line as a person reads it, e.g.
//   06:01:02.123 DEBUG event_enqueued  event_type=user_create status=queued
// (time UTC; strings bare unless they hold spaces or quotes, then quoted;
// objects and arrays as compact JSON) to `out` (stdout by default).
spdlog::sink_ptr MakeReadableSink(std::FILE* out = stdout);

// One line of MakeReadableSink's, from LogJson's payload
// (`"event":"...",...`) and the level's name; the payload as it is when it
// is not that shape.
std::string ReadableLine(std::string_view payload, std::string_view level);

// A logger that drops everything, for tests and tools.
std::shared_ptr<spdlog::logger> MakeNullLogger();

// Writes {"event": event, ...fields} at `level`. Returns at once when the
// level is off, but the caller has built `fields` by then: on hot paths,
// check log.should_log(level) first.
void LogJson(spdlog::logger& log, spdlog::level::level_enum level, std::string_view event,
             const nlohmann::json& fields = nlohmann::json::object());

}  // namespace spamphibian
