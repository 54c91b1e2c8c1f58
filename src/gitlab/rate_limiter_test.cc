#include "gitlab/rate_limiter.h"

#include <gtest/gtest.h>

namespace spamphibian::gitlab {
namespace {

using namespace std::chrono_literals;

TEST(RateLimiter, BurstThenSteadyRate) {
  auto now = std::chrono::steady_clock::time_point{} + 1h;
  RateLimiter limiter(10, 2, [&] { return now; });
  EXPECT_EQ(limiter.Reserve(), 0ns);
  EXPECT_EQ(limiter.Reserve(), 0ns);
  // The bucket is empty: the next caller waits 1/10 s, the one after 2/10 s.
  EXPECT_NEAR(std::chrono::duration<double>(limiter.Reserve()).count(), 0.1, 1e-9);
  EXPECT_NEAR(std::chrono::duration<double>(limiter.Reserve()).count(), 0.2, 1e-9);
  now += 1s;  // refills, but never beyond the burst
  EXPECT_EQ(limiter.Reserve(), 0ns);
  EXPECT_EQ(limiter.Reserve(), 0ns);
  EXPECT_GT(limiter.Reserve(), 0ns);
}

TEST(RateLimiter, ZeroRateMeansUnlimited) {
  RateLimiter limiter(0, 1);
  for (int i = 0; i < 1000; ++i) EXPECT_EQ(limiter.Reserve(), 0ns);
}

}  // namespace
}  // namespace spamphibian::gitlab
