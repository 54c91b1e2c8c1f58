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
  // that a stop and restart keeps everything it acknowledged. `extra`
  // arguments go to every start (e.g. {"--bind-source-addr", "127.0.0.2"}).
  explicit RedisServer(std::vector<std::string> extra = {});
  ~RedisServer();

  int port() const { return port_; }
  // It also listens on this Unix socket (RedisOptions::socket).
  std::string socket() const { return dir_.path() + "/redis.sock"; }
  const std::string& dir() const { return dir_.path(); }
  // Stops (SIGTERM: Redis flushes and exits) and starts again on the same
  // port and data.
  void Stop();
  void Start();
  // Starts as a replica of `master_port`.
  void StartReplicaOf(int master_port);
  // Kills it (SIGKILL: no flush, as a crash).
  void Kill();
  // Freezes it (SIGSTOP: connections stay open, nothing answers) and lets
  // it go on (SIGCONT).
  void Freeze();
  void Thaw();

  // Options for spamphibian's own Redis layer pointing here.
  RedisOptions Options() const;
  // A client for assertions. Owns its connector.
  class TestClient;
  std::unique_ptr<TestClient> Client() const;

 private:
  void Launch(const std::vector<std::string>& extra);

  TempDir dir_;
  int port_;
  std::vector<std::string> extra_;
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

struct SentinelSetup {
  int quorum = 1;
  int failover_timeout_ms = 5000;
  // Where its connections come from ("": the kernel's choice); it announces
  // 127.0.0.1 to the others whatever this is.
  std::string source_address;
};

class RedisSentinel {
 public:
  // A sentinel watching the master at 127.0.0.1:master_port as `name`, with
  // short timeouts so failovers are quick.
  RedisSentinel(int master_port, const std::string& name, const SentinelSetup& setup = {});
  int port() const { return port_; }

 private:
  TempDir dir_;
  int port_;
  std::unique_ptr<ChildProcess> process_;
};

// A TCP proxy on loopback that can cut some of its clients off
// (testing/partition_proxy.py): a network partition for failover tests.
class PartitionProxy {
 public:
  // Forwards a free port to 127.0.0.1:target_port; connections from
  // `cut_source` are the ones Cut() cuts.
  PartitionProxy(int target_port, const std::string& cut_source);
  int port() const { return port_; }
  void Cut();   // their traffic dropped both ways, as into a black hole
  void Heal();  // their held connections closed, new ones forwarded again

 private:
  TempDir dir_;
  int port_;
  std::unique_ptr<ChildProcess> process_;
};

}  // namespace spamphibian::testing
