// Connector: opens ready-to-use connections to the Redis master.
//
// Direct mode: REDIS_HOST:REDIS_PORT, or the Unix socket REDIS_SOCKET (a
// Redis on this host: no TCP stack on each round trip). Sentinel mode: asks each sentinel in
// turn for the master of REDIS_MASTER_SET, connects there and checks with
// ROLE that it really is the master (right after a failover a sentinel may
// still name the old one). Every connection is authenticated (AUTH) and has
// its database selected (SELECT) before it is handed out.
//
// Thread-safe: Connect() may be called from any thread; it keeps no state.
#pragma once

#include <memory>

#include "config/config.h"
#include "redis/connection.h"

namespace spamphibian::redis {

class Connector {
 public:
  explicit Connector(RedisOptions options) : options_(std::move(options)) {}

  Status Connect(std::unique_ptr<Connection>* out) const;

  // The master's address as the sentinels see it now (sentinel mode only).
  Status DiscoverMaster(HostPort* master) const;

  const RedisOptions& options() const { return options_; }

 private:
  Status Prepare(Connection& conn) const;

  RedisOptions options_;
};

}  // namespace spamphibian::redis
