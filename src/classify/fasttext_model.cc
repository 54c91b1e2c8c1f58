#include "classify/fasttext_model.h"

#include <fasttext/densematrix.h>
#include <fasttext/vector.h>

#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <thread>
#include <set>
#include <sstream>

namespace spamphibian::classify {

namespace {

// fastText asserts (aborts the process) on some damaged files, e.g. a
// truncated download. So a model is first loaded and tried in a child
// process; only a model that survives that is loaded here.
Status TryInChild(const std::string& path) {
  const pid_t pid = fork();
  if (pid < 0) return Status::Internal("fork failed");
  if (pid == 0) {
    // A damaged header can make fastText allocate without bound (a 1000-byte
    // prefix of a model asked for gigabytes): the child gets a memory
    // ceiling and a CPU-time limit, and dies instead of the machine.
    std::ifstream in(path, std::ios::binary | std::ios::ate);
    const rlim_t size = in ? static_cast<rlim_t>(in.tellg()) : 0;
#if !defined(__SANITIZE_ADDRESS__)  // ASan's shadow memory alone is larger than any ceiling
    const rlimit memory{size * 4 + (1ull << 30), size * 4 + (1ull << 30)};
    (void)setrlimit(RLIMIT_AS, &memory);
#endif
    const rlimit cpu{30, 31};
    (void)setrlimit(RLIMIT_CPU, &cpu);
    std::shared_ptr<const FastTextModel> model;
    _exit(FastTextModel::LoadUnchecked(path, &model).ok() ? 0 : 1);
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  int status = 0;
  while (waitpid(pid, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      return Status::InvalidArgument("model '" + path + "': loading took too long");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return Status::Ok();
  return Status::InvalidArgument("model '" + path + "': damaged (loading it " +
                                 (WIFSIGNALED(status) ? "crashed" : "failed") + ")");
}

}  // namespace

Status FastTextModel::Load(const std::string& path, std::shared_ptr<const FastTextModel>* out) {
  std::ifstream probe(path, std::ios::binary);
  if (!probe) return Status::InvalidArgument("model '" + path + "': cannot read it");
  probe.close();
  if (Status s = TryInChild(path); !s.ok()) return s;
  return LoadUnchecked(path, out);
}

Status FastTextModel::LoadUnchecked(const std::string& path, std::shared_ptr<const FastTextModel>* out) {
  auto model = std::make_shared<FastTextModel>();
  try {
    model->ft_.loadModel(path);
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
  // A smoke prediction: a file that loads but cannot predict is refused too.
  try {
    (void)model->Predict("sig_type_user", 0);
  } catch (const std::exception& e) {
    return Status::InvalidArgument("model '" + path + "': cannot predict: " + e.what());
  }
  *out = std::move(model);
  return Status::Ok();
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

  std::istringstream words(text);
  std::vector<std::string> tokens;
  for (std::string w; words >> w;) tokens.push_back(w);
  const double n = static_cast<double>(tokens.size() + 1);  // fastText adds an end-of-line token
  std::set<std::string> seen;
  fasttext::Vector vec(ft_.getDimension());
  for (const std::string& w : tokens) {
    if (!seen.insert(w).second) continue;
    ft_.getWordVector(vec, w);
    double dot = 0;
    for (std::int64_t j = 0; j < vec.size(); ++j) dot += vec[j] * direction_[static_cast<std::size_t>(j)];
    if (dot != 0) p.top_tokens.emplace_back(w, dot * static_cast<double>(std::count(tokens.begin(), tokens.end(), w)) / n);
  }
  std::sort(p.top_tokens.begin(), p.top_tokens.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  if (p.top_tokens.size() > static_cast<std::size_t>(top_k)) p.top_tokens.resize(static_cast<std::size_t>(top_k));
  return p;
}

}  // namespace spamphibian::classify
