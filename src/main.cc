// spamphibian: spam detection and management for self-managed GitLab.
// main() parses the command line and hands over; the wiring is in app/.
#include <CLI/CLI.hpp>

#include <iostream>

#include "app/classify_command.h"
#include "app/config_command.h"
#include "app/serve.h"
#include "app/restore_command.h"
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
  auto log = MakeJsonLogger(config.log_level);
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
  train->add_option("--out", train_options.out, "Model file to write (.ftz: quantised)")->required();
  train->add_option("--dim", train_options.dim, "Vector dimension");
  train->add_option("--epoch", train_options.epoch, "Epochs");
  train->add_option("--threads", train_options.threads, "Training threads");
  train->add_option("--word-ngrams", train_options.word_ngrams, "Word n-grams (default 2)");
  train->add_option("--minn", train_options.minn, "Shortest character n-gram of a word (0: none)");
  train->add_option("--maxn", train_options.maxn, "Longest character n-gram of a word (0: none)");
  bool upload = false;
  train->add_flag("--upload", upload,
                  "Put the model in S3 (models/spam-<sha256>) and point MODEL_S3_KEY (default models/current.json) at it");

  std::string classify_input = "-";
  auto* classify_cmd = app.add_subcommand("classify", "Classify one item (JSON) with the configured model");
  classify_cmd->add_option("input", classify_input, "File with the item JSON, or - for standard input");

  std::string eval_model, eval_data;
  auto* evaluate = app.add_subcommand("evaluate", "Score a labelled JSONL file with a model and print the metrics");
  evaluate->add_option("--model", eval_model, "Model file (.bin/.ftz)")->required();
  evaluate->add_option("--data", eval_data, "Labelled JSONL")->required();

  std::string config_file;
  auto* config_cmd = app.add_subcommand("config", "Configuration tools");
  auto* config_check = config_cmd->add_subcommand("check", "Validate the configuration (and FILE, else SPAMPHIBIAN_CONFIG) "
                                                           "without starting; print the effective settings");
  config_check->add_option("file", config_file, "YAML file to check instead of SPAMPHIBIAN_CONFIG");
  config_cmd->require_subcommand(1);

  std::string restore_id, restore_item;
  auto* restore = app.add_subcommand("restore", "Undo an action of the act stage from its S3 archive, and label the item ham");
  restore->add_option("action_id", restore_id, "The action id (in the audit trail and the Slack message)");
  restore->add_option("--item", restore_item, "Every action on this item: TYPE:ID, e.g. user:41");

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
  if (*train) {
    spamphibian::Config config;
    if (!LoadOrExplain(&config)) return kConfigError;
    return spamphibian::RunTrain(config, train_options, upload);
  }
  if (*classify_cmd) {
    spamphibian::Config config;
    if (!LoadOrExplain(&config)) return kConfigError;
    return spamphibian::RunClassify(config, classify_input);
  }
  if (*evaluate) {
    spamphibian::classify::TrainReport report;
    spamphibian::Status s = spamphibian::classify::EvaluateFile(eval_model, eval_data, &report);
    if (!s.ok()) {
      std::cerr << "spamphibian evaluate: " << s.message() << "\n";
      return s.IsInvalidArgument() ? kConfigError : 1;
    }
    nlohmann::json j = report.ToJson();
    j.erase("train_examples");
    j.erase("model_bytes");
    std::cout << j.dump(2) << "\n";
    return 0;
  }
  if (*restore) {
    spamphibian::Config config;
    if (!LoadOrExplain(&config)) return kConfigError;
    auto log = spamphibian::MakeJsonLogger(config.log_level);
    return spamphibian::RunRestore(config, restore_id, restore_item, *log);
  }
  if (*sweep) {
    spamphibian::Config config;
    if (!LoadOrExplain(&config)) return kConfigError;
    auto log = spamphibian::MakeJsonLogger(config.log_level);
    return spamphibian::RunSweep(config, sweep_kind, since, sweep_rate, restart, *log);
  }
  return kConfigError;
}
