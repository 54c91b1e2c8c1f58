// RedisSessionStore against a real redis-server: sessions, the cap per
// person, sign-in states taken back once.
#include <gtest/gtest.h>

#include <thread>

#include "admin/sessions.h"
#include "redis_server.h"

namespace spamphibian::admin {
namespace {

std::int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

TEST(RedisSessionStore, APersonKeepsTheirNewestSessionsOnly) {
  testing::RedisServer redis;
  redis::Connector connector(redis.Options());
  RedisSessionStore store(connector, "t:");
  std::vector<std::string> ids;
  for (std::size_t i = 0; i <= kMaxSessionsPerUser; ++i) {
    Session s{"rachel", 139, false, "csrf", NowMs() + 3600000 + static_cast<std::int64_t>(i), NowMs()};
    std::string id;
    ASSERT_TRUE(store.Create(s, &id).ok());
    ids.push_back(id);
  }
  Session found;
  bool ok = false;
  ASSERT_TRUE(store.Find(ids[0], &found, &ok).ok());
  EXPECT_FALSE(ok) << "the oldest of eleven ended";
  for (std::size_t i = 1; i < ids.size(); ++i) {
    ASSERT_TRUE(store.Find(ids[i], &found, &ok).ok());
    EXPECT_TRUE(ok) << i;
  }
  std::string other;
  ASSERT_TRUE(store.Create({"admin", 137, true, "c", NowMs() + 3600000, NowMs()}, &other).ok());
  ASSERT_TRUE(store.Find(ids[1], &found, &ok).ok());
  EXPECT_TRUE(ok) << "another person's sign-in ends none of hers";

  // A re-check updates a live session and never brings back a deleted one.
  ASSERT_TRUE(store.Find(ids[1], &found, &ok).ok());
  found.checked_ms = 42;
  ASSERT_TRUE(store.Update(ids[1], found).ok());
  ASSERT_TRUE(store.Find(ids[1], &found, &ok).ok());
  EXPECT_EQ(found.checked_ms, 42);
  EXPECT_EQ(found.username, "rachel");
  ASSERT_TRUE(store.Delete(ids[2]).ok());
  ASSERT_TRUE(store.Update(ids[2], found).ok());
  ASSERT_TRUE(store.Find(ids[2], &found, &ok).ok());
  EXPECT_FALSE(ok);
}

TEST(RedisSessionStore, ASignInStateIsTakenBackOnce) {
  testing::RedisServer redis;
  redis::Connector connector(redis.Options());
  RedisSessionStore store(connector, "t:");
  bool fresh = true;
  ASSERT_TRUE(store.EndSignIn("never-issued", &fresh).ok());
  EXPECT_FALSE(fresh);
  ASSERT_TRUE(store.BeginSignIn("state-1", std::chrono::seconds(600)).ok());
  ASSERT_TRUE(store.EndSignIn("state-1", &fresh).ok());
  EXPECT_TRUE(fresh);
  ASSERT_TRUE(store.EndSignIn("state-1", &fresh).ok());
  EXPECT_FALSE(fresh) << "used once already";
  ASSERT_TRUE(store.BeginSignIn("state-2", std::chrono::seconds(1)).ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  ASSERT_TRUE(store.EndSignIn("state-2", &fresh).ok());
  EXPECT_FALSE(fresh) << "expired";
}

}  // namespace
}  // namespace spamphibian::admin
