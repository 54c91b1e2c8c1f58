// MemoryObjectStore: a fake of our storage::ObjectStore for unit tests,
// objects in a map. `down` makes every call Unavailable; calls are counted.
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "storage/object_store.h"
#include "security/crypto.h"
#include "storage/s3_object_store.h"

namespace spamphibian::testing {

class MemoryObjectStore : public storage::ObjectStore {
 public:
  Status Put(const std::string& key, const std::string& data, const std::string&) override {
    std::lock_guard<std::mutex> lock(mu);
    ++calls;
    if (down) return Status::Unavailable("memory store is down");
    objects[key] = data;
    return Status::Ok();
  }
  Status Get(const std::string& key, std::string* data) override {
    std::lock_guard<std::mutex> lock(mu);
    ++calls;
    ++gets;
    if (down) return Status::Unavailable("memory store is down");
    auto it = objects.find(key);
    if (it == objects.end()) return Status::NotFound(key);
    *data = it->second;
    return Status::Ok();
  }
  Status Head(const std::string& key, storage::ObjectInfo* info) override {
    std::lock_guard<std::mutex> lock(mu);
    ++calls;
    if (down) return Status::Unavailable("memory store is down");
    auto it = objects.find(key);
    if (it == objects.end()) return Status::NotFound(key);
    info->key = key;
    info->size = static_cast<std::int64_t>(it->second.size());
    info->etag = security::Sha256Hex(it->second).substr(0, 32);
    return Status::Ok();
  }
  Status List(const std::string& prefix, std::vector<storage::ObjectInfo>* out) override {
    std::lock_guard<std::mutex> lock(mu);
    ++calls;
    if (down) return Status::Unavailable("memory store is down");
    out->clear();
    for (const auto& [k, v] : objects) {
      if (k.starts_with(prefix)) out->push_back({k, static_cast<std::int64_t>(v.size()), "", ""});
    }
    return Status::Ok();
  }

  Status Delete(const std::string& key) override {
    std::lock_guard<std::mutex> lock(mu);
    ++calls;
    if (down) return Status::Unavailable("memory store is down");
    objects.erase(key);
    return Status::Ok();
  }

  std::mutex mu;
  std::map<std::string, std::string> objects;
  bool down = false;
  int calls = 0;
  int gets = 0;
};

}  // namespace spamphibian::testing
