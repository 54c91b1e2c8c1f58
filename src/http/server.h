// Server: the HTTP/1.1 server (Boost.Beast) that every endpoint of the
// service sits behind: /events, /metrics, /healthz, /readyz.
//
// Limits on every edge: a fresh parser per request with the configured body
// limit, a read timeout per request, keep-alive. Handlers answer
// asynchronously through Respond, from any thread; the server posts the
// answer back onto the connection's io_context.
//
// Threading: one io_context per thread ("workers", each run by exactly one
// thread); connections are spread over them round-robin.
//
// Graceful shutdown: Shutdown() stops accepting, closes idle keep-alive
// connections, lets every request already read finish and be written, and
// then calls `drained`.
#pragma once

#include <boost/asio/io_context.hpp>
#include <spdlog/logger.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "base/status.h"
#include "config/config.h"
#include "http/message.h"
#include "metrics/registry.h"

namespace spamphibian::http {

struct Route {
  std::string method;  // "*" matches any method
  std::string path;    // exact, or a prefix when it ends with "*"
  Handler* handler;  // not owned; must outlive the Server
};

class Server {
 public:
  // `workers` (at least one), `metrics` and `log` must outlive the Server.
  // The acceptor runs on workers[0].
  Server(std::vector<boost::asio::io_context*> workers, const ServerOptions& options, std::vector<Route> routes,
         metrics::Registry& metrics, spdlog::logger& log);
  ~Server();

  // Binds and starts accepting. InvalidArgument when the address or port
  // cannot be bound.
  Status Listen();
  // The bound port (useful when configured with port 0).
  int port() const;

  // Thread-safe. `drained` runs once, on an io thread, when no request is
  // in flight any more.
  void Shutdown(std::function<void()> drained);

  class Impl;

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace spamphibian::http
