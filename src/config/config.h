// Config: every setting of the service, read once at start-up from the
// environment (names compatible with the upstream Python project) and an
// optional YAML file (SPAMPHIBIAN_CONFIG) for everything that is not a secret.
//
// Precedence: built-in defaults < YAML file < environment variables.
// LoadConfig validates everything; a bad value yields InvalidArgument naming
// the variable or YAML key, and main() exits with code 2.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/data_files.h"
#include "base/status.h"
#include "config/secret.h"

namespace YAML {
class Node;
}

namespace spamphibian {

struct HostPort {
  std::string host;
  int port = 0;

  bool operator==(const HostPort&) const = default;
};

struct RedisOptions {
  std::string host = "localhost";
  int port = 6379;
  // A Unix socket path: used instead of host:port, for a Redis on this
  // host (each round trip skips the TCP stack). Not with Sentinel.
  std::string socket;
  int db = 0;
  Secret password;
  bool sentinel_enabled = false;
  std::vector<HostPort> sentinel_hosts;
  std::string master_set = "mymaster";
  Secret sentinel_password;
  std::chrono::milliseconds connect_timeout{500};
  std::chrono::milliseconds command_timeout{2000};
  // After a failed connect, further attempts wait this long, so that a dead
  // Redis costs one connect attempt per interval, not one per request.
  std::chrono::milliseconds reconnect_backoff{250};
  // Replicas that must hold a write before it is acknowledged (WAIT): -1
  // means 1 with Sentinel (a failover must not drop what we answered 200
  // to) and 0 for a lone Redis (it has no replica to wait for).
  int min_replicas_ack = -1;
  std::chrono::milliseconds replica_ack_timeout{500};  // WAIT's timeout
  // How long a hook may be stored again on a new master after a failed or
  // unreplicated write before the sender gets 503 (Sentinel only).
  std::chrono::milliseconds ack_deadline{5000};

  int RequiredReplicaAcks() const { return min_replicas_ack >= 0 ? min_replicas_ack : (sentinel_enabled ? 1 : 0); }

  bool operator==(const RedisOptions&) const = default;
};

struct ServerOptions {
  std::string bind_address = "0.0.0.0";
  int port = 8000;
  std::size_t max_body_bytes = 1 << 20;
  int max_json_depth = 64;
  int threads = 2;
  std::size_t max_connections = 4096;  // more are closed at once (and counted)
  // From one client address (trusted sources excepted): one client cannot
  // take every connection.
  std::size_t max_connections_per_address = 128;
  // Of max_connections, kept for trusted_sources: GitLab still gets in
  // when a flood from elsewhere has taken the rest.
  std::size_t reserved_connections = 256;
  // GitLab's addresses or networks ("10.0.0.5", "10.1.0.0/16"): no
  // per-address cap, and the reserved room.
  std::vector<std::string> trusted_sources;
  // For a request's headers to arrive, and for the next request on an
  // idle keep-alive connection: a connection that sends nothing is closed.
  std::chrono::seconds header_timeout{10};
  std::chrono::seconds read_timeout{30};
  std::chrono::seconds shutdown_timeout{20};

  bool operator==(const ServerOptions&) const = default;
};

struct PipelineOptions {
  std::string key_prefix = "spamphibian:";
  int batch_size = 64;                        // entries per XREADGROUP
  std::chrono::milliseconds block{1000};      // XREADGROUP BLOCK
  std::chrono::milliseconds claim_idle{30000};// pending this long: reclaimed
  int max_attempts = 5;                       // then dead-lettered
  std::chrono::seconds delivery_dedupe_ttl{24 * 3600};
  int workers = 1;                            // consumers per stage and process
  // fetch, trust and classify in one process run chained: one worker takes
  // an event through all three and hands only the decision on (ChainStage).
  bool chain = true;
  long long decisions_maxlen = 100000;        // approximate bound of the decisions stream
  long long audit_maxlen = 1000000;           // approximate bound of the audit stream

  bool operator==(const PipelineOptions&) const = default;
};

struct GitLabOptions {
  double api_rate = 10;        // requests per second, per process
  std::string ca_bundle;       // extra CA file for self-signed instances
  std::chrono::milliseconds timeout{10000};
  int max_attempts = 5;
  int fetch_workers = 8;       // concurrent fetches per process
  int act_workers = 8;         // concurrent GitLab writes of the act stage per process
  // Decisions per act batch: their actions are archived in one S3 object
  // before any is sent; under a burst the stage waits up to act_flush for
  // a fuller batch (a lone decision goes at once).
  int act_batch_max = 32;
  std::chrono::milliseconds act_flush{20};
  // Every GitLab call of one action ends within this (the lease of its
  // reservation); below pipeline.claim_idle_ms.
  std::chrono::milliseconds act_deadline{20000};

  bool operator==(const GitLabOptions&) const = default;
};

struct TrustOptions {
  std::string domains_file;    // TRUSTED_DOMAINS_FILE (YAML, key domains:)
  std::string users_file;      // VERIFIED_USERS_FILE (YAML, key users:)
  std::vector<std::string> domains;  // trust.domains in SPAMPHIBIAN_CONFIG
  std::vector<std::string> users;    // trust.users in SPAMPHIBIAN_CONFIG
  // trust.bots: usernames of bot accounts the operator trusts. A bot is
  // never trusted for its `bot` flag alone: any maintainer can make one
  // (a project access token).
  std::vector<std::string> bots;
  std::string disposable_domains_file;  // JSON array of domains; "" = built-in location

  bool operator==(const TrustOptions&) const = default;
};

// The archive stage (stages/archive_stage.h): one S3 object per batch.
struct ArchiveSettings {
  int batch_max = 500;                          // archive.batch_max: items per object at most
  std::chrono::milliseconds flush{1000};        // archive.flush_ms: the longest wait for a fuller batch

  bool operator==(const ArchiveSettings&) const = default;
};

struct JobsOptions {
  std::chrono::seconds snippet_check_interval{300};
  std::chrono::seconds verified_users_interval{900};
  // A whole token in the admin note (not a substring: "unverified" does not
  // carry "verified").
  std::string verified_marker = "[spamphibian:verified]";
  std::vector<std::string> verified_groups;  // members are verified too
  // The retrain job (jobs/retrain_job.h): retrain every interval, or
  // sooner once this many new labels arrived; shadow the candidate for
  // shadow_hours; promote it then only with auto_promote.
  std::chrono::seconds retrain_interval{86400};
  long long retrain_min_new_labels = 200;
  std::chrono::hours shadow_hours{24};
  bool auto_promote = false;
  std::chrono::seconds retrain_check_interval{60};  // how often the job looks

  bool operator==(const JobsOptions&) const = default;
};

// The manifest replicas follow when S3 is configured and neither MODEL_PATH
// nor MODEL_S3_KEY says otherwise (the model registry writes it).
inline constexpr const char* kDefaultModelManifest = "models/current.json";

struct ThresholdPair {
  double spam = 0.8;        // score >= spam: "spam"
  double suspicious = 0.5;  // score >= suspicious: "suspicious"; below: "ham"

  bool operator==(const ThresholdPair&) const = default;
};

struct ClassifyOptions {
  std::string model_path;         // MODEL_PATH; "" = the S3 model or the bundled default
  std::string model_s3_key;       // MODEL_S3_KEY: a manifest (see classify/model_source.h) or a model object
  std::chrono::seconds model_refresh_interval{300};  // MODEL_REFRESH_INTERVAL; 0 = only on SIGHUP
  std::string model_cache_dir;    // where downloaded models are kept; "" = a temporary directory
  // `model retrain`: the bundled training data, and the evaluation set
  // candidates are judged on (never trained on).
  std::string training_data = DataFile("training_data.jsonl", SPAMPHIBIAN_TRAINING_DATA);  // MODEL_TRAINING_DATA
  std::string eval_data = DataFile("dev-set.jsonl", SPAMPHIBIAN_EVAL_DATA);                // MODEL_EVAL_DATA
  double spam_threshold = 0.8;
  double suspicious_threshold = 0.5;
  std::map<std::string, ThresholdPair> thresholds_by_type;  // classify.thresholds.<item type>
  std::chrono::milliseconds model_url_timeout{2000};
  bool hold_when_model_url_down = false;  // model.fallback: pending
  // classify.campaign_window_ms: how long a text or a link domain counts
  // toward a campaign across accounts (classify/campaigns.h).
  std::int64_t campaign_window_ms = 72ll * 3600 * 1000;
  // classify.signup_window_ms: how long a user's sign-up pattern counts
  // toward a burst of sign-ups (shorter: ordinary sign-ups share patterns).
  std::int64_t signup_window_ms = 3600ll * 1000;
  // classify.signup_baseline_ms: how long a sign-up pattern's ordinary rate
  // is learnt over, so that a burst is what comes beyond it; 0: none.
  std::int64_t signup_baseline_ms = 7ll * 86400 * 1000;
  // classify.flood_window_ms: how long one account's items of one type
  // count toward a flood (campaigns.h).
  std::int64_t flood_window_ms = 86400ll * 1000;

  bool operator==(const ClassifyOptions&) const = default;
};

struct SlackOptions {
  std::size_t summarize_from = 3;               // a batch this big is one summary message; 0 = never
  std::chrono::milliseconds min_interval{1000};  // between messages (Slack: about one per second)
  // Button clicks are answered only at response URLs under this.
  std::string response_url_prefix = "https://hooks.slack.com/";

  bool operator==(const SlackOptions&) const = default;
};

// The S3 (or S3-compatible) bucket for models, evaluated items, action
// archives and labels. Empty endpoint and bucket: no S3.
struct S3Settings {
  std::string endpoint;  // S3_ENDPOINT, e.g. http://127.0.0.1:9000
  std::string bucket;    // S3_BUCKET
  std::string region = "us-east-1";
  Secret access_key_id;
  Secret secret_access_key;
  std::chrono::milliseconds timeout{30000};
  bool configured() const { return !endpoint.empty() && !bucket.empty(); }

  bool operator==(const S3Settings&) const = default;
};

// The admin listener (ADMIN_PORT, ADMIN_BIND): the review page, its JSON
// API and the GitLab sign-in. Kept apart from the public /events port.
struct AdminOptions {
  std::string bind_address = "127.0.0.1";
  int port = 8001;  // 0: no admin listener
  int threads = 2;
  std::string url;  // ADMIN_URL, as reviewers reach it; the OAuth redirect is <url>/oauth/callback
  Secret api_token;  // ADMIN_API_TOKEN: Authorization: Bearer, for scripts
  std::string oauth_client_id;   // GITLAB_OAUTH_CLIENT_ID
  Secret oauth_client_secret;    // GITLAB_OAUTH_CLIENT_SECRET
  std::chrono::hours session_lifetime{12};
  // A signed-in reviewer is asked about again this often (still an admin or
  // a review group's member, not blocked); the session ends when not.
  std::chrono::seconds reviewer_check{300};

  bool operator==(const AdminOptions&) const = default;
};

// The review queue (review/).
struct ReviewSettings {
  std::vector<std::string> groups;  // members (besides GitLab admins) may review
  std::map<std::string, std::string> slack_users;  // Slack user id -> GitLab username
  std::map<std::string, std::vector<std::string>> on_spam;  // item type -> actions on a confirmed spam item
  std::chrono::hours retention{24 * 30};
  // review.memory_days: how long a reviewer's answer about an author or a
  // linked domain counts as a signal (classify/campaigns.h).
  std::chrono::hours memory{24 * 90};
  // review.dry_run: reviewers' answers log the API calls and send none. Off
  // by default, unlike the policy's: a person approved.
  bool dry_run = false;
  // review.purge_max_items: a purge plan (purge/) lists at most this many
  // of an author's items, and says it stopped there.
  int purge_max_items = 1000;
  // review.author_action: what "and everything of this author" does to the
  // author: block_user, or ban_user (GitLab hides a banned user's issues,
  // merge requests and comments itself).
  std::string author_action = "block_user";

  bool operator==(const ReviewSettings&) const = default;
};

// The inline check (inline_check/): the gRPC endpoint GitLab asks before
// it saves (its "Spam Check via external API endpoint").
struct SpamcheckOptions {
  int port = 8002;                         // SPAMCHECK_PORT; 0: off
  std::string bind_address = "127.0.0.1";  // SPAMCHECK_BIND
  Secret api_key;                          // SPAMCHECK_API_KEY: GitLab's spam_check_api_key
  std::string tls_cert_file, tls_key_file; // SPAMCHECK_TLS_CERT/KEY: for a tls:// endpoint
  int max_threads = 128;                   // gRPC threads (pollers and calls); calls beyond them are refused
  std::size_t max_message_bytes = 2 << 20; // a request larger than this is refused
  // A check waits this long for Redis (campaigns, reviewers' memory, the
  // verified users), then judges with the model alone.
  std::chrono::milliseconds redis_timeout{25};

  bool operator==(const SpamcheckOptions&) const = default;
};

struct Config {
  AdminOptions admin;
  SpamcheckOptions spamcheck;
  ReviewSettings review;
  Secret slack_signing_secret;  // SLACK_SIGNING_SECRET: verifies Slack's button clicks
  // METRICS_TOKEN: when set, GET /metrics needs `Authorization: Bearer` it
  // (the counters around one hook tell its verdict to whoever can diff them).
  Secret metrics_token;
  ServerOptions server;
  // /metrics on a listener of its own (METRICS_PORT; 0: on the public port,
  // as upstream documents it), e.g. reachable by Prometheus only.
  struct MetricsListener {
    int port = 0;
    std::string bind_address = "0.0.0.0";
    bool operator==(const MetricsListener&) const = default;
  } metrics;
  RedisOptions redis;
  PipelineOptions pipeline;
  GitLabOptions gitlab;
  TrustOptions trust;
  JobsOptions jobs;
  ClassifyOptions classify;
  S3Settings s3;
  ArchiveSettings archive;
  SlackOptions slack;
  std::string gitlab_url;
  Secret gitlab_token;
  Secret webhook_secret;
  Secret slack_webhook_url;
  std::string model_url;
  std::string log_level = "info";
  // LOG_FORMAT: json (one object per line, for systemd, containers and log
  // shippers), text (readable lines), or auto: text when standard output is
  // a terminal (a person running scripts/run), else json.
  std::string log_format = "auto";
  std::string config_file;  // SPAMPHIBIAN_CONFIG, empty when unset

  bool operator==(const Config&) const = default;
};

// Reads a variable; std::nullopt when it is unset. Injected so that tests do
// not touch the process environment.
using EnvLookup = std::function<std::optional<std::string>(const std::string&)>;

// The real environment.
EnvLookup ProcessEnvironment();

// Fills *out from defaults, the YAML file named by SPAMPHIBIAN_CONFIG (if
// set) and the environment. On error *out is unspecified.
Status LoadConfig(const EnvLookup& env, Config* out);

// Reads the YAML file SPAMPHIBIAN_CONFIG names. InvalidArgument when it
// cannot be read or parsed; an empty file is a null node.
Status ReadConfigFile(const std::string& path, YAML::Node* root);

// The relations between timeouts that keep work from being done twice,
// checked at start-up and by `config check`: errors for the act stage
// (`act_stage`: it runs), warnings for the rest.
Status CheckTimeouts(const Config& config, bool act_stage, std::vector<std::string>* warnings);

// Every key the YAML file accepts ("section.key", with "policy" standing
// for the act policy's section), and every environment variable the
// service's settings read: so that tests can hold the shipped config file,
// the systemd unit, the compose file and the Helm chart to real settings.
std::vector<std::string> ConfigFileKeys();
// Every setting with a single value: its environment variable ("" for none),
// YAML key ("" for secrets) and default as text (in the key's unit), so
// that the README's table and deploy/config.yaml are checked against the
// table the service reads.
struct SettingRow {
  std::string env, yaml, default_text;
};
std::vector<SettingRow> ConfigSettings();
std::vector<std::string> ConfigEnvironmentNames();

// Parses "host:port,host:port" (REDIS_SENTINEL_HOSTS).
Status ParseHostPortList(const std::string& text, std::vector<HostPort>* out);

}  // namespace spamphibian
