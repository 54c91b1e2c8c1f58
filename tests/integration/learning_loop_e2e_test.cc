// The learning loop end to end, through the real binary: redis-server,
// s3rver, the GitLab simulator, the service (every stage but the jobs, or
// with the retrain job), and `spamphibian model ...` as an operator runs it.
//
//  * A family of ordinary notes the bundled model flags (on-call runbook
//    lines with a phone number) is marked "not spam" 30 times through the
//    API; `model retrain` makes a candidate whose card shows the improvement
//    on the held-out labels; `model shadow` puts its verdict on every
//    decision; `model promote` swaps every replica; the family then scores
//    ham in the running service while spam is still caught; `model rollback`
//    swaps back.
//  * Labels poisoned on purpose (spam labelled ham): the retrain job's
//    candidate is retired, never promoted, and its card says why.
//  * Two replicas follow promote and rollback to the same version.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>

#include "gitlab_sim_process.h"
#include "decisions/decision.h"
#include "http/percent_encoding.h"
#include "redis_server.h"
#include "s3rver_process.h"
#include "security/crypto.h"
#include "sim/gitlab_sim.h"
#include "spamphibian_process.h"
#include "storage/s3_object_store.h"

namespace spamphibian {
namespace {

using nlohmann::json;
using testing::HttpGet;
using testing::HttpPost;
using testing::WaitFor;

constexpr const char* kToken = "learning-loop-api-token-0123456789";
const std::string kYaml =
    "pipeline:\n  claim_idle_ms: 3000\n  block_ms: 100\ngitlab:\n  act_deadline_ms: 2000\n  timeout_ms: 2000\n";

// On-call lines from an operations team: a phone number, "support line",
// "24/7" — the words of a customer-care scam, in ordinary use.
std::vector<std::string> OnCallFamily(int n, unsigned seed) {
  static const char* kOpeners[] = {"For urgent production incidents", "If the deploy fails outside office hours",
                                   "When the payment gateway is down", "For P1 outages on the billing cluster",
                                   "If the nightly backup job pages you", "When customers cannot log in",
                                   "If the VPN concentrator drops", "For database failover problems"};
  static const char* kPrefixes[] = {"+1 (555) 010-", "+1 (555) 012-", "+1 (555) 013-"};
  std::mt19937 rng(seed);
  std::vector<std::string> out;
  for (int i = 0; i < n; ++i) {
    char digits[8];
    std::snprintf(digits, sizeof digits, "%04u", static_cast<unsigned>(rng() % 10000));
    out.push_back(std::string(kOpeners[rng() % 8]) + " call the on-call support line " + kPrefixes[rng() % 3] + digits +
                  ", available 24/7.");
  }
  return out;
}

class LearningLoopE2E : public ::testing::Test {
 protected:
  std::map<std::string, std::string> Env() {
    auto env = s3_.Env();
    env.insert({{"GITLAB_URL", sim_.url()},
                {"GITLAB_API_RATE", "0"},
                {"ADMIN_API_TOKEN", kToken},
                {"MODEL_REFRESH_INTERVAL", "1"},
                {"REDIS_HOST", "127.0.0.1"},
                {"REDIS_PORT", std::to_string(redis_.port())}});
    return env;
  }
  std::unique_ptr<testing::SpamphibianProcess> Start(const std::string& stages, const std::string& yaml = kYaml) {
    const std::string dir = dir_.path() + "/service-" + std::to_string(services_++);
    std::filesystem::create_directories(dir);
    auto service = std::make_unique<testing::SpamphibianProcess>(
        redis_, dir, Env(),
        std::vector<std::string>{"serve", "--stages", stages}, yaml);
    EXPECT_TRUE(service->WaitReady()) << service->log();
    return service;
  }
  // A slice of the bundled training data (every `step`th item): a quick
  // retrain. It lies in the test's own folder, with no held-out real text
  // beside it, so the judge reads only the evaluation set.
  std::string Base(int step = 3) {
    const std::string path = dir_.path() + "/base-" + std::to_string(step) + ".jsonl";
    std::ifstream in(SPAMPHIBIAN_TRAINING_DATA);
    std::ofstream out(path);
    std::string line;
    for (int i = 0; std::getline(in, line); ++i) {
      if (i % step == 0) out << line << '\n';
    }
    return path;
  }
  // `spamphibian ARGS`; the exit code, the output in *out.
  int Cli(const std::vector<std::string>& args, std::string* out) {
    const std::string file = dir_.path() + "/cli-" + std::to_string(cli_runs_++) + ".txt";
    std::vector<std::string> argv = {SPAMPHIBIAN_BINARY};
    argv.insert(argv.end(), args.begin(), args.end());
    testing::ChildProcess p(argv, Env(), file);
    // A retrain on the whole bundled data (200,000 items) took about 5 min
    // under ASan on CI's two cores (the campaign deal, trainer.h, trains
    // nine fastText models). The test's own limit is 15 (CMakeLists).
    const int rc = p.Wait(std::chrono::minutes(8));
    *out = testing::ReadFile(file);
    return rc;
  }
  static json LastLine(const std::string& text) {
    std::string t = text;
    while (!t.empty() && t.back() == '\n') t.pop_back();
    return json::parse(t.substr(t.rfind('\n') == std::string::npos ? 0 : t.rfind('\n') + 1), nullptr, false);
  }
  // A new note on issue 1 of project 300 by a user who signed up today:
  // a newcomer (confirmed free-mail address), or a throwaway account
  // (`spammer`: disposable address, unconfirmed).
  void PostNote(testing::SpamphibianProcess& service, std::int64_t id, const std::string& body, bool spammer = false) {
    const std::int64_t author = 70000 + id;
    const std::string today = NowRfc3339();
    json user = {{"id", author}, {"username", "newcomer" + std::to_string(id)}, {"name", "New Comer " + std::to_string(id)},
                 {"state", "active"}, {"bio", ""}, {"website_url", ""},
                 {"email", "newcomer" + std::to_string(id) + (spammer ? "@mailinator.com" : "@gmail.com")},
                 {"is_admin", false}, {"bot", false}, {"created_at", today},
                 {"confirmed_at", spammer ? json() : json(today)}, {"note", ""}};
    ASSERT_EQ(HttpPost(sim_.url() + "/_sim/objects/users", user.dump()).status, 201);
    json note = {{"id", id}, {"noteable_type", "Issue"}, {"project_id", 300}, {"parent", 1}, {"body", body},
                 {"system", false}, {"author", {{"id", author}, {"username", user["username"]}}},
                 {"created_at", "2026-12-01T10:00:00.000Z"}, {"updated_at", "2026-12-01T10:00:00.000Z"}};
    ASSERT_EQ(HttpPost(sim_.url() + "/_sim/objects/notes", note.dump()).status, 201);
    const json dataset = {{"users", json::array()},  {"groups", json::array()}, {"projects", json::array()},
                          {"issues", json::array()}, {"merge_requests", json::array()}, {"notes", json::array({note})},
                          {"wikis", json::array()},  {"snippets", json::array()}};
    const json hooks = sim::HookPayloads(dataset);
    ASSERT_EQ(service.Post(hooks[0]["payload"].dump(), {{"X-Gitlab-Event", "Note Hook"}}).status, 200);
  }
  // The decision of note `id`, once classified.
  json Decision(std::int64_t id) {
    json found;
    WaitFor([&] {
      for (const auto& t : redis_client_->StreamField("spamphibian:decision_log", "decision")) {
        json d = json::parse(t);
        if (d["item_type"] == "note" && d["item_id"] == "300/issues/1/notes/" + std::to_string(id) && !d.contains("review")) {
          found = d;
          return true;
        }
      }
      return false;
    }, std::chrono::seconds(30));
    return found;
  }
  static bool Flagged(const std::string& verdict) { return verdict == "spam" || verdict == "suspicious"; }
  std::string ModelVersion(testing::SpamphibianProcess& service) {
    const std::string m = HttpGet(service.Url("/metrics")).body;
    for (std::size_t at = m.find("spamphibian_model_info{"); at != std::string::npos;
         at = m.find("spamphibian_model_info{", at + 1)) {
      const std::string line = m.substr(at, m.find('\n', at) - at);
      if (line.ends_with(" 1")) {
        const auto v = line.find("version=\"") + 9;
        return line.substr(v, line.find('"', v) - v);
      }
    }
    return "";
  }
  std::size_t Labels() {
    std::vector<storage::ObjectInfo> objects;
    auto store = storage::NewS3ObjectStore(s3_.Options());
    return store->List("labels/", &objects).ok() ? objects.size() : 0;
  }

  testing::RedisServer redis_;
  std::unique_ptr<testing::RedisServer::TestClient> redis_client_ = redis_.Client();
  testing::GitLabSimProcess sim_;
  testing::S3rverProcess s3_;
  testing::TempDir dir_;
  int services_ = 0;
  int cli_runs_ = 0;
};

TEST_F(LearningLoopE2E, NotSpamAnswersRetrainShadowPromoteAndRollBack) {
  auto service = Start("events,fetch,trust,classify,archive,act,review");
  const std::string bundled = ModelVersion(*service);
  ASSERT_FALSE(bundled.empty());

  // 1. The family, as the bundled model sees it; reviewers say not spam.
  const auto family = OnCallFamily(30, 1);
  int flagged_before = 0;
  for (int i = 0; i < 30; ++i) PostNote(*service, 9000 + i, family[i]);
  for (int i = 0; i < 30; ++i) {
    const json d = Decision(9000 + i);
    ASSERT_TRUE(d.is_object()) << service->log();
    flagged_before += Flagged(d["verdict"]);
    json review;
    ASSERT_TRUE(WaitFor([&] {
      auto r = HttpGet(service->AdminUrl("/api/v1/reviews/" + http::PercentEncode(d["decision_id"].get<std::string>())),
                       {{"Authorization", std::string("Bearer ") + kToken}});
      return r.status == 200;
    }));
    auto r = HttpPost(service->AdminUrl("/api/v1/reviews/" + http::PercentEncode(d["decision_id"].get<std::string>())),
                      json{{"outcome", "ham"}}.dump(),
                      {{"Authorization", std::string("Bearer ") + kToken}, {"Content-Type", "application/json"}});
    ASSERT_EQ(r.status, 200) << r.body;
  }
  ASSERT_GE(flagged_before, 8) << "the premise: the bundled model flags this family";
  ASSERT_TRUE(WaitFor([&] { return Labels() == 30; }, std::chrono::seconds(30))) << "labels reach S3 through the archive stage";

  // 2. Retrain: the card shows the improvement on the held-out labels.
  std::string out;
  // The bundled training data whole: the candidate must be as good as the
  // bundled model everywhere else to be promotable.
  const auto retrain_started = std::chrono::steady_clock::now();
  ASSERT_EQ(Cli({"model", "retrain", "--by", "tester"}, &out), 0) << out;
  const auto retrain_s =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - retrain_started).count();
  const json card = LastLine(out);
  ASSERT_TRUE(card.is_object()) << out;
  const std::string candidate = card["version"];
  EXPECT_EQ(card["data"]["labels"], 30);
  EXPECT_EQ(card["data"]["labels_heldout"], 6);
  EXPECT_EQ(card["current_version"], bundled);
  const json held = card["heldout_labels"];
  EXPECT_LT(held["candidate"]["flagged_false_positives"].get<long>(), held["current"]["flagged_false_positives"].get<long>())
      << held.dump();
  EXPECT_TRUE(card["judgement"]["promotable"].get<bool>()) << card["judgement"].dump();
  EXPECT_EQ(card["state"], "candidate");

  // 3. Shadow: every decision carries the candidate's verdict too.
  ASSERT_EQ(Cli({"model", "shadow", candidate, "--by", "tester"}, &out), 0) << out;
  ASSERT_TRUE(WaitFor([&] { return service->log().find("shadow_model_loaded") != std::string::npos; },
                      std::chrono::seconds(20)));
  const auto second = OnCallFamily(20, 2);
  int current_flags = 0, shadow_flags = 0, disagreements = 0;
  for (int i = 0; i < 20; ++i) PostNote(*service, 9100 + i, second[i]);
  for (int i = 0; i < 20; ++i) {
    const json d = Decision(9100 + i);
    disagreements += Flagged(d["verdict"]) != Flagged(d["shadow"].value("verdict", ""));
    ASSERT_TRUE(d.contains("shadow")) << d.dump();
    EXPECT_EQ(d["shadow"]["model_version"], candidate);
    EXPECT_EQ(d["model_version"], bundled) << "the shadow changes nothing";
    current_flags += Flagged(d["verdict"]);
    shadow_flags += Flagged(d["shadow"]["verdict"]);
  }
  EXPECT_LT(shadow_flags, current_flags);
  // The review queue shows where the two disagree.
  ASSERT_TRUE(WaitFor([&] {
    auto r = HttpGet(service->AdminUrl("/api/v1/reviews?state=all&verdict=all&disagree=1&limit=200"),
                     {{"Authorization", std::string("Bearer ") + kToken}});
    return r.status == 200 && json::parse(r.body)["reviews"].size() == static_cast<std::size_t>(disagreements);
  })) << disagreements;
  EXPECT_NE(HttpGet(service->Url("/metrics")).body.find("spamphibian_shadow_agreement_total{item_type=\"note\""),
            std::string::npos);

  // 4. Promote: the running service swaps within its refresh interval.
  const auto promoted_at = std::chrono::steady_clock::now();
  ASSERT_EQ(Cli({"model", "promote", candidate, "--by", "tester"}, &out), 0) << out;
  ASSERT_TRUE(WaitFor([&] { return ModelVersion(*service) == candidate; }, std::chrono::seconds(20))) << service->log();
  const auto swap_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - promoted_at).count();
  const auto third = OnCallFamily(20, 3);
  int flagged_after = 0;
  for (int i = 0; i < 20; ++i) PostNote(*service, 9200 + i, third[i]);
  for (int i = 0; i < 20; ++i) {
    const json d = Decision(9200 + i);
    EXPECT_EQ(d["model_version"], candidate);
    EXPECT_FALSE(d.contains("shadow")) << "promoting the shadowed model ended the shadow";
    flagged_after += Flagged(d["verdict"]);
  }
  EXPECT_LE(flagged_after, 2) << "the family now scores ham";
  // Spam is still caught: new accounts, links, a scam number.
  const std::vector<std::string> spam = {
      "Situs slot gacor hari ini gampang menang! Daftar sekarang bonus new member 100% di https://gacor88-slot.example.top "
      "dan https://gacor88-slot.example.top/daftar",
      "Buy cheap backlinks and guest posts, DA 90+, best SEO services: https://cheap-backlinks.example.xyz order now "
      "https://cheap-backlinks.example.xyz/pricing",
      "Hire a hacker to recover lost crypto and stolen bitcoin fast, contact recovery expert on telegram https://t.me/recoverfunds_pro "
      "WhatsApp +1 888 555 0199 guaranteed"};
  for (std::size_t i = 0; i < spam.size(); ++i) PostNote(*service, 9300 + static_cast<std::int64_t>(i), spam[i], true);
  int spam_caught = 0;
  for (std::size_t i = 0; i < spam.size(); ++i) {
    const json d = Decision(9300 + static_cast<std::int64_t>(i));
    spam_caught += d["verdict"] == "spam";
    EXPECT_TRUE(Flagged(d["verdict"])) << d.dump();
  }
  std::printf("learning loop: family flagged before %d/30, by the shadow %d/20 (current %d/20), after promote %d/20; "
              "held-out labels flagged %ld -> %ld; spam still caught %d/%zu; retrain %lld s; promote to swap %lld ms\n",
              flagged_before, shadow_flags, current_flags, flagged_after,
              held["current"]["flagged_false_positives"].get<long>(), held["candidate"]["flagged_false_positives"].get<long>(),
              spam_caught, spam.size(), static_cast<long long>(retrain_s), static_cast<long long>(swap_ms));

  // 5. The registry and the audit trail know what happened.
  ASSERT_EQ(Cli({"model", "list", "--json"}, &out), 0) << out;
  const json list = json::parse(out);
  std::map<std::string, std::string> states;
  for (const auto& m : list) states[m["version"]] = m["state"];
  EXPECT_EQ(states[candidate], "current");
  EXPECT_EQ(states[bundled], "retired");
  bool live = false;
  for (const auto& m : list) {
    live |= m["version"] == bundled && m.contains("live") &&
            m["live"]["flagged_rejected"].get<long>() == flagged_before && m["live"]["answers"] == 30;
  }
  EXPECT_TRUE(live) << "live precision: the bundled model's flagged verdicts reviewers rejected\n" << out;
  EXPECT_NE(HttpGet(service->Url("/metrics")).body.find("spamphibian_review_outcomes_total{item_type=\"note\""),
            std::string::npos);
  std::string audit;
  for (const auto& a : redis_client_->StreamField("spamphibian:audit", "audit")) audit += a;
  for (const char* action : {"model_retrain", "model_shadow", "model_promote"}) {
    EXPECT_NE(audit.find(action), std::string::npos) << action;
  }
  EXPECT_NE(audit.find("tester (spamphibian model)"), std::string::npos);
  const json api_list =
      json::parse(HttpGet(service->AdminUrl("/api/v1/models"), {{"Authorization", std::string("Bearer ") + kToken}}).body);
  EXPECT_EQ(api_list["models"].size(), list.size()) << "the API lists what the command lists";

  // 6. Rollback: back to the bundled model.
  ASSERT_EQ(Cli({"model", "rollback", "--by", "tester"}, &out), 0) << out;
  EXPECT_TRUE(WaitFor([&] { return ModelVersion(*service) == bundled; }, std::chrono::seconds(20)));
}

TEST_F(LearningLoopE2E, TheRetrainJobRetiresACandidateTrainedOnPoisonedLabels) {
  // Spam from the bundled data, labelled ham: what a careless or malicious
  // reviewer would teach.
  auto store = storage::NewS3ObjectStore(s3_.Options());
  std::ifstream in(SPAMPHIBIAN_TRAINING_DATA);
  std::string line;
  int poisoned = 0;
  for (int i = 0; std::getline(in, line) && poisoned < 150; ++i) {
    json j = json::parse(line);
    if (j["label"] != "spam") continue;
    json label = {{"label", "ham"}, {"item", j["item"]}, {"signals", j.value("signals", json::object())},
                  {"time", "2026-12-01T10:00:00Z"}, {"source", "review"}};
    const std::string key = "labels/" + j["item"]["type"].get<std::string>() + "/poison-" + std::to_string(i) + ".json";
    ASSERT_TRUE(store->Put(key, label.dump(), "application/json").ok());
    redis_client_->Run({"XADD", "spamphibian:labels", "*", "label", label.dump(), "key", key});
    ++poisoned;
  }
  // The job retrains on a quarter of the bundled data: the whole of it (200,000
  // items with the real text) took more than eight minutes under ASan on CI's
  // two cores; what is judged here is the poison, not the base.
  auto service = Start("events,fetch,trust,classify,jobs",
                       kYaml + "model:\n  training_data: " + Base(4) + "\n" +
                           "jobs:\n  retrain_min_new_labels: 100\n  retrain_check_interval: 1\n  shadow_hours: 0\n"
                           "  auto_promote: true\n");
  const std::string bundled = ModelVersion(*service);
  std::string out;
  json retired;
  ASSERT_TRUE(WaitFor([&] {
    if (Cli({"model", "list", "--json"}, &out) != 0) return false;
    for (const auto& m : json::parse(out)) {
      if (m["state"] == "retired" && m["card"].contains("judgement")) retired = m;
    }
    return retired.is_object();
  }, std::chrono::minutes(8))) << service->log();
  EXPECT_FALSE(retired["card"]["judgement"]["promotable"].get<bool>());
  const std::string reason = retired["reason"];
  EXPECT_NE(reason.find("lower recall on the evaluation set"), std::string::npos) << reason;
  std::printf("poisoned labels: %d; the job's candidate %s retired: %s\n", poisoned,
              retired["version"].get<std::string>().c_str(), reason.c_str());
  // The job does not promote it, now or later.
  std::this_thread::sleep_for(std::chrono::seconds(3));
  EXPECT_EQ(ModelVersion(*service), bundled);
  EXPECT_NE(HttpGet(service->Url("/metrics")).body.find("spamphibian_job_runs_total{job=\"retrain\""), std::string::npos);
}

TEST_F(LearningLoopE2E, EveryReplicaFollowsPromoteAndRollback) {
  // A small candidate (no labels: the bundled data's slice alone).
  std::string out;
  ASSERT_EQ(Cli({"model", "retrain", "--base", Base(), "--eval", "none", "--epoch", "5", "--buckets", "20000", "--cutoff",
                 "5000", "--by", "tester"},
                &out),
            0)
      << out;
  const std::string candidate = LastLine(out)["version"];
  ASSERT_EQ(candidate.size(), 12u) << out;
  auto a = Start("events,fetch,trust,classify");  // with the admin listener (events)
  auto b = Start("fetch,trust,classify");
  const std::string bundled = ModelVersion(*a);
  ASSERT_EQ(ModelVersion(*b), bundled);
  const auto t0 = std::chrono::steady_clock::now();
  ASSERT_EQ(Cli({"model", "promote", candidate, "--by", "tester"}, &out), 0) << out;
  ASSERT_TRUE(WaitFor([&] { return ModelVersion(*a) == candidate && ModelVersion(*b) == candidate; },
                      std::chrono::seconds(20)));
  const auto both_ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
  // Rolled back through the admin API this time.
  const testing::Headers auth = {{"Authorization", std::string("Bearer ") + kToken}};
  const auto listed = HttpGet(a->AdminUrl("/api/v1/models"), auth);
  ASSERT_EQ(listed.status, 200) << listed.body;
  std::string current;
  const json models = json::parse(listed.body);  // kept alive for the loop
  for (const auto& m : models["models"]) {
    if (m["state"] == "current") current = m["version"];
  }
  EXPECT_EQ(current, candidate) << listed.body;
  EXPECT_EQ(HttpPost(a->AdminUrl("/api/v1/models/" + candidate + "/explode"), "{}", auth).status, 404);
  EXPECT_EQ(HttpPost(a->AdminUrl("/api/v1/models/rollback"), "{}").status, 401) << "no credentials, no change";
  const auto rolled = HttpPost(a->AdminUrl("/api/v1/models/rollback"), "{}", auth);
  ASSERT_EQ(rolled.status, 200) << rolled.body;
  EXPECT_EQ(json::parse(rolled.body)["version"], bundled);
  ASSERT_TRUE(WaitFor([&] { return ModelVersion(*a) == bundled && ModelVersion(*b) == bundled; },
                      std::chrono::seconds(20)));
  std::printf("two replicas on the promoted model %lld ms after `model promote` (MODEL_REFRESH_INTERVAL=1)\n",
              static_cast<long long>(both_ms));
  // Nothing before the bundled model.
  EXPECT_EQ(Cli({"model", "rollback"}, &out), 2) << out;
  EXPECT_NE(out.find("nothing to roll back to"), std::string::npos) << out;
}

}  // namespace
}  // namespace spamphibian
