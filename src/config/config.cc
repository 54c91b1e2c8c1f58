#include "config/config.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdlib>
#include <fstream>
#include <map>

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

// One setting: where it can come from and how to store it. A setting with an
// empty env name cannot be set from the environment; one with an empty YAML
// key cannot be set from the file (secrets).
struct Setting {
  const char* env;
  const char* yaml;  // "section.key"
  Status (*apply)(const std::string& what, const std::string& value, Config* c);
};

template <typename T>
Status SetInt(const std::string& what, const std::string& v, long long lo, long long hi, T* field) {
  long long n = 0;
  Status s = ParseInt(what, v, lo, hi, &n);
  if (s.ok()) *field = static_cast<T>(n);
  return s;
}

// A duration given as a whole number of the unit's ticks (ms, s).
template <typename Duration>
Status SetDuration(const std::string& what, const std::string& v, long long lo, long long hi, Duration* field) {
  long long n = 0;
  Status s = ParseInt(what, v, lo, hi, &n);
  if (s.ok()) *field = Duration(n);
  return s;
}

Status ParseProbability(const std::string& what, const std::string& v, double* out) {
  char* end = nullptr;
  const double p = std::strtod(v.c_str(), &end);
  if (v.empty() || *end != '\0' || p < 0 || p > 1) return Status::InvalidArgument(what + ": '" + v + "' is not between 0 and 1");
  *out = p;
  return Status::Ok();
}

Status NotEmpty(const std::string& what, const std::string& v) {
  return v.empty() ? Status::InvalidArgument(what + ": must not be empty") : Status::Ok();
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

// The table of every setting. Adding a setting is one line here and one
// field in Config.
const Setting kSettings[] = {
    {"PORT", "server.port",
     [](const std::string& w, const std::string& v, Config* c) { return SetInt(w, v, 0, 65535, &c->server.port); }},
    {"", "server.bind_address",
     [](const std::string& w, const std::string& v, Config* c) {
       c->server.bind_address = v;
       return NotEmpty(w, v);
     }},
    {"", "server.max_body_bytes",
     [](const std::string& w, const std::string& v, Config* c) {
       return SetInt(w, v, 1024, 64ll << 20, &c->server.max_body_bytes);
     }},
    {"", "server.max_json_depth",
     [](const std::string& w, const std::string& v, Config* c) { return SetInt(w, v, 2, 1024, &c->server.max_json_depth); }},
    {"", "server.max_connections",
     [](const std::string& w, const std::string& v, Config* c) {
       return SetInt(w, v, 1, 1000000, &c->server.max_connections);
     }},
    {"", "server.max_connections_per_address",
     [](const std::string& w, const std::string& v, Config* c) {
       return SetInt(w, v, 1, 1000000, &c->server.max_connections_per_address);
     }},
    {"", "server.reserved_connections",
     [](const std::string& w, const std::string& v, Config* c) {
       return SetInt(w, v, 0, 1000000, &c->server.reserved_connections);
     }},
    {"SERVER_TRUSTED_SOURCES", "server.trusted_sources",
     [](const std::string& w, const std::string& v, Config* c) {
       c->server.trusted_sources = SplitCommaList(v);
       http::AddressSet set;
       Status s = http::AddressSet::Parse(c->server.trusted_sources, &set);
       return s.ok() ? s : Status::InvalidArgument(w + ": " + s.message());
     }},
    {"", "server.header_timeout_seconds",
     [](const std::string& w, const std::string& v, Config* c) {
       return SetDuration(w, v, 1, 3600, &c->server.header_timeout);
     }},
    {"", "server.threads",
     [](const std::string& w, const std::string& v, Config* c) { return SetInt(w, v, 1, 64, &c->server.threads); }},
    {"", "server.read_timeout_seconds",
     [](const std::string& w, const std::string& v, Config* c) {
       return SetDuration(w, v, 1, 3600, &c->server.read_timeout);
     }},
    {"", "server.shutdown_timeout_seconds",
     [](const std::string& w, const std::string& v, Config* c) {
       return SetDuration(w, v, 1, 3600, &c->server.shutdown_timeout);
     }},
    {"GITLAB_URL", "gitlab.url",
     [](const std::string&, const std::string& v, Config* c) {
       c->gitlab_url = v;
       while (!c->gitlab_url.empty() && c->gitlab_url.back() == '/') c->gitlab_url.pop_back();
       return Status::Ok();
     }},
    {"GITLAB_ACCESS_TOKEN", "",  // upstream's name; GITLAB_TOKEN below wins
     [](const std::string&, const std::string& v, Config* c) {
       c->gitlab_token = Secret(v);
       return Status::Ok();
     }},
    {"GITLAB_TOKEN", "",
     [](const std::string&, const std::string& v, Config* c) {
       if (!v.empty()) c->gitlab_token = Secret(v);
       return Status::Ok();
     }},
    {"GITLAB_WEBHOOK_SECRET", "",
     [](const std::string&, const std::string& v, Config* c) {
       c->webhook_secret = Secret(v);
       return Status::Ok();
     }},
    {"REDIS_HOST", "redis.host",
     [](const std::string& w, const std::string& v, Config* c) {
       c->redis.host = v;
       return NotEmpty(w, v);
     }},
    {"REDIS_PORT", "redis.port",
     [](const std::string& w, const std::string& v, Config* c) { return SetInt(w, v, 1, 65535, &c->redis.port); }},
    {"REDIS_DB", "redis.db",
     [](const std::string& w, const std::string& v, Config* c) { return SetInt(w, v, 0, 15, &c->redis.db); }},
    {"REDIS_PASSWORD", "",
     [](const std::string&, const std::string& v, Config* c) {
       c->redis.password = Secret(v);
       return Status::Ok();
     }},
    {"REDIS_SENTINEL_ENABLED", "redis.sentinel_enabled",
     [](const std::string& w, const std::string& v, Config* c) { return ParseBool(w, v, &c->redis.sentinel_enabled); }},
    {"REDIS_SENTINEL_HOSTS", "redis.sentinel_hosts",
     [](const std::string& w, const std::string& v, Config* c) {
       Status s = ParseHostPortList(v, &c->redis.sentinel_hosts);
       return s.ok() ? s : Status::InvalidArgument(w + ": " + s.message());
     }},
    {"REDIS_MASTER_SET", "redis.master_set",
     [](const std::string& w, const std::string& v, Config* c) {
       c->redis.master_set = v;
       return NotEmpty(w, v);
     }},
    {"REDIS_SENTINEL_PASSWORD", "",
     [](const std::string&, const std::string& v, Config* c) {
       c->redis.sentinel_password = Secret(v);
       return Status::Ok();
     }},
    {"", "redis.connect_timeout_ms",
     [](const std::string& w, const std::string& v, Config* c) {
       return SetDuration(w, v, 10, 60000, &c->redis.connect_timeout);
     }},
    {"", "redis.command_timeout_ms",
     [](const std::string& w, const std::string& v, Config* c) {
       return SetDuration(w, v, 10, 600000, &c->redis.command_timeout);
     }},
    {"REDIS_MIN_REPLICAS_ACK", "redis.min_replicas_ack",
     [](const std::string& w, const std::string& v, Config* c) {
       return SetInt(w, v, -1, 16, &c->redis.min_replicas_ack);
     }},
    {"", "redis.replica_ack_timeout_ms",
     [](const std::string& w, const std::string& v, Config* c) {
       return SetDuration(w, v, 10, 60000, &c->redis.replica_ack_timeout);
     }},
    {"", "redis.ack_deadline_ms",
     [](const std::string& w, const std::string& v, Config* c) {
       return SetDuration(w, v, 0, 60000, &c->redis.ack_deadline);
     }},
    {"REDIS_KEY_PREFIX", "redis.key_prefix",
     [](const std::string&, const std::string& v, Config* c) {
       c->pipeline.key_prefix = v;
       return Status::Ok();
     }},
    {"", "pipeline.batch_size",
     [](const std::string& w, const std::string& v, Config* c) { return SetInt(w, v, 1, 10000, &c->pipeline.batch_size); }},
    {"", "pipeline.block_ms",
     [](const std::string& w, const std::string& v, Config* c) {
       return SetDuration(w, v, 1, 60000, &c->pipeline.block);
     }},
    {"", "pipeline.claim_idle_ms",
     [](const std::string& w, const std::string& v, Config* c) {
       return SetDuration(w, v, 10, 24ll * 3600 * 1000, &c->pipeline.claim_idle);
     }},
    {"", "pipeline.max_attempts",
     [](const std::string& w, const std::string& v, Config* c) { return SetInt(w, v, 1, 1000, &c->pipeline.max_attempts); }},
    {"", "pipeline.delivery_dedupe_seconds",
     [](const std::string& w, const std::string& v, Config* c) {
       return SetDuration(w, v, 1, 30ll * 24 * 3600, &c->pipeline.delivery_dedupe_ttl);
     }},
    {"", "pipeline.workers",
     [](const std::string& w, const std::string& v, Config* c) { return SetInt(w, v, 1, 256, &c->pipeline.workers); }},
    {"GITLAB_API_RATE", "gitlab.api_rate",
     [](const std::string& w, const std::string& v, Config* c) {
       char* end = nullptr;
       const double rate = std::strtod(v.c_str(), &end);
       if (v.empty() || *end != '\0' || rate < 0 || rate > 100000) {
         return Status::InvalidArgument(w + ": '" + v + "' is not a rate in requests per second (0 = unlimited)");
       }
       c->gitlab.api_rate = rate;
       return Status::Ok();
     }},
    {"GITLAB_CA_BUNDLE", "gitlab.ca_bundle",
     [](const std::string&, const std::string& v, Config* c) {
       c->gitlab.ca_bundle = v;
       return Status::Ok();
     }},
    {"", "gitlab.timeout_ms",
     [](const std::string& w, const std::string& v, Config* c) {
       return SetDuration(w, v, 100, 600000, &c->gitlab.timeout);
     }},
    {"", "gitlab.max_attempts",
     [](const std::string& w, const std::string& v, Config* c) { return SetInt(w, v, 1, 100, &c->gitlab.max_attempts); }},
    {"", "gitlab.fetch_workers",
     [](const std::string& w, const std::string& v, Config* c) { return SetInt(w, v, 1, 256, &c->gitlab.fetch_workers); }},
    {"", "gitlab.act_workers",
     [](const std::string& w, const std::string& v, Config* c) { return SetInt(w, v, 1, 256, &c->gitlab.act_workers); }},
    {"", "gitlab.act_deadline_ms",
     [](const std::string& w, const std::string& v, Config* c) {
       return SetDuration(w, v, 100, 3600000, &c->gitlab.act_deadline);
     }},
    {"TRUSTED_DOMAINS_FILE", "trust.domains_file",
     [](const std::string&, const std::string& v, Config* c) {
       c->trust.domains_file = v;
       return Status::Ok();
     }},
    {"VERIFIED_USERS_FILE", "trust.users_file",
     [](const std::string&, const std::string& v, Config* c) {
       c->trust.users_file = v;
       return Status::Ok();
     }},
    {"", "trust.disposable_domains_file",
     [](const std::string&, const std::string& v, Config* c) {
       c->trust.disposable_domains_file = v;
       return Status::Ok();
     }},
    {"SNIPPET_CHECK_INTERVAL", "jobs.snippet_check_interval",
     [](const std::string& w, const std::string& v, Config* c) {
       return SetDuration(w, v, 1, 7 * 86400, &c->jobs.snippet_check_interval);
     }},
    {"VERIFIED_USERS_INTERVAL", "jobs.verified_users_interval",
     [](const std::string& w, const std::string& v, Config* c) {
       return SetDuration(w, v, 1, 7 * 86400, &c->jobs.verified_users_interval);
     }},
    {"", "jobs.verified_marker",
     [](const std::string&, const std::string& v, Config* c) {
       c->jobs.verified_marker = v;
       return Status::Ok();
     }},
    {"MODEL_PATH", "classify.model_path",
     [](const std::string&, const std::string& v, Config* c) {
       c->classify.model_path = v;
       return Status::Ok();
     }},
    {"MODEL_S3_KEY", "model.s3_key",
     [](const std::string&, const std::string& v, Config* c) {
       c->classify.model_s3_key = v;
       return Status::Ok();
     }},
    {"MODEL_REFRESH_INTERVAL", "model.refresh_interval",
     [](const std::string& w, const std::string& v, Config* c) {
       return SetDuration(w, v, 0, 7 * 86400, &c->classify.model_refresh_interval);
     }},
    {"MODEL_TRAINING_DATA", "model.training_data",
     [](const std::string&, const std::string& v, Config* c) {
       // Empty: the file shipped with this binary (the default).
       c->classify.training_data = v.empty() ? ClassifyOptions().training_data : v;
       return Status::Ok();
     }},
    {"MODEL_EVAL_DATA", "model.eval_data",
     [](const std::string&, const std::string& v, Config* c) {
       c->classify.eval_data = v.empty() ? ClassifyOptions().eval_data : v;
       return Status::Ok();
     }},
    {"", "jobs.retrain_interval",
     [](const std::string& w, const std::string& v, Config* c) {
       return SetDuration(w, v, 60, 90 * 86400, &c->jobs.retrain_interval);
     }},
    {"", "jobs.retrain_min_new_labels",
     [](const std::string& w, const std::string& v, Config* c) {
       return ParseInt(w, v, 1, 100000000, &c->jobs.retrain_min_new_labels);
     }},
    {"", "jobs.shadow_hours",
     [](const std::string& w, const std::string& v, Config* c) {
       long long hours = 0;
       Status s = ParseInt(w, v, 0, 24 * 90, &hours);
       if (s.ok()) c->jobs.shadow_hours = std::chrono::hours(hours);
       return s;
     }},
    {"", "jobs.retrain_check_interval",
     [](const std::string& w, const std::string& v, Config* c) {
       return SetDuration(w, v, 1, 86400, &c->jobs.retrain_check_interval);
     }},
    {"", "jobs.auto_promote",
     [](const std::string& w, const std::string& v, Config* c) { return ParseBool(w, v, &c->jobs.auto_promote); }},
    {"", "model.cache_dir",
     [](const std::string&, const std::string& v, Config* c) {
       c->classify.model_cache_dir = v;
       return Status::Ok();
     }},
    {"S3_ENDPOINT", "s3.endpoint",
     [](const std::string&, const std::string& v, Config* c) {
       c->s3.endpoint = v;
       while (!c->s3.endpoint.empty() && c->s3.endpoint.back() == '/') c->s3.endpoint.pop_back();
       return Status::Ok();
     }},
    {"S3_BUCKET", "s3.bucket",
     [](const std::string&, const std::string& v, Config* c) {
       c->s3.bucket = v;
       return Status::Ok();
     }},
    {"S3_REGION", "s3.region",
     [](const std::string& w, const std::string& v, Config* c) {
       c->s3.region = v;
       return NotEmpty(w, v);
     }},
    {"S3_ACCESS_KEY_ID", "",
     [](const std::string&, const std::string& v, Config* c) {
       c->s3.access_key_id = Secret(v);
       return Status::Ok();
     }},
    {"S3_SECRET_ACCESS_KEY", "",
     [](const std::string&, const std::string& v, Config* c) {
       c->s3.secret_access_key = Secret(v);
       return Status::Ok();
     }},
    {"", "s3.timeout_ms",
     [](const std::string& w, const std::string& v, Config* c) { return SetDuration(w, v, 100, 600000, &c->s3.timeout); }},
    {"DECISIONS_MAXLEN", "pipeline.decisions_maxlen",
     [](const std::string& w, const std::string& v, Config* c) {
       return SetInt(w, v, 1000, 1000000000, &c->pipeline.decisions_maxlen);
     }},
    {"AUDIT_MAXLEN", "pipeline.audit_maxlen",
     [](const std::string& w, const std::string& v, Config* c) {
       return SetInt(w, v, 1000, 1000000000, &c->pipeline.audit_maxlen);
     }},
    {"", "classify.spam_threshold",
     [](const std::string& w, const std::string& v, Config* c) {
       return ParseProbability(w, v, &c->classify.spam_threshold);
     }},
    {"", "classify.suspicious_threshold",
     [](const std::string& w, const std::string& v, Config* c) {
       return ParseProbability(w, v, &c->classify.suspicious_threshold);
     }},
    {"", "classify.campaign_window_ms",
     [](const std::string& w, const std::string& v, Config* c) {
       return SetInt(w, v, 60000, 30ll * 86400 * 1000, &c->classify.campaign_window_ms);
     }},
    {"", "classify.signup_window_ms",
     [](const std::string& w, const std::string& v, Config* c) {
       return SetInt(w, v, 60000, 30ll * 86400 * 1000, &c->classify.signup_window_ms);
     }},
    {"", "classify.signup_baseline_ms",
     [](const std::string& w, const std::string& v, Config* c) {
       return SetInt(w, v, 0, 90ll * 86400 * 1000, &c->classify.signup_baseline_ms);
     }},
    {"", "classify.flood_window_ms",
     [](const std::string& w, const std::string& v, Config* c) {
       return SetInt(w, v, 60000, 30ll * 86400 * 1000, &c->classify.flood_window_ms);
     }},
    {"", "model.timeout_ms",
     [](const std::string& w, const std::string& v, Config* c) {
       return SetDuration(w, v, 10, 60000, &c->classify.model_url_timeout);
     }},
    {"", "model.fallback",
     [](const std::string& w, const std::string& v, Config* c) {
       if (v != "embedded" && v != "pending") return Status::InvalidArgument(w + ": '" + v + "' is not embedded or pending");
       c->classify.hold_when_model_url_down = v == "pending";
       return Status::Ok();
     }},
    {"SLACK_WEBHOOK_URL", "",
     [](const std::string&, const std::string& v, Config* c) {
       c->slack_webhook_url = Secret(v);
       return Status::Ok();
     }},
    {"", "slack.summarize_from",
     [](const std::string& w, const std::string& v, Config* c) { return SetInt(w, v, 0, 1000, &c->slack.summarize_from); }},
    {"", "slack.min_interval_ms",
     [](const std::string& w, const std::string& v, Config* c) {
       return SetDuration(w, v, 0, 60000, &c->slack.min_interval);
     }},
    {"METRICS_PORT", "metrics.port",
     [](const std::string& w, const std::string& v, Config* c) { return SetInt(w, v, 0, 65535, &c->metrics.port); }},
    {"METRICS_BIND", "metrics.bind_address",
     [](const std::string& w, const std::string& v, Config* c) {
       c->metrics.bind_address = v;
       return NotEmpty(w, v);
     }},
    {"SPAMCHECK_PORT", "spamcheck.port",
     [](const std::string& w, const std::string& v, Config* c) { return SetInt(w, v, 0, 65535, &c->spamcheck.port); }},
    {"SPAMCHECK_BIND", "spamcheck.bind_address",
     [](const std::string& w, const std::string& v, Config* c) {
       c->spamcheck.bind_address = v;
       return NotEmpty(w, v);
     }},
    {"SPAMCHECK_API_KEY", "",
     [](const std::string&, const std::string& v, Config* c) {
       c->spamcheck.api_key = Secret(v);
       return Status::Ok();
     }},
    {"SPAMCHECK_TLS_CERT", "spamcheck.tls_cert",
     [](const std::string&, const std::string& v, Config* c) {
       c->spamcheck.tls_cert_file = v;
       return Status::Ok();
     }},
    {"SPAMCHECK_TLS_KEY", "spamcheck.tls_key",
     [](const std::string&, const std::string& v, Config* c) {
       c->spamcheck.tls_key_file = v;
       return Status::Ok();
     }},
    {"", "spamcheck.max_threads",
     [](const std::string& w, const std::string& v, Config* c) {
       return SetInt(w, v, 4, 1024, &c->spamcheck.max_threads);
     }},
    {"", "spamcheck.max_message_bytes",
     [](const std::string& w, const std::string& v, Config* c) {
       return SetInt(w, v, 4096, 64ll << 20, &c->spamcheck.max_message_bytes);
     }},
    {"", "spamcheck.redis_timeout_ms",
     [](const std::string& w, const std::string& v, Config* c) {
       return SetDuration(w, v, 1, 2000, &c->spamcheck.redis_timeout);
     }},
    {"ADMIN_PORT", "admin.port",
     [](const std::string& w, const std::string& v, Config* c) { return SetInt(w, v, 0, 65535, &c->admin.port); }},
    {"ADMIN_BIND", "admin.bind_address",
     [](const std::string& w, const std::string& v, Config* c) {
       c->admin.bind_address = v;
       return NotEmpty(w, v);
     }},
    {"", "admin.threads",
     [](const std::string& w, const std::string& v, Config* c) { return SetInt(w, v, 1, 64, &c->admin.threads); }},
    {"ADMIN_URL", "admin.url",
     [](const std::string& w, const std::string& v, Config* c) {
       if (!v.empty() && v.rfind("http://", 0) != 0 && v.rfind("https://", 0) != 0) {
         return Status::InvalidArgument(w + ": '" + v + "' is not an http(s) URL");
       }
       c->admin.url = v;
       while (!c->admin.url.empty() && c->admin.url.back() == '/') c->admin.url.pop_back();
       return Status::Ok();
     }},
    {"ADMIN_API_TOKEN", "",
     [](const std::string& w, const std::string& v, Config* c) {
       if (!v.empty() && v.size() < 16) return Status::InvalidArgument(w + ": at least 16 characters");
       c->admin.api_token = Secret(v);
       return Status::Ok();
     }},
    {"GITLAB_OAUTH_CLIENT_ID", "admin.oauth_client_id",
     [](const std::string&, const std::string& v, Config* c) {
       c->admin.oauth_client_id = v;
       return Status::Ok();
     }},
    {"GITLAB_OAUTH_CLIENT_SECRET", "",
     [](const std::string&, const std::string& v, Config* c) {
       c->admin.oauth_client_secret = Secret(v);
       return Status::Ok();
     }},
    {"", "admin.session_hours",
     [](const std::string& w, const std::string& v, Config* c) {
       return SetDuration(w, v, 1, 24 * 30, &c->admin.session_lifetime);
     }},
    {"", "admin.reviewer_check_seconds",
     [](const std::string& w, const std::string& v, Config* c) {
       return SetDuration(w, v, 1, 24 * 3600, &c->admin.reviewer_check);
     }},
    {"", "review.retention_days",
     [](const std::string& w, const std::string& v, Config* c) {
       long long days = 0;
       Status s = ParseInt(w, v, 1, 3650, &days);
       if (s.ok()) c->review.retention = std::chrono::hours(24 * days);
       return s;
     }},
    {"", "review.memory_days",
     [](const std::string& w, const std::string& v, Config* c) {
       long long days = 0;
       Status s = ParseInt(w, v, 0, 3650, &days);
       if (s.ok()) c->review.memory = std::chrono::hours(24 * days);
       return s;
     }},
    {"", "review.dry_run",
     [](const std::string& w, const std::string& v, Config* c) { return ParseBool(w, v, &c->review.dry_run); }},
    {"", "review.purge_max_items",
     [](const std::string& w, const std::string& v, Config* c) { return SetInt(w, v, 1, 100000, &c->review.purge_max_items); }},
    {"", "review.author_action",
     [](const std::string& w, const std::string& v, Config* c) {
       if (v != "block_user" && v != "ban_user") return Status::InvalidArgument(w + ": '" + v + "' is not block_user or ban_user");
       c->review.author_action = v;
       return Status::Ok();
     }},
    {"METRICS_TOKEN", "",
     [](const std::string&, const std::string& v, Config* c) {
       c->metrics_token = Secret(v);
       return Status::Ok();
     }},
    {"SLACK_SIGNING_SECRET", "",
     [](const std::string&, const std::string& v, Config* c) {
       c->slack_signing_secret = Secret(v);
       return Status::Ok();
     }},
    {"", "slack.response_url_prefix",
     [](const std::string& w, const std::string& v, Config* c) {
       c->slack.response_url_prefix = v;
       return NotEmpty(w, v);
     }},
    {"MODEL_URL", "model.url",
     [](const std::string&, const std::string& v, Config* c) {
       c->model_url = v;
       return Status::Ok();
     }},
    {"LOGLEVEL", "log.level",
     [](const std::string& w, const std::string& v, Config* c) { return ParseLogLevel(w, v, &c->log_level); }},
    {"LOG_FORMAT", "log.format",
     [](const std::string& w, const std::string& v, Config* c) {
       if (v != "auto" && v != "json" && v != "text") {
         return Status::InvalidArgument(w + ": '" + v + "' is not auto, json or text");
       }
       c->log_format = v;
       return Status::Ok();
     }},
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
      if (s.ok()) s = setting->apply(key, text, c);
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
    Status s = setting.apply(setting.env, *value, out);
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
