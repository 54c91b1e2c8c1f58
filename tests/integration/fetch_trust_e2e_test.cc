// The real binary with the fetch and trust stages, against a real
// redis-server and the real gitlab-sim: hooks in, items, candidates and
// decisions out.
#include <gtest/gtest.h>
#include <signal.h>

#include <fstream>
#include <set>

#include "gitlab_sim_process.h"
#include "redis_server.h"
#include "sim/gitlab_sim.h"
#include "spamphibian_process.h"

namespace spamphibian {
namespace {

using testing::HttpGet;
using testing::WaitFor;

const std::string kYaml =
    "pipeline:\n  claim_idle_ms: 300\n  block_ms: 100\n  max_attempts: 3\n"
    "trust:\n  domains: ['(^|\\.)ethz\\.ch$', '(^|\\.)epfl\\.ch$']\n";

class FetchTrustE2E : public ::testing::Test {
 protected:
  void Start(std::map<std::string, std::string> env = {}, const std::string& yaml = kYaml,
             const std::string& stages = "events,fetch,trust") {
    env.emplace("GITLAB_URL", sim_->url());
    env.emplace("GITLAB_API_RATE", "0");
    // Not the jobs: their snippet check would add items of its own.
    service_ = std::make_unique<testing::SpamphibianProcess>(
        redis_, dir_.path(), env, std::vector<std::string>{"serve", "--stages", stages}, yaml);
    ASSERT_TRUE(service_->WaitReady()) << service_->log();
  }
  long long Len(const std::string& stream) { return redis_client_->Integer({"XLEN", "spamphibian:" + stream}); }
  // Entries ever appended to a stream (XLEN drops as consumed ones are trimmed).
  long long Added(const std::string& stream) {
    redis::Reply r;
    if (!redis_client_->raw().Run({"XINFO", "STREAM", "spamphibian:" + stream}, &r).ok()) return -1;
    for (std::size_t i = 0; i + 1 < r->elements; i += 2) {
      if (redis::ReplyText(r->element[i]) == "entries-added") return r->element[i + 1]->integer;
    }
    return -1;
  }
  long long Pending(const std::string& stream, const std::string& group) {
    redis::Reply r;
    if (!redis_client_->raw().Run({"XPENDING", "spamphibian:" + stream, group}, &r).ok()) return -1;
    return r->element[0]->integer;
  }
  std::vector<std::string> Field(const std::string& stream, const std::string& field) {
    return redis_client_->StreamField("spamphibian:" + stream, field);
  }
  nlohmann::json Hooks() {
    std::ifstream in(SPAMPHIBIAN_SIM_DATASET);
    return sim::HookPayloads(nlohmann::json::parse(in));
  }
  // Sends every hook of the simulator's dataset and waits for one decision
  // each; returns the decisions.
  std::vector<nlohmann::json> DecideAll() {
    const auto hooks = Hooks();
    for (const auto& hook : hooks) Send(hook);
    const long long n = static_cast<long long>(hooks.size());
    EXPECT_TRUE(WaitFor([&] { return Len("decision_log") == n; }, std::chrono::seconds(30))) << Len("decision_log");
    std::vector<nlohmann::json> decisions;
    for (const auto& text : Field("decision_log", "decision")) decisions.push_back(nlohmann::json::parse(text));
    return decisions;
  }
  void Send(const nlohmann::json& hook) {
    testing::Headers h;
    if (!hook["event"].get<std::string>().empty()) h.emplace_back("X-Gitlab-Event", hook["event"]);
    ASSERT_EQ(service_->Post(hook["payload"].dump(), h).status, 200);
  }

  testing::RedisServer redis_;
  std::unique_ptr<testing::RedisServer::TestClient> redis_client_ = redis_.Client();
  std::unique_ptr<testing::GitLabSimProcess> sim_ = std::make_unique<testing::GitLabSimProcess>();
  testing::TempDir dir_;
  std::unique_ptr<testing::SpamphibianProcess> service_;
};

TEST_F(FetchTrustE2E, EveryHookEndsAsACandidateOrADecision) {
  Start();
  const auto hooks = Hooks();
  for (const auto& hook : hooks) Send(hook);
  const long long n = static_cast<long long>(hooks.size());
  // (items is consumed and trimmed by the trust stage; count what comes out.)
  ASSERT_TRUE(WaitFor([&] { return Len("candidates") + Len("decision_log") == n; }, std::chrono::seconds(30)))
      << " candidates " << Len("candidates") << " decisions " << Len("decision_log") << "\n"
      << service_->log().substr(0, 4000);
  EXPECT_EQ(Len("dead_letter"), 0);
  EXPECT_EQ(Pending("events", "fetch"), 0);
  EXPECT_EQ(Pending("items", "trust"), 0);

  // Trusted: the admin and authors from ethz.ch / epfl.ch; not the project
  // access token's bot, which any maintainer can make.
  std::set<std::string> reasons;
  for (const auto& d : Field("decision_log", "decision")) {
    auto j = nlohmann::json::parse(d);
    EXPECT_EQ(j["verdict"], "trusted");
    reasons.insert(j["reasons"][0].get<std::string>().substr(0, 20));
  }
  EXPECT_TRUE(reasons.count("author is an admin"));
  EXPECT_FALSE(reasons.count("author is a GitLab b"));
  bool bot_classified = false;
  for (const auto& item : Field("candidates", "item")) {
    bot_classified = bot_classified || nlohmann::json::parse(item)["author"]["username"] == "project_bot_7";
  }
  EXPECT_TRUE(bot_classified);
  EXPECT_TRUE(reasons.count("e-mail domain 'ethz."));

  // A spam profile goes on with its signals.
  bool found = false;
  const auto items = Field("candidates", "item");
  const auto signals = Field("candidates", "signals");
  for (std::size_t i = 0; i < items.size(); ++i) {
    auto item = nlohmann::json::parse(items[i]);
    if (item["type"] == "user" && item["author"]["username"] == "seo_links_4u") {
      found = true;
      EXPECT_EQ(item["author"]["email"], "seo_links_4u@mailinator.com") << "the API's e-mail, not the hook's";
      EXPECT_TRUE(nlohmann::json::parse(signals[i])["disposable_email"]);
    }
  }
  EXPECT_TRUE(found);
  const std::string metrics = HttpGet(service_->Url("/metrics")).body;
  EXPECT_NE(metrics.find("spamphibian_stage_processed_total{stage=\"fetch\",outcome=\"done\"} " + std::to_string(n)),
            std::string::npos);
}

TEST_F(FetchTrustE2E, DeletedItemEndsAsGone) {
  Start();
  Send({{"event", "System Hook"}, {"payload", {{"event_name", "user_create"}, {"user_id", 424242}}}});
  ASSERT_TRUE(WaitFor([&] { return Len("decision_log") == 1; }));
  auto d = nlohmann::json::parse(Field("decision_log", "decision")[0]);
  EXPECT_EQ(d["verdict"], "gone");
  EXPECT_EQ(d["item_type"], "user");
  EXPECT_EQ(Len("items"), 0);
}

TEST_F(FetchTrustE2E, ServerErrorsAreRetriedAndNothingIsLostOrFetchedTwice) {
  sim_->AddFault({{"path_prefix", "/api/v4/users/"}, {"status", 503}, {"count", 6}});
  Start();
  for (int id = 101; id <= 110; ++id) {
    Send({{"event", "System Hook"}, {"payload", {{"event_name", "user_create"}, {"user_id", id}}}});
  }
  ASSERT_TRUE(WaitFor([&] { return Len("candidates") + Len("decision_log") == 10; }, std::chrono::seconds(30)))
      << service_->log().substr(0, 3000);
  std::vector<std::string> ids;
  for (const auto& i : Field("candidates", "item")) ids.push_back(nlohmann::json::parse(i)["id"]);
  for (const auto& d : Field("decision_log", "decision")) ids.push_back(nlohmann::json::parse(d)["item_id"]);
  const std::set<std::string> unique(ids.begin(), ids.end());
  EXPECT_EQ(ids.size(), 10u);
  EXPECT_EQ(unique.size(), 10u) << "an item was handed over twice";
  EXPECT_EQ(sim_->CountRequests("/api/v4/users/"), 16) << "10 reads and the 6 failed ones, nothing read again";
  EXPECT_EQ(Len("dead_letter"), 0);
}

TEST_F(FetchTrustE2E, WrongGitLabTokenKeepsEventsPendingNotDeadLettered) {
  sim_ = std::make_unique<testing::GitLabSimProcess>(std::vector<std::string>{"--token", "the-right-one"});
  Start({{"GITLAB_TOKEN", "a-wrong-one"}});
  Send({{"event", "System Hook"}, {"payload", {{"event_name", "user_create"}, {"user_id", 101}}}});
  // Claimed and tried again every 300 ms, far beyond max_attempts = 3.
  ASSERT_TRUE(WaitFor([&] {
    return HttpGet(service_->Url("/metrics")).body.find("{stage=\"fetch\",outcome=\"hold\"} 4") != std::string::npos;
  }));
  EXPECT_EQ(Pending("events", "fetch"), 1);
  EXPECT_EQ(Len("dead_letter"), 0);
  EXPECT_EQ(service_->log().find("a-wrong-one"), std::string::npos) << "tokens are never logged";
  EXPECT_NE(service_->log().find("check GITLAB_TOKEN"), std::string::npos);
}

TEST_F(FetchTrustE2E, TrustListsReloadOnChangeAndSighup) {
  const std::string list = dir_.path() + "/domains.yaml";
  std::ofstream(list) << "domains:\n  - 'nothing\\.example$'\n";
  Start({{"TRUSTED_DOMAINS_FILE", list}}, "pipeline:\n  block_ms: 100\n");
  Send({{"event", "System Hook"}, {"payload", {{"event_name", "user_create"}, {"user_id", 122}}}});  // bob_k
  ASSERT_TRUE(WaitFor([&] { return Len("candidates") == 1; }));
  const std::string bob_domain = nlohmann::json::parse(Field("candidates", "signals")[0])["email_domain"];
  std::ofstream(list) << "domains:\n  - '^" << bob_domain << "$'\n";
  service_->process().Signal(SIGHUP);
  ASSERT_TRUE(WaitFor([&] { return service_->log().find("trust_lists_reloaded") != std::string::npos; }));
  Send({{"event", "System Hook"}, {"payload", {{"event_name", "user_create"}, {"user_id", 122}}}});
  ASSERT_TRUE(WaitFor([&] { return Len("decision_log") == 1; }));
  EXPECT_EQ(nlohmann::json::parse(Field("decision_log", "decision")[0])["verdict"], "trusted");
}

TEST_F(FetchTrustE2E, WithClassifyEveryHookEndsAsOneDecision) {
  Start({}, kYaml, "events,fetch,trust,classify");
  std::map<std::string, nlohmann::json> users;  // username -> decision
  std::map<std::string, int> verdicts;
  int chained = 0;
  for (const auto& d : DecideAll()) {
    ++verdicts[d["verdict"].get<std::string>()];
    if (d["item_type"] == "user" && d.contains("author")) users[d["author"]] = d;
    const std::string id = d["decision_id"];
    chained += id.rfind("classify-e", 0) == 0 || id.rfind("trust-e", 0) == 0;
  }
  // In one process the three stages run chained (pipeline.chain): nothing
  // is handed over through the items and candidates streams, and every
  // trust or classify decision is named after its event.
  EXPECT_EQ(Added("items"), 0);
  EXPECT_EQ(Added("candidates"), 0);
  EXPECT_EQ(chained, verdicts["spam"] + verdicts["suspicious"] + verdicts["ham"] + verdicts["trusted"]);
  EXPECT_EQ(Pending("events", "fetch"), 0);
  EXPECT_GT(verdicts["spam"], 20);
  EXPECT_GT(verdicts["ham"], 20);
  ASSERT_TRUE(users.count("seo_links_4u"));
  EXPECT_EQ(users["seo_links_4u"]["verdict"], "spam");
  EXPECT_NE(users["seo_links_4u"]["reasons"].dump().find("sig_links_1"), std::string::npos);
  EXPECT_EQ(users["carol.nguyen"]["verdict"], "ham");
  const std::string metrics = HttpGet(service_->Url("/metrics")).body;
  EXPECT_NE(metrics.find("spamphibian_decisions_total{item_type=\"user\",verdict=\"spam\"}"), std::string::npos);
  EXPECT_NE(metrics.find("spamphibian_model_info{"), std::string::npos);
  EXPECT_NE(metrics.find("spamphibian_classify_score_bucket{item_type=\"snippet\""), std::string::npos);
}

TEST_F(FetchTrustE2E, WithTheChainOffTheStagesHandOverThroughRedisAndDecideTheSame) {
  std::string yaml = kYaml;
  yaml.replace(yaml.find("max_attempts: 3\n"), 16, "max_attempts: 3\n  chain: false\n");
  Start({}, yaml, "events,fetch,trust,classify");
  std::map<std::string, std::string> verdict;  // username -> verdict
  const auto decisions = DecideAll();
  const long long n = static_cast<long long>(decisions.size());
  for (const auto& d : decisions) {
    if (d["item_type"] == "user" && d.contains("author")) verdict[d["author"]] = d["verdict"];
    const std::string id = d["decision_id"];
    EXPECT_TRUE(id.rfind("classify-e", 0) != 0 && id.rfind("trust-e", 0) != 0) << id << ": named after its stream";
  }
  EXPECT_EQ(Added("items"), n) << "fetch handed every item over through Redis";
  EXPECT_GT(Added("candidates"), 0);
  EXPECT_EQ(verdict["seo_links_4u"], "spam");
  EXPECT_EQ(verdict["carol.nguyen"], "ham");
}

}  // namespace
}  // namespace spamphibian
