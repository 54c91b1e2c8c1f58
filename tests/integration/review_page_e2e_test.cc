// The review page in a real browser: Debian's chromium driven by
// puppeteer-core (tests/browser/review_page.mjs) against the real binary,
// gitlab-sim (GitLab and its OAuth provider), s3rver and redis-server. The
// script signs in, clicks and checks the page; this test prepares the
// reviews it clicks and checks GitLab, S3 and the audit afterwards.
// Skipped (with a message) where chromium is not installed.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "child_process.h"
#include "gitlab_sim_process.h"
#include "http/curl_client.h"
#include "http/percent_encoding.h"
#include "redis_server.h"
#include "s3rver_process.h"
#include "sim/gitlab_sim.h"
#include "spamphibian_process.h"
#include "storage/s3_object_store.h"

namespace spamphibian {
namespace {

using nlohmann::json;
using testing::WaitFor;

constexpr const char* kToken = "review-page-api-token-0123456789";

// A sign-up whose profile attacks the page that will show it.
json HostileUser() {
  return {{"id", 9001},
          {"username", "xss_tester"},
          {"name", "<script>window.__pwned=1</script>Cheap SEO"},
          {"state", "active"},
          {"bio", "<img src=x onerror=\"window.__pwned=2\"> Buy backlinks <a href=\"javascript:window.__pwned=3\">here</a> "
                  "https://cheap-seo.example.xyz/buy?x=<b>now</b> \u202Etxt.exe\u200B casino bonus, the best offer for you"},
          {"website_url", "javascript:window.__pwned=4"},
          {"location", ""},
          {"organization", ""},
          {"job_title", ""},
          {"email", "xss_tester@mailinator.com"},
          {"is_admin", false},
          {"bot", false},
          {"created_at", "2026-11-28T00:00:00.000Z"},
          {"confirmed_at", nullptr},
          {"web_url", "http://gitlab.sim/xss_tester"}};
}

TEST(ReviewPageE2E, SignInConfirmOverturnAndSpamStaysInert) {
  if (!std::filesystem::exists("/usr/bin/chromium")) GTEST_SKIP() << "chromium is not installed (scripts/install-deps)";
  testing::RedisServer redis;
  auto client = redis.Client();
  testing::GitLabSimProcess sim({"--oauth-client-id", "page-app", "--oauth-client-secret", "page-secret"});
  testing::S3rverProcess s3;
  testing::TempDir dir;
  const int admin_port = testing::FreePort();
  const std::string admin_url = "http://127.0.0.1:" + std::to_string(admin_port);
  auto env = s3.Env();
  env.insert({{"GITLAB_URL", sim.url()},
              {"GITLAB_API_RATE", "0"},
              {"ADMIN_PORT", std::to_string(admin_port)},
              {"ADMIN_URL", admin_url},
              {"ADMIN_API_TOKEN", kToken},
              {"GITLAB_OAUTH_CLIENT_ID", "page-app"},
              {"GITLAB_OAUTH_CLIENT_SECRET", "page-secret"}});
  // Snippets are hidden automatically; users wait for a person.
  const std::string yaml =
      "pipeline:\n  claim_idle_ms: 3000\n  block_ms: 100\n"
      "gitlab:\n  act_deadline_ms: 2000\n  timeout_ms: 2000\n"
      "policy:\n  dry_run: false\n  snippet: {spam: [quarantine]}\n";
  testing::SpamphibianProcess service(redis, dir.path(), env,
                                      {"serve", "--stages", "events,fetch,trust,classify,archive,act,review"}, yaml);
  ASSERT_TRUE(service.WaitReady()) << service.log();
  ASSERT_EQ(testing::HttpPost(sim.url() + "/_sim/objects/users", HostileUser().dump()).status, 201);
  // A project of the spam user to confirm, that no hook announced: only
  // the purge ("and everything of this author") finds it.
  const json unannounced = {{"id", 4400}, {"name", "backlinks"}, {"path", "backlinks"},
                            {"path_with_namespace", "seo_links_4u/backlinks"}, {"visibility", "public"},
                            {"creator_id", 101}, {"owner", {{"id", 101}, {"username", "seo_links_4u"}}},
                            {"description", "cheap backlinks"}, {"web_url", sim.url() + "/seo_links_4u/backlinks"}};
  ASSERT_EQ(testing::HttpPost(sim.url() + "/_sim/objects/projects", unannounced.dump()).status, 201);
  std::ifstream in(SPAMPHIBIAN_SIM_DATASET);
  const json dataset = json::parse(in);
  json hooks = sim::HookPayloads(dataset);
  json mini = json::object();
  for (const auto& [collection, objects] : dataset.items()) {
    mini[collection] = objects.is_array() ? json::array() : json::object();
  }
  mini["users"].push_back(HostileUser());
  for (const auto& hook : sim::HookPayloads(mini)) hooks.push_back(hook);
  for (const auto& hook : hooks) {
    testing::Headers h;
    if (!hook["event"].get<std::string>().empty()) h.emplace_back("X-Gitlab-Event", hook["event"]);
    ASSERT_EQ(service.Post(hook["payload"].dump(), h).status, 200);
  }

  // The reviews to click: a spam user (nothing done yet), a snippet hidden
  // automatically (to overturn), another flagged item to skip, and the attack.
  const testing::Headers auth = {{"Authorization", std::string("Bearer ") + kToken}};
  std::string confirm, overturn, skip, hostile;
  std::int64_t confirm_user = 0, snippet_id = 0;
  std::string snippet_visibility, last;
  ASSERT_TRUE(WaitFor(
      [&] {
        const auto r = testing::HttpGet(admin_url + "/api/v1/reviews?limit=200", auth);
        if (r.status != 200) {
          last = std::to_string(r.status) + " " + r.body;
          return false;
        }
        last = r.body.substr(0, 300);
        confirm = overturn = skip = hostile = "";
        const json page = json::parse(r.body);  // kept alive for the loop
        for (const auto& review : page["reviews"]) {
          const std::string type = review["item"]["type"], user = review["item"]["author"]["username"];
          if (type == "user" && user == "xss_tester") hostile = review["review_id"];
          else if (type == "user" && user == "seo_links_4u") {
            confirm = review["review_id"];
            confirm_user = std::stoll(review["item"]["id"].get<std::string>());
          } else if (type == "snippet" && overturn.empty() && !review["actions"].empty() &&
                     review["actions"][0].value("status", "") == "taken") {
            overturn = review["review_id"];
            snippet_id = std::stoll(review["item"]["id"].get<std::string>());
            snippet_visibility = review["item"]["visibility"];
          } else if (type == "user" && skip.empty() && user != "seo_links_4u") {
            skip = review["review_id"];
          }
        }
        return !confirm.empty() && !overturn.empty() && !skip.empty() && !hostile.empty();
      },
      std::chrono::seconds(60)))
      << last << "\nconfirm=" << confirm << " overturn=" << overturn << " skip=" << skip << " hostile=" << hostile << "\n"
      << service.log();
  auto snippet = [&] {
    const json state = sim.State();
    for (const auto& s : state["snippets"]) {
      if (s["id"] == snippet_id) return s;
    }
    return json();
  };
  ASSERT_EQ(snippet()["visibility"], "private") << "quarantined automatically";
  // The attack links to the same registrable domain as another spam user
  // (cheap-seo.example.xyz, cheap-backlinks.example.xyz): one campaign.
  const json full = json::parse(testing::HttpGet(admin_url + "/api/v1/reviews/" + http::PercentEncode(hostile), auth).body);
  bool same_campaign = false;
  for (const auto& o : full["campaign_reviews"]) same_campaign |= o["review_id"] == confirm && o["domain"] == "example.xyz";
  EXPECT_TRUE(same_campaign) << full["campaign_reviews"].dump();

  // A comment GitLab never saved: the inline check refused it (as
  // inline_check/ records one), waiting for a reviewer.
  const json refused_item = {{"type", "note"}, {"id", "inline/r3fus3d"}, {"event_type", "inline_check"},
                             {"web_url", sim.url() + "/group/project"},
                             {"author", {{"id", 9002}, {"username", "refused_poster"}}},
                             {"text", json::array({json::array({"body", "cheap pills https://pills.example.top"})})}};
  const json refused = {{"decision_id", "inline-r3fus3d"}, {"event_type", "inline_check"}, {"item_type", "note"},
                        {"item_id", "inline/r3fus3d"}, {"verdict", "spam"}, {"score", 0.97},
                        {"inline", {{"refused", true}, {"gitlab_verdict", "DISALLOW"}}}, {"item", refused_item}};
  client->Run({"XADD", "spamphibian:decisions", "*", "decision", refused.dump()});
  ASSERT_TRUE(WaitFor([&] {
    return testing::HttpGet(admin_url + "/api/v1/reviews/inline-r3fus3d", auth).status == 200;
  })) << service.log();

  // A candidate in the model registry, for the models panel.
  auto registry_store = storage::NewS3ObjectStore(s3.Options());
  auto* store_ptr = registry_store.get();
  const std::string candidate = "abcdefabcdef";
  ASSERT_TRUE(store_ptr->Put("models/candidates/" + candidate + "/model.spam", "candidate-bytes", "").ok());
  ASSERT_TRUE(store_ptr->Put("models/candidates/" + candidate + "/card.json",
                         json{{"eval_set", {{"candidate", {{"roc_auc", 0.975}, {"precision", 0.98}, {"recall", 0.9}}}}},
                              {"judgement", {{"promotable", true}, {"reason", "better: a test"}}}}
                             .dump(),
                         "application/json")
                  .ok());
  ASSERT_TRUE(store_ptr->Put("models/candidates/" + candidate + "/state.json",
                         json{{"state", "candidate"}, {"created", "2026-12-01T00:00:00Z"}}.dump(), "application/json")
                  .ok());

  // The browser part.
  // ctest runs in the build directory: the screenshot stays there.
  const std::string screenshot = (std::filesystem::current_path() / "artifacts" / "review-queue.png").string();
  std::filesystem::create_directories(std::filesystem::path(screenshot).parent_path());
  const std::string out = dir.path() + "/browser.txt";
  testing::ChildProcess browser({"node", std::string(SPAMPHIBIAN_TESTDATA_DIR) + "/../browser/review_page.mjs"},
                                {{"ADMIN_URL", admin_url},
                                 {"SIM_URL", sim.url()},
                                 {"CONFIRM_ID", confirm},
                                 {"OVERTURN_ID", overturn},
                                 {"SKIP_ID", skip},
                                 {"HOSTILE_ID", hostile},
                                 {"REFUSED_ID", "inline-r3fus3d"},
                                 {"CANDIDATE", candidate},
                                 {"SCREENSHOT", screenshot},
                                 {"TEST_TOOLS", std::string(SPAMPHIBIAN_TESTDATA_DIR) + "/../../test-tools"},
                                 {"HOME", dir.path()},
                                 {"PATH", "/usr/bin:/bin"}},
                                out);
  const int rc = browser.Wait(std::chrono::seconds(120));
  ASSERT_EQ(rc, 0) << testing::ReadFile(out) << "\n" << service.log().substr(0, 4000);
  EXPECT_NE(testing::ReadFile(out).find("\"ok\":true"), std::string::npos) << testing::ReadFile(out);
  EXPECT_TRUE(std::filesystem::file_size(screenshot) > 10000) << "a screenshot of the queue";
  std::string manifest;
  ASSERT_TRUE(store_ptr->Get("models/current.json", &manifest).ok()) << "the admin promoted the candidate";
  EXPECT_EQ(json::parse(manifest)["version"], candidate);
  EXPECT_EQ(json::parse(manifest)["by"], "admin");

  // GitLab: the confirmed user blocked, the overturned snippet visible again.
  auto user_state = [&] {
    const json state = sim.State();
    for (const auto& u : state["users"]) {
      if (u["id"] == confirm_user) return u.value("state", "");
    }
    return std::string();
  };
  EXPECT_TRUE(WaitFor([&] { return user_state() == "blocked"; }, std::chrono::seconds(20))) << service.log();
  auto project_visibility = [&] {
    const json state = sim.State();
    for (const auto& p : state["projects"]) {
      if (p["id"] == 4400) return p.value("visibility", "");
    }
    return std::string();
  };
  EXPECT_TRUE(WaitFor([&] { return project_visibility() == "private"; }, std::chrono::seconds(20)))
      << "the purge the page showed was carried out";
  EXPECT_TRUE(WaitFor([&] { return snippet()["visibility"] == snippet_visibility || snippet()["visibility"] == "public"; },
                      std::chrono::seconds(20)))
      << snippet().dump();
  // S3: both labels; the audit: both answers, by the signed-in admin.
  http::CurlHttpClient http;
  storage::S3ObjectStore store(s3.Options(), http);
  for (const auto& key : client->StreamField("spamphibian:labels", "key")) {
    std::string object;
    EXPECT_TRUE(WaitFor([&] { return store.Get(key, &object).ok(); }, std::chrono::seconds(20))) << key;
  }
  EXPECT_EQ(client->StreamField("spamphibian:labels", "key").size(), 2u) << "spam and not spam; a skip is no label";
  int answered = 0;
  for (const auto& text : client->StreamField("spamphibian:audit", "audit")) {
    const json a = json::parse(text);
    if (a["action"] == "purge") {
      EXPECT_EQ(a["decided_by"], "reviewer admin (page)");
    }
    if (a["action"] != "review") continue;
    ++answered;
    EXPECT_EQ(a["decided_by"], "reviewer admin (page)");
  }
  EXPECT_EQ(answered, 3);
  EXPECT_TRUE(WaitFor(
      [&] {
        for (const auto& text : client->StreamField("spamphibian:audit", "audit")) {
          const json a = json::parse(text);
          if (a["action"] == "restore" && a["status"] == "restored") return true;
        }
        return false;
      },
      std::chrono::seconds(20)));
}

}  // namespace
}  // namespace spamphibian
