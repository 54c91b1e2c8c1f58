#include "classify/trainer.h"

#include <fasttext/args.h>
#include <fasttext/fasttext.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "classify/fasttext_model.h"
#include "classify/text_rendering.h"
#include "storage/s3_object_store.h"

namespace spamphibian::classify {

Metrics Evaluate(const std::vector<std::pair<double, bool>>& scored) {
  Metrics m;
  m.examples = static_cast<long>(scored.size());
  long tp = 0, fp = 0, tn = 0, fn = 0;
  for (const auto& [score, spam] : scored) {
    const bool said_spam = score >= 0.5;
    if (said_spam && spam) ++tp;
    else if (said_spam && !spam) ++fp;
    else if (!said_spam && spam) ++fn;
    else ++tn;
  }
  if (m.examples > 0) m.accuracy = static_cast<double>(tp + tn) / static_cast<double>(m.examples);
  m.precision = tp + fp > 0 ? static_cast<double>(tp) / static_cast<double>(tp + fp) : 0;
  m.recall = tp + fn > 0 ? static_cast<double>(tp) / static_cast<double>(tp + fn) : 0;
  m.f1 = m.precision + m.recall > 0 ? 2 * m.precision * m.recall / (m.precision + m.recall) : 0;
  // AUC: the probability that a random spam outranks a random ham (ties 1/2).
  std::vector<std::pair<double, bool>> sorted = scored;
  std::sort(sorted.begin(), sorted.end());
  double rank_sum = 0;
  long positives = 0;
  for (std::size_t i = 0; i < sorted.size();) {
    std::size_t j = i;
    while (j < sorted.size() && sorted[j].first == sorted[i].first) ++j;
    const double avg_rank = (static_cast<double>(i + 1) + static_cast<double>(j)) / 2;
    for (std::size_t k = i; k < j; ++k) {
      if (sorted[k].second) {
        rank_sum += avg_rank;
        ++positives;
      }
    }
    i = j;
  }
  const long negatives = m.examples - positives;
  if (positives > 0 && negatives > 0) {
    m.roc_auc = (rank_sum - static_cast<double>(positives) * (positives + 1) / 2) /
                (static_cast<double>(positives) * static_cast<double>(negatives));
  }
  return m;
}

namespace {

nlohmann::json MetricsJson(const Metrics& m) {
  return {{"examples", m.examples}, {"accuracy", m.accuracy}, {"precision", m.precision},
          {"recall", m.recall},     {"f1", m.f1},             {"roc_auc", m.roc_auc}};
}

}  // namespace

nlohmann::json TrainReport::ToJson() const {
  nlohmann::json types = nlohmann::json::object();
  for (const auto& [type, m] : by_type) types[type] = MetricsJson(m);
  return {{"train_examples", train_examples}, {"heldout_examples", heldout_examples},
          {"heldout", MetricsJson(overall)},  {"heldout_by_type", types},
          {"model_bytes", model_bytes}};
}

namespace {

struct Example {
  std::string text;  // rendered
  std::string type;
  bool spam;
  std::string split;  // "train", "heldout", or "" (decided by the text's hash)
};

// Reads labelled JSONL and renders every example.
Status ReadExamples(const std::string& path, std::vector<Example>* out) {
  std::ifstream in(path);
  if (!in) return Status::InvalidArgument("--data: cannot read '" + path + "'");
  std::string line;
  long line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (line.empty()) continue;
    const nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
    gitlab::Item item;
    if (j.is_discarded() || !j.contains("label") || !gitlab::FromJson(j.value("item", nlohmann::json()), &item).ok()) {
      return Status::InvalidArgument(path + ":" + std::to_string(line_no) + ": not a labelled item");
    }
    const std::string label = j["label"];
    if (label != "spam" && label != "ham") {
      return Status::InvalidArgument(path + ":" + std::to_string(line_no) + ": label must be spam or ham");
    }
    std::string split = j.value("split", "");
    if (split != "" && split != "train" && split != "heldout") {
      return Status::InvalidArgument(path + ":" + std::to_string(line_no) + ": split must be train or heldout");
    }
    out->push_back({Render(item, j.value("signals", nlohmann::json::object())).text, item.type, label == "spam",
                    std::move(split)});
  }
  return Status::Ok();
}

void Score(const FastTextModel& model, const std::vector<Example>& examples, TrainReport* report) {
  std::vector<std::pair<double, bool>> all;
  std::map<std::string, std::vector<std::pair<double, bool>>> by_type;
  for (const auto& e : examples) {
    const double score = model.Predict(e.text, 0).spam_probability;
    all.emplace_back(score, e.spam);
    by_type[e.type].emplace_back(score, e.spam);
  }
  report->overall = Evaluate(all);
  for (const auto& [type, scored] : by_type) report->by_type[type] = Evaluate(scored);
}

}  // namespace

Status EvaluateFile(const std::string& model_path, const std::string& data, TrainReport* report) {
  std::vector<Example> examples;
  if (Status s = ReadExamples(data, &examples); !s.ok()) return s;
  std::shared_ptr<const FastTextModel> model;
  if (Status s = FastTextModel::Load(model_path, &model); !s.ok()) return s;
  report->heldout_examples = static_cast<long>(examples.size());
  Score(*model, examples, report);
  return Status::Ok();
}

Status Train(const TrainOptions& o, TrainReport* report) {
  std::vector<Example> examples;
  if (Status s = ReadExamples(o.data, &examples); !s.ok()) return s;
  const std::string train_path = o.out + ".train.txt";
  std::ofstream train(train_path);
  std::vector<Example> heldout;
  for (auto& e : examples) {
    const bool held_out = e.split.empty() ? storage::Sha256Hex(e.text).substr(0, 2) < "33" : e.split == "heldout";
    if (held_out) {
      heldout.push_back(std::move(e));
    } else {
      train << "__label__" << (e.spam ? "spam" : "ham") << " " << e.text << "\n";
      ++report->train_examples;
    }
  }
  train.close();
  report->heldout_examples = static_cast<long>(heldout.size());
  if (report->train_examples == 0) return Status::InvalidArgument("--data: no training examples");

  fasttext::Args args;
  args.input = train_path;
  args.output = o.out;
  args.model = fasttext::model_name::sup;
  args.loss = fasttext::loss_name::softmax;
  args.dim = o.dim;
  args.epoch = o.epoch;
  args.lr = o.lr;
  args.wordNgrams = o.word_ngrams;
  args.minCount = 1;
  args.minn = o.minn;
  args.maxn = o.maxn;
  args.bucket = o.word_ngrams > 1 || o.maxn > 0 ? 200000 : 0;
  args.thread = o.threads;
  args.seed = o.seed;
  args.verbose = 0;
  fasttext::FastText ft;
  try {
    ft.train(args);
    if (o.out.ends_with(".ftz")) {
      fasttext::Args q = args;
      q.qnorm = true;
      q.retrain = false;
      q.cutoff = 50000;
      q.dsub = 2;
      ft.quantize(q);
    }
    ft.saveModel(o.out);
  } catch (const std::exception& e) {
    return Status::Internal(std::string("training failed: ") + e.what());
  }
  std::filesystem::remove(train_path);

  std::shared_ptr<const FastTextModel> model;
  if (Status s = FastTextModel::Load(o.out, &model); !s.ok()) return s;
  Score(*model, heldout, report);
  report->model_bytes = static_cast<long>(std::filesystem::file_size(o.out));
  return Status::Ok();
}

}  // namespace spamphibian::classify
