// The admin listener's wiring: an AdminService (admin/admin_service.h) with
// one set of connections per thread, on its own io_contexts and threads so
// that a slow Redis or GitLab call of a reviewer never delays /events.
#pragma once

#include <boost/asio/io_context.hpp>
#include <spdlog/logger.h>

#include <memory>
#include <thread>
#include <vector>

#include "admin/admin_service.h"
#include "config/config.h"
#include "gitlab/rate_limiter.h"
#include "http/server.h"
#include "metrics/registry.h"
#include "redis/connector.h"

namespace spamphibian {

class AdminListener {
 public:
  AdminListener(const Config& config, const redis::Connector& connector, gitlab::RateLimiter& gitlab_rate,
                metrics::Registry& registry, spdlog::logger& log);
  ~AdminListener();

  // Binds ADMIN_BIND:ADMIN_PORT and starts its threads.
  Status Start();
  int port() const;
  // Stops accepting, lets answers in flight finish, then stops its threads.
  void Stop();

 private:
  std::vector<std::unique_ptr<boost::asio::io_context>> contexts_;
  std::vector<std::thread> threads_;
  std::unique_ptr<admin::AdminService> service_;
  std::unique_ptr<http::Server> server_;
  spdlog::logger& log_;
};

}  // namespace spamphibian
