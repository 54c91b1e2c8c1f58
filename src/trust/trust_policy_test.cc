#include "trust/trust_policy.h"

#include <gtest/gtest.h>

#include <fstream>

#include "child_process.h"

namespace spamphibian {
namespace {

// An author with a confirmed e-mail address.
gitlab::Author Email(const std::string& email) {
  gitlab::Author a;
  a.email = email;
  a.confirmed_at = "2026-11-20T10:00:00.000Z";
  return a;
}

std::shared_ptr<const TrustPolicy> Build(TrustOptions options, std::vector<std::string>* warnings = nullptr) {
  std::vector<std::string> ignored;
  std::shared_ptr<const TrustPolicy> policy;
  Status s = TrustPolicy::Build(options, &policy, warnings ? warnings : &ignored);
  EXPECT_TRUE(s.ok()) << s.ToString();
  return policy;
}

TEST(TrustPolicy, AnchoredDomainPatternMatchesOnlyTheDomainPart) {
  TrustOptions o;
  o.domains = {R"(\.gov$)", R"((^|\.)ethz\.ch$)"};
  auto p = Build(o);
  EXPECT_NE(p->TrustReason(Email("jane@agency.gov"), nullptr), "");
  EXPECT_NE(p->TrustReason(Email("Jane@Agency.GOV"), nullptr), "") << "case-insensitive";
  EXPECT_NE(p->TrustReason(Email("a@ethz.ch"), nullptr), "");
  EXPECT_NE(p->TrustReason(Email("a@inf.ethz.ch"), nullptr), "");
  // Upstream matched the whole address: x.gov@evil.com passed. Not here.
  EXPECT_EQ(p->TrustReason(Email("x.gov@evil.com"), nullptr), "");
  EXPECT_EQ(p->TrustReason(Email("a@agency.gov.evil.com"), nullptr), "");
  EXPECT_EQ(p->TrustReason(Email("a@notethz.ch"), nullptr), "") << "look-alike domain";
  EXPECT_EQ(p->TrustReason(Email("a@ethz.ch.evil.com"), nullptr), "");
}

TEST(TrustPolicy, UnanchoredPatternWarnsAndMatchesLongerDomains) {
  TrustOptions o;
  o.domains = {R"(\.gov)"};
  std::vector<std::string> warnings;
  auto p = Build(o, &warnings);
  ASSERT_GE(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("anchor"), std::string::npos);
  EXPECT_NE(p->TrustReason(Email("a@agency.gov.evil.com"), nullptr), "");
}

TEST(TrustPolicy, FlagsListsAndTheRedisSet) {
  TrustOptions o;
  o.users = {"Maintainer@Example.org"};
  auto p = Build(o);
  gitlab::Author admin;
  admin.is_admin = true;
  EXPECT_EQ(p->TrustReason(admin, nullptr), "author is an admin");
  gitlab::Author bot;
  bot.bot = true;
  bot.username = "project_41_bot_a1b2";
  bot.user_type = "project_bot";
  EXPECT_EQ(p->TrustReason(bot, nullptr), "") << "any maintainer can make a project access token";
  EXPECT_EQ(p->TrustReason(Email("maintainer@example.org"), nullptr), "e-mail is in the verified users list");
  int asked = 0;
  auto in_set = [&](const std::string& email) {
    ++asked;
    return email == "someone@gmail.com";
  };
  EXPECT_NE(p->TrustReason(Email("someone@gmail.com"), in_set), "");
  EXPECT_EQ(p->TrustReason(Email("other@gmail.com"), in_set), "");
  EXPECT_EQ(asked, 2);
  EXPECT_EQ(p->TrustReason(Email("[REDACTED]"), in_set), "");
  EXPECT_EQ(p->TrustReason(Email(""), in_set), "");
  EXPECT_EQ(asked, 2) << "no e-mail, nothing to look up";
}

TEST(TrustPolicy, OnlyListedOrInternalBotsAreTrusted) {
  TrustOptions o;
  o.bots = {"Renovate-Bot"};
  auto p = Build(o);
  gitlab::Author bot;
  bot.bot = true;
  bot.username = "renovate-bot";
  bot.user_type = "project_bot";
  EXPECT_EQ(p->TrustReason(bot, nullptr), "author is a bot listed in trust.bots");
  bot.bot = false;
  EXPECT_EQ(p->TrustReason(bot, nullptr), "") << "a human with a bot's name is not the bot";
  gitlab::Author support;
  support.bot = true;
  support.user_type = "support_bot";
  EXPECT_NE(p->TrustReason(support, nullptr), "");
  gitlab::Author claims;
  claims.bot = true;
  claims.user_type = "service_account";
  EXPECT_EQ(p->TrustReason(claims, nullptr), "");
}

TEST(TrustPolicy, EmailRulesNeedAConfirmedAddress) {
  TrustOptions o;
  o.domains = {R"((^|\.)trusted\.edu$)"};
  o.users = {"listed@gmail.com"};
  auto p = Build(o);
  gitlab::Author unconfirmed;
  unconfirmed.email = "anything@trusted.edu";
  EXPECT_EQ(p->TrustReason(unconfirmed, nullptr), "");
  unconfirmed.email = "listed@gmail.com";
  EXPECT_EQ(p->TrustReason(unconfirmed, [](const std::string&) { return true; }), "");
  EXPECT_NE(p->TrustReason(Email("anything@trusted.edu"), nullptr), "");
  EXPECT_NE(p->TrustReason(Email("listed@gmail.com"), nullptr), "");
}

TEST(TrustPolicy, ReadsUpstreamFileFormats) {
  testing::TempDir dir;
  std::ofstream(dir.path() + "/domains.yaml") << "domains:\n  - '\\.edu$'\n  - 'example\\.com$'\n";
  std::ofstream(dir.path() + "/users.yaml") << "users:\n  - verified@gmail.com\n";
  TrustOptions o;
  o.domains_file = dir.path() + "/domains.yaml";
  o.users_file = dir.path() + "/users.yaml";
  auto p = Build(o);
  EXPECT_EQ(p->domain_count(), 2u);
  EXPECT_NE(p->TrustReason(Email("prof@mit.edu"), nullptr), "");
  EXPECT_NE(p->TrustReason(Email("verified@gmail.com"), nullptr), "");
  EXPECT_EQ(p->TrustReason(Email("random@gmail.com"), nullptr), "");
}

TEST(TrustPolicy, BadRegexOrFileIsAnError) {
  TrustOptions o;
  o.domains = {"(unclosed"};
  std::shared_ptr<const TrustPolicy> p;
  std::vector<std::string> w;
  EXPECT_TRUE(TrustPolicy::Build(o, &p, &w).IsInvalidArgument());
  TrustOptions missing;
  missing.domains_file = "/nonexistent/domains.yaml";
  EXPECT_TRUE(TrustPolicy::Build(missing, &p, &w).IsInvalidArgument());
}

TEST(TrustPolicy, KnowsDisposableDomains) {
  auto p = Build(TrustOptions{});
  ASSERT_GT(p->disposable_count(), 1000u) << "the npm list should be installed by scripts/install-deps";
  EXPECT_TRUE(p->IsDisposable("mailinator.com"));
  EXPECT_FALSE(p->IsDisposable("ethz.ch"));
}

TEST(TrustPolicyHolder, ReloadsWhenTheFileChangesAndKeepsTheOldOnError) {
  testing::TempDir dir;
  const std::string path = dir.path() + "/domains.yaml";
  std::ofstream(path) << "domains:\n  - 'a\\.org$'\n";
  TrustOptions o;
  o.domains_file = path;
  TrustPolicyHolder holder(o);
  std::vector<std::string> w;
  ASSERT_TRUE(holder.Load(&w).ok());
  EXPECT_EQ(holder.Get()->domain_count(), 1u);
  bool reloaded = true;
  ASSERT_TRUE(holder.ReloadIfChanged(false, &reloaded, &w).ok());
  EXPECT_FALSE(reloaded) << "unchanged file";
  std::ofstream(path) << "domains:\n  - 'a\\.org$'\n  - 'b\\.org$'\n";
  ASSERT_TRUE(holder.ReloadIfChanged(false, &reloaded, &w).ok());
  EXPECT_TRUE(reloaded);
  EXPECT_EQ(holder.Get()->domain_count(), 2u);
  std::ofstream(path) << "domains:\n  - '(broken'\n";
  EXPECT_FALSE(holder.ReloadIfChanged(false, &reloaded, &w).ok());
  EXPECT_EQ(holder.Get()->domain_count(), 2u) << "a broken file keeps the lists in force";
}

}  // namespace
}  // namespace spamphibian
