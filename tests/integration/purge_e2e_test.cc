// "Spam, and everything of this author", end to end through the real
// binary: the real gitlab-sim (its listings with GitLab's paging headers,
// contribution events, memberships), s3rver for the archive, redis-server.
// A spam author's project, issue, merge request, snippet, group and comment
// that no hook announced: the plan lists them before anything is done, the
// answer carries out exactly that plan (hidden, the author banned, each
// archived first, one audit entry for the purge), and both "not spam" and
// `spamphibian restore --purge` bring everything back.
#include <gtest/gtest.h>

#include <fstream>

#include "stages/action_archive.h"
#include "gitlab_sim_process.h"
#include "http/curl_client.h"
#include "http/percent_encoding.h"
#include "redis_server.h"
#include "s3rver_process.h"
#include "spamphibian_process.h"
#include "storage/s3_object_store.h"

namespace spamphibian {
namespace {

using nlohmann::json;
using testing::HttpGet;
using testing::HttpPost;
using testing::WaitFor;

constexpr const char* kToken = "purge-e2e-api-token-0123456789";

// Pages of two, so that every listing spans pages as a large author's would.
const std::string kYaml =
    "pipeline:\n  claim_idle_ms: 3000\n  block_ms: 100\n  max_attempts: 3\n"
    "gitlab:\n  act_deadline_ms: 2000\n  timeout_ms: 2000\n"
    "review:\n  author_action: ban_user\n  purge_max_items: 50\n";

class PurgeE2E : public ::testing::Test {
 protected:
  void SetUp() override {
    auto env = s3_.Env();
    env.insert({{"GITLAB_URL", sim_.url()}, {"GITLAB_API_RATE", "0"}, {"ADMIN_API_TOKEN", kToken}});
    env_ = env;
    service_ = std::make_unique<testing::SpamphibianProcess>(
        redis_, dir_.path(), env, std::vector<std::string>{"serve", "--stages", "events,fetch,trust,classify,archive,act,review"},
        kYaml);
    ASSERT_TRUE(service_->WaitReady()) << service_->log();
  }

  void Add(const std::string& collection, const json& object) {
    ASSERT_EQ(HttpPost(sim_.url() + "/_sim/objects/" + collection, object.dump()).status, 201) << collection;
  }
  // A spam author and their content, none of it announced by a hook but
  // the sign-up. `base` keeps two authors' ids apart.
  void SpamAuthor(std::int64_t id, const std::string& username, bool everything) {
    Add("users", {{"id", id}, {"username", username}, {"name", "Cheap Pills Online"}, {"state", "active"},
                  {"bio", "Buy cheap pills online without prescription https://pills-discount.example.xyz"},
                  {"website_url", "https://pills-discount.example.xyz"}, {"email", username + "@mailinator.com"},
                  {"is_admin", false}, {"bot", false}, {"created_at", "2026-11-25T00:00:00.000Z"}, {"confirmed_at", nullptr},
                  {"web_url", "http://gitlab.sim/" + username}});
    const json author = {{"id", id}, {"username", username}};
    Add("projects", {{"id", id + 1}, {"name", "pills"}, {"path", "pills"}, {"path_with_namespace", username + "/pills"},
                     {"description", "cheap pills"}, {"visibility", "public"}, {"creator_id", id}, {"owner", author},
                     {"web_url", "http://gitlab.sim/" + username + "/pills"}, {"created_at", "2026-11-25T01:00:00.000Z"}});
    Add("notes", {{"id", id + 2}, {"noteable_type", "Issue"}, {"project_id", 300}, {"parent", 1},
                  {"body", "great pills https://pills-discount.example.xyz"}, {"system", false}, {"author", author},
                  {"created_at", "2026-11-25T02:00:00.000Z"}});
    if (!everything) return;
    // Two more comments: with two events a page, the events listing spans two pages.
    for (int k : {7, 8}) {
      Add("notes", {{"id", id + k}, {"noteable_type", "Issue"}, {"project_id", 300}, {"parent", 1},
                    {"body", "more pills"}, {"system", false}, {"author", author}, {"created_at", "2026-11-25T02:30:00.000Z"}});
    }
    Add("issues", {{"id", id + 3}, {"iid", 90}, {"project_id", 300}, {"title", "Cheap pills"},
                   {"description", "https://pills-discount.example.xyz"}, {"confidential", false}, {"state", "opened"},
                   {"author", author}, {"web_url", "http://gitlab.sim/p/300/-/issues/90"},
                   {"created_at", "2026-11-25T03:00:00.000Z"}});
    Add("merge_requests", {{"id", id + 4}, {"iid", 91}, {"project_id", 300}, {"title", "Pills"},
                           {"description", "https://pills-discount.example.xyz"}, {"state", "opened"}, {"author", author},
                           {"web_url", "http://gitlab.sim/p/300/-/merge_requests/91"},
                           {"created_at", "2026-11-25T04:00:00.000Z"}});
    Add("snippets", {{"id", id + 5}, {"title", "pills"}, {"description", ""}, {"file_name", "pills.txt"},
                     {"files", json::array({{{"path", "pills.txt"}}})}, {"visibility", "public"}, {"project_id", nullptr},
                     {"author", author}, {"web_url", "http://gitlab.sim/-/snippets/" + std::to_string(id + 5)},
                     {"created_at", "2026-11-25T05:00:00.000Z"}, {"content", "https://pills-discount.example.xyz"}});
  }
  // The sign-up hook, the only one GitLab sent; its review.
  json Announce(std::int64_t id, const std::string& username) {
    EXPECT_EQ(service_->Post(json{{"event_name", "user_create"}, {"user_id", id}, {"username", username},
                                  {"name", "Cheap Pills Online"}, {"email", username + "@mailinator.com"}}
                                 .dump(),
                             {{"X-Gitlab-Event", "System Hook"}})
                  .status,
              200);
    json found;
    testing::HttpResult last;
    EXPECT_TRUE(WaitFor(
        [&] {
          auto r = last = Get("/api/v1/reviews?state=all&verdict=all&limit=200");
          if (r.status != 200) return false;
          const json page = json::parse(r.body);  // alive for the loop
          for (const auto& review : page["reviews"]) {
            if (review["item"]["author"]["username"] == username) found = review;
          }
          return found.is_object();
        },
        std::chrono::seconds(30)))
        << last.status << " " << last.body;
    return found;
  }
  testing::HttpResult Get(const std::string& path) {
    return HttpGet("http://127.0.0.1:" + std::to_string(service_->admin_port()) + path,
                   {{"Authorization", std::string("Bearer ") + kToken}});
  }
  testing::HttpResult Answer(const std::string& id, const json& body) {
    return HttpPost("http://127.0.0.1:" + std::to_string(service_->admin_port()) + "/api/v1/reviews/" + http::PercentEncode(id),
                    body.dump(), {{"Authorization", std::string("Bearer ") + kToken}, {"Content-Type", "application/json"}});
  }
  json Find(const std::string& collection, std::int64_t id) {
    const json state = sim_.State();  // kept alive for the loop
    for (const auto& o : state[collection]) {
      if (o["id"] == id) return o;
    }
    return nullptr;
  }
  std::vector<json> Audit() {
    std::vector<json> out;
    for (const auto& t : redis_client_->StreamField("spamphibian:audit", "audit")) out.push_back(json::parse(t));
    return out;
  }
  // The audit entries of a purge's items and author (not the purge's own).
  std::vector<json> PurgeActions(const std::string& purge_id, const std::string& status) {
    std::vector<json> out;
    for (const auto& a : Audit()) {
      if (a.value("purge_id", "") == purge_id && a["action"] != "purge" && a["status"] == status) out.push_back(a);
    }
    return out;
  }
  int Writes(const std::string& path) {
    int n = 0;
    for (const auto& r : sim_.Requests()) n += r["method"] != "GET" && r["path"] == path;
    return n;
  }

  testing::RedisServer redis_;
  std::unique_ptr<testing::RedisServer::TestClient> redis_client_ = redis_.Client();
  testing::GitLabSimProcess sim_{{"--max-per-page", "2"}};
  testing::S3rverProcess s3_;
  testing::TempDir dir_;
  http::CurlHttpClient http_;
  storage::S3ObjectStore store_{s3_.Options(), http_};
  std::map<std::string, std::string> env_;
  std::unique_ptr<testing::SpamphibianProcess> service_;
};

TEST_F(PurgeE2E, PlanShownFirstThenEverythingHiddenArchivedFirstAndNotSpamRestoresAll) {
  SpamAuthor(4200, "pills_4200", true);
  // A group they own alone, and one they own with others (not theirs to lose).
  Add("groups", {{"id", 4206}, {"name", "pills-group"}, {"full_path", "pills-group"}, {"visibility", "public"},
                 {"description", "pills"}, {"web_url", "http://gitlab.sim/groups/pills-group"}});
  const json owner = {{"id", 4200}, {"username", "pills_4200"}, {"state", "active"}, {"access_level", 50}};
  Add("group_members", {{"group_id", 4206}, {"member", owner}});
  Add("group_members", {{"group_id", 200}, {"member", owner}});
  const json review = Announce(4200, "pills_4200");
  ASSERT_TRUE(review.is_object());
  const std::string id = review["review_id"];

  // Shown before doing: nothing is written to GitLab by asking.
  sim_.ClearRequests();
  auto r = Get("/api/v1/reviews/" + http::PercentEncode(id) + "/purge-plan");
  ASSERT_EQ(r.status, 200) << r.body;
  const json plan = json::parse(r.body);
  EXPECT_EQ(plan["state"], "complete") << plan.dump();
  EXPECT_EQ(plan["author_action"], "ban_user");
  std::map<std::string, std::string> effect;
  for (const auto& e : plan["items"]) effect[e["item"]["type"].get<std::string>()] = e["effect"];
  EXPECT_EQ(effect, (std::map<std::string, std::string>{{"project", "hide"},
                                                        {"issue", "hide"},
                                                        {"merge_request", "hidden_by_ban"},
                                                        {"snippet", "hide"},
                                                        {"group", "hide"},
                                                        {"note", "hidden_by_ban"}}))
      << plan.dump();
  EXPECT_EQ(plan["items"].size(), 8u) << "neither the review's own item nor a shared group (200) is in the plan";
  EXPECT_EQ(plan["counts"]["note"]["hidden_by_ban"], 3) << "every comment, from both pages of events";
  for (const auto& e : plan["items"]) EXPECT_FALSE(e["item"].contains("text")) << "the page gets titles, not bodies";
  for (const auto& req : sim_.Requests()) EXPECT_EQ(req["method"], "GET") << req.dump();
  // Paged as GitLab pages (two per page here): the events listing was followed to its second page.
  int event_pages = 0;
  for (const auto& req : sim_.Requests()) event_pages += req["path"].get<std::string>().find("/users/4200/events") != std::string::npos;
  EXPECT_EQ(event_pages, 2);

  // Asked again: the same plan (kept), the same id.
  r = Get("/api/v1/reviews/" + http::PercentEncode(id) + "/purge-plan");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(json::parse(r.body)["purge_id"], plan["purge_id"]);
  // An answer quoting another plan is refused; so is a plan without scope author.
  EXPECT_EQ(Answer(id, {{"outcome", "spam"}, {"scope", "author"}, {"purge_plan", "purge-0000"}}).status, 409);
  EXPECT_EQ(Answer(id, {{"outcome", "spam"}, {"purge_plan", plan["purge_id"]}}).status, 400);
  EXPECT_EQ(Get("/api/v1/reviews/no-such-review/purge-plan").status, 404);
  // Each plan found asks GitLab many times: a caller asking over and over is held off.
  int refused = 0;
  for (int i = 0; i < 15; ++i) refused += Get("/api/v1/reviews/" + http::PercentEncode(id) + "/purge-plan").status == 429;
  EXPECT_GT(refused, 0);

  // The answer carries out that plan.
  r = Answer(id, {{"outcome", "spam"}, {"scope", "author"}, {"purge_plan", plan["purge_id"]}});
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_TRUE(WaitFor(
      [&] {
        return Find("users", 4200)["state"] == "banned" && Find("projects", 4201)["visibility"] == "private" &&
               Find("issues", 4203)["confidential"] == true && Find("snippets", 4205)["visibility"] == "private" &&
               Find("groups", 4206)["visibility"] == "private";
      },
      std::chrono::seconds(30)))
      << service_->log();
  // One audit entry for the purge, by the reviewer; every item's action under it, archived first.
  std::vector<json> items;
  ASSERT_TRUE(WaitFor(
      [&] {
        items = PurgeActions(plan["purge_id"], "taken");
        return items.size() == 5;  // project, issue, snippet, group hidden; the author banned
      },
      std::chrono::seconds(20)));
  std::vector<json> purges;
  for (const auto& a : Audit()) {
    if (a["action"] == "purge") purges.push_back(a);
  }
  ASSERT_EQ(purges.size(), 1u);
  EXPECT_EQ(purges[0]["decided_by"], "reviewer api-token (api)");
  EXPECT_EQ(purges[0]["items_to_change"], 4);
  for (const auto& a : items) {
    std::string archived;
    ASSERT_TRUE(store_.Get(a["archive"], &archived).ok()) << a.dump();
    json copy;
    ASSERT_TRUE(FindArchivedAction(archived, a["action_id"], &copy).ok()) << a.dump();
    // Written before the change: the copy shows the item as it was.
    if (a["item_type"] == "project" || a["item_type"] == "snippet" || a["item_type"] == "group") {
      EXPECT_EQ(copy["prior_state"]["visibility"], "public") << a.dump();
    }
    if (a["item_type"] == "issue") {
      EXPECT_EQ(copy["prior_state"]["confidential"], false);
    }
  }
  // Nothing done to GitLab twice.
  EXPECT_EQ(Writes("/api/v4/projects/4201"), 1);
  EXPECT_EQ(Writes("/api/v4/projects/300/issues/90"), 1);
  EXPECT_EQ(Writes("/api/v4/snippets/4205"), 1);
  EXPECT_EQ(Writes("/api/v4/groups/4206"), 1);
  EXPECT_EQ(Writes("/api/v4/groups/200"), 0);
  EXPECT_EQ(Writes("/api/v4/users/4200/ban"), 1);
  EXPECT_EQ(Writes("/api/v4/users/4200/block"), 0) << "banned, not blocked first";

  // "Not spam" on the same review brings back every item and the author.
  r = Answer(id, {{"outcome", "ham"}});
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_TRUE(WaitFor(
      [&] {
        return Find("users", 4200)["state"] == "active" && Find("projects", 4201)["visibility"] == "public" &&
               Find("issues", 4203)["confidential"] == false && Find("snippets", 4205)["visibility"] == "public" &&
               Find("groups", 4206)["visibility"] == "public";
      },
      std::chrono::seconds(30)))
      << service_->log();
  int restores = 0;
  for (const auto& a : Audit()) restores += a["action"] == "restore" && a["status"] == "restored";
  EXPECT_EQ(restores, 5);
}

TEST_F(PurgeE2E, RestoreByPurgeIdBringsEverythingBack) {
  SpamAuthor(4300, "pills_4300", false);
  const json review = Announce(4300, "pills_4300");
  ASSERT_TRUE(review.is_object());
  const std::string id = review["review_id"];
  auto r = Get("/api/v1/reviews/" + http::PercentEncode(id) + "/purge-plan");
  ASSERT_EQ(r.status, 200) << r.body;
  const json plan = json::parse(r.body);
  ASSERT_EQ(plan["items"].size(), 2u) << plan.dump();  // the project and the comment
  ASSERT_EQ(Answer(id, {{"outcome", "spam"}, {"scope", "author"}, {"purge_plan", plan["purge_id"]}}).status, 200);
  ASSERT_TRUE(WaitFor([&] { return Find("users", 4300)["state"] == "banned" && Find("projects", 4301)["visibility"] == "private"; },
                      std::chrono::seconds(30)));
  ASSERT_TRUE(WaitFor([&] { return PurgeActions(plan["purge_id"], "taken").size() == 2; }, std::chrono::seconds(20)));

  const std::string out_file = dir_.path() + "/restore.txt";
  auto env = env_;
  env["REDIS_HOST"] = "127.0.0.1";
  env["REDIS_PORT"] = std::to_string(redis_.port());
  testing::ChildProcess p({SPAMPHIBIAN_BINARY, "restore", "--purge", plan["purge_id"]}, env, out_file);
  ASSERT_EQ(p.Wait(std::chrono::seconds(30)), 0) << testing::ReadFile(out_file);
  EXPECT_EQ(Find("users", 4300)["state"], "active");
  EXPECT_EQ(Find("projects", 4301)["visibility"], "public");
  testing::ChildProcess unknown({SPAMPHIBIAN_BINARY, "restore", "--purge", "purge-unknown"}, env, out_file);
  EXPECT_EQ(unknown.Wait(std::chrono::seconds(30)), 2) << "an unknown purge is bad input";
}

}  // namespace
}  // namespace spamphibian
