// The campaign memory against a real redis-server: the third account
// pasting nearly the same text is flagged as a campaign; different texts
// are not; an author repeating itself is no campaign; the window ends it.
// The third sign-up made alike is a burst, within its own shorter window.
// One account's items of one type are a flood, each counted once, the same
// in Redis as in the process.
#include "stages/redis_campaign_memory.h"

#include <gtest/gtest.h>

#include "classify/text_rendering.h"
#include "redis_server.h"

namespace spamphibian {
namespace {

classify::CampaignKey Key(const std::string& author, const std::string& text) {
  gitlab::Item item;
  item.type = "note";
  item.author.username = author;
  item.text = {{"body", text}};
  return classify::CampaignKeyOf(item, classify::Render(item, nlohmann::json::object()));
}

// A key with no item: campaigns and sign-ups only.
classify::CampaignKey K(std::string author, std::uint64_t simhash, std::vector<std::string> domains,
                        std::string signup) {
  classify::CampaignKey key;
  key.author = std::move(author);
  key.simhash = simhash;
  key.domains = std::move(domains);
  key.signup = std::move(signup);
  return key;
}

constexpr const char* kSpam =
    "QuickBooks customer care number call now toll free for payroll errors refunds and login help 24/7 agents";

class RedisCampaignMemoryTest : public ::testing::Test {
 protected:
  testing::RedisServer server_;
  redis::Connector connector_{server_.Options()};
  RedisCampaignMemory memory_{connector_, "p:", {.campaign_ms = 60000, .signup_ms = 5000, .signup_baseline_ms = 0}};
  std::unique_ptr<testing::RedisServer::TestClient> client_ = server_.Client();
};

TEST_F(RedisCampaignMemoryTest, TheThirdAccountWithTheSameTextIsACampaign) {
  classify::CampaignCounts c;
  ASSERT_TRUE(memory_.Observe(Key("a", kSpam), 1000, &c).ok());
  EXPECT_EQ(c.text_accounts, 0);
  ASSERT_TRUE(memory_.Observe(Key("a", kSpam), 1001, &c).ok());
  EXPECT_EQ(c.text_accounts, 0) << "the same author again is not a campaign";
  // Another number and link: the same words once those are placeholders.
  ASSERT_TRUE(memory_.Observe(Key("b", std::string(kSpam) + " +1 888 555 0123 https://qb.example.top"), 1002, &c).ok());
  EXPECT_EQ(c.text_accounts, 1) << "nearly the same text";
  ASSERT_TRUE(memory_.Observe(Key("c", kSpam), 1003, &c).ok());
  EXPECT_EQ(c.text_accounts, 2);
  classify::Rendering r;
  classify::ApplyCampaign(c, "note", &r);
  EXPECT_EQ(r.signals, std::vector<std::string>{"sig_campaign_text"});
}

TEST_F(RedisCampaignMemoryTest, ABandInCommonIsNotEnough) {
  // The same low 16 bits (one band), far apart otherwise: a chance
  // collision, not a near-duplicate. Negative halves travel too.
  classify::CampaignCounts c;
  ASSERT_TRUE(memory_.Observe(K("x", 0xFFFF00000000ABCDull, {}, ""), 1000, &c).ok());
  ASSERT_TRUE(memory_.Observe(K("y", 0x0000FFFFFFFFABCDull, {}, ""), 1001, &c).ok());
  EXPECT_EQ(c.text_accounts, 0);
  ASSERT_TRUE(memory_.Observe(K("z", 0xFFFF00000000ABCFull, {}, ""), 1002, &c).ok());
  EXPECT_EQ(c.text_accounts, 1) << "one bit from x";
}

TEST_F(RedisCampaignMemoryTest, DifferentTextsAreNot) {
  classify::CampaignCounts c;
  const char* texts[] = {"I can reproduce this on main the election timeout is not reset after the leader dies",
                         "Could you share the output of kubectl describe pod for the runner that keeps restarting",
                         "The payment SDK now supports SEPA direct debit mandates and refunds through the same client"};
  int author = 0;
  for (const char* t : texts) {
    ASSERT_TRUE(memory_.Observe(Key("u" + std::to_string(author++), t), 1000, &c).ok());
    EXPECT_EQ(c.text_accounts, 0) << t;
  }
}

TEST_F(RedisCampaignMemoryTest, LinkDomainsAcrossAccountsAndTheWindow) {
  classify::CampaignCounts c;
  const std::string text = "see https://cheap-seo.example.top/x";
  ASSERT_TRUE(memory_.Observe(Key("a", text), 1000, &c).ok());
  ASSERT_TRUE(memory_.Observe(Key("b", "visit cheap-seo.example.top now"), 2000, &c).ok());
  EXPECT_EQ(c.domain_accounts, 1);
  ASSERT_TRUE(memory_.Observe(Key("c", text), 1000 + 60000 + 500, &c).ok());
  EXPECT_EQ(c.domain_accounts, 1) << "a's link is older than the window";
  ASSERT_TRUE(memory_.Observe(Key("d", "docs at https://github.com/org/repo"), 3000, &c).ok());
  ASSERT_TRUE(memory_.Observe(Key("e", "docs at https://github.com/org/other"), 3001, &c).ok());
  EXPECT_EQ(c.domain_accounts, 0) << "a common domain is nobody's campaign";
  for (const char* who : {"f", "g", "h"}) {
    const std::string text = std::string("logs: https://mega.nz/file/") + who + " and https://bit.ly/" + who;
    ASSERT_TRUE(memory_.Observe(Key(who, text), 4000, &c).ok());
  }
  EXPECT_EQ(c.domain_accounts, 0) << "everyone's links go through file hosts and shorteners";
  for (const char* who : {"i", "j", "k"}) {
    classify::CampaignKey colleague = Key(who, "our team: https://www.acme-staff.example.top/team");
    colleague.own_domain = "example.top";
    ASSERT_TRUE(memory_.Observe(colleague, 5000, &c).ok());
  }
  EXPECT_EQ(c.domain_accounts, 0) << "colleagues linking their employer's site";
}

// Sign-up bursts: users whose bios differ, made alike (e-mail domain,
// username shape, the TLD of their site), counted within the sign-up
// window; other makes and ordinary names are not.
classify::CampaignKey Signup(const std::string& username, const std::string& email, const std::string& bio,
                             const std::string& site) {
  gitlab::Item user;
  user.type = "user";
  user.id = username;
  user.author.username = username;
  user.author.email = email;
  user.text = {{"username", username}, {"bio", bio}, {"website_url", site}};
  return classify::CampaignKeyOf(user, classify::Render(user, nlohmann::json::object()));
}

TEST_F(RedisCampaignMemoryTest, TheThirdSignupMadeAlikeIsABurst) {
  classify::CampaignCounts c;
  ASSERT_TRUE(memory_.Observe(Signup("maria_lopez1987", "maria_lopez1987@inboxmail.example", "Travel lover and foodie.",
                                     "https://cheap-flights-now.top"), 1000, &c).ok());
  EXPECT_EQ(c.signup_accounts, 0);
  ASSERT_TRUE(memory_.Observe(Signup("john_baker1990", "john_baker1990@inboxmail.example",
                                     "Helping families find the best home loans in Texas.", "https://texas-home-loans.top"),
                              1100, &c).ok());
  EXPECT_EQ(c.signup_accounts, 1);
  ASSERT_TRUE(memory_.Observe(Signup("anna_weber1985", "anna_weber1985@inboxmail.example",
                                     "Certified plumber, 24/7 emergency service.", "https://denver-plumbing-pro.top"),
                              1200, &c).ok());
  EXPECT_EQ(c.signup_accounts, 2) << "three bios, three sites, one make";
  EXPECT_EQ(c.text_accounts, 0);
  EXPECT_EQ(c.domain_accounts, 0);
  classify::Rendering r;
  classify::ApplyCampaign(c, "user", &r);
  EXPECT_EQ(r.signals, std::vector<std::string>{"sig_campaign_signup"});

  ASSERT_TRUE(memory_.Observe(Signup("li.wei", "li.wei@inboxmail.example", "Backend developer.", "https://liwei.dev"),
                              1300, &c).ok());
  EXPECT_EQ(c.signup_accounts, 0) << "another shape and TLD";
  ASSERT_TRUE(memory_.Observe(Signup("alice", "alice@inboxmail.example", "Hi", "https://alice.top"), 1400, &c).ok());
  EXPECT_EQ(c.signup_accounts, 0) << "a name of letters alone has no pattern";
  ASSERT_TRUE(memory_.Observe(Signup("kate_moss1999", "kate_moss1999@inboxmail.example", "Model agency.",
                                     "https://agency-models.top"), 1200 + 5001, &c).ok());
  EXPECT_EQ(c.signup_accounts, 0) << "the burst is older than the sign-up window (the campaigns' is longer)";
  EXPECT_GT(client_->Run({"PTTL", "p:campaign:s:inboxmail.example|a_a9999|top"})->integer, 0);
  EXPECT_LE(client_->Run({"PTTL", "p:campaign:s:inboxmail.example|a_a9999|top"})->integer, 5000);
}

// classify/campaigns_test.cc's LocalCampaignMemory.ACommonMakeNeedsMoreThanItsRateToBurst, in Redis.
TEST_F(RedisCampaignMemoryTest, ACommonMakeNeedsMoreThanItsRateToBurst) {
  RedisCampaignMemory memory{connector_, "b:", {.campaign_ms = 100000, .signup_ms = 100, .signup_baseline_ms = 1000}};
  const std::string make = "mail.example|a9999|com";
  const std::int64_t t0 = 1000000;
  classify::CampaignCounts c;
  for (int i = 0; i < 9; ++i) {
    ASSERT_TRUE(memory.Observe(K("u" + std::to_string(i), 0, {"site" + std::to_string(i) + ".com"}, make), t0 + i * 100, &c).ok());
  }
  for (int i = 1; i <= 3; ++i) {
    ASSERT_TRUE(memory.Observe(K("x" + std::to_string(i), 0, {"x.com"}, make), t0 + 945 + 5 * i, &c).ok());
  }
  EXPECT_EQ(c.signup_accounts, 0) << "two others in a window where one is usual (chance allows three)";
  for (int i = 4; i <= 7; ++i) {
    ASSERT_TRUE(memory.Observe(K("x" + std::to_string(i), 0, {"x.com"}, make), t0 + 945 + 5 * i, &c).ok());
  }
  EXPECT_EQ(c.signup_accounts, 3) << "six others: three beyond chance";
  ASSERT_TRUE(memory.Observe(K("x7", 0, {"x.com"}, make), t0 + 981, &c).ok());
  EXPECT_EQ(c.signup_accounts, 3) << "an account seen again is not another";
  for (int i = 1; i <= 3; ++i) {
    ASSERT_TRUE(memory.Observe(K("n" + std::to_string(i), 0, {"n.top"}, "other.example|a9999|top"), t0 + 990 + i, &c).ok());
  }
  EXPECT_EQ(c.signup_accounts, 2) << "a new make's burst counts whole";
  const long long ttl = client_->Run({"PTTL", "b:campaign:s:" + make})->integer;
  EXPECT_GT(ttl, 100) << "kept for the baseline, not just the window";
  EXPECT_LE(ttl, 1000);
}

// One account's items of one type: a bot making project after project,
// then pasting one text. Run on both memories, which must agree: what
// training learnt (LocalCampaignMemory) is what serving counts (Redis).
classify::CampaignKey Post(const std::string& type, const std::string& id, const std::string& author,
                           const std::string& text) {
  gitlab::Item item;
  item.type = type;
  item.id = id;
  item.author.username = author;
  item.text = {{"description", text}};
  return classify::CampaignKeyOf(item, classify::Render(item, nlohmann::json::object()));
}

std::vector<std::pair<int, int>> FloodRun(classify::CampaignMemory& memory) {
  const char* texts[] = {"A small library for parsing TOML files with good error messages and no dependencies",
                         "Command line tool that renames photos by the date they were taken from their EXIF data",
                         "Terraform module for a static website on object storage with a CDN in front of it",
                         "Notes and exercises from the distributed systems course, with a Raft implementation"};
  std::vector<std::pair<int, int>> seen;  // (author_items, author_repeats) after each step
  classify::CampaignCounts c;
  const auto observe = [&](const classify::CampaignKey& key, std::int64_t t) {
    EXPECT_TRUE(memory.Observe(key, t, &c).ok());
    seen.emplace_back(c.author_items, c.author_repeats);
  };
  const std::int64_t t0 = 1000000;
  for (int i = 0; i < 4; ++i) observe(Post("project", "p" + std::to_string(i), "bot", texts[i]), t0 + i);
  observe(Post("project", "p3", "bot", std::string(texts[3]) + " (edited)"), t0 + 10);  // an edit: the same item
  observe(Post("snippet", "s1", "bot", texts[0]), t0 + 11);                                // another type
  observe(Post("project", "q1", "human", texts[0]), t0 + 12);                              // another author
  for (int i = 0; i < 3; ++i) observe(Post("project", "r" + std::to_string(i), "bot", kSpam), t0 + 20 + i);
  observe(Post("project", "late", "bot", kSpam), t0 + 20 + 60000);  // all of it older than the flood window
  return seen;
}

TEST_F(RedisCampaignMemoryTest, AnAccountsItemsOfOneTypeAreAFloodCountedOnceEach) {
  const classify::CampaignWindows windows{.campaign_ms = 60000, .signup_ms = 5000, .signup_baseline_ms = 0,
                                          .author_ms = 30000};
  RedisCampaignMemory redis{connector_, "f:", windows};
  classify::LocalCampaignMemory local{windows};
  const std::vector<std::pair<int, int>> want = {
      {0, 0}, {1, 0}, {2, 0}, {3, 0},  // a new project each
      {3, 0},                          // p3 edited is still p3
      {0, 0},                          // the bot's first snippet
      {0, 0},                          // somebody else's project
      {4, 0}, {5, 1}, {6, 2},          // one text three times: repeats
      {0, 0}};
  EXPECT_EQ(FloodRun(redis), want);
  EXPECT_EQ(FloodRun(local), want) << "training counts what serving counts";
  const long long ttl = client_->Run({"PTTL", "f:campaign:a:project:bot"})->integer;
  EXPECT_GT(ttl, 0);
  EXPECT_LE(ttl, 30000);
}

TEST_F(RedisCampaignMemoryTest, AFloodBucketKeepsTheLatestItemsOnly) {
  classify::CampaignCounts c;
  const int n = classify::kFloodBucketItems + 30;
  for (int i = 0; i < n; ++i) {
    ASSERT_TRUE(memory_.Observe(Post("snippet", std::to_string(i), "bot", "x"), 1000 + i, &c).ok());
  }
  EXPECT_EQ(c.author_items, classify::kCampaignCountCap);
  EXPECT_EQ(client_->Run({"ZCARD", "p:campaign:a:snippet:bot"})->integer, classify::kFloodBucketItems);
}

// A spam wave: every account of it lands in the same four text buckets.
// Each keeps its latest members only, and the count still reaches the
// cap, as the in-process memory counts it (bench/campaign-wave: the cost).
TEST_F(RedisCampaignMemoryTest, AWaveCountsToTheCapAndATextBucketKeepsItsLatestMembersOnly) {
  classify::LocalCampaignMemory local{{.campaign_ms = 60000, .signup_ms = 5000, .signup_baseline_ms = 0}};
  const int n = classify::kTextBucketItems + 30;
  std::vector<int> in_redis, in_process;
  for (int i = 0; i < n; ++i) {
    classify::CampaignCounts c;
    ASSERT_TRUE(memory_.Observe(Key("wave" + std::to_string(i), kSpam), 1000 + i, &c).ok());
    in_redis.push_back(c.text_accounts);
    ASSERT_TRUE(local.Observe(Key("wave" + std::to_string(i), kSpam), 1000 + i, &c).ok());
    in_process.push_back(c.text_accounts);
  }
  EXPECT_EQ(in_redis, in_process) << "training counts what serving counts";
  EXPECT_EQ(in_redis[10], 10);
  EXPECT_EQ(in_redis.back(), classify::kCampaignCountCap);
  const std::vector<std::string> buckets = classify::TextBuckets(Key("x", kSpam).simhash);
  ASSERT_EQ(buckets.size(), 4u);
  for (const std::string& bucket : buckets) {
    const std::string key = "p:campaign:" + bucket;
    EXPECT_EQ(client_->Run({"ZCARD", key})->integer, classify::kTextBucketItems) << key;
    // The oldest went: the newest account is there, the first is not.
    EXPECT_EQ(client_->Run({"ZREVRANGE", key, "0", "0"})->element[0]->str,
              std::string("wave") + std::to_string(n - 1) + "|" + classify::TextHashField(Key("x", kSpam).simhash));
  }
}

TEST_F(RedisCampaignMemoryTest, AForgottenScriptIsLoadedAgainWithinTheCall) {
  classify::CampaignCounts c;
  ASSERT_TRUE(memory_.Observe(Key("a", kSpam), 1000, &c).ok());
  client_->Run({"SCRIPT", "FLUSH"});  // as after a restart of Redis
  std::vector<classify::CampaignKey> keys = {Key("b", kSpam), Key("c", kSpam)};
  std::vector<classify::CampaignCounts> counts;
  ASSERT_TRUE(memory_.ObserveBatch(keys, 1001, &counts).ok());
  EXPECT_EQ(counts[0].text_accounts, 1);
  EXPECT_EQ(counts[1].text_accounts, 2) << "a batch counts in order";
}

TEST_F(RedisCampaignMemoryTest, RedisDownIsUnavailable) {
  server_.Stop();
  classify::CampaignCounts c;
  EXPECT_TRUE(memory_.Observe(Key("a", kSpam), 1000, &c).IsUnavailable());
}

// Reviewers answered ham for a text (the review store remembers its hash
// in each of its buckets): nearly the same text from other accounts is no
// campaign; a spam answer leaves it one.
TEST_F(RedisCampaignMemoryTest, ATextReviewersAnsweredHamIsNoCampaign) {
  const classify::CampaignKey first = Key("a", kSpam);
  for (const std::string& bucket : classify::TextBuckets(first.simhash)) {
    client_->Run({"HSET", "p:memory:text:" + bucket, classify::TextHashField(first.simhash), "ham"});
  }
  const std::string other = "Call the on-call support line for the billing cluster, it is staffed all night by our own team";
  classify::CampaignCounts c;
  for (const char* author : {"a", "b", "c"}) ASSERT_TRUE(memory_.Observe(Key(author, kSpam), 1000, &c).ok());
  EXPECT_EQ(c.text_accounts, 0) << "cleared by a reviewer";
  for (const char* author : {"a", "b", "c"}) ASSERT_TRUE(memory_.Observe(Key(author, other), 1000, &c).ok());
  EXPECT_EQ(c.text_accounts, 2) << "another text still counts";
  for (const std::string& bucket : classify::TextBuckets(first.simhash)) {
    client_->Run({"HSET", "p:memory:text:" + bucket, classify::TextHashField(first.simhash), "spam"});
  }
  ASSERT_TRUE(memory_.Observe(Key("d", kSpam), 1001, &c).ok());
  EXPECT_EQ(c.text_accounts, 3) << "the last answer was spam";
}

TEST_F(RedisCampaignMemoryTest, WhatReviewersAnsweredComesWithTheCounts) {
  auto key = [](const std::string& author, const std::vector<std::string>& domains) {
    classify::CampaignKey k;
    k.author = author;
    k.domains = domains;
    return k;
  };
  client_->Run({"SET", "p:memory:author:41", "spam"});
  client_->Run({"SET", "p:memory:author:42", "ham"});
  client_->Run({"HSET", "p:memory:domain:pills.example.top", "spam", "2"});
  client_->Run({"HSET", "p:memory:domain:agency.example.com", "spam", "1", "ham", "1"});
  client_->Run({"HSET", "p:memory:domain:bit.ly", "spam", "5"});
  std::vector<classify::CampaignKey> keys = {key("41", {}), key("42", {"agency.example.com"}),
                                             key("43", {"bit.ly", "pills.example.top"}), key("44", {"other.example"})};
  std::vector<classify::CampaignCounts> counts;
  ASSERT_TRUE(memory_.ObserveBatch(keys, 1000, &counts).ok());
  EXPECT_EQ(counts[0].reviewed_author, "spam");
  EXPECT_EQ(counts[1].reviewed_author, "ham");
  EXPECT_EQ(counts[1].reviewed_spam_domain, "") << "a domain reviewers also called ham is not confirmed spam";
  EXPECT_EQ(counts[2].reviewed_spam_domain, "pills.example.top") << "a shortener stands for nobody's domain";
  EXPECT_EQ(counts[3].reviewed_author, "");
  EXPECT_EQ(counts[3].reviewed_spam_domain, "");
}

}  // namespace
}  // namespace spamphibian
