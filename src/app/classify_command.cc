#include "app/classify_command.h"

#include <fstream>
#include <iostream>
#include <iterator>

#include "app/components.h"
#include "gitlab/fetcher.h"
#include "log/json_log.h"
#include "metrics/registry.h"
#include "stages/classify_stage.h"
#include "stages/records.h"
#include "trust/account_signals.h"

namespace spamphibian {

int RunClassify(const Config& config, const std::string& item_type, const std::string& input) {
  std::string text;
  if (input == "-" || input.empty()) {
    text.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
  } else {
    std::ifstream in(input);
    if (!in) {
      std::cerr << "spamphibian classify: cannot read '" << input << "'\n";
      return 2;
    }
    text.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  const nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (!j.is_object()) {
    std::cerr << "spamphibian classify: the input is not a JSON object\n";
    return 2;
  }
  nlohmann::json item = j, signals = nlohmann::json::object();
  if (!item_type.empty() || (!j.contains("type") && !j.contains("item") && j.contains("username"))) {
    gitlab::Item normalised;
    if (Status s = gitlab::Normalize(item_type.empty() ? "user" : item_type, j, &normalised); !s.ok()) {
      std::cerr << "spamphibian classify: --type: " << s.message() << "\n";
      return 2;
    }
    std::shared_ptr<const TrustPolicy> policy;
    if (Status s = LoadTrustPolicy(config, &policy); !s.ok()) {
      std::cerr << "spamphibian classify: " << s.message() << "\n";
      return 2;
    }
    signals = AccountSignals(normalised.author, ItemTime(normalised, std::chrono::system_clock::now()), *policy);
    item = gitlab::ToJson(normalised);
  } else if (j.contains("item")) {
    item = j["item"];
    signals = j.value("signals", nlohmann::json::object());
  }

  classify::ModelHolder models;
  std::string path, version, source;
  if (Status s = LoadConfiguredModel(config, &models, &path, &version, &source); !s.ok()) {
    std::cerr << "spamphibian classify: " << s.message() << "\n";
    return 2;
  }
  metrics::Registry registry;
  auto log = MakeNullLogger();
  if (auto refresher = MakeModelRefresher(config, models, registry, *log); refresher != nullptr) {
    if (Status s = refresher->RefreshNow(); !s.ok()) {
      std::cerr << "spamphibian classify: the S3 model (MODEL_S3_KEY) is not usable, using " << source << ": "
                << s.message() << "\n";
    }
  }
  ClassifyStageOptions options;
  options.defaults = {config.classify.spam_threshold, config.classify.suspicious_threshold};
  options.by_type = config.classify.thresholds_by_type;
  const ClassifyOptions& cl = config.classify;
  classify::LocalCampaignMemory campaigns(
      {cl.campaign_window_ms, cl.signup_window_ms, cl.signup_baseline_ms, cl.flood_window_ms});
  options.campaigns = &campaigns;
  ClassifyStage stage(options, models, registry, *log);
  const std::string item_text = item.dump(), signals_text = signals.dump();
  Outcome o = stage.Process(Entry{"cli", records::Encode(records::Item{item_text, signals_text, "", "", 0})});
  if (o.kind != Outcome::Kind::kDone) {
    std::cerr << "spamphibian classify: " << o.error << "\n";
    return 2;
  }
  nlohmann::json decision = nlohmann::json::parse(o.emits.at(0).Get("decision"));
  decision.erase("item");
  std::cout << decision.dump(2) << "\n";
  return 0;
}

}  // namespace spamphibian
