// ModelHolder: the embedded model in use, its version and where it came
// from. Every classify worker reads it per item; a hot swap (a newer model
// from S3) is one pointer exchange, and a worker still scoring with the old
// model keeps it alive through its shared_ptr until it is done.
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "classify/spam_model.h"

namespace spamphibian::classify {

class ModelHolder {
 public:
  void Set(std::shared_ptr<const SpamModel> model, std::string version, std::string source) {
    std::lock_guard<std::mutex> lock(mu_);
    model_ = std::move(model);
    version_ = std::move(version);
    source_ = std::move(source);
  }

  std::shared_ptr<const SpamModel> Get(std::string* version = nullptr, std::string* source = nullptr) const {
    std::lock_guard<std::mutex> lock(mu_);
    if (version != nullptr) *version = version_;
    if (source != nullptr) *source = source_;
    return model_;
  }

 private:
  mutable std::mutex mu_;
  std::shared_ptr<const SpamModel> model_;
  std::string version_;
  std::string source_;
};

}  // namespace spamphibian::classify
