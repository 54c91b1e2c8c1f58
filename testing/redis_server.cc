#include "redis_server.h"

#include <gtest/gtest.h>
#include <signal.h>

#include <fstream>

namespace spamphibian::testing {
namespace {

bool Pings(int port) {
  std::unique_ptr<redis::Connection> conn;
  if (!redis::Connection::Open("127.0.0.1", port, std::chrono::milliseconds(200), std::chrono::milliseconds(500), &conn)
           .ok()) {
    return false;
  }
  redis::Reply r = conn->Run({"PING"});
  return r && redis::ReplyText(r.get()) == "PONG";
}

}  // namespace

RedisServer::RedisServer(std::vector<std::string> extra) : port_(FreePort()), extra_(std::move(extra)) { Start(); }

RedisServer::~RedisServer() = default;

void RedisServer::Launch(const std::vector<std::string>& extra) {
  std::vector<std::string> argv = {"redis-server", "--port", std::to_string(port_), "--bind", "127.0.0.1",
                                   "--dir", dir_.path(), "--save", "", "--appendonly", "yes",
                                   "--appendfsync", "always", "--daemonize", "no", "--loglevel", "warning",
                                   "--unixsocket", socket(), "--unixsocketperm", "700"};
  argv.insert(argv.end(), extra_.begin(), extra_.end());
  argv.insert(argv.end(), extra.begin(), extra.end());
  process_ = std::make_unique<ChildProcess>(argv, std::map<std::string, std::string>{}, dir_.path() + "/redis.log");
  if (!WaitFor([this] { return Pings(port_); })) {
    ADD_FAILURE() << "redis-server did not start on port " << port_ << ": " << ReadFile(dir_.path() + "/redis.log");
  }
}

void RedisServer::Start() { Launch({}); }

void RedisServer::StartReplicaOf(int master_port) { Launch({"--replicaof", "127.0.0.1", std::to_string(master_port)}); }

void RedisServer::Stop() {
  if (!process_) return;
  process_->Signal(SIGTERM);
  EXPECT_EQ(process_->Wait(std::chrono::seconds(10)), 0);
  process_.reset();
}

void RedisServer::Kill() {
  if (!process_) return;
  process_->Signal(SIGKILL);
  process_->Wait(std::chrono::seconds(10));
  process_.reset();
}

void RedisServer::Freeze() {
  if (process_) process_->Signal(SIGSTOP);
}

void RedisServer::Thaw() {
  if (process_) process_->Signal(SIGCONT);
}

RedisOptions RedisServer::Options() const {
  RedisOptions o;
  o.host = "127.0.0.1";
  o.port = port_;
  o.reconnect_backoff = std::chrono::milliseconds(20);
  return o;
}

std::unique_ptr<RedisServer::TestClient> RedisServer::Client() const { return std::make_unique<TestClient>(Options()); }

redis::Reply RedisServer::TestClient::Run(const redis::Args& args) {
  redis::Reply r;
  Status s = client_.Run(args, &r);
  EXPECT_TRUE(s.ok()) << args[0] << ": " << s.ToString();
  return r;
}

long long RedisServer::TestClient::Integer(const redis::Args& args) {
  redis::Reply r = Run(args);
  return r && r->type == REDIS_REPLY_INTEGER ? r->integer : -1;
}

std::vector<std::string> RedisServer::TestClient::StreamField(const std::string& key, const std::string& field) {
  std::vector<std::string> out;
  redis::Reply r = Run({"XRANGE", key, "-", "+"});
  for (std::size_t i = 0; r && i < r->elements; ++i) {
    const redisReply* f = r->element[i]->element[1];
    for (std::size_t k = 0; k + 1 < f->elements; k += 2) {
      if (redis::ReplyText(f->element[k]) == field) out.emplace_back(redis::ReplyText(f->element[k + 1]));
    }
  }
  return out;
}

RedisSentinel::RedisSentinel(int master_port, const std::string& name, const SentinelSetup& setup)
    : port_(FreePort()) {
  const std::string conf = dir_.path() + "/sentinel.conf";
  std::ofstream out(conf);
  out << "port " << port_ << "\n"
      << "bind 127.0.0.1\n"
      << "protected-mode no\n"
      << "dir " << dir_.path() << "\n";
  if (!setup.source_address.empty()) {
    out << "bind-source-addr " << setup.source_address << "\n"
        << "sentinel announce-ip 127.0.0.1\n";
  }
  out << "sentinel monitor " << name << " 127.0.0.1 " << master_port << " " << setup.quorum << "\n"
      << "sentinel down-after-milliseconds " << name << " 1000\n"
      << "sentinel failover-timeout " << name << " " << setup.failover_timeout_ms << "\n";
  out.close();
  process_ = std::make_unique<ChildProcess>(std::vector<std::string>{"redis-sentinel", conf},
                                            std::map<std::string, std::string>{}, dir_.path() + "/sentinel.log");
  if (!WaitFor([this] { return Pings(port_); })) {
    ADD_FAILURE() << "redis-sentinel did not start: " << ReadFile(dir_.path() + "/sentinel.log");
  }
}

PartitionProxy::PartitionProxy(int target_port, const std::string& cut_source) : port_(FreePort()) {
  const std::string log = dir_.path() + "/proxy.log";
  process_ = std::make_unique<ChildProcess>(
      std::vector<std::string>{"python3", std::string(SPAMPHIBIAN_SOURCE_DIR) + "/testing/partition_proxy.py",
                               std::to_string(port_), std::to_string(target_port), cut_source},
      std::map<std::string, std::string>{}, log);
  if (!WaitFor([&] { return ReadFile(log).find("ready") != std::string::npos; })) {
    ADD_FAILURE() << "the partition proxy did not start: " << ReadFile(log);
  }
}

void PartitionProxy::Cut() { process_->Signal(SIGUSR1); }
void PartitionProxy::Heal() { process_->Signal(SIGUSR2); }

}  // namespace spamphibian::testing
