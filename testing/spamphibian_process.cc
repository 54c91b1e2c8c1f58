#include "spamphibian_process.h"

#include <fstream>

namespace spamphibian::testing {

SpamphibianProcess::SpamphibianProcess(const RedisServer& redis, const std::string& dir,
                                       std::map<std::string, std::string> env, std::vector<std::string> args,
                                       const std::string& yaml)
    : port_(FreePort()), admin_port_(FreePort()), log_(dir + "/service.log") {
  std::ofstream(dir + "/spamphibian.yaml")
      << (yaml.empty() ? "server:\n  max_body_bytes: 65536\n  threads: 2\n" : yaml);
  if (auto it = env.find("ADMIN_PORT"); it != env.end()) {
    admin_port_ = std::atoi(it->second.c_str());
    own_admin_port_ = false;
  }
  if (auto it = env.find("PORT"); it != env.end()) {
    port_ = std::atoi(it->second.c_str());
    own_port_ = false;
  }
  env_ = {{"REDIS_HOST", "127.0.0.1"},
          {"REDIS_PORT", std::to_string(redis.port())},
          {"GITLAB_WEBHOOK_SECRET", kWebhookSecret},
          {"GITLAB_TOKEN", "glpat-never-logged"},
          {"SPAMPHIBIAN_CONFIG", dir + "/spamphibian.yaml"},
          // The inline check's port only where a test asks for it: tests
          // run side by side, and 8002 is one port.
          {"SPAMCHECK_PORT", "0"},
          {"LOGLEVEL", "debug"}};
  for (auto& [k, v] : env) env_[k] = v;
  args_ = std::move(args);
  args_.insert(args_.begin(), SPAMPHIBIAN_BINARY);
  Launch();
}

void SpamphibianProcess::Launch() {
  if (own_port_) env_["PORT"] = std::to_string(port_);
  if (own_admin_port_) env_["ADMIN_PORT"] = std::to_string(admin_port_);
  process_ = std::make_unique<ChildProcess>(args_, env_, log_);
}

bool SpamphibianProcess::WaitReady(std::chrono::milliseconds timeout) {
  for (int attempt = 0;; ++attempt) {
    bool taken = false;
    const bool ready = WaitFor([&] {
      if (HttpGet(Url("/healthz")).status == 200) return true;
      taken = log().find("\"listen_failed\"") != std::string::npos &&
              log().find("Address already in use") != std::string::npos;
      return taken;
    }, timeout);
    if (!ready || !taken) return ready;
    if (attempt == 3 || !own_port_ || !own_admin_port_) return false;
    process_->Wait(std::chrono::seconds(10));
    std::ofstream(log_, std::ios::trunc).close();
    port_ = FreePort();
    admin_port_ = FreePort();
    Launch();
  }
}

std::string SpamphibianProcess::Url(const std::string& path) const {
  return "http://127.0.0.1:" + std::to_string(port_) + path;
}

std::string SpamphibianProcess::AdminUrl(const std::string& path) const {
  return "http://127.0.0.1:" + std::to_string(admin_port_) + path;
}

HttpResult SpamphibianProcess::Post(const std::string& body, Headers headers) {
  headers.emplace_back("X-Gitlab-Token", kWebhookSecret);
  return HttpPost(Url("/events"), body, headers);
}

}  // namespace spamphibian::testing
