// S3ModelSource: the embedded model, pulled from S3 (MODEL_S3_KEY).
//
// The key names either
//   - a manifest, as `spamphibian train --upload` writes it: JSON
//     {"key": "models/spam-<sha256>.ftz", "sha256": "...", "size": N}; the
//     model object is downloaded and must have exactly that size and SHA-256;
//     or
//   - a model object itself (uploaded by hand); it must have the size HEAD
//     announced.
// A model is cached on disk under its content hash, so a restart or another
// process on the host does not download it again. The caller loads and
// checks the file (SpamModel::Load); a model that fails that is refused.
//
// Not thread-safe: one per refresher thread.
#pragma once

#include <string>

#include "base/status.h"
#include "storage/object_store.h"

namespace spamphibian::classify {

struct ModelFile {
  std::string path;     // local file
  std::string version;  // first 12 hex digits of its SHA-256
  std::string sha256;
};

class S3ModelSource {
 public:
  // `store` must outlive the source. `cache_dir` is created if missing.
  S3ModelSource(storage::ObjectStore& store, std::string key, std::string cache_dir);

  // Fetches the model the key names now. When its version equals
  // `current_version`, nothing is downloaded and *changed is false.
  // Unavailable: S3 could not be reached; InvalidArgument: the manifest or
  // the object is wrong (size or checksum mismatch, not a manifest).
  Status Fetch(const std::string& current_version, ModelFile* out, bool* changed);

  const std::string& key() const { return key_; }

 private:
  // Checks size and (if given) checksum, then writes the cache file.
  Status Verify(const std::string& key, const std::string& bytes, long long expected_size,
                const std::string& expected_sha256, ModelFile* out);

  storage::ObjectStore& store_;
  const std::string key_;
  const std::string cache_dir_;
  // The key's ETag at the last fetch and the version it gave: an unchanged
  // key costs one HEAD.
  std::string last_etag_;
  std::string last_version_;
};

// The manifest `train --upload` writes for a model of these bytes.
std::string ModelManifest(const std::string& model_key, const std::string& model_bytes);

}  // namespace spamphibian::classify
