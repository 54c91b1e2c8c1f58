#include "inline_check/inline_request.h"

#include <gtest/gtest.h>

namespace spamphibian::inline_check {
namespace {

const auto kNow = std::chrono::system_clock::from_time_t(1800000000);  // 2027-01-15T08:00:00Z

spamcheck::User User() {
  spamcheck::User u;
  u.set_id(41);
  u.set_username("ada");
  u.set_org("Analytical Engines");
  auto* e = u.add_emails();
  e->set_email("ada@old-mail.example");
  e->set_verified(false);
  e = u.add_emails();
  e->set_email("ada@engines.example");
  e->set_verified(true);
  u.mutable_created_at()->set_seconds(1800000000 - 10 * 86400);
  (*u.mutable_abuse_metadata())["account_age"] = 10;
  (*u.mutable_abuse_metadata())["two_factor_enabled"] = 1;
  return u;
}

TEST(InlineRequest, AnIssueIsTheItemTheFetchStageWouldBuild) {
  spamcheck::Issue issue;
  *issue.mutable_user() = User();
  issue.set_title("Crash on save");
  issue.set_description("It crashes.");
  issue.set_action(spamcheck::UPDATE);
  issue.set_user_in_project(true);
  issue.mutable_project()->set_project_id(5);
  issue.mutable_project()->set_project_path("engines/difference");
  issue.mutable_created_at()->set_seconds(1800000000 - 60);
  InlineRequest r;
  ASSERT_TRUE(FromIssue(issue, kNow, &r).ok());
  EXPECT_EQ(r.method, "issue");
  EXPECT_EQ(r.item.type, "issue");
  EXPECT_EQ(r.item.event_type, "inline_check");
  ASSERT_EQ(r.item.text.size(), 2u);
  EXPECT_EQ(r.item.Text("title"), "Crash on save");
  EXPECT_EQ(r.item.Text("description"), "It crashes.");
  EXPECT_EQ(r.item.created_at, "2027-01-15T07:59:00Z");
  // The first verified e-mail stands for the account, confirmed.
  EXPECT_EQ(r.item.author.email, "ada@engines.example");
  EXPECT_FALSE(r.item.author.confirmed_at.empty());
  EXPECT_EQ(r.item.author.id, 41);
  EXPECT_EQ(r.item.author.username, "ada");
  EXPECT_EQ(r.item.author.created_at, "2027-01-05T08:00:00Z");
  EXPECT_EQ(r.emails.size(), 2u);
  EXPECT_EQ(r.action, "update");
  EXPECT_TRUE(r.user_in_project);
  EXPECT_TRUE(r.two_factor);
  EXPECT_EQ(r.project_id, 5);
  EXPECT_EQ(r.project_path, "engines/difference");
  // The organization is shown, never judged: a saved issue's text lacks it.
  EXPECT_EQ(r.org, "Analytical Engines");
  EXPECT_EQ(r.item.Text("organization"), "");
}

TEST(InlineRequest, WithoutAVerifiedAddressTheAccountIsUnconfirmedAndItsAgeComesFromGitLab) {
  spamcheck::Issue issue;
  auto* u = issue.mutable_user();
  u->set_username("new");
  auto* e = u->add_emails();
  e->set_email("new@mail.example");
  (*u->mutable_abuse_metadata())["account_age"] = 2;
  issue.set_title("hello");
  InlineRequest r;
  ASSERT_TRUE(FromIssue(issue, kNow, &r).ok());
  EXPECT_EQ(r.item.author.email, "new@mail.example");
  EXPECT_TRUE(r.item.author.confirmed_at.empty());
  EXPECT_EQ(r.item.author.created_at, "2027-01-13T08:00:00Z");
  EXPECT_EQ(r.action, "create");
  EXPECT_EQ(r.item.created_at, "2027-01-15T08:00:00Z");  // not sent: now
}

TEST(InlineRequest, ASnippetIsJudgedByItsTitleDescriptionAndFileNames) {
  spamcheck::Snippet snippet;
  *snippet.mutable_user() = User();
  snippet.set_title("casino");
  snippet.add_files()->set_path("bonus.md");
  snippet.add_files()->set_path("spins.txt");
  InlineRequest r;
  ASSERT_TRUE(FromSnippet(snippet, kNow, &r).ok());
  EXPECT_EQ(r.item.type, "snippet");
  EXPECT_EQ(r.item.Text("title"), "casino");
  EXPECT_EQ(r.item.Text("file_names"), "bonus.md, spins.txt");
  EXPECT_EQ(r.item.visibility, "public");
  snippet.set_visibility("internal");
  ASSERT_TRUE(FromSnippet(snippet, kNow, &r).ok());
  EXPECT_EQ(r.item.visibility, "internal");
}

TEST(InlineRequest, AGenericIsJudgedAsItsType) {
  spamcheck::Generic g;
  *g.mutable_user() = User();
  g.set_type("note");
  g.set_text("Thanks!\nWorks now.");
  InlineRequest r;
  ASSERT_TRUE(FromGeneric(g, kNow, &r).ok());
  EXPECT_EQ(r.item.type, "note");
  EXPECT_EQ(r.item.Text("body"), "Thanks!\nWorks now.");

  // GitLab joins a merge request's title and description with a newline.
  g.set_type("merge_request");
  g.set_text("Fix the build\nThe linker needs -lm.\nAnd -ldl.");
  ASSERT_TRUE(FromGeneric(g, kNow, &r).ok());
  EXPECT_EQ(r.item.type, "merge_request");
  EXPECT_EQ(r.item.Text("title"), "Fix the build");
  EXPECT_EQ(r.item.Text("description"), "The linker needs -lm.\nAnd -ldl.");

  g.set_type("wiki_page");
  g.set_text("Home\nWelcome");
  ASSERT_TRUE(FromGeneric(g, kNow, &r).ok());
  EXPECT_EQ(r.item.Text("content"), "Welcome");

  // A kind this product has no model for is read as a comment.
  g.set_type("milestone");
  g.set_text("v2.0\nThe big one");
  ASSERT_TRUE(FromGeneric(g, kNow, &r).ok());
  EXPECT_EQ(r.item.type, "note");
  EXPECT_EQ(r.sent_type, "milestone");
  EXPECT_EQ(r.item.Text("body"), "v2.0\nThe big one");
}

TEST(InlineRequest, WhatCannotBeJudgedIsNamed) {
  InlineRequest r;
  spamcheck::Issue no_user;
  no_user.set_title("x");
  Status s = FromIssue(no_user, kNow, &r);
  EXPECT_TRUE(s.IsInvalidArgument());
  EXPECT_NE(s.message().find("user"), std::string::npos);

  spamcheck::Issue empty;
  *empty.mutable_user() = User();
  s = FromIssue(empty, kNow, &r);
  EXPECT_TRUE(s.IsInvalidArgument());
  EXPECT_NE(s.message().find("no text"), std::string::npos);

  spamcheck::Generic untyped;
  *untyped.mutable_user() = User();
  untyped.set_text("x");
  s = FromGeneric(untyped, kNow, &r);
  EXPECT_TRUE(s.IsInvalidArgument());
  EXPECT_NE(s.message().find("type"), std::string::npos);
}

TEST(InlineRequest, LongTextIsBoundedOnACharacterBoundary) {
  spamcheck::Issue issue;
  *issue.mutable_user() = User();
  std::string long_text(kMaxTextBytes - 1, 'a');
  long_text += "é and more";  // the budget ends inside "é"
  issue.set_title(long_text);
  issue.set_description("never read");
  InlineRequest r;
  ASSERT_TRUE(FromIssue(issue, kNow, &r).ok());
  EXPECT_EQ(r.item.Text("title").size(), kMaxTextBytes - 1);
  EXPECT_EQ(r.item.Text("description"), "");
}

}  // namespace
}  // namespace spamphibian::inline_check
