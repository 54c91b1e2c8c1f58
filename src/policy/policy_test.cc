#include "policy/policy.h"

#include <gtest/gtest.h>

#include <fstream>

#include "child_process.h"

namespace spamphibian::policy {
namespace {

Status Parse(const std::string& yaml, Policy* p) {
  testing::TempDir dir;
  const std::string path = dir.path() + "/c.yaml";
  std::ofstream(path) << yaml;
  return LoadPolicy(path, p);
}

TEST(Policy, NoSectionIsMonitorModeAndDryRun) {
  Policy p;
  ASSERT_TRUE(Parse("server:\n  port: 8000\n", &p).ok());
  EXPECT_TRUE(p.monitor_mode());
  EXPECT_TRUE(p.dry_run);
  EXPECT_EQ(p.Actions("user", "spam"), std::vector<std::string>{"notify"});
  EXPECT_EQ(p.Actions("snippet", "suspicious"), std::vector<std::string>{"notify"});
  EXPECT_TRUE(p.Actions("user", "ham").empty());
  EXPECT_TRUE(p.Actions("user", "trusted").empty());
  ASSERT_TRUE(LoadPolicy("", &p).ok());
  EXPECT_TRUE(p.monitor_mode());
}

TEST(Policy, TheIssuesExample) {
  Policy p;
  Status s = Parse(R"(policy:
  dry_run: false
  max_destructive_actions_per_minute: 30
  user:
    spam: [notify, quarantine]
    suspicious: [notify]
  snippet:
    spam: [notify, delete]
)", &p);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_FALSE(p.dry_run);
  EXPECT_FALSE(p.monitor_mode());
  EXPECT_EQ(p.max_destructive_actions_per_minute, 30);
  EXPECT_EQ(p.Actions("user", "spam"), (std::vector<std::string>{"notify", "quarantine"}));
  EXPECT_EQ(p.Actions("snippet", "spam"), (std::vector<std::string>{"notify", "delete"}));
  EXPECT_EQ(p.Actions("issue", "spam"), std::vector<std::string>{"notify"}) << "types not named: monitor";
  EXPECT_TRUE(p.dry_run == false);
}

TEST(Policy, ThresholdsAndYoungAccounts) {
  Policy p;
  ASSERT_TRUE(Parse(R"(policy:
  user:
    spam: [block_user]
    thresholds: {spam: 0.95, suspicious: 0.7}
    young_account: {days: 1, spam: 0.6, suspicious: 0.3}
)", &p).ok());
  EXPECT_EQ(p.Verdict("user", "spam", 0.9, 400.0), "suspicious") << "stricter threshold for spam of old accounts";
  EXPECT_EQ(p.Verdict("user", "ham", 0.65, 0.2), "spam") << "a day-old account: 0.6 is enough";
  EXPECT_EQ(p.Verdict("user", "ham", 0.65, std::nullopt), "ham") << "age unknown: the normal thresholds";
  EXPECT_EQ(p.Verdict("issue", "spam", 0.1, 0.1), "spam") << "no thresholds for the type: the decision's verdict";
  EXPECT_EQ(p.Verdict("user", "trusted", 0.99, 0.1), "trusted");
  // Words alone are never acted on as spam, whatever the policy's thresholds.
  EXPECT_EQ(p.Verdict("user", "ham", 0.65, 0.2, true), "suspicious") << "a day-old account, but only words";
  EXPECT_EQ(p.Verdict("issue", "spam", 0.99, 0.1, true), "suspicious");
  EXPECT_EQ(p.Verdict("user", "trusted", 0.99, 0.1, true), "trusted");
  EXPECT_TRUE(p.JudgesByScore("user"));
  EXPECT_FALSE(p.JudgesByScore("issue")) << "ham stays ham: the act stage need not read the score";
  ASSERT_TRUE(Parse("policy:\n  note:\n    spam: [quarantine]\n    young_account: {days: 2, spam: 0.6, suspicious: 0.3}\n", &p).ok());
  EXPECT_TRUE(p.JudgesByScore("note")) << "a young account's thresholds alone";
}

TEST(Policy, BadInputIsNamed) {
  Policy p;
  auto error = [&](const std::string& yaml) { return Parse(yaml, &p).message(); };
  EXPECT_NE(error("policy:\n  user:\n    spam: [nuke]\n").find("policy.user.spam: unknown action 'nuke'"), std::string::npos);
  EXPECT_NE(error("policy:\n  robot:\n    spam: [notify]\n").find("policy.robot"), std::string::npos);
  EXPECT_NE(error("policy:\n  dry_run: maybe\n").find("policy.dry_run"), std::string::npos);
  EXPECT_NE(error("policy:\n  user:\n    thresholds: {spam: 2, suspicious: 0.5}\n").find("between 0 and 1"), std::string::npos);
  EXPECT_NE(error("policy:\n  user:\n    young_account: {spam: 0.5, suspicious: 0.2}\n").find("days"), std::string::npos);
}

TEST(Policy, TheInlineCheckAllowsEverythingUnlessTold) {
  Policy p;
  ASSERT_TRUE(Parse("server:\n  port: 8000\n", &p).ok());
  EXPECT_TRUE(p.inline_monitor_mode());
  EXPECT_EQ(p.InlineVerdict("issue", "spam"), "ALLOW");

  ASSERT_TRUE(Parse(R"(policy:
  inline:
    issue: {spam: DISALLOW, suspicious: CONDITIONAL_ALLOW}
    note: {spam: BLOCK}
)", &p).ok());
  EXPECT_FALSE(p.inline_monitor_mode());
  EXPECT_EQ(p.InlineVerdict("issue", "spam"), "DISALLOW");
  EXPECT_EQ(p.InlineVerdict("issue", "suspicious"), "CONDITIONAL_ALLOW");
  EXPECT_EQ(p.InlineVerdict("issue", "ham"), "ALLOW");
  EXPECT_EQ(p.InlineVerdict("note", "spam"), "BLOCK");
  EXPECT_EQ(p.InlineVerdict("note", "suspicious"), "ALLOW");  // not named
  EXPECT_EQ(p.InlineVerdict("snippet", "spam"), "ALLOW");     // type not named
  // The act stage's policy is untouched by it.
  EXPECT_TRUE(p.monitor_mode());
}

TEST(Policy, BadInlinePoliciesAreNamed) {
  Policy p;
  Status s = Parse("policy:\n  inline:\n    issue: {spam: REJECT}\n", &p);
  EXPECT_NE(s.message().find("policy.inline.issue.spam"), std::string::npos) << s.message();
  s = Parse("policy:\n  inline:\n    user: {spam: DISALLOW}\n", &p);
  EXPECT_NE(s.message().find("policy.inline.user"), std::string::npos) << s.message();
  s = Parse("policy:\n  inline:\n    note: {ham: DISALLOW}\n", &p);
  EXPECT_NE(s.message().find("policy.inline.note.ham"), std::string::npos) << s.message();
  s = Parse("policy:\n  inline: [issue]\n", &p);
  EXPECT_FALSE(s.ok());
}

TEST(PolicyHolder, ReloadKeepsTheOldPolicyOnError) {
  testing::TempDir dir;
  const std::string path = dir.path() + "/c.yaml";
  std::ofstream(path) << "policy:\n  dry_run: false\n  user:\n    spam: [block_user]\n";
  PolicyHolder holder(path);
  ASSERT_TRUE(holder.Load().ok());
  EXPECT_FALSE(holder.Get()->dry_run);
  std::ofstream(path) << "policy:\n  user:\n    spam: [explode]\n";
  bool reloaded = true;
  EXPECT_FALSE(holder.ReloadIfChanged(true, &reloaded).ok());
  EXPECT_FALSE(reloaded);
  EXPECT_EQ(holder.Get()->Actions("user", "spam"), std::vector<std::string>{"block_user"});
}

}  // namespace
}  // namespace spamphibian::policy
