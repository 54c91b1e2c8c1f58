#include "app/model_command.h"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

#include "app/components.h"
#include "classify/child_check.h"
#include "classify/spam_model.h"
#include "decisions/decision.h"
#include "jobs/job_lock.h"
#include "redis/client.h"
#include "redis/connector.h"
#include "registry/model_registry.h"
#include "registry/retrain.h"
#include "review/review_store.h"
#include "security/crypto.h"
#include "stages/pipeline.h"
#include "storage/s3_object_store.h"
#include "trust/account_signals.h"

namespace spamphibian {

int RunModelCheck(const std::string& path, bool quiet) {
  std::shared_ptr<const classify::SpamModel> model;
  if (Status s = classify::LoadUnderLimits(path, &model); !s.ok()) {
    // --quiet is the service asking: the message alone, it names the file.
    std::cerr << (quiet ? "" : "spamphibian model check: ") << s.message() << "\n";
    return 1;
  }
  if (quiet) return 0;
  std::ifstream in(path, std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  nlohmann::json thresholds = nlohmann::json::object();
  for (const char* type : {"default", "user", "project", "group", "issue", "note", "merge_request", "wiki_page",
                           "snippet"}) {
    if (auto t = model->ThresholdsFor(type)) thresholds[type] = {{"spam", t->spam}, {"suspicious", t->suspicious}};
  }
  const nlohmann::json out = {{"path", path},
                              {"version", security::Sha256Hex(bytes.str()).substr(0, 12)},
                              {"format", model->has_combiner() ? "bundle" : "fasttext"},
                              {"thresholds", thresholds},
                              {"card", model->card()}};
  std::cout << out.dump(2) << "\n";
  return 0;
}


namespace {

constexpr int kFailed = 1;
constexpr int kConfigError = 2;

// Registry changes span several S3 objects: one writer at a time, across
// every process (commands, the retrain job).
class RegistryLock {
 public:
  RegistryLock(const redis::Connector& connector, const std::string& prefix)
      : lock_(connector, prefix + "models:lock", "model-" + security::RandomToken(6), std::chrono::minutes(2)) {}
  ~RegistryLock() {
    if (held_) lock_.Release();
  }
  bool Acquire() {
    for (int i = 0; i < 300 && !held_; ++i) {
      held_ = lock_.TryAcquire();
      if (!held_) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return held_;
  }

 private:
  JobLock lock_;
  bool held_ = false;
};

std::string Who(const ModelCommand& c) {
  if (!c.by.empty()) return c.by;
  const char* user = std::getenv("USER");
  return user != nullptr && *user != '\0' ? user : "operator";
}

void Audit(redis::Client& redis, const Config& config, const std::string& action, const std::string& version,
           const std::string& by, const nlohmann::json& extra) {
  nlohmann::json audit = {{"action", action},
                          {"model_version", version},
                          {"status", "done"},
                          {"decided_by", by + " (spamphibian model)"},
                          {"time", NowRfc3339()}};
  audit.update(extra);
  const std::string id = "model-" + action + "-" + version + "-" + security::RandomToken(4);
  const std::string stream = config.pipeline.key_prefix + std::string(kAuditStream);
  if (Status s = redis.Run({"XADD", stream, "*", "audit", audit.dump(), "action_id", id}); !s.ok()) {
    std::cerr << "spamphibian model: the audit entry was not written: " << s.message() << "\n";
  }
}

// Live precision per model version: reviewers' answers to its automatic
// verdicts (review/review_store.h kOutcomeCounts).
nlohmann::json LiveOutcomes(redis::Client& redis, const Config& config) {
  nlohmann::json out = nlohmann::json::object();
  redis::Reply reply;
  if (!redis.Run({"HGETALL", config.pipeline.key_prefix + std::string(review::kOutcomeCounts)}, &reply).ok() ||
      reply->type != REDIS_REPLY_ARRAY) {
    return out;
  }
  for (std::size_t k = 0; k + 1 < reply->elements; k += 2) {
    const std::string field(redis::ReplyText(reply->element[k]));
    const long long n = std::atoll(std::string(redis::ReplyText(reply->element[k + 1])).c_str());
    const auto a = field.find('|'), b = field.find('|', a + 1), c = field.find('|', b + 1);
    if (a == std::string::npos || b == std::string::npos || c == std::string::npos) continue;
    const std::string version = field.substr(0, a), verdict = field.substr(b + 1, c - b - 1), outcome = field.substr(c + 1);
    nlohmann::json& v = out[version];
    if (!v.is_object()) v = {{"answers", 0}, {"by_verdict", nlohmann::json::object()}};
    v["answers"] = v["answers"].get<long long>() + n;
    nlohmann::json& cell = v["by_verdict"][verdict];
    if (!cell.is_object()) cell = {{"spam", 0}, {"ham", 0}};
    if (outcome == "spam" || outcome == "ham") cell[outcome] = cell[outcome].get<long long>() + n;
  }
  // Precision of `spam` verdicts, and of flagged ones (spam or suspicious),
  // as reviewers judged them.
  for (auto& [version, v] : out.items()) {
    long long spam_ok = 0, spam_wrong = 0, flagged_ok = 0, flagged_wrong = 0;
    for (const auto& [verdict, cell] : v["by_verdict"].items()) {
      if (verdict != "spam" && verdict != "suspicious") continue;
      flagged_ok += cell["spam"].get<long long>();
      flagged_wrong += cell["ham"].get<long long>();
      if (verdict == "spam") {
        spam_ok += cell["spam"].get<long long>();
        spam_wrong += cell["ham"].get<long long>();
      }
    }
    v["spam_confirmed"] = spam_ok;
    v["spam_rejected"] = spam_wrong;
    v["flagged_confirmed"] = flagged_ok;
    v["flagged_rejected"] = flagged_wrong;
    if (spam_ok + spam_wrong > 0) v["precision"] = static_cast<double>(spam_ok) / static_cast<double>(spam_ok + spam_wrong);
    if (flagged_ok + flagged_wrong > 0) {
      v["flagged_precision"] = static_cast<double>(flagged_ok) / static_cast<double>(flagged_ok + flagged_wrong);
    }
  }
  return out;
}

std::string Summary(const nlohmann::json& card) {
  std::ostringstream s;
  if (card.contains("data")) {
    const auto& d = card["data"];
    s << d.value("labels", 0L) << " labels (" << d.value("labels_spam", 0L) << " spam)";
  } else if (card.value("source", "") == "bundled") {
    s << "the bundled model";
  }
  if (card.contains("eval_set") && card["eval_set"].contains("candidate")) {
    const auto& e = card["eval_set"]["candidate"];
    s.precision(3);
    s << std::fixed << "; eval AUC " << e.value("roc_auc", 0.0) << " precision " << e.value("precision", 0.0)
      << " recall " << e.value("recall", 0.0);
  }
  return s.str();
}

int List(registry::ModelRegistry& models, redis::Client& redis, const Config& config, bool json) {
  std::vector<registry::ModelRecord> records;
  if (Status s = models.List(&records); !s.ok()) {
    std::cerr << "spamphibian model list: " << s.message() << "\n";
    return kFailed;
  }
  std::string current;
  (void)models.CurrentVersion(&current);
  const nlohmann::json live = LiveOutcomes(redis, config);
  nlohmann::json out = nlohmann::json::array();
  if (current.empty()) {
    // Nothing promoted: replicas run the bundled model.
    classify::ModelHolder holder;
    std::string path, version, source;
    if (LoadConfiguredModel(config, &holder, &path, &version, &source).ok()) {
      out.push_back({{"version", version}, {"state", "current"}, {"reason", "the bundled model (nothing promoted)"},
                     {"key", path}, {"card", holder.Get()->card()}});
    }
  }
  for (const auto& r : records) out.push_back(r.ToJson());
  for (auto& m : out) {
    const std::string v = m["version"];
    if (live.contains(v)) m["live"] = live[v];
  }
  if (json) {
    std::cout << out.dump(2) << "\n";
    return 0;
  }
  std::printf("%-12s  %-9s  %-20s  %-9s  %s\n", "VERSION", "STATE", "CREATED", "LIVE PREC", "DATA / REASON");
  for (const auto& m : out) {
    std::string live_precision = "-";
    if (m.contains("live") && m["live"].contains("precision")) {
      char buf[32];
      std::snprintf(buf, sizeof buf, "%.3f (%lld)", m["live"]["precision"].get<double>(),
                    m["live"]["spam_confirmed"].get<long long>() + m["live"]["spam_rejected"].get<long long>());
      live_precision = buf;
    }
    const std::string reason = m.value("reason", "");
    std::printf("%-12s  %-9s  %-20s  %-9s  %s%s\n", m.value("version", "").c_str(), m.value("state", "").c_str(),
                m.value("created", "").substr(0, 19).c_str(), live_precision.c_str(),
                Summary(m.value("card", nlohmann::json::object())).c_str(),
                reason.empty() ? "" : (" — " + reason).c_str());
  }
  return 0;
}

// The model replicas score with now: the current manifest's, else the
// bundled one.
Status CurrentModel(registry::ModelRegistry& models, storage::ObjectStore& store, const Config& config,
                    const std::string& work_dir, std::shared_ptr<const classify::SpamModel>* model,
                    std::string* version) {
  if (Status s = models.CurrentVersion(version); !s.ok()) return s;
  if (version->empty()) {
    classify::ModelHolder holder;
    std::string path, source;
    if (Status s = LoadConfiguredModel(config, &holder, &path, version, &source); !s.ok()) return s;
    *model = holder.Get();
    return Status::Ok();
  }
  registry::ModelRecord record;
  if (Status s = models.Find(*version, &record); !s.ok()) return s;
  std::string bytes;
  if (Status s = store.Get(record.key, &bytes); !s.ok()) return s;
  const std::string path = work_dir + "/current.spam";
  std::ofstream(path, std::ios::binary) << bytes;
  return classify::SpamModel::Load(path, model);
}

int Retrain(registry::ModelRegistry& models, storage::ObjectStore& store, redis::Client& redis,
            const redis::Connector& connector, const Config& config, const ModelCommand& c) {
  std::string dir = (std::filesystem::temp_directory_path() / "spamphibian-retrain-XXXXXX").string();
  if (mkdtemp(dir.data()) == nullptr) {
    std::cerr << "spamphibian model retrain: cannot create a temporary directory\n";
    return kFailed;
  }
  struct Cleanup {
    std::string dir;
    ~Cleanup() {
      std::error_code ec;
      std::filesystem::remove_all(dir, ec);
    }
  } cleanup{dir};

  std::shared_ptr<const TrustPolicy> policy;
  if (Status p = LoadTrustPolicy(config, &policy); !p.ok()) {
    std::cerr << "spamphibian model retrain: " << p.message() << "\n";
    return kConfigError;
  }
  registry::RetrainOptions o;
  o.base_data = c.base_data.empty() ? config.classify.training_data : c.base_data;
  o.eval_data = c.eval_data.empty() ? config.classify.eval_data : c.eval_data == "none" ? "" : c.eval_data;
  o.since = c.since;
  o.work_dir = dir;
  o.train.seed = c.seed;
  o.train.epoch = c.epoch;
  o.train.buckets = c.buckets;
  o.train.cutoff = c.cutoff;
  o.train.target_precision = 0.97;
  o.account_signals = [policy](const gitlab::Item& item) {
    return AccountSignals(item.author, ItemTime(item, std::chrono::system_clock::now()), *policy);
  };
  if (Status s = CurrentModel(models, store, config, dir, &o.current, &o.current_version); !s.ok()) {
    std::cerr << "spamphibian model retrain: the current model: " << s.message() << "\n";
    return kFailed;
  }
  registry::RetrainResult result;
  if (Status s = registry::Retrain(store, o, &result); !s.ok()) {
    std::cerr << "spamphibian model retrain: " << s.message() << "\n";
    return s.IsInvalidArgument() ? kConfigError : kFailed;
  }
  const std::string by = Who(c);
  RegistryLock lock(connector, config.pipeline.key_prefix);
  if (!lock.Acquire()) {
    std::cerr << "spamphibian model retrain: another change of the model registry is in progress\n";
    return kFailed;
  }
  registry::ModelRecord record;
  if (Status s = models.Add(result.model_path, result.card, by, &record); !s.ok()) {
    std::cerr << "spamphibian model retrain: storing the candidate: " << s.message() << "\n";
    return kFailed;
  }
  nlohmann::json card = result.card;
  card["version"] = record.version;
  card["key"] = record.key;
  const bool promotable = card["judgement"]["promotable"].get<bool>();
  const std::string reason = card["judgement"]["reason"];
  if (record.state == "candidate" && !promotable) {
    if (Status s = models.Retire(record.version, "not better than " + o.current_version + ": " + reason, by); !s.ok()) {
      std::cerr << "spamphibian model retrain: retiring the candidate: " << s.message() << "\n";
      return kFailed;
    }
  } else if (record.state == "candidate" && c.shadow) {
    if (Status s = models.Shadow(record.version, by); !s.ok()) {
      std::cerr << "spamphibian model retrain: shadowing the candidate: " << s.message() << "\n";
      return kFailed;
    }
  }
  registry::ModelRecord now;
  card["state"] = models.Find(record.version, &now).ok() ? now.state : record.state;
  Audit(redis, config, "model_retrain", record.version, by,
        {{"promotable", promotable}, {"reason", reason}, {"state", card["state"]}, {"compared_with", o.current_version}});
  std::cout << card.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
  return 0;
}

}  // namespace

int RunModel(const Config& config, const ModelCommand& c) {
  if (!config.s3.configured()) {
    std::cerr << "spamphibian model " << c.action << ": needs S3_ENDPOINT and S3_BUCKET (the model registry)\n";
    return kConfigError;
  }
  auto store = storage::NewS3ObjectStore(S3StoreOptions(config));
  registry::ModelRegistry models(*store);
  redis::Connector connector(config.redis);
  redis::Client redis(connector);
  if (c.action == "list") return List(models, redis, config, c.json);
  if (c.action == "retrain") return Retrain(models, *store, redis, connector, config, c);

  const std::string by = Who(c);
  RegistryLock lock(connector, config.pipeline.key_prefix);
  if (!lock.Acquire()) {
    std::cerr << "spamphibian model " << c.action << ": another change of the model registry is in progress\n";
    return kFailed;
  }
  Status s;
  std::string version = c.version;
  nlohmann::json result = nlohmann::json::object();
  if (c.action == "promote") {
    std::string shadowed;
    if (c.if_shadowed && (!models.ShadowVersion(&shadowed).ok() || shadowed != version)) {
      std::cerr << "spamphibian model promote: " << version << " is no longer shadowed\n";
      return kConfigError;
    }
    std::string previous;
    (void)models.CurrentVersion(&previous);
    s = models.Promote(version, by, config.classify.model_path.empty() ? DefaultModelPath() : config.classify.model_path);
    result["previous"] = previous;
  } else if (c.action == "rollback") {
    std::string from;
    (void)models.CurrentVersion(&from);
    s = models.Rollback(by, &version);
    result["previous"] = from;
  } else if (c.action == "shadow" && c.stop) {
    (void)models.ShadowVersion(&version);
    s = models.StopShadow();
  } else if (c.action == "shadow") {
    s = models.Shadow(version, by);
  } else if (c.action == "retire") {
    s = models.Retire(version, c.reason.empty() ? "retired by " + by : c.reason, by);
  } else {
    std::cerr << "spamphibian model: unknown action '" << c.action << "'\n";
    return kConfigError;
  }
  if (!s.ok()) {
    std::cerr << "spamphibian model " << c.action << ": " << s.message() << "\n";
    return s.IsInvalidArgument() || s.IsNotFound() ? kConfigError : kFailed;
  }
  const std::string action = c.action == "shadow" && c.stop ? "shadow_stop" : c.action;
  Audit(redis, config, "model_" + action, version, by, result);
  result["action"] = action;
  result["version"] = version;
  result["by"] = by;
  std::cout << result.dump() << "\n";
  return 0;
}

}  // namespace spamphibian
