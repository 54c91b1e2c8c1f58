// Sentinel discovery and failover with real redis-server and redis-sentinel.
#include "redis/connector.h"

#include <gtest/gtest.h>

#include <thread>

#include "redis/client.h"
#include "redis_server.h"

namespace spamphibian::redis {
namespace {

// Redis drops its clients when its role changes; ask again on a new
// connection instead of failing.
Reply Ask(Client& client, const Args& args) {
  Reply r;
  for (int attempt = 0; attempt < 20; ++attempt) {
    if (client.Run(args, &r).ok()) return r;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return Reply();
}

long long Count(Client& client, const Args& args) {
  Reply r = Ask(client, args);
  return r && r->type == REDIS_REPLY_INTEGER ? r->integer : -1;
}

TEST(Connector, FindsTheMasterThroughSentinelAndFollowsAFailover) {
  testing::RedisServer master;
  testing::RedisServer replica;
  replica.Stop();
  replica.StartReplicaOf(master.port());
  testing::RedisSentinel sentinel(master.port(), "spam-master");

  RedisOptions options;
  options.sentinel_enabled = true;
  options.sentinel_hosts = {{"127.0.0.1", sentinel.port()}};
  options.master_set = "spam-master";
  options.reconnect_backoff = std::chrono::milliseconds(20);
  Connector connector(options);

  HostPort found;
  ASSERT_TRUE(connector.DiscoverMaster(&found).ok());
  EXPECT_EQ(found.port, master.port());
  Client client(connector);
  ASSERT_TRUE(client.Run({"SET", "before", "1"}).ok());

  // The replica must have synced, and the sentinel must know it, before it
  // can be promoted without losing writes.
  Connector replica_connector(replica.Options());
  Client replica_direct(replica_connector);
  ASSERT_TRUE(testing::WaitFor(
      [&] {
        Reply r = Ask(replica_direct, {"INFO", "replication"});
        return std::string(ReplyText(r.get())).find("master_link_status:up") != std::string::npos &&
               Count(replica_direct, {"EXISTS", "before"}) == 1;
      },
      std::chrono::seconds(20)));
  RedisOptions sentinel_options;
  sentinel_options.host = "127.0.0.1";
  sentinel_options.port = sentinel.port();
  Connector sentinel_connector(sentinel_options);
  Client admin(sentinel_connector);
  ASSERT_TRUE(testing::WaitFor(
      [&] {
        Reply r;
        return admin.Run({"SENTINEL", "replicas", "spam-master"}, &r).ok() && r->elements > 0;
      },
      std::chrono::seconds(20)));
  // Until the replica has synced, the sentinel answers NOGOODSLAVE.
  ASSERT_TRUE(testing::WaitFor([&] { return admin.Run({"SENTINEL", "FAILOVER", "spam-master"}).ok(); },
                               std::chrono::seconds(20)));

  // Once the old master is demoted, the client's next write there gets
  // READONLY; the client drops that connection and finds the new master.
  ASSERT_TRUE(testing::WaitFor(
      [&] { return connector.DiscoverMaster(&found).ok() && found.port == replica.port(); },
      std::chrono::seconds(30)));
  Connector old_master_connector(master.Options());
  Client old_master(old_master_connector);
  ASSERT_TRUE(testing::WaitFor(
      [&] {
        Reply r = Ask(old_master, {"ROLE"});
        return r && r->type == REDIS_REPLY_ARRAY && ReplyText(r->element[0]) == "slave";
      },
      std::chrono::seconds(30)));
  ASSERT_TRUE(testing::WaitFor([&] { return client.Run({"SET", "after", "1"}).ok(); }, std::chrono::seconds(30)));
  Reply r;
  ASSERT_TRUE(client.Run({"ROLE"}, &r).ok());
  EXPECT_EQ(ReplyText(r->element[0]), "master");
  EXPECT_EQ(Count(replica_direct, {"EXISTS", "before", "after"}), 2);
}

TEST(Connector, UnavailableWhenNoSentinelAnswers) {
  RedisOptions options;
  options.sentinel_enabled = true;
  options.sentinel_hosts = {{"127.0.0.1", testing::FreePort()}};
  Connector connector(options);
  std::unique_ptr<Connection> conn;
  EXPECT_TRUE(connector.Connect(&conn).IsUnavailable());
}

}  // namespace
}  // namespace spamphibian::redis
