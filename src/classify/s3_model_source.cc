#include "classify/s3_model_source.h"
#include "security/crypto.h"

#include <nlohmann/json.hpp>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "storage/s3_object_store.h"

namespace spamphibian::classify {
namespace {

// Anything bigger is a model; a manifest is a few hundred bytes of JSON.
constexpr long long kMaxManifestBytes = 64 * 1024;

Status WriteAtomically(const std::string& path, const std::string& bytes) {
  const std::string tmp = path + ".tmp." + std::to_string(getpid());
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!out) return Status::Internal("cannot write " + tmp);
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) return Status::Internal("cannot rename " + tmp + ": " + ec.message());
  return Status::Ok();
}

}  // namespace

std::string ModelManifest(const std::string& model_key, const std::string& model_bytes) {
  return nlohmann::json{{"key", model_key},
                        {"sha256", security::Sha256Hex(model_bytes)},
                        {"size", model_bytes.size()}}
      .dump();
}

S3ModelSource::S3ModelSource(storage::ObjectStore& store, std::string key, std::string cache_dir)
    : store_(store), key_(std::move(key)), cache_dir_(std::move(cache_dir)) {}

Status S3ModelSource::Fetch(const std::string& current_version, ModelFile* out, bool* changed) {
  *changed = false;
  storage::ObjectInfo info;
  if (Status s = store_.Head(key_, &info); !s.ok()) return s;
  if (!last_etag_.empty() && info.etag == last_etag_ && last_version_ == current_version) return Status::Ok();
  std::string bytes;
  if (info.size <= kMaxManifestBytes) {
    if (Status s = store_.Get(key_, &bytes); !s.ok()) return s;
  }
  const nlohmann::json m = nlohmann::json::parse(bytes, nullptr, false);
  if (m.is_object()) {
    if (!m.contains("key") || !m["key"].is_string() || !m.contains("sha256") || !m["sha256"].is_string() ||
        m["sha256"].get<std::string>().size() != 64 || !m.contains("size") || !m["size"].is_number_unsigned()) {
      return Status::InvalidArgument("s3://" + key_ + ": a manifest needs key, sha256 (64 hex digits) and size");
    }
    const std::string sha = m["sha256"];
    if (sha.substr(0, 12) != current_version) {
      bytes.clear();
      if (Status s = store_.Get(m["key"], &bytes); !s.ok()) return s;
      if (Status s = Verify(m["key"], bytes, m["size"].get<long long>(), sha, out); !s.ok()) return s;
    } else {
      out->version = current_version;
    }
  } else {
    // The object is the model itself.
    if (bytes.empty()) {
      if (Status s = store_.Get(key_, &bytes); !s.ok()) return s;
    }
    if (Status s = Verify(key_, bytes, info.size, "", out); !s.ok()) return s;
  }
  last_etag_ = info.etag;
  last_version_ = out->version;
  *changed = out->version != current_version;
  return Status::Ok();
}

Status S3ModelSource::Verify(const std::string& key, const std::string& bytes, long long expected_size,
                             const std::string& expected_sha256, ModelFile* out) {
  if (static_cast<long long>(bytes.size()) != expected_size) {
    return Status::InvalidArgument("s3://" + key + ": " + std::to_string(bytes.size()) + " bytes, expected " +
                                   std::to_string(expected_size));
  }
  out->sha256 = security::Sha256Hex(bytes);
  if (!expected_sha256.empty() && out->sha256 != expected_sha256) {
    return Status::InvalidArgument("s3://" + key + ": SHA-256 " + out->sha256 + " does not match the manifest's " +
                                   expected_sha256);
  }
  out->version = out->sha256.substr(0, 12);
  std::error_code ec;
  std::filesystem::create_directories(cache_dir_, ec);
  if (ec) return Status::Internal("cannot create " + cache_dir_ + ": " + ec.message());
  // Named by content; the extension only helps a reader (the loader tells
  // a bundle from a plain fastText model by its first bytes).
  out->path = cache_dir_ + "/" + out->sha256 + (key.ends_with(".bin") ? ".bin" : key.ends_with(".ftz") ? ".ftz" : ".spam");
  return WriteAtomically(out->path, bytes);
}

}  // namespace spamphibian::classify
