#include "purge/purge_plan.h"

#include <gtest/gtest.h>

#include "gitlab/normalize.h"

namespace spamphibian::purge {
namespace {

using nlohmann::json;

PlanItem Listed(const std::string& type, const json& api) {
  PlanItem p;
  EXPECT_TRUE(gitlab::Normalize(type, api, &p.item).ok());
  p.item.author.id = 7;
  p.item.author.username = "spammer";
  return p;
}

PurgePlan Plan(const std::string& author_action) {
  PurgePlan plan;
  plan.review_id = "r1";
  plan.author.id = 7;
  plan.author_action = author_action;
  plan.state = "complete";
  plan.items = {Listed("project", {{"id", 70}, {"visibility", "public"}}),
                Listed("project", {{"id", 71}, {"visibility", "private"}}),
                Listed("issue", {{"iid", 3}, {"project_id", 5}, {"title", "buy pills"}, {"description", std::string(20000, 'x')}}),
                Listed("note", {{"id", 100}, {"project_id", 5}, {"noteable_type", "Issue"}, {"noteable_iid", 9}, {"body", "spam"}}),
                Listed("wiki_page", {{"slug", "home"}, {"title", "Home"}})};
  plan.items.back().item.refs["project_id"] = 5;
  return plan;
}

TEST(PurgePlanTest, EachItemGetsTheReviewPolicysActionOrSaysWhyNot) {
  PurgePlan plan = Plan("block_user");
  AssignActions(review::ReviewPolicy{}, &plan);
  std::vector<std::string> effects;
  for (const auto& p : plan.items) effects.push_back(p.effect);
  EXPECT_EQ(effects, (std::vector<std::string>{"hide", "kept", "hide", "kept", "kept"}));
  EXPECT_EQ(plan.items[1].why, "already private");
  EXPECT_NE(plan.items[3].why.find("no reversible form"), std::string::npos) << plan.items[3].why;
  EXPECT_EQ(Summary(plan), (json{{"project", {{"hide", 1}, {"kept", 1}}}, {"issue", {{"hide", 1}}},
                                 {"note", {{"kept", 1}}}, {"wiki_page", {{"kept", 1}}}}));

  // Banned, GitLab hides the author's issues, merge requests and comments itself;
  // delete where the operator says so.
  PurgePlan banned = Plan("ban_user");
  review::ReviewPolicy policy;
  policy.on_spam = {{"wiki_page", {"delete"}}};
  AssignActions(policy, &banned);
  EXPECT_EQ(banned.items[3].effect, "hidden_by_ban");
  EXPECT_EQ(banned.items[4].effect, "delete");
  EXPECT_EQ(banned.items[4].actions, (std::vector<std::string>{"delete"}));
  EXPECT_NE(banned.purge_id, plan.purge_id) << "another plan, another id";
}

TEST(PurgePlanTest, TheIdNamesExactlyTheItemsAndActions) {
  PurgePlan a = Plan("block_user"), b = Plan("block_user");
  AssignActions(review::ReviewPolicy{}, &a);
  AssignActions(review::ReviewPolicy{}, &b);
  EXPECT_EQ(a.purge_id, b.purge_id);
  EXPECT_TRUE(a.purge_id.starts_with("purge-"));
  b.items.pop_back();
  AssignActions(review::ReviewPolicy{}, &b);
  EXPECT_NE(a.purge_id, b.purge_id);
}

TEST(PurgePlanTest, StoredPlansReadBackAndPeopleSeeTitlesNotBodies) {
  PurgePlan plan = Plan("ban_user");
  AssignActions(review::ReviewPolicy{}, &plan);
  plan.sources_done = {"projects", "issues"};
  PurgePlan back;
  ASSERT_TRUE(FromJson(ToJson(plan), &back).ok());
  EXPECT_EQ(back.purge_id, plan.purge_id);
  EXPECT_EQ(back.items.size(), plan.items.size());
  EXPECT_EQ(back.sources_done, plan.sources_done);
  EXPECT_EQ(back.items[2].item.Text("description").size(), 8192u) << "text kept, bounded";
  const json shown = ToJson(plan, true);
  EXPECT_EQ(shown["items"][2]["item"]["title"], "buy pills");
  EXPECT_FALSE(shown["items"][2]["item"].contains("text"));
  EXPECT_FALSE(FromJson(json::array(), &back).ok());
  EXPECT_FALSE(FromJson({{"items", json::array({{{"item", 5}}})}}, &back).ok());
}

TEST(PurgePlanTest, TheActStageGetsOneReviewedDecisionPerItemToChange) {
  PurgePlan plan = Plan("block_user");
  AssignActions(review::ReviewPolicy{}, &plan);
  const json purge = ForAct(plan);
  ASSERT_EQ(purge["items"].size(), 2u) << "only items with something to send";
  const auto decisions = ItemDecisions(purge, {{"review_id", "r1"}, {"reviewer", "ana"}, {"via", "page"}}, "now");
  ASSERT_EQ(decisions.size(), 2u);
  const json& d = decisions[0];
  EXPECT_EQ(d["decision_id"], plan.purge_id + "-1");
  EXPECT_EQ(d["verdict"], "spam");
  EXPECT_EQ(d["item_type"], "project");
  EXPECT_EQ(d["review"]["actions"], json::array({"quarantine"}));
  EXPECT_EQ(d["review"]["scope"], "purge");
  EXPECT_EQ(d["review"]["review_id"], "r1");
  EXPECT_EQ(d["review"]["reviewer"], "ana");
  gitlab::Item item;
  EXPECT_TRUE(gitlab::FromJson(d["item"], &item).ok());
  EXPECT_EQ(item.visibility, "public") << "the item as it was, for the archive and restore";
}

}  // namespace
}  // namespace spamphibian::purge
