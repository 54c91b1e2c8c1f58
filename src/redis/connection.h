// Connection: one blocking hiredis connection, owned (RAII).
//
// Not thread-safe: one thread uses a Connection at a time. After an I/O
// error the connection is broken for good (hiredis' rule); the owner throws
// it away and opens a new one (see redis::Client, which does that).
#pragma once

#include <hiredis/hiredis.h>

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace spamphibian::redis {

struct ReplyDeleter {
  void operator()(redisReply* r) const { freeReplyObject(r); }
};
// A reply; null after an I/O error.
using Reply = std::unique_ptr<redisReply, ReplyDeleter>;

// The arguments of one command, e.g. {"XADD", "stream", "*", "k", "v"}.
using Args = std::vector<std::string>;

// The text of a string, status or error reply ("" for other types).
std::string_view ReplyText(const redisReply* r);
bool IsError(const redisReply* r);
// Error replies after which a connection must not be used again: the
// server became a replica (failover), is still loading its data set, or
// refuses writes for want of replicas (min-replicas-to-write: it may be the
// cut-off side of a partition). The next connection asks the sentinels.
bool MeansReconnect(std::string_view error);

class Connection {
 public:
  // Connects to host:port within `connect_timeout`; every later command
  // fails after `command_timeout`.
  static Status Open(const std::string& host, int port, std::chrono::milliseconds connect_timeout,
                     std::chrono::milliseconds command_timeout, std::unique_ptr<Connection>* out);
  // The same through the Unix socket at `path` (a Redis on this host):
  // host() is the path and port() 0.
  static Status OpenUnix(const std::string& path, std::chrono::milliseconds connect_timeout,
                         std::chrono::milliseconds command_timeout, std::unique_ptr<Connection>* out);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Sends a command and waits for its reply. A null reply means the
  // connection broke (see broken()/error()).
  Reply Run(const Args& args);
  // Pipelining: Append() any number of commands, then Read() once per command.
  void Append(const Args& args);
  Reply Read();

  // Runs a command and maps an I/O failure or an error reply to a Status.
  Status Check(const Args& args, Reply* reply = nullptr);

  bool broken() const { return ctx_->err != 0; }
  std::string error() const { return ctx_->errstr; }
  const std::string& host() const { return host_; }
  int port() const { return port_; }

 private:
  Connection(redisContext* ctx, std::string host, int port) : ctx_(ctx), host_(std::move(host)), port_(port) {}

  redisContext* ctx_;
  std::string host_;
  int port_;
};

}  // namespace spamphibian::redis
