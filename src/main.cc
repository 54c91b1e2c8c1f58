// spamphibian: spam detection and management for self-managed GitLab.
// main() parses the command line and hands over; the wiring is in app/.
#include <CLI/CLI.hpp>

#include <iostream>

#include "app/classify_command.h"
#include "app/config_command.h"
#include "app/evaluate_command.h"
#include "app/model_command.h"
#include "app/serve.h"
#include "app/restore_command.h"
#include "purge/purge_plan.h"
#include "app/sweep.h"
#include "app/train_command.h"
#include "classify/trainer.h"
#include "config/config.h"
#include "log/json_log.h"
#include "stages/pipeline.h"

namespace {

constexpr int kConfigError = 2;

bool LoadOrExplain(spamphibian::Config* config) {
  if (spamphibian::Status s = spamphibian::LoadConfig(spamphibian::ProcessEnvironment(), config); !s.ok()) {
    std::cerr << "spamphibian: configuration error: " << s.message() << "\n";
    return false;
  }
  return true;
}

int Serve(const std::string& stages_text) {
  using namespace spamphibian;
  Config config;
  if (!LoadOrExplain(&config)) return kConfigError;
  std::vector<std::string> stages;
  if (Status s = ParseStages(stages_text, &stages); !s.ok()) {
    std::cerr << "spamphibian: " << s.message() << "\n";
    return kConfigError;
  }
  auto log = MakeLogger(config.log_level, config.log_format);
  return RunServe(config, stages, stages_text != "all", *log);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Spamphibian: catches spam on self-managed GitLab as it is created.\n"
               "Configuration comes from environment variables and SPAMPHIBIAN_CONFIG (see README.md)."};
  app.require_subcommand(1);

  auto* version = app.add_subcommand("version", "Print the version and exit");
  std::string stages = "all";
  auto* serve = app.add_subcommand("serve", "Run the service (HTTP server and pipeline stages)");
  serve->add_option("--stages", stages,
                    "Comma-separated stages to run in this process: events,fetch,trust,classify,archive,act,notify,jobs "
                    "(default: all stages of this build)");

  std::string sweep_kind, since;
  double sweep_rate = 5;
  bool restart = false;
  auto* sweep = app.add_subcommand("sweep", "Feed existing GitLab content through the pipeline (resumable)");
  sweep->add_option("kind", sweep_kind, "users, projects, groups or snippets")->required();
  sweep->add_option("--since", since, "Only objects created on or after this date (YYYY-MM-DD)");
  sweep->add_option("--rate", sweep_rate, "Events per second to enqueue (default 5; 0: no limit)");
  sweep->add_flag("--restart", restart, "Forget what earlier runs of this sweep enqueued");

  spamphibian::classify::TrainOptions train_options;
  auto* train = app.add_subcommand("train", "Train a spam model from labelled JSONL and print held-out metrics");
  train->add_option("--data", train_options.data, "JSONL of {\"label\": \"spam\"|\"ham\", \"item\": {...}, \"signals\": {...}}, or s3://prefix/")
      ->required();
  train->add_option("--out", train_options.out, "Model file to write: a bundle (.spam), or the words model alone (.ftz quantised, .bin)")->required();
  train->add_option("--dim", train_options.dim, "Vector dimension");
  train->add_option("--epoch", train_options.epoch, "Epochs");
  train->add_option("--threads", train_options.threads, "Training threads");
  train->add_option("--word-ngrams", train_options.word_ngrams, "Word n-grams (default 2)");
  train->add_option("--minn", train_options.minn, "Shortest character n-gram of a word (0: none)");
  train->add_option("--maxn", train_options.maxn, "Longest character n-gram of a word (0: none)");
  bool upload = false;
  train->add_flag("--upload", upload,
                  "Put the model in S3 (models/spam-<sha256>) and point MODEL_S3_KEY (default models/current.json) at it");

  train->add_option("--folds", train_options.folds, "Folds for the combiner's out-of-fold scores (default 4)");
  train->add_option("--folds-by", train_options.folds_by,
                    "How examples are dealt into those folds: family (a data line's \"family\" whole in one fold), "
                    "turn, both, or campaign (in turn, and by family too where other accounts tell) (default campaign)")
      ->check(CLI::IsMember({"campaign", "family", "turn", "both"}));
  train->add_option("--target-precision", train_options.target_precision,
                    "Precision the shipped per-type thresholds aim at (default 0.99)");
  train->add_option("--thresholds-from", train_options.thresholds_from,
                    "Labelled JSONL to choose the thresholds on, never trained on (default: the held-out split)");

  std::string classify_input = "-", classify_type;
  auto* classify_cmd = app.add_subcommand("classify", "Classify one item (JSON) with the configured model");
  classify_cmd->add_option("--type", classify_type,
                           "The input is a GitLab API object of this type: user, project, group, issue, note, "
                           "merge_request, wiki_page, snippet");
  classify_cmd->add_option("input", classify_input, "File with the item JSON, or - for standard input");

  spamphibian::EvaluateOptions eval_options;
  auto* evaluate = app.add_subcommand("evaluate", "Score a labelled JSONL file with a model and print the metrics");
  evaluate->add_option("--model", eval_options.model, "Model file (.spam bundle or .bin/.ftz); default: the configured model");
  evaluate->add_option("--data", eval_options.data,
                       "Labelled JSONL: training lines, API lines ({\"label\", \"item_type\", \"api\"}) or real text "
                       "({\"text\", \"label\", \"source\"})")
      ->required();
  evaluate->add_option("--target-precision", eval_options.target_precision,
                       "Print the threshold that reaches this precision (default 0.99)");
  evaluate->add_flag("--json", eval_options.json, "Print JSON instead of a table");
  evaluate->add_option("--scores", eval_options.scores_out,
                       "Also write each example's score to this JSONL file ({type, label, score, verdict, "
                       "spam_threshold, suspicious_threshold, evidence, source, difficulty, family, language})");
  evaluate->add_option("--as", eval_options.text_as,
                       "Read real text ({\"text\", \"label\", \"source\"}) as items of this type (default note)")
      ->check(CLI::IsMember({"note", "issue", "merge_request", "snippet", "wiki_page", "project", "group", "user"}));

  std::string config_file;
  auto* config_cmd = app.add_subcommand("config", "Configuration tools");
  auto* config_check = config_cmd->add_subcommand("check", "Validate the configuration (and FILE, else SPAMPHIBIAN_CONFIG) "
                                                           "without starting; print the effective settings");
  config_check->add_option("file", config_file, "YAML file to check instead of SPAMPHIBIAN_CONFIG");
  config_cmd->require_subcommand(1);

  std::string model_file;
  bool model_quiet = false;
  auto* model_cmd = app.add_subcommand("model", "Model tools");
  auto* model_check = model_cmd->add_subcommand(
      "check", "Load FILE as the service would (under memory and CPU limits) and print what it is; exit 1 if unusable");
  model_check->add_option("file", model_file, "Model file (.spam bundle or .bin/.ftz)")->required();
  model_check->add_flag("--quiet", model_quiet, "Print nothing when the model is usable");
  spamphibian::ModelCommand model_options;
  auto* model_list = model_cmd->add_subcommand("list", "The current model, the shadow, candidates and retired models");
  model_list->add_flag("--json", model_options.json, "Print JSON");
  auto* model_retrain = model_cmd->add_subcommand(
      "retrain", "Train a candidate from the bundled data and the labels in S3; register it; print its card (JSON) last");
  model_retrain->add_option("--since", model_options.since, "Only labels written on or after this date (YYYY-MM-DD)");
  model_retrain->add_option("--base", model_options.base_data, "Training data besides the labels (default: the bundled data)");
  model_retrain->add_option("--eval", model_options.eval_data,
                            "Labelled set to judge the candidate on, never trained on (default: the shipped one; none: no set)");
  model_retrain->add_option("--seed", model_options.seed, "Random seed (default 42): the same labels and seed give the same version");
  model_retrain->add_option("--epoch", model_options.epoch, "Epochs of the words model (default 15)");
  model_retrain->add_option("--buckets", model_options.buckets, "Word n-gram hash buckets (default 200000)");
  model_retrain->add_option("--cutoff", model_options.cutoff, "Rows the quantised words model keeps (default 50000)");
  model_retrain->add_flag("--shadow", model_options.shadow, "Shadow the candidate when it is better than the current model");
  auto* model_shadow = model_cmd->add_subcommand("shadow", "Score every item with VERSION too, beside the current model");
  model_shadow->add_option("version", model_options.version, "Candidate version");
  model_shadow->add_flag("--stop", model_options.stop, "End the shadow");
  auto* model_promote = model_cmd->add_subcommand("promote", "Make VERSION the model every replica scores with");
  model_promote->add_option("version", model_options.version, "Version to promote")->required();
  model_promote->add_flag("--if-shadowed", model_options.if_shadowed, "Only if VERSION is being shadowed now");
  auto* model_rollback = model_cmd->add_subcommand("rollback", "Go back to the model that was current before");
  auto* model_retire = model_cmd->add_subcommand("retire", "Retire a candidate");
  model_retire->add_option("version", model_options.version, "Version to retire")->required();
  model_retire->add_option("--reason", model_options.reason, "Why (kept with it)");
  auto* model_bootstrap = model_cmd->add_subcommand(
      "bootstrap", "Store content of accounts an admin would vouch for as ham labels in S3 (resumable); print the counts");
  model_bootstrap->add_option("--min-age-days", model_options.min_age_days,
                              "Vouch for confirmed accounts older than this (default 90); trusted ones always");
  model_bootstrap->add_option("--per-user", model_options.per_user, "Items per account at most (default 20)");
  model_bootstrap->add_option("--max", model_options.max_labels, "Labels per run at most (default 5000)");
  model_bootstrap->add_flag("--include-private", model_options.include_private,
                            "Also private and internal projects, confidential issues and their comments");
  model_bootstrap->add_flag("--restart", model_options.restart, "Forget which accounts earlier runs did");
  for (auto* sub : {model_list, model_retrain, model_shadow, model_promote, model_rollback, model_retire}) {
    sub->add_option("--by", model_options.by, "Who, for the audit trail (default: $USER)");
  }
  model_cmd->require_subcommand(1);

  std::string restore_id, restore_item;
  auto* restore = app.add_subcommand("restore", "Undo an action of the act stage from its S3 archive, and label the item ham");
  restore->add_option("action_id", restore_id, "The action id (in the audit trail and the Slack message)");
  restore->add_option("--item", restore_item, "Every action on this item: TYPE:ID, e.g. user:41");
  std::string restore_purge;
  restore->add_option("--purge", restore_purge,
                      "Every action of a purge (\"and everything of this author\"): its PURGE_ID, in the audit trail");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : kConfigError;
  }
  if (*version) {
    std::cout << "spamphibian " << SPAMPHIBIAN_VERSION << "\n";
    return 0;
  }
  if (*serve) return Serve(stages);
  if (*config_check) return spamphibian::RunConfigCheck(config_file);
  if (*model_check) return spamphibian::RunModelCheck(model_file, model_quiet);
  for (auto* sub : {model_list, model_retrain, model_shadow, model_promote, model_rollback, model_retire, model_bootstrap}) {
    if (!*sub) continue;
    model_options.action = sub->get_name();
    if (model_options.action == "shadow" && model_options.version.empty() != model_options.stop) {
      std::cerr << "spamphibian model shadow: give a VERSION or --stop\n";
      return kConfigError;
    }
    spamphibian::Config config;
    if (!LoadOrExplain(&config)) return kConfigError;
    return spamphibian::RunModel(config, model_options);
  }
  if (*train) {
    spamphibian::Config config;
    if (!LoadOrExplain(&config)) return kConfigError;
    return spamphibian::RunTrain(config, train_options, upload);
  }
  if (*classify_cmd) {
    spamphibian::Config config;
    if (!LoadOrExplain(&config)) return kConfigError;
    return spamphibian::RunClassify(config, classify_type, classify_input);
  }
  if (*evaluate) {
    spamphibian::Config config;
    if (!LoadOrExplain(&config)) return kConfigError;
    return spamphibian::RunEvaluate(config, eval_options);
  }
  if (*restore) {
    spamphibian::Config config;
    if (!LoadOrExplain(&config)) return kConfigError;
    auto log = spamphibian::MakeLogger(config.log_level, config.log_format);
    if (!restore_purge.empty()) {
      if (!restore_item.empty()) {
        std::cerr << "spamphibian restore: give --item or --purge, not both\n";
        return kConfigError;
      }
      // A purge's actions are indexed in the ledger under the purge.
      restore_item = spamphibian::purge::LedgerKey(restore_purge);
    }
    return spamphibian::RunRestore(config, restore_id, restore_item, *log);
  }
  if (*sweep) {
    spamphibian::Config config;
    if (!LoadOrExplain(&config)) return kConfigError;
    auto log = spamphibian::MakeLogger(config.log_level, config.log_format);
    return spamphibian::RunSweep(config, sweep_kind, since, sweep_rate, restart, *log);
  }
  return kConfigError;
}
