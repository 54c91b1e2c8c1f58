// Retrain: a candidate model from the bundled training data plus every
// label that reviewers, Slack buttons and `restore` wrote to S3 `labels/`,
// judged against the model in use.
//
//  * Labels: the last label of an item wins (a relabel replaces the first
//    answer); they weigh `label_weight` (a generated line weighs 4, a real
//    text 1), because a moderator's answer is about this instance's spam;
//    those `model bootstrap` wrote weigh `bootstrap_weight`.
//  * Held out: the most recent `heldout_share` of the labels by time (what
//    the model will meet next looks like what came last), the training
//    data's own held-out split (it chooses the thresholds), the held-out
//    real text (`real_text_data`: text people wrote elsewhere, never
//    trained on) and the shipped evaluation set (never trained on).
//  * Reproducible: one fastText thread, a fixed seed and labels in a fixed
//    order, so the same labels give the same bundle, byte for byte, and so
//    the same version.
//
// Judge() is the promotion rule the retrain job applies (and the card
// shows a person): no more ordinary real texts flagged than the current
// model (spam, or spam|suspicious; within a tenth of a percent), not worse
// on the held-out labels (no more false positives, spam or flagged; no
// lower recall) and on the evaluation set (precision, recall and AUC
// within about one item of it), and better on one of them (fewer false
// positives, higher recall or AUC).
#pragma once

#include <nlohmann/json.hpp>

#include <memory>
#include <string>

#include "base/status.h"
#include "classify/examples.h"
#include "classify/spam_model.h"
#include "classify/trainer.h"
#include "storage/object_store.h"

namespace spamphibian::registry {

struct RetrainOptions {
  std::string base_data;  // training-format JSONL (the bundled training data)
  std::string eval_data;  // a labelled set never trained on ("" = none)
  // Held-out real text (models/corpus/real-text's format), never trained
  // on; "" = none. The build writes it beside the training data
  // (RealTextBeside).
  std::string real_text_data;
  std::string since;      // labels written on or after this (YYYY-MM-DD or RFC 3339); "" = all
  std::string work_dir;   // temporary files and the candidate
  double label_weight = 8;
  // Labels `model bootstrap` wrote (bootstrap/bootstrap.h): content of
  // accounts an admin would vouch for. A good sign, not a person's answer:
  // they weigh a quarter of one, half a generated line.
  double bootstrap_weight = 2;
  double heldout_share = 0.2;
  // Words model and combiner settings; data, out, thresholds_from and
  // threads are set by Retrain.
  classify::TrainOptions train;
  // The evaluation set's authors' signals (API lines), as the trust stage
  // computes them.
  classify::AccountSignalsFn account_signals;
  std::shared_ptr<const classify::SpamModel> current;  // compared against
  std::string current_version;
};

struct RetrainResult {
  std::string model_path;  // the candidate bundle, in work_dir
  nlohmann::json card;     // data counts, metrics of both models, the judgement
};

// InvalidArgument: no usable training data; Unavailable: S3 could not be
// read.
Status Retrain(storage::ObjectStore& store, const RetrainOptions& options, RetrainResult* out);

struct Judgement {
  bool promotable = false;
  std::string reason;
};

// The held-out real text the build writes beside `base_data`
// (real-text-heldout.jsonl), or "" when there is none.
std::string RealTextBeside(const std::string& base_data);

// The promotion rule, from a card Retrain wrote.
Judgement Judge(const nlohmann::json& card);

}  // namespace spamphibian::registry
