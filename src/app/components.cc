#include "app/components.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>

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

storage::S3Options S3StoreOptions(const Config& config) {
  storage::S3Options o;
  o.endpoint = config.s3.endpoint;
  o.bucket = config.s3.bucket;
  o.region = config.s3.region;
  o.access_key_id = config.s3.access_key_id;
  o.secret_access_key = config.s3.secret_access_key;
  o.timeout = config.s3.timeout;
  return o;
}

std::unique_ptr<classify::ModelRefresher> MakeModelRefresher(const Config& config, classify::ModelHolder& holder,
                                                             metrics::Registry& metrics, spdlog::logger& log) {
  if (!config.classify.model_path.empty() || config.classify.model_s3_key.empty()) return nullptr;
  const std::string cache = config.classify.model_cache_dir.empty()
                                ? (std::filesystem::temp_directory_path() / "spamphibian-models").string()
                                : config.classify.model_cache_dir;
  // The refresher's thread is the only user of this store and source.
  std::shared_ptr<storage::ObjectStore> store = storage::NewS3ObjectStore(S3StoreOptions(config));
  auto source = std::make_shared<classify::S3ModelSource>(*store, config.classify.model_s3_key, cache);
  classify::ModelFetch fetch = [store, source](const std::string& current, classify::ModelFile* out, bool* changed) {
    return source->Fetch(current, out, changed);
  };
  return std::make_unique<classify::ModelRefresher>(std::move(fetch), "s3", holder,
                                                    config.classify.model_refresh_interval, metrics, log);
}

Status LoadConfiguredModel(const Config& config, classify::ModelHolder* holder, std::string* path, std::string* version,
                           std::string* source) {
  *path = config.classify.model_path.empty() ? DefaultModelPath() : config.classify.model_path;
  std::shared_ptr<const classify::FastTextModel> model;
  if (Status s = classify::FastTextModel::Load(*path, &model); !s.ok()) {
    return Status::InvalidArgument("MODEL_PATH: " + s.message());
  }
  std::ifstream file(*path, std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  *version = storage::Sha256Hex(bytes).substr(0, 12);
  *source = config.classify.model_path.empty() ? "bundled" : "file";
  holder->Set(std::move(model), *version, *source);
  return Status::Ok();
}

}  // namespace spamphibian
