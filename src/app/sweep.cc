#include "app/sweep.h"

#include <csignal>

#include "app/components.h"
#include "gitlab/api.h"
#include "http/curl_client.h"
#include "jobs/sweep.h"
#include "log/json_log.h"
#include "stages/pipeline.h"

namespace spamphibian {
namespace {

// Set by SIGINT/SIGTERM; a lock-free atomic is what a signal handler may
// touch, which is why this one flag is a global.
std::atomic<bool> g_stop{false};

}  // namespace

int RunSweep(const Config& config, const std::string& kind, const std::string& since, double rate, bool restart,
             spdlog::logger& log) {
  if (Status s = CheckSweepKind(kind); !s.ok()) {
    LogJson(log, spdlog::level::critical, "config_error", {{"error", s.message()}});
    return 2;
  }
  if (config.gitlab_url.empty()) {
    LogJson(log, spdlog::level::critical, "config_error", {{"error", "GITLAB_URL: required for a sweep"}});
    return 2;
  }
  std::signal(SIGINT, [](int) { g_stop = true; });
  std::signal(SIGTERM, [](int) { g_stop = true; });

  const std::string& prefix = config.pipeline.key_prefix;
  redis::Connector connector(config.redis);
  http::CurlHttpClient http(http::CurlOptions{config.gitlab.ca_bundle});
  const auto limiter = MakeGitLabRateLimiter(config);
  gitlab::GitLabApi api(GitLabApiOptions(config), http, *limiter);
  SweepOptions options{kind, since, rate, prefix + std::string(kEventsStream), prefix + "sweep:" + kind + ":done"};
  if (restart) {
    redis::Client client(connector);
    if (Status s = client.Run({"DEL", options.done_key}); !s.ok()) {
      LogJson(log, spdlog::level::err, "sweep_failed", {{"error", s.message()}});
      return 1;
    }
  }
  Sweep sweep(options, api, connector, log);
  long enqueued = 0, skipped = 0;
  Status s = sweep.Run(g_stop, &enqueued, &skipped);
  LogJson(log, s.ok() ? spdlog::level::info : spdlog::level::err, "sweep_finished",
          {{"kind", kind}, {"enqueued", enqueued}, {"skipped", skipped}, {"interrupted", g_stop.load()},
           {"error", s.message()}, {"gitlab_requests", api.requests()}});
  return s.ok() ? 0 : 1;
}

}  // namespace spamphibian
