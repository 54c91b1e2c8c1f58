#include "classify/trainer.h"

#include <gtest/gtest.h>

#include <fstream>

#include "child_process.h"
#include "classify/fasttext_model.h"

namespace spamphibian::classify {
namespace {

TEST(Evaluate, MetricsOnKnownScores) {
  // 2 spam (0.9, 0.4), 2 ham (0.6, 0.1): one of each misclassified.
  Metrics m = Evaluate({{0.9, true}, {0.4, true}, {0.6, false}, {0.1, false}});
  EXPECT_DOUBLE_EQ(m.accuracy, 0.5);
  EXPECT_DOUBLE_EQ(m.precision, 0.5);
  EXPECT_DOUBLE_EQ(m.recall, 0.5);
  EXPECT_DOUBLE_EQ(m.f1, 0.5);
  EXPECT_DOUBLE_EQ(m.roc_auc, 0.75);  // 3 of the 4 spam/ham pairs are ranked right
  EXPECT_DOUBLE_EQ(Evaluate({{0.8, true}, {0.2, false}}).roc_auc, 1.0);
  EXPECT_DOUBLE_EQ(Evaluate({{0.2, true}, {0.8, false}}).roc_auc, 0.0);
  EXPECT_DOUBLE_EQ(Evaluate({{0.5, true}, {0.5, false}}).roc_auc, 0.5) << "ties count half";
}

TEST(Train, TrainsFromLabelledItemsAndReportsHeldOutMetrics) {
  testing::TempDir dir;
  const std::string data = dir.path() + "/data.jsonl";
  {
    std::ofstream out(data);
    for (int i = 0; i < 300; ++i) {
      const bool spam = i % 2 == 0;
      nlohmann::json item = {{"type", i % 3 == 0 ? "user" : "note"},
                             {"author", {{"username", "u" + std::to_string(i)}}},
                             {"text", nlohmann::json::array({{"body", spam ? "cheap casino bonus https://casino-" +
                                                                                 std::to_string(i) + ".example.bet now"
                                                                           : "fix flaky test number " + std::to_string(i)}})}};
      out << nlohmann::json{{"label", spam ? "spam" : "ham"}, {"item", item}}.dump() << "\n";
    }
  }
  TrainOptions o;
  o.data = data;
  o.out = dir.path() + "/model.bin";
  o.dim = 10;
  o.epoch = 10;
  o.threads = 1;
  TrainReport report;
  Status s = Train(o, &report);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(report.train_examples + report.heldout_examples, 300);
  EXPECT_GT(report.heldout_examples, 20);
  EXPECT_LT(report.heldout_examples, 110);
  EXPECT_GT(report.overall.accuracy, 0.95);
  EXPECT_TRUE(report.by_type.count("user"));
  std::shared_ptr<const FastTextModel> model;
  EXPECT_TRUE(FastTextModel::Load(o.out, &model).ok());
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

}  // namespace
}  // namespace spamphibian::classify
