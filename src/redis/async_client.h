// AsyncClient: a Redis connection driven by an asio io_context, using
// hiredis's asynchronous API with asio as its event loop.
//
// Why: the event service answers a hook only after Redis stored it. Doing
// that on the HTTP thread itself, without blocking, means no thread hop and
// no wake-up per request; and since hiredis writes its output buffer when the
// socket becomes writable, every command issued during one turn of the event
// loop goes out in a single write (pipelining for free under load).
//
// Threading: construct anywhere, then use only from the thread running `io`.
// Callbacks run on that thread. Every callback is called exactly once: with
// the reply, or with Unavailable when Redis cannot be reached, times out
// (command_timeout) or the client is destroyed.
//
// Reconnects by itself: after a failure, calls fail fast for
// reconnect_backoff, then the next call connects again (through the
// Connector's master discovery when Sentinel is enabled).
#pragma once

#include <hiredis/async.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <functional>
#include <memory>

#include "redis/connection.h"
#include "redis/connector.h"
#include "redis/script.h"

namespace spamphibian::redis {

class AsyncClient {
 public:
  // `reply` is owned by hiredis and valid only during the call; null unless
  // the status is ok or Internal (an error reply).
  using Callback = std::function<void(Status status, const redisReply* reply)>;

  // `io` and `connector` must outlive the client.
  AsyncClient(boost::asio::io_context& io, const Connector& connector);
  ~AsyncClient();
  AsyncClient(const AsyncClient&) = delete;
  AsyncClient& operator=(const AsyncClient&) = delete;

  void Run(const Args& args, Callback done);
  // EVALSHA; loads the script first when Redis does not know it.
  void Eval(const Script& script, const Args& keys, const Args& argv, Callback done);

  // Drops the connection (pending callbacks get Unavailable); the next call
  // connects again after the back-off, asking the sentinels anew. For a
  // master that no longer looks like one (its replicas stopped answering).
  void Reset(const std::string& why) { Drop(why); }

 private:
  struct Pending;
  static void OnReply(redisAsyncContext* ac, void* reply, void* privdata);
  static void OnConnect(const redisAsyncContext* ac, int status);
  static void OnDisconnect(const redisAsyncContext* ac, int status);
  void Lost(const redisAsyncContext* ac);

  bool EnsureConnected(std::string* error);
  void Send(const Args& args, Callback done);
  void Drop(const std::string& why);
  void WatchTimeouts();
  // hiredis' event hooks.
  void Want(bool read, bool on);
  void Arm(bool read);

  boost::asio::io_context& io_;
  const Connector& connector_;
  redisAsyncContext* ac_ = nullptr;
  std::unique_ptr<boost::asio::posix::stream_descriptor> socket_;
  bool want_read_ = false, want_write_ = false;
  bool read_armed_ = false, write_armed_ = false;
  unsigned generation_ = 0;  // per connection; stale socket waits see a different one
  std::shared_ptr<int> alive_ = std::make_shared<int>(0);  // guards handlers after destruction
  std::size_t in_flight_ = 0;
  std::chrono::steady_clock::time_point last_progress_{};
  std::chrono::steady_clock::time_point retry_after_{};
  std::string last_error_;
  boost::asio::steady_timer timeout_timer_;
  bool timer_running_ = false;
};

}  // namespace spamphibian::redis
