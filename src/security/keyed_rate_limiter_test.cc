#include "security/keyed_rate_limiter.h"

#include <gtest/gtest.h>

namespace spamphibian::security {
namespace {

using std::chrono::seconds;

class KeyedRateLimiterTest : public ::testing::Test {
 protected:
  std::chrono::steady_clock::time_point now_ = std::chrono::steady_clock::time_point{} + std::chrono::hours(1);
  KeyedRateLimiter::Clock clock_ = [this] { return now_; };
};

TEST_F(KeyedRateLimiterTest, EachKeyHasItsOwnBurstThenItsRate) {
  KeyedRateLimiter limiter(60, 3, 100, clock_);  // one a second, three at once
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(limiter.Allow("10.0.0.1")) << i;
  EXPECT_FALSE(limiter.Allow("10.0.0.1"));
  EXPECT_TRUE(limiter.Allow("10.0.0.2")) << "another client is not held back by the first";
  now_ += seconds(1);
  EXPECT_TRUE(limiter.Allow("10.0.0.1"));
  EXPECT_FALSE(limiter.Allow("10.0.0.1"));
  now_ += seconds(60);
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(limiter.Allow("10.0.0.1")) << "refilled to the burst, no more";
  EXPECT_FALSE(limiter.Allow("10.0.0.1"));
}

TEST_F(KeyedRateLimiterTest, MemoryIsBoundedAndQuietKeysAreForgottenFirst) {
  KeyedRateLimiter limiter(60, 1, 2, clock_);
  EXPECT_TRUE(limiter.Allow("a"));
  EXPECT_TRUE(limiter.Allow("b"));
  EXPECT_FALSE(limiter.Allow("c")) << "two keys, both busy: a third is refused, not remembered";
  now_ += seconds(2);  // a and b are full again: forgotten to make room
  EXPECT_TRUE(limiter.Allow("c"));
  EXPECT_TRUE(limiter.Allow("a"));
}

TEST_F(KeyedRateLimiterTest, ZeroRateAllowsEverything) {
  KeyedRateLimiter limiter(0, 1, 1, clock_);
  for (int i = 0; i < 100; ++i) EXPECT_TRUE(limiter.Allow(std::to_string(i)));
}

}  // namespace
}  // namespace spamphibian::security
