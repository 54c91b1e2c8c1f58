#include "jobs/verified_users_job.h"

#include <gtest/gtest.h>

namespace spamphibian {
namespace {

TEST(HasToken, MatchesTheMarkerAsAWholeTokenOnly) {
  const std::string marker = "[spamphibian:verified]";
  EXPECT_TRUE(HasToken("[spamphibian:verified]", marker));
  EXPECT_TRUE(HasToken("met at fosdem. [spamphibian:verified] by alice", marker));
  EXPECT_FALSE(HasToken("[spamphibian:unverified]", marker));
  EXPECT_FALSE(HasToken("", marker));
  EXPECT_FALSE(HasToken("anything", ""));
  // A plain-word marker is not found inside other words.
  EXPECT_TRUE(HasToken("verified contributor", "verified"));
  EXPECT_TRUE(HasToken("contributor (verified).", "verified"));
  EXPECT_FALSE(HasToken("unverified account", "verified"));
  EXPECT_FALSE(HasToken("verified_later", "verified"));
  EXPECT_FALSE(HasToken("not yet verifiedx", "verified"));
}

}  // namespace
}  // namespace spamphibian
