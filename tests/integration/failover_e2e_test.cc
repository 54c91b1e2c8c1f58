// Redis failover under load, through the real binary: a master, two
// replicas and three sentinels (quorum 2); the event service finds the
// master through the sentinels; hooks are sent all along.
//
//  * A partition: the master is cut off from its sentinels and its replicas
//    (a proxy drops their traffic; they connect from 127.0.0.2) but not from
//    the service. The sentinels promote a replica; when the partition heals
//    the old master is demoted and flushes what it alone had. Before WAIT,
//    every hook it took meanwhile was answered 200 and lost.
//  * A crash: the master is killed; a stop: it is frozen (SIGSTOP) until a
//    replica is promoted, then let go and demoted.
//
// Every hook answered 200 must be in the events stream of the master that
// is left. The figures (accepted, 503s, longest time without a 200) are
// printed. bench/failover runs longer partitions
// (SPAMPHIBIAN_FAILOVER_HOLD_S: seconds the partition lasts after the
// promotion) and shows what is lost without WAIT
// (SPAMPHIBIAN_FAILOVER_MIN_REPLICAS_ACK=0).
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "http_client.h"
#include "redis_server.h"
#include "spamphibian_process.h"

namespace spamphibian {
namespace {

using testing::ReadFile;
using testing::WaitFor;
using Clock = std::chrono::steady_clock;

constexpr const char* kMasterSet = "ha";

redis::Reply Ask(int port, const redis::Args& args) {
  std::unique_ptr<redis::Connection> conn;
  if (!redis::Connection::Open("127.0.0.1", port, std::chrono::milliseconds(300), std::chrono::milliseconds(1000), &conn)
           .ok()) {
    return nullptr;
  }
  return conn->Run(args);
}

std::string Text(int port, const redis::Args& args) {
  redis::Reply r = Ask(port, args);
  return std::string(redis::ReplyText(r.get()));
}

// A master, two replicas and three sentinels; the master's sentinels and
// replicas reach it through a proxy that can cut them off.
class RedisHa {
 public:
  RedisHa() : master_(kServerArgs), proxy_(master_.port(), "127.0.0.2") {
    for (auto& replica : replicas_) {
      replica = std::make_unique<testing::RedisServer>(kServerArgs);
      replica->Stop();
      replica->StartReplicaOf(proxy_.port());
    }
    for (auto& sentinel : sentinels_) {
      sentinel = std::make_unique<testing::RedisSentinel>(
          proxy_.port(), kMasterSet, testing::SentinelSetup{.quorum = 2, .failover_timeout_ms = 2000, .source_address = "127.0.0.2"});
    }
  }

  // Every sentinel knows both replicas (healthy) and the two other sentinels.
  bool Ready() {
    return WaitFor([&] {
      for (const auto& r : replicas_) {
        if (Text(r->port(), {"INFO", "replication"}).find("master_link_status:up") == std::string::npos) return false;
      }
      for (const auto& s : sentinels_) {
        redis::Reply replicas = Ask(s->port(), {"SENTINEL", "replicas", kMasterSet});
        if (!replicas || replicas->type != REDIS_REPLY_ARRAY || replicas->elements != 2) return false;
        for (std::size_t i = 0; i < replicas->elements; ++i) {
          const redisReply* fields = replicas->element[i];
          for (std::size_t k = 0; k + 1 < fields->elements; k += 2) {
            if (redis::ReplyText(fields->element[k]) == "flags" && redis::ReplyText(fields->element[k + 1]) != "slave") {
              return false;
            }
          }
        }
        redis::Reply master = Ask(s->port(), {"SENTINEL", "master", kMasterSet});
        bool others = false;
        for (std::size_t k = 0; master && k + 1 < master->elements; k += 2) {
          others = others || (redis::ReplyText(master->element[k]) == "num-other-sentinels" &&
                              redis::ReplyText(master->element[k + 1]) == "2");
        }
        if (!others) return false;
      }
      return true;
    }, std::chrono::seconds(30));
  }

  // The master's port as the first sentinel names it now.
  int MasterPort() {
    redis::Reply r = Ask(sentinels_[0]->port(), {"SENTINEL", "get-master-addr-by-name", kMasterSet});
    if (!r || r->type != REDIS_REPLY_ARRAY || r->elements != 2) return 0;
    return std::atoi(std::string(redis::ReplyText(r->element[1])).c_str());
  }

  std::map<std::string, std::string> ServiceEnv() const {
    std::string hosts;
    for (const auto& s : sentinels_) hosts += (hosts.empty() ? "" : ",") + std::string("127.0.0.1:") + std::to_string(s->port());
    std::map<std::string, std::string> env = {
        {"REDIS_SENTINEL_ENABLED", "true"}, {"REDIS_SENTINEL_HOSTS", hosts}, {"REDIS_MASTER_SET", kMasterSet}};
    if (const char* acks = std::getenv("SPAMPHIBIAN_FAILOVER_MIN_REPLICAS_ACK")) env["REDIS_MIN_REPLICAS_ACK"] = acks;
    return env;
  }

  testing::RedisServer& master() { return master_; }
  testing::PartitionProxy& proxy() { return proxy_; }

 private:
  // protected-mode off: the sentinels reach the replicas from 127.0.0.2.
  inline static const std::vector<std::string> kServerArgs = {
      "--protected-mode", "no", "--bind-source-addr", "127.0.0.2", "--replica-announce-ip", "127.0.0.1"};
  testing::RedisServer master_;
  testing::PartitionProxy proxy_;
  std::array<std::unique_ptr<testing::RedisServer>, 2> replicas_;
  std::array<std::unique_ptr<testing::RedisSentinel>, 3> sentinels_;
};

// Hooks from four senders, each with its own delivery id, about 100 a
// second in all; what each got back.
class Senders {
 public:
  explicit Senders(testing::SpamphibianProcess& service) : service_(service) {
    for (int t = 0; t < 4; ++t) {
      threads_.emplace_back([this, t] {
        for (int i = 0; !stop_; ++i) {
          const std::string uuid = "failover-" + std::to_string(t) + "-" + std::to_string(i);
          const long status = service_.Post(body_, {{"X-Gitlab-Event-UUID", uuid}}).status;
          std::lock_guard lock(mu_);
          if (status == 200) {
            acknowledged_.insert(uuid);
            const auto now = Clock::now();
            if (last_ok_ != Clock::time_point{}) longest_gap_ = std::max(longest_gap_, now - last_ok_);
            last_ok_ = now;
          } else {
            ++refused_;
          }
          std::this_thread::sleep_for(std::chrono::milliseconds(40));
        }
      });
    }
  }
  ~Senders() { Stop(); }  // a test that ends early still joins them
  void Stop() {
    stop_ = true;
    for (auto& t : threads_) {
      if (t.joinable()) t.join();
    }
  }
  const std::set<std::string>& acknowledged() const { return acknowledged_; }
  int refused() const { return refused_; }
  double longest_gap_s() const { return std::chrono::duration<double>(longest_gap_).count(); }

 private:
  testing::SpamphibianProcess& service_;
  const std::string body_ = ReadFile(SPAMPHIBIAN_SAMPLES_DIR "/user_create.json");
  std::atomic<bool> stop_{false};
  std::vector<std::thread> threads_;
  std::mutex mu_;
  std::set<std::string> acknowledged_;
  int refused_ = 0;
  Clock::time_point last_ok_{};
  Clock::duration longest_gap_{};
};

class FailoverE2E : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(ha_.Ready()) << "the sentinels never saw both replicas and each other";
    first_master_ = ha_.MasterPort();
    ASSERT_EQ(first_master_, ha_.proxy().port());
    service_ = std::make_unique<testing::SpamphibianProcess>(
        ha_.master(), dir_.path(), ha_.ServiceEnv(), std::vector<std::string>{"serve", "--stages", "events"});
    ASSERT_TRUE(service_->WaitReady()) << service_->log();
  }

  // Waits until the sentinels name a new master, then for `after`.
  void AwaitPromotion(std::chrono::seconds after) {
    ASSERT_TRUE(WaitFor([&] { const int p = ha_.MasterPort(); return p != 0 && p != first_master_; },
                        std::chrono::seconds(30)))
        << "no failover";
    std::this_thread::sleep_for(after);
  }

  // The old master rejoins as a replica of the new one and flushes what it
  // alone had (the sentinels reconfigure it some seconds after it is back).
  void AwaitDemotion() {
    ASSERT_TRUE(WaitFor([&] {
      redis::Reply role = Ask(first_master_, {"ROLE"});
      return role && role->type == REDIS_REPLY_ARRAY && redis::ReplyText(role->element[0]) == "slave";
    }, std::chrono::seconds(40)))
        << "the old master was never demoted";
  }

  // Every acknowledged hook is in the stream of the master left standing.
  void ExpectNothingLost(const Senders& senders, const char* what) {
    const int master = ha_.MasterPort();
    std::set<std::string> stored;
    redis::Reply r = Ask(master, {"XRANGE", "spamphibian:events", "-", "+"});
    ASSERT_TRUE(r && r->type == REDIS_REPLY_ARRAY);
    for (std::size_t i = 0; i < r->elements; ++i) {
      const redisReply* f = r->element[i]->element[1];
      for (std::size_t k = 0; k + 1 < f->elements; k += 2) {
        if (redis::ReplyText(f->element[k]) == "delivery_id") stored.emplace(redis::ReplyText(f->element[k + 1]));
      }
    }
    int lost = 0;
    for (const auto& id : senders.acknowledged()) lost += stored.count(id) == 0;
    std::printf("%s: %zu hooks acknowledged, %d answered 503, %d acknowledged and lost, longest time without a 200 %.1f s\n",
                what, senders.acknowledged().size(), senders.refused(), lost, senders.longest_gap_s());
    EXPECT_GT(senders.acknowledged().size(), 50u) << "hooks before and after the failover";
    EXPECT_EQ(lost, 0) << "acknowledged hooks missing on the new master";
    // Hooks sent all through a failover: some were stored again elsewhere.
    EXPECT_GT(Metric("spamphibian_events_store_retries_total"), 0) << "no hook was ever tried again";
  }

  // A counter without labels as /metrics shows it; -1 when absent.
  double Metric(const std::string& name) {
    const std::string metrics = testing::HttpGet(service_->Url("/metrics")).body;
    const std::size_t at = metrics.find("\n" + name + " ");
    return at == std::string::npos ? -1 : std::atof(metrics.c_str() + at + name.size() + 2);
  }

  RedisHa ha_;
  int first_master_ = 0;
  testing::TempDir dir_;
  std::unique_ptr<testing::SpamphibianProcess> service_;
};

TEST_F(FailoverE2E, APartitionedMasterLosesNoAcknowledgedHook) {
  Senders senders(*service_);
  std::this_thread::sleep_for(std::chrono::seconds(2));
  ha_.proxy().Cut();
  const char* hold = std::getenv("SPAMPHIBIAN_FAILOVER_HOLD_S");
  ASSERT_NO_FATAL_FAILURE(AwaitPromotion(std::chrono::seconds(hold != nullptr ? std::atoi(hold) : 2)));
  ha_.proxy().Heal();
  ASSERT_NO_FATAL_FAILURE(AwaitDemotion());
  std::this_thread::sleep_for(std::chrono::seconds(1));
  senders.Stop();
  ExpectNothingLost(senders, "partition");
  EXPECT_GT(Metric("spamphibian_redis_replica_ack_shortfalls_total"), 0)
      << "the cut-off master's writes were never replicated: WAIT must have come back short";
}

TEST_F(FailoverE2E, AStoppedMasterLosesNoAcknowledgedHook) {
  // SIGSTOP: the master answers no one (connections stay open) until the
  // sentinels have promoted a replica; let go, it is demoted and flushes.
  Senders senders(*service_);
  std::this_thread::sleep_for(std::chrono::seconds(2));
  ha_.master().Freeze();
  ASSERT_NO_FATAL_FAILURE(AwaitPromotion(std::chrono::seconds(2)));
  ha_.master().Thaw();
  ASSERT_NO_FATAL_FAILURE(AwaitDemotion());
  senders.Stop();
  ExpectNothingLost(senders, "stop");
}

TEST_F(FailoverE2E, AKilledMasterLosesNoAcknowledgedHook) {
  Senders senders(*service_);
  std::this_thread::sleep_for(std::chrono::seconds(2));
  ha_.master().Kill();
  ASSERT_NO_FATAL_FAILURE(AwaitPromotion(std::chrono::seconds(3)));
  senders.Stop();
  ExpectNothingLost(senders, "kill");
}

}  // namespace
}  // namespace spamphibian
