#include "s3rver_process.h"

#include <gtest/gtest.h>
#include <signal.h>

#include "http_client.h"

namespace spamphibian::testing {

S3rverProcess::S3rverProcess(const std::string& bucket) : bucket_(bucket), port_(FreePort()) { Start(); }

S3rverProcess::~S3rverProcess() { Stop(); }

void S3rverProcess::Start() {
  process_ = std::make_unique<ChildProcess>(
      std::vector<std::string>{S3RVER_BINARY, "--directory", dir_.path(), "--port", std::to_string(port_), "--address",
                               "127.0.0.1", "--configure-bucket", bucket_, "--silent"},
      std::map<std::string, std::string>{}, dir_.path() + "/s3rver.log");
  if (!WaitFor([&] { return HttpGet(endpoint() + "/").status != 0; })) {
    ADD_FAILURE() << "s3rver did not start: " << ReadFile(dir_.path() + "/s3rver.log");
  }
}

storage::S3Options S3rverProcess::Options() const {
  storage::S3Options o;
  o.endpoint = endpoint();
  o.bucket = bucket_;
  o.access_key_id = Secret(kAccessKey);
  o.secret_access_key = Secret(kSecretKey);
  o.timeout = std::chrono::milliseconds(5000);
  return o;
}

std::map<std::string, std::string> S3rverProcess::Env() const {
  return {{"S3_ENDPOINT", endpoint()}, {"S3_BUCKET", bucket_}, {"S3_ACCESS_KEY_ID", kAccessKey}, {"S3_SECRET_ACCESS_KEY", kSecretKey}};
}

std::string S3rverProcess::ObjectFile(const std::string& key) const {
  return dir_.path() + "/" + bucket_ + "/" + key + "._S3rver_object";  // s3rver 3's filesystem store
}

void S3rverProcess::Stop() {
  if (!process_) return;
  process_->Signal(SIGTERM);
  process_->Wait(std::chrono::seconds(5));
  process_.reset();
}

void S3rverProcess::Pause() {
  if (process_) process_->Signal(SIGSTOP);
}

void S3rverProcess::Resume() {
  if (process_) process_->Signal(SIGCONT);
}

}  // namespace spamphibian::testing
