// S3ObjectStore: ObjectStore on S3's REST API through libcurl, signed with
// libcurl's built-in AWS Signature V4, path-style URLs
// (endpoint/bucket/key) so that MinIO-like servers and s3rver work, and
// x-amz-content-sha256 sent with every request.
//
// Not thread-safe (one HttpClient): one per thread.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "config/secret.h"
#include "http/client.h"
#include "http/upstream_stats.h"
#include "storage/object_store.h"

namespace spamphibian::storage {

struct S3Options {
  std::string endpoint;  // e.g. https://s3.eu-central-1.amazonaws.com or http://127.0.0.1:9000
  std::string bucket;
  std::string region = "us-east-1";
  Secret access_key_id;
  Secret secret_access_key;
  std::chrono::milliseconds timeout{30000};
  int max_keys = 1000;  // per List page
  std::shared_ptr<http::UpstreamStats> stats;  // NewS3ObjectStore's connection counts into it; may be null
};

class S3ObjectStore : public ObjectStore {
 public:
  // `http` must outlive the store.
  S3ObjectStore(S3Options options, http::HttpClient& http);

  Status Put(const std::string& key, const std::string& data, const std::string& content_type) override;
  Status Get(const std::string& key, std::string* data) override;
  Status Head(const std::string& key, ObjectInfo* info) override;
  Status List(const std::string& prefix, std::vector<ObjectInfo>* out) override;
  Status Delete(const std::string& key) override;

 private:
  Status Send(const std::string& method, const std::string& path_and_query, const std::string& body,
              const std::string& content_type, http::ClientResponse* response);

  S3Options options_;
  http::HttpClient& http_;
};

// An S3ObjectStore with its own HTTP connection: one per thread.
std::unique_ptr<ObjectStore> NewS3ObjectStore(S3Options options);


// Percent-encodes an object key for a URL path (keeps '/').
std::string EncodeKey(const std::string& key);

}  // namespace spamphibian::storage
