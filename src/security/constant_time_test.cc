#include "security/constant_time.h"

#include <gtest/gtest.h>

namespace spamphibian {
namespace {

TEST(ConstantTimeEquals, EqualStrings) {
  EXPECT_TRUE(ConstantTimeEquals("s3cret-token", "s3cret-token"));
  EXPECT_TRUE(ConstantTimeEquals("", ""));
}

TEST(ConstantTimeEquals, DifferentContent) {
  EXPECT_FALSE(ConstantTimeEquals("s3cret-token", "s3cret-tokeN"));
  EXPECT_FALSE(ConstantTimeEquals("a", "b"));
}

TEST(ConstantTimeEquals, PrefixIsNotEqual) {
  EXPECT_FALSE(ConstantTimeEquals("s3cret", "s3cret-token"));
  EXPECT_FALSE(ConstantTimeEquals("s3cret-token", "s3cret"));
  EXPECT_FALSE(ConstantTimeEquals("", "x"));
}

TEST(ConstantTimeEquals, EmbeddedZeroBytesCount) {
  using namespace std::string_view_literals;
  EXPECT_FALSE(ConstantTimeEquals("ab\0"sv, "ab"sv));
}

}  // namespace
}  // namespace spamphibian
