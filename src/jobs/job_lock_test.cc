// JobLock against a real redis-server.
#include "jobs/job_lock.h"

#include <gtest/gtest.h>

#include <thread>

#include "redis_server.h"

namespace spamphibian {
namespace {

TEST(JobLock, OneHolderAtATime) {
  testing::RedisServer server;
  redis::Connector connector(server.Options());
  JobLock a(connector, "lock", "host-a", std::chrono::milliseconds(5000));
  JobLock b(connector, "lock", "host-b", std::chrono::milliseconds(5000));
  EXPECT_TRUE(a.TryAcquire());
  EXPECT_FALSE(b.TryAcquire());
  EXPECT_FALSE(b.Renew()) << "only the holder renews";
  b.Release();  // not the holder: no effect
  EXPECT_FALSE(b.TryAcquire());
  EXPECT_TRUE(a.Renew());
  a.Release();
  EXPECT_TRUE(b.TryAcquire());
}

TEST(JobLock, ExpiresWhenTheHolderDies) {
  testing::RedisServer server;
  redis::Connector connector(server.Options());
  JobLock dead(connector, "lock", "host-a", std::chrono::milliseconds(200));
  JobLock alive(connector, "lock", "host-b", std::chrono::milliseconds(200));
  ASSERT_TRUE(dead.TryAcquire());
  EXPECT_FALSE(alive.TryAcquire());
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_TRUE(alive.TryAcquire());
  EXPECT_FALSE(dead.Renew()) << "a lease that expired and was taken is lost";
}

}  // namespace
}  // namespace spamphibian
