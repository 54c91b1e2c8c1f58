#include "spamphibian_process.h"

#include <fstream>

namespace spamphibian::testing {

SpamphibianProcess::SpamphibianProcess(const RedisServer& redis, const std::string& dir,
                                       std::map<std::string, std::string> env, std::vector<std::string> args,
                                       const std::string& yaml)
    : port_(FreePort()), admin_port_(FreePort()), log_(dir + "/service.log") {
  std::ofstream(dir + "/spamphibian.yaml")
      << (yaml.empty() ? "server:\n  max_body_bytes: 65536\n  threads: 2\n" : yaml);
  if (auto it = env.find("ADMIN_PORT"); it != env.end()) admin_port_ = std::atoi(it->second.c_str());
  std::map<std::string, std::string> base = {{"PORT", std::to_string(port_)},
                                             {"ADMIN_PORT", std::to_string(admin_port_)},
                                             {"REDIS_HOST", "127.0.0.1"},
                                             {"REDIS_PORT", std::to_string(redis.port())},
                                             {"GITLAB_WEBHOOK_SECRET", kWebhookSecret},
                                             {"GITLAB_TOKEN", "glpat-never-logged"},
                                             {"SPAMPHIBIAN_CONFIG", dir + "/spamphibian.yaml"},
                                             {"LOGLEVEL", "debug"}};
  for (auto& [k, v] : env) base[k] = v;
  args.insert(args.begin(), SPAMPHIBIAN_BINARY);
  process_ = std::make_unique<ChildProcess>(args, base, log_);
}

bool SpamphibianProcess::WaitReady(std::chrono::milliseconds timeout) {
  return WaitFor([&] { return HttpGet(Url("/healthz")).status == 200; }, timeout);
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
