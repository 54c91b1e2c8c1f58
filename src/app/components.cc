#include "app/components.h"
#include "security/crypto.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "registry/model_registry.h"
#include "storage/s3_object_store.h"

namespace spamphibian {

gitlab::ApiOptions GitLabApiOptions(const Config& config) {
  gitlab::ApiOptions o;
  o.base_url = config.gitlab_url;
  o.token = config.gitlab_token;
  o.max_attempts = config.gitlab.max_attempts;
  o.timeout = config.gitlab.timeout;
  return o;
}

std::unique_ptr<gitlab::RateLimiter> MakeGitLabRateLimiter(const Config& config) {
  return std::make_unique<gitlab::RateLimiter>(config.gitlab.api_rate, std::max(1.0, config.gitlab.api_rate));
}

review::RedisReviewStoreOptions ReviewStoreOptions(const Config& config) {
  return {config.pipeline.key_prefix, config.review.retention, config.pipeline.audit_maxlen, config.s3.configured(),
          config.review.memory};
}

review::ReviewPolicy ReviewPolicyOf(const Config& config) {
  return {config.review.on_spam, config.s3.configured() && !config.gitlab_url.empty(), config.review.author_action};
}

http::CurlOptions GitLabHttpOptions(const Config& config, metrics::Registry* registry) {
  http::CurlOptions o = http::CountedInto(http::UpstreamStatsFor(registry, "gitlab"));
  o.ca_bundle = config.gitlab.ca_bundle;
  return o;
}

storage::S3Options S3StoreOptions(const Config& config, metrics::Registry* registry) {
  storage::S3Options o;
  o.stats = http::UpstreamStatsFor(registry, "s3");
  o.endpoint = config.s3.endpoint;
  o.bucket = config.s3.bucket;
  o.region = config.s3.region;
  o.access_key_id = config.s3.access_key_id;
  o.secret_access_key = config.s3.secret_access_key;
  o.timeout = config.s3.timeout;
  return o;
}

std::unique_ptr<classify::ModelRefresher> MakeModelRefresher(const Config& config, classify::ModelHolder& holder,
                                                             metrics::Registry& metrics, spdlog::logger& log,
                                                             bool shadow) {
  if (!config.classify.model_path.empty() || config.classify.model_s3_key.empty()) return nullptr;
  const std::string key = shadow ? registry::RegistryKeys().shadow : config.classify.model_s3_key;
  const std::string cache = config.classify.model_cache_dir.empty()
                                ? (std::filesystem::temp_directory_path() / "spamphibian-models").string()
                                : config.classify.model_cache_dir;
  // The refresher's thread is the only user of this store and source.
  std::shared_ptr<storage::ObjectStore> store = storage::NewS3ObjectStore(S3StoreOptions(config, &metrics));
  auto source = std::make_shared<classify::S3ModelSource>(*store, key, cache);
  classify::ModelFetch fetch = [store, source](const std::string& current, classify::ModelFile* out, bool* changed) {
    return source->Fetch(current, out, changed);
  };
  return std::make_unique<classify::ModelRefresher>(std::move(fetch), shadow ? "shadow" : "s3", holder,
                                                    config.classify.model_refresh_interval, metrics, log);
}

Status LoadConfiguredModel(const Config& config, classify::ModelHolder* holder, std::string* path, std::string* version,
                           std::string* source) {
  *path = config.classify.model_path.empty() ? DefaultModelPath() : config.classify.model_path;
  std::shared_ptr<const classify::SpamModel> model;
  if (Status s = classify::SpamModel::Load(*path, &model); !s.ok()) {
    return Status::InvalidArgument("MODEL_PATH: " + s.message());
  }
  std::ifstream file(*path, std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  *version = security::Sha256Hex(bytes).substr(0, 12);
  *source = config.classify.model_path.empty() ? "bundled" : "file";
  holder->Set(std::move(model), *version, *source);
  return Status::Ok();
}

Status LoadTrustPolicy(const Config& config, std::shared_ptr<const TrustPolicy>* out) {
  std::vector<std::string> warnings;
  return TrustPolicy::Build(config.trust, out, &warnings);
}

nlohmann::json DescribeConfig(const Config& c, const std::vector<std::string>& stages) {
  return {
      {"version", SPAMPHIBIAN_VERSION},
      {"stages", stages},
      {"port", c.server.port},
      {"bind_address", c.server.bind_address},
      {"max_connections", c.server.max_connections},
      {"redis", c.redis.sentinel_enabled   ? "sentinel:" + c.redis.master_set
                : !c.redis.socket.empty() ? "unix:" + c.redis.socket
                                          : c.redis.host + ":" + std::to_string(c.redis.port)},
      {"redis_db", c.redis.db},
      {"redis_password", c.redis.password.redacted()},
      {"key_prefix", c.pipeline.key_prefix},
      {"claim_idle_ms", c.pipeline.claim_idle.count()},
      {"max_attempts", c.pipeline.max_attempts},
      {"gitlab_url", c.gitlab_url},
      {"gitlab_token", c.gitlab_token.redacted()},
      {"gitlab_timeout_ms", c.gitlab.timeout.count()},
      {"gitlab_act_deadline_ms", c.gitlab.act_deadline.count()},
      {"webhook_secret", c.webhook_secret.redacted()},
      {"metrics_token", c.metrics_token.redacted()},
      {"slack_webhook_url", c.slack_webhook_url.redacted()},
      {"model_url", c.model_url},
      {"model_s3_key", c.classify.model_s3_key},
      {"s3", c.s3.configured() ? c.s3.endpoint + "/" + c.s3.bucket : ""},
      {"s3_access_key_id", c.s3.access_key_id.redacted()},
      {"s3_secret_access_key", c.s3.secret_access_key.redacted()},
      {"max_body_bytes", c.server.max_body_bytes},
      {"trusted_bots", c.trust.bots},
      {"verified_marker", c.jobs.verified_marker},
      {"config_file", c.config_file},
      {"admin", c.admin.port == 0 ? "off" : c.admin.bind_address + ":" + std::to_string(c.admin.port)},
      {"admin_url", c.admin.url},
      {"admin_api_token", c.admin.api_token.redacted()},
      {"spamcheck", c.spamcheck.port == 0 ? "off"
                                          : (c.spamcheck.tls_cert_file.empty() ? "grpc://" : "tls://") +
                                                c.spamcheck.bind_address + ":" + std::to_string(c.spamcheck.port)},
      {"spamcheck_api_key", c.spamcheck.api_key.redacted()},
      {"gitlab_oauth_client_id", c.admin.oauth_client_id},
      {"gitlab_oauth_client_secret", c.admin.oauth_client_secret.redacted()},
      {"slack_signing_secret", c.slack_signing_secret.redacted()},
      {"review_groups", c.review.groups},
      {"review_dry_run", c.review.dry_run},
      {"review_purge_max_items", c.review.purge_max_items},
      {"review_author_action", c.review.author_action},
      {"review_retention_days", c.review.retention.count() / 24},
      {"review_memory_days", c.review.memory.count() / 24},
      {"model_training_data", c.classify.training_data},
      {"model_eval_data", c.classify.eval_data},
      {"retrain", {{"interval_s", c.jobs.retrain_interval.count()},
                   {"min_new_labels", c.jobs.retrain_min_new_labels},
                   {"shadow_hours", c.jobs.shadow_hours.count()},
                   {"auto_promote", c.jobs.auto_promote}}},
  };
}

}  // namespace spamphibian
