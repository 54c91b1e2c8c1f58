#include "stand_in_server.h"

#include "log/json_log.h"

namespace spamphibian::testing {

StandInServer::StandInServer() : guard_(boost::asio::make_work_guard(io_)), log_(MakeNullLogger()) {
  default_.status = 200;
  default_.content_type = "text/plain";
  default_.body = "ok";
  ServerOptions o;
  o.bind_address = "127.0.0.1";
  o.port = 0;
  o.max_body_bytes = 8 << 20;
  server_ = std::make_unique<http::Server>(std::vector<boost::asio::io_context*>{&io_}, o,
                                           std::vector<http::Route>{{"*", "/*", this}}, registry_, *log_);
  if (!server_->Listen().ok()) std::abort();
  thread_ = std::thread([this] { io_.run(); });
}

StandInServer::~StandInServer() {
  io_.stop();
  thread_.join();
}

void StandInServer::Script(std::vector<http::Response> responses) {
  std::lock_guard<std::mutex> lock(mu_);
  script_.insert(script_.end(), responses.begin(), responses.end());
}

void StandInServer::SetDefault(http::Response r) {
  std::lock_guard<std::mutex> lock(mu_);
  default_ = std::move(r);
}

std::vector<StandInServer::Received> StandInServer::received() {
  std::lock_guard<std::mutex> lock(mu_);
  return received_;
}

void StandInServer::Handle(http::Request req, http::Respond respond) {
  http::Response r;
  {
    std::lock_guard<std::mutex> lock(mu_);
    received_.push_back({req.method, req.path, req.body, std::chrono::steady_clock::now()});
    if (script_.empty()) {
      r = default_;
    } else {
      r = script_.front();
      script_.pop_front();
    }
  }
  respond(std::move(r));
}

}  // namespace spamphibian::testing
