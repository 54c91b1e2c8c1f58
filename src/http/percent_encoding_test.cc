#include "http/percent_encoding.h"

#include <gtest/gtest.h>

namespace spamphibian::http {
namespace {

TEST(PercentEncode, PathSegmentsAndKeys) {
  EXPECT_EQ(PercentEncode("design/timers"), "design%2Ftimers");
  EXPECT_EQ(PercentEncode("design/timers", /*keep_slash=*/true), "design/timers");
  EXPECT_EQ(PercentEncode("a b&c=d"), "a%20b%26c%3Dd");
  EXPECT_EQ(PercentEncode("Ünï"), "%C3%9Cn%C3%AF");
  EXPECT_EQ(PercentEncode("safe-_.~AZ09"), "safe-_.~AZ09");
}

}  // namespace
}  // namespace spamphibian::http
