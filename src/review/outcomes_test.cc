#include "review/outcomes.h"

#include <gtest/gtest.h>

namespace spamphibian::review {
namespace {

using nlohmann::json;

Review Of(const std::string& type) {
  Review r;
  r.id = "classify-1";
  r.state = kPending;
  r.decision = {{"decision_id", "classify-1"}, {"item_type", type}, {"item_id", "41"}, {"verdict", "spam"},
                {"item", {{"type", type}, {"id", "41"}, {"author", {{"id", 41}, {"username", "spammer"}}}}}};
  return r;
}

json Actions(const std::string& type, const std::string& scope, ReviewPolicy policy) {
  const Answer a = BuildAnswer(Of(type), {"spam", scope, false}, {"ann", "page"}, policy);
  return json::parse(a.reviewed_decision)["review"]["actions"];
}

TEST(BuildAnswer, TheAuthorGetsOneActionAsConfigured) {
  ReviewPolicy block;
  EXPECT_EQ(Actions("issue", "item", block), json::array({"quarantine"}));
  EXPECT_EQ(Actions("issue", "author", block), json::array({"quarantine", "block_user"}));
  EXPECT_EQ(Actions("user", "author", block), json::array({"quarantine"})) << "a user's quarantine is the block";
  ReviewPolicy ban;
  ban.author_action = "ban_user";
  EXPECT_EQ(Actions("issue", "author", ban), json::array({"quarantine", "ban_user"}));
  EXPECT_EQ(Actions("user", "author", ban), json::array({"ban_user"})) << "banned, not blocked first";
  ReviewPolicy deletes;
  deletes.on_spam = {{"user", {"delete"}}, {"note", {"delete", "block_user"}}};
  deletes.author_action = "ban_user";
  EXPECT_EQ(Actions("user", "author", deletes), json::array({"delete"})) << "nothing after a user's own delete";
  EXPECT_EQ(Actions("note", "author", deletes), json::array({"delete", "ban_user"}));
}

TEST(BuildAnswer, APurgeTravelsWithTheSpamAnswerAndNotSpamUndoesIt) {
  ReviewPolicy policy;
  OutcomeRequest spam{"spam", "author", false};
  spam.purge = {{"purge_id", "purge-1"}, {"counts", {{"project", {{"hide", 1}}}}}, {"items", json::array()}};
  const Answer a = BuildAnswer(Of("user"), spam, {"ann", "page"}, policy);
  EXPECT_EQ(json::parse(a.reviewed_decision)["review"]["purge"]["purge_id"], "purge-1");
  EXPECT_EQ(a.record["purge_id"], "purge-1");
  EXPECT_EQ(json::parse(a.audit)["purge_id"], "purge-1");

  Review answered = Of("user");
  answered.state = kConfirmedSpam;
  answered.answers.push_back(a.record);
  const Answer ham = BuildAnswer(answered, {"ham", "item", false}, {"bob", "page"}, policy);
  EXPECT_EQ(json::parse(ham.reviewed_decision)["review"]["purge_id"], "purge-1");
  // Without an archive nothing is changed in GitLab, and there is no purge.
  policy.can_act = false;
  EXPECT_FALSE(json::parse(BuildAnswer(Of("user"), spam, {"ann", "page"}, policy).reviewed_decision)["review"].contains("purge"));
}

}  // namespace
}  // namespace spamphibian::review
