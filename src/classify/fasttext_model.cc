#include "classify/fasttext_model.h"

#include "classify/child_check.h"

#include <fasttext/densematrix.h>
#include <fasttext/vector.h>


#include <algorithm>
#include <chrono>
#include <fstream>
#include <optional>
#include <sstream>
#include <string_view>
#include <unordered_map>

namespace spamphibian::classify {

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
    model->subwords_ = model->ft_.getArgs().maxn > 0;
    model->word_push_.resize(static_cast<std::size_t>(dict->nwords()));
    fasttext::Vector vec(model->ft_.getDimension());
    for (std::int32_t i = 0; i < dict->nwords(); ++i) {
      model->word_push_[static_cast<std::size_t>(i)] = static_cast<float>(model->Push(dict->getWord(i), &vec));
    }
  }
  // A smoke prediction: a file that loads but cannot predict is refused too.
  try {
    (void)model->Predict("sig_type_user", 0);
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
