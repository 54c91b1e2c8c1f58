// `spamphibian model ...`: the model's life after training.
//
//   model check FILE        is this file a model the service would load? It
//                           loads the file under a memory ceiling and a
//                           CPU-time limit (a damaged fastText file can abort
//                           or allocate without bound) and prints what it is;
//                           exit 1 with the reason when not. The service runs
//                           it in a fresh process before it loads any model
//                           file (classify/child_check.h); `--quiet` is that use.
//   model list [--json]     the registry (registry/model_registry.h): current,
//                           shadow, candidates, retired; with each model's card
//                           and the live precision reviewers' answers give it.
//   model retrain           a candidate from the bundled data and the labels in
//                           S3 (registry/retrain.h), registered, retired at once
//                           when it is not better (its card says why), shadowed
//                           with --shadow; the card as one JSON line, last.
//   model shadow VERSION    every replica also scores with it (no action).
//   model shadow --stop
//   model promote VERSION   every replica swaps to it within its refresh
//   model rollback          interval (or on SIGHUP); audited.
//   model retire VERSION
//   model bootstrap         the instance's own ordinary text as `ham` labels
//                           (bootstrap/bootstrap.h): content of accounts an
//                           admin would vouch for, rate-limited, resumable;
//                           the first step after installing.
//
// Exit codes: 0 done, 1 a dependency failed (S3, Redis, training), 2 bad
// input or configuration.
#pragma once

#include <string>

#include "config/config.h"

namespace spamphibian {

int RunModelCheck(const std::string& path, bool quiet);

struct ModelCommand {
  std::string action;   // list, retrain, shadow, promote, rollback, retire, bootstrap
  std::string version;  // shadow, promote, retire
  std::string by;       // who, for the audit trail ("" = $USER)
  std::string reason;   // retire
  bool json = false;    // list
  bool stop = false;    // shadow --stop
  bool if_shadowed = false;  // promote only the model being shadowed (the retrain job)
  // retrain
  std::string since;
  std::string base_data;  // "" = the configured training data
  std::string eval_data;  // "" = the configured evaluation set; "none" = none
  bool shadow = false;    // shadow the candidate when it is better
  int seed = 42;
  int epoch = 15;  // classify::TrainOptions' default: a retrain on no labels reproduces the bundled model
  int buckets = 200000;  // word n-gram buckets (smaller: a smaller, quicker model)
  int cutoff = 50000;
  // bootstrap
  double min_age_days = 90;
  int per_user = 20;
  long max_labels = 5000;
  bool include_private = false;
  bool restart = false;
};

int RunModel(const Config& config, const ModelCommand& command);

}  // namespace spamphibian
