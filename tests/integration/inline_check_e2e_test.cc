// The inline check end to end: the real binary's gRPC listener, called as
// GitLab calls it by a real gRPC client (Python's grpcio from Debian,
// testing/spamcheck_client.py: the raw key in `authorization`, a
// correlation id, GitLab's 2 s deadline), with redis-server, s3rver and the
// GitLab simulator behind it for the review queue and the act stage.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <fstream>

#include "gitlab_sim_process.h"
#include "http/percent_encoding.h"
#include "redis_server.h"
#include "s3rver_process.h"
#include "spamphibian_process.h"

namespace spamphibian {
namespace {

using json = nlohmann::json;
using testing::WaitFor;

constexpr const char* kKey = "spamcheck-key-from-gitlab-settings";
constexpr const char* kToken = "inline-admin-api-token-0123456789";

const std::string kLive =
    "policy:\n  inline:\n    issue: {spam: DISALLOW}\n    note: {spam: DISALLOW}\n    snippet: {spam: DISALLOW}\n";

json User(int id, const std::string& name, const std::string& email, bool verified, double age_days) {
  return {{"id", id},
          {"username", name},
          {"emails", json::array({{{"email", email}, {"verified", verified}}})},
          {"abuse_metadata", {{"account_age", age_days}, {"two_factor_enabled", 0}}}};
}

// What spam looks like when GitLab asks: a new account, a link to a site
// that sells, a phone number.
json SpamIssue(int user = 901) {
  return {{"user", User(user, "bonus_king" + std::to_string(user), "bk@mail.example", false, 0)},
          {"title", "Best online casino bonus 2026 - 500 free spins"},
          {"description", "Claim 500 free spins at https://best-casino-bonus.xyz/promo now, "
                          "call +1 855 222 3333 or whatsapp for VIP bonus codes"}};
}
json SpamNote(int user = 901) {
  return {{"user", User(user, "bonus_king" + std::to_string(user), "bk@mail.example", false, 0)},
          {"type", "note"},
          {"text", "Great post! Cheap pills without prescription at https://cheap-pills-online.top/buy "
                   "- discount code PILLS50, call +1 855 444 1212"}};
}
json OrdinaryIssue() {
  return {{"user", User(77, "ada", "ada@example.org", true, 400)},
          {"title", "Editor crashes when saving a file with a long name"},
          {"description", "Steps: open a file, rename it to 300 characters, save. The editor exits with "
                          "a segfault in path_join. Version 2.3.1 on Debian 12."}};
}
json OrdinarySnippet() {
  return {{"user", User(78, "grace", "grace@example.org", true, 900)},
          {"title", "nginx config for the staging proxy"},
          {"description", "What we run in front of the review apps."},
          {"files", json::array({"nginx.conf"})}};
}

class InlineCheckE2E : public ::testing::Test {
 protected:
  void Start(const std::string& yaml, std::map<std::string, std::string> extra = {}) {
    spamcheck_port_ = testing::FreePort();
    admin_port_ = testing::FreePort();
    auto env = s3_.Env();
    env.insert({{"GITLAB_URL", sim_.url()},
                {"GITLAB_API_RATE", "0"},
                {"ADMIN_PORT", std::to_string(admin_port_)},
                {"ADMIN_API_TOKEN", kToken},
                {"SPAMCHECK_PORT", std::to_string(spamcheck_port_)},
                {"SPAMCHECK_API_KEY", kKey}});
    for (auto& [k, v] : extra) env[k] = v;
    service_ = std::make_unique<testing::SpamphibianProcess>(
        redis_, dir_.path(), env,
        std::vector<std::string>{"serve", "--stages", "events,fetch,trust,classify,archive,act,review"},
        "pipeline:\n  claim_idle_ms: 3000\n  block_ms: 100\ngitlab:\n  act_deadline_ms: 2000\n  timeout_ms: 2000\n" + yaml);
    ASSERT_TRUE(service_->WaitReady()) << service_->log();
    ASSERT_TRUE(WaitFor([&] { return Health() == "SERVING"; }, std::chrono::seconds(20))) << service_->log();
  }

  // One run of the client; its one line of JSON.
  json Client(std::vector<std::string> args, const char* key = kKey) {
    const std::string out = dir_.path() + "/client-" + std::to_string(++calls_) + ".json";
    std::vector<std::string> argv = {"/usr/bin/python3", SPAMCHECK_CLIENT, "--stubs", SPAMCHECK_PY_STUBS,
                                     "--target", "127.0.0.1:" + std::to_string(spamcheck_port_)};
    if (!ca_.empty()) {
      argv.push_back("--ca");
      argv.push_back(ca_);
    }
    if (key != nullptr) {
      argv.push_back("--key");
      argv.push_back(key);
    }
    argv.insert(argv.end(), args.begin(), args.end());
    testing::ChildProcess client(argv, {}, out);
    EXPECT_EQ(client.Wait(std::chrono::seconds(30)), 0) << testing::ReadFile(out);
    const std::string text = testing::ReadFile(out);
    const json j = json::parse(text.substr(0, text.find('\n')), nullptr, false);
    EXPECT_FALSE(j.is_discarded()) << text;
    return j;
  }
  json Check(const std::string& method, const json& request, const char* key = kKey) {
    return Client({"call", method, request.dump()}, key);
  }
  std::string Health() { return Client({"health"}, nullptr).value("status", ""); }

  std::vector<json> Stream(const std::string& name, const std::string& field) {
    std::vector<json> out;
    for (const auto& t : redis_client_->StreamField("spamphibian:" + name, field)) out.push_back(json::parse(t));
    return out;
  }
  json Decision(const std::string& id) {
    json found;
    WaitFor([&] {
      for (const auto& d : Stream("decision_log", "decision")) {
        if (d["decision_id"] == id) found = d;
      }
      return !found.is_null();
    });
    return found;
  }
  std::string Admin(const std::string& path) { return "http://127.0.0.1:" + std::to_string(admin_port_) + path; }
  testing::Headers Auth() { return {{"Authorization", std::string("Bearer ") + kToken}}; }
  json Review(const std::string& id) {
    json review;
    WaitFor([&] {
      auto r = testing::HttpGet(Admin("/api/v1/reviews/" + http::PercentEncode(id)), Auth());
      if (r.status == 200) review = json::parse(r.body);
      return r.status == 200;
    });
    return review;
  }
  int Answer(const std::string& id, const json& body) {
    auto h = Auth();
    h.emplace_back("Content-Type", "application/json");
    return testing::HttpPost(Admin("/api/v1/reviews/" + http::PercentEncode(id)), body.dump(), h).status;
  }

  testing::RedisServer redis_;
  std::unique_ptr<testing::RedisServer::TestClient> redis_client_ = redis_.Client();
  testing::S3rverProcess s3_;
  testing::GitLabSimProcess sim_;
  testing::TempDir dir_;
  int spamcheck_port_ = 0, admin_port_ = 0, calls_ = 0;
  std::string ca_;  // the certificate a tls:// client trusts; "" = grpc://
  std::unique_ptr<testing::SpamphibianProcess> service_;
};

TEST_F(InlineCheckE2E, MonitorModeAllowsEverythingWithTheScoreAndRecordsTheDecision) {
  ASSERT_NO_FATAL_FAILURE(Start(""));
  const json r = Check("issue", SpamIssue());
  ASSERT_EQ(r["code"], "OK") << r;
  EXPECT_EQ(r["verdict"], "ALLOW") << "monitor mode is the default";
  EXPECT_TRUE(r["evaluated"]);
  EXPECT_GT(r["score"].get<double>(), 0.9);
  EXPECT_EQ(r["extra"]["verdict"], "spam");
  EXPECT_NE(r["reason"].get<std::string>().find("spam (score"), std::string::npos) << r;

  const json d = Decision(r["extra"]["decision_id"]);
  ASSERT_FALSE(d.is_null()) << service_->log();
  EXPECT_EQ(d["event_type"], "inline_check");
  EXPECT_EQ(d["verdict"], "spam");
  EXPECT_EQ(d["inline"]["gitlab_verdict"], "ALLOW");
  EXPECT_FALSE(d["inline"]["refused"]);
  EXPECT_EQ(d["item"]["text"][0][1], "Best online casino bonus 2026 - 500 free spins");
  // Allowed: GitLab saves it and its hook brings it round; no review, no audit yet.
  EXPECT_TRUE(Stream("audit", "audit").empty());
}

TEST_F(InlineCheckE2E, ALivePolicyRefusesSpamAndLetsOrdinaryPeoplePost) {
  ASSERT_NO_FATAL_FAILURE(Start(kLive));
  const json spam_issue = Check("issue", SpamIssue());
  EXPECT_EQ(spam_issue["verdict"], "DISALLOW") << spam_issue;
  const json spam_note = Check("generic", SpamNote());
  EXPECT_EQ(spam_note["verdict"], "DISALLOW") << spam_note;
  const json issue = Check("issue", OrdinaryIssue());
  EXPECT_EQ(issue["verdict"], "ALLOW") << issue;
  EXPECT_LT(issue["score"].get<double>(), 0.5);
  const json snippet = Check("snippet", OrdinarySnippet());
  EXPECT_EQ(snippet["verdict"], "ALLOW") << snippet;

  // Each refusal is audited and waits for a reviewer as "refused before saving".
  ASSERT_TRUE(WaitFor([&] { return Stream("audit", "audit").size() == 2; })) << service_->log();
  for (const auto& a : Stream("audit", "audit")) EXPECT_EQ(a["action"], "inline_DISALLOW") << a;
  const json review = Review(spam_note["extra"]["decision_id"]);
  ASSERT_FALSE(review.is_null()) << service_->log();
  EXPECT_EQ(review["state"], "pending");
  EXPECT_EQ(review["decision"]["inline"]["refused"], true);
  // The act stage did nothing on its own with an item GitLab never saved.
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  for (const auto& req : sim_.Requests()) EXPECT_NE(req.value("method", ""), "PUT") << req;
}

TEST_F(InlineCheckE2E, ReviewersNotSpamLetsTheAuthorsNextAttemptThrough) {
  ASSERT_NO_FATAL_FAILURE(Start(kLive));
  const json first = Check("generic", SpamNote(902));
  ASSERT_EQ(first["verdict"], "DISALLOW") << first;
  const std::string id = first["extra"]["decision_id"];
  ASSERT_FALSE(Review(id).is_null()) << service_->log();
  ASSERT_EQ(Answer(id, {{"outcome", "ham"}}), 200);

  const json again = Check("generic", SpamNote(902));
  EXPECT_EQ(again["verdict"], "ALLOW") << again;
  EXPECT_NE(again["reason"].get<std::string>().find("a reviewer answered this author's last item not spam"),
            std::string::npos)
      << again;
  // Another account posting the same is still refused.
  EXPECT_EQ(Check("generic", SpamNote(903))["verdict"], "DISALLOW");
}

TEST_F(InlineCheckE2E, AReviewersSpamOnARefusedItemCanBlockItsAuthor) {
  ASSERT_NO_FATAL_FAILURE(Start(kLive));
  // An account the simulator knows, so that GitLab can block it.
  std::int64_t user_id = 0;
  const json state = sim_.State();  // kept alive for the loop
  for (const auto& u : state["users"]) {
    if (u["state"] == "active" && !u.value("is_admin", false)) user_id = u["id"];
  }
  ASSERT_GT(user_id, 0);
  const json refused = Check("generic", SpamNote(static_cast<int>(user_id)));
  ASSERT_EQ(refused["verdict"], "DISALLOW") << refused;
  const std::string id = refused["extra"]["decision_id"];
  ASSERT_FALSE(Review(id).is_null()) << service_->log();
  ASSERT_EQ(Answer(id, {{"outcome", "spam"}, {"scope", "author"}}), 200);
  ASSERT_TRUE(WaitFor(
      [&] {
        const json now = sim_.State();
        for (const auto& u : now["users"]) {
          if (u["id"] == user_id) return u["state"] == "blocked";
        }
        return false;
      },
      std::chrono::seconds(20)))
      << service_->log();
  // The note itself was never saved: nothing to hide, and the audit says so.
  bool not_applicable = false;
  ASSERT_TRUE(WaitFor([&] {
    for (const auto& a : Stream("audit", "audit")) not_applicable |= a.value("status", "") == "not_applicable";
    return not_applicable;
  })) << service_->log();
}

TEST_F(InlineCheckE2E, TheKeyIsRequiredAndWhatCannotBeReadIsRefusedNotFatal) {
  ASSERT_NO_FATAL_FAILURE(Start(kLive));
  EXPECT_EQ(Check("issue", SpamIssue(), nullptr)["code"], "UNAUTHENTICATED");
  EXPECT_EQ(Check("issue", SpamIssue(), "not-the-key")["code"], "UNAUTHENTICATED");
  json no_user = SpamIssue();
  no_user.erase("user");
  const json r = Check("issue", no_user);
  EXPECT_EQ(r["code"], "INVALID_ARGUMENT") << r;
  EXPECT_NE(r["details"].get<std::string>().find("user"), std::string::npos);
  EXPECT_EQ(Check("generic", {{"user", User(1, "a", "a@b.example", false, 1)}, {"text", "hi"}})["code"],
            "INVALID_ARGUMENT")
      << "a Generic without a type";
  EXPECT_NE(Client({"garbage"})["code"], "OK");
  // Still up, still judging.
  EXPECT_EQ(Check("issue", SpamIssue())["verdict"], "DISALLOW");
  const std::string metrics = testing::HttpGet(service_->Url("/metrics")).body;
  EXPECT_NE(metrics.find("spamphibian_inline_check_errors_total{code=\"unauthenticated\"} 2"), std::string::npos)
      << metrics;
  EXPECT_NE(metrics.find("spamphibian_inline_check_errors_total{code=\"invalid_argument\"} 2"), std::string::npos);
  EXPECT_NE(metrics.find("spamphibian_inline_checks_total{item_type=\"issue\",verdict=\"DISALLOW\"} 1"),
            std::string::npos);
}

TEST_F(InlineCheckE2E, RequestsAboveTheLimitAreRefusedAndTheServiceGoesOn) {
  ASSERT_NO_FATAL_FAILURE(Start(kLive + "spamcheck:\n  max_message_bytes: 8192\n"));
  json big = OrdinaryIssue();
  big["description"] = std::string(20000, 'a');
  EXPECT_EQ(Check("issue", big)["code"], "RESOURCE_EXHAUSTED");
  EXPECT_EQ(Check("issue", SpamIssue())["verdict"], "DISALLOW");
}

TEST_F(InlineCheckE2E, ATlsEndpointAnswersOverTls) {
  const std::string cert = dir_.path() + "/cert.pem", key = dir_.path() + "/key.pem";
  testing::ChildProcess openssl({"openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj",
                                 "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", key, "-out",
                                 cert},
                                {}, dir_.path() + "/openssl.log");
  ASSERT_EQ(openssl.Wait(std::chrono::seconds(60)), 0) << testing::ReadFile(dir_.path() + "/openssl.log");
  ca_ = cert;
  ASSERT_NO_FATAL_FAILURE(Start(kLive, {{"SPAMCHECK_TLS_CERT", cert}, {"SPAMCHECK_TLS_KEY", key}}));
  EXPECT_EQ(Check("issue", SpamIssue())["verdict"], "DISALLOW");
  ca_.clear();  // a plain-text client gets nothing
  EXPECT_EQ(Check("issue", SpamIssue())["code"], "UNAVAILABLE");
}

TEST_F(InlineCheckE2E, TrustedAuthorsAreAllowedWithoutScoring) {
  ASSERT_NO_FATAL_FAILURE(Start(kLive + "trust:\n  domains: ['\\.trusted\\.example$']\n"));
  json r = SpamIssue();
  r["user"]["emails"] = json::array({{{"email", "it@corp.trusted.example"}, {"verified", true}}});
  const json answer = Check("issue", r);
  EXPECT_EQ(answer["verdict"], "ALLOW") << answer;
  EXPECT_FALSE(answer["evaluated"]) << "GitLab keeps an evaluated score as the user's: this one was not scored";
  EXPECT_EQ(answer["extra"]["verdict"], "trusted");
  // An unverified address at the same domain proves nothing.
  r["user"]["emails"][0]["verified"] = false;
  EXPECT_EQ(Check("issue", r)["verdict"], "DISALLOW");
}

TEST_F(InlineCheckE2E, WithRedisGoneTheModelAnswersAloneAndQuickly) {
  ASSERT_NO_FATAL_FAILURE(Start(kLive));
  ASSERT_EQ(Check("issue", SpamIssue())["verdict"], "DISALLOW");
  redis_.Kill();
  for (int i = 0; i < 3; ++i) {
    const json r = Check("issue", SpamIssue());
    ASSERT_EQ(r["code"], "OK") << r << service_->log();
    EXPECT_EQ(r["verdict"], "DISALLOW");
    EXPECT_EQ(r["extra"]["memory"], "unavailable");
    EXPECT_NE(r["reason"].get<std::string>().find("model alone"), std::string::npos);
    EXPECT_LT(r["ms"].get<double>(), 100.0) << "GitLab must never wait on our Redis";
    EXPECT_EQ(Check("issue", OrdinaryIssue())["verdict"], "ALLOW");
  }
  EXPECT_EQ(Health(), "SERVING") << "the model is loaded: Redis is not what the check needs";
}

}  // namespace
}  // namespace spamphibian
