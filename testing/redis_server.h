// RedisServer / RedisSentinel: real redis-server and redis-sentinel
// processes on free loopback ports, for integration tests. No fakes of
// Redis anywhere in the tests.
#pragma once

#include <memory>
#include <string>

#include "child_process.h"
#include "config/config.h"
#include "redis/client.h"

namespace spamphibian::testing {

class RedisServer {
 public:
  // Starts redis-server with an append-only file fsynced on every write, so
  // that a stop and restart keeps everything it acknowledged.
  RedisServer();
  ~RedisServer();

  int port() const { return port_; }
  const std::string& dir() const { return dir_.path(); }
  // Stops (SIGTERM: Redis flushes and exits) and starts again on the same
  // port and data.
  void Stop();
  void Start();
  // Starts as a replica of `master_port`.
  void StartReplicaOf(int master_port);

  // Options for spamphibian's own Redis layer pointing here.
  RedisOptions Options() const;
  // A client for assertions. Owns its connector.
  class TestClient;
  std::unique_ptr<TestClient> Client() const;

 private:
  void Launch(const std::vector<std::string>& extra);

  TempDir dir_;
  int port_;
  std::unique_ptr<ChildProcess> process_;
};

class RedisServer::TestClient {
 public:
  explicit TestClient(RedisOptions options) : connector_(std::move(options)), client_(connector_) {}
  // Runs a command; fails the test on error. Returns the reply.
  redis::Reply Run(const redis::Args& args);
  long long Integer(const redis::Args& args);
  // The values of `field` in every entry of the stream `key`, oldest first.
  std::vector<std::string> StreamField(const std::string& key, const std::string& field);
  redis::Client& raw() { return client_; }

 private:
  redis::Connector connector_;
  redis::Client client_;
};

class RedisSentinel {
 public:
  // A sentinel watching the master at 127.0.0.1:master_port as `name`,
  // quorum 1, with short timeouts so failovers are quick.
  RedisSentinel(int master_port, const std::string& name);
  int port() const { return port_; }

 private:
  TempDir dir_;
  int port_;
  std::unique_ptr<ChildProcess> process_;
};

}  // namespace spamphibian::testing
