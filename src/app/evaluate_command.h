// `spamphibian evaluate --data FILE [--model PATH] [--as TYPE] [--target-precision P] [--json]`:
// scores a labelled file (training format, the dev set's API format, or
// real text read as TYPE: classify/examples.h) with a model (--model, else
// the configured one) and prints, per item type and overall, and by
// difficulty, family, language and source when the file says: n, ROC AUC,
// precision, recall and false positives of `spam` verdicts and of
// `spam|suspicious` ones (at the thresholds the classify stage would use,
// with its rule that words alone are at most suspicious), calibration, and
// the threshold that reaches the target precision.
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
  std::string text_as = "note";  // the item type real text is read as
};

// Exit code: 0, or 2 for unreadable data or model.
int RunEvaluate(const Config& config, const EvaluateOptions& options);

}  // namespace spamphibian
