// SpamphibianProcess: the real spamphibian binary, started for a test with
// a given environment, talking to a real redis-server.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "child_process.h"
#include "http_client.h"
#include "redis_server.h"

namespace spamphibian::testing {

inline constexpr const char* kWebhookSecret = "e2e-webhook-secret-5f1c";

class SpamphibianProcess {
 public:
  // Writes `yaml` to <dir>/spamphibian.yaml (SPAMPHIBIAN_CONFIG) and starts
  // `spamphibian <args>` with PORT, ADMIN_PORT, REDIS_*, GITLAB_WEBHOOK_SECRET set; `env`
  // adds or overrides variables.
  SpamphibianProcess(const RedisServer& redis, const std::string& dir, std::map<std::string, std::string> env = {},
                     std::vector<std::string> args = {"serve"}, const std::string& yaml = "");

  // Generous: a test fails fast when the service is ready, and under a
  // loaded CI machine (retrains beside it) a start has taken over 10 s.
  // A port this helper chose that was taken meanwhile (FreePort's port can
  // go to another process's connection before the service binds it): the
  // service is started again on new ones, up to three times.
  bool WaitReady(std::chrono::milliseconds timeout = std::chrono::seconds(30));
  std::string Url(const std::string& path) const;
  int port() const { return port_; }
  int admin_port() const { return admin_port_; }
  // The admin listener (ADMIN_PORT, a free port unless `env` sets one).
  std::string AdminUrl(const std::string& path) const;
  // POSTs to /events with the right token.
  HttpResult Post(const std::string& body, Headers headers = {});
  ChildProcess& process() { return *process_; }
  std::string log() const { return ReadFile(log_); }

 private:
  void Launch();

  int port_;
  int admin_port_;
  bool own_port_ = true, own_admin_port_ = true;  // chosen here, not by the test
  std::string log_;
  std::vector<std::string> args_;
  std::map<std::string, std::string> env_;
  std::unique_ptr<ChildProcess> process_;
};

}  // namespace spamphibian::testing
