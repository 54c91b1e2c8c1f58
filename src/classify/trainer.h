// Trainer: trains the spam model from labelled JSONL
// ({"label": "spam"|"ham", "item": {...}, "signals": {...}}), rendering each
// item exactly as the classify stage will (classify/text_rendering.h).
//
// The held-out split is fixed by content: an example whose rendered line's
// SHA-256 starts with a byte below 0x33 (about 20%) is never trained on. An
// example may fix its side itself with "split": "train" | "heldout" (the
// SpamAssassin corpus is split by its files' checksums).
#pragma once

#include <nlohmann/json.hpp>

#include <map>
#include <string>

#include "base/status.h"

namespace spamphibian::classify {

struct TrainOptions {
  std::string data;   // JSONL file
  std::string out;    // model path; ".ftz" quantises
  int dim = 50;
  int epoch = 25;
  double lr = 0.5;
  int word_ngrams = 2;
  int minn = 0;       // character n-grams of words, from minn to maxn (0: none)
  int maxn = 0;
  int threads = 2;
  int seed = 42;
};

struct Metrics {
  long examples = 0;
  double accuracy = 0, precision = 0, recall = 0, f1 = 0, roc_auc = 0;
};

struct TrainReport {
  long train_examples = 0;
  long heldout_examples = 0;
  Metrics overall;
  std::map<std::string, Metrics> by_type;  // item type -> held-out metrics
  long model_bytes = 0;
  nlohmann::json ToJson() const;
};

Status Train(const TrainOptions& options, TrainReport* report);

// Scores every example of a labelled JSONL file with `model_path` (no
// split: all are held out) and fills report->overall and by_type.
Status EvaluateFile(const std::string& model_path, const std::string& data, TrainReport* report);

// Metrics of scores (probability of spam) against labels (true = spam) at
// threshold 0.5; ROC AUC by ranking.
Metrics Evaluate(const std::vector<std::pair<double, bool>>& scored);

}  // namespace spamphibian::classify
