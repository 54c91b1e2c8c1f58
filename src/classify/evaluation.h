// Evaluation: how well scores separate spam from ham, per item type, at the
// thresholds in use, and which threshold a target precision needs.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace spamphibian::classify {

struct Scored {
  double score;
  bool spam;
  double spam_threshold = 0.5;        // the verdicts' thresholds for this item
  double suspicious_threshold = 0.3;
};

struct Metrics {
  long examples = 0, spam = 0, ham = 0;
  double roc_auc = 0;
  // `spam` verdicts (score >= spam threshold) and `spam|suspicious` ones.
  double precision = 0, recall = 0, f1 = 0, accuracy = 0;
  long false_positives = 0;
  double flagged_precision = 0, flagged_recall = 0;
  long flagged_false_positives = 0;
  // The lowest threshold whose `spam` verdicts reach the target precision,
  // and the recall there; -1 when none does.
  double threshold_for_target = -1, recall_at_target = 0;
  // Calibration: whether a score of 0.8 means spam four times in five.
  // The Brier score is the mean squared distance of the score from the
  // label (0 is perfect, 0.25 is a coin); the expected calibration error
  // is the distance between the mean score and the share of spam in ten
  // equal bins of score, weighted by how many items each bin holds.
  double brier = 0, calibration_error = 0;
  nlohmann::json ToJson() const;
};

Metrics Evaluate(const std::vector<Scored>& scored, double target_precision = 0.99);

// How sure a figure from one sample is: a range that holds the true value
// 95 times in 100. A dev set of 40 notes gives an AUC of 0.95 give or take
// several hundredths; an interval says so where a figure alone does not.
struct Interval {
  double low = 0, high = 0;
};

// The ROC AUC's interval by the stratified bootstrap: `resamples` draws of
// as many spam and as many ham items as there are, with replacement; the
// 2.5th and 97.5th percentiles of their AUCs. Seeded: the same scores give
// the same interval. {0, 0} without both spam and ham.
Interval RocAucInterval(const std::vector<Scored>& scored, int resamples = 1000, std::uint64_t seed = 1);

// The Wilson score interval of a proportion (precision, recall):
// `successes` of `trials`. {0, 0} for no trials.
Interval WilsonInterval(long successes, long trials);

}  // namespace spamphibian::classify
