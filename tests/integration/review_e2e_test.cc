// The review queue end to end, through the real binary: hooks in, the real
// gitlab-sim (also the OAuth provider), s3rver, redis-server; the admin
// listener's JSON API with a token and with a GitLab sign-in session.
#include <gtest/gtest.h>

#include <fstream>
#include <future>
#include <set>

#include "gitlab_sim_process.h"
#include "http/curl_client.h"
#include "http/percent_encoding.h"
#include "redis_server.h"
#include "s3rver_process.h"
#include "slack_click.h"
#include "sim/gitlab_sim.h"
#include "spamphibian_process.h"
#include "security/crypto.h"
#include "stand_in_server.h"
#include "storage/s3_object_store.h"

namespace spamphibian {
namespace {

using nlohmann::json;
using testing::HttpGet;
using testing::HttpPost;
using testing::WaitFor;

constexpr const char* kToken = "review-e2e-api-token-0123456789";
constexpr const char* kClientId = "spamphibian-review";
constexpr const char* kClientSecret = "oauth-secret-never-logged";

constexpr const char* kSigningSecret = "slack-signing-secret-8f2e";

const std::string kYaml =
    "pipeline:\n  claim_idle_ms: 3000\n  block_ms: 100\n  max_attempts: 3\n"
    "gitlab:\n  act_deadline_ms: 2000\n  timeout_ms: 2000\n"
    "review:\n  groups: ['200']\n  on_spam:\n    note: [delete]\n  slack_users: {U0REVIEWER: admin}\n"
    "admin:\n  reviewer_check_seconds: 1\n";

class ReviewE2E : public ::testing::Test {
 protected:
  void SetUp() override {
    admin_port_ = testing::FreePort();
    auto env = s3_.Env();
    env.insert({{"GITLAB_URL", sim_.url()},
                {"GITLAB_API_RATE", "0"},
                {"ADMIN_PORT", std::to_string(admin_port_)},
                {"ADMIN_URL", "http://127.0.0.1:" + std::to_string(admin_port_)},
                {"ADMIN_API_TOKEN", kToken},
                {"GITLAB_OAUTH_CLIENT_ID", kClientId},
                {"GITLAB_OAUTH_CLIENT_SECRET", kClientSecret},
                {"SLACK_SIGNING_SECRET", kSigningSecret}});
    service_ = std::make_unique<testing::SpamphibianProcess>(
        redis_, dir_.path(), env,
        std::vector<std::string>{"serve", "--stages", "events,fetch,trust,classify,archive,act,review"},
        kYaml + "slack:\n  response_url_prefix: " + slack_.url() + "/actions/\n");
    ASSERT_TRUE(service_->WaitReady()) << service_->log();
    std::ifstream in(SPAMPHIBIAN_SIM_DATASET);
    hooks_ = sim::HookPayloads(json::parse(in));
    for (const auto& hook : hooks_) {
      testing::Headers h;
      if (!hook["event"].get<std::string>().empty()) h.emplace_back("X-Gitlab-Event", hook["event"]);
      ASSERT_EQ(service_->Post(hook["payload"].dump(), h).status, 200);
    }
    // Every classified decision becomes a review. The hooks are all in when
    // the decisions have stopped coming for a second (not merely when the
    // first ones are reviews: under load the ordinary items come later).
    std::size_t last = 0;
    auto since = std::chrono::steady_clock::now();
    ASSERT_TRUE(WaitFor(
        [&] {
          const std::size_t n = classified();
          if (n != last) {
            last = n;
            since = std::chrono::steady_clock::now();
          }
          return n > 0 && std::chrono::steady_clock::now() - since >= std::chrono::seconds(1) &&
                 All("state=all&verdict=all").size() == n;
        },
        std::chrono::seconds(60)))
        << service_->log();
  }

  std::size_t classified() {
    std::size_t n = 0;
    for (const auto& t : redis_client_->StreamField("spamphibian:decision_log", "decision")) {
      const std::string v = json::parse(t).value("verdict", "");
      n += v == "spam" || v == "suspicious" || v == "ham";
    }
    return n;
  }
  std::string Admin(const std::string& path) { return "http://127.0.0.1:" + std::to_string(admin_port_) + path; }
  testing::HttpResult Get(const std::string& path, testing::Headers h = {{"Authorization", std::string("Bearer ") + kToken}}) {
    return HttpGet(Admin(path), h);
  }
  testing::HttpResult Answer(const std::string& id, const json& body,
                             testing::Headers h = {{"Authorization", std::string("Bearer ") + kToken}}) {
    h.emplace_back("Content-Type", "application/json");
    return HttpPost(Admin("/api/v1/reviews/" + http::PercentEncode(id)), body.dump(), h);
  }
  // Every review of a query, following the cursors.
  std::vector<json> All(const std::string& query, int limit = 200) {
    std::vector<json> out;
    std::string cursor;
    for (int pages = 0; pages < 100; ++pages) {
      auto r = Get("/api/v1/reviews?limit=" + std::to_string(limit) + "&" + query +
                   (cursor.empty() ? "" : "&cursor=" + http::PercentEncode(cursor)));
      if (r.status != 200) {
        ADD_FAILURE() << r.status << " " << r.body;
        return out;
      }
      const json page = json::parse(r.body);
      for (const auto& review : page["reviews"]) out.push_back(review);
      if (page["next_cursor"].is_null()) break;
      cursor = page["next_cursor"];
    }
    return out;
  }
  json FindReview(const std::string& type, const std::string& username) {
    for (const auto& r : All("state=all&verdict=all")) {
      if (r["item"]["type"] == type && r["item"]["author"]["username"] == username) return r;
    }
    ADD_FAILURE() << "no review of " << type << " by " << username;
    return json();
  }
  json SimUser(std::int64_t id) {
    const json state = sim_.State();  // kept alive for the loop
    for (const auto& u : state["users"]) {
      if (u["id"] == id) return u;
    }
    return json();
  }
  int Writes(const std::string& path_part) {
    int n = 0;
    for (const auto& r : sim_.Requests()) {
      n += r["method"] != "GET" && r["path"].get<std::string>().find(path_part) != std::string::npos;
    }
    return n;
  }
  std::vector<json> Stream(const std::string& name, const std::string& field) {
    std::vector<json> out;
    for (const auto& t : redis_client_->StreamField("spamphibian:" + name, field)) out.push_back(json::parse(t));
    return out;
  }
  // Signs in through the simulator as `user`: the session cookie, or "" when
  // refused (*status: the callback's status).
  std::string SignIn(const std::string& user, long* status) {
    EXPECT_EQ(HttpPost(sim_.url() + "/_sim/oauth", json{{"user", user}}.dump()).status, 200);
    auto login = Get("/login", {});
    EXPECT_EQ(login.status, 302);
    const std::string authorize = login.Header("location");
    EXPECT_EQ(authorize.rfind(sim_.url() + "/oauth/authorize?", 0), 0u) << authorize;
    EXPECT_NE(authorize.find("code_challenge_method=S256"), std::string::npos);
    const std::string oauth_cookie = login.Header("set-cookie").substr(0, login.Header("set-cookie").find(';'));
    auto approved = HttpGet(authorize);
    EXPECT_EQ(approved.status, 302);
    const std::string callback = approved.Header("location");
    EXPECT_EQ(callback.rfind(Admin("/oauth/callback?"), 0), 0u) << callback;
    auto back = HttpGet(callback, {{"Cookie", oauth_cookie}});
    *status = back.status;
    for (const auto& [k, v] : back.headers) {
      if (k == "set-cookie" && v.rfind("spamphibian_session=", 0) == 0) return v.substr(0, v.find(';'));
    }
    return "";
  }

  testing::RedisServer redis_;
  std::unique_ptr<testing::RedisServer::TestClient> redis_client_ = redis_.Client();
  testing::GitLabSimProcess sim_{{"--oauth-client-id", kClientId, "--oauth-client-secret", kClientSecret}};
  testing::S3rverProcess s3_;
  testing::StandInServer slack_;  // Slack's response_url
  testing::TempDir dir_;
  int admin_port_ = 0;
  json hooks_;
  std::unique_ptr<testing::SpamphibianProcess> service_;
};

TEST_F(ReviewE2E, ListsFiltersAndPagesWithoutGapsOrRepeats) {
  const auto flagged = All("");
  ASSERT_FALSE(flagged.empty());
  for (const auto& r : flagged) {
    EXPECT_EQ(r["state"], "pending");
    const std::string v = r["decision"]["verdict"];
    EXPECT_TRUE(v == "spam" || v == "suspicious") << v;
    EXPECT_TRUE(r["item"].contains("text"));
    EXPECT_FALSE(r["item"]["author"].contains("email")) << "only the e-mail's domain is shown";
  }
  for (std::size_t i = 1; i < flagged.size(); ++i) {
    EXPECT_GE(flagged[i - 1]["created_ms"].get<std::int64_t>(), flagged[i]["created_ms"].get<std::int64_t>())
        << "newest first";
  }
  // Pages of two cover the same reviews, once each.
  const auto paged = All("", 2);
  ASSERT_EQ(paged.size(), flagged.size());
  std::set<std::string> ids;
  for (const auto& r : paged) ids.insert(r["review_id"]);
  EXPECT_EQ(ids.size(), flagged.size());

  for (const auto& r : All("item_type=user&verdict=all")) EXPECT_EQ(r["item"]["type"], "user");
  const auto ham = All("verdict=ham");
  ASSERT_FALSE(ham.empty()) << "items judged ordinary can be reviewed too";
  for (const auto& r : ham) EXPECT_EQ(r["decision"]["verdict"], "ham");
  for (const auto& r : All("verdict=all&min_score=0.9")) EXPECT_GE(r["decision"]["score"].get<double>(), 0.9);
  EXPECT_EQ(All("verdict=all&min_score=0.2&max_score=0.1").size(), 0u);

  for (const char* bad : {"state=done", "verdict=maybe", "item_type=pipeline", "min_score=2", "limit=0",
                          "limit=abc", "cursor=nonsense", "min_score=nan", "max_score=inf"}) {
    auto r = Get(std::string("/api/v1/reviews?") + bad);
    EXPECT_EQ(r.status, 400) << bad;
    EXPECT_TRUE(json::parse(r.body).contains("error")) << bad;
  }
  EXPECT_EQ(Get("/api/v1/reviews/no-such-review").status, 404);
  EXPECT_EQ(Get("/api/v1/reviews/%ff").status, 400) << "an id that is not UTF-8 is the caller's mistake, not a 500";
  // A model change whose body was too large to read never reaches its handler.
  auto big = HttpPost(Admin("/api/v1/models/rollback"), std::string(100 << 10, 'x'),
                      {{"Authorization", std::string("Bearer ") + kToken}});
  EXPECT_EQ(big.status, 413) << big.body;

  // What waits for a person is on /metrics.
  const std::string gauge = "spamphibian_reviews{state=\"pending\"} " + std::to_string(All("verdict=all").size());
  EXPECT_TRUE(WaitFor([&] { return HttpGet(service_->Url("/metrics")).body.find(gauge) != std::string::npos; },
                      std::chrono::seconds(10)))
      << gauge;
}

TEST_F(ReviewE2E, SpamActsOnceEvenInMonitorModeAndNotSpamUndoesIt) {
  const json review = FindReview("user", "seo_links_4u");
  const std::string id = review["review_id"];
  const std::int64_t user_id = std::stoll(review["item"]["id"].get<std::string>());
  ASSERT_EQ(SimUser(user_id)["state"], "active") << "monitor mode: nothing was done automatically";

  auto r = Answer(id, {{"outcome", "spam"}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(json::parse(r.body)["state"], "confirmed_spam");
  EXPECT_TRUE(json::parse(r.body)["applied"]);
  ASSERT_TRUE(WaitFor([&] { return SimUser(user_id)["state"] == "blocked"; }, std::chrono::seconds(20)))
      << service_->log();

  // Given twice: the existing state, nothing sent again.
  r = Answer(id, {{"outcome", "spam"}});
  ASSERT_EQ(r.status, 200);
  EXPECT_FALSE(json::parse(r.body)["applied"]);
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  EXPECT_EQ(Writes("/users/" + std::to_string(user_id) + "/block"), 1);

  // The review shows what was done, and the audit says who decided.
  const auto got = Get("/api/v1/reviews/" + http::PercentEncode(id));
  ASSERT_EQ(got.status, 200) << got.body;
  const json full = json::parse(got.body);
  ASSERT_EQ(full["actions"].size(), 1u) << full.dump();
  EXPECT_EQ(full["actions"][0]["status"], "taken");
  EXPECT_EQ(full["answers"][0]["reviewer"], "api-token");
  bool audited_review = false, audited_block = false;
  for (const auto& a : Stream("audit", "audit")) {
    audited_review |= a["action"] == "review" && a["review_id"] == id && a["outcome"] == "spam";
    audited_block |= a["action"] == "quarantine" && a["status"] == "taken" &&
                     a["decided_by"].get<std::string>().find("reviewer api-token") == 0;
  }
  EXPECT_TRUE(audited_review);
  EXPECT_TRUE(audited_block);

  // A label in Redis and, through the archive stage, in S3, in the format
  // `spamphibian train --data` reads.
  const auto labels = Stream("labels", "label");
  ASSERT_EQ(labels.size(), 1u);
  EXPECT_EQ(labels[0]["label"], "spam");
  EXPECT_EQ(labels[0]["item"]["type"], "user");
  EXPECT_FALSE(labels[0]["rendering"].get<std::string>().empty());
  http::CurlHttpClient http;
  storage::S3ObjectStore store(s3_.Options(), http);
  const std::string key = redis_client_->StreamField("spamphibian:labels", "key")[0];
  // s3rver writes an object's file in place: a GET racing the PUT can read
  // it empty, so the object counts once it is whole.
  json label;
  ASSERT_TRUE(WaitFor(
      [&] {
        std::string object;
        if (!store.Get(key, &object).ok()) return false;
        label = json::parse(object, nullptr, false);
        return !label.is_discarded();
      },
      std::chrono::seconds(20)))
      << key;
  EXPECT_EQ(label["label"], "spam");

  // Not spam after all: every action on the item is undone.
  r = Answer(id, {{"outcome", "ham"}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(json::parse(r.body)["state"], "not_spam");
  ASSERT_TRUE(WaitFor([&] { return SimUser(user_id)["state"] == "active"; }, std::chrono::seconds(20)))
      << service_->log();
  EXPECT_EQ(Writes("/users/" + std::to_string(user_id) + "/unblock"), 1);
  EXPECT_EQ(Stream("labels", "label").back()["label"], "ham");
}

TEST_F(ReviewE2E, SkipTrustAndPurgeAndBadAnswers) {
  const std::string ham_id = FindReview("user", "eva")["review_id"];
  auto r = Answer(ham_id, {{"outcome", "ham"}, {"trust_author", true}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body.find("eva@"), std::string::npos) << "the answer shows the e-mail's domain only: " << r.body;
  EXPECT_NE(r.body.find("@gmail.com"), std::string::npos) << r.body;
  // In the verified set now, and in the reviewers' own, which the verified
  // users job adds back on every rebuild.
  EXPECT_EQ(redis_client_->Integer({"SISMEMBER", "spamphibian:verified_users", "eva@gmail.com"}), 1);
  EXPECT_EQ(redis_client_->Integer({"SISMEMBER", "spamphibian:verified_users:reviewed", "eva@gmail.com"}), 1);

  const std::string skip_id = FindReview("user", "quickbooks_help_desk")["review_id"];
  r = Answer(skip_id, {{"outcome", "skip"}});
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(json::parse(r.body)["state"], "skipped");
  for (const auto& review : All("state=skipped&verdict=all")) EXPECT_EQ(review["review_id"], skip_id);

  // The purge: the author's user review and every other pending one of theirs.
  const json casino = FindReview("user", "casino_bonus_888");
  r = Answer(casino["review_id"], {{"outcome", "spam"}, {"scope", "author"}});
  ASSERT_EQ(r.status, 200) << r.body;
  std::size_t confirmed = 0;
  for (const auto& review : All("state=all&verdict=all")) {
    if (review["item"]["author"]["username"] != "casino_bonus_888") continue;
    EXPECT_EQ(review["state"], "confirmed_spam") << review["item"]["type"];
    ++confirmed;
  }
  EXPECT_GE(confirmed, 2u);
  const std::int64_t casino_id = std::stoll(casino["item"]["id"].get<std::string>());
  ASSERT_TRUE(WaitFor([&] { return SimUser(casino_id)["state"] == "blocked"; }, std::chrono::seconds(20)));

  for (const json& bad : {json{{"outcome", "maybe"}}, json{{"outcome", "ham"}, {"scope", "author"}},
                          json{{"outcome", "spam"}, {"trust_author", true}}, json{{"outcome", 1}}, json::array()}) {
    r = Answer(skip_id, bad);
    EXPECT_EQ(r.status, 400) << bad.dump();
    EXPECT_TRUE(json::parse(r.body).contains("error"));
  }
  r = Answer(casino["review_id"], {{"outcome", "skip"}});
  EXPECT_EQ(r.status, 400) << "skip is for pending reviews only";
  EXPECT_EQ(Answer("no-such-review", {{"outcome", "spam"}}).status, 404);
}

TEST_F(ReviewE2E, OnlyReviewersWithTheRightCredentialsGetIn) {
  EXPECT_EQ(Get("/api/v1/reviews", {}).status, 401);
  EXPECT_EQ(Get("/api/v1/reviews", {{"Authorization", "Bearer wrong-token-of-some-length"}}).status, 401);
  EXPECT_EQ(Get("/api/v1/reviews", {{"Cookie", "spamphibian_session=forged.value"}}).status, 401);
  auto page = Get("/", {});
  EXPECT_EQ(page.status, 200);
  EXPECT_NE(page.body.find("Sign in with GitLab"), std::string::npos);
  EXPECT_NE(page.Header("content-security-policy").find("script-src 'self'"), std::string::npos);

  // A GitLab admin signs in (PKCE through the simulator).
  long status = 0;
  const std::string cookie = SignIn("admin", &status);
  ASSERT_EQ(status, 302);
  ASSERT_FALSE(cookie.empty());
  auto session = Get("/api/v1/session", {{"Cookie", cookie}});
  ASSERT_EQ(session.status, 200) << session.body;
  EXPECT_EQ(json::parse(session.body)["username"], "admin");
  const std::string csrf = json::parse(session.body)["csrf_token"];
  const std::string id = FindReview("user", "crypto_recovery_pro")["review_id"];
  auto r = Answer(id, {{"outcome", "skip"}}, {{"Cookie", cookie}});
  EXPECT_EQ(r.status, 403) << "a session's POST without the CSRF token";
  r = Answer(id, {{"outcome", "skip"}}, {{"Cookie", cookie}, {"X-CSRF-Token", "wrong"}});
  EXPECT_EQ(r.status, 403);
  r = Answer(id, {{"outcome", "skip"}}, {{"Cookie", cookie}, {"X-CSRF-Token", csrf}});
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(json::parse(Get("/api/v1/reviews/" + http::PercentEncode(id)).body)["answers"][0]["reviewer"], "admin");

  // Sign-out ends the session on the server, not only in the browser.
  EXPECT_EQ(HttpPost(Admin("/logout"), "{}", {{"Cookie", cookie}, {"X-CSRF-Token", csrf}}).status, 200);
  EXPECT_EQ(Get("/api/v1/session", {{"Cookie", cookie}}).status, 401);

  // A member of a review group may review; anyone else is refused.
  ASSERT_FALSE(SignIn("rachel", &status).empty());
  EXPECT_TRUE(SignIn("bob_k", &status).empty());
  EXPECT_EQ(status, 403);
  // A callback that did not start here is refused.
  EXPECT_EQ(HttpGet(Admin("/oauth/callback?code=sim-code-1&state=x")).status, 400);
  EXPECT_EQ(service_->log().find(kClientSecret), std::string::npos) << "secrets are never logged";
  EXPECT_EQ(service_->log().find(kToken), std::string::npos);
}

// One sign-in's state signs in once; a flood of callbacks sends GitLab no
// more code exchanges than sign-ins started, and waiting on a slow GitLab
// holds none of the threads that serve the page. (Before: one state signed
// in any number of times, 12,991 token requests in 12 s from 8 clients, and
// a static file of the page took 6.7 s while GitLab took 1 s per token.)
TEST_F(ReviewE2E, ASignInStateSignsInOnceAndAFloodNeitherReachesGitLabNorHoldsThePage) {
  sim_.AddFault({{"path_prefix", "/oauth/token"}, {"latency_ms", 3000}});
  ASSERT_EQ(HttpPost(sim_.url() + "/_sim/oauth", json{{"user", "admin"}}.dump()).status, 200);
  // Three sign-ins started (as many as the listener has threads, and one more).
  std::vector<std::pair<std::string, std::string>> started;  // callback URL, state cookie
  for (int i = 0; i < 3; ++i) {
    auto login = Get("/login", {});
    ASSERT_EQ(login.status, 302);
    const std::string cookie = login.Header("set-cookie").substr(0, login.Header("set-cookie").find(';'));
    auto approved = HttpGet(login.Header("location"));
    ASSERT_EQ(approved.status, 302);
    started.emplace_back(approved.Header("location"), cookie);
  }
  auto token_requests = [&] {
    int n = 0;
    for (const auto& r : sim_.Requests()) n += r["path"].get<std::string>().starts_with("/oauth/token");
    return n;
  };
  const int before = token_requests();
  // Eight clients send each callback five times.
  std::vector<std::future<std::vector<long>>> floods;
  for (int client = 0; client < 8; ++client) {
    floods.push_back(std::async(std::launch::async, [&] {
      std::vector<long> statuses;
      for (int round = 0; round < 5; ++round) {
        for (const auto& [callback, cookie] : started) statuses.push_back(HttpGet(callback, {{"Cookie", cookie}}).status);
      }
      return statuses;
    }));
  }
  // Meanwhile a reviewer's browser loads the page's script.
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  double slowest_s = 0;
  for (int i = 0; i < 10; ++i) {
    const auto t0 = std::chrono::steady_clock::now();
    EXPECT_EQ(Get("/static/app.js", {}).status, 200);
    slowest_s = std::max(slowest_s, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
  int signed_in = 0, refused = 0;
  for (auto& f : floods) {
    for (long status : f.get()) {
      signed_in += status == 302;
      refused += status == 400;
    }
  }
  const int exchanges = token_requests() - before;
  std::printf("sign-in flood: 120 callbacks for 3 sign-ins: %d signed in, %d refused, %d token requests to GitLab; "
              "slowest page load while GitLab took 3 s per token: %.3f s\n",
              signed_in, refused, exchanges, slowest_s);
  EXPECT_EQ(signed_in, 3);
  EXPECT_EQ(refused, 117);
  EXPECT_EQ(exchanges, 3) << "one code exchange per sign-in started";
  EXPECT_LT(slowest_s, 2.0) << "a wait on GitLab (3 s) held a thread that serves the page";
  sim_.ClearFaults();

  // /login itself is bounded per client address (each keeps a state).
  int limited = 0;
  for (int i = 0; i < 15; ++i) limited += Get("/login", {}).status == 429;
  EXPECT_GT(limited, 0);
  EXPECT_NE(HttpGet(service_->Url("/metrics")).body.find("reason=\"sign_in_rate\""), std::string::npos);
}

// A reviewer GitLab blocks (or who leaves the review group, or stops
// being an admin) loses the session within reviewer_check_seconds, not when
// it expires hours later.
TEST_F(ReviewE2E, AReviewerWhoStopsBeingOneLosesTheSession) {
  long status = 0;
  const std::string cookie = SignIn("rachel", &status);
  ASSERT_FALSE(cookie.empty()) << status;
  EXPECT_EQ(Get("/api/v1/session", {{"Cookie", cookie}}).status, 200);
  // Still a member: asked again, and still in.
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  EXPECT_EQ(Get("/api/v1/session", {{"Cookie", cookie}}).status, 200);
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  EXPECT_EQ(Get("/api/v1/session", {{"Cookie", cookie}}).status, 200);
  // Blocked in GitLab.
  ASSERT_EQ(HttpPost(sim_.url() + "/api/v4/users/139/block", "", {{"PRIVATE-TOKEN", "glpat-never-logged"}}).status, 201);
  EXPECT_TRUE(WaitFor([&] { return Get("/api/v1/session", {{"Cookie", cookie}}).status == 401; },
                      std::chrono::seconds(15)));
  EXPECT_NE(service_->log().find("\"admin_session_revoked\""), std::string::npos);
}

// One review flipped back and forth: each answer writes a label, an S3
// object and audit entries, so a review takes a few answers a minute.
// (Before: 300 flips in 0.8 s, 300 labels, 450 audit entries.)
TEST_F(ReviewE2E, AnswersToOneReviewAreRateLimited) {
  const std::string id = FindReview("user", "quickbooks_help_desk")["review_id"];
  int applied = 0, limited = 0;
  for (int i = 0; i < 20; ++i) {
    const auto r = Answer(id, {{"outcome", i % 2 == 0 ? "spam" : "ham"}});
    applied += r.status == 200;
    limited += r.status == 429;
  }
  EXPECT_EQ(applied, 4) << "a burst of four, then six a minute";
  EXPECT_EQ(limited, 16);
  EXPECT_EQ(Answer(FindReview("user", "eva")["review_id"], {{"outcome", "skip"}}).status, 200)
      << "another review is not held back";
}

// A form body signed as Slack signs it.
testing::HttpResult SignedPost(const std::string& url, const std::string& body, long long age_s = 0,
                               const std::string& secret = kSigningSecret) {
  return testing::SignedSlackPost(url, body, secret, age_s);
}

// A click as Slack sends it: a form with the payload, signed.
testing::HttpResult Click(const std::string& url, const std::string& slack_user, const std::string& action,
                          const std::string& review_id, const std::string& response_url, long long age_s = 0,
                          const std::string& secret = kSigningSecret) {
  const json message = {{"text", "Spam user"},
                        {"blocks", {{{"type", "section"}, {"text", {{"type", "mrkdwn"}, {"text", "Spam user"}}}},
                                    {{"type", "actions"}, {"block_id", "review"}, {"elements", json::array()}}}}};
  return testing::SendSlackClick(
      url, testing::SlackClickPayload(slack_user, action, review_id, response_url, message), secret, age_s);
}

TEST_F(ReviewE2E, SlackButtonsApplyTheAnswerOnlyForSignedClicksOfReviewers) {
  const json review = FindReview("user", "judi_slot_gacor");
  const std::string id = review["review_id"];
  const std::int64_t user_id = std::stoll(review["item"]["id"].get<std::string>());
  const std::string url = service_->Url("/slack/interactions");
  const std::string response_url = slack_.url() + "/actions/T0/1/abc";
  auto state = [&] { return json::parse(Get("/api/v1/reviews/" + http::PercentEncode(id)).body)["state"]; };

  // Refused, and nothing done: a wrong secret, a stale timestamp, a stranger.
  EXPECT_EQ(Click(url, "U0REVIEWER", "review_spam", id, response_url, 0, "not-the-secret").status, 401);
  EXPECT_EQ(Click(url, "U0REVIEWER", "review_spam", id, response_url, 600).status, 401);
  EXPECT_EQ(HttpPost(url, "payload={}", {{"X-Slack-Request-Timestamp", "1"}, {"X-Slack-Signature", "v0=00"}}).status, 401);
  // Signed, but not a click of ours: refused, and the listener stays up.
  for (const char* odd : {"payload=%7B%22type%22%3A%22block_actions%22%2C%22actions%22%3A%5B%7B%22action_id%22%3A5%7D%5D%7D",
                          "payload=not-json", "nothing=here"}) {
    EXPECT_EQ(SignedPost(url, odd).status, 400) << odd;
  }
  EXPECT_EQ(Click(url, "U0STRANGER", "review_spam", id, response_url).status, 200);
  ASSERT_TRUE(WaitFor([&] { return slack_.received().size() == 1; }, std::chrono::seconds(10)));
  const json ephemeral = json::parse(slack_.received()[0].body);
  EXPECT_EQ(ephemeral["response_type"], "ephemeral");
  EXPECT_NE(ephemeral["text"].get<std::string>().find("not a reviewer"), std::string::npos);
  EXPECT_EQ(state(), "pending");
  EXPECT_EQ(SimUser(user_id)["state"], "active");

  // A reviewer's click: applied as the page would, the message updated.
  EXPECT_EQ(Click(url, "U0REVIEWER", "review_spam", id, response_url).status, 200);
  ASSERT_TRUE(WaitFor([&] { return slack_.received().size() == 2; }, std::chrono::seconds(10)));
  const json updated = json::parse(slack_.received()[1].body);
  EXPECT_EQ(slack_.received()[1].path, "/actions/T0/1/abc");
  EXPECT_TRUE(updated["replace_original"]);
  EXPECT_NE(updated.dump().find("Confirmed spam by @admin in Slack (confirmed_spam)"), std::string::npos) << updated.dump();
  for (const auto& b : updated["blocks"]) EXPECT_NE(b["type"], "actions") << "the buttons are gone";
  EXPECT_EQ(state(), "confirmed_spam");
  ASSERT_TRUE(WaitFor([&] { return SimUser(user_id)["state"] == "blocked"; }, std::chrono::seconds(20)));
  const json full = json::parse(Get("/api/v1/reviews/" + http::PercentEncode(id)).body);
  EXPECT_EQ(full["answers"][0]["reviewer"], "admin");
  EXPECT_EQ(full["answers"][0]["via"], "slack");

  // A response URL outside Slack's is never called.
  EXPECT_EQ(Click(url, "U0REVIEWER", "review_ham", id, "http://127.0.0.1:1/elsewhere").status, 200);
  ASSERT_TRUE(WaitFor([&] { return state() == "not_spam"; }, std::chrono::seconds(10)));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(slack_.received().size(), 2u);

  // A signed click sent again within its five minutes counts once: a
  // "spam" click replayed after a later "not spam" changes nothing.
  const json payload = {{"type", "block_actions"},
                        {"user", {{"id", "U0REVIEWER"}}},
                        {"actions", {{{"action_id", "review_spam"}, {"value", id}, {"type", "button"}}}},
                        {"response_url", response_url},
                        {"message", {{"text", "Spam user"}, {"blocks", json::array()}}}};
  const std::string body = "payload=" + http::PercentEncode(payload.dump());
  const std::string ts = std::to_string(
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count());
  const testing::Headers signed_headers = {
      {"Content-Type", "application/x-www-form-urlencoded"},
      {"X-Slack-Request-Timestamp", ts},
      {"X-Slack-Signature", "v0=" + security::Hex(security::HmacSha256(kSigningSecret, "v0:" + ts + ":" + body))}};
  ASSERT_EQ(HttpPost(url, body, signed_headers).status, 200);
  ASSERT_TRUE(WaitFor([&] { return state() == "confirmed_spam"; }, std::chrono::seconds(10)));
  ASSERT_EQ(Answer(id, {{"outcome", "ham"}}).status, 200);
  ASSERT_EQ(state(), "not_spam");
  EXPECT_EQ(HttpPost(url, body, signed_headers).status, 200);
  ASSERT_TRUE(WaitFor([&] {
    return HttpGet(service_->Url("/metrics")).body.find("spamphibian_slack_interactions_total{result=\"replayed\"} 1") !=
           std::string::npos;
  }, std::chrono::seconds(10)));
  EXPECT_EQ(state(), "not_spam") << "the replayed click was ignored";
}

}  // namespace
}  // namespace spamphibian
