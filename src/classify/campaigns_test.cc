#include "classify/campaigns.h"

#include <gtest/gtest.h>

namespace spamphibian::classify {
namespace {

int Distance(std::uint64_t a, std::uint64_t b) { return __builtin_popcountll(a ^ b); }

TEST(SimHash, NearDuplicatesAreCloseAndOthersFar) {
  const std::string a = "watch the full movie online free in hd no sign up stream now on our site today";
  const std::uint64_t h = SimHash(a);
  EXPECT_NE(h, 0u);
  EXPECT_EQ(h, SimHash(a)) << "stable";
  EXPECT_LE(Distance(h, SimHash(a + " hurry")), 12);
  EXPECT_GT(Distance(h, SimHash("the leader election stalls when five nodes start and the old leader is killed")), 12);
  EXPECT_EQ(SimHash("thanks this fixed it"), 0u) << "too short to be anybody's campaign";
}

TEST(LocalCampaignMemory, CountsOtherAccountsWithinTheWindow) {
  LocalCampaignMemory memory(1000);
  const std::uint64_t h = SimHash("call the quickbooks customer care number now toll free for payroll and refunds");
  CampaignCounts c;
  ASSERT_TRUE(memory.Observe({"a", h, {"spam.example.top"}}, 0, &c).ok());
  ASSERT_TRUE(memory.Observe({"b", h, {"spam.example.top"}}, 10, &c).ok());
  ASSERT_TRUE(memory.Observe({"c", h, {"spam.example.top"}}, 20, &c).ok());
  EXPECT_EQ(c.text_accounts, 2);
  EXPECT_EQ(c.domain_accounts, 2);
  ASSERT_TRUE(memory.Observe({"d", h, {"github.com"}}, 2000, &c).ok());
  EXPECT_EQ(c.text_accounts, 0) << "the others are older than the window";
  EXPECT_EQ(c.domain_accounts, 0);
}

}  // namespace
}  // namespace spamphibian::classify
