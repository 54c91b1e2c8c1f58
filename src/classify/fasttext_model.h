// FastTextModel: a fastText supervised model (labels __label__spam and
// __label__ham), loaded once and shared by every classify worker.
//
// Predict() gives the probability of spam and the tokens that pushed the
// score most. For fastText's linear model the hidden vector is the mean of
// the input vectors of the line's tokens, and the spam-vs-ham logit is that
// vector projected on (output row spam - output row ham); a token's share is
// its own input vector projected on the same difference, over the token
// count. That is exact for unigrams; word n-grams are left out of the
// explanation (not of the score).
//
// Thread-safe: Predict() is const and keeps no shared scratch state.
#pragma once

#include <fasttext/fasttext.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "base/status.h"

namespace spamphibian::classify {

struct Prediction {
  double spam_probability = 0;
  // Tokens with the largest push towards spam, largest first (words and
  // domains; sig_* signal tokens are reasons of their own).
  std::vector<std::pair<std::string, double>> top_tokens;
};

class FastTextModel {
 public:
  // Loads a .bin or .ftz model. InvalidArgument when the file is missing,
  // corrupt, or not a spam/ham model; the caller keeps its old model.
  // The file is first tried in a child process, because fastText aborts on
  // some damaged files instead of reporting an error.
  static Status Load(const std::string& path, std::shared_ptr<const FastTextModel>* out);
  // Load() without the child-process check; for files already checked.
  static Status LoadUnchecked(const std::string& path, std::shared_ptr<const FastTextModel>* out);
  // From a stream at the start of a fastText model (inside a bundle,
  // spam_model.h); `path` names it in errors. No child-process check.
  static Status LoadFromStream(std::istream& in, const std::string& path, std::shared_ptr<const FastTextModel>* out);

  Prediction Predict(const std::string& text, int top_k = 5) const;

  bool quantized() const { return ft_.isQuant(); }
  int dimension() const { return ft_.getDimension(); }

 private:
  // A word's vector · direction_; `vec` is scratch space.
  double Push(const std::string& word, fasttext::Vector* vec) const;

  fasttext::FastText ft_;
  int spam_label_ = -1;
  int ham_label_ = -1;
  std::vector<float> direction_;  // output row spam - output row ham; empty if unavailable
  // Each dictionary word's push towards spam (its vector · direction_),
  // computed once at load: explaining an item is then a lookup per token
  // instead of a vector per token. Empty if direction_ is.
  std::vector<float> word_push_;
  bool subwords_ = false;  // out-of-vocabulary words have a vector (maxn > 0)
};

}  // namespace spamphibian::classify
