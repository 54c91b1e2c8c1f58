// Client and AsyncPipeline against a real redis-server.
#include "redis/client.h"

#include <gtest/gtest.h>

#include <future>

#include "redis/async_pipeline.h"
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

TEST(AsyncPipeline, AnswersEveryCallerAndBatches) {
  testing::RedisServer server;
  Connector connector(server.Options());
  AsyncPipeline pipeline(connector);
  constexpr int kCalls = 500;
  std::vector<std::promise<long long>> results(kCalls);
  for (int i = 0; i < kCalls; ++i) {
    pipeline.Submit({"INCR", "counter"}, [&results, i](Status s, Reply r) {
      results[i].set_value(s.ok() ? r->integer : -1);
    });
  }
  long long max = 0;
  for (auto& p : results) max = std::max(max, p.get_future().get());
  EXPECT_EQ(max, kCalls);
}

TEST(AsyncPipeline, FailsFastWhileDownAndRecovers) {
  testing::RedisServer server;
  Connector connector(server.Options());
  AsyncPipeline pipeline(connector);
  auto call = [&] {
    std::promise<bool> ok;
    pipeline.Submit({"PING"}, [&](Status s, Reply) { ok.set_value(s.ok()); });
    return ok.get_future().get();
  };
  EXPECT_TRUE(call());
  server.Stop();
  EXPECT_FALSE(call());
  server.Start();
  EXPECT_TRUE(testing::WaitFor(call));
}

}  // namespace
}  // namespace spamphibian::redis
