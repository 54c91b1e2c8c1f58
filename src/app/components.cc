#include "app/components.h"

#include <algorithm>
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

Status LoadConfiguredModel(const Config& config, ModelHolder* holder, std::string* path, std::string* version,
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
