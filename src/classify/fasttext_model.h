// FastTextModel: a fastText supervised model (labels __label__spam and
// __label__ham), loaded once and shared by every classify worker.
//
// Predict() gives the probability of spam and the tokens that pushed the
// score most. For fastText's linear model the hidden vector is the mean of
// the input vectors of the line's tokens, and the spam-vs-ham logit is that
// vector projected on (output row spam - output row ham), and with two
// labels p(spam) is the logistic of that logit. So each input row's
// projection (its "push") is computed once at load, for words and word
// n-gram buckets alike, and a prediction is fastText's own row ids for the
// line, their pushes summed, over their count: no vector per token, and a
// word's share of the logit falls out of the same sum. Word n-grams are left
// out of the explanation (not of the score). Models with character n-grams
// or another loss take the library's own path.
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
  // The library's own path (a hidden vector, the output layer, softmax):
  // what Predict() takes for models the pushes cannot score, and what they
  // are checked against at load and in tests. Its explanation counts a
  // token's share over the token count, not over the row count.
  Prediction PredictWithLibrary(const std::string& text, int top_k = 5) const;
  // Whether Predict() scores by the pushes (the model allows it and they
  // agreed with the library at load).
  bool scores_by_push() const { return !row_push_.empty(); }

  bool quantized() const { return ft_.isQuant(); }
  int dimension() const { return ft_.getDimension(); }
  const fasttext::Dictionary& dictionary() const { return *ft_.getDictionary(); }

 private:
  Prediction PredictByPush(const std::string& text, int top_k) const;
  // A word's vector · direction_; `vec` is scratch space.
  double Push(const std::string& word, fasttext::Vector* vec) const;

  fasttext::FastText ft_;
  int spam_label_ = -1;
  int ham_label_ = -1;
  std::vector<float> direction_;  // output row spam - output row ham; empty if unavailable
  const fasttext::Dictionary* dict_ = nullptr;  // ft_'s
  // Each input row's push towards spam (row · direction_), words first, then
  // word n-gram buckets; empty unless the model can be scored by pushes.
  std::vector<float> row_push_;
  // Each dictionary word's push (its vector · direction_), for the
  // library's path's explanation; empty if direction_ is.
  std::vector<float> word_push_;
  bool subwords_ = false;  // out-of-vocabulary words have a vector (maxn > 0)
};

}  // namespace spamphibian::classify
