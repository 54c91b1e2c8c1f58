#include "classify/evaluation.h"

#include <gtest/gtest.h>

namespace spamphibian::classify {
namespace {

TEST(Evaluate, CountsVerdictsAtEachItemsThresholds) {
  // Spam 0.9, 0.6, 0.2; ham 0.7, 0.1; `spam` at 0.5.
  const std::vector<Scored> s = {{0.9, true}, {0.6, true}, {0.2, true}, {0.7, false}, {0.1, false}};
  const Metrics m = Evaluate(s, 0.99);
  EXPECT_EQ(m.spam, 3);
  EXPECT_EQ(m.false_positives, 1);
  EXPECT_DOUBLE_EQ(m.precision, 2.0 / 3);
  EXPECT_DOUBLE_EQ(m.recall, 2.0 / 3);
  EXPECT_DOUBLE_EQ(m.roc_auc, 4.0 / 6) << "four of six spam-ham pairs in order";
  EXPECT_DOUBLE_EQ(m.threshold_for_target, 0.9) << "only above the ham at 0.7 is precision 1";
  EXPECT_DOUBLE_EQ(m.recall_at_target, 1.0 / 3);
}

TEST(RocAucInterval, HoldsTheAucAndNarrowsWithMoreItems) {
  std::vector<Scored> few, many;
  for (int i = 0; i < 20; ++i) {
    few.push_back({0.3 + 0.03 * i, true});
    few.push_back({0.03 * i, false});
  }
  for (int copy = 0; copy < 25; ++copy) many.insert(many.end(), few.begin(), few.end());
  const double auc = Evaluate(few).roc_auc;
  const Interval a = RocAucInterval(few), b = RocAucInterval(many);
  EXPECT_LT(a.low, auc);
  EXPECT_GT(a.high, auc);
  EXPECT_LT(b.high - b.low, (a.high - a.low) / 3) << "25 times the items, about a fifth of the width";
  EXPECT_EQ(RocAucInterval(few).low, a.low) << "seeded";
  const Interval perfect = RocAucInterval({{0.9, true}, {0.8, true}, {0.2, false}, {0.1, false}});
  EXPECT_EQ(perfect.low, 1.0);
  EXPECT_EQ(perfect.high, 1.0);
  const Interval none = RocAucInterval({{0.9, true}});
  EXPECT_EQ(none.low, 0.0);
  EXPECT_EQ(none.high, 0.0);
}

TEST(WilsonInterval, KnownValues) {
  // 17 of 18, as a dev-set type's recall: 0.742 to 0.990.
  const Interval i = WilsonInterval(17, 18);
  EXPECT_NEAR(i.low, 0.742, 0.001);
  EXPECT_NEAR(i.high, 0.990, 0.001);
  const Interval all = WilsonInterval(40, 40);
  EXPECT_NEAR(all.low, 0.912, 0.001) << "all right is still not certain";
  EXPECT_EQ(all.high, 1.0);
  EXPECT_EQ(WilsonInterval(0, 0).high, 0.0);
}

}  // namespace
}  // namespace spamphibian::classify
