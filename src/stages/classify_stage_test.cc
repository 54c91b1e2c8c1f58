#include "stages/classify_stage.h"

#include <gtest/gtest.h>

#include "gitlab/item.h"
#include "log/json_log.h"

namespace spamphibian {
namespace {

// With the bundled default model.
class ClassifyStageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::shared_ptr<const classify::SpamModel> model;
    ASSERT_TRUE(classify::SpamModel::Load(DefaultModelPath(), &model).ok());
    models_.Set(model, "test", "bundled");
  }
  nlohmann::json Classify(const gitlab::Item& item, const nlohmann::json& signals,
                          std::map<std::string, ThresholdPair> by_type = {}) {
    ClassifyStage stage(ClassifyStageOptions{{"p:decisions", "p:decision_log", 1000}, "p:archive", {}, std::move(by_type), nullptr, false},
                        models_, registry_, *log_);
    Outcome o = stage.Process(Entry{"5-0", {{"item", gitlab::ToJson(item).dump()}, {"signals", signals.dump()}}});
    EXPECT_EQ(o.kind, Outcome::Kind::kDone);
    // The decision for the act stage (a work queue: never capped), the same
    // for the capped log, and for the archive, uncapped.
    EXPECT_EQ(o.emits.size(), 3u);
    EXPECT_EQ(o.emits.at(0).stream, "p:decisions");
    EXPECT_EQ(o.emits.at(0).maxlen, 0);
    EXPECT_EQ(o.emits.at(1).stream, "p:decision_log");
    EXPECT_EQ(o.emits.at(1).maxlen, 1000);
    EXPECT_EQ(o.emits.at(2).stream, "p:archive");
    EXPECT_EQ(o.emits.at(2).maxlen, 0);
    EXPECT_EQ(o.emits.at(2).fields, o.emits.at(0).fields);
    EXPECT_EQ(o.emits.at(1).fields, o.emits.at(0).fields);
    return nlohmann::json::parse(o.emits.at(0).Get("decision"));
  }
  // The decisions of one batch, counted in `memory`.
  std::vector<nlohmann::json> Decide(classify::CampaignMemory* memory, const std::vector<Entry>& entries) {
    ClassifyStageOptions options{{"p:decisions", "", 0}, "", {}, {}, nullptr, false, memory};
    ClassifyStage stage(options, models_, registry_, *log_);
    std::vector<Outcome> outcomes;
    stage.ProcessBatch(entries, &outcomes);
    std::vector<nlohmann::json> out;
    for (const Outcome& o : outcomes) out.push_back(nlohmann::json::parse(o.emits.at(0).Get("decision")));
    return out;
  }
  static gitlab::Item Developer() {
    gitlab::Item u;
    u.type = "user";
    u.text = {{"username", "alice"}, {"name", "Alice Martin"}, {"bio", "Backend engineer. Rust, Postgres, distributed systems."},
              {"website_url", "https://alice.dev"}, {"location", "Zurich"}};
    return u;
  }
  const nlohmann::json developer_signals_ = {{"email_confirmed", true}, {"account_age_days", 900}, {"email_domain", "gmail.com"}};
  classify::ModelHolder models_;
  metrics::Registry registry_;
  std::shared_ptr<spdlog::logger> log_ = MakeNullLogger();
};

TEST_F(ClassifyStageTest, SeoProfileIsSpamWithLinkReasons) {
  gitlab::Item u;
  u.type = "user";
  u.id = "101";
  u.text = {{"username", "seo_links_4u"}, {"name", "Best SEO Services"}, {"website_url", "https://cheap-backlinks.example.xyz"}};
  auto d = Classify(u, {{"disposable_email", true}, {"email_confirmed", false}, {"account_age_days", 0.1},
                        {"email_domain", "mailinator.com"}});
  EXPECT_EQ(d["verdict"], "spam") << d.dump();
  EXPECT_GE(d["score"].get<double>(), 0.8);
  EXPECT_EQ(d["decision_id"], "classify-5-0");
  EXPECT_EQ(d["item"]["id"], "101") << "the item travels with the decision, as the entry had it";
  EXPECT_EQ(d["item"]["text"][0][1], "seo_links_4u");
  EXPECT_EQ(d["model_version"], "test");
  const std::string reasons = d["reasons"].dump();
  EXPECT_NE(reasons.find("sig_links_1"), std::string::npos) << reasons;
  EXPECT_NE(reasons.find("sig_website_without_bio"), std::string::npos) << reasons;
  EXPECT_NE(registry_.Render().find("spamphibian_decisions_total{item_type=\"user\",verdict=\"spam\"} 1"), std::string::npos);
}

// Words alone never make `spam` (classify/verdict.h): with thresholds every
// score reaches, a note of words is suspicious and says why; the same with
// a phone number to call is spam.
TEST_F(ClassifyStageTest, WordsAloneAreAtMostSuspicious) {
  gitlab::Item note;
  note.type = "note";
  note.id = "5/notes/1";
  note.text = {{"body", "Best release ever!!! We miss you, thanks for everything"}};
  const std::map<std::string, ThresholdPair> every_score{{"note", ThresholdPair{1e-9, 1e-10}}};
  auto d = Classify(note, nlohmann::json::object(), every_score);
  EXPECT_EQ(d["verdict"], "suspicious") << d.dump();
  EXPECT_EQ(d["words_alone"], true);
  EXPECT_NE(d["explanation"].dump().find("only its words"), std::string::npos) << d["explanation"].dump();
  note.text = {{"body", "Best release ever!!! Call +1-888-555-0199 for the premium version"}};
  d = Classify(note, nlohmann::json::object(), every_score);
  EXPECT_EQ(d["verdict"], "spam") << d.dump();
  EXPECT_EQ(d["words_alone"], false);
  EXPECT_EQ(d["explanation"].dump().find("only its words"), std::string::npos);
}

TEST_F(ClassifyStageTest, SaysWhatLanguageAnItemIsWrittenIn) {
  gitlab::Item note;
  note.type = "note";
  note.id = "7";
  note.text = {{"body", "Situs slot gacor terbaik hari ini, daftar sekarang dan dapatkan bonus di https://gacor.example.top"}};
  const auto d = Classify(note, nlohmann::json::object());
  EXPECT_EQ(d["language"], "id") << d.dump();
  EXPECT_EQ(d["language_name"], "Indonesian");
  const std::string metrics = registry_.Render();
  EXPECT_NE(metrics.find("spamphibian_decisions_by_language_total{language=\"id\",verdict=\"" +
                         d["verdict"].get<std::string>() + "\"} 1"),
            std::string::npos)
      << metrics;
  // Too little text to tell: no language, counted as unknown.
  note.text = {{"body", "+1"}};
  const auto short_one = Classify(note, nlohmann::json::object());
  EXPECT_FALSE(short_one.contains("language")) << short_one.dump();
  EXPECT_NE(registry_.Render().find("spamphibian_decisions_by_language_total{language=\"unknown\""), std::string::npos);
}

TEST_F(ClassifyStageTest, DeveloperProfileIsHam) {
  auto d = Classify(Developer(), developer_signals_);
  EXPECT_EQ(d["verdict"], "ham") << d.dump();
  EXPECT_LT(d["score"].get<double>(), 0.5);
}

TEST_F(ClassifyStageTest, ThresholdsPerItemType) {
  const double score = Classify(Developer(), developer_signals_)["score"];
  // Thresholds for another type change nothing; the user's own apply.
  EXPECT_EQ(Classify(Developer(), developer_signals_, {{"snippet", {0, 0}}})["verdict"], "ham");
  EXPECT_EQ(Classify(Developer(), developer_signals_, {{"user", {1, score / 2}}})["verdict"], "suspicious");
  EXPECT_EQ(Classify(Developer(), developer_signals_, {{"user", {score / 2, score / 4}}})["verdict"], "spam");
}

TEST_F(ClassifyStageTest, ABatchCountsCampaignsAcrossAccounts) {
  classify::LocalCampaignMemory campaigns({});
  ClassifyStageOptions options{{"p:decisions", "", 0}, "", {}, {}, nullptr, false, &campaigns};
  ClassifyStage stage(options, models_, registry_, *log_);
  std::vector<Entry> entries;
  for (int i = 0; i < 3; ++i) {
    gitlab::Item n;
    n.type = "note";
    n.id = std::to_string(i);
    n.author.id = 100 + i;
    n.text = {{"body", "Thanks for the detailed write up, I learnt a lot about the release process from this thread today"}};
    entries.push_back(Entry{std::to_string(i) + "-0", {{"item", gitlab::ToJson(n).dump()}, {"signals", "{}"}}});
  }
  entries.push_back(Entry{"9-0", {{"item", "nope"}}});
  std::vector<Outcome> outcomes;
  stage.ProcessBatch(entries, &outcomes);
  ASSERT_EQ(outcomes.size(), 4u);
  EXPECT_EQ(outcomes[3].kind, Outcome::Kind::kDeadLetter) << "a bad entry fails alone";
  auto reasons = [&](int i) { return nlohmann::json::parse(outcomes[i].emits.at(0).Get("decision"))["reasons"].dump(); };
  EXPECT_EQ(reasons(1).find("sig_campaign_text"), std::string::npos) << "one other account is no campaign yet";
  EXPECT_NE(reasons(2).find("sig_campaign_text"), std::string::npos) << "the third account with the same text";
  EXPECT_EQ(nlohmann::json::parse(outcomes[2].emits.at(0).Get("decision"))["campaign"]["text_accounts"], 2);
}

// A comment that reads like a reader's, with one commercial link, pasted
// by a third account. Models up to 8515bbc19ca8 had learnt campaigns
// backwards from their training data and, with the campaign tokens in the
// words model's line, scored it 0.73 against 1.00 for the comment alone.
// Its words already say spam, so a campaign can add little here; what a
// campaign adds to new words is AThirdAccountPastingNewWordsIsRaised.
TEST_F(ClassifyStageTest, AThirdAccountPastingTheSameCommentIsNotScoredBelowItAlone) {
  auto note = [&](int i) {
    gitlab::Item n;
    n.type = "note";
    n.id = "7/issues/3/notes/" + std::to_string(i);
    n.author.id = 300 + i;
    n.author.username = "reader" + std::to_string(i);
    n.text = {{"body", "Really like how the retry logic is handled here. It works a lot like the player on "
                       "https://streamly-hd.example.top/watch does it."}};
    return Entry{std::to_string(i) + "-0", {{"item", gitlab::ToJson(n).dump()}, {"signals", "{}"}}};
  };
  classify::LocalCampaignMemory campaign_memory({});
  const auto pasted = Decide(&campaign_memory, {note(0), note(1), note(2)});
  ASSERT_EQ(pasted[2]["campaign"]["text_accounts"], 2);
  EXPECT_NE(pasted[2]["reasons"].dump().find("sig_campaign_text"), std::string::npos);
  classify::LocalCampaignMemory alone_memory({});
  const double alone = Decide(&alone_memory, {note(2)})[0]["score"];
  EXPECT_GT(pasted[2]["score"].get<double>(), alone - 0.01) << "alone: " << alone;
  EXPECT_EQ(pasted[2]["verdict"], "spam");
}

// The issue's case: a third account pasting the same text is caught even
// if its words are new. Two comments in words of no spam family the model
// was trained on, each pasted by three accounts within the window: a
// campaign of its text (and, for the second, of its link domain), which
// the bundled model has learnt to count when the words are unsure (train
// --folds-by campaign, trainer.h). Models up to 9776bccb99a4 scored both
// pastes *below* the comment alone (0.0018 against 0.0020, 0.64 against
// 0.85); the bundled model raises both (the cases below).
TEST_F(ClassifyStageTest, AThirdAccountPastingNewWordsIsRaised) {
  auto note = [&](int i, const char* body, const char* signals) {
    gitlab::Item n;
    n.type = "note";
    n.id = "9/issues/4/notes/" + std::to_string(i);
    n.author.id = 400 + i;
    n.author.username = "maker" + std::to_string(i);
    n.text = {{"body", body}};
    return Entry{std::to_string(i) + "-0", {{"item", gitlab::ToJson(n).dump()}, {"signals", signals}}};
  };
  struct Case {
    const char* body;
    const char* signals;
    const char* alone;   // the verdict on the comment alone
    const char* pasted;  // ... and on the third paste
  } cases[] = {
      {"Interesting approach. We solved the same problem with a small queue in front of the workers and it has "
       "been stable for months.",
       // Alone: ordinary (0.10 with fc0e51e10d44; 0.46, suspicious, with the
       // first model that met real text); pasted by a third account it is
       // shown to a person, and words alone never make it spam.
       R"({"account_age_days": 2, "email_domain": "gmail.com"})", "ham", "suspicious"},
      {"Great write-up on the retry logic, it helped our team a lot. We wrote about the same idea at "
       "https://oakpuzzle-atelier.shop/blog",
       R"({"account_age_days": 400, "email_domain": "gmail.com", "email_confirmed": true})", "suspicious", "spam"},
  };
  for (const Case& c : cases) {
    classify::LocalCampaignMemory campaign_memory({});
    const auto pasted = Decide(&campaign_memory, {note(0, c.body, c.signals), note(1, c.body, c.signals),
                                                  note(2, c.body, c.signals)});
    classify::LocalCampaignMemory alone_memory({});
    const nlohmann::json alone = Decide(&alone_memory, {note(2, c.body, c.signals)})[0];
    ASSERT_EQ(pasted[2]["campaign"]["text_accounts"], 2) << c.body;
    EXPECT_EQ(alone["verdict"], std::string(c.alone)) << c.body << alone.dump();
    EXPECT_EQ(pasted[2]["verdict"], std::string(c.pasted)) << c.body << pasted[2].dump();
    EXPECT_GT(pasted[2]["score"].get<double>(), alone["score"].get<double>()) << c.body;
  }
}

// Plausible profiles, each with its own bio and site, registered alike (one
// mail domain, first_last + four digits, .com sites): from the third on
// they are a sign-up burst, and the bundled model scores the burst above
// the same profile signing up alone.
TEST_F(ClassifyStageTest, ASignupBurstRaisesTheThirdProfileMadeAlike) {
  const char* bios[][2] = {
      {"Home chef sharing weeknight recipes and kitchen tips.", "https://weeknight-kitchen.com"},
      {"Dad of two, I write about budgeting and family life.", "https://budget-family-life.com"},
      {"Gardening enthusiast. Tomatoes, herbs and small balconies.", "https://balcony-harvest.com"},
      {"Runner and coffee lover, reviewing gear I use.", "https://runner-coffee-gear.com"}};
  auto user = [&](int i) {
    gitlab::Item u;
    u.type = "user";
    u.id = std::to_string(500 + i);
    u.author.id = 500 + i;
    u.author.username = std::string("kelly_brooks") + std::to_string(1980 + i * 7);
    u.author.email = u.author.username + "@mailbox.example";
    u.text = {{"username", u.author.username}, {"bio", bios[i][0]}, {"website_url", bios[i][1]}};
    return Entry{std::to_string(i) + "-0", {{"item", gitlab::ToJson(u).dump()},
                                            {"signals", R"({"account_age_days": 0.01, "email_domain": "mailbox.example", "email_confirmed": true})"}}};
  };
  classify::LocalCampaignMemory burst_memory({});
  const auto burst = Decide(&burst_memory, {user(0), user(1), user(2), user(3)});
  EXPECT_EQ(burst[1]["campaign"]["signup_accounts"], 1);
  EXPECT_EQ(burst[3]["campaign"]["signup_accounts"], 3);
  EXPECT_EQ(burst[1]["reasons"].dump().find("sig_campaign_signup"), std::string::npos) << "two are no burst yet";
  for (int i : {2, 3}) {
    classify::LocalCampaignMemory alone_memory({});
    const double alone = Decide(&alone_memory, {user(i)})[0]["score"];
    EXPECT_NE(burst[i]["reasons"].dump().find("sig_campaign_signup"), std::string::npos) << i;
    EXPECT_GT(burst[i]["score"].get<double>(), alone) << "profile " << i << " alone scores " << alone;
  }
  EXPECT_NE(registry_.Render().find("spamphibian_campaigns_total{kind=\"signup\"} 2"), std::string::npos)
      << "the third and the fourth";
}

// One new account making project after project, each with a new name and
// a few words (the tea-protocol pattern): from the fifth on it is a flood,
// which the decision shows and counts, and the bundled model scores the
// fifth above the same project made alone. Its notes are no flood.
TEST_F(ClassifyStageTest, AnAccountsFifthProjectOfTheDayIsAFlood) {
  const char* names[] = {"quick-lantern", "amber-socket", "velvet-parser", "hollow-bridge", "copper-meadow"};
  auto project = [&](int i, const std::string& type) {
    gitlab::Item p;
    p.type = type;
    p.id = std::to_string(900 + i);
    p.author.id = 77;
    p.author.username = "dev77";
    p.text = {{"name", names[i]}, {"description", std::string(names[i]) + " package"}};
    return Entry{std::to_string(i) + "-0", {{"item", gitlab::ToJson(p).dump()},
                                            {"signals", R"({"account_age_days": 0.5, "email_domain": "mailbox.example", "email_confirmed": true})"}}};
  };
  classify::LocalCampaignMemory memory({});
  const auto flood = Decide(&memory, {project(0, "project"), project(1, "project"), project(2, "project"),
                                      project(3, "project"), project(4, "project")});
  EXPECT_EQ(flood[3]["campaign"]["author_items"], 3);
  EXPECT_EQ(flood[3]["reasons"].dump().find("sig_author_flood"), std::string::npos) << "four projects are no flood yet";
  EXPECT_EQ(flood[4]["campaign"]["author_items"], 4);
  EXPECT_NE(flood[4]["reasons"].dump().find("sig_author_flood"), std::string::npos);
  classify::LocalCampaignMemory alone_memory({});
  const double alone = Decide(&alone_memory, {project(4, "project")})[0]["score"];
  EXPECT_GT(flood[4]["score"].get<double>(), alone);
  EXPECT_NE(registry_.Render().find("spamphibian_campaigns_total{kind=\"flood\"} 1"), std::string::npos);

  classify::LocalCampaignMemory notes_memory({});
  const auto notes = Decide(&notes_memory, {project(0, "note"), project(1, "note"), project(2, "note"),
                                            project(3, "note"), project(4, "note")});
  EXPECT_EQ(notes[4]["campaign"]["author_items"], 4) << "counted";
  EXPECT_EQ(notes[4]["reasons"].dump().find("sig_author_flood"), std::string::npos) << "but a reviewer's notes are no flood";
}

// A memory that answers what reviewers said, as the Redis one reads it.
class RememberingMemory : public classify::CampaignMemory {
 public:
  explicit RememberingMemory(classify::CampaignCounts answer) : answer_(std::move(answer)) {}
  Status Observe(const classify::CampaignKey&, std::int64_t, classify::CampaignCounts* out) override {
    *out = answer_;
    return Status::Ok();
  }

 private:
  classify::CampaignCounts answer_;
};

TEST_F(ClassifyStageTest, WhatReviewersConfirmedSpamRaisesToSpamAndNeverLowers) {
  const auto run = [&](classify::CampaignCounts remembered) {
    RememberingMemory memory(std::move(remembered));
    ClassifyStageOptions options{{"p:decisions", "", 0}, "", {}, {}, nullptr, false, &memory};
    ClassifyStage stage(options, models_, registry_, *log_);
    Outcome o = stage.Process(Entry{"1-0", {{"item", gitlab::ToJson(Developer()).dump()},
                                            {"signals", developer_signals_.dump()}}});
    return nlohmann::json::parse(o.emits.at(0).Get("decision"));
  };
  classify::CampaignCounts author;
  author.reviewed_author = "spam";
  const auto by_author = run(author);
  EXPECT_EQ(by_author["verdict"], "spam") << by_author.dump();
  EXPECT_EQ(by_author["reasons"][0], "memory author_confirmed_spam");
  EXPECT_LT(by_author["model_score"].get<double>(), 0.5) << "the model's own score is kept";
  classify::CampaignCounts domain;
  domain.reviewed_spam_domain = "pills.example.top";
  EXPECT_EQ(run(domain)["reasons"][0], "memory domain_confirmed_spam pills.example.top");
  classify::CampaignCounts ham;
  ham.reviewed_author = "ham";
  const auto cleared = run(ham);
  EXPECT_EQ(cleared["verdict"], "ham");
  EXPECT_FALSE(cleared.contains("model_score"));
  EXPECT_NE(registry_.Render().find("spamphibian_classify_remembered_total{memory=\"author\"} 1"), std::string::npos);
}

TEST_F(ClassifyStageTest, AShadowedModelScoresBesideAndChangesNothing) {
  classify::ModelHolder shadow;
  ClassifyStageOptions options{{"p:decisions", "", 0}, "", {}, {}, nullptr, false};
  options.shadow = &shadow;
  ClassifyStage stage(options, models_, registry_, *log_);
  const Entry entry{"1-0", {{"item", gitlab::ToJson(Developer()).dump()}, {"signals", developer_signals_.dump()}}};
  auto without = nlohmann::json::parse(stage.Process(entry).emits.at(0).Get("decision"));
  EXPECT_FALSE(without.contains("shadow")) << "an empty holder: no shadow";
  // The same model as a stand-in candidate: it must agree.
  shadow.Set(models_.Get(), "cand12345678", "shadow");
  auto with = nlohmann::json::parse(stage.Process(entry).emits.at(0).Get("decision"));
  EXPECT_EQ(with["verdict"], without["verdict"]);
  EXPECT_EQ(with["score"], without["score"]);
  EXPECT_EQ(with["shadow"]["model_version"], "cand12345678");
  EXPECT_EQ(with["shadow"]["verdict"], "ham");
  EXPECT_DOUBLE_EQ(with["shadow"]["score"].get<double>(), with["score"].get<double>());
  EXPECT_NE(registry_.Render().find(
                "spamphibian_shadow_agreement_total{item_type=\"user\",current=\"ham\",candidate=\"ham\"} 1"),
            std::string::npos);
  // Promoted: the shadow holder still has the version that is now current
  // until its refresher notices; the decision carries no shadow meanwhile.
  std::string current;
  models_.Get(&current);
  shadow.Set(models_.Get(), current, "shadow");
  auto promoted = nlohmann::json::parse(stage.Process(entry).emits.at(0).Get("decision"));
  EXPECT_FALSE(promoted.contains("shadow")) << promoted.dump();
}

TEST_F(ClassifyStageTest, MalformedEntryIsDeadLettered) {
  ClassifyStage stage(ClassifyStageOptions{{"p:decisions", "", 0}, "", {}, {}, nullptr, false}, models_, registry_, *log_);
  EXPECT_EQ(stage.Process(Entry{"1-0", {{"item", "nope"}}}).kind, Outcome::Kind::kDeadLetter);
}

}  // namespace
}  // namespace spamphibian
