#include "classify/campaigns.h"

#include <gtest/gtest.h>

#include <cmath>

namespace spamphibian::classify {
namespace {

int Distance(std::uint64_t a, std::uint64_t b) { return __builtin_popcountll(a ^ b); }

// A key with no item: campaigns and sign-ups only.
CampaignKey K(std::string author, std::uint64_t simhash, std::vector<std::string> domains, std::string signup) {
  CampaignKey key;
  key.author = std::move(author);
  key.simhash = simhash;
  key.domains = std::move(domains);
  key.signup = std::move(signup);
  return key;
}

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
  LocalCampaignMemory memory({.campaign_ms = 1000, .signup_ms = 100, .signup_baseline_ms = 0});
  const std::uint64_t h = SimHash("call the quickbooks customer care number now toll free for payroll and refunds");
  CampaignCounts c;
  ASSERT_TRUE(memory.Observe(K("a", h, {"spam.example.top"}, ""), 0, &c).ok());
  ASSERT_TRUE(memory.Observe(K("b", h, {"spam.example.top"}, ""), 10, &c).ok());
  ASSERT_TRUE(memory.Observe(K("c", h, {"spam.example.top"}, ""), 20, &c).ok());
  EXPECT_EQ(c.text_accounts, 2);
  EXPECT_EQ(c.domain_accounts, 2);
  ASSERT_TRUE(memory.Observe(K("d", h, {"github.com"}, ""), 2000, &c).ok());
  EXPECT_EQ(c.text_accounts, 0) << "the others are older than the window";
  EXPECT_EQ(c.domain_accounts, 0);
  for (const char* who : {"e", "f", "g"}) {
    ASSERT_TRUE(memory.Observe(K(who, 0, {"mega.nz", "bit.ly", "t.me", "dropbox.com"}, ""), 2100, &c).ok());
  }
  EXPECT_EQ(c.domain_accounts, 0) << "file hosts, shorteners, messengers and platforms are everyone's";
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
  LocalCampaignMemory memory({.campaign_ms = 100000, .signup_ms = 100, .signup_baseline_ms = 0});
  CampaignCounts c;
  ASSERT_TRUE(memory.Observe(K("a", 0, {"x.top"}, "mail.example|a_a9999|top"), 0, &c).ok());
  ASSERT_TRUE(memory.Observe(K("b", 0, {"y.top"}, "mail.example|a_a9999|top"), 10, &c).ok());
  ASSERT_TRUE(memory.Observe(K("c", 0, {"z.top"}, "mail.example|a_a9999|top"), 20, &c).ok());
  EXPECT_EQ(c.signup_accounts, 2);
  EXPECT_EQ(c.domain_accounts, 0) << "three sites, one make";
  ASSERT_TRUE(memory.Observe(K("d", 0, {"w.top"}, "mail.example|a_a99|top"), 30, &c).ok());
  EXPECT_EQ(c.signup_accounts, 0) << "another shape";
  ASSERT_TRUE(memory.Observe(K("e", 0, {"v.top"}, "mail.example|a_a9999|top"), 500, &c).ok());
  EXPECT_EQ(c.signup_accounts, 0) << "the burst is older than the sign-up window";
}

TEST(SignupBurst, IsWhatComesBeyondThePatternsOwnRate) {
  const CampaignWindows hour_in_week{.campaign_ms = 0, .signup_ms = 3600, .signup_baseline_ms = 7 * 24 * 3600};
  EXPECT_EQ(SignupBurst(2, 0, hour_in_week), 2) << "a new make counts whole";
  EXPECT_EQ(SignupBurst(2, 6, hour_in_week), 2) << "six a week expect nothing in an hour";
  EXPECT_EQ(SignupBurst(2, 167, hour_in_week), 0) << "once an hour: two more may come by chance (1 + 2*1 = 3)";
  EXPECT_EQ(SignupBurst(5, 167, hour_in_week), 2);
  EXPECT_EQ(SignupBurst(10, 4 * 167, hour_in_week), 2) << "four an hour: up to 4 + 2*2 = 8 by chance";
  EXPECT_EQ(SignupBurst(3, 500, {.campaign_ms = 0, .signup_ms = 3600, .signup_baseline_ms = 0}), 3) << "no baseline";
  EXPECT_EQ(SignupBurst(3, 500, {.campaign_ms = 0, .signup_ms = 3600, .signup_baseline_ms = 3600}), 3)
      << "a baseline no longer than the window is none";
}

// A make that signs up about once a window for the whole baseline, then
// three and then six more within one window; the same run in Redis is in
// stages/redis_campaign_memory_test.cc.
TEST(LocalCampaignMemory, ACommonMakeNeedsMoreThanItsRateToBurst) {
  LocalCampaignMemory memory({.campaign_ms = 100000, .signup_ms = 100, .signup_baseline_ms = 1000});
  const std::string make = "mail.example|a9999|com";
  CampaignCounts c;
  for (int i = 0; i < 9; ++i) {
    ASSERT_TRUE(memory.Observe(K("u" + std::to_string(i), 0, {"site" + std::to_string(i) + ".com"}, make), i * 100, &c).ok());
  }
  for (int i = 1; i <= 3; ++i) ASSERT_TRUE(memory.Observe(K("x" + std::to_string(i), 0, {"x.com"}, make), 945 + 5 * i, &c).ok());
  EXPECT_EQ(c.signup_accounts, 0) << "two others in a window where one is usual (chance allows three)";
  for (int i = 4; i <= 7; ++i) ASSERT_TRUE(memory.Observe(K("x" + std::to_string(i), 0, {"x.com"}, make), 945 + 5 * i, &c).ok());
  EXPECT_EQ(c.signup_accounts, 3) << "six others: three beyond chance";
  ASSERT_TRUE(memory.Observe(K("n1", 0, {"n.top"}, "other.example|a9999|top"), 990, &c).ok());
  ASSERT_TRUE(memory.Observe(K("n2", 0, {"n.top"}, "other.example|a9999|top"), 991, &c).ok());
  ASSERT_TRUE(memory.Observe(K("n3", 0, {"n.top"}, "other.example|a9999|top"), 992, &c).ok());
  EXPECT_EQ(c.signup_accounts, 2) << "a new make's burst counts whole";
}

TEST(CampaignKeyOf, AnItemWithAnIdAndAnAuthorCanFlood) {
  gitlab::Item item;
  item.type = "snippet";
  item.id = "17";
  item.author.id = 5;
  item.text = {{"content", "free spins"}};
  const Rendering r = Render(item, nlohmann::json::object());
  EXPECT_EQ(CampaignKeyOf(item, r).item, "17");
  EXPECT_EQ(CampaignKeyOf(item, r).type, "snippet");
  item.author.id = 0;
  EXPECT_EQ(CampaignKeyOf(item, r).item, "") << "no author: every item would be another's";
  item.author.username = "bot";
  EXPECT_EQ(CampaignKeyOf(item, r).item, "17");
  item.id = "";
  EXPECT_EQ(CampaignKeyOf(item, r).item, "") << "no id: an edit would count as another item";
  gitlab::Item user = User("bot", "bot@mail.example");
  user.id = "5";
  EXPECT_EQ(CampaignKeyOf(user, Render(user, nlohmann::json::object())).item, "") << "a user is its account";
}

TEST(CampaignKeyOf, AnAuthorsOwnDomainIsNoCampaignDomain) {
  LocalCampaignMemory memory({});
  CampaignCounts c;
  for (const char* who : {"ana", "ben", "chloe"}) {
    gitlab::Item user = User(std::string(who) + "_ruiz", std::string(who) + "@mail.acmecloud.de");
    user.text = {{"bio", "Platform team at https://www.acmecloud.de, side project https://shop-deals.example.top"}};
    const CampaignKey key = CampaignKeyOf(user, Render(user, nlohmann::json::object()));
    ASSERT_EQ(key.own_domain, "acmecloud.de");
    ASSERT_EQ(key.domains.size(), 2u) << "both linked: what reviewers said of either still counts";
    ASSERT_TRUE(memory.Observe(key, 1, &c).ok());
  }
  EXPECT_EQ(c.domain_accounts, 2) << "the shop, not their employer's site: for it alone they would be 0";
  gitlab::Item colleague = User("dan_ruiz", "dan@acmecloud.de");
  colleague.text = {{"bio", "Also at https://acmecloud.de"}};
  ASSERT_TRUE(memory.Observe(CampaignKeyOf(colleague, Render(colleague, nlohmann::json::object())), 2, &c).ok());
  EXPECT_EQ(c.domain_accounts, 0) << "colleagues linking their employer's site";
}

TEST(ApplyCampaign, FloodsAreFeaturesAndFromTheirThresholdTokens) {
  const auto apply = [](const CampaignCounts& c, std::string_view type) {
    Rendering r;
    r.text = "words";
    ApplyCampaign(c, type, &r);
    return r;
  };
  CampaignCounts c;
  c.author_items = kFloodMinItems;
  c.author_repeats = kCampaignMinOthers;
  Rendering r = apply(c, "project");
  EXPECT_FLOAT_EQ(r.features[FeatureIndex("author_items")], std::log1p(kFloodMinItems));
  EXPECT_FLOAT_EQ(r.features[FeatureIndex("author_repeats")], std::log1p(kCampaignMinOthers));
  EXPECT_EQ(r.signals, (std::vector<std::string>{"sig_author_flood", "sig_author_repeats"}));
  EXPECT_EQ(r.text, "words") << "context, not words: the combiner weighs it";
  r = apply(c, "note");
  EXPECT_EQ(r.features[FeatureIndex("author_items")], 0) << "a reviewer writes notes by the dozen";
  EXPECT_EQ(r.signals, std::vector<std::string>{"sig_author_repeats"}) << "but pastes no comment thrice";
  c.author_items = kFloodMinItems - 1;
  c.author_repeats = kCampaignMinOthers - 1;
  r = apply(c, "snippet");
  EXPECT_TRUE(r.signals.empty()) << "below both thresholds: features only";
  EXPECT_GT(r.features[FeatureIndex("author_items")], 0);
}

}  // namespace
}  // namespace spamphibian::classify
