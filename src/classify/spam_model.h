// SpamModel: what the classify stage scores with. One file, one artefact
// for the S3 refresh, hot swap and `train --upload`, in one of two forms:
//
//  * a bundle (`.spam`, written by `spamphibian train`):
//        SPAMPHIBIAN-MODEL 1\n
//        <length of the header>\n
//        <header: JSON {combiner, thresholds, card}>
//        <a fastText model, as fastText saves it>
//    scored by the fastText words model and the combiner over its logit and
//    the rendering's features (combiner.h), with per-type thresholds and the
//    model card (training data, metrics) shipped with it;
//  * a plain fastText model (.bin/.ftz): the words model alone, as before.
//
// Immutable once loaded; Predict() is thread-safe.
#pragma once

#include <nlohmann/json.hpp>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "base/status.h"
#include "classify/combiner.h"
#include "classify/fasttext_model.h"
#include "classify/text_rendering.h"

namespace spamphibian::classify {

struct Thresholds {
  double spam = 0.5;
  double suspicious = 0.3;
};

struct Score {
  double probability = 0;       // of spam, in [0, 1]
  double words_probability = 0;  // the fastText words model's alone
  // What pushed it up: words ("token 'casino' +0.41") and, with a
  // combiner, features ("feature website_without_bio +0.8").
  std::vector<std::pair<std::string, double>> top_tokens;
  std::vector<std::pair<std::string, double>> top_features;
};

class SpamModel {
 public:
  // Loads a bundle or a plain fastText model, first in a child process
  // (fastText aborts on some damaged files). InvalidArgument when the file
  // is missing, damaged, or not a spam/ham model; the caller keeps its old
  // model.
  static Status Load(const std::string& path, std::shared_ptr<const SpamModel>* out);
  // Load() without the child process, for a file already checked.
  static Status LoadUnchecked(const std::string& path, std::shared_ptr<const SpamModel>* out);

  // Writes a bundle: `fasttext_path`'s model with `combiner`, `thresholds`
  // by item type ("default" for the rest) and the model card.
  static Status WriteBundle(const std::string& path, const std::string& fasttext_path, const Combiner& combiner,
                            const std::map<std::string, Thresholds>& thresholds, const nlohmann::json& card);

  Score Predict(const Rendering& rendering, int top_k = 5) const;

  // The thresholds this model ships for `item_type`, if any.
  std::optional<Thresholds> ThresholdsFor(const std::string& item_type) const;
  bool has_combiner() const { return combiner_.has_value(); }
  const Combiner* combiner() const { return combiner_ ? &*combiner_ : nullptr; }
  const nlohmann::json& card() const { return card_; }
  const FastTextModel& words() const { return *words_; }

 private:
  std::shared_ptr<const FastTextModel> words_;
  std::optional<Combiner> combiner_;
  std::map<std::string, Thresholds> thresholds_;
  nlohmann::json card_ = nlohmann::json::object();
};

}  // namespace spamphibian::classify
