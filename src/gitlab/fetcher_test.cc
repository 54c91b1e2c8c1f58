// Fetcher against the real gitlab-sim: every event type the event service
// accepts becomes a normalised item.
#include "gitlab/fetcher.h"

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <set>

#include "events/event_type.h"
#include "gitlab_sim_process.h"
#include "http/curl_client.h"
#include "sim/gitlab_sim.h"

namespace spamphibian::gitlab {
namespace {

class FetcherTest : public ::testing::Test {
 protected:
  FetcherTest() {
    ApiOptions o;
    o.base_url = sim_.url();
    o.token = Secret("t");
    api_ = std::make_unique<GitLabApi>(o, http_, limiter_);
    std::ifstream in(SPAMPHIBIAN_SIM_DATASET);
    dataset_ = nlohmann::json::parse(in);
  }
  testing::GitLabSimProcess sim_;
  http::CurlHttpClient http_;
  RateLimiter limiter_{0, 1};
  std::unique_ptr<GitLabApi> api_;
  nlohmann::json dataset_;
};

TEST_F(FetcherTest, EveryHookOfTheDatasetBecomesAnItem) {
  Fetcher fetcher(*api_);
  std::map<std::string, int> by_type;
  simdjson::dom::parser parser;
  for (const auto& hook : sim::HookPayloads(dataset_)) {
    const std::string body = hook["payload"].dump();
    simdjson::dom::element doc;
    ASSERT_EQ(parser.parse(body).get(doc), simdjson::SUCCESS);
    const std::string event_type(DetectEventType(doc, hook["event"].get<std::string>()));
    ASSERT_FALSE(event_type.empty()) << body;
    std::vector<Item> items;
    Status s = fetcher.Fetch(event_type, hook["payload"], &items);
    ASSERT_TRUE(s.ok()) << event_type << ": " << s.ToString() << " " << body;
    ASSERT_EQ(items.size(), 1u);
    const Item& item = items[0];
    EXPECT_EQ(item.type, ItemTypeOf(event_type));
    EXPECT_EQ(item.event_type, event_type);
    EXPECT_FALSE(item.id.empty());
    EXPECT_FALSE(item.text.empty()) << event_type;
    EXPECT_NE(item.author.id, 0) << event_type << " " << item.id;
    EXPECT_NE(item.author.email.find('@'), std::string::npos) << "the API's e-mail, not the hook's [REDACTED]";
    ++by_type[item.type];
  }
  for (const char* type : {"user", "project", "group", "issue", "note", "merge_request", "wiki_page", "snippet"}) {
    EXPECT_GT(by_type[type], 0) << type;
  }
}

TEST_F(FetcherTest, UserItemCarriesTheProfileText) {
  Fetcher fetcher(*api_);
  std::vector<Item> items;
  ASSERT_TRUE(fetcher.Fetch("user_create", {{"event_name", "user_create"}, {"user_id", 102}}, &items).ok());
  const Item& u = items[0];
  EXPECT_EQ(u.author.username, "quickbooks_help_desk");
  EXPECT_NE(u.Text("bio").find("+1-888-555-0199"), std::string::npos);
  EXPECT_EQ(u.Text("website_url"), "https://qb-support-247.example.top");
}

TEST_F(FetcherTest, ProjectItemCarriesItsReadme) {
  Fetcher fetcher(*api_);
  std::vector<Item> items;
  ASSERT_TRUE(fetcher.Fetch("project_create", {{"event_name", "project_create"}, {"project_id", 312}}, &items).ok());
  EXPECT_EQ(items[0].Text("path"), "watch_movies_free/watch-movie-online-free-hd");
  EXPECT_NE(items[0].Text("readme").find("https://movies.example.cc/watch"), std::string::npos);
  items.clear();
  // A project without a README is fetched all the same.
  ASSERT_TRUE(fetcher.Fetch("project_create", {{"event_name", "project_create"}, {"project_id", 301}}, &items).ok());
  EXPECT_TRUE(items[0].Text("readme").empty());
}

TEST_F(FetcherTest, AMergeRequestsAddedLinesAreRead) {
  Fetcher fetcher(*api_);
  std::vector<Item> items;
  ASSERT_TRUE(fetcher.Fetch("merge_request_open",
                            {{"object_kind", "merge_request"}, {"project", {{"id", 307}}}, {"object_attributes", {{"iid", 3}}}},
                            &items)
                  .ok());
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].Text("title"), "Update README");
  EXPECT_NE(items[0].Text("added_lines").find("https://keto-gummies.example.health"), std::string::npos);
  EXPECT_EQ(items[0].Text("added_lines").find("# Project"), std::string::npos) << "context lines are not added lines";
}

TEST_F(FetcherTest, EveryFileOfAMultiFileSnippetIsRead) {
  Fetcher fetcher(*api_);
  Item item;
  ASSERT_TRUE(fetcher.FetchSnippet(0, 707, &item).ok());
  EXPECT_EQ(item.Text("file_names"), "movers.html, contact.txt");
  EXPECT_NE(item.Text("content").find("movers-dubai.example.ae"), std::string::npos) << "the first file";
  EXPECT_NE(item.Text("content").find("Movers Dubai hotline"), std::string::npos) << "the second file";
  EXPECT_EQ(item.refs["files"], nlohmann::json({"movers.html", "contact.txt"}));
}

TEST_F(FetcherTest, SnippetContentIsCappedAndFilesListed) {
  Fetcher fetcher(*api_);
  Item item;
  ASSERT_TRUE(fetcher.FetchSnippet(0, 704, &item).ok());
  EXPECT_EQ(item.Text("file_names"), "office-2026-activator.txt");
  EXPECT_NE(item.Text("content").find("crack"), std::string::npos);
  EXPECT_LE(item.Text("content").size(), 64u << 10);
}

TEST_F(FetcherTest, GroupAuthorIsTheHighestAccessMember) {
  Fetcher fetcher(*api_);
  std::vector<Item> items;
  ASSERT_TRUE(fetcher.Fetch("group_create", {{"event_name", "group_create"}, {"group_id", 203}}, &items).ok());
  EXPECT_EQ(items[0].author.username, "casino_bonus_888");
}

TEST_F(FetcherTest, DeletedItemIsNotFound) {
  Fetcher fetcher(*api_);
  std::vector<Item> items;
  EXPECT_TRUE(fetcher.Fetch("user_create", {{"event_name", "user_create"}, {"user_id", 424242}}, &items).IsNotFound());
  EXPECT_TRUE(fetcher.Fetch("user_create", {{"event_name", "user_create"}}, &items).IsInvalidArgument());
}

TEST_F(FetcherTest, SnippetCheckFansOutOverNewSnippetsOnly) {
  Fetcher fetcher(*api_);
  std::set<std::int64_t> seen = {700, 701, 702};
  std::vector<Item> items;
  ASSERT_TRUE(fetcher
                  .Fetch("snippet_check", {{"event_name", "snippet_check"}}, &items,
                         [&](std::int64_t id, const std::string&) { return seen.count(id) == 0; })
                  .ok());
  EXPECT_EQ(items.size(), 5u);
  for (const Item& i : items) EXPECT_EQ(seen.count(std::stoll(i.id)), 0u);
}

// A Fetcher talking to its own gitlab-sim started with `args`.
struct SimFetcher {
  explicit SimFetcher(std::vector<std::string> args = {}) : sim(std::move(args)) {
    ApiOptions o;
    o.base_url = sim.url();
    api = std::make_unique<GitLabApi>(o, http, limiter);
    fetcher = std::make_unique<Fetcher>(*api);
  }
  testing::GitLabSimProcess sim;
  http::CurlHttpClient http;
  RateLimiter limiter{0, 1};
  std::unique_ptr<GitLabApi> api;
  std::unique_ptr<Fetcher> fetcher;
};

TEST(FetcherPaging, SnippetCheckStopsAtThePageWhereNothingIsNew) {
  SimFetcher s({"--max-per-page", "3"});
  Fetcher& fetcher = *s.fetcher;
  std::vector<Item> items;
  // Only the newest snippet (707) is new: page 1 (707, 706, 705) has it,
  // page 2 (704, 703, 702) has nothing new, so page 3 is never asked for.
  ASSERT_TRUE(fetcher
                  .Fetch("snippet_check", {{"event_name", "snippet_check"}}, &items,
                         [](std::int64_t id, const std::string&) { return id == 707; })
                  .ok());
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].id, "707");
  EXPECT_EQ(s.sim.CountRequests("/api/v4/snippets/public"), 2);
}

TEST(FetcherEmail, HookEmailServesOnlyWhenTheApiHasNone) {
  SimFetcher admin;
  Fetcher& fetcher = *admin.fetcher;
  std::vector<Item> items;
  ASSERT_TRUE(fetcher.Fetch("user_create", {{"event_name", "user_create"}, {"user_id", 101}, {"email", "old@hook.example"}},
                            &items)
                  .ok());
  EXPECT_EQ(items[0].author.email, "seo_links_4u@mailinator.com");
  EXPECT_EQ(items[0].author.email_source, "api");

  // A token that sees no e-mails: the hook's copy serves, unless redacted.
  SimFetcher blind({"--hide-emails"});
  Fetcher& blind_fetcher = *blind.fetcher;
  items.clear();
  ASSERT_TRUE(blind_fetcher
                  .Fetch("user_create", {{"event_name", "user_create"}, {"user_id", 101}, {"email", "hooked@example.org"}},
                         &items)
                  .ok());
  EXPECT_EQ(items[0].author.email, "hooked@example.org");
  EXPECT_EQ(items[0].author.email_source, "hook");
  items.clear();
  ASSERT_TRUE(blind_fetcher
                  .Fetch("user_create", {{"event_name", "user_create"}, {"user_id", 101}, {"email", "[REDACTED]"}}, &items)
                  .ok());
  EXPECT_EQ(items[0].author.email, "");
}

}  // namespace
}  // namespace spamphibian::gitlab
