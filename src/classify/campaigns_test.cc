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
  LocalCampaignMemory memory(1000, 100);
  const std::uint64_t h = SimHash("call the quickbooks customer care number now toll free for payroll and refunds");
  CampaignCounts c;
  ASSERT_TRUE(memory.Observe({"a", h, {"spam.example.top"}, ""}, 0, &c).ok());
  ASSERT_TRUE(memory.Observe({"b", h, {"spam.example.top"}, ""}, 10, &c).ok());
  ASSERT_TRUE(memory.Observe({"c", h, {"spam.example.top"}, ""}, 20, &c).ok());
  EXPECT_EQ(c.text_accounts, 2);
  EXPECT_EQ(c.domain_accounts, 2);
  ASSERT_TRUE(memory.Observe({"d", h, {"github.com"}, ""}, 2000, &c).ok());
  EXPECT_EQ(c.text_accounts, 0) << "the others are older than the window";
  EXPECT_EQ(c.domain_accounts, 0);
}

TEST(UsernameShape, SeparatorsAndDigitsStayLettersAreOneMark) {
  EXPECT_EQ(UsernameShape("maria_lopez1987"), "a_a9999");
  EXPECT_EQ(UsernameShape("slot-gacor-777"), "a-a-999");
  EXPECT_EQ(UsernameShape("j.smith42"), "a.a99");
  EXPECT_EQ(UsernameShape("x1234567890"), "a999999") << "at most six digits";
  EXPECT_EQ(UsernameShape("Ölçer_7"), "a_9") << "a letter beyond ASCII is a letter";
  EXPECT_EQ(UsernameShape("alice"), "") << "letters alone are everyone's";
  EXPECT_EQ(UsernameShape(""), "");
}

gitlab::Item User(const std::string& username, const std::string& email) {
  gitlab::Item u;
  u.type = "user";
  u.author.username = username;
  u.author.email = email;
  return u;
}

TEST(SignupPattern, AUserWithAnEmailALinkAndAShapedName) {
  EXPECT_EQ(SignupPattern(User("maria_lopez1987", "maria@Mail.example"), {"best-loans.top"}),
            "mail.example|a_a9999|top");
  EXPECT_EQ(SignupPattern(User("maria_lopez1987", "m@mail.example"), {"github.com", "shop.co.uk"}),
            "mail.example|a_a9999|co.uk")
      << "the first link that is not a common site";
  EXPECT_EQ(SignupPattern(User("maria_lopez1987", ""), {"best-loans.top"}), "") << "no e-mail";
  EXPECT_EQ(SignupPattern(User("maria_lopez1987", "m@mail.example"), {"github.com"}), "") << "no telling link";
  EXPECT_EQ(SignupPattern(User("maria.lopez", "maria.lopez@cs.uni.example"), {"uni.example"}), "")
      << "colleagues link their own organisation";
  EXPECT_EQ(SignupPattern(User("maria", "m@mail.example"), {"best-loans.top"}), "") << "no shape";
  gitlab::Item note = User("maria_lopez1987", "m@mail.example");
  note.type = "note";
  EXPECT_EQ(SignupPattern(note, {"best-loans.top"}), "") << "only sign-ups";
}

TEST(LocalCampaignMemory, ASignupBurstCountsWithinItsOwnWindow) {
  LocalCampaignMemory memory(/*window_ms=*/100000, /*signup_window_ms=*/100);
  CampaignCounts c;
  ASSERT_TRUE(memory.Observe({"a", 0, {"x.top"}, "mail.example|a_a9999|top"}, 0, &c).ok());
  ASSERT_TRUE(memory.Observe({"b", 0, {"y.top"}, "mail.example|a_a9999|top"}, 10, &c).ok());
  ASSERT_TRUE(memory.Observe({"c", 0, {"z.top"}, "mail.example|a_a9999|top"}, 20, &c).ok());
  EXPECT_EQ(c.signup_accounts, 2);
  EXPECT_EQ(c.domain_accounts, 0) << "three sites, one make";
  ASSERT_TRUE(memory.Observe({"d", 0, {"w.top"}, "mail.example|a_a99|top"}, 30, &c).ok());
  EXPECT_EQ(c.signup_accounts, 0) << "another shape";
  ASSERT_TRUE(memory.Observe({"e", 0, {"v.top"}, "mail.example|a_a9999|top"}, 500, &c).ok());
  EXPECT_EQ(c.signup_accounts, 0) << "the burst is older than the sign-up window";
}

}  // namespace
}  // namespace spamphibian::classify
