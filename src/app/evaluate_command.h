// `spamphibian evaluate --data FILE [--model PATH] [--target-precision P] [--json]`:
// scores a labelled file (training format or the dev set's API format,
// classify/examples.h) with a model (--model, else the configured one) and
// prints, per item type and overall, and by difficulty and family when the
// file says: n, ROC AUC, precision, recall and false positives of `spam`
// verdicts and of `spam|suspicious` ones (at the thresholds the classify
// stage would use), and the threshold that reaches the target precision.
#pragma once

#include <string>

#include "config/config.h"

namespace spamphibian {

struct EvaluateOptions {
  std::string data;
  std::string model;  // "" = the configured model
  double target_precision = 0.99;
  bool json = false;
  std::string scores_out;  // "" = none
};

// Exit code: 0, or 2 for unreadable data or model.
int RunEvaluate(const Config& config, const EvaluateOptions& options);

}  // namespace spamphibian
