// S3rverProcess: a real S3-compatible server (s3rver, from npm, installed by
// scripts/install-deps into test-tools/) on a free loopback port, with one
// bucket, for integration tests.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "child_process.h"
#include "storage/s3_object_store.h"

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

  // How our S3 client and the binary reach it.
  storage::S3Options Options() const;
  std::map<std::string, std::string> Env() const;  // S3_ENDPOINT, S3_BUCKET, S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY

  // Where s3rver keeps an object's bytes on disk.
  std::string ObjectFile(const std::string& key) const;

  void Stop();
  void Start();
  // Freezes s3rver (SIGSTOP) and thaws it: S3 hanging rather than gone.
  // s3rver answers a PUT before its file is written, so a Stop() right
  // after an answer can lose an object that real S3 would have kept; a
  // frozen s3rver finishes its writes when thawed.
  void Pause();
  void Resume();

 private:
  TempDir dir_;
  std::string bucket_;
  int port_;
  std::unique_ptr<ChildProcess> process_;
};

}  // namespace spamphibian::testing
