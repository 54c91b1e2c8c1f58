// S3rverProcess: a real S3-compatible server (s3rver, from npm, installed by
// scripts/install-deps into test-tools/) on a free loopback port, with one
// bucket, for integration tests.
#pragma once

#include <memory>
#include <string>

#include "child_process.h"

namespace spamphibian::testing {

class S3rverProcess {
 public:
  explicit S3rverProcess(const std::string& bucket = "spamphibian");
  ~S3rverProcess();

  std::string endpoint() const { return "http://127.0.0.1:" + std::to_string(port_); }
  const std::string& bucket() const { return bucket_; }
  // s3rver's fixed credentials.
  static constexpr const char* kAccessKey = "S3RVER";
  static constexpr const char* kSecretKey = "S3RVER";

  void Stop();
  void Start();

 private:
  TempDir dir_;
  std::string bucket_;
  int port_;
  std::unique_ptr<ChildProcess> process_;
};

}  // namespace spamphibian::testing
