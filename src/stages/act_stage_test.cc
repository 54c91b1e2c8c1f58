#include "stages/act_stage.h"

#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <mutex>
#include <thread>

#include "child_process.h"
#include "log/json_log.h"
#include "memory_object_store.h"
#include "stages/action_archive.h"
#include "stages/records.h"
#include "text/gzip.h"
#include "trust/trust_policy.h"

namespace spamphibian {
namespace {

class FakeLedger : public ActionLedger {
 public:
  Status Recall(const std::string& id, nlohmann::json* record, bool* found) override {
    *found = records.count(id) > 0;
    if (*found) *record = records[id];
    return Status::Ok();
  }
  Status Remember(const std::string& id, const std::string& item, const nlohmann::json& record) override {
    records[id] = record;
    by_item[item].push_back(id);
    return Status::Ok();
  }
  Status ActionsOf(const std::string& item, std::vector<std::string>* ids) override {
    *ids = by_item[item];
    return Status::Ok();
  }
  Status Index(const std::string& key, const std::vector<std::string>& ids) override {
    for (const auto& id : ids) {
      if (std::find(by_item[key].begin(), by_item[key].end(), id) == by_item[key].end()) by_item[key].push_back(id);
    }
    return Status::Ok();
  }
  Status NoteArchive(const std::vector<std::string>& ids, const std::string& key) override {
    for (const auto& id : ids) archive_of[id] = key;
    return Status::Ok();
  }
  Status ArchiveOf(const std::string& id, std::string* key) override {
    *key = archive_of.count(id) ? archive_of[id] : "";
    return Status::Ok();
  }
  Status IsVerified(const std::string& email, bool* verified) override {
    ++verified_lookups;
    *verified = verified_emails.count(email) > 0;
    return Status::Ok();
  }
  Status Reserve(const std::vector<std::string>& ids, const std::string& item, const std::string& owner,
                 std::int64_t lease_until_ms, int per_minute, const std::string& archive,
                 std::vector<nlohmann::json>* found, bool* granted) override {
    found->clear();
    int fresh = 0;
    for (const auto& id : ids) {
      found->push_back(records.count(id) ? records[id] : nlohmann::json());
      fresh += records.count(id) ? 0 : 1;
    }
    *granted = per_minute <= 0 || fresh == 0 || used + fresh <= per_minute;
    if (!*granted) return Status::Ok();
    if (per_minute > 0) used += fresh;
    for (const auto& id : ids) {
      if (records.count(id)) continue;
      records[id] = {{"state", "reserved"}, {"owner", owner}, {"lease_until_ms", lease_until_ms}};
      by_item[item].push_back(id);
      if (!archive.empty()) archive_of[id] = archive;
    }
    return Status::Ok();
  }
  Status TakeOver(const std::string& id, const std::string& seen_owner, std::int64_t seen_lease, const std::string& owner,
                  std::int64_t lease_until_ms, bool* ok) override {
    *ok = records.count(id) && records[id].value("owner", "") == seen_owner &&
          records[id].value("lease_until_ms", std::int64_t{-1}) == seen_lease;
    if (*ok) records[id] = {{"state", "reserved"}, {"owner", owner}, {"lease_until_ms", lease_until_ms}};
    return Status::Ok();
  }
  Status Release(const std::string& id, const std::string&, const std::string& owner, bool maybe_sent) override {
    if (!records.count(id) || records[id].value("owner", "") != owner) return Status::Ok();
    if (maybe_sent) {
      records[id]["lease_until_ms"] = 0;
    } else {
      records.erase(id);
      archive_of.erase(id);
    }
    return Status::Ok();
  }
  std::map<std::string, nlohmann::json> records;
  std::map<std::string, std::vector<std::string>> by_item;
  std::map<std::string, std::string> archive_of;
  std::set<std::string> verified_emails;
  int used = 0;
  int verified_lookups = 0;
};

class ActStageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::vector<std::string> warnings;
    ASSERT_TRUE(trust_.Load(&warnings).ok());
  }
  void UsePolicy(const std::string& yaml) {
    std::ofstream(dir_.path() + "/c.yaml") << yaml;
    ASSERT_TRUE(policies_.Load().ok());
  }
  std::unique_ptr<ActStage> Stage(bool with_slack = true, bool review_dry_run = false) {
    const GitLabSend send = [this](const gitlab::ApiCall& c, std::chrono::steady_clock::time_point, nlohmann::json*) {
      {
        std::lock_guard<std::mutex> lock(sent_mu_);  // lanes send at once
        sent_.push_back(c.Describe());
        archived_before_call_ = Archived(expected_id_).is_object();
      }
      if (on_send_) return on_send_(c);
      return gitlab_down_ ? Status::Unavailable("GitLab answered 503") : Status::Ok();
    };
    ActStageDeps deps{policies_, ledger_, &store_, std::vector<GitLabSend>(lanes_, send),
                      [this](const std::string& path, nlohmann::json* out) {
                        if (!gitlab_now_.count(path)) return Status::NotFound("GET " + path + ": 404");
                        *out = gitlab_now_[path];
                        return Status::Ok();
                      },
                      [this](const gitlab::Author& author, std::string* reason) {
                        *reason = trust_.Get()->TrustReason(author, [this](const std::string& email) {
                          bool v = false;
                          (void)ledger_.IsVerified(email, &v);
                          return v;
                        });
                        return Status::Ok();
                      }};
    deps.review_state = [this](const std::vector<std::string>& ids, std::vector<std::string>* states) {
      ++review_lookups_;
      states->clear();
      for (const auto& id : ids) states->push_back(review_states_.count(id) ? review_states_[id] : "");
      return Status::Ok();
    };
    ActStageOptions options{"p:audit", 1000, with_slack ? "p:notifications" : "", "me"};
    options.review_dry_run = review_dry_run;
    options.decisions_stream = "p:decisions";
    return std::make_unique<ActStage>(options, std::move(deps), registry_, *log_);
  }
  // The archive record of action `id`, found as restore finds it; null
  // when it has none.
  nlohmann::json Archived(const std::string& id) {
    const std::string key = ledger_.archive_of.count(id) ? ledger_.archive_of[id] : LegacyActionArchiveKey(id);
    nlohmann::json record;
    if (!store_.objects.count(key) || !FindArchivedAction(store_.objects.at(key), id, &record).ok()) return nullptr;
    return record;
  }
  static Entry Decision(const std::string& entry_id, const std::string& type = "user", const std::string& verdict = "spam",
                        const std::string& email = "bot@spam.example") {
    nlohmann::json item = {{"type", type},
                           {"id", "41"},
                           {"refs", type == "user" ? nlohmann::json{{"user_id", 41}}
                                                   : nlohmann::json{{"project_id", 5}, {"parent", "issues/7"}, {"note_id", 3}}},
                           {"author", {{"id", 41}, {"username", "seo_links_4u"}, {"email", email},
                                       {"confirmed_at", "2026-11-20T10:00:00.000Z"}, {"state", "active"}}},
                           {"text", nlohmann::json::array({{"bio", "cheap backlinks"}})}};
    nlohmann::json d = {{"decision_id", "classify-" + entry_id}, {"item_type", type}, {"item_id", "41"},
                        {"verdict", verdict}, {"score", 0.97}, {"model_version", "m1"}, {"item", item},
                        {"signals", {{"account_age_days", 0.2}}}, {"explanation", {"an account less than a day old"}},
                        {"language_name", "English"}};
    return Entry{entry_id, {{"decision", d.dump()}}};
  }
  // The JSON in `field` of the emits to `stream`.
  static std::vector<nlohmann::json> In(const Outcome& o, const std::string& stream, const std::string& field) {
    std::vector<nlohmann::json> out;
    for (const auto& e : o.emits) {
      if (e.stream != stream) continue;
      EXPECT_FALSE(e.Get(field).empty()) << field;
      out.push_back(nlohmann::json::parse(e.Get(field)));
    }
    return out;
  }

  testing::TempDir dir_;
  policy::PolicyHolder policies_{dir_.path() + "/c.yaml"};
  FakeLedger ledger_;
  TrustPolicyHolder trust_{TrustOptions{}};
  std::map<std::string, nlohmann::json> gitlab_now_;  // what GitLab answers to GET, by path
  std::map<std::string, std::string> review_states_;  // decision id -> review state
  int review_lookups_ = 0;
  bool gitlab_down_ = false;
  testing::MemoryObjectStore store_;
  std::mutex sent_mu_;
  std::vector<std::string> sent_;
  int lanes_ = 1;  // GitLab connections of the stage
  std::function<Status(const gitlab::ApiCall&)> on_send_;  // GitLab's answer, when set
  std::string expected_id_;
  bool archived_before_call_ = false;
  metrics::Registry registry_;
  std::shared_ptr<spdlog::logger> log_ = MakeNullLogger();
};

const char* kQuarantine = "policy:\n  dry_run: false\n  user:\n    spam: [notify, quarantine]\n  note:\n    spam: [quarantine]\n";

TEST_F(ActStageTest, MonitorModeNotifiesAndChangesNothing) {
  UsePolicy("");
  const Outcome o = Stage()->Process(Decision("1-0"));
  ASSERT_EQ(o.kind, Outcome::Kind::kDone);
  EXPECT_TRUE(sent_.empty());
  EXPECT_TRUE(In(o, "p:audit", "audit").empty());
  const auto notes = In(o, "p:notifications", "notification");
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_TRUE(notes[0]["actions"].empty());
  // What Slack shows: the reasons in plain words, and the language.
  EXPECT_EQ(notes[0]["explanation"], nlohmann::json::array({"an account less than a day old"}));
  EXPECT_EQ(notes[0]["language_name"], "English");
  EXPECT_TRUE(store_.objects.empty());
  EXPECT_EQ(ledger_.verified_lookups, 0) << "nothing to refuse: no Redis round trip";
}

// A reviewer's answer as the review queue sends it (review/outcomes.cc).
Entry Reviewed(const Entry& original, const std::string& entry_id, const std::string& outcome) {
  nlohmann::json d = nlohmann::json::parse(original.Get("decision"));
  d["decision_id"] = "review-" + entry_id;
  d["verdict"] = outcome;
  d["review"] = {{"outcome", outcome}, {"reviewer", "ann"}, {"via", "page"},
                 {"actions", outcome == "spam" ? nlohmann::json::array({"quarantine"}) : nlohmann::json::array()}};
  return Entry{entry_id, {{"decision", d.dump()}}};
}

TEST_F(ActStageTest, AReviewersSpamActsInMonitorModeAndNotSpamUndoesIt) {
  UsePolicy("");  // monitor mode, and the policy's dry run
  const Entry original = ActStageTest::Decision("1-0");
  expected_id_ = ActionId("9-0", "quarantine");
  Outcome o = Stage()->Process(Reviewed(original, "9-0", "spam"));
  ASSERT_EQ(o.kind, Outcome::Kind::kDone) << o.error;
  ASSERT_EQ(sent_, std::vector<std::string>{"POST /api/v4/users/41/block"});
  EXPECT_TRUE(archived_before_call_);
  const auto audits = In(o, "p:audit", "audit");
  ASSERT_EQ(audits.size(), 1u);
  EXPECT_EQ(audits[0]["decided_by"], "reviewer ann (page)");
  EXPECT_TRUE(In(o, "p:notifications", "notification").empty()) << "the reviewer knows already";

  o = Stage()->Process(Reviewed(original, "9-1", "ham"));
  ASSERT_EQ(o.kind, Outcome::Kind::kDone) << o.error;
  ASSERT_EQ(sent_.size(), 2u);
  EXPECT_EQ(sent_[1], "POST /api/v4/users/41/unblock");
  EXPECT_EQ(In(o, "p:audit", "audit")[0]["action"], "restore");
  // Not spam again: nothing is restored twice.
  EXPECT_EQ(Stage()->Process(Reviewed(original, "9-2", "ham")).kind, Outcome::Kind::kDone);
  EXPECT_EQ(sent_.size(), 2u);
}

TEST_F(ActStageTest, APurgeBecomesOneReviewedDecisionPerItemAndNotSpamUndoesAllOfIt) {
  UsePolicy("");
  const Entry original = ActStageTest::Decision("1-0");
  nlohmann::json d = nlohmann::json::parse(Reviewed(original, "9-0", "spam").Get("decision"));
  const auto project = [](int id) {
    return nlohmann::json{{"type", "project"}, {"id", std::to_string(id)}, {"visibility", "public"},
                          {"refs", {{"project_id", id}}}, {"author", {{"id", 41}, {"username", "seo_links_4u"}}},
                          {"text", nlohmann::json::array()}};
  };
  d["review"]["review_id"] = "classify-1-0";
  d["review"]["scope"] = "author";
  d["review"]["actions"] = {"block_user"};
  d["review"]["purge"] = {{"purge_id", "purge-x"},
                          {"counts", {{"project", {{"hide", 2}}}}},
                          {"items", {{{"item", project(70)}, {"actions", {"quarantine"}}},
                                     {{"item", project(71)}, {"actions", {"quarantine"}}}}}};
  Outcome o = Stage()->Process(Entry{"9-0", {{"decision", d.dump()}}});
  ASSERT_EQ(o.kind, Outcome::Kind::kDone) << o.error;
  EXPECT_EQ(sent_, std::vector<std::string>{"POST /api/v4/users/41/block"});
  std::vector<nlohmann::json> purges;
  for (const auto& a : In(o, "p:audit", "audit")) {
    if (a["action"] == "purge") purges.push_back(a);
    if (a["action"] == "block_user") {
      EXPECT_EQ(a["purge_id"], "purge-x");
    }
  }
  ASSERT_EQ(purges.size(), 1u) << "one audit entry for the purge";
  EXPECT_EQ(purges[0]["decided_by"], "reviewer ann (page)");
  EXPECT_EQ(purges[0]["items_to_change"], 2);
  const auto items = In(o, "p:decisions", "decision");
  ASSERT_EQ(items.size(), 2u) << "back onto the act stage's own stream, with the acknowledgement";

  // Each item on the act stage's path: archived first, then sent, under the purge.
  expected_id_ = ActionId("9-1", "quarantine");
  o = Stage()->Process(Entry{"9-1", {{"decision", items[0].dump()}}});
  ASSERT_EQ(o.kind, Outcome::Kind::kDone) << o.error;
  EXPECT_EQ(sent_.back(), R"(PUT /api/v4/projects/70 {"visibility":"private"})");
  EXPECT_TRUE(archived_before_call_);
  EXPECT_EQ(In(o, "p:audit", "audit").at(0)["purge_id"], "purge-x");
  EXPECT_EQ(ledger_.by_item["purge:purge-x"].size(), 2u);

  // The review answered not spam meanwhile: the next item is left alone.
  review_states_["classify-1-0"] = "not_spam";
  const std::size_t before = sent_.size();
  o = Stage()->Process(Entry{"9-2", {{"decision", items[1].dump()}}});
  ASSERT_EQ(o.kind, Outcome::Kind::kDone) << o.error;
  EXPECT_EQ(sent_.size(), before);
  EXPECT_EQ(In(o, "p:audit", "audit").at(0)["status"], "refused");

  // "Not spam" undoes every action of the purge, the author's too.
  nlohmann::json ham = nlohmann::json::parse(Reviewed(original, "9-3", "ham").Get("decision"));
  ham["review"]["purge_id"] = "purge-x";
  o = Stage()->Process(Entry{"9-3", {{"decision", ham.dump()}}});
  ASSERT_EQ(o.kind, Outcome::Kind::kDone) << o.error;
  const std::vector<std::string> undone(sent_.begin() + static_cast<long>(before), sent_.end());
  EXPECT_EQ(undone, (std::vector<std::string>{"POST /api/v4/users/41/unblock",
                                              R"(PUT /api/v4/projects/70 {"visibility":"public"})"}));
}

TEST_F(ActStageTest, ADecisionAReviewerAlreadyCalledNotSpamIsNotActedOn) {
  UsePolicy(kQuarantine);
  review_states_["classify-3-0"] = "not_spam";  // answered while the decision waited (S3 down, the cap)
  const Outcome o = Stage()->Process(Decision("3-0"));
  ASSERT_EQ(o.kind, Outcome::Kind::kDone);
  EXPECT_TRUE(sent_.empty());
  const auto audits = In(o, "p:audit", "audit");
  ASSERT_EQ(audits.size(), 1u);
  EXPECT_EQ(audits[0]["status"], "refused");
  EXPECT_NE(audits[0]["reason"].get<std::string>().find("not spam"), std::string::npos);
  review_states_["classify-3-0"] = "pending";
  EXPECT_EQ(Stage()->Process(Decision("3-0")).kind, Outcome::Kind::kDone);
  EXPECT_EQ(sent_.size(), 1u) << "a pending review does not hold the policy back";
}

TEST_F(ActStageTest, AReviewersDryRunSendsNothing) {
  UsePolicy(kQuarantine);
  const Outcome o = Stage(true, /*review_dry_run=*/true)->Process(Reviewed(ActStageTest::Decision("1-0"), "9-0", "spam"));
  ASSERT_EQ(o.kind, Outcome::Kind::kDone);
  EXPECT_TRUE(sent_.empty());
  EXPECT_EQ(In(o, "p:audit", "audit")[0]["status"], "dry_run");
  EXPECT_EQ(In(o, "p:audit", "audit")[0]["decided_by"], "reviewer ann (page), dry run");
}

TEST_F(ActStageTest, HamTrustedAndGoneNeedNothing) {
  UsePolicy(kQuarantine);
  for (const char* verdict : {"ham", "trusted", "gone"}) {
    const Outcome o = Stage()->Process(Decision("1-0", "user", verdict));
    EXPECT_EQ(o.kind, Outcome::Kind::kDone);
    EXPECT_TRUE(o.emits.empty()) << verdict;
  }
  EXPECT_TRUE(sent_.empty());
}

TEST_F(ActStageTest, TrustedAndGoneDecisionsAreToldByTheirHeaderWithoutParsing) {
  UsePolicy(kQuarantine);
  for (const char* verdict : {"trusted", "gone"}) {
    // The payload is not even JSON: parsed, it would be dead-lettered.
    const Entry entry{"3-0", records::Encode(records::Decision{"not parsed", "trust-3-0", verdict, "user", "41", "t"})};
    const Outcome o = Stage()->Process(entry);
    EXPECT_EQ(o.kind, Outcome::Kind::kDone) << verdict << ": " << o.error;
  }
  EXPECT_TRUE(sent_.empty());
}

TEST_F(ActStageTest, UnreviewedHamIsPassedOverWithoutParsingUnlessThePolicyJudgesItsScore) {
  using Review = records::Decision::Review;
  const auto ham = [](Review review, const char* type) {
    // The payload is not even JSON: parsed, it would be dead-lettered.
    return Entry{"3-0", records::Encode(records::Decision{"not parsed", "classify-3-0", "ham", type, "41", "t", review})};
  };
  UsePolicy("policy:\n  dry_run: false\n  user:\n    spam: [quarantine]\n"
            "  note:\n    spam: [quarantine]\n    thresholds: {spam: 0.5, suspicious: 0.3}\n");
  Outcome o = Stage()->Process(ham(Review::kNone, "user"));
  EXPECT_EQ(o.kind, Outcome::Kind::kDone) << o.error;
  EXPECT_FALSE(o.proves_dependencies) << "nothing to do";
  // Parsed, and so dead-lettered here: a reviewer's answer may undo, an
  // older entry may carry one, and a type with its own thresholds may make
  // ham suspicious by its score.
  for (const auto& [review, type] : {std::pair{Review::kAnswered, "user"}, std::pair{Review::kUnknown, "user"},
                                     std::pair{Review::kNone, "note"}}) {
    o = Stage()->Process(ham(review, type));
    EXPECT_EQ(o.kind, Outcome::Kind::kDeadLetter) << type << " " << static_cast<int>(review);
  }
  EXPECT_TRUE(sent_.empty());
}

TEST_F(ActStageTest, QuarantineArchivesFirstThenMakesTheCallAndAuditsIt) {
  UsePolicy(kQuarantine);
  expected_id_ = ActionId("2-0", "quarantine");
  const Outcome o = Stage()->Process(Decision("2-0"));
  ASSERT_EQ(o.kind, Outcome::Kind::kDone) << o.error;
  EXPECT_EQ(sent_, std::vector<std::string>{"POST /api/v4/users/41/block"});
  EXPECT_TRUE(archived_before_call_);
  const auto archive = Archived(expected_id_);
  EXPECT_EQ(archive["decision"]["item"]["author"]["username"], "seo_links_4u");
  const auto audits = In(o, "p:audit", "audit");
  ASSERT_EQ(audits.size(), 1u);
  for (const auto& e : o.emits) {
    if (e.stream == "p:audit") {
      EXPECT_EQ(e.maxlen, 1000) << "the audit stream is capped";
    }
  }
  EXPECT_EQ(audits[0]["status"], "taken");
  EXPECT_EQ(audits[0]["action_id"], expected_id_);
  EXPECT_EQ(audits[0]["api_calls"][0], "POST /api/v4/users/41/block");
  EXPECT_EQ(In(o, "p:notifications", "notification")[0]["actions"][0]["status"], "taken");
  EXPECT_NE(registry_.Render().find("spamphibian_actions_total{item_type=\"user\",action=\"quarantine\",status=\"taken\"} 1"),
            std::string::npos);
}

// A policy with its own thresholds re-decides the verdict from the score,
// but keeps the rule that words alone are at most suspicious: a decision
// that says so is never blocked, even at 0.97 with a policy's 0.5.
TEST_F(ActStageTest, WordsAloneAreNeverActedOnAsSpam) {
  UsePolicy("policy:\n  dry_run: false\n  user:\n    spam: [quarantine]\n    thresholds: {spam: 0.5, suspicious: 0.3}\n");
  Entry e = Decision("2-5");
  nlohmann::json d = nlohmann::json::parse(e.fields.at(0).second);
  d["verdict"] = "suspicious";
  d["words_alone"] = true;
  e.fields.at(0).second = d.dump();
  (void)Stage()->Process(e);
  EXPECT_TRUE(sent_.empty());
  EXPECT_TRUE(store_.objects.empty());
  d["words_alone"] = false;
  e.fields.at(0).second = d.dump();
  expected_id_ = ActionId("2-5", "quarantine");
  ASSERT_EQ(Stage()->Process(e).kind, Outcome::Kind::kDone);
  EXPECT_EQ(sent_, std::vector<std::string>{"POST /api/v4/users/41/block"}) << "with evidence the policy's 0.5 holds";
}

TEST_F(ActStageTest, TheSameDecisionIsNeverActedOnTwice) {
  UsePolicy(kQuarantine);
  auto stage = Stage();
  ASSERT_EQ(stage->Process(Decision("3-0")).kind, Outcome::Kind::kDone);
  const Outcome again = stage->Process(Decision("3-0"));
  ASSERT_EQ(again.kind, Outcome::Kind::kDone);
  EXPECT_EQ(sent_.size(), 1u);
  EXPECT_EQ(In(again, "p:audit", "audit")[0]["replayed"], true);
  EXPECT_EQ(ledger_.used, 1) << "no cap slot for a replay";
}

TEST_F(ActStageTest, DryRunShowsTheCallAndSendsNothing) {
  UsePolicy("policy:\n  user:\n    spam: [quarantine, delete]\n");
  const Outcome o = Stage()->Process(Decision("4-0"));
  ASSERT_EQ(o.kind, Outcome::Kind::kDone);
  EXPECT_TRUE(sent_.empty());
  EXPECT_TRUE(store_.objects.empty());
  const auto audits = In(o, "p:audit", "audit");
  ASSERT_EQ(audits.size(), 2u);
  EXPECT_EQ(audits[0]["status"], "dry_run");
  EXPECT_EQ(audits[1]["api_calls"][0], "DELETE /api/v4/users/41?hard_delete=false");
}

TEST_F(ActStageTest, NoArchiveNoAction) {
  UsePolicy(kQuarantine);
  store_.down = true;
  const Outcome o = Stage()->Process(Decision("5-0"));
  EXPECT_EQ(o.kind, Outcome::Kind::kHold);
  EXPECT_TRUE(sent_.empty());
  store_.down = false;
  EXPECT_EQ(Stage()->Process(Decision("5-0")).kind, Outcome::Kind::kDone);
  EXPECT_EQ(sent_.size(), 1u);
}

TEST_F(ActStageTest, TrustedAuthorsAreRefused) {
  UsePolicy(kQuarantine);
  ledger_.verified_emails.insert("alice@ethz.ch");
  const Outcome o = Stage()->Process(Decision("6-0", "user", "spam", "alice@ethz.ch"));
  ASSERT_EQ(o.kind, Outcome::Kind::kDone);
  EXPECT_TRUE(sent_.empty());
  const auto audits = In(o, "p:audit", "audit");
  ASSERT_EQ(audits.size(), 1u);
  EXPECT_EQ(audits[0]["status"], "refused");
  EXPECT_NE(audits[0]["reason"].get<std::string>().find("verified users"), std::string::npos) << audits[0];
}

TEST_F(ActStageTest, QuarantineOfANoteIsNotApplicable) {
  UsePolicy(kQuarantine);
  const Outcome o = Stage()->Process(Decision("7-0", "note"));
  ASSERT_EQ(o.kind, Outcome::Kind::kDone);
  EXPECT_TRUE(sent_.empty());
  EXPECT_EQ(In(o, "p:audit", "audit")[0]["status"], "not_applicable");
}

TEST_F(ActStageTest, TheCapMakesDecisionsWait) {
  UsePolicy("policy:\n  dry_run: false\n  max_destructive_actions_per_minute: 2\n  user:\n    spam: [quarantine]\n");
  auto stage = Stage();
  EXPECT_EQ(stage->Process(Decision("8-0")).kind, Outcome::Kind::kDone);
  EXPECT_EQ(stage->Process(Decision("8-1")).kind, Outcome::Kind::kDone);
  EXPECT_EQ(stage->Process(Decision("8-2")).kind, Outcome::Kind::kHold);
  EXPECT_EQ(sent_.size(), 2u);
  const std::string m = registry_.Render();
  EXPECT_NE(m.find("spamphibian_act_cap_reached 1"), std::string::npos) << m;
  EXPECT_NE(m.find("spamphibian_act_deferred_total 1"), std::string::npos);
}

TEST_F(ActStageTest, ABotFlagAloneIsNoProtection) {
  UsePolicy(kQuarantine);
  nlohmann::json d = nlohmann::json::parse(Decision("10-0").Get("decision"));
  d["item"]["author"]["bot"] = true;
  d["item"]["author"]["user_type"] = "project_bot";
  const Outcome o = Stage()->Process(Entry{"10-0", {{"decision", d.dump()}}});
  ASSERT_EQ(o.kind, Outcome::Kind::kDone);
  EXPECT_EQ(sent_.size(), 1u);
}

TEST_F(ActStageTest, AnActionReservedByALiveOwnerIsNotSentAgain) {
  UsePolicy(kQuarantine);
  const std::string id = ActionId("11-0", "quarantine");
  const auto future = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now().time_since_epoch()).count() + 60000;
  ledger_.records[id] = {{"state", "reserved"}, {"owner", "other"}, {"lease_until_ms", future}};
  const Outcome o = Stage()->Process(Decision("11-0"));
  EXPECT_EQ(o.kind, Outcome::Kind::kRetry);
  EXPECT_TRUE(sent_.empty());
}

TEST_F(ActStageTest, AResumedActionAlreadyInGitLabIsRecordedWithoutWritingAgain) {
  UsePolicy(kQuarantine);
  const std::string id = ActionId("12-0", "quarantine");
  ledger_.records[id] = {{"state", "reserved"}, {"owner", "dead-worker"}, {"lease_until_ms", 1}};
  gitlab_now_["/users/41"] = {{"id", 41}, {"state", "blocked"}};
  const Outcome o = Stage()->Process(Decision("12-0"));
  ASSERT_EQ(o.kind, Outcome::Kind::kDone) << o.error;
  EXPECT_TRUE(sent_.empty()) << "the block reached GitLab before its owner died: not again";
  EXPECT_EQ(ledger_.records[id]["status"], "taken");
  EXPECT_EQ(In(o, "p:audit", "audit").at(0)["status"], "taken");
  EXPECT_NE(registry_.Render().find("spamphibian_act_reconciled_total 1"), std::string::npos);
}

TEST_F(ActStageTest, AResumedActionNotInGitLabIsSentOnce) {
  UsePolicy(kQuarantine);
  const std::string id = ActionId("13-0", "quarantine");
  ledger_.records[id] = {{"state", "reserved"}, {"owner", "dead-worker"}, {"lease_until_ms", 1}};
  gitlab_now_["/users/41"] = {{"id", 41}, {"state", "active"}};
  ASSERT_EQ(Stage()->Process(Decision("13-0")).kind, Outcome::Kind::kDone);
  EXPECT_EQ(sent_, std::vector<std::string>{"POST /api/v4/users/41/block"});
  EXPECT_EQ(ledger_.records[id]["status"], "taken");
}

// The first owner archived, sent the block, and lost the answer (GitLab
// slower than the lease); its block lands while the next owner takes over.
// The first archive, older than any call, stays the record: written again,
// it would be dated after a block that reached GitLab.
TEST_F(ActStageTest, ATakenOverActionKeepsTheFirstOwnersArchive) {
  UsePolicy(kQuarantine);
  const std::string id = ActionId("15-0", "quarantine");
  expected_id_ = id;
  ledger_.records[id] = {{"state", "reserved"}, {"owner", "dead-worker"}, {"lease_until_ms", 1}};
  gitlab_now_["/users/41"] = {{"id", 41}, {"state", "active"}};
  const std::string first = R"({"action_id":")" + id + R"(","by":"the first owner"})";
  store_.objects["actions/" + id + ".json"] = first;
  ASSERT_EQ(Stage()->Process(Decision("15-0")).kind, Outcome::Kind::kDone);
  EXPECT_EQ(sent_, std::vector<std::string>{"POST /api/v4/users/41/block"});
  EXPECT_EQ(store_.objects.at("actions/" + id + ".json"), first);
  EXPECT_EQ(ledger_.records[id]["archive"], "actions/" + id + ".json");
  EXPECT_EQ(ledger_.archive_of.count(id), 0u) << "not archived again";
  // Its owner died before archiving: the next owner archives, then sends.
  const std::string id2 = ActionId("16-0", "quarantine");
  expected_id_ = id2;
  ledger_.records[id2] = {{"state", "reserved"}, {"owner", "dead-worker"}, {"lease_until_ms", 1}};
  ASSERT_EQ(Stage()->Process(Decision("16-0")).kind, Outcome::Kind::kDone);
  EXPECT_TRUE(archived_before_call_);
  EXPECT_EQ(Archived(id2)["action_id"], id2);
  // The store cannot say: the action waits, and nothing is sent.
  const std::string id3 = ActionId("17-0", "quarantine");
  ledger_.records[id3] = {{"state", "reserved"}, {"owner", "dead-worker"}, {"lease_until_ms", 1}};
  store_.down = true;
  EXPECT_EQ(Stage()->Process(Decision("17-0")).kind, Outcome::Kind::kHold);
  EXPECT_EQ(sent_.size(), 2u);
}

// The batch's object is noted with the reservation, before it is written:
// an owner that died in between left a note of an object that is not
// there, or is there in part (s3rver writes in place), or was written
// without the action; it sent nothing. The next owner archives, then
// sends; a noted object that holds the action stays the record.
TEST_F(ActStageTest, ATakenOverActionWhoseNotedArchiveWasNeverWrittenIsArchivedBeforeItIsSent) {
  UsePolicy(kQuarantine);
  gitlab_now_["/users/41"] = {{"id", 41}, {"state", "active"}};
  const std::string id = ActionId("18-0", "quarantine");
  expected_id_ = id;
  ledger_.records[id] = {{"state", "reserved"}, {"owner", "dead-worker"}, {"lease_until_ms", 1}};
  ledger_.archive_of[id] = "actions/2026-12-07/never-written-1.jsonl.gz";
  ASSERT_EQ(Stage()->Process(Decision("18-0")).kind, Outcome::Kind::kDone);
  EXPECT_EQ(sent_, std::vector<std::string>{"POST /api/v4/users/41/block"});
  EXPECT_TRUE(archived_before_call_);
  EXPECT_NE(ledger_.archive_of[id], "actions/2026-12-07/never-written-1.jsonl.gz");
  EXPECT_EQ(Archived(id)["action_id"], id);
  EXPECT_EQ(ledger_.records[id]["archive"], ledger_.archive_of[id]);

  // Its owner died while writing it (a store that writes in place keeps
  // part of it), or its batch's object was written without it.
  for (const std::string& partial : {std::string(), text::Gzip(R"({"action_id":"another"})" "\n").substr(0, 12),
                                    text::Gzip(R"({"action_id":"another"})" "\n")}) {
    const std::string entry = "18-" + std::to_string(partial.size() + 1);
    const std::string other = ActionId(entry, "quarantine");
    expected_id_ = other;
    ledger_.records[other] = {{"state", "reserved"}, {"owner", "dead-worker"}, {"lease_until_ms", 1}};
    ledger_.archive_of[other] = "actions/2026-12-07/partial-" + entry + ".jsonl.gz";
    store_.objects[ledger_.archive_of[other]] = partial;
    ASSERT_EQ(Stage()->Process(Decision(entry)).kind, Outcome::Kind::kDone);
    EXPECT_TRUE(archived_before_call_) << partial.size();
    EXPECT_NE(ledger_.archive_of[other], "actions/2026-12-07/partial-" + entry + ".jsonl.gz");
    EXPECT_EQ(Archived(other)["action_id"], other);
  }
  EXPECT_EQ(sent_.size(), 4u) << "each sent once, after its archive";

  const std::string id2 = ActionId("19-0", "quarantine");
  ledger_.records[id2] = {{"state", "reserved"}, {"owner", "dead-worker"}, {"lease_until_ms", 1}};
  ledger_.archive_of[id2] = "actions/2026-12-07/first-owner-1.jsonl.gz";
  store_.objects["actions/2026-12-07/first-owner-1.jsonl.gz"] = text::Gzip(R"({"action_id":")" + id2 + "\"}\n");
  ASSERT_EQ(Stage()->Process(Decision("19-0")).kind, Outcome::Kind::kDone);
  EXPECT_EQ(sent_.size(), 5u);
  EXPECT_EQ(ledger_.archive_of[id2], "actions/2026-12-07/first-owner-1.jsonl.gz") << "not archived again";
  EXPECT_EQ(ledger_.records[id2]["archive"], "actions/2026-12-07/first-owner-1.jsonl.gz");
}

std::vector<std::string> ActionObjects(const testing::MemoryObjectStore& store) {
  std::vector<std::string> keys;
  for (const auto& [key, _] : store.objects) {
    if (key.starts_with("actions/")) keys.push_back(key);
  }
  return keys;
}

TEST_F(ActStageTest, ABatchIsArchivedInOneObjectBeforeAnyCallAndItsDecisionsAreSentAtOnce) {
  UsePolicy(kQuarantine);
  lanes_ = 3;
  std::atomic<int> in_flight{0}, most{0};
  std::atomic<bool> archived_first{true};
  on_send_ = [&](const gitlab::ApiCall&) {
    archived_first = archived_first && ActionObjects(store_).size() == 1;
    const int now = ++in_flight;
    for (int seen = most.load(); seen < now && !most.compare_exchange_weak(seen, now);) {
    }
    // Waits (at most 5 s) for another call of the batch to be in flight.
    for (int i = 0; i < 500 && most.load() < 2; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    --in_flight;
    return Status::Ok();
  };
  const std::vector<Entry> batch = {Decision("21-0"), Decision("22-0"), Decision("23-0")};
  std::vector<Outcome> outcomes;
  Stage()->ProcessBatch(batch, &outcomes);
  ASSERT_EQ(outcomes.size(), 3u);
  for (const Outcome& o : outcomes) {
    ASSERT_EQ(o.kind, Outcome::Kind::kDone) << o.error;
    EXPECT_EQ(In(o, "p:audit", "audit").at(0)["status"], "taken");
  }
  EXPECT_EQ(sent_.size(), 3u);
  EXPECT_EQ(review_lookups_, 1) << "the review queue is asked once for the batch";
  EXPECT_TRUE(archived_first.load()) << "a call was sent before the batch's archive was written";
  EXPECT_GE(most.load(), 2) << "the batch's calls did not overlap";
  // One object for the batch; each action found in it, as restore finds it.
  const auto objects = ActionObjects(store_);
  ASSERT_EQ(objects.size(), 1u);
  for (const char* entry : {"21-0", "22-0", "23-0"}) {
    const std::string id = ActionId(entry, "quarantine");
    EXPECT_EQ(ledger_.archive_of[id], objects[0]);
    EXPECT_EQ(ledger_.records[id]["archive"], objects[0]);
    EXPECT_EQ(Archived(id)["decision"]["item"]["author"]["username"], "seo_links_4u");
  }
}

TEST_F(ActStageTest, OneFailedDecisionOfABatchWaitsAloneAndAnArchiveOutageSendsNothing) {
  UsePolicy(kQuarantine);
  int calls = 0;
  on_send_ = [&](const gitlab::ApiCall&) { return ++calls == 1 ? Status::Unavailable("GitLab answered 503") : Status::Ok(); };
  std::vector<Outcome> outcomes;
  Stage()->ProcessBatch(std::vector<Entry>{Decision("31-0"), Decision("32-0")}, &outcomes);
  EXPECT_EQ(outcomes[0].kind, Outcome::Kind::kRetry);
  EXPECT_EQ(outcomes[1].kind, Outcome::Kind::kDone) << outcomes[1].error;
  EXPECT_EQ(ledger_.records[ActionId("31-0", "quarantine")]["lease_until_ms"], 0) << "it may have reached GitLab";
  EXPECT_EQ(ledger_.records[ActionId("32-0", "quarantine")]["status"], "taken");

  // S3 down: the whole batch waits, nothing is sent, and no reservation
  // is left to wait out.
  store_.down = true;
  const std::size_t sent_before = sent_.size();
  Stage()->ProcessBatch(std::vector<Entry>{Decision("33-0"), Decision("34-0")}, &outcomes);
  EXPECT_EQ(outcomes[0].kind, Outcome::Kind::kHold);
  EXPECT_EQ(outcomes[1].kind, Outcome::Kind::kHold);
  EXPECT_EQ(sent_.size(), sent_before);
  EXPECT_EQ(ledger_.records.count(ActionId("33-0", "quarantine")), 0u);
  EXPECT_EQ(ledger_.records.count(ActionId("34-0", "quarantine")), 0u);
}

TEST_F(ActStageTest, AFailedCallEndsTheLeaseSoThatTheNextTryLooksFirst) {
  UsePolicy(kQuarantine);
  const std::string id = ActionId("14-0", "quarantine");
  gitlab_down_ = true;
  EXPECT_EQ(Stage()->Process(Decision("14-0")).kind, Outcome::Kind::kRetry);
  EXPECT_EQ(ledger_.records[id]["state"], "reserved");
  EXPECT_EQ(ledger_.records[id]["lease_until_ms"], 0);
  // The write did reach GitLab before the connection broke.
  gitlab_down_ = false;
  gitlab_now_["/users/41"] = {{"id", 41}, {"state", "blocked"}};
  ASSERT_EQ(Stage()->Process(Decision("14-0")).kind, Outcome::Kind::kDone);
  EXPECT_EQ(sent_.size(), 1u) << "one write in all";
}

TEST_F(ActStageTest, NoArchiveDropsTheReservation) {
  UsePolicy(kQuarantine);
  store_.down = true;
  EXPECT_EQ(Stage()->Process(Decision("15-0")).kind, Outcome::Kind::kHold);
  EXPECT_EQ(ledger_.records.count(ActionId("15-0", "quarantine")), 0u);
  EXPECT_EQ(ledger_.archive_of.count(ActionId("15-0", "quarantine")), 0u) << "nor a note of an object never written";
}

TEST_F(ActStageTest, MalformedDecisionIsDeadLettered) {
  UsePolicy("");
  EXPECT_EQ(Stage()->Process(Entry{"9-0", {{"decision", "{"}}}).kind, Outcome::Kind::kDeadLetter);
}

}  // namespace
}  // namespace spamphibian
