#include "config/config.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <type_traits>
#include <variant>

#include "http/address_set.h"

namespace spamphibian {
namespace {

// Parses a whole decimal integer in [lo, hi]; `what` names the setting.
Status ParseInt(const std::string& what, const std::string& text, long long lo, long long hi,
                long long* out) {
  long long value = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc() || ptr != end) {
    return Status::InvalidArgument(what + ": '" + text + "' is not an integer");
  }
  if (value < lo || value > hi) {
    return Status::InvalidArgument(what + ": " + text + " is out of range [" + std::to_string(lo) +
                                   ", " + std::to_string(hi) + "]");
  }
  *out = value;
  return Status::Ok();
}

Status ParseBool(const std::string& what, std::string text, bool* out) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  if (text == "1" || text == "true" || text == "yes" || text == "on") {
    *out = true;
  } else if (text == "0" || text == "false" || text == "no" || text == "off" || text.empty()) {
    *out = false;
  } else {
    return Status::InvalidArgument(what + ": '" + text + "' is not a boolean (true/false)");
  }
  return Status::Ok();
}

Status ParseLogLevel(const std::string& what, std::string text, std::string* out) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  if (text == "warning") text = "warn";
  static constexpr const char* kLevels[] = {"trace", "debug", "info", "warn", "error", "critical", "off"};
  for (const char* level : kLevels) {
    if (text == level) {
      *out = text;
      return Status::Ok();
    }
  }
  return Status::InvalidArgument(what + ": '" + text +
                                 "' is not a log level (debug, info, warning, error, critical)");
}

Status ParseProbability(const std::string& what, const std::string& v, double* out) {
  char* end = nullptr;
  const double p = std::strtod(v.c_str(), &end);
  if (v.empty() || *end != '\0' || p < 0 || p > 1) return Status::InvalidArgument(what + ": '" + v + "' is not between 0 and 1");
  *out = p;
  return Status::Ok();
}

// "a, b,c" -> {"a", "b", "c"}; empty items dropped.
std::vector<std::string> SplitCommaList(const std::string& v) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= v.size()) {
    std::size_t end = v.find(',', start);
    if (end == std::string::npos) end = v.size();
    std::string item = v.substr(start, end - start);
    item.erase(0, item.find_first_not_of(" \t"));
    item.erase(item.find_last_not_of(" \t") + 1);
    if (!item.empty()) out.push_back(std::move(item));
    start = end + 1;
  }
  return out;
}

// Where a setting's value goes: a function from the Config to the field,
// made once per field by At<&Config::section, &Section::field>() (or
// Top<&Config::field>()). A row names its field this way, and one setter
// per field type (Assign below) reads the text into it.
template <typename T>
using Getter = T* (*)(Config*);

template <auto Section, auto Member>
constexpr auto At() {
  return +[](Config* c) { return &((c->*Section).*Member); };
}
template <auto Member>
constexpr auto Top() {
  return +[](Config* c) { return &(c->*Member); };
}

using Field = std::variant<Getter<int>, Getter<long>, Getter<long long>, Getter<unsigned long>, Getter<double>,
                           Getter<bool>, Getter<std::string>, Getter<Secret>, Getter<std::chrono::milliseconds>,
                           Getter<std::chrono::seconds>, Getter<std::chrono::hours>, Getter<std::vector<std::string>>,
                           Getter<std::vector<HostPort>>>;

// The unit of a duration's number, as its key says (_ms, _seconds, _hours,
// _days; the interval keys are in seconds).
enum class Unit { kMs, kSeconds, kHours, kDays };

// What else a text must be.
enum Rule : unsigned {
  kNoRule = 0,
  kNotEmpty = 1,         // a value is needed
  kNoTrailingSlash = 2,  // a base URL: "https://x/" is "https://x"
  kHttpUrl = 4,          // http:// or https://, or empty
  kAtLeast16 = 8,        // a token someone could guess if shorter
  kOnlyIfSet = 16,       // empty leaves the value as it is (GITLAB_TOKEN over GITLAB_ACCESS_TOKEN)
  kEmptyIsDefault = 32,  // empty means the default
  kAddresses = 64,       // a list of IP addresses and CIDR ranges
};

// One setting: a row of data. An empty env name: not settable from the
// environment; an empty YAML key: not from the file (secrets).
struct Setting {
  const char* env;
  const char* yaml;  // "section.key"
  Field field;
  double lo = 0, hi = 0;        // numbers and durations: the range, in the key's unit
  Unit unit = Unit::kSeconds;   // durations
  unsigned rules = kNoRule;
  const char* choices = nullptr;  // "a|b|c": one of them
  // A setting whose text is read its own way (log levels, the model's
  // fallback); `field` then only serves its default.
  Status (*custom)(const std::string& what, const std::string& value, Config* c) = nullptr;
  // The default as people read it, when it is decided at start-up rather
  // than by the field's initial value (a path of the build, S3's manifest).
  const char* shown_default = nullptr;
};

constexpr Setting Shown(Setting s, const char* shown_default) {
  s.shown_default = shown_default;
  return s;
}

constexpr Setting Number(const char* env, const char* yaml, Field field, double lo, double hi) {
  return {env, yaml, field, lo, hi};
}
constexpr Setting Duration(const char* env, const char* yaml, Field field, double lo, double hi, Unit unit) {
  return {env, yaml, field, lo, hi, unit};
}
constexpr Setting Text(const char* env, const char* yaml, Field field, unsigned rules = kNoRule) {
  return {env, yaml, field, 0, 0, Unit::kSeconds, rules};
}
constexpr Setting Choice(const char* env, const char* yaml, Field field, const char* choices) {
  return {env, yaml, field, 0, 0, Unit::kSeconds, kNoRule, choices};
}
constexpr Setting Custom(const char* env, const char* yaml, Field field,
                         Status (*custom)(const std::string&, const std::string&, Config*)) {
  return {env, yaml, field, 0, 0, Unit::kSeconds, kNoRule, nullptr, custom};
}

template <typename D>
D InUnit(long long n, Unit unit) {
  switch (unit) {
    case Unit::kMs: return std::chrono::duration_cast<D>(std::chrono::milliseconds(n));
    case Unit::kSeconds: return std::chrono::duration_cast<D>(std::chrono::seconds(n));
    case Unit::kHours: return std::chrono::duration_cast<D>(std::chrono::hours(n));
    case Unit::kDays: return std::chrono::duration_cast<D>(std::chrono::hours(24 * n));
  }
  return D(n);
}

template <typename D>
long long OfUnit(D d, Unit unit) {
  switch (unit) {
    case Unit::kMs: return std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
    case Unit::kSeconds: return std::chrono::duration_cast<std::chrono::seconds>(d).count();
    case Unit::kHours: return std::chrono::duration_cast<std::chrono::hours>(d).count();
    case Unit::kDays: return std::chrono::duration_cast<std::chrono::hours>(d).count() / 24;
  }
  return d.count();
}

// The setters, one per field type.
template <typename T>
  requires std::is_integral_v<T> && (!std::is_same_v<T, bool>)
Status Assign(const Setting& s, const std::string& what, const std::string& v, T* field) {
  long long n = 0;
  Status st = ParseInt(what, v, static_cast<long long>(s.lo), static_cast<long long>(s.hi), &n);
  if (st.ok()) *field = static_cast<T>(n);
  return st;
}

template <typename Rep, typename Period>
Status Assign(const Setting& s, const std::string& what, const std::string& v, std::chrono::duration<Rep, Period>* field) {
  long long n = 0;
  Status st = ParseInt(what, v, static_cast<long long>(s.lo), static_cast<long long>(s.hi), &n);
  if (st.ok()) *field = InUnit<std::chrono::duration<Rep, Period>>(n, s.unit);
  return st;
}

Status Assign(const Setting& s, const std::string& what, const std::string& v, double* field) {
  char* end = nullptr;
  const double x = std::strtod(v.c_str(), &end);
  if (v.empty() || *end != '\0' || !(x >= s.lo && x <= s.hi)) {
    std::ostringstream range;
    range << s.lo << " and " << s.hi;
    return Status::InvalidArgument(what + ": '" + v + "' is not a number between " + range.str());
  }
  *field = x;
  return Status::Ok();
}

Status Assign(const Setting&, const std::string& what, const std::string& v, bool* field) { return ParseBool(what, v, field); }

Status Assign(const Setting& s, const std::string& what, const std::string& v, std::string* field) {
  if (s.choices != nullptr) {
    const std::string all = s.choices;
    const std::string bounded = "|" + all + "|";
    if (v.empty() || v.find('|') != std::string::npos || bounded.find("|" + v + "|") == std::string::npos) {
      return Status::InvalidArgument(what + ": '" + v + "' is not one of " + all);
    }
  }
  if ((s.rules & kNotEmpty) && v.empty()) return Status::InvalidArgument(what + ": must not be empty");
  if ((s.rules & kHttpUrl) && !v.empty() && !v.starts_with("http://") && !v.starts_with("https://")) {
    return Status::InvalidArgument(what + ": '" + v + "' is not an http(s) URL");
  }
  if ((s.rules & kEmptyIsDefault) && v.empty()) {
    Config defaults;
    *field = *std::get<Getter<std::string>>(s.field)(&defaults);
    return Status::Ok();
  }
  *field = v;
  if (s.rules & kNoTrailingSlash) {
    while (!field->empty() && field->back() == '/') field->pop_back();
  }
  return Status::Ok();
}

Status Assign(const Setting& s, const std::string& what, const std::string& v, Secret* field) {
  if ((s.rules & kAtLeast16) && !v.empty() && v.size() < 16) return Status::InvalidArgument(what + ": at least 16 characters");
  if ((s.rules & kOnlyIfSet) && v.empty()) return Status::Ok();
  *field = Secret(v);
  return Status::Ok();
}

Status Assign(const Setting& s, const std::string& what, const std::string& v, std::vector<std::string>* field) {
  *field = SplitCommaList(v);
  if (s.rules & kAddresses) {
    http::AddressSet set;
    Status st = http::AddressSet::Parse(*field, &set);
    if (!st.ok()) return Status::InvalidArgument(what + ": " + st.message());
  }
  return Status::Ok();
}

Status Assign(const Setting&, const std::string& what, const std::string& v, std::vector<HostPort>* field) {
  Status st = ParseHostPortList(v, field);
  return st.ok() ? st : Status::InvalidArgument(what + ": " + st.message());
}

Status Apply(const Setting& s, const std::string& what, const std::string& value, Config* c) {
  if (s.custom != nullptr) return s.custom(what, value, c);
  return std::visit([&](auto get) { return Assign(s, what, value, get(c)); }, s.field);
}

// A setting's default, as its text would be written (deploy/config.yaml,
// the README's table).
std::string DefaultText(const Setting& s) {
  if (s.shown_default != nullptr) return s.shown_default;
  Config defaults;
  return std::visit(
      [&](auto get) -> std::string {
        const auto& v = *get(&defaults);
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, bool>) {
          return v ? "true" : "false";
        } else if constexpr (std::is_integral_v<T>) {
          return std::to_string(v);
        } else if constexpr (std::is_same_v<T, double>) {
          std::ostringstream out;
          out << v;
          return out.str();
        } else if constexpr (std::is_same_v<T, std::string>) {
          return v;
        } else if constexpr (std::is_same_v<T, Secret>) {
          return "";
        } else if constexpr (std::is_same_v<T, std::vector<std::string>>) {
          std::string out;
          for (const auto& x : v) out += (out.empty() ? "" : ",") + x;
          return out;
        } else if constexpr (std::is_same_v<T, std::vector<HostPort>>) {
          std::string out;
          for (const auto& x : v) out += (out.empty() ? "" : ",") + x.host + ":" + std::to_string(x.port);
          return out;
        } else {
          return std::to_string(OfUnit(v, s.unit));
        }
      },
      s.field);
}

Status LogLevel(const std::string& w, const std::string& v, Config* c) { return ParseLogLevel(w, v, &c->log_level); }

Status ModelFallback(const std::string& w, const std::string& v, Config* c) {
  if (v != "embedded" && v != "pending") return Status::InvalidArgument(w + ": '" + v + "' is not embedded or pending");
  c->classify.hold_when_model_url_down = v == "pending";
  return Status::Ok();
}

using C = Config;
constexpr double kDay = 86400;

// The table of every setting: (env, YAML key, field, range or rule). Adding
// a setting is one row here and one field in Config; deploy/config.yaml and
// the README's table are checked against these rows (config_test.cc).
const Setting kSettings[] = {
    Number("PORT", "server.port", At<&C::server, &ServerOptions::port>(), 0, 65535),
    Text("", "server.bind_address", At<&C::server, &ServerOptions::bind_address>(), kNotEmpty),
    Number("", "server.max_body_bytes", At<&C::server, &ServerOptions::max_body_bytes>(), 1024, 64 << 20),
    Number("", "server.max_json_depth", At<&C::server, &ServerOptions::max_json_depth>(), 2, 1024),
    Number("", "server.max_connections", At<&C::server, &ServerOptions::max_connections>(), 1, 1000000),
    Number("", "server.max_connections_per_address", At<&C::server, &ServerOptions::max_connections_per_address>(), 1,
           1000000),
    Number("", "server.reserved_connections", At<&C::server, &ServerOptions::reserved_connections>(), 0, 1000000),
    Text("SERVER_TRUSTED_SOURCES", "server.trusted_sources", At<&C::server, &ServerOptions::trusted_sources>(), kAddresses),
    Duration("", "server.header_timeout_seconds", At<&C::server, &ServerOptions::header_timeout>(), 1, 3600, Unit::kSeconds),
    Number("", "server.threads", At<&C::server, &ServerOptions::threads>(), 1, 64),
    Duration("", "server.read_timeout_seconds", At<&C::server, &ServerOptions::read_timeout>(), 1, 3600, Unit::kSeconds),
    Duration("", "server.shutdown_timeout_seconds", At<&C::server, &ServerOptions::shutdown_timeout>(), 1, 3600,
             Unit::kSeconds),
    Text("GITLAB_URL", "gitlab.url", Top<&C::gitlab_url>(), kNoTrailingSlash),
    Text("GITLAB_ACCESS_TOKEN", "", Top<&C::gitlab_token>()),  // upstream's name; GITLAB_TOKEN below wins
    Text("GITLAB_TOKEN", "", Top<&C::gitlab_token>(), kOnlyIfSet),
    Text("GITLAB_WEBHOOK_SECRET", "", Top<&C::webhook_secret>()),
    Text("REDIS_HOST", "redis.host", At<&C::redis, &RedisOptions::host>(), kNotEmpty),
    Number("REDIS_PORT", "redis.port", At<&C::redis, &RedisOptions::port>(), 1, 65535),
    Text("REDIS_SOCKET", "redis.socket", At<&C::redis, &RedisOptions::socket>()),
    Number("REDIS_DB", "redis.db", At<&C::redis, &RedisOptions::db>(), 0, 15),
    Text("REDIS_PASSWORD", "", At<&C::redis, &RedisOptions::password>()),
    Text("REDIS_SENTINEL_ENABLED", "redis.sentinel_enabled", At<&C::redis, &RedisOptions::sentinel_enabled>()),
    Text("REDIS_SENTINEL_HOSTS", "redis.sentinel_hosts", At<&C::redis, &RedisOptions::sentinel_hosts>()),
    Text("REDIS_MASTER_SET", "redis.master_set", At<&C::redis, &RedisOptions::master_set>(), kNotEmpty),
    Text("REDIS_SENTINEL_PASSWORD", "", At<&C::redis, &RedisOptions::sentinel_password>()),
    Duration("", "redis.connect_timeout_ms", At<&C::redis, &RedisOptions::connect_timeout>(), 10, 60000, Unit::kMs),
    Duration("", "redis.command_timeout_ms", At<&C::redis, &RedisOptions::command_timeout>(), 10, 600000, Unit::kMs),
    Number("REDIS_MIN_REPLICAS_ACK", "redis.min_replicas_ack", At<&C::redis, &RedisOptions::min_replicas_ack>(), -1, 16),
    Duration("", "redis.replica_ack_timeout_ms", At<&C::redis, &RedisOptions::replica_ack_timeout>(), 10, 60000, Unit::kMs),
    Duration("", "redis.ack_deadline_ms", At<&C::redis, &RedisOptions::ack_deadline>(), 0, 60000, Unit::kMs),
    Text("REDIS_KEY_PREFIX", "redis.key_prefix", At<&C::pipeline, &PipelineOptions::key_prefix>()),
    Number("", "pipeline.batch_size", At<&C::pipeline, &PipelineOptions::batch_size>(), 1, 10000),
    Duration("", "pipeline.block_ms", At<&C::pipeline, &PipelineOptions::block>(), 1, 60000, Unit::kMs),
    Duration("", "pipeline.claim_idle_ms", At<&C::pipeline, &PipelineOptions::claim_idle>(), 10, kDay * 1000, Unit::kMs),
    Number("", "pipeline.max_attempts", At<&C::pipeline, &PipelineOptions::max_attempts>(), 1, 1000),
    Duration("", "pipeline.delivery_dedupe_seconds", At<&C::pipeline, &PipelineOptions::delivery_dedupe_ttl>(), 1,
             30 * kDay, Unit::kSeconds),
    Number("", "pipeline.workers", At<&C::pipeline, &PipelineOptions::workers>(), 1, 256),
    Text("", "pipeline.chain", At<&C::pipeline, &PipelineOptions::chain>()),
    Number("GITLAB_API_RATE", "gitlab.api_rate", At<&C::gitlab, &GitLabOptions::api_rate>(), 0, 100000),
    Text("GITLAB_CA_BUNDLE", "gitlab.ca_bundle", At<&C::gitlab, &GitLabOptions::ca_bundle>()),
    Duration("", "gitlab.timeout_ms", At<&C::gitlab, &GitLabOptions::timeout>(), 100, 600000, Unit::kMs),
    Number("", "gitlab.max_attempts", At<&C::gitlab, &GitLabOptions::max_attempts>(), 1, 100),
    Number("", "gitlab.fetch_workers", At<&C::gitlab, &GitLabOptions::fetch_workers>(), 1, 256),
    Number("", "gitlab.act_workers", At<&C::gitlab, &GitLabOptions::act_workers>(), 1, 256),
    Number("", "gitlab.act_batch_max", At<&C::gitlab, &GitLabOptions::act_batch_max>(), 1, 500),
    Duration("", "gitlab.act_flush_ms", At<&C::gitlab, &GitLabOptions::act_flush>(), 0, 10000, Unit::kMs),
    Duration("", "gitlab.act_deadline_ms", At<&C::gitlab, &GitLabOptions::act_deadline>(), 100, 3600000, Unit::kMs),
    Text("TRUSTED_DOMAINS_FILE", "trust.domains_file", At<&C::trust, &TrustOptions::domains_file>()),
    Text("VERIFIED_USERS_FILE", "trust.users_file", At<&C::trust, &TrustOptions::users_file>()),
    Text("", "trust.disposable_domains_file", At<&C::trust, &TrustOptions::disposable_domains_file>()),
    Duration("SNIPPET_CHECK_INTERVAL", "jobs.snippet_check_interval", At<&C::jobs, &JobsOptions::snippet_check_interval>(),
             1, 7 * kDay, Unit::kSeconds),
    Duration("VERIFIED_USERS_INTERVAL", "jobs.verified_users_interval",
             At<&C::jobs, &JobsOptions::verified_users_interval>(), 1, 7 * kDay, Unit::kSeconds),
    Text("", "jobs.verified_marker", At<&C::jobs, &JobsOptions::verified_marker>()),
    Text("MODEL_PATH", "classify.model_path", At<&C::classify, &ClassifyOptions::model_path>()),
    Shown(Text("MODEL_S3_KEY", "model.s3_key", At<&C::classify, &ClassifyOptions::model_s3_key>()), "models/current.json"),
    Duration("MODEL_REFRESH_INTERVAL", "model.refresh_interval", At<&C::classify, &ClassifyOptions::model_refresh_interval>(),
             0, 7 * kDay, Unit::kSeconds),
    // Empty: the file shipped with this binary (the default).
    Text("MODEL_TRAINING_DATA", "model.training_data", At<&C::classify, &ClassifyOptions::training_data>(), kEmptyIsDefault),
    Shown(Text("MODEL_EVAL_DATA", "model.eval_data", At<&C::classify, &ClassifyOptions::eval_data>(), kEmptyIsDefault),
          "tests/data/eval/dev-set.jsonl"),
    Duration("", "jobs.retrain_interval", At<&C::jobs, &JobsOptions::retrain_interval>(), 60, 90 * kDay, Unit::kSeconds),
    Number("", "jobs.retrain_min_new_labels", At<&C::jobs, &JobsOptions::retrain_min_new_labels>(), 1, 100000000),
    Duration("", "jobs.shadow_hours", At<&C::jobs, &JobsOptions::shadow_hours>(), 0, 24 * 90, Unit::kHours),
    Duration("", "jobs.retrain_check_interval", At<&C::jobs, &JobsOptions::retrain_check_interval>(), 1, kDay,
             Unit::kSeconds),
    Text("", "jobs.auto_promote", At<&C::jobs, &JobsOptions::auto_promote>()),
    Shown(Text("", "model.cache_dir", At<&C::classify, &ClassifyOptions::model_cache_dir>()), "$TMPDIR/spamphibian-models"),
    Text("S3_ENDPOINT", "s3.endpoint", At<&C::s3, &S3Settings::endpoint>(), kNoTrailingSlash),
    Text("S3_BUCKET", "s3.bucket", At<&C::s3, &S3Settings::bucket>()),
    Text("S3_REGION", "s3.region", At<&C::s3, &S3Settings::region>(), kNotEmpty),
    Text("S3_ACCESS_KEY_ID", "", At<&C::s3, &S3Settings::access_key_id>()),
    Text("S3_SECRET_ACCESS_KEY", "", At<&C::s3, &S3Settings::secret_access_key>()),
    Duration("", "s3.timeout_ms", At<&C::s3, &S3Settings::timeout>(), 100, 600000, Unit::kMs),
    Number("", "archive.batch_max", At<&C::archive, &ArchiveSettings::batch_max>(), 1, 10000),
    Duration("", "archive.flush_ms", At<&C::archive, &ArchiveSettings::flush>(), 0, 60000, Unit::kMs),
    Number("DECISIONS_MAXLEN", "pipeline.decisions_maxlen", At<&C::pipeline, &PipelineOptions::decisions_maxlen>(), 1000,
           1e9),
    Number("AUDIT_MAXLEN", "pipeline.audit_maxlen", At<&C::pipeline, &PipelineOptions::audit_maxlen>(), 1000, 1e9),
    Number("", "classify.spam_threshold", At<&C::classify, &ClassifyOptions::spam_threshold>(), 0, 1),
    Number("", "classify.suspicious_threshold", At<&C::classify, &ClassifyOptions::suspicious_threshold>(), 0, 1),
    Number("", "classify.campaign_window_ms", At<&C::classify, &ClassifyOptions::campaign_window_ms>(), 60000,
           30 * kDay * 1000),
    Number("", "classify.signup_window_ms", At<&C::classify, &ClassifyOptions::signup_window_ms>(), 60000,
           30 * kDay * 1000),
    Number("", "classify.signup_baseline_ms", At<&C::classify, &ClassifyOptions::signup_baseline_ms>(), 0,
           90 * kDay * 1000),
    Number("", "classify.flood_window_ms", At<&C::classify, &ClassifyOptions::flood_window_ms>(), 60000,
           30 * kDay * 1000),
    Duration("", "model.timeout_ms", At<&C::classify, &ClassifyOptions::model_url_timeout>(), 10, 60000, Unit::kMs),
    Shown(Custom("", "model.fallback", At<&C::classify, &ClassifyOptions::hold_when_model_url_down>(), ModelFallback),
          "embedded"),
    Text("SLACK_WEBHOOK_URL", "", Top<&C::slack_webhook_url>()),
    Number("", "slack.summarize_from", At<&C::slack, &SlackOptions::summarize_from>(), 0, 1000),
    Duration("", "slack.min_interval_ms", At<&C::slack, &SlackOptions::min_interval>(), 0, 60000, Unit::kMs),
    Number("METRICS_PORT", "metrics.port", At<&C::metrics, &C::MetricsListener::port>(), 0, 65535),
    Text("METRICS_BIND", "metrics.bind_address", At<&C::metrics, &C::MetricsListener::bind_address>(), kNotEmpty),
    Number("SPAMCHECK_PORT", "spamcheck.port", At<&C::spamcheck, &SpamcheckOptions::port>(), 0, 65535),
    Text("SPAMCHECK_BIND", "spamcheck.bind_address", At<&C::spamcheck, &SpamcheckOptions::bind_address>(), kNotEmpty),
    Text("SPAMCHECK_API_KEY", "", At<&C::spamcheck, &SpamcheckOptions::api_key>()),
    Text("SPAMCHECK_TLS_CERT", "spamcheck.tls_cert", At<&C::spamcheck, &SpamcheckOptions::tls_cert_file>()),
    Text("SPAMCHECK_TLS_KEY", "spamcheck.tls_key", At<&C::spamcheck, &SpamcheckOptions::tls_key_file>()),
    Number("", "spamcheck.max_threads", At<&C::spamcheck, &SpamcheckOptions::max_threads>(), 4, 1024),
    Number("", "spamcheck.max_message_bytes", At<&C::spamcheck, &SpamcheckOptions::max_message_bytes>(), 4096, 64 << 20),
    Duration("", "spamcheck.redis_timeout_ms", At<&C::spamcheck, &SpamcheckOptions::redis_timeout>(), 1, 2000, Unit::kMs),
    Number("ADMIN_PORT", "admin.port", At<&C::admin, &AdminOptions::port>(), 0, 65535),
    Text("ADMIN_BIND", "admin.bind_address", At<&C::admin, &AdminOptions::bind_address>(), kNotEmpty),
    Number("", "admin.threads", At<&C::admin, &AdminOptions::threads>(), 1, 64),
    Text("ADMIN_URL", "admin.url", At<&C::admin, &AdminOptions::url>(), kHttpUrl | kNoTrailingSlash),
    Text("ADMIN_API_TOKEN", "", At<&C::admin, &AdminOptions::api_token>(), kAtLeast16),
    Text("GITLAB_OAUTH_CLIENT_ID", "admin.oauth_client_id", At<&C::admin, &AdminOptions::oauth_client_id>()),
    Text("GITLAB_OAUTH_CLIENT_SECRET", "", At<&C::admin, &AdminOptions::oauth_client_secret>()),
    Duration("", "admin.session_hours", At<&C::admin, &AdminOptions::session_lifetime>(), 1, 24 * 30, Unit::kHours),
    Duration("", "admin.reviewer_check_seconds", At<&C::admin, &AdminOptions::reviewer_check>(), 1, kDay, Unit::kSeconds),
    Duration("", "review.retention_days", At<&C::review, &ReviewSettings::retention>(), 1, 3650, Unit::kDays),
    Duration("", "review.memory_days", At<&C::review, &ReviewSettings::memory>(), 0, 3650, Unit::kDays),
    Text("", "review.dry_run", At<&C::review, &ReviewSettings::dry_run>()),
    Number("", "review.purge_max_items", At<&C::review, &ReviewSettings::purge_max_items>(), 1, 100000),
    Choice("", "review.author_action", At<&C::review, &ReviewSettings::author_action>(), "block_user|ban_user"),
    Text("METRICS_TOKEN", "", Top<&C::metrics_token>()),
    Text("SLACK_SIGNING_SECRET", "", Top<&C::slack_signing_secret>()),
    Text("", "slack.response_url_prefix", At<&C::slack, &SlackOptions::response_url_prefix>(), kNotEmpty),
    Text("MODEL_URL", "model.url", Top<&C::model_url>()),
    Custom("LOGLEVEL", "log.level", Top<&C::log_level>(), LogLevel),
    Choice("LOG_FORMAT", "log.format", Top<&C::log_format>(), "auto|json|text"),
};

const Setting* FindYamlSetting(const std::string& key) {
  for (const Setting& s : kSettings) {
    if (key == s.yaml) return &s;
  }
  return nullptr;
}

// A YAML scalar, or a sequence of scalars joined with commas (for lists
// such as redis.sentinel_hosts), as the text the env parser would get.
Status ScalarText(const std::string& what, const YAML::Node& node, std::string* out) {
  if (node.IsScalar()) {
    *out = node.Scalar();
    return Status::Ok();
  }
  if (node.IsSequence()) {
    out->clear();
    for (const auto& item : node) {
      if (!item.IsScalar()) return Status::InvalidArgument(what + ": list items must be scalars");
      if (!out->empty()) *out += ",";
      *out += item.Scalar();
    }
    return Status::Ok();
  }
  if (node.IsNull()) {
    out->clear();
    return Status::Ok();
  }
  return Status::InvalidArgument(what + ": expected a value");
}

// classify.thresholds: {<item type>: {spam: P, suspicious: P}}; a missing
// value takes the global one (classify.spam_threshold / suspicious_threshold),
// resolved in LoadConfig once the whole file and environment are read.
Status ApplyThresholds(const YAML::Node& node, Config* c) {
  const std::string what = "SPAMPHIBIAN_CONFIG: classify.thresholds";
  if (!node.IsMap()) return Status::InvalidArgument(what + ": expected a mapping of item type to {spam, suspicious}");
  for (const auto& type : node) {
    const std::string name = type.first.as<std::string>();
    if (!type.second.IsMap()) return Status::InvalidArgument(what + "." + name + ": expected {spam, suspicious}");
    ThresholdPair pair{-1, -1};
    for (const auto& kv : type.second) {
      const std::string key = kv.first.as<std::string>();
      const std::string where = "classify.thresholds." + name + "." + key;
      double* field = key == "spam" ? &pair.spam : key == "suspicious" ? &pair.suspicious : nullptr;
      if (field == nullptr || !kv.second.IsScalar()) return Status::InvalidArgument("SPAMPHIBIAN_CONFIG: unknown key '" + where + "'");
      if (Status s = ParseProbability(where, kv.second.Scalar(), field); !s.ok()) {
        return Status::InvalidArgument("SPAMPHIBIAN_CONFIG: " + s.message());
      }
    }
    c->classify.thresholds_by_type[name] = pair;
  }
  return Status::Ok();
}

// review.slack_users: {<Slack user id>: <GitLab username>};
// review.on_spam: {<item type>: [actions]}.
Status ApplyReviewMap(const std::string& key, const YAML::Node& node, Config* c) {
  const std::string what = "SPAMPHIBIAN_CONFIG: " + key;
  if (!node.IsMap()) return Status::InvalidArgument(what + ": expected a mapping");
  static const char* kTypes[] = {"user", "project", "group", "issue", "note", "merge_request", "wiki_page", "snippet"};
  static const char* kActions[] = {"quarantine", "delete", "ban_user", "block_user"};
  for (const auto& kv : node) {
    const std::string name = kv.first.as<std::string>();
    if (key == "review.slack_users") {
      if (!kv.second.IsScalar() || kv.second.Scalar().empty()) {
        return Status::InvalidArgument(what + "." + name + ": expected a GitLab username");
      }
      c->review.slack_users[name] = kv.second.Scalar();
      continue;
    }
    if (std::find(std::begin(kTypes), std::end(kTypes), name) == std::end(kTypes)) {
      return Status::InvalidArgument(what + ": unknown item type '" + name + "'");
    }
    if (!kv.second.IsSequence()) return Status::InvalidArgument(what + "." + name + ": expected a list of actions");
    auto& actions = c->review.on_spam[name];
    for (const auto& a : kv.second) {
      if (!a.IsScalar() || std::find(std::begin(kActions), std::end(kActions), a.Scalar()) == std::end(kActions)) {
        return Status::InvalidArgument(what + "." + name +
                                       ": actions are quarantine, delete, ban_user, block_user");
      }
      actions.push_back(a.Scalar());
    }
  }
  return Status::Ok();
}

// A YAML list of text (items may contain commas: regexes).
Status ApplyList(const std::string& key, const YAML::Node& node, std::vector<std::string>* list) {
  if (!node.IsSequence()) return Status::InvalidArgument("SPAMPHIBIAN_CONFIG: " + key + ": expected a list");
  for (const auto& item : node) {
    if (!item.IsScalar()) return Status::InvalidArgument("SPAMPHIBIAN_CONFIG: " + key + ": list items must be text");
    list->push_back(item.Scalar());
  }
  return Status::Ok();
}

// The keys of the file whose values are lists or mappings, each with its
// reader (the YAML file only; the environment has no such settings).
struct StructuredSetting {
  const char* yaml;
  Status (*apply)(const std::string& key, const YAML::Node& node, Config* c);
};

const StructuredSetting kStructuredSettings[] = {
    {"trust.domains", [](const std::string& k, const YAML::Node& n, Config* c) { return ApplyList(k, n, &c->trust.domains); }},
    {"trust.users", [](const std::string& k, const YAML::Node& n, Config* c) { return ApplyList(k, n, &c->trust.users); }},
    {"trust.bots", [](const std::string& k, const YAML::Node& n, Config* c) { return ApplyList(k, n, &c->trust.bots); }},
    {"jobs.verified_groups",
     [](const std::string& k, const YAML::Node& n, Config* c) { return ApplyList(k, n, &c->jobs.verified_groups); }},
    {"review.groups", [](const std::string& k, const YAML::Node& n, Config* c) { return ApplyList(k, n, &c->review.groups); }},
    {"review.slack_users", ApplyReviewMap},
    {"review.on_spam", ApplyReviewMap},
    {"classify.thresholds", [](const std::string&, const YAML::Node& n, Config* c) { return ApplyThresholds(n, c); }},
};

const StructuredSetting* FindStructuredSetting(const std::string& key) {
  for (const StructuredSetting& s : kStructuredSettings) {
    if (key == s.yaml) return &s;
  }
  return nullptr;
}

Status ApplyYamlUnchecked(const std::string& path, Config* c);

// Every YAML shape error becomes a message naming the file and, where
// yaml-cpp knows it, the line: never an exception out of start-up.
Status ApplyYaml(const std::string& path, Config* c) {
  try {
    return ApplyYamlUnchecked(path, c);
  } catch (const YAML::Exception& e) {
    return Status::InvalidArgument("SPAMPHIBIAN_CONFIG: '" + path + "': a value has the wrong shape: " + e.what());
  }
}

Status ApplyYamlUnchecked(const std::string& path, Config* c) {
  YAML::Node root;
  if (Status s = ReadConfigFile(path, &root); !s.ok()) return s;
  if (root.IsNull()) return Status::Ok();  // an empty file is fine
  if (!root.IsMap()) return Status::InvalidArgument("SPAMPHIBIAN_CONFIG: '" + path + "' must be a mapping");
  for (const auto& section : root) {
    const std::string name = section.first.as<std::string>();
    if (name == "policy") continue;  // the act stage's policy, read by policy/policy.cc (reloadable)
    if (section.second.IsNull()) continue;  // a section whose keys are all commented out
    if (!section.second.IsMap()) {
      return Status::InvalidArgument("SPAMPHIBIAN_CONFIG: unknown key '" + name + "' (or not a section)");
    }
    for (const auto& entry : section.second) {
      const std::string key = name + "." + entry.first.as<std::string>();
      if (const StructuredSetting* structured = FindStructuredSetting(key); structured != nullptr) {
        if (Status st = structured->apply(key, entry.second, c); !st.ok()) return st;
        continue;
      }
      const Setting* setting = FindYamlSetting(key);
      if (setting == nullptr) return Status::InvalidArgument("SPAMPHIBIAN_CONFIG: unknown key '" + key + "'");
      std::string text;
      Status s = ScalarText(key, entry.second, &text);
      if (s.ok()) s = Apply(*setting, key, text, c);
      if (!s.ok()) return Status::InvalidArgument("SPAMPHIBIAN_CONFIG: " + s.message());
    }
  }
  return Status::Ok();
}

}  // namespace

Status ReadConfigFile(const std::string& path, YAML::Node* root) {
  try {
    std::ifstream in(path);
    if (!in) return Status::InvalidArgument("SPAMPHIBIAN_CONFIG: cannot read '" + path + "'");
    *root = YAML::Load(in);
  } catch (const YAML::Exception& e) {
    return Status::InvalidArgument("SPAMPHIBIAN_CONFIG: '" + path + "' is not valid YAML: " + e.what());
  }
  return Status::Ok();
}

EnvLookup ProcessEnvironment() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* value = std::getenv(name.c_str());
    if (value == nullptr) return std::nullopt;
    return std::string(value);
  };
}

Status ParseHostPortList(const std::string& text, std::vector<HostPort>* out) {
  out->clear();
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find(',', start);
    if (end == std::string::npos) end = text.size();
    std::string item = text.substr(start, end - start);
    item.erase(0, item.find_first_not_of(" \t"));
    item.erase(item.find_last_not_of(" \t") + 1);
    if (!item.empty()) {
      const std::size_t colon = item.rfind(':');
      if (colon == std::string::npos || colon == 0) {
        return Status::InvalidArgument("'" + item + "' is not host:port");
      }
      HostPort hp;
      hp.host = item.substr(0, colon);
      long long port = 0;
      Status s = ParseInt("port of '" + item + "'", item.substr(colon + 1), 1, 65535, &port);
      if (!s.ok()) return s;
      hp.port = static_cast<int>(port);
      out->push_back(std::move(hp));
    }
    start = end + 1;
  }
  return Status::Ok();
}

Status CheckTimeouts(const Config& c, bool act_stage, std::vector<std::string>* warnings) {
  // The relations that keep an action from being done twice: a slow GitLab
  // must not outlive the claim, or another worker resumes it meanwhile.
  const auto claim = c.pipeline.claim_idle;
  if (act_stage && c.gitlab.act_deadline >= claim) {
    return Status::InvalidArgument("gitlab.act_deadline_ms (" + std::to_string(c.gitlab.act_deadline.count()) +
                                   ") must be below pipeline.claim_idle_ms (" + std::to_string(claim.count()) +
                                   "): an action must end before another worker may resume it");
  }
  if (act_stage && c.gitlab.timeout > c.gitlab.act_deadline) {
    return Status::InvalidArgument("gitlab.timeout_ms (" + std::to_string(c.gitlab.timeout.count()) +
                                   ") must not be above gitlab.act_deadline_ms (" +
                                   std::to_string(c.gitlab.act_deadline.count()) + ")");
  }
  if (c.redis.sentinel_enabled && c.redis.RequiredReplicaAcks() == 0) {
    warnings->push_back(
        "redis.min_replicas_ack is 0 with Sentinel: a hook answered 200 can be lost when a failover promotes a "
        "replica that never received it (a partition that cuts the master off from its sentinels)");
  }
  if (c.redis.RequiredReplicaAcks() > 0 && c.redis.replica_ack_timeout >= c.redis.ack_deadline) {
    warnings->push_back("redis.replica_ack_timeout_ms is not below redis.ack_deadline_ms: a hook whose replicas "
                        "are slow gets 503 instead of a second try");
  }
  if (c.redis.command_timeout * 3 >= claim) {
    warnings->push_back("redis.command_timeout_ms (" + std::to_string(c.redis.command_timeout.count()) +
                        ") is not below a third of pipeline.claim_idle_ms (" + std::to_string(claim.count()) +
                        "): while Redis is slow, the heartbeat that keeps long work claimed may come too late");
  }
  return Status::Ok();
}

std::vector<SettingRow> ConfigSettings() {
  std::vector<SettingRow> rows;
  for (const Setting& s : kSettings) rows.push_back({s.env, s.yaml, DefaultText(s)});
  return rows;
}

std::vector<std::string> ConfigFileKeys() {
  std::vector<std::string> keys = {"policy"};  // the act policy's section (policy/policy.cc)
  for (const StructuredSetting& s : kStructuredSettings) keys.emplace_back(s.yaml);
  for (const Setting& s : kSettings) {
    if (s.yaml[0] != '\0') keys.emplace_back(s.yaml);
  }
  return keys;
}

std::vector<std::string> ConfigEnvironmentNames() {
  std::vector<std::string> names = {"SPAMPHIBIAN_CONFIG", "SPAMPHIBIAN_DATA_DIR"};
  for (const Setting& s : kSettings) {
    if (s.env[0] != '\0') names.emplace_back(s.env);
  }
  return names;
}

Status LoadConfig(const EnvLookup& env, Config* out) {
  *out = Config();
  if (auto path = env("SPAMPHIBIAN_CONFIG"); path && !path->empty()) {
    out->config_file = *path;
    Status s = ApplyYaml(*path, out);
    if (!s.ok()) return s;
  }
  for (const Setting& setting : kSettings) {
    if (setting.env[0] == '\0') continue;
    auto value = env(setting.env);
    if (!value) continue;
    Status s = Apply(setting, setting.env, *value, out);
    if (!s.ok()) return s;
  }
  if (out->classify.suspicious_threshold > out->classify.spam_threshold) {
    return Status::InvalidArgument("classify.suspicious_threshold: must not be above classify.spam_threshold");
  }
  for (auto& [type, pair] : out->classify.thresholds_by_type) {
    if (pair.spam < 0) pair.spam = out->classify.spam_threshold;
    if (pair.suspicious < 0) pair.suspicious = out->classify.suspicious_threshold;
    if (pair.suspicious > pair.spam) {
      return Status::InvalidArgument("classify.thresholds." + type + ": suspicious must not be above spam");
    }
  }
  if (out->s3.endpoint.empty() != out->s3.bucket.empty()) {
    return Status::InvalidArgument(out->s3.endpoint.empty() ? "S3_ENDPOINT: required when S3_BUCKET is set"
                                                            : "S3_BUCKET: required when S3_ENDPOINT is set");
  }
  if (!out->classify.model_s3_key.empty() && !out->s3.configured()) {
    return Status::InvalidArgument("MODEL_S3_KEY: needs S3_ENDPOINT and S3_BUCKET");
  }
  // With S3 and no model file, replicas follow the registry's manifest
  // (registry/model_registry.h), so that `serve`, `classify` and `model`
  // agree without a setting.
  if (out->classify.model_s3_key.empty() && out->classify.model_path.empty() && out->s3.configured()) {
    out->classify.model_s3_key = std::string(kDefaultModelManifest);
  }
  if (out->redis.sentinel_enabled && out->redis.sentinel_hosts.empty()) {
    return Status::InvalidArgument("REDIS_SENTINEL_HOSTS: required when REDIS_SENTINEL_ENABLED is true");
  }
  if (out->redis.sentinel_enabled && !out->redis.socket.empty()) {
    return Status::InvalidArgument("REDIS_SOCKET: not with Sentinel, which names masters by host and port");
  }
  if (out->spamcheck.tls_cert_file.empty() != out->spamcheck.tls_key_file.empty()) {
    return Status::InvalidArgument("SPAMCHECK_TLS_CERT and SPAMCHECK_TLS_KEY: set both (tls://) or neither (grpc://)");
  }
  if (out->spamcheck.port != 0 &&
      (out->spamcheck.port == out->server.port || out->spamcheck.port == out->admin.port ||
       out->spamcheck.port == out->metrics.port)) {
    return Status::InvalidArgument("SPAMCHECK_PORT: " + std::to_string(out->spamcheck.port) +
                                   " is already PORT, ADMIN_PORT or METRICS_PORT");
  }
  return Status::Ok();
}

}  // namespace spamphibian
