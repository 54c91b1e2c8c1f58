#include "redis/script.h"

namespace spamphibian::redis {

std::string Script::sha() const {
  std::lock_guard<std::mutex> lock(mu_);
  return sha_;
}

void Script::set_sha(std::string sha) const {
  std::lock_guard<std::mutex> lock(mu_);
  sha_ = std::move(sha);
}

}  // namespace spamphibian::redis
