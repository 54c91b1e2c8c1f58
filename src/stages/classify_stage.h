// ClassifyStage: candidates -> decisions (spam, suspicious, ham) with the
// score, the model version and the reasons: the signals that fired, the
// features and the words that pushed the score most.
//
// What reviewers answered lately overrides the model upwards only: an item
// whose author's last reviewed item was confirmed spam, or that links a
// domain reviewers confirmed spam (and never ham), is spam, with that as
// its first reason; so a campaign is cut off by its second item.
//
// A batch is rendered first (classify/text_rendering.h), its campaigns
// counted in one round trip to the campaign memory, then each item scored.
// The score comes from the embedded model (MODEL_PATH, the S3 model, or the
// bundled models/default.spam: words model + combiner) or, with MODEL_URL,
// from an external model service; when that is down, the embedded model
// answers (default) or the entry waits (Hold). The embedded model always
// supplies the explanation. The model is shared by all workers and read
// through a holder so that a later hot swap is one pointer exchange.
#pragma once

#include <nlohmann/json.hpp>
#include <spdlog/logger.h>

#include <functional>
#include <map>
#include <memory>
#include <string>

#include "classify/campaigns.h"
#include "classify/model_holder.h"
#include "classify/text_rendering.h"
#include "gitlab/item.h"
#include "config/config.h"
#include "metrics/registry.h"
#include "decisions/decision.h"
#include "stages/records.h"
#include "stages/stage.h"

namespace spamphibian {

// Asks an external model service (classify::RemoteModel) for the spam
// probability; Unavailable when it cannot answer.
using RemoteScore = std::function<Status(const std::string& event_type, const nlohmann::json& item, double* score)>;

struct ClassifyStageOptions {
  DecisionLog decisions;
  // Every classified decision is also appended here (a full key; "" = not
  // archived), for the archive stage to store in S3 at its own pace.
  std::string archive_stream;
  ThresholdPair defaults;
  std::map<std::string, ThresholdPair> by_type;  // item type -> thresholds
  RemoteScore remote;            // set when MODEL_URL is configured
  bool hold_when_remote_down = false;  // else: fall back to the embedded model
  // Where campaigns across accounts are counted (classify/campaigns.h);
  // null: none. Must outlive the stage.
  classify::CampaignMemory* campaigns = nullptr;
  // A candidate model scored beside the model (registry: `model shadow`):
  // its verdict and score go on the decision and into the agreement
  // counts, and change nothing. Null or empty: none. Must outlive the stage.
  const classify::ModelHolder* shadow = nullptr;
};

class ClassifyStage : public Stage {
 public:
  // `models`, `metrics` and `log` must outlive the stage.
  ClassifyStage(ClassifyStageOptions options, const classify::ModelHolder& models, metrics::Registry& metrics,
                spdlog::logger& log);

  std::string_view name() const override { return "classify"; }
  Outcome Process(const Entry& entry) override;
  void ProcessBatch(std::span<const Entry> entries, std::vector<Outcome>* outcomes) override;

 private:
  struct Prepared {
    bool ok = false;
    records::Item record;  // the entry's, a view into it
    gitlab::Item item;
    nlohmann::json json;     // the whole item as a tree, for a model service only
    nlohmann::json signals;
    classify::Rendering rendering;
    classify::CampaignCounts campaign;
    std::uint64_t text_hash = 0;  // the campaign key's SimHash (0: too short)
  };
  Outcome Decide(const Entry& entry, Prepared* prepared);

  ClassifyStageOptions options_;
  const classify::ModelHolder& models_;
  metrics::CounterFamily& decisions_;
  metrics::CounterFamily& languages_;
  metrics::HistogramFamily& scores_;
  metrics::CounterFamily& shadow_agreement_;
  metrics::CounterFamily& remembered_;
  metrics::CounterFamily& campaigns_;
  spdlog::logger& log_;
};

// The bundled default model's location (models/default.spam of the build).
std::string DefaultModelPath();

}  // namespace spamphibian
