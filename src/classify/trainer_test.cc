#include "classify/trainer.h"
#include "classify/spam_model.h"

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <set>
#include <string_view>
#include <vector>

#include "child_process.h"
#include "classify/combiner.h"
#include "classify/fasttext_model.h"

namespace spamphibian::classify {
namespace {

TEST(Evaluate, MetricsOnKnownScores) {
  // 2 spam (0.9, 0.4), 2 ham (0.6, 0.1): one of each misclassified.
  Metrics m = Evaluate(std::vector<Scored>{{0.9, true}, {0.4, true}, {0.6, false}, {0.1, false}});
  EXPECT_DOUBLE_EQ(m.accuracy, 0.5);
  EXPECT_DOUBLE_EQ(m.precision, 0.5);
  EXPECT_DOUBLE_EQ(m.recall, 0.5);
  EXPECT_DOUBLE_EQ(m.f1, 0.5);
  EXPECT_DOUBLE_EQ(m.roc_auc, 0.75);  // 3 of the 4 spam/ham pairs are ranked right
  EXPECT_DOUBLE_EQ(Evaluate(std::vector<Scored>{{0.8, true}, {0.2, false}}).roc_auc, 1.0);
  EXPECT_DOUBLE_EQ(Evaluate(std::vector<Scored>{{0.2, true}, {0.8, false}}).roc_auc, 0.0);
  EXPECT_DOUBLE_EQ(Evaluate(std::vector<Scored>{{0.5, true}, {0.5, false}}).roc_auc, 0.5) << "ties count half";
  EXPECT_NEAR(m.brier, (0.01 + 0.36 + 0.36 + 0.01) / 4, 1e-12);
  EXPECT_NEAR(m.calibration_error, (0.1 + 0.6 + 0.6 + 0.1) / 4, 1e-12) << "four bins of one item each";
}

TEST(Evaluate, CalibrationIsTheGapBetweenScoreAndShareOfSpam) {
  std::vector<Scored> eight_in_ten(10, Scored{0.8, true});
  eight_in_ten[0].spam = eight_in_ten[1].spam = false;
  const Metrics calibrated = Evaluate(eight_in_ten);
  EXPECT_NEAR(calibrated.calibration_error, 0, 1e-12) << "0.8, and spam eight times in ten";
  EXPECT_NEAR(calibrated.brier, (8 * 0.04 + 2 * 0.64) / 10, 1e-12);
  std::vector<Scored> overconfident(10, Scored{1.0, true});
  overconfident[0].spam = overconfident[1].spam = overconfident[2].spam = overconfident[3].spam = overconfident[4].spam = false;
  EXPECT_NEAR(Evaluate(overconfident).calibration_error, 0.5, 1e-12) << "1.0, and spam half the time";
}

// A word of its own per example: numbers are one token in a rendering, and
// the held-out split keeps identical renderings together.
std::string Letters(int i) { return {static_cast<char>('a' + i % 26), static_cast<char>('a' + i / 26 % 26), 'x'}; }

TEST(Train, TrainsFromLabelledItemsAndReportsHeldOutMetrics) {
  testing::TempDir dir;
  const std::string data = dir.path() + "/data.jsonl";
  {
    std::ofstream out(data);
    for (int i = 0; i < 300; ++i) {
      const bool spam = i % 2 == 0;
      nlohmann::json item = {{"type", i % 3 == 0 ? "user" : "note"},
                             {"author", {{"username", "u" + std::to_string(i)}}},
                             {"text", nlohmann::json::array({{"body", spam ? "cheap casino bonus " + Letters(i) + " https://casino-" +
                                                                                 std::to_string(i) + ".example.bet now"
                                                                           : "fix flaky test in module " + Letters(i)}})}};
      nlohmann::json line = {{"label", spam ? "spam" : "ham"}, {"item", item}};
      if (spam) line["family"] = i % 4 == 0 ? "casino" : "bonus";
      out << line.dump() << "\n";
    }
  }
  TrainOptions o;
  o.data = data;
  o.out = dir.path() + "/model.spam";
  o.dim = 10;
  o.epoch = 10;
  o.threads = 1;
  TrainReport report;
  o.folds_by = "hash";
  EXPECT_TRUE(Train(o, &report).IsInvalidArgument());
  // Both deals: each example scored by a fold model that had not seen it,
  // and by one that had seen none of its family.
  o.folds_by = "both";
  Status s = Train(o, &report);
  ASSERT_TRUE(s.ok()) << s.ToString();
  std::shared_ptr<const SpamModel> both;
  ASSERT_TRUE(SpamModel::Load(o.out, &both).ok());
  EXPECT_EQ(both->card()["combiner"]["folds_by"], "both");
  EXPECT_GT(report.overall.accuracy, 0.95);
  // The rest is the default deal, the one the bundled model is trained with.
  o.folds_by = TrainOptions().folds_by;
  s = Train(o, &report);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(report.train_examples + report.heldout_examples, 300);
  EXPECT_GT(report.heldout_examples, 20);
  EXPECT_LT(report.heldout_examples, 110);
  EXPECT_GT(report.overall.accuracy, 0.95);
  EXPECT_TRUE(report.by_type.count("user"));
  std::shared_ptr<const SpamModel> model;
  ASSERT_TRUE(SpamModel::Load(o.out, &model).ok());
  EXPECT_TRUE(model->has_combiner()) << "a .spam file is a bundle: words model and combiner";
  ASSERT_TRUE(model->ThresholdsFor("note").has_value());
  EXPECT_GE(model->ThresholdsFor("note")->spam, 0.5);
  EXPECT_EQ(model->card().value("train_examples", 0), report.train_examples);
  EXPECT_EQ(model->card()["combiner"]["folds_by"], "campaign");
}

// What a campaign is worth when its words are new. The data's spam
// campaigns are all of one family (copies of "tablets" texts, four accounts
// each) and its ordinary ones (three colleagues pasting the contributing
// guide) of none; other spam is casino, posted once each. Dealt in turn,
// a campaign's copies are scored by words models that have met their very
// text, so the campaign adds nothing to them, and the combiner learns its
// worth from the ordinary campaigns alone. Dealt "campaign", they are
// also scored by a model that has not met their family, as a new campaign
// would be.
TEST(Train, FoldsByCampaignLearnWhatACampaignTellsWhenItsWordsAreNew) {
  testing::TempDir dir;
  const std::string data = dir.path() + "/data.jsonl";
  {
    std::ofstream out(data);
    int account = 0;
    auto line = [&](bool spam, const std::string& family, const std::string& body) {
      nlohmann::json item = {{"type", "note"}, {"id", std::to_string(account)},
                             {"author", {{"username", "u" + std::to_string(account)}}},
                             {"text", nlohmann::json::array({{"body", body}})}};
      nlohmann::json j = {{"label", spam ? "spam" : "ham"}, {"item", item}, {"split", "train"}};
      if (!family.empty()) j["family"] = family;
      out << j.dump() << "\n";
      ++account;
    };
    for (int i = 0; i < 240; ++i) {
      if (i % 2 == 0) line(false, "", "fix flaky test in module " + Letters(i) + " and rerun the pipeline");
      if (i % 2 == 1) line(true, "casino", "cheap casino bonus " + Letters(i) + " spins jackpot slot now");
      if (i % 12 == 0) {
        const std::string guide = "please read the contributing guide before you open a merge request " + Letters(i);
        for (int k = 0; k < 3; ++k) line(false, "", guide);
      }
      if (i % 8 == 0) {
        const std::string tablets = "order generic tablets from our pharmacy with discreet delivery " + Letters(i);
        for (int k = 0; k < 4; ++k) line(true, "tablets", tablets);
      }
    }
  }
  const std::string probe_file = dir.path() + "/probe.jsonl";
  std::ofstream(probe_file) << nlohmann::json{{"label", "spam"},
                                              {"item", {{"type", "note"}, {"author", {{"username", "p"}}},
                                                        {"text", nlohmann::json::array({{"body", "handmade leather wallets "
                                                                                             "shipped to your door from our little store"}})}}}}
                                   .dump()
                            << "\n";
  std::vector<Example> probe;
  ASSERT_TRUE(ReadExamples(probe_file, nullptr, &probe).ok());
  ASSERT_EQ(probe.size(), 1u);
  Rendering alone = probe[0].rendering, third = alone;
  CampaignCounts two_others;
  two_others.text_accounts = 2;
  ApplyCampaign(two_others, "note", &third);
  ASSERT_TRUE(ToldByOthers(third));
  ASSERT_FALSE(ToldByOthers(alone));

  auto raise = [&](const std::string& folds_by) {
    TrainOptions o;
    o.data = data;
    o.out = dir.path() + "/" + folds_by + ".spam";
    o.dim = 10;
    o.epoch = 10;
    o.threads = 1;
    o.folds_by = folds_by;
    TrainReport report;
    const Status s = Train(o, &report);
    EXPECT_TRUE(s.ok()) << s.ToString();
    std::shared_ptr<const SpamModel> model;
    if (!SpamModel::Load(o.out, &model).ok()) return -1.0;
    EXPECT_EQ(model->card()["combiner"]["folds_by"], folds_by);
    // With the words unsure (0.5), what the campaign adds to the logit.
    const Combiner& combiner = *model->combiner();
    return Logit(combiner.Probability(0.5, third.features)) - Logit(combiner.Probability(0.5, alone.features));
  };
  const double in_turn = raise("turn");
  const double by_campaign = raise("campaign");
  // Measured: 0.78 against 0.02 (in the logit, with the words unsure).
  EXPECT_GT(by_campaign, 0.5) << "the third account pasting new words is a campaign";
  EXPECT_GT(by_campaign, in_turn + 0.5);
}

TEST(Train, WordsModelAloneForFtzAndBin) {
  testing::TempDir dir;
  const std::string data = dir.path() + "/data.jsonl";
  {
    std::ofstream out(data);
    for (int i = 0; i < 60; ++i) {
      nlohmann::json item = {{"type", "note"}, {"author", {{"username", "u"}}},
                             {"text", nlohmann::json::array({{"body", (i % 2 ? "casino bonus " : "fix test ") + std::to_string(i)}})}};
      out << nlohmann::json{{"label", i % 2 ? "spam" : "ham"}, {"item", item}}.dump() << "\n";
    }
  }
  TrainOptions o;
  o.data = data;
  o.out = dir.path() + "/words.bin";
  o.dim = 5;
  o.threads = 1;
  TrainReport report;
  const Status trained = Train(o, &report);
  ASSERT_TRUE(trained.ok()) << trained.ToString();
  std::shared_ptr<const SpamModel> model;
  ASSERT_TRUE(SpamModel::Load(o.out, &model).ok());
  EXPECT_FALSE(model->has_combiner());
}

TEST(Evaluate, ThresholdForATargetPrecision) {
  // Scores 0.9 s, 0.8 s, 0.7 h, 0.6 s, 0.2 h: precision 1 down to 0.8,
  // 2/3 at 0.7, 3/4 at 0.6.
  const std::vector<Scored> scored = {{0.9, true}, {0.8, true}, {0.7, false}, {0.6, true}, {0.2, false}};
  Metrics m = Evaluate(scored, 0.99);
  EXPECT_DOUBLE_EQ(m.threshold_for_target, 0.8);
  EXPECT_DOUBLE_EQ(m.recall_at_target, 2.0 / 3);
  m = Evaluate(scored, 0.75);
  EXPECT_DOUBLE_EQ(m.threshold_for_target, 0.6);
  EXPECT_DOUBLE_EQ(m.recall_at_target, 1.0);
  EXPECT_EQ(m.spam, 3);
  EXPECT_EQ(m.false_positives, 1) << "0.7 ham at the default threshold 0.5";
  EXPECT_EQ(m.flagged_false_positives, 1) << "0.2 ham is below suspicious 0.3";
}

// The threshold that flags at most a share of the ordinary items: with ten
// ordinary scores 0.1 .. 1.0, a tenth may reach it (1.0), none may (above
// 1.0), all may (0).
TEST(OrdinaryQuantile, FlagsAtMostTheShareOfOrdinaryItems) {
  std::vector<Scored> scored;
  for (int i = 1; i <= 10; ++i) scored.push_back({i / 10.0, false});
  scored.push_back({0.99, true});  // spam does not count
  EXPECT_GT(OrdinaryQuantile(scored, 0.1), 0.9);
  EXPECT_LE(OrdinaryQuantile(scored, 0.1), 1.0);
  EXPECT_GT(OrdinaryQuantile(scored, 0.0), 1.0);
  EXPECT_GT(OrdinaryQuantile(scored, 0.25), 0.8) << "two of ten may reach it: above the third highest, 0.8";
  EXPECT_LE(OrdinaryQuantile(scored, 0.25), 0.9);
  EXPECT_EQ(OrdinaryQuantile(scored, 1.0), 0);
  EXPECT_EQ(OrdinaryQuantile({{0.9, true}}, 0.1), 0) << "no ordinary items";
}

TEST(Train, BadDataIsAnError) {
  testing::TempDir dir;
  std::ofstream(dir.path() + "/bad.jsonl") << "{\"label\":\"maybe\",\"item\":{\"type\":\"user\",\"author\":{}}}\n";
  TrainOptions o;
  o.data = dir.path() + "/bad.jsonl";
  o.out = dir.path() + "/m.bin";
  TrainReport report;
  EXPECT_TRUE(Train(o, &report).IsInvalidArgument());
  o.data = dir.path() + "/missing.jsonl";
  EXPECT_TRUE(Train(o, &report).IsInvalidArgument());
}

TEST(AssignFolds, AFamilyStaysInOneFoldAndTheFoldsComeOutEven) {
  // 40 unlabelled lines, a family of 30, two of 20, one of 10.
  std::vector<std::string_view> families(40, "");
  for (int i = 0; i < 30; ++i) families.push_back("casino");
  for (int i = 0; i < 20; ++i) families.push_back(i % 2 ? "care" : "slots");  // interleaved, as in a file
  for (int i = 0; i < 20; ++i) families.push_back("seo");
  for (int i = 0; i < 10; ++i) families.push_back("tea");
  const std::vector<int> fold = AssignFolds(families, 4);
  ASSERT_EQ(fold.size(), families.size());
  std::map<std::string_view, std::set<int>> folds_of;
  std::vector<int> size(4, 0);
  for (std::size_t i = 0; i < fold.size(); ++i) {
    ASSERT_GE(fold[i], 0);
    ASSERT_LT(fold[i], 4);
    ++size[fold[i]];
    if (!families[i].empty()) folds_of[families[i]].insert(fold[i]);
  }
  for (const auto& [family, folds] : folds_of) EXPECT_EQ(folds.size(), 1u) << family;
  // 120 lines: the lines without a family ten to a fold, then casino (30),
  // seo (20), care and slots (10 each) and tea (10) each to the lightest.
  EXPECT_EQ(size, (std::vector<int>{40, 30, 30, 20}));
  EXPECT_NE(*folds_of["casino"].begin(), *folds_of["seo"].begin());
  // The lines without a family are dealt in turn.
  for (int i = 0; i < 40; ++i) EXPECT_EQ(fold[i], i % 4);
  // The same input gives the same folds (a retrain reproduces its model).
  EXPECT_EQ(AssignFolds(families, 4), fold);
  // Without families, it is the plain deal.
  const std::vector<int> plain = AssignFolds(std::vector<std::string_view>(7, ""), 3);
  EXPECT_EQ(plain, (std::vector<int>{0, 1, 2, 0, 1, 2, 0}));
}

}  // namespace
}  // namespace spamphibian::classify
