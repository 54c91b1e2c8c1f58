#include "app/serve.h"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>

#include <algorithm>
#include <memory>
#include <thread>

#include "app/endpoints.h"
#include "events/event_service.h"
#include "events/redis_event_sink.h"
#include "http/server.h"
#include "log/json_log.h"
#include "metrics/registry.h"
#include "redis/connector.h"
#include "stages/pipeline.h"
#include "stages/queue_monitor.h"

namespace spamphibian {
namespace {

bool Has(const std::vector<std::string>& stages, std::string_view name) {
  return std::find(stages.begin(), stages.end(), name) != stages.end();
}

// What the service runs with, minus secrets (which show only set/unset).
nlohmann::json Describe(const Config& c, const std::vector<std::string>& stages) {
  return {
      {"version", SPAMPHIBIAN_VERSION},
      {"stages", stages},
      {"port", c.server.port},
      {"redis", c.redis.sentinel_enabled ? "sentinel:" + c.redis.master_set
                                         : c.redis.host + ":" + std::to_string(c.redis.port)},
      {"redis_db", c.redis.db},
      {"redis_password", c.redis.password.redacted()},
      {"key_prefix", c.pipeline.key_prefix},
      {"gitlab_url", c.gitlab_url},
      {"gitlab_token", c.gitlab_token.redacted()},
      {"webhook_secret", c.webhook_secret.redacted()},
      {"slack_webhook_url", c.slack_webhook_url.redacted()},
      {"model_url", c.model_url},
      {"max_body_bytes", c.server.max_body_bytes},
      {"config_file", c.config_file},
  };
}

}  // namespace

int RunServe(const Config& config, const std::vector<std::string>& stages, spdlog::logger& log) {
  LogJson(log, spdlog::level::info, "starting", Describe(config, stages));
  if (config.webhook_secret.empty() && Has(stages, "events")) {
    LogJson(log, spdlog::level::warn, "no_webhook_secret",
            {{"message", "GITLAB_WEBHOOK_SECRET is unset: /events accepts hooks from anyone who can reach it"}});
  }

  metrics::Registry registry;
  registry.AddGauge("spamphibian_build_info", "Build information; always 1.", {"version"})
      .With({SPAMPHIBIAN_VERSION})
      .Set(1);
  const std::string& prefix = config.pipeline.key_prefix;
  redis::Connector connector(config.redis);

  std::vector<QueueMonitor::Stream> streams;
  for (std::string_view name : PipelineStreams()) streams.push_back({std::string(name), prefix + std::string(name)});
  QueueMonitor monitor(connector, std::move(streams), registry, std::chrono::seconds(2));
  monitor.Start();
  if (!monitor.redis_up()) {
    LogJson(log, spdlog::level::warn, "redis_unreachable",
            {{"message", "Redis does not answer yet; /events answers 503 until it does"}});
  }

  // One io_context per thread (see http::Server); workers[0] also takes the
  // signals and the shutdown timer.
  std::vector<std::unique_ptr<boost::asio::io_context>> contexts;
  std::vector<boost::asio::io_context*> workers;
  for (int i = 0; i < config.server.threads; ++i) {
    contexts.push_back(std::make_unique<boost::asio::io_context>(1));
    workers.push_back(contexts.back().get());
  }
  boost::asio::io_context& io = *workers.front();

  // The event service: hooks in, events stream out.
  std::unique_ptr<RedisEventSink> sink;
  std::unique_ptr<EventService> events;
  std::vector<http::Route> routes;
  if (Has(stages, "events")) {
    sink = std::make_unique<RedisEventSink>(workers, connector, prefix + std::string(kEventsStream),
                                            prefix + "delivery:", config.pipeline.delivery_dedupe_ttl);
    EventServiceOptions options{config.webhook_secret, config.server.max_body_bytes, config.server.max_json_depth};
    events = std::make_unique<EventService>(std::move(options), *sink, registry, log);
    routes.push_back({"POST", "/events", events.get()});
    routes.push_back({"POST", "/event", events.get()});  // the upstream project's path
  }
  MetricsEndpoint metrics_endpoint(registry);
  HealthEndpoint healthz;
  HealthEndpoint readyz([&monitor] { return monitor.redis_up(); });
  routes.push_back({"GET", "/metrics", &metrics_endpoint});
  routes.push_back({"GET", "/healthz", &healthz});
  routes.push_back({"GET", "/readyz", &readyz});

  // Keeps the other workers running while they have no connection.
  std::vector<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> keep;
  for (auto* w : workers) keep.push_back(boost::asio::make_work_guard(*w));
  auto stop_all = [&workers] {
    for (auto* w : workers) w->stop();
  };
  http::Server server(workers, config.server, std::move(routes), registry, log);
  if (Status s = server.Listen(); !s.ok()) {
    LogJson(log, spdlog::level::critical, "listen_failed", {{"error", s.message()}});
    return 2;
  }

  // SIGTERM/SIGINT: stop accepting, drain, then stop. A second signal, or
  // the shutdown timeout, stops at once.
  boost::asio::signal_set signals(io, SIGINT, SIGTERM);
  boost::asio::steady_timer deadline(io);
  signals.async_wait([&](const boost::system::error_code& ec, int signo) {
    if (ec) return;
    LogJson(log, spdlog::level::info, "shutting_down", {{"signal", signo}});
    server.Shutdown(stop_all);
    deadline.expires_after(config.server.shutdown_timeout);
    deadline.async_wait([&](const boost::system::error_code& e) {
      if (!e) {
        LogJson(log, spdlog::level::warn, "shutdown_timeout", {});
        stop_all();
      }
    });
    signals.async_wait([&](const boost::system::error_code& e2, int) {
      if (!e2) stop_all();
    });
  });

  LogJson(log, spdlog::level::info, "listening", {{"port", server.port()}});
  std::vector<std::thread> threads;
  for (std::size_t i = 1; i < workers.size(); ++i) threads.emplace_back([w = workers[i]] { w->run(); });
  io.run();
  for (auto& t : threads) t.join();

  // Every answered request is in Redis. The sink's connections close when
  // it goes, before the io_contexts they run on.
  monitor.Stop();
  LogJson(log, spdlog::level::info, "stopped", {});
  return 0;
}

}  // namespace spamphibian
