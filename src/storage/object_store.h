// ObjectStore: where evaluated items, action archives, labels and models
// are kept (S3 or an S3-compatible server). S3ObjectStore is the real one.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/status.h"

namespace spamphibian::storage {

struct ObjectInfo {
  std::string key;
  std::int64_t size = 0;
  std::string etag;           // without quotes
  std::string last_modified;  // as the server gives it
};

class ObjectStore {
 public:
  virtual ~ObjectStore() = default;
  // Unavailable: the store could not be reached or answered 5xx; retrying
  // may help. Other errors: the request itself is wrong.
  virtual Status Put(const std::string& key, const std::string& data, const std::string& content_type) = 0;
  // NotFound when there is no such object.
  virtual Status Get(const std::string& key, std::string* data) = 0;
  virtual Status Head(const std::string& key, ObjectInfo* info) = 0;
  // Every object whose key starts with `prefix`, in key order (all pages).
  virtual Status List(const std::string& prefix, std::vector<ObjectInfo>* out) = 0;
  // Removes the object; Ok when it was not there either (S3 semantics).
  virtual Status Delete(const std::string& key) = 0;
};

}  // namespace spamphibian::storage
