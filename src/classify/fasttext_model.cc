#include "classify/fasttext_model.h"

#include "classify/child_check.h"

#include <fasttext/densematrix.h>
#include <fasttext/vector.h>


#include <algorithm>
#include <cmath>
#include <istream>
#include <chrono>
#include <fstream>
#include <optional>
#include <sstream>
#include <string_view>
#include <unordered_map>

namespace spamphibian::classify {
namespace {

// fastText keeps its input matrix to itself (a protected member, and
// getInputMatrix() refuses a quantised one). A member pointer named through
// a derived class is the one way C++ allows to read it without changing the
// library.
struct InputMatrixReader : fasttext::FastText {
  static const fasttext::Matrix& Of(const fasttext::FastText& ft) { return *(ft.*(&InputMatrixReader::input_)); }
};
const fasttext::Matrix& InputMatrix(const fasttext::FastText& ft) { return InputMatrixReader::Of(ft); }

// A read-only stream over a string and a newline, without copying either:
// fastText's own reader (Dictionary::getLine) then splits the line.
class LineBuffer : public std::streambuf {
 public:
  explicit LineBuffer(const std::string& text) {
    char* begin = const_cast<char*>(text.data());  // a get area only: never written
    setg(begin, begin, begin + text.size());
  }

 protected:
  // Called once the text is read: then the newline, then the end.
  int_type underflow() override {
    if (newline_given_) return traits_type::eof();
    newline_given_ = true;
    setg(&newline_, &newline_, &newline_ + 1);
    return traits_type::to_int_type(newline_);
  }

 private:
  char newline_ = '\n';
  bool newline_given_ = false;
};

}  // namespace

Status FastTextModel::Load(const std::string& path, std::shared_ptr<const FastTextModel>* out) {
  return LoadCheckedInChild(path, out);
}

Status FastTextModel::LoadUnchecked(const std::string& path, std::shared_ptr<const FastTextModel>* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::InvalidArgument("model '" + path + "': cannot read it");
  return LoadFromStream(in, path, out);
}

Status FastTextModel::LoadFromStream(std::istream& in, const std::string& path,
                                     std::shared_ptr<const FastTextModel>* out) {
  auto model = std::make_shared<FastTextModel>();
  // fastText's own file check: its magic number and version first.
  std::int32_t magic = 0, version = 0;
  in.read(reinterpret_cast<char*>(&magic), sizeof magic);
  in.read(reinterpret_cast<char*>(&version), sizeof version);
  if (!in || magic != 793712314 || version > 12) {
    return Status::InvalidArgument("model '" + path + "': not a fastText model (wrong magic number or version)");
  }
  try {
    model->ft_.loadModel(in);
  } catch (const std::exception& e) {
    return Status::InvalidArgument("model '" + path + "': not a usable fastText model: " + e.what());
  }
  auto dict = model->ft_.getDictionary();
  for (int i = 0; i < dict->nlabels(); ++i) {
    const std::string label = dict->getLabel(i);
    if (label == "__label__spam") model->spam_label_ = i;
    if (label == "__label__ham") model->ham_label_ = i;
  }
  if (model->spam_label_ < 0 || model->ham_label_ < 0) {
    return Status::InvalidArgument("model '" + path + "': needs the labels __label__spam and __label__ham");
  }
  // The explanation needs the output rows; a model with a quantised output
  // layer (-qout) still classifies, without token explanations.
  try {
    auto output = model->ft_.getOutputMatrix();
    model->direction_.resize(static_cast<std::size_t>(output->cols()));
    for (std::int64_t j = 0; j < output->cols(); ++j) {
      model->direction_[j] = output->at(model->spam_label_, j) - output->at(model->ham_label_, j);
    }
  } catch (const std::exception&) {
    model->direction_.clear();
  }
  if (!model->direction_.empty()) {
    model->dict_ = dict.get();
    model->subwords_ = model->ft_.getArgs().maxn > 0;
    model->word_push_.resize(static_cast<std::size_t>(dict->nwords()));
    fasttext::Vector vec(model->ft_.getDimension());
    for (std::int32_t i = 0; i < dict->nwords(); ++i) {
      model->word_push_[static_cast<std::size_t>(i)] = static_cast<float>(model->Push(dict->getWord(i), &vec));
    }
    if (!model->subwords_ && model->ft_.getArgs().loss == fasttext::loss_name::softmax && dict->nlabels() == 2) {
      // Every input row's push, words and word n-grams alike: the score is
      // then their mean, without a vector per token (see the header).
      const fasttext::Matrix& input = InputMatrix(model->ft_);
      fasttext::Vector direction(static_cast<std::int64_t>(model->direction_.size()));
      for (std::size_t j = 0; j < model->direction_.size(); ++j) {
        direction[static_cast<std::int64_t>(j)] = model->direction_[j];
      }
      model->row_push_.resize(static_cast<std::size_t>(input.size(0)));
      for (std::int64_t i = 0; i < input.size(0); ++i) {
        model->row_push_[static_cast<std::size_t>(i)] = input.dotRow(direction, i);
      }
    }
  }
  // A smoke prediction: a file that loads but cannot predict is refused too.
  // And the pushes must score as the library does (a later fastText could
  // read lines or weigh rows otherwise): if not, the library's path it is.
  try {
    for (const std::string probe : {"sig_type_user", "sig_type_note sig_links_1 url_domain:example.com buy cheap now",
                                    "thanks for the review , fixed in the next commit"}) {
      const double library = model->PredictWithLibrary(probe, 0).spam_probability;
      if (!model->row_push_.empty() && std::abs(model->PredictByPush(probe, 0).spam_probability - library) > 1e-4) {
        model->row_push_.clear();
      }
    }
  } catch (const std::exception& e) {
    return Status::InvalidArgument("model '" + path + "': cannot predict: " + e.what());
  }
  *out = std::move(model);
  return Status::Ok();
}

double FastTextModel::Push(const std::string& word, fasttext::Vector* vec) const {
  ft_.getWordVector(*vec, word);
  double dot = 0;
  for (std::int64_t j = 0; j < vec->size(); ++j) dot += (*vec)[j] * direction_[static_cast<std::size_t>(j)];
  return dot;
}

Prediction FastTextModel::Predict(const std::string& text, int top_k) const {
  return row_push_.empty() ? PredictWithLibrary(text, top_k) : PredictByPush(text, top_k);
}

Prediction FastTextModel::PredictByPush(const std::string& text, int top_k) const {
  Prediction p;
  // fastText's own reader, hashing and word n-grams give the row ids, so
  // that the score is the library's, not a re-implementation's.
  LineBuffer buffer(text);
  std::istream in(&buffer);
  std::vector<std::int32_t> ids, labels;
  dict_->getLine(in, ids, labels);
  if (ids.empty()) return p;  // as the library: no prediction
  double sum = 0;
  for (const std::int32_t id : ids) {
    if (static_cast<std::size_t>(id) < row_push_.size()) sum += row_push_[static_cast<std::size_t>(id)];
  }
  const double n = static_cast<double>(ids.size());
  // Two labels under softmax: p(spam) is the logistic of the logit
  // difference. The library reports exp(log(p + 1e-5)) (its std_log); the
  // same here, so that scores, and the combiner fitted on them, agree.
  p.spam_probability = std::clamp(1.0 / (1.0 + std::exp(-sum / n)) + 1e-5, 0.0, 1.0);
  if (top_k <= 0) return p;

  // Each word's share of the logit: its row's push, times how often it
  // came, over the row count (n-gram rows come after the words and are
  // left out of the explanation, not of the score).
  const std::int32_t nwords = dict_->nwords();
  std::vector<std::int32_t> words;
  words.reserve(ids.size());
  for (const std::int32_t id : ids) {
    if (id >= 0 && id < nwords) words.push_back(id);
  }
  std::sort(words.begin(), words.end());
  for (std::size_t i = 0; i < words.size();) {
    std::size_t j = i;
    while (j < words.size() && words[j] == words[i]) ++j;
    const double push = row_push_[static_cast<std::size_t>(words[i])];
    const std::string& word = dict_->getWord(words[i]);
    // Signal tokens are reasons of their own (the decision lists them).
    if (push != 0 && !word.starts_with("sig_") && word != fasttext::Dictionary::EOS) {
      p.top_tokens.emplace_back(word, push * static_cast<double>(j - i) / n);
    }
    i = j;
  }
  const std::size_t k = std::min(p.top_tokens.size(), static_cast<std::size_t>(top_k));
  std::partial_sort(p.top_tokens.begin(), p.top_tokens.begin() + static_cast<std::ptrdiff_t>(k), p.top_tokens.end(),
                    [](const auto& a, const auto& b) { return a.second > b.second; });
  p.top_tokens.resize(k);
  return p;
}

Prediction FastTextModel::PredictWithLibrary(const std::string& text, int top_k) const {
  Prediction p;
  std::istringstream in(text + "\n");
  std::vector<std::pair<fasttext::real, std::string>> predictions;
  ft_.predictLine(in, predictions, /*k=*/-1, /*threshold=*/0.0);
  for (const auto& [prob, label] : predictions) {
    // fastText's softmax can round a hair above 1 (1.0000098...): a score
    // is a probability, so it is clamped.
    if (label == "__label__spam") p.spam_probability = std::clamp(static_cast<double>(prob), 0.0, 1.0);
  }
  if (top_k <= 0 || direction_.empty()) return p;

  // The rendering is single-space separated: split it in place, and count
  // each token once (a long bio repeats its words; counting per occurrence
  // made this quadratic in the text's length).
  std::vector<std::pair<std::string_view, int>> counts;  // first-seen order
  std::unordered_map<std::string_view, std::size_t> index;
  std::size_t n_tokens = 0;
  for (std::size_t pos = 0; pos < text.size();) {
    const std::size_t end = std::min(text.find_first_of(" \t\n", pos), text.size());
    if (end > pos) {
      ++n_tokens;
      const std::string_view w(text.data() + pos, end - pos);
      const auto [it, fresh] = index.emplace(w, counts.size());
      if (fresh) {
        counts.emplace_back(w, 1);
      } else {
        ++counts[it->second].second;
      }
    }
    pos = end + 1;
  }
  const double n = static_cast<double>(n_tokens + 1);  // fastText adds an end-of-line token
  const auto dict = ft_.getDictionary();
  std::optional<fasttext::Vector> vec;
  std::string word;
  for (const auto& [w, count] : counts) {
    // Signal tokens are reasons of their own (the decision lists them); only
    // words and domains are explained here.
    if (w.starts_with("sig_")) continue;
    word.assign(w);
    const std::int32_t id = dict->getId(word);
    double dot = 0;
    if (id >= 0 && static_cast<std::size_t>(id) < word_push_.size()) {
      dot = word_push_[static_cast<std::size_t>(id)];
    } else if (subwords_) {  // unknown, but its character n-grams are known
      if (!vec) vec.emplace(ft_.getDimension());
      dot = Push(word, &*vec);
    }
    if (dot != 0) p.top_tokens.emplace_back(word, dot * count / n);
  }
  std::sort(p.top_tokens.begin(), p.top_tokens.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  if (p.top_tokens.size() > static_cast<std::size_t>(top_k)) p.top_tokens.resize(static_cast<std::size_t>(top_k));
  return p;
}

}  // namespace spamphibian::classify
