// Client and AsyncPipeline against a real redis-server.
#include "redis/client.h"

#include <gtest/gtest.h>


#include <boost/asio/io_context.hpp>

#include <optional>

#include "redis/async_client.h"
#include "redis_server.h"

namespace spamphibian::redis {
namespace {

TEST(Client, RunsCommandsAndPipelines) {
  testing::RedisServer server;
  Connector connector(server.Options());
  Client client(connector);
  ASSERT_TRUE(client.Run({"SET", "k", "v"}).ok());
  Reply r;
  ASSERT_TRUE(client.Run({"GET", "k"}, &r).ok());
  EXPECT_EQ(ReplyText(r.get()), "v");

  std::vector<Reply> replies;
  ASSERT_TRUE(client.RunPipeline({{"INCR", "n"}, {"INCR", "n"}, {"LPUSH", "k", "x"}}, &replies).ok());
  ASSERT_EQ(replies.size(), 3u);
  EXPECT_EQ(replies[1]->integer, 2);
  EXPECT_TRUE(IsError(replies[2].get()));  // WRONGTYPE, reported per command
}

TEST(Client, WaitForReplicasHoldsTheAcknowledgementUntilAReplicaHasTheWrite) {
  testing::RedisServer master;
  RedisOptions options = master.Options();
  options.min_replicas_ack = 1;
  options.replica_ack_timeout = std::chrono::milliseconds(100);
  Connector connector(options);
  Client client(connector);
  ASSERT_TRUE(client.Run({"SET", "k", "v"}).ok());
  // No replica: the write is on the master alone, which is not enough.
  Status s = client.WaitForReplicas();
  EXPECT_EQ(s.code(), Status::Code::kUnavailable) << s.ToString();
  EXPECT_NE(s.message().find("0 of 1 replicas"), std::string::npos) << s.message();

  testing::RedisServer replica;
  replica.Stop();
  replica.StartReplicaOf(master.port());
  ASSERT_TRUE(testing::WaitFor([&] {
    return client.Run({"SET", "k", "w"}).ok() && client.WaitForReplicas().ok();
  }, std::chrono::seconds(20)));
  Connector replica_connector(replica.Options());
  Client direct(replica_connector);
  Reply r;
  ASSERT_TRUE(direct.Run({"GET", "k"}, &r).ok());
  EXPECT_EQ(ReplyText(r.get()), "w") << "acknowledged: the replica has it";

  // None required (a lone Redis): no WAIT at all.
  Connector lone(master.Options());
  Client plain(lone);
  EXPECT_TRUE(plain.WaitForReplicas().ok());
}

TEST(Client, ErrorReplyIsInternal) {
  testing::RedisServer server;
  Connector connector(server.Options());
  Client client(connector);
  Status s = client.Run({"NOSUCHCOMMAND"});
  EXPECT_EQ(s.code(), Status::Code::kInternal);
}

TEST(Client, UnavailableWhileRedisIsDownAndRecoversAfter) {
  testing::RedisServer server;
  Connector connector(server.Options());
  Client client(connector);
  ASSERT_TRUE(client.Run({"PING"}).ok());
  server.Stop();
  EXPECT_TRUE(client.Run({"PING"}).IsUnavailable());
  EXPECT_TRUE(client.Run({"PING"}).IsUnavailable());
  server.Start();
  EXPECT_TRUE(testing::WaitFor([&] { return client.Run({"PING"}).ok(); }));
}

TEST(Client, TheFirstCommandAfterARestartDoesNotFailOnTheStaleConnection) {
  testing::RedisServer server;
  Connector connector(server.Options());
  Client client(connector);
  std::vector<Reply> replies;
  ASSERT_TRUE(client.Run({"PING"}).ok());
  Client pipelined(connector);
  ASSERT_TRUE(pipelined.RunPipeline({{"PING"}, {"PING"}}, &replies).ok());
  server.Stop();
  server.Start();  // both clients' connections are now stale
  EXPECT_TRUE(client.Run({"PING"}).ok());
  EXPECT_TRUE(pipelined.RunPipeline({{"PING"}, {"PING"}}, &replies).ok());
  EXPECT_EQ(replies.size(), 2u);
}

TEST(Client, EvalReloadsScriptAfterRestart) {
  testing::RedisServer server;
  Connector connector(server.Options());
  Client client(connector);
  Script script("return redis.call('INCR', KEYS[1])");
  Reply r;
  ASSERT_TRUE(client.Eval(script, {"c"}, {}, &r).ok());
  EXPECT_EQ(r->integer, 1);
  ASSERT_TRUE(client.Run({"SCRIPT", "FLUSH"}).ok());  // as after a restart
  ASSERT_TRUE(client.Eval(script, {"c"}, {}, &r).ok());
  EXPECT_EQ(r->integer, 2);
}

TEST(Connector, PasswordAndDatabase) {
  testing::RedisServer server;
  auto admin = server.Client();
  admin->Run({"CONFIG", "SET", "requirepass", "pw"});
  RedisOptions options = server.Options();
  options.password = Secret("pw");
  options.db = 3;
  Connector connector(options);
  Client client(connector);
  ASSERT_TRUE(client.Run({"SET", "in-db-3", "1"}).ok());
  Reply r;
  ASSERT_TRUE(client.Run({"CLIENT", "INFO"}, &r).ok());
  EXPECT_NE(std::string(ReplyText(r.get())).find("db=3"), std::string::npos);

  options.password = Secret("wrong");
  Connector bad(options);
  Client denied(bad);
  Status s = denied.Run({"PING"});
  EXPECT_TRUE(s.IsUnavailable());
  EXPECT_EQ(s.message().find("wrong"), std::string::npos) << "the password must not be echoed";
}

// A Redis on this host through its Unix socket: host and port are not used.
TEST(Connector, TheUnixSocketOfARedisOnThisHostIsUsedInsteadOfHostAndPort) {
  testing::RedisServer server;
  RedisOptions options = server.Options();
  options.socket = server.socket();
  options.host = "no-such-host.invalid";
  Connector connector(options);
  Client client(connector);
  ASSERT_TRUE(client.Run({"SET", "over-unix", "1"}).ok());
  EXPECT_EQ(server.Client()->Integer({"EXISTS", "over-unix"}), 1);
  Reply r;
  ASSERT_TRUE(client.Run({"CLIENT", "INFO"}, &r).ok());
  EXPECT_NE(std::string(ReplyText(r.get())).find(server.socket()), std::string::npos) << ReplyText(r.get());

  options.socket = server.dir() + "/nothing-here.sock";
  Connector missing(options);
  Client none(missing);
  const Status s = none.Run({"PING"});
  EXPECT_TRUE(s.IsUnavailable());
  EXPECT_NE(s.message().find("nothing-here.sock"), std::string::npos) << s.message();
}

// AsyncClient is driven by an io_context run on the test's thread.
class AsyncClientTest : public ::testing::Test {
 protected:
  // Runs the io_context until `done` is true (or 10 s pass).
  template <typename F>
  bool Drive(F done) {
    return testing::WaitFor([&] {
      io_.restart();
      io_.run_for(std::chrono::milliseconds(10));
      return done();
    });
  }
  Status Call(AsyncClient& client, const Args& args, long long* integer = nullptr) {
    std::optional<Status> result;
    client.Run(args, [&](Status s, const redisReply* r) {
      if (integer != nullptr && r != nullptr) *integer = r->integer;
      result = s;
    });
    EXPECT_TRUE(Drive([&] { return result.has_value(); }));
    return result.value_or(Status::Internal("no answer"));
  }

  testing::RedisServer server_;
  Connector connector_{server_.Options()};
  boost::asio::io_context io_;
};

TEST_F(AsyncClientTest, AnswersEveryCallInOrder) {
  AsyncClient client(io_, connector_);
  constexpr std::size_t kCalls = 500;
  std::vector<long long> seen;
  for (std::size_t i = 0; i < kCalls; ++i) {
    client.Run({"INCR", "counter"}, [&](Status s, const redisReply* r) { seen.push_back(s.ok() ? r->integer : -1); });
  }
  ASSERT_TRUE(Drive([&] { return seen.size() == kCalls; }));
  for (std::size_t i = 0; i < kCalls; ++i) EXPECT_EQ(seen[i], static_cast<long long>(i + 1));
}

TEST_F(AsyncClientTest, ThroughTheUnixSocket) {
  RedisOptions options = server_.Options();
  options.socket = server_.socket();
  options.host = "no-such-host.invalid";
  Connector connector(options);
  AsyncClient client(io_, connector);
  long long n = 0;
  ASSERT_TRUE(Call(client, {"INCR", "over-unix"}, &n).ok());
  EXPECT_EQ(n, 1);
}

TEST_F(AsyncClientTest, ErrorReplyIsInternal) {
  AsyncClient client(io_, connector_);
  EXPECT_EQ(Call(client, {"NOSUCHCOMMAND"}).code(), Status::Code::kInternal);
  EXPECT_TRUE(Call(client, {"PING"}).ok());
}

TEST_F(AsyncClientTest, FailsFastWhileDownAndRecovers) {
  AsyncClient client(io_, connector_);
  EXPECT_TRUE(Call(client, {"PING"}).ok());
  server_.Stop();
  EXPECT_TRUE(Call(client, {"PING"}).IsUnavailable());
  EXPECT_TRUE(Call(client, {"PING"}).IsUnavailable());
  server_.Start();
  EXPECT_TRUE(Drive([&] { return Call(client, {"PING"}).ok(); }));
}

TEST_F(AsyncClientTest, TimesOutWhenRedisDoesNotAnswer) {
  RedisOptions options = server_.Options();
  options.command_timeout = std::chrono::milliseconds(300);
  Connector connector(options);
  AsyncClient client(io_, connector);
  EXPECT_TRUE(Call(client, {"PING"}).ok());
  auto admin = server_.Client();
  admin->Run({"CLIENT", "PAUSE", "2000", "ALL"});
  const auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(Call(client, {"PING"}).IsUnavailable());
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(1500));
}

TEST_F(AsyncClientTest, EvalLoadsTheScriptAndReloadsAfterAFlush) {
  AsyncClient client(io_, connector_);
  Script script("return redis.call('INCR', KEYS[1])");
  auto eval = [&] {
    std::optional<long long> value;
    client.Eval(script, {"c"}, {}, [&](Status s, const redisReply* r) { value = s.ok() ? r->integer : -1; });
    EXPECT_TRUE(Drive([&] { return value.has_value(); }));
    return value.value_or(-2);
  };
  EXPECT_EQ(eval(), 1);
  EXPECT_TRUE(Call(client, {"SCRIPT", "FLUSH"}).ok());  // as after a restart
  EXPECT_EQ(eval(), 2);
}

TEST_F(AsyncClientTest, PasswordAndDatabase) {
  auto admin = server_.Client();
  admin->Run({"CONFIG", "SET", "requirepass", "pw"});
  RedisOptions options = server_.Options();
  options.password = Secret("pw");
  options.db = 5;
  Connector connector(options);
  AsyncClient client(io_, connector);
  EXPECT_TRUE(Call(client, {"SET", "in-db-5", "v"}).ok());
  Client sync(connector);  // same password and database, other client kind
  Reply r;
  ASSERT_TRUE(sync.Run({"GET", "in-db-5"}, &r).ok());
  EXPECT_EQ(ReplyText(r.get()), "v");
  ASSERT_TRUE(sync.Run({"SELECT", "0"}).ok());
  ASSERT_TRUE(sync.Run({"EXISTS", "in-db-5"}, &r).ok());
  EXPECT_EQ(r->integer, 0) << "written to database 5, not 0";
  options.password = Secret("nope");
  Connector bad(options);
  AsyncClient denied(io_, bad);
  EXPECT_FALSE(Call(denied, {"PING"}).ok());
}

}  // namespace
}  // namespace spamphibian::redis
