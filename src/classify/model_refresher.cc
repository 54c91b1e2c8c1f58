#include "classify/model_refresher.h"

#include "log/json_log.h"

namespace spamphibian::classify {
namespace {

metrics::GaugeFamily& ModelInfo(metrics::Registry& metrics) {
  return metrics.AddGauge("spamphibian_model_info", "The embedded model in use (1) and models used before (0).",
                          {"version", "source"});
}

}  // namespace

void PublishModelInfo(metrics::Registry& metrics, const ModelHolder& holder, const std::string& previous_version,
                      const std::string& previous_source) {
  std::string version, source;
  holder.Get(&version, &source);
  auto& info = ModelInfo(metrics);
  if (!previous_version.empty()) info.With({previous_version, previous_source}).Set(0);
  info.With({version, source}).Set(1);
}

ModelRefresher::ModelRefresher(ModelFetch fetch, std::string source, ModelHolder& holder,
                               std::chrono::seconds interval, metrics::Registry& metrics, spdlog::logger& log)
    : fetch_(std::move(fetch)),
      source_(std::move(source)),
      shadow_(source_ == "shadow"),
      holder_(holder),
      interval_(interval),
      metrics_(metrics),
      refreshes_(metrics.AddCounter(shadow_ ? "spamphibian_shadow_model_refreshes_total" : "spamphibian_model_refreshes_total",
                                    "Checks for a newer model, by result (swapped, unchanged, absent, unavailable, refused).",
                                    {"result"})),
      log_(log) {}

ModelRefresher::~ModelRefresher() { Stop(); }

Status ModelRefresher::RefreshNow() {
  std::string version, source;
  holder_.Get(&version, &source);
  ModelFile file;
  bool changed = false;
  Status s = fetch_(version, &file, &changed);
  if (s.ok() && !changed) {
    refreshes_.With({"unchanged"}).Inc();
    return s;
  }
  if (s.IsNotFound()) {
    refreshes_.With({"absent"}).Inc();
    if (shadow_ && holder_.Get() != nullptr) {
      holder_.Set(nullptr, "", "");
      LogJson(log_, spdlog::level::info, "shadow_model_stopped", {{"version", version}});
    }
    return shadow_ ? Status::Ok() : s;
  }
  std::shared_ptr<const SpamModel> model;
  if (s.ok()) s = SpamModel::Load(file.path, &model);
  if (!s.ok()) {
    const bool transient = s.IsUnavailable();
    refreshes_.With({transient ? "unavailable" : "refused"}).Inc();
    LogJson(log_, spdlog::level::err, transient ? "model_refresh_failed" : "model_refused",
            {{"error", s.message()}, {"kept", version}});
    return s;
  }
  holder_.Set(std::move(model), file.version, source_);
  if (!shadow_) PublishModelInfo(metrics_, holder_, version, source);
  refreshes_.With({"swapped"}).Inc();
  LogJson(log_, spdlog::level::info, shadow_ ? "shadow_model_loaded" : "model_swapped",
          {{"version", file.version}, {"previous", version}, {"source", source_}, {"sha256", file.sha256}});
  return Status::Ok();
}

void ModelRefresher::Start() {
  std::lock_guard<std::mutex> lock(mu_);
  if (thread_.joinable()) return;
  stop_ = false;
  thread_ = std::thread([this] { Run(); });
}

void ModelRefresher::Trigger() {
  std::lock_guard<std::mutex> lock(mu_);
  triggered_ = true;
  wake_.notify_one();
}

void ModelRefresher::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
    wake_.notify_one();
  }
  if (thread_.joinable()) thread_.join();
}

void ModelRefresher::Run() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stop_) {
    auto woken = [this] { return stop_ || triggered_; };
    if (interval_.count() > 0) {
      wake_.wait_for(lock, interval_, woken);
    } else {
      wake_.wait(lock, woken);
    }
    if (stop_) break;
    triggered_ = false;
    lock.unlock();
    (void)RefreshNow();  // logs and counts its own failures
    lock.lock();
  }
}

}  // namespace spamphibian::classify
