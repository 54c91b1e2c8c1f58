// StandInServer: a real HTTP server (our Boost.Beast server) on a free
// loopback port, standing in for Slack or a model service in tests. It
// records every request, with when it arrived, and answers with the next
// scripted response (or the default one).
#pragma once

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include <chrono>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "http/message.h"
#include "http/server.h"
#include "metrics/registry.h"

namespace spamphibian::testing {

class StandInServer : public http::Handler {
 public:
  struct Received {
    std::string method, path, body;
    std::chrono::steady_clock::time_point at;
  };

  StandInServer();
  ~StandInServer() override;

  std::string url() const { return "http://127.0.0.1:" + std::to_string(server_->port()); }
  // The next requests get these answers, in order; then `default_response`.
  void Script(std::vector<http::Response> responses);
  void SetDefault(http::Response r);
  std::vector<Received> received();

  void Handle(http::Request req, http::Respond respond) override;

 private:
  std::mutex mu_;
  std::vector<Received> received_;
  std::deque<http::Response> script_;
  http::Response default_;
  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> guard_;
  metrics::Registry registry_;
  std::shared_ptr<spdlog::logger> log_;
  std::unique_ptr<http::Server> server_;
  std::thread thread_;
};

}  // namespace spamphibian::testing
