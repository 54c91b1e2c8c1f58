#include "http/server.h"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <atomic>
#include <chrono>
#include <mutex>
#include <optional>
#include <unordered_map>

#include "http/address_set.h"
#include "log/json_log.h"

namespace spamphibian::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using Executor = asio::io_context::executor_type;
using Socket = asio::basic_stream_socket<tcp, Executor>;

class Session;

class Server::Impl : public std::enable_shared_from_this<Server::Impl> {
 public:
  Impl(std::vector<asio::io_context*> workers, const ServerOptions& options, std::vector<Route> routes,
       metrics::Registry& metrics, spdlog::logger& log)
      : workers_(std::move(workers)),
        options_(options),
        routes_(std::move(routes)),
        acceptor_(*workers_.front()),
        accept_timer_(*workers_.front()),
        log_(log),
        accept_errors_(metrics.AddCounter("spamphibian_http_accept_errors_total",
                                          "Failed accepts (e.g. out of file descriptors); accepting pauses briefly.")
                           .With({})),
        refused_(metrics.AddCounter("spamphibian_http_connections_refused_total",
                                    "Connections closed at once: server.max_connections were open (full; for an "
                                    "untrusted client, all but server.reserved_connections), or "
                                    "server.max_connections_per_address from that client (per_address).",
                                    {"reason"})),
        duration_(metrics.AddHistogram("spamphibian_http_request_duration_seconds",
                                       "Time from a request read to its response written.", {"path"},
                                       metrics::LatencyBuckets())) {
    for (const Route& r : routes_) route_histograms_.push_back(&duration_.With({r.path}));
    other_histogram_ = &duration_.With({"other"});
  }

  Status Listen();
  void Accept();
  void Shutdown(std::function<void()> drained);

  // Picks the handler; nullptr with *status set (404/405) when none fits.
  Handler* Find(const Request& req, int* status, metrics::Histogram** histogram) const;

  void RequestStarted() { in_flight_.fetch_add(1); }
  void SessionEnded(const std::string& address);
  void RequestFinished();
  bool stopping() const { return stopping_.load(); }

  const ServerOptions& options() const { return options_; }
  spdlog::logger& log() { return log_; }
  int port() const { return port_; }

 private:
  void Forget();
  // Whether a new connection from `address` may stay; counts it if so.
  bool Admit(const boost::asio::ip::address& address, std::string* key);

  // One io_context per thread: a connection lives on one of them for its
  // whole life, so its handlers never need a strand or a lock.
  std::vector<asio::io_context*> workers_;
  std::size_t next_worker_ = 0;
  ServerOptions options_;
  std::vector<Route> routes_;
  tcp::acceptor acceptor_;
  asio::steady_timer accept_timer_;
  bool accept_failing_ = false;  // logged once per spell of failures
  std::atomic<std::size_t> live_{0};  // open connections
  spdlog::logger& log_;
  metrics::Counter& accept_errors_;
  metrics::CounterFamily& refused_;
  AddressSet trusted_;  // options_.trusted_sources
  std::mutex addresses_mu_;
  std::unordered_map<std::string, std::size_t> per_address_;  // open connections by client address
  metrics::HistogramFamily& duration_;
  std::vector<metrics::Histogram*> route_histograms_;
  metrics::Histogram* other_histogram_;
  int port_ = 0;

  std::atomic<bool> stopping_{false};
  std::atomic<int> in_flight_{0};
  std::mutex mu_;  // guards sessions_ and drained_
  std::vector<std::weak_ptr<Session>> sessions_;
  std::function<void()> drained_;
  std::size_t accepted_ = 0;
};

// One TCP connection: read a request, hand it to its handler, write the
// response, repeat while keep-alive. All work runs on the io_context the
// connection was accepted on (one thread), so nothing here needs a lock.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(Socket&& socket, std::size_t worker, std::string address, std::shared_ptr<Server::Impl> server)
      : stream_(std::move(socket)), worker_(worker), address_(std::move(address)), server_(std::move(server)) {}
  ~Session() { server_->SessionEnded(address_); }

  void Start() {
    asio::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->Read(); });
  }

  // Called at shutdown: an idle connection closes now, a busy one after its
  // response is written.
  void StopWhenIdle() {
    asio::post(stream_.get_executor(), [self = shared_from_this()] {
      self->closing_ = true;
      if (self->reading_) self->Close();
    });
  }

 private:
  void Read() {
    if (closing_ || server_->stopping()) return Close();
    parser_.emplace();
    parser_->body_limit(server_->options().max_body_bytes);
    parser_->header_limit(16 * 1024);
    // A connection that sends no request (or dribbles its headers) is
    // closed after header_timeout: idle sockets cannot hold the door shut.
    stream_.expires_after(std::min<std::chrono::steady_clock::duration>(server_->options().header_timeout,
                                                                         server_->options().read_timeout));
    reading_ = true;
    // The headers first: a handler may refuse the request on them (no
    // token) before its body costs anything.
    bhttp::async_read_header(stream_, buffer_, *parser_,
                             [self = shared_from_this()](beast::error_code ec, std::size_t) { self->OnHeader(ec); });
  }

  void OnHeader(beast::error_code ec) {
    if (ec && ec != bhttp::error::body_limit) {
      reading_ = false;
      // Malformed framing or headers (a Transfer-Encoding Beast will not
      // read, two lengths): say so, then close. End of stream, a timeout or
      // a reset just close.
      if (ec.category() == bhttp::make_error_code(bhttp::error::bad_method).category() &&
          ec != bhttp::error::end_of_stream && ec != bhttp::error::partial_message && !closing_) {
        keep_alive_ = false;
        request_ = Request();
        handler_ = server_->Find(request_, &route_status_, &histogram_);
        handler_ = nullptr;
        return Dispatch(ec == bhttp::error::header_limit ? JsonError(431, "request headers too large")
                                                         : JsonError(400, "malformed request: " + ec.message()));
      }
      return Close();
    }
    // The route is found once per request, here; Dispatch uses it.
    request_ = ToRequest(parser_->get());
    handler_ = server_->Find(request_, &route_status_, &histogram_);
    if (!FramingIsPlain(parser_->get())) {
      // A message whose length two hops could read differently
      // (RFC 9112 6.1, 6.3): refused, and the connection closed.
      reading_ = false;
      keep_alive_ = false;
      handler_ = nullptr;
      return Dispatch(JsonError(400, "Transfer-Encoding: only \"chunked\", alone, and never with Content-Length"));
    }
    if (ec == bhttp::error::body_limit) {
      // Content-Length alone says it is too large: answer from the headers
      // and close, since the body is still on the wire.
      reading_ = false;
      keep_alive_ = false;
      request_.body_too_large = true;
      return Dispatch();
    }
    if (handler_ != nullptr) {
      if (std::optional<Response> refused = handler_->CheckHeaders(request_)) {
        reading_ = false;
        keep_alive_ = false;  // the body, if any, is still on the wire
        return Dispatch(std::move(refused));
      }
    }
    if (parser_->is_done()) return OnRead({});
    stream_.expires_after(server_->options().read_timeout);
    bhttp::async_read(stream_, buffer_, *parser_,
                      [self = shared_from_this()](beast::error_code ec, std::size_t) { self->OnRead(ec); });
  }

  void OnRead(beast::error_code ec) {
    reading_ = false;
    if (ec == bhttp::error::body_limit) {
      // The header is complete; answer from it and close, since the rest of
      // the body is still on the wire.
      keep_alive_ = false;
      request_.body_too_large = true;
      return Dispatch();
    }
    if (ec) return Close();  // end of stream, timeout, reset, malformed HTTP
    keep_alive_ = parser_->get().keep_alive();
    request_.body = std::move(parser_->get().body());
    Dispatch();
  }

  // Transfer-Encoding, when present, is exactly "chunked", once, and there
  // is no Content-Length beside it.
  template <typename Message>
  static bool FramingIsPlain(const Message& msg) {
    const std::size_t codings = msg.count(bhttp::field::transfer_encoding);
    if (codings == 0) return true;
    if (codings > 1 || msg.count(bhttp::field::content_length) > 0) return false;
    std::string_view v = msg[bhttp::field::transfer_encoding];
    while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
    while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
    return beast::iequals(v, "chunked");
  }

  template <typename Message>
  static Request ToRequest(const Message& msg) {
    Request req;
    req.method = std::string(msg.method_string());
    const std::string_view target = msg.target();
    const std::size_t q = target.find('?');
    req.path = std::string(target.substr(0, q));
    if (q != std::string_view::npos) req.query = std::string(target.substr(q + 1));
    for (const auto& field : msg) req.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
    return req;
  }

  // Hands request_ to the handler found in OnHeader, or answers at once:
  // with `early` (refused on its headers) or 404/405 when no route fits.
  void Dispatch(std::optional<Response> early = std::nullopt) {
    Request req = std::move(request_);
    req.worker = worker_;
    req.remote_address = address_;
    head_ = req.method == "HEAD";
    stream_.expires_never();
    started_ = std::chrono::steady_clock::now();
    server_->RequestStarted();
    Handler* handler = handler_;
    if (handler == nullptr && !early) {
      early = JsonError(route_status_, route_status_ == 405 ? "method not allowed" : "not found");
    }
    if (early) {
      ++requests_;
      ++answered_;
      Write(std::move(*early));
      return;
    }
    // The handler may answer from another thread; the response goes back
    // through the connection's io_context. The request number makes a second
    // answer to the same request (a handler bug) a no-op.
    const std::uint64_t number = ++requests_;
    handler->Handle(std::move(req), [self = shared_from_this(), number](Response res) {
      asio::post(self->stream_.get_executor(), [self, number, res = std::move(res)]() mutable {
        if (number != self->answered_ + 1) return;
        self->answered_ = number;
        self->Write(std::move(res));
      });
    });
  }

  // Responses are small and of one shape (status, content type, body), so
  // they are formatted straight into one reused buffer and sent with one
  // write; Beast's general serializer costs more than the whole request.
  void Write(Response res) {
    if (res.abort) {  // the handler wants the connection dropped unanswered
      server_->RequestFinished();
      return Close();
    }
    keep_open_ = keep_alive_ && !closing_ && !server_->stopping();
    out_.clear();
    out_ += "HTTP/1.1 ";
    out_ += std::to_string(res.status);
    out_ += ' ';
    out_ += bhttp::obsolete_reason(static_cast<bhttp::status>(res.status));
    out_ += "\r\nServer: spamphibian\r\nContent-Type: ";
    out_ += res.content_type;
    for (const auto& [name, value] : res.headers) {
      out_ += "\r\n";
      out_ += name;
      out_ += ": ";
      out_ += value;
    }
    out_ += "\r\nContent-Length: ";
    out_ += std::to_string(res.body.size());
    out_ += keep_open_ ? "\r\n\r\n" : "\r\nConnection: close\r\n\r\n";
    // HEAD: the length the body would have, and no body (RFC 9110 9.3.2);
    // a body here would be read as the start of the next response.
    if (!head_) out_ += res.body;
    stream_.expires_after(server_->options().read_timeout);
    asio::async_write(stream_, asio::buffer(out_), [self = shared_from_this()](beast::error_code ec, std::size_t) {
      self->OnWrite(ec);
    });
  }

  void OnWrite(beast::error_code ec) {
    histogram_->Observe(std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count());
    server_->RequestFinished();
    if (ec || !keep_open_) return Close();
    Read();
  }

  void Close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.close();
  }

  // A concrete executor type, not any_io_executor: no type erasure per call.
  beast::basic_stream<tcp, Executor> stream_;
  const std::size_t worker_;
  const std::string address_;  // the client's, as counted by Server::Impl::Admit
  beast::flat_buffer buffer_;
  std::shared_ptr<Server::Impl> server_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  Request request_;  // being read: headers first, then its body
  Handler* handler_ = nullptr;  // request_'s route (found once, on its headers)
  int route_status_ = 0;        // 404 or 405 when handler_ is null
  std::uint64_t requests_ = 0;  // requests read on this connection
  std::uint64_t answered_ = 0;  // requests answered
  std::string out_;  // the response being written; its capacity is reused
  bool keep_open_ = true;
  metrics::Histogram* histogram_ = nullptr;
  std::chrono::steady_clock::time_point started_;
  bool reading_ = false;
  bool closing_ = false;
  bool keep_alive_ = true;
  bool head_ = false;  // the request being answered is a HEAD
};

Status Server::Impl::Listen() {
  beast::error_code ec;
  const auto address = asio::ip::make_address(options_.bind_address, ec);
  if (ec) return Status::InvalidArgument("server.bind_address: '" + options_.bind_address + "': " + ec.message());
  const tcp::endpoint endpoint(address, static_cast<unsigned short>(options_.port));
  acceptor_.open(endpoint.protocol(), ec);
  if (!ec) acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor_.bind(endpoint, ec);
  if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return Status::InvalidArgument("PORT: cannot listen on " + options_.bind_address + ":" +
                                   std::to_string(options_.port) + ": " + ec.message());
  }
  port_ = acceptor_.local_endpoint().port();
  if (Status s = AddressSet::Parse(options_.trusted_sources, &trusted_); !s.ok()) {
    return Status::InvalidArgument("server.trusted_sources: " + s.message());
  }
  Accept();
  return Status::Ok();
}

void Server::Impl::Accept() {
  const std::size_t worker = next_worker_++ % workers_.size();
  acceptor_.async_accept(workers_[worker]->get_executor(), [self = shared_from_this(), worker](beast::error_code ec,
                                                                                               Socket socket) {
    if (ec) {
      if (self->stopping()) return;
      // Out of file descriptors (EMFILE) or memory: accepting again at once
      // would spin and flood the log. Pause, and say so once per spell.
      self->accept_errors_.Inc();
      if (!self->accept_failing_) {
        self->accept_failing_ = true;
        LogJson(self->log_, spdlog::level::err, "http_accept_failed",
                {{"error", ec.message()}, {"message", "accepting pauses 100 ms at a time until it works again"}});
      }
      self->accept_timer_.expires_after(std::chrono::milliseconds(100));
      self->accept_timer_.async_wait([self](beast::error_code) {
        if (!self->stopping()) self->Accept();
      });
      return;
    }
    if (self->accept_failing_) {
      self->accept_failing_ = false;
      LogJson(self->log_, spdlog::level::info, "http_accept_recovered", {});
    }
    std::string address;
    const auto remote = socket.remote_endpoint(ec);
    if (ec || !self->Admit(remote.address(), &address)) {
      beast::error_code ignored;
      socket.close(ignored);
    } else {
      socket.set_option(tcp::no_delay(true), ec);
      auto session = std::make_shared<Session>(std::move(socket), worker, std::move(address), self);
      {
        std::lock_guard<std::mutex> lock(self->mu_);
        self->sessions_.push_back(session);
        if (++self->accepted_ % 256 == 0) self->Forget();
      }
      session->Start();
    }
    if (!self->stopping()) self->Accept();
  });
}

bool Server::Impl::Admit(const asio::ip::address& address, std::string* key) {
  const bool trusted = trusted_.Contains(address);
  *key = address.to_string();
  const std::size_t live = live_.load();
  // The reserved room is for trusted sources; with none named, no room is
  // held back.
  const std::size_t room = trusted || trusted_.empty()
                               ? options_.max_connections
                               : options_.max_connections - std::min(options_.reserved_connections, options_.max_connections);
  if (live >= room) {
    refused_.With({"full"}).Inc();
    return false;
  }
  std::lock_guard<std::mutex> lock(addresses_mu_);
  std::size_t& mine = per_address_[*key];
  if (!trusted && mine >= options_.max_connections_per_address) {
    refused_.With({"per_address"}).Inc();
    return false;
  }
  ++mine;
  live_.fetch_add(1);
  return true;
}

void Server::Impl::SessionEnded(const std::string& address) {
  live_.fetch_sub(1);
  std::lock_guard<std::mutex> lock(addresses_mu_);
  auto it = per_address_.find(address);
  if (it != per_address_.end() && --it->second == 0) per_address_.erase(it);
}

void Server::Impl::Forget() {
  std::erase_if(sessions_, [](const std::weak_ptr<Session>& s) { return s.expired(); });
}

Handler* Server::Impl::Find(const Request& req, int* status, metrics::Histogram** histogram) const {
  *status = 404;
  *histogram = other_histogram_;
  for (std::size_t i = 0; i < routes_.size(); ++i) {
    const std::string& path = routes_[i].path;
    const bool prefix = !path.empty() && path.back() == '*';
    if (prefix ? !req.path.starts_with(std::string_view(path).substr(0, path.size() - 1)) : path != req.path) continue;
    *histogram = route_histograms_[i];
    if (routes_[i].method == req.method || routes_[i].method == "*") return routes_[i].handler;
    *status = 405;
  }
  return nullptr;
}

void Server::Impl::RequestFinished() {
  if (in_flight_.fetch_sub(1) != 1 || !stopping_.load()) return;
  std::function<void()> drained;
  {
    std::lock_guard<std::mutex> lock(mu_);
    drained.swap(drained_);
  }
  if (drained) drained();
}

void Server::Impl::Shutdown(std::function<void()> drained) {
  asio::post(acceptor_.get_executor(), [self = shared_from_this(), drained = std::move(drained)]() mutable {
    if (self->stopping_.exchange(true)) return;
    beast::error_code ignored;
    self->acceptor_.close(ignored);
    self->accept_timer_.cancel();
    std::vector<std::shared_ptr<Session>> live;
    {
      std::lock_guard<std::mutex> lock(self->mu_);
      self->drained_ = std::move(drained);
      for (auto& weak : self->sessions_) {
        if (auto s = weak.lock()) live.push_back(std::move(s));
      }
      self->sessions_.clear();
    }
    for (auto& s : live) s->StopWhenIdle();
    // Nothing in flight: drained now. Otherwise the last RequestFinished()
    // calls it. Taking drained_ under the lock makes it run exactly once.
    if (self->in_flight_.load() == 0) {
      std::function<void()> now;
      {
        std::lock_guard<std::mutex> lock(self->mu_);
        now.swap(self->drained_);
      }
      if (now) now();
    }
  });
}

Server::Server(std::vector<asio::io_context*> workers, const ServerOptions& options, std::vector<Route> routes,
               metrics::Registry& metrics, spdlog::logger& log)
    : impl_(std::make_shared<Impl>(std::move(workers), options, std::move(routes), metrics, log)) {}

Server::~Server() = default;

Status Server::Listen() { return impl_->Listen(); }
int Server::port() const { return impl_->port(); }
void Server::Shutdown(std::function<void()> drained) { impl_->Shutdown(std::move(drained)); }

}  // namespace spamphibian::http
