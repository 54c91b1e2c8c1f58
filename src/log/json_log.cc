#include "log/json_log.h"

#include <spdlog/sinks/base_sink.h>
#include <spdlog/sinks/null_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <mutex>

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

namespace {

// A value as a person reads it: a plain word bare, anything else as JSON
// (quoted, control characters escaped).
std::string Bare(const nlohmann::ordered_json& v) {
  if (v.is_string()) {
    const std::string& s = v.get_ref<const std::string&>();
    const bool plain = !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
      const auto u = static_cast<unsigned char>(c);
      return u > 0x20 && u != 0x7f && c != '"' && c != '=' && c != '\\';
    });
    if (plain) return s;
  }
  return v.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

// Hostile text (names, titles) reaches a terminal here: JSON escapes C0
// controls, but not C1 (U+0080..U+009F, in UTF-8 \xc2\x80..\xc2\x9f), which
// some terminals obey as escape sequences. Shown as \u0080.. instead.
std::string WithoutC1Controls(std::string line) {
  std::string out;
  out.reserve(line.size());
  for (std::size_t i = 0; i < line.size(); ++i) {
    const auto next = i + 1 < line.size() ? static_cast<unsigned char>(line[i + 1]) : 0;
    if (static_cast<unsigned char>(line[i]) == 0xc2 && next >= 0x80 && next <= 0x9f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", next);
      out += buf;
      ++i;
    } else {
      out += line[i];
    }
  }
  return out;
}

class ReadableSink : public spdlog::sinks::base_sink<std::mutex> {
 public:
  explicit ReadableSink(std::FILE* out) : out_(out) {}

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    const auto t = std::chrono::system_clock::to_time_t(msg.time);
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(msg.time.time_since_epoch()).count() % 1000;
    std::tm tm{};
    gmtime_r(&t, &tm);
    char stamp[32];
    std::snprintf(stamp, sizeof stamp, "%02d:%02d:%02d.%03d ", tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms));
    const auto level = spdlog::level::to_string_view(msg.level);
    std::string line = stamp + WithoutC1Controls(ReadableLine(std::string_view(msg.payload.data(), msg.payload.size()),
                                                              std::string_view(level.data(), level.size())));
    line += '\n';
    std::fwrite(line.data(), 1, line.size(), out_);
  }
  void flush_() override { std::fflush(out_); }

 private:
  std::FILE* out_;
};

}  // namespace

std::string ReadableLine(std::string_view payload, std::string_view level) {
  std::string upper(level);
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  upper.resize(std::max<std::size_t>(upper.size(), 5), ' ');
  // Ordered: the fields in the order they were logged.
  const nlohmann::ordered_json j = nlohmann::ordered_json::parse("{" + std::string(payload) + "}", nullptr, false);
  if (!j.is_object() || !j.contains("event")) return upper + " " + std::string(payload);
  std::string line = upper + " " + Bare(j["event"]) + " ";
  for (auto it = j.begin(); it != j.end(); ++it) {
    if (it.key() == "event") continue;
    line += " " + it.key() + "=" + Bare(it.value());
  }
  return line;
}

spdlog::sink_ptr MakeReadableSink(std::FILE* out) { return std::make_shared<ReadableSink>(out); }

std::shared_ptr<spdlog::logger> MakeLogger(const std::string& level, const std::string& format) {
  const bool text = format == "text" || (format == "auto" && isatty(STDOUT_FILENO) == 1);
  if (!text) return MakeJsonLogger(level);
  auto logger = std::make_shared<spdlog::logger>("spamphibian", MakeReadableSink());
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
