// ClassifyStage: candidates -> decisions (spam, suspicious, ham) with the
// score, the model version and the reasons: the signal tokens that fired and
// the words that pushed the score most.
//
// The score comes from the embedded fastText model (MODEL_PATH, or the
// bundled models/default.ftz) or, with MODEL_URL, from an external model
// service; when that is down, the embedded model answers (default) or the
// entry waits (Hold). The embedded model always supplies the explanation. The model is shared by all workers and
// read through a holder so that a later hot swap is one pointer exchange.
#pragma once

#include <nlohmann/json.hpp>
#include <spdlog/logger.h>

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "classify/fasttext_model.h"
#include "metrics/registry.h"
#include "stages/stage.h"

namespace spamphibian {

// The model in use and where it came from. Thread-safe.
class ModelHolder {
 public:
  void Set(std::shared_ptr<const classify::FastTextModel> model, std::string version, std::string source);
  std::shared_ptr<const classify::FastTextModel> Get(std::string* version = nullptr) const;

 private:
  mutable std::mutex mu_;
  std::shared_ptr<const classify::FastTextModel> model_;
  std::string version_;
  std::string source_;
};

struct Thresholds {
  double spam = 0.8;        // score >= spam: "spam"
  double suspicious = 0.5;  // score >= suspicious: "suspicious"; below: "ham"
};

// Asks an external model service (classify::RemoteModel) for the spam
// probability; Unavailable when it cannot answer.
using RemoteScore = std::function<Status(const std::string& event_type, const nlohmann::json& item, double* score)>;

struct ClassifyStageOptions {
  std::string decisions_stream;  // full key
  Thresholds defaults;
  std::map<std::string, Thresholds> by_type;  // item type -> thresholds
  RemoteScore remote;            // set when MODEL_URL is configured
  bool hold_when_remote_down = false;  // else: fall back to the embedded model
};

class ClassifyStage : public Stage {
 public:
  // `models`, `metrics` and `log` must outlive the stage.
  ClassifyStage(ClassifyStageOptions options, const ModelHolder& models, metrics::Registry& metrics,
                spdlog::logger& log);

  std::string_view name() const override { return "classify"; }
  Outcome Process(const Entry& entry) override;

 private:
  ClassifyStageOptions options_;
  const ModelHolder& models_;
  metrics::CounterFamily& decisions_;
  metrics::HistogramFamily& scores_;
  spdlog::logger& log_;
};

// The bundled default model's location (models/default.ftz of the build).
std::string DefaultModelPath();

}  // namespace spamphibian
