// The act and notify stages in the real binary, end to end: hooks in, the
// real gitlab-sim, s3rver for the archive, and a stand-in Slack webhook.
// Monitor mode, quarantine and restore per item type, archive-first, S3
// down, dry run, the destructive cap under a burst, Slack's escaping, limits
// and 429.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>

#include "stages/action_archive.h"
#include "gitlab_sim_process.h"
#include "http/curl_client.h"
#include "redis_server.h"
#include "http/percent_encoding.h"
#include "s3rver_process.h"
#include "slack_click.h"
#include "sim/gitlab_sim.h"
#include "spamphibian_process.h"
#include "stand_in_server.h"
#include "storage/s3_object_store.h"

namespace spamphibian {
namespace {

using testing::HttpGet;
using testing::WaitFor;

const std::string kBase =
    "pipeline:\n  claim_idle_ms: 3000\n  block_ms: 100\n  max_attempts: 3\n"
    "gitlab:\n  act_deadline_ms: 2000\n  timeout_ms: 2000\n"
    "slack:\n  min_interval_ms: 10\n  summarize_from: 0\n";
const std::string kQuarantine =
    "policy:\n  dry_run: false\n  max_destructive_actions_per_minute: 1000\n"
    "  user: {spam: [notify, quarantine], suspicious: [notify]}\n"
    "  project: {spam: [notify, quarantine]}\n  group: {spam: [notify, quarantine]}\n"
    "  snippet: {spam: [notify, quarantine]}\n  issue: {spam: [notify, quarantine]}\n";

class ActE2E : public ::testing::Test {
 protected:
  std::map<std::string, std::string> Env() {
    auto env = s3_.Env();
    env.insert({{"GITLAB_URL", sim_.url()}, {"GITLAB_API_RATE", "0"}, {"SLACK_WEBHOOK_URL", slack_.url() + "/services/T0/B0/secret"}});
    return env;
  }
  void Start(const std::string& policy, const std::string& stages = "events,fetch,trust,classify,act,notify") {
    service_ = std::make_unique<testing::SpamphibianProcess>(
        redis_, dir_.path(), Env(), std::vector<std::string>{"serve", "--stages", stages}, kBase + policy);
    ASSERT_TRUE(service_->WaitReady()) << service_->log();
  }
  void Send(const nlohmann::json& hook) {
    testing::Headers h;
    if (!hook["event"].get<std::string>().empty()) h.emplace_back("X-Gitlab-Event", hook["event"]);
    ASSERT_EQ(service_->Post(hook["payload"].dump(), h).status, 200);
  }
  nlohmann::json Dataset() {
    std::ifstream in(SPAMPHIBIAN_SIM_DATASET);
    return nlohmann::json::parse(in);
  }
  // The hook of one dataset object, e.g. ("users", 101).
  nlohmann::json HookFor(const std::string& type, std::int64_t id) {
    for (const auto& h : sim::HookPayloads(Dataset())) {
      const auto& p = h["payload"];
      const bool match = (type == "user" && p.value("user_id", 0) == id) || (type == "project" && p.value("project_id", 0) == id &&
                                                                               p.value("event_name", "") == "project_create") ||
                         (type == "group" && p.value("group_id", 0) == id) ||
                         (type == "issue" && p.value("object_kind", "") == "issue" &&
                          p["object_attributes"].value("iid", 0) == id) ||
                         (type == "snippet" && p.contains("snippet_id") && p.value("snippet_id", 0) == id);
      if (match) return h;
    }
    ADD_FAILURE() << "no hook for " << type << " " << id;
    return nullptr;
  }
  std::vector<nlohmann::json> Stream(const std::string& name, const std::string& field) {
    std::vector<nlohmann::json> out;
    for (const auto& t : redis_client_->StreamField("spamphibian:" + name, field)) out.push_back(nlohmann::json::parse(t));
    return out;
  }
  int Writes() {
    int n = 0;
    for (const auto& r : sim_.Requests()) n += r["method"] != "GET";
    return n;
  }
  nlohmann::json Find(const std::string& collection, std::int64_t id) {
    const nlohmann::json state = sim_.State();  // kept alive for the loop
    for (const auto& o : state[collection]) {
      if (o["id"] == id) return o;
    }
    return nullptr;
  }
  int Restore(const std::vector<std::string>& args, std::string* output) {
    const std::string out = dir_.path() + "/restore.txt";
    std::remove(out.c_str());
    std::vector<std::string> argv = {SPAMPHIBIAN_BINARY, "restore"};
    argv.insert(argv.end(), args.begin(), args.end());
    auto env = Env();
    env["REDIS_PORT"] = std::to_string(redis_.port());
    env["REDIS_HOST"] = "127.0.0.1";
    testing::ChildProcess p(argv, env, out);
    const int rc = p.Wait(std::chrono::seconds(30));
    *output = testing::ReadFile(out);
    return rc;
  }

  testing::RedisServer redis_;
  std::unique_ptr<testing::RedisServer::TestClient> redis_client_ = redis_.Client();
  testing::GitLabSimProcess sim_;
  testing::S3rverProcess s3_;
  testing::StandInServer slack_;
  testing::TempDir dir_;
  http::CurlHttpClient http_;
  storage::S3ObjectStore store_{s3_.Options(), http_};
  std::unique_ptr<testing::SpamphibianProcess> service_;
};

TEST_F(ActE2E, MonitorModeNotifiesEveryItemTypeAndWritesNothing) {
  Start("");
  const auto hooks = sim::HookPayloads(Dataset());
  for (const auto& hook : hooks) Send(hook);
  ASSERT_TRUE(WaitFor([&] { return Stream("decision_log", "decision").size() == hooks.size(); }, std::chrono::seconds(30)));
  std::map<std::string, int> flagged;  // item type -> spam or suspicious decisions
  for (const auto& d : Stream("decision_log", "decision")) {
    if (d["verdict"] == "spam" || d["verdict"] == "suspicious") ++flagged[d["item_type"].get<std::string>()];
  }
  int total = 0;
  for (const auto& [type, n] : flagged) total += n;
  for (const char* type : {"user", "project", "group", "issue", "note", "merge_request", "wiki_page", "snippet"}) {
    EXPECT_GT(flagged[type], 0) << type;
  }
  ASSERT_TRUE(WaitFor([&] { return static_cast<int>(slack_.received().size()) == total; }, std::chrono::seconds(30)))
      << slack_.received().size() << " of " << total;
  std::map<std::string, int> headers;
  for (const auto& r : slack_.received()) {
    EXPECT_EQ(r.path, "/services/T0/B0/secret");
    const auto m = nlohmann::json::parse(r.body);
    const std::string header = m["blocks"][0]["text"]["text"];
    EXPECT_NE(m.dump().find("monitor mode: no action"), std::string::npos);
    for (const char* type : {"user", "project", "group", "issue", "note", "merge request", "wiki page", "snippet"}) {
      if (header.find(std::string(" ") + type + ":") != std::string::npos) ++headers[type];
    }
  }
  EXPECT_EQ(headers.size(), 8u) << "a message for every item type";
  EXPECT_EQ(Writes(), 0) << sim_.Requests().dump();
  EXPECT_TRUE(Stream("audit", "audit").empty());
  EXPECT_EQ(service_->log().find("/services/T0/B0/secret"), std::string::npos) << "the webhook URL is a secret";
}

TEST_F(ActE2E, QuarantineMakesTheDocumentedCallsAndRestoreUndoesThem) {
  Start(kQuarantine);
  struct Case {
    std::string type, collection;
    std::int64_t id;
    std::string call;
  };
  // Items with evidence beyond their words (a link, a phone number): words
  // alone are at most suspicious and quarantined by no policy here.
  const std::vector<Case> cases = {
      {"user", "users", 101, "POST /api/v4/users/101/block"},
      {"project", "projects", 312, R"(PUT /api/v4/projects/312 {"visibility":"private"})"},
      {"group", "groups", 204, R"(PUT /api/v4/groups/204 {"visibility":"private"})"},
      {"snippet", "snippets", 704, R"(PUT /api/v4/snippets/704 {"visibility":"private"})"},
  };
  for (const auto& c : cases) Send(HookFor(c.type, c.id));
  ASSERT_TRUE(WaitFor([&] { return Stream("audit", "audit").size() >= cases.size(); }, std::chrono::seconds(20)))
      << service_->log().substr(0, 3000);
  std::map<std::string, nlohmann::json> audits;
  for (const auto& a : Stream("audit", "audit")) audits[a["item_type"].get<std::string>()] = a;
  for (const auto& c : cases) {
    ASSERT_TRUE(audits.count(c.type)) << c.type;
    EXPECT_EQ(audits[c.type]["status"], "taken") << audits[c.type].dump();
    EXPECT_EQ(audits[c.type]["api_calls"], nlohmann::json::array({c.call}));
    std::string archived;
    EXPECT_TRUE(store_.Get(audits[c.type]["archive"], &archived).ok()) << "archived: " << c.type;
  }
  EXPECT_EQ(Find("users", 101)["state"], "blocked");
  EXPECT_EQ(Find("projects", 312)["visibility"], "private");
  EXPECT_EQ(Find("groups", 204)["visibility"], "private");
  EXPECT_EQ(Find("snippets", 704)["visibility"], "private");
  EXPECT_EQ(Writes(), 4) << "exactly the documented calls";

  // Restore, by action id and by item.
  std::string out;
  ASSERT_EQ(Restore({audits["user"]["action_id"]}, &out), 0) << out;
  EXPECT_EQ(Find("users", 101)["state"], "active");
  for (const char* item : {"project:312", "group:204", "snippet:704"}) ASSERT_EQ(Restore({"--item", item}, &out), 0) << out;
  EXPECT_EQ(Find("projects", 312)["visibility"], "public");
  EXPECT_EQ(Find("groups", 204)["visibility"], "public");
  EXPECT_EQ(Find("snippets", 704)["visibility"], "public");
  ASSERT_EQ(Restore({"--item", "user:101"}, &out), 0);
  EXPECT_NE(out.find("already restored"), std::string::npos) << out;

  // Audited, and labelled ham for retraining.
  int restores = 0;
  for (const auto& a : Stream("audit", "audit")) restores += a["action"] == "restore";
  EXPECT_EQ(restores, 4);
  std::vector<storage::ObjectInfo> labels;
  ASSERT_TRUE(store_.List("labels/", &labels).ok());
  EXPECT_EQ(labels.size(), 4u);
  std::string label;
  ASSERT_TRUE(store_.Get(labels[0].key, &label).ok());
  EXPECT_EQ(nlohmann::json::parse(label)["label"], "ham");
  // And remembered: the restored user's next item is not called spam for
  // having been spam before; its link domain counts as ham.
  auto text = [&](const redis::Args& args) {
    redis::Reply r = redis_client_->Run(args);
    return r && r->type == REDIS_REPLY_STRING ? std::string(redis::ReplyText(r.get())) : std::string("(nil)");
  };
  EXPECT_EQ(text({"GET", "spamphibian:memory:author:101"}), "ham");
  EXPECT_EQ(text({"HGET", "spamphibian:memory:domain:example.xyz", "ham"}), "1") << "cheap-backlinks.example.xyz";
  // And its text, in each of its buckets: nearly the same text is no
  // campaign for a while.
  redis::Reply texts = redis_client_->Run({"KEYS", "spamphibian:memory:text:*"});
  ASSERT_TRUE(texts && texts->type == REDIS_REPLY_ARRAY);
  EXPECT_GE(texts->elements, 4u) << "at least one restored item's text, four buckets";
  for (std::size_t i = 0; i < texts->elements; ++i) {
    redis::Reply answers = redis_client_->Run({"HVALS", std::string(redis::ReplyText(texts->element[i]))});
    ASSERT_TRUE(answers && answers->type == REDIS_REPLY_ARRAY && answers->elements > 0);
    for (std::size_t k = 0; k < answers->elements; ++k) EXPECT_EQ(redis::ReplyText(answers->element[k]), "ham");
  }
  // Slack heard of each, with the action id to restore it.
  ASSERT_TRUE(WaitFor([&] { return slack_.received().size() >= cases.size(); }));
  EXPECT_NE(slack_.received()[0].body.find("Restore with"), std::string::npos);
}

TEST_F(ActE2E, NotesMergeRequestsAndWikiPagesHaveNoQuarantine) {
  Start("policy:\n  dry_run: false\n  note: {spam: [quarantine]}\n  merge_request: {spam: [quarantine]}\n"
        "  wiki_page: {spam: [quarantine]}\n");
  const auto hooks = sim::HookPayloads(Dataset());
  for (const auto& hook : hooks) Send(hook);
  ASSERT_TRUE(WaitFor([&] { return Stream("decision_log", "decision").size() == hooks.size(); }, std::chrono::seconds(30)));
  std::set<std::string> spam_types;
  for (const auto& d : Stream("decision_log", "decision")) {
    if (d["verdict"] == "spam") spam_types.insert(d["item_type"].get<std::string>());
  }
  for (const char* type : {"note", "merge_request", "wiki_page"}) ASSERT_TRUE(spam_types.count(type)) << type;
  ASSERT_TRUE(WaitFor([&] {
    std::set<std::string> audited;
    for (const auto& a : Stream("audit", "audit")) audited.insert(a["item_type"].get<std::string>());
    return audited.size() == 3;
  }));
  for (const auto& a : Stream("audit", "audit")) {
    EXPECT_EQ(a["status"], "not_applicable") << a.dump();
    EXPECT_NE(a["reason"].get<std::string>().find("no reversible form"), std::string::npos);
  }
  EXPECT_EQ(Writes(), 0);
}

TEST_F(ActE2E, IssueQuarantineAndDeletedSnippetRestore) {
  Start("policy:\n  dry_run: false\n  issue: {spam: [quarantine]}\n  snippet: {spam: [delete]}\n");
  Send(HookFor("issue", 4));  // issue 403: project 301, iid 4
  Send(HookFor("snippet", 705));
  ASSERT_TRUE(WaitFor([&] { return Stream("audit", "audit").size() == 2; }, std::chrono::seconds(20))) << service_->log();
  EXPECT_EQ(Find("issues", 403)["confidential"], true);
  EXPECT_TRUE(Find("snippets", 705).is_null()) << "deleted";
  std::string out;
  ASSERT_EQ(Restore({"--item", "issue:301/issues/4"}, &out), 0) << out;
  EXPECT_EQ(Find("issues", 403)["confidential"], false);
  ASSERT_EQ(Restore({"--item", "snippet:705"}, &out), 0) << out;
  bool recreated = false;
  const nlohmann::json state = sim_.State();
  for (const auto& s : state["snippets"]) {
    recreated = recreated || s.value("description", "").find("Restored by Spamphibian") != std::string::npos;
  }
  EXPECT_TRUE(recreated) << out;
}

TEST_F(ActE2E, NoArchiveNoActionThenArchiveFirst) {
  Start("policy:\n  dry_run: false\n  snippet: {spam: [delete]}\n");
  s3_.Stop();
  Send(HookFor("snippet", 706));
  ASSERT_TRUE(WaitFor([&] { return service_->log().find("the action waits until it can be archived") != std::string::npos; },
                      std::chrono::seconds(20)))
      << service_->log().substr(0, 3000);
  std::this_thread::sleep_for(std::chrono::seconds(1));
  EXPECT_EQ(Writes(), 0) << "S3 down: no DELETE";
  EXPECT_FALSE(Find("snippets", 706).is_null());
  s3_.Start();
  ASSERT_TRUE(WaitFor([&] { return Find("snippets", 706).is_null(); }, std::chrono::seconds(20)));
  // (The audit entry is committed right after the DELETE returns.)
  ASSERT_TRUE(WaitFor([&] { return Stream("audit", "audit").size() == 1; }));
  const auto audit = Stream("audit", "audit").at(0);
  const std::string key = audit["archive"];
  std::string object;
  ASSERT_TRUE(store_.Get(key, &object).ok());
  nlohmann::json archived;
  ASSERT_TRUE(FindArchivedAction(object, audit["action_id"], &archived).ok());
  EXPECT_NE(archived.dump().find("\"content\""), std::string::npos) << "the snippet's content is in the archive";

  // The archive was written before the DELETE reached GitLab: the object's
  // time on s3rver's disk against the simulator's request log.
  long long delete_ms = 0;
  for (const auto& r : sim_.Requests()) {
    if (r["method"] == "DELETE") delete_ms = r["wall_ms"];
  }
  ASSERT_GT(delete_ms, 0);
  const auto written = std::filesystem::last_write_time(s3_.ObjectFile(key));
  const long long written_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::file_clock::to_sys(written).time_since_epoch()).count();
  EXPECT_LE(written_ms, delete_ms) << "archived at " << written_ms << ", deleted at " << delete_ms;
}

TEST_F(ActE2E, DryRunWritesNothing) {
  Start("policy:\n  user: {spam: [quarantine, delete]}\n");
  Send(HookFor("user", 101));
  ASSERT_TRUE(WaitFor([&] { return Stream("audit", "audit").size() == 2; })) << service_->log();
  for (const auto& a : Stream("audit", "audit")) EXPECT_EQ(a["status"], "dry_run");
  EXPECT_NE(service_->log().find("DELETE /api/v4/users/101?hard_delete=false"), std::string::npos) << "the exact call is logged";
  EXPECT_EQ(Writes(), 0);
}

TEST_F(ActE2E, TheCapHoldsUnderABurstOf1000SpamDecisions) {
  Start("policy:\n  dry_run: false\n  max_destructive_actions_per_minute: 30\n  user: {spam: [block_user]}\n",
        "act");
  // 1000 spam decisions, straight into the decisions stream.
  const auto users = Dataset()["users"];
  for (int i = 0; i < 1000; ++i) {
    const auto& u = users[i % users.size()];
    nlohmann::json item = {{"type", "user"}, {"id", std::to_string(u["id"].get<int>())}, {"refs", {{"user_id", u["id"]}}},
                           {"author", {{"id", u["id"]}, {"username", u["username"]}}}};
    nlohmann::json d = {{"decision_id", "burst-" + std::to_string(i)}, {"item_type", "user"}, {"verdict", "spam"},
                        {"score", 0.99}, {"item", item}};
    redis_client_->Run({"XADD", "spamphibian:decisions", "*", "decision", d.dump()});
  }
  ASSERT_TRUE(WaitFor([&] { return Writes() >= 30; }, std::chrono::seconds(20)));
  ASSERT_TRUE(WaitFor([&] { return HttpGet(service_->Url("/metrics")).body.find("spamphibian_act_cap_reached 1") != std::string::npos; }));
  std::this_thread::sleep_for(std::chrono::seconds(2));
  EXPECT_LE(Writes(), 60) << "at most 30 per minute (two minutes may be touched)";
  EXPECT_EQ(redis_client_->Integer({"XLEN", "spamphibian:dead_letter"}), 0) << "waiting, not dropped";
}

TEST_F(ActE2E, SlackGetsEscapedTextWithinLimitsAndRateLimitsAreHonoured) {
  http::Response busy;
  busy.status = 429;
  busy.headers = {{"Retry-After", "1"}};
  slack_.Script({busy});
  Start("", "act,notify");
  auto inject = [&](const std::string& id, const std::string& type, nlohmann::json text) {
    nlohmann::json item = {{"type", type}, {"id", id}, {"refs", {{"user_id", 1}}},
                           {"author", {{"id", 1}, {"username", "spammer"}}}, {"text", text}};
    nlohmann::json d = {{"decision_id", id}, {"item_type", type}, {"verdict", "spam"}, {"score", 0.99}, {"item", item}};
    redis_client_->Run({"XADD", "spamphibian:decisions", "*", "decision", d.dump()});
  };
  inject("bio", "user", nlohmann::json::array({{"bio", "<!channel> <http://evil|click> & win"}}));
  inject("huge", "snippet", nlohmann::json::array({{"title", "t"}, {"content", std::string(20000, 'z')}}));
  ASSERT_TRUE(WaitFor([&] { return slack_.received().size() == 3; }, std::chrono::seconds(20))) << slack_.received().size();
  const auto r = slack_.received();
  EXPECT_GE(r[1].at - r[0].at, std::chrono::milliseconds(900)) << "Retry-After honoured";
  EXPECT_EQ(r[0].body, r[1].body) << "the same message, sent again";
  // The two decisions may be acted on in either order (several act workers).
  const bool bio_first = r[1].body.find("channel") != std::string::npos;
  const std::string& bio = bio_first ? r[1].body : r[2].body;
  EXPECT_EQ(bio.find("<!channel>"), std::string::npos);
  EXPECT_EQ(bio.find("<http://evil"), std::string::npos);
  EXPECT_NE(bio.find("&lt;!channel&gt;"), std::string::npos);
  const auto huge = nlohmann::json::parse(bio_first ? r[2].body : r[1].body);
  for (const auto& b : huge["blocks"]) {
    if (b.contains("text")) {
      EXPECT_LE(b["text"]["text"].get<std::string>().size(), 3000u);
    }
  }
  EXPECT_LT((bio_first ? r[2] : r[1]).body.size(), 8000u);
}

// A spam wave: six decisions at once become Slack summaries in which each
// item keeps its buttons; a signed click on one item of a summary answers
// that review only, and the message then shows who decided it, in its place.
TEST_F(ActE2E, ASummaryKeepsEachItemsButtonsAndAClickAnswersThatItem) {
  const std::string token = "act-e2e-admin-token-0123456789";
  const std::string secret = "act-e2e-slack-signing-secret";
  const int admin_port = testing::FreePort();
  for (int i = 0; i < 6; ++i) {
    const std::string id = "classify-wave-" + std::to_string(i);
    const nlohmann::json item = {{"type", "user"}, {"id", std::to_string(900 + i)}, {"refs", {{"user_id", 900 + i}}},
                                 {"web_url", sim_.url() + "/wave" + std::to_string(i)},
                                 {"author", {{"id", 900 + i}, {"username", "<b>wave" + std::to_string(i) + "</b>"}}},
                                 {"text", nlohmann::json::array({{"bio", "casino bonus"}})}};
    const nlohmann::json d = {{"decision_id", id}, {"item_type", "user"}, {"item_id", item["id"]},
                              {"verdict", "spam"}, {"score", 0.99},      {"item", item}};
    redis_client_->Run({"XADD", "spamphibian:decisions", "*", "decision", d.dump()});
  }
  auto env = Env();
  env.insert({{"ADMIN_PORT", std::to_string(admin_port)},
              {"ADMIN_URL", "http://127.0.0.1:" + std::to_string(admin_port)},
              {"ADMIN_API_TOKEN", token},
              {"SLACK_SIGNING_SECRET", secret}});
  service_ = std::make_unique<testing::SpamphibianProcess>(
      redis_, dir_.path(), env, std::vector<std::string>{"serve", "--stages", "events,act,notify,review"},
      "pipeline:\n  block_ms: 100\nslack:\n  min_interval_ms: 10\n  summarize_from: 3\n"
      "  response_url_prefix: " + slack_.url() + "/actions/\nreview:\n  slack_users: {U0REVIEWER: ann}\n");
  ASSERT_TRUE(service_->WaitReady()) << service_->log();
  // Every item has its buttons, whichever message it came in (the act
  // workers may split the wave: a summary of three or more, or singles).
  struct Button {
    std::string block_id, review_id;
    nlohmann::json message;
  };
  std::vector<Button> buttons;
  const auto collect = [&] {
    buttons.clear();
    for (const auto& r : slack_.received()) {
      const nlohmann::json m = nlohmann::json::parse(r.body);
      for (const auto& b : m["blocks"]) {
        if (b["type"] == "actions" && b["elements"][0]["action_id"] == "review_spam") {
          buttons.push_back({b["block_id"], b["elements"][0]["value"], m});
        }
      }
    }
    return buttons.size() == 6;
  };
  ASSERT_TRUE(WaitFor(collect, std::chrono::seconds(20))) << buttons.size() << " " << service_->log();
  bool summarised = false;
  for (const auto& r : slack_.received()) {
    summarised |= r.body.find(" spam decisions\"") != std::string::npos;
    EXPECT_EQ(r.body.find("&amp;lt;"), std::string::npos) << "escaped twice: " << r.body;
  }
  EXPECT_TRUE(summarised) << "a wave of six is summarised";
  // The clicked button: one in a summary, after its first item.
  std::size_t pick = 0;
  for (std::size_t i = 0; i < buttons.size(); ++i) {
    if (buttons[i].block_id != "review" && buttons[i].block_id != "review-0") pick = i;
  }
  ASSERT_NE(buttons[pick].block_id, "review") << "no summary with two items or more";
  int in_message = 0;
  for (const auto& b : buttons) in_message += b.message == buttons[pick].message;

  const auto review_state = [&](const std::string& id) {
    const auto r = HttpGet("http://127.0.0.1:" + std::to_string(admin_port) + "/api/v1/reviews/" +
                               http::PercentEncode(id),
                           {{"Authorization", "Bearer " + token}});
    return r.status == 200 ? nlohmann::json::parse(r.body).value("state", "") : std::string();
  };
  ASSERT_TRUE(WaitFor([&] { return review_state(buttons[pick].review_id) == "pending"; })) << service_->log();
  const std::string response_url = slack_.url() + "/actions/T0/wave/1";
  ASSERT_EQ(testing::SendSlackClick(service_->Url("/slack/interactions"),
                                    testing::SlackClickPayload("U0REVIEWER", "review_spam", buttons[pick].review_id,
                                                               response_url, buttons[pick].message,
                                                               buttons[pick].block_id),
                                    secret)
                .status,
            200);
  ASSERT_TRUE(WaitFor([&] { return slack_.received().back().path == "/actions/T0/wave/1"; }, std::chrono::seconds(10)))
      << service_->log();
  EXPECT_EQ(review_state(buttons[pick].review_id), "confirmed_spam");
  for (std::size_t i = 0; i < buttons.size(); ++i) {
    if (i != pick) {
      EXPECT_EQ(review_state(buttons[i].review_id), "pending") << i;
    }
  }
  const nlohmann::json updated = nlohmann::json::parse(slack_.received().back().body);
  EXPECT_EQ(slack_.received().back().path, "/actions/T0/wave/1");
  int still = 0;
  for (const auto& b : updated["blocks"]) {
    still += b["type"] == "actions" && b["elements"][0]["action_id"] == "review_spam";
    EXPECT_NE(b.value("block_id", ""), buttons[pick].block_id);
  }
  EXPECT_EQ(still, in_message - 1) << "the message's other items keep their buttons";
  EXPECT_NE(updated.dump().find("Confirmed spam by @ann in Slack"), std::string::npos) << updated.dump();
}

}  // namespace
}  // namespace spamphibian
