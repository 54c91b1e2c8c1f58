#include "redis/async_client.h"

#include "redis/client.h"

namespace spamphibian::redis {

namespace asio = boost::asio;

// Carried through hiredis as privdata: who to call and on which client.
struct AsyncClient::Pending {
  AsyncClient* client;
  Callback done;
};

AsyncClient::AsyncClient(asio::io_context& io, const Connector& connector)
    : io_(io), connector_(connector), timeout_timer_(io) {}

AsyncClient::~AsyncClient() {
  alive_.reset();
  if (ac_ != nullptr) {
    redisAsyncContext* ac = ac_;
    ac_ = nullptr;
    ac->data = nullptr;  // OnDisconnect must not touch us any more
    redisAsyncFree(ac);  // calls every pending callback with a null reply
  }
}

bool AsyncClient::EnsureConnected(std::string* error) {
  if (ac_ != nullptr) return true;
  const auto now = std::chrono::steady_clock::now();
  if (now < retry_after_) {
    *error = "redis unreachable: " + last_error_;
    return false;
  }
  HostPort target{connector_.options().host, connector_.options().port};
  if (connector_.options().sentinel_enabled) {
    // A blocking question to the sentinels, asked only when (re)connecting.
    Status s = connector_.DiscoverMaster(&target);
    if (!s.ok()) {
      last_error_ = s.message();
      retry_after_ = now + connector_.options().reconnect_backoff;
      *error = last_error_;
      return false;
    }
  }
  const std::string& unix_socket = connector_.options().socket;
  redisAsyncContext* ac = unix_socket.empty() ? redisAsyncConnect(target.host.c_str(), target.port)
                                              : redisAsyncConnectUnix(unix_socket.c_str());
  if (ac == nullptr || ac->err) {
    last_error_ = ac ? ac->errstr : "out of memory";
    if (ac) redisAsyncFree(ac);
    retry_after_ = now + connector_.options().reconnect_backoff;
    *error = "redis " + (unix_socket.empty() ? target.host + ":" + std::to_string(target.port) : unix_socket) + ": " +
             last_error_;
    return false;
  }
  ac_ = ac;
  ac_->data = this;
  ++generation_;
  want_read_ = want_write_ = read_armed_ = write_armed_ = false;
  socket_ = std::make_unique<asio::posix::stream_descriptor>(io_, ac_->c.fd);
  ac_->ev.data = this;
  ac_->ev.addRead = [](void* p) { static_cast<AsyncClient*>(p)->Want(true, true); };
  ac_->ev.delRead = [](void* p) { static_cast<AsyncClient*>(p)->Want(true, false); };
  ac_->ev.addWrite = [](void* p) { static_cast<AsyncClient*>(p)->Want(false, true); };
  ac_->ev.delWrite = [](void* p) { static_cast<AsyncClient*>(p)->Want(false, false); };
  ac_->ev.cleanup = [](void* p) {
    auto* self = static_cast<AsyncClient*>(p);
    self->want_read_ = self->want_write_ = false;
    if (self->socket_) self->socket_->release();  // hiredis closes the fd
    self->socket_.reset();
  };
  redisAsyncSetConnectCallback(ac_, &AsyncClient::OnConnect);
  redisAsyncSetDisconnectCallback(ac_, &AsyncClient::OnDisconnect);
  // AUTH and SELECT go first on the wire; their errors fail the commands
  // behind them, which is what we want.
  const RedisOptions& o = connector_.options();
  auto expect_ok = [this](Status s, const redisReply*) {
    if (!s.ok()) Drop("redis AUTH/SELECT failed: " + s.message());
  };
  if (!o.password.empty()) Send({"AUTH", o.password.reveal()}, expect_ok);
  if (o.db != 0) Send({"SELECT", std::to_string(o.db)}, expect_ok);
  return true;
}

void AsyncClient::Want(bool read, bool on) {
  (read ? want_read_ : want_write_) = on;
  if (on) Arm(read);
}

void AsyncClient::Arm(bool read) {
  bool& armed = read ? read_armed_ : write_armed_;
  if (armed || !socket_) return;
  armed = true;
  socket_->async_wait(read ? asio::posix::stream_descriptor::wait_read : asio::posix::stream_descriptor::wait_write,
                      [this, read, gen = generation_, alive = std::weak_ptr<int>(alive_)](
                          const boost::system::error_code& ec) {
                        if (alive.expired() || gen != generation_) return;
                        (read ? read_armed_ : write_armed_) = false;
                        if (ec || ac_ == nullptr) return;
                        const bool wanted = read ? want_read_ : want_write_;
                        if (!wanted) return;
                        redisAsyncContext* ac = ac_;
                        read ? redisAsyncHandleRead(ac) : redisAsyncHandleWrite(ac);
                        // Still wanted after handling (hooks may have changed it)?
                        if (ac_ != nullptr && (read ? want_read_ : want_write_)) Arm(read);
                      });
}

// The connection is gone (refused, reset, closed by the server): remember
// why, and let calls fail fast until the back-off has passed. hiredis then
// calls every pending callback with a null reply.
void AsyncClient::Lost(const redisAsyncContext* ac) {
  ac_ = nullptr;
  last_error_ = ac->errstr[0] != '\0' ? ac->errstr : "connection closed";
  retry_after_ = std::chrono::steady_clock::now() + connector_.options().reconnect_backoff;
}

void AsyncClient::OnConnect(const redisAsyncContext* ac, int status) {
  auto* self = static_cast<AsyncClient*>(ac->data);
  if (self != nullptr && status != REDIS_OK) self->Lost(ac);
}

void AsyncClient::OnDisconnect(const redisAsyncContext* ac, int status) {
  auto* self = static_cast<AsyncClient*>(ac->data);
  if (self != nullptr && status != REDIS_OK) {
    self->Lost(ac);
    // A connection that worked and broke (a Redis restart): the next request
    // tries a new one at once; only a failed connect waits the back-off.
    self->retry_after_ = {};
  }
  if (self != nullptr) self->ac_ = nullptr;
}

void AsyncClient::Drop(const std::string& why) {
  if (ac_ == nullptr) return;
  last_error_ = why;
  retry_after_ = std::chrono::steady_clock::now() + connector_.options().reconnect_backoff;
  redisAsyncContext* ac = ac_;
  ac_ = nullptr;
  ac->data = nullptr;
  // Pending callbacks get a null reply now. Freeing from inside a hiredis
  // callback is deferred by hiredis until that callback returns.
  redisAsyncFree(ac);
}

void AsyncClient::OnReply(redisAsyncContext*, void* reply, void* privdata) {
  std::unique_ptr<Pending> p(static_cast<Pending*>(privdata));
  AsyncClient* self = p->client;
  --self->in_flight_;
  self->last_progress_ = std::chrono::steady_clock::now();
  auto* r = static_cast<redisReply*>(reply);
  if (r == nullptr) {
    p->done(Status::Unavailable("redis: " + (self->last_error_.empty() ? "connection lost" : self->last_error_)),
            nullptr);
    return;
  }
  if (r->type == REDIS_REPLY_ERROR) {
    const std::string_view text = ReplyText(r);
    // The server became a replica (failover), is loading, or lost its
    // replicas (min-replicas-to-write: it may be cut off): reconnect,
    // asking the sentinels again.
    if (MeansReconnect(text)) {
      self->Drop(std::string(text));
      p->done(Status::Unavailable("redis: " + std::string(text)), nullptr);
      return;
    }
    p->done(Status::Internal("redis: " + std::string(text)), r);
    return;
  }
  p->done(Status::Ok(), r);
}

void AsyncClient::Send(const Args& args, Callback done) {
  std::vector<const char*> argv;
  std::vector<size_t> lens;
  argv.reserve(args.size());
  lens.reserve(args.size());
  for (const auto& a : args) {
    argv.push_back(a.data());
    lens.push_back(a.size());
  }
  auto* p = new Pending{this, std::move(done)};
  if (in_flight_ == 0) last_progress_ = std::chrono::steady_clock::now();
  ++in_flight_;
  if (redisAsyncCommandArgv(ac_, &AsyncClient::OnReply, p, static_cast<int>(args.size()), argv.data(),
                            lens.data()) != REDIS_OK) {
    --in_flight_;
    std::unique_ptr<Pending> owned(p);
    owned->done(Status::Unavailable("redis: connection is closing"), nullptr);
    return;
  }
  WatchTimeouts();
}

void AsyncClient::Run(const Args& args, Callback done) {
  std::string error;
  if (!EnsureConnected(&error)) return done(Status::Unavailable(error), nullptr);
  Send(args, std::move(done));
}

void AsyncClient::Eval(const Script& script, const Args& keys, const Args& argv, Callback done) {
  if (script.sha().empty()) {
    // Load first; the script's SHA is cached in the Script for every client.
    Run({"SCRIPT", "LOAD", script.source()},
        [this, &script, keys, argv, done = std::move(done)](Status s, const redisReply* r) mutable {
          if (!s.ok()) return done(s, r);
          script.set_sha(std::string(ReplyText(r)));
          Eval(script, keys, argv, std::move(done));
        });
    return;
  }
  Args args = Client::EvalArgs(script, keys, argv);
  Run(args, [this, &script, keys, argv, done = std::move(done)](Status s, const redisReply* r) mutable {
    if (!s.ok() && s.message().find("NOSCRIPT") != std::string::npos) {
      script.set_sha("");  // Redis restarted and forgot it: load again
      return Eval(script, keys, argv, std::move(done));
    }
    done(s, r);
  });
}

void AsyncClient::WatchTimeouts() {
  if (timer_running_) return;
  timer_running_ = true;
  timeout_timer_.expires_after(std::chrono::milliseconds(100));
  timeout_timer_.async_wait([this, alive = std::weak_ptr<int>(alive_)](const boost::system::error_code& ec) {
    if (alive.expired()) return;
    timer_running_ = false;
    if (ec || in_flight_ == 0 || ac_ == nullptr) return;
    if (std::chrono::steady_clock::now() - last_progress_ > connector_.options().command_timeout) {
      Drop("redis: no reply within " + std::to_string(connector_.options().command_timeout.count()) + " ms");
      return;
    }
    WatchTimeouts();
  });
}

}  // namespace spamphibian::redis
