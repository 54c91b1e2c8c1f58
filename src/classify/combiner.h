// Combiner: the learned second layer of the spam model. A logistic
// regression (trained with liblinear, L2-regularised) over the fastText
// score's logit, the rendering's features (links, text shape, account,
// campaigns; text_rendering.h) and the logit per item type, so that each
// type weighs its words differently. Its output is a calibrated probability
// of spam: the regression is fitted on out-of-fold fastText scores, not on
// scores of items the word model has already seen (trainer.cc).
//
// Immutable once built; Probability() is thread-safe and allocation-free.
#pragma once

#include <nlohmann/json.hpp>

#include <array>
#include <string>
#include <utility>
#include <vector>

#include "base/status.h"
#include "classify/text_rendering.h"

namespace spamphibian::classify {

class Combiner {
 public:
  struct Sample {
    double fasttext_probability;
    FeatureVector features;
    bool spam;
    double weight = 1;
  };

  // Fits the regression. `c` is liblinear's inverse regularisation strength.
  static Status Train(const std::vector<Sample>& samples, double c, Combiner* out);

  // From the model file's JSON; InvalidArgument when it does not fit this
  // build's features (names, count) or holds a non-finite weight.
  static Status FromJson(const nlohmann::json& j, Combiner* out);
  nlohmann::json ToJson() const;

  double Probability(double fasttext_probability, const FeatureVector& features) const;

  // The features that pushed this item's score up most (name, share of the
  // logit), largest first, at most `k`.
  std::vector<std::pair<std::string, double>> TopReasons(double fasttext_probability, const FeatureVector& features,
                                                         std::size_t k) const;

 private:
  static constexpr std::size_t kTypes = 9;  // the type_* features, last in kFeatureNames
  static constexpr std::size_t kInputs = 1 + kFeatureCount + kTypes;
  static Status TrainUnweighted(const std::vector<Sample>& samples, double c, Combiner* out);
  static void Inputs(double fasttext_probability, const FeatureVector& features, std::array<double, kInputs>* x);

  std::array<double, kInputs> weights_{};
  double bias_ = 0;
};

// The logit of a probability, clipped to [-8, 8] (fastText rounds to 0 and 1).
double Logit(double p);

}  // namespace spamphibian::classify
