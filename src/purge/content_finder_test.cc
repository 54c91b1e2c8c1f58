#include "purge/content_finder.h"

#include <gtest/gtest.h>

#include <map>

namespace spamphibian::purge {
namespace {

using nlohmann::json;

// GitLab's listings as pages, by path without the query; a path listed in
// `failing` answers Unavailable (once per entry).
struct FakeGitLab {
  std::map<std::string, std::vector<json>> pages;
  std::map<std::string, json> objects;
  std::map<std::string, int> failing;
  std::vector<std::string> asked;

  ContentFinder Finder() {
    return ContentFinder(
        [this](const std::string& path, const std::function<bool(const json&)>& on_page) {
          asked.push_back(path);
          const std::string bare = path.substr(0, path.find('?'));
          if (failing[bare] > 0) {
            --failing[bare];
            return Status::Unavailable("GitLab answered 502");
          }
          auto it = pages.find(bare);
          if (it == pages.end()) return Status::NotFound(bare);
          for (const auto& page : it->second) {
            if (!on_page(page)) break;
          }
          return Status::Ok();
        },
        [this](const std::string& path, json* out) {
          auto it = objects.find(path);
          if (it == objects.end()) return Status::NotFound(path);
          *out = it->second;
          return Status::Ok();
        });
  }
};

const json kAuthor = {{"id", 7}, {"username", "spammer"}};

FakeGitLab Spammer() {
  FakeGitLab g;
  g.pages["/users/7/projects"] = {json::array({{{"id", 70}, {"name", "p"}, {"visibility", "public"}, {"creator_id", 7}}})};
  g.pages["/issues"] = {json::array({{{"id", 1}, {"iid", 3}, {"project_id", 5}, {"title", "buy"}, {"author", kAuthor}}}),
                        json::array({{{"id", 2}, {"iid", 4}, {"project_id", 5}, {"title", "buy more"}, {"author", kAuthor}}})};
  g.pages["/merge_requests"] = {json::array()};
  // Every snippet since the sign-up, others' too: only the author's count.
  g.pages["/snippets/all"] = {json::array({{{"id", 80}, {"visibility", "public"}, {"author", kAuthor}},
                                           {{"id", 81}, {"visibility", "public"}, {"author", {{"id", 8}}}}})};
  g.pages["/users/7/memberships"] = {json::array({{{"source_id", 90}, {"source_type", "Namespace"}, {"access_level", 50}},
                                                  {{"source_id", 91}, {"source_type", "Namespace"}, {"access_level", 50}},
                                                  {{"source_id", 92}, {"source_type", "Namespace"}, {"access_level", 30}},
                                                  {{"source_id", 5}, {"source_type", "Project"}, {"access_level", 50}}})};
  g.pages["/groups/90/members/all"] = {json::array({{{"id", 7}}})};
  g.pages["/groups/91/members/all"] = {json::array({{{"id", 7}}, {{"id", 8}}})};
  g.objects["/groups/90"] = {{"id", 90}, {"name", "g"}, {"visibility", "public"}};
  g.pages["/users/7/events"] = {json::array(
      {{{"target_type", "Note"}, {"project_id", 5},
        {"note", {{"id", 100}, {"body", "spam"}, {"noteable_type", "Issue"}, {"noteable_iid", 9}, {"author", kAuthor}}}},
       {{"target_type", "Note"}, {"project_id", 5},
        {"note", {{"id", 101}, {"body", "changed the description"}, {"system", true}, {"noteable_type", "Issue"}}}},
       {{"target_type", "WikiPage::Meta"}, {"project_id", 5}, {"wiki_page", {{"slug", "home"}, {"title", "Home"}}}},
       {{"target_type", nullptr}, {"action_name", "pushed to"}, {"project_id", 5}}})};
  return g;
}

PurgePlan NewPlan(std::size_t max_items = 1000) {
  PurgePlan plan;
  plan.review_id = "r1";
  plan.author.id = 7;
  plan.author.username = "spammer";
  plan.author.created_at = "2026-11-25T00:00:00Z";
  plan.reviewed_item = "issue:5/issues/4";  // the review's own: acted on by the review
  plan.max_items = max_items;
  return plan;
}

std::vector<std::string> Keys(const PurgePlan& plan) {
  std::vector<std::string> keys;
  for (const auto& p : plan.items) keys.push_back(p.item.type + ":" + p.item.id);
  return keys;
}

TEST(ContentFinderTest, FindsEveryListingButTheReviewsOwnItemOthersSnippetsSharedGroupsAndSystemNotes) {
  FakeGitLab g = Spammer();
  PurgePlan plan = NewPlan();
  ASSERT_TRUE(g.Finder().Find(&plan).ok());
  EXPECT_EQ(plan.state, "complete");
  EXPECT_EQ(Keys(plan), (std::vector<std::string>{"project:70", "issue:5/issues/3", "snippet:80", "group:90",
                                                  "note:5/issues/9/notes/100", "wiki_page:5/wikis/home"}));
  for (const auto& p : plan.items) EXPECT_EQ(p.item.author.id, 7) << p.item.type;
  EXPECT_EQ(plan.items[5].item.refs["project_id"], 5) << "a wiki page is addressed under its project";
  // The snippets listing is bounded by the sign-up.
  bool since = false;
  for (const auto& path : g.asked) since = since || path == "/snippets/all?created_after=2026-11-25T00%3A00%3A00Z";
  EXPECT_TRUE(since);
}

TEST(ContentFinderTest, StopsAtMaxItemsAndSaysSo) {
  FakeGitLab g = Spammer();
  PurgePlan plan = NewPlan(2);
  ASSERT_TRUE(g.Finder().Find(&plan).ok());
  EXPECT_EQ(plan.state, "truncated");
  EXPECT_EQ(plan.items.size(), 2u);
  EXPECT_NE(plan.stopped.find("purge_max_items"), std::string::npos);
  // Exactly at the cap with nothing more to list: complete.
  FakeGitLab small;
  small.pages["/users/7/projects"] = {json::array({{{"id", 70}, {"creator_id", 7}}, {{"id", 71}, {"creator_id", 7}}})};
  PurgePlan exact = NewPlan(2);
  ASSERT_TRUE(small.Finder().Find(&exact).ok());
  EXPECT_EQ(exact.state, "complete");
}

TEST(ContentFinderTest, AFailedListingLeavesAPartialPlanThatResumesWithoutListingTwice) {
  FakeGitLab g = Spammer();
  g.failing["/snippets/all"] = 1;
  PurgePlan plan = NewPlan();
  EXPECT_TRUE(g.Finder().Find(&plan).IsUnavailable());
  EXPECT_EQ(plan.state, "partial");
  EXPECT_NE(plan.stopped.find("snippets"), std::string::npos) << plan.stopped;
  EXPECT_EQ(plan.items.size(), 2u) << "what was found so far is kept";
  g.asked.clear();
  ASSERT_TRUE(g.Finder().Find(&plan).ok());
  EXPECT_EQ(plan.state, "complete");
  EXPECT_EQ(plan.items.size(), 6u);
  for (const auto& path : g.asked) {
    EXPECT_TRUE(path.find("/projects") == std::string::npos && !path.starts_with("/issues")) << "read again: " << path;
  }
}

TEST(ContentFinderTest, HostileShapesAreSkippedNotFatal) {
  FakeGitLab g;
  g.pages["/users/7/projects"] = {json::array({1, "x", nullptr, json::array()}), json::object()};
  g.pages["/users/7/events"] = {json::array({{{"target_type", "Note"}, {"note", "not an object"}},
                                             {{"target_type", "WikiPage::Meta"}, {"project_id", 5}, {"wiki_page", {{"slug", ""}}}}})};
  PurgePlan plan = NewPlan();
  ASSERT_TRUE(g.Finder().Find(&plan).ok());
  EXPECT_TRUE(plan.items.empty());
  EXPECT_EQ(plan.state, "complete");
}

}  // namespace
}  // namespace spamphibian::purge
