#include "classify/evaluation.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <random>

namespace spamphibian::classify {
namespace {

double Ratio(long a, long b) { return b > 0 ? static_cast<double>(a) / static_cast<double>(b) : 0; }

// The probability that a random spam outranks a random ham (ties 1/2).
double RocAuc(std::vector<Scored> sorted, long positives, long negatives) {
  if (positives == 0 || negatives == 0) return 0;
  std::sort(sorted.begin(), sorted.end(), [](const Scored& a, const Scored& b) { return a.score < b.score; });
  double rank_sum = 0;
  for (std::size_t i = 0; i < sorted.size();) {
    std::size_t j = i;
    while (j < sorted.size() && sorted[j].score == sorted[i].score) ++j;
    const double avg_rank = (static_cast<double>(i + 1) + static_cast<double>(j)) / 2;
    for (std::size_t k = i; k < j; ++k) rank_sum += sorted[k].spam ? avg_rank : 0;
    i = j;
  }
  return (rank_sum - static_cast<double>(positives) * (positives + 1) / 2) /
         (static_cast<double>(positives) * static_cast<double>(negatives));
}

}  // namespace

Metrics Evaluate(const std::vector<Scored>& scored, double target_precision) {
  Metrics m;
  m.examples = static_cast<long>(scored.size());
  long tp = 0, fp = 0, fn = 0, tn = 0, ftp = 0, ffp = 0;
  for (const Scored& s : scored) {
    (s.spam ? m.spam : m.ham) += 1;
    const bool said_spam = s.score >= s.spam_threshold;
    const bool flagged = s.score >= s.suspicious_threshold;
    if (said_spam) (s.spam ? tp : fp) += 1;
    else (s.spam ? fn : tn) += 1;
    if (flagged) (s.spam ? ftp : ffp) += 1;
  }
  m.accuracy = Ratio(tp + tn, m.examples);
  m.precision = Ratio(tp, tp + fp);
  m.recall = Ratio(tp, m.spam);
  m.f1 = m.precision + m.recall > 0 ? 2 * m.precision * m.recall / (m.precision + m.recall) : 0;
  m.false_positives = fp;
  m.flagged_precision = Ratio(ftp, ftp + ffp);
  m.flagged_recall = Ratio(ftp, m.spam);
  m.flagged_false_positives = ffp;
  m.roc_auc = RocAuc(scored, m.spam, m.ham);
  std::array<double, 10> bin_score{}, bin_spam{};
  for (const Scored& s : scored) {
    const double y = s.spam ? 1 : 0;
    m.brier += (s.score - y) * (s.score - y);
    const std::size_t b = std::min<std::size_t>(9, static_cast<std::size_t>(std::clamp(s.score, 0.0, 1.0) * 10));
    bin_score[b] += s.score;
    bin_spam[b] += y;
  }
  for (std::size_t b = 0; b < bin_score.size(); ++b) m.calibration_error += std::abs(bin_score[b] - bin_spam[b]);
  if (m.examples > 0) {
    m.brier /= static_cast<double>(m.examples);
    m.calibration_error /= static_cast<double>(m.examples);
  }
  // Walk down from the highest score: the lowest threshold at which
  // everything above still reaches the target precision.
  std::vector<Scored> desc = scored;
  std::sort(desc.begin(), desc.end(), [](const Scored& a, const Scored& b) { return a.score > b.score; });
  long above_tp = 0, above_fp = 0;
  for (std::size_t i = 0; i < desc.size(); ++i) {
    (desc[i].spam ? above_tp : above_fp) += 1;
    if (i + 1 < desc.size() && desc[i + 1].score == desc[i].score) continue;  // a threshold takes ties whole
    if (above_tp > 0 && Ratio(above_tp, above_tp + above_fp) >= target_precision) {
      m.threshold_for_target = desc[i].score;
      m.recall_at_target = Ratio(above_tp, m.spam);
    }
  }
  return m;
}

Interval RocAucInterval(const std::vector<Scored>& scored, int resamples, std::uint64_t seed) {
  // Sorted once; a draw is a weight (how often it was drawn) per item, and
  // its AUC one pass over the sorted items: each spam item outranks the
  // ham weight below its score and half the ham weight tied with it.
  std::vector<Scored> sorted = scored;
  std::sort(sorted.begin(), sorted.end(), [](const Scored& a, const Scored& b) { return a.score < b.score; });
  std::vector<std::size_t> spam, ham;
  for (std::size_t i = 0; i < sorted.size(); ++i) (sorted[i].spam ? spam : ham).push_back(i);
  if (spam.empty() || ham.empty() || resamples <= 0) return {};
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<std::size_t> pick_spam(0, spam.size() - 1), pick_ham(0, ham.size() - 1);
  std::vector<double> weight(sorted.size()), aucs;
  aucs.reserve(static_cast<std::size_t>(resamples));
  for (int r = 0; r < resamples; ++r) {
    std::fill(weight.begin(), weight.end(), 0);
    for (std::size_t k = 0; k < spam.size(); ++k) weight[spam[pick_spam(rng)]] += 1;
    for (std::size_t k = 0; k < ham.size(); ++k) weight[ham[pick_ham(rng)]] += 1;
    double ham_below = 0, wins = 0;
    for (std::size_t i = 0; i < sorted.size();) {
      std::size_t j = i;
      double tied_spam = 0, tied_ham = 0;
      for (; j < sorted.size() && sorted[j].score == sorted[i].score; ++j) {
        (sorted[j].spam ? tied_spam : tied_ham) += weight[j];
      }
      wins += tied_spam * (ham_below + tied_ham / 2);
      ham_below += tied_ham;
      i = j;
    }
    aucs.push_back(wins / (static_cast<double>(spam.size()) * static_cast<double>(ham.size())));
  }
  std::sort(aucs.begin(), aucs.end());
  const auto at = [&](double q) { return aucs[static_cast<std::size_t>(q * static_cast<double>(aucs.size() - 1) + 0.5)]; };
  return {at(0.025), at(0.975)};
}

Interval WilsonInterval(long successes, long trials) {
  if (trials <= 0) return {};
  constexpr double z = 1.959964;  // the normal quantile for 95 %
  const double n = static_cast<double>(trials), p = static_cast<double>(successes) / n;
  const double centre = (p + z * z / (2 * n)) / (1 + z * z / n);
  const double half = z * std::sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n);
  return {std::max(0.0, centre - half), std::min(1.0, centre + half)};
}

nlohmann::json Metrics::ToJson() const {
  return {{"examples", examples},
          {"spam", spam},
          {"ham", ham},
          {"roc_auc", roc_auc},
          {"accuracy", accuracy},
          {"precision", precision},
          {"recall", recall},
          {"f1", f1},
          {"false_positives", false_positives},
          {"flagged_precision", flagged_precision},
          {"flagged_recall", flagged_recall},
          {"flagged_false_positives", flagged_false_positives},
          {"threshold_for_target", threshold_for_target},
          {"recall_at_target", recall_at_target},
          {"brier", brier},
          {"calibration_error", calibration_error}};
}

}  // namespace spamphibian::classify
