#include "registry/model_operations.h"

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <thread>

#include "classify/spam_model.h"
#include "decisions/decision.h"
#include "jobs/job_lock.h"
#include "review/review_store.h"
#include "security/crypto.h"
#include "stages/pipeline.h"
#include "stages/records.h"

namespace spamphibian::registry {

ModelOperations::ModelOperations(storage::ObjectStore& store, const redis::Connector& connector,
                                 ModelOperationsOptions options)
    : registry_(store), connector_(connector), redis_(connector), options_(std::move(options)) {}

Status ModelOperations::Locked(const std::function<Status()>& change) {
  // Registry changes span several S3 objects: one writer at a time, across
  // every process (commands, the API, the retrain job).
  JobLock lock(connector_, options_.key_prefix + "models:lock", "model-" + security::RandomToken(6),
               std::chrono::minutes(2));
  bool held = false;
  for (int i = 0; i < 300 && !held; ++i) {
    held = lock.TryAcquire();
    if (!held) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  if (!held) return Status::Unavailable("another change of the model registry is in progress");
  Status s = change();
  lock.Release();
  return s;
}

void ModelOperations::Audit(const std::string& action, const std::string& version, const std::string& by,
                            const nlohmann::json& extra) {
  nlohmann::json audit = {{"action", "model_" + action},
                          {"model_version", version},
                          {"status", "done"},
                          {"decided_by", by + " (" + options_.via + ")"},
                          {"time", NowRfc3339()}};
  for (const auto& [k, v] : extra.items()) audit[k] = v;
  const std::string id = "model-" + action + "-" + version + "-" + security::RandomToken(4);
  // Best effort: the change is made; a missing audit entry is logged by
  // the caller's Redis errors elsewhere and must not undo it.
  (void)redis_.Run(records::Xadd(options_.key_prefix + std::string(kAuditStream),
                                 records::Encode(records::Audit{audit.dump(), id})));
}

nlohmann::json ModelOperations::LiveOutcomes() {
  nlohmann::json out = nlohmann::json::object();
  redis::Reply reply;
  if (!redis_.Run({"HGETALL", options_.key_prefix + std::string(review::kOutcomeCounts)}, &reply).ok() ||
      reply->type != REDIS_REPLY_ARRAY) {
    return out;
  }
  for (std::size_t k = 0; k + 1 < reply->elements; k += 2) {
    review::OutcomeKey key;
    if (!review::ParseOutcomeKey(redis::ReplyText(reply->element[k]), &key)) continue;
    const long long n = std::atoll(std::string(redis::ReplyText(reply->element[k + 1])).c_str());
    const std::string& verdict = key.verdict;
    const std::string& outcome = key.outcome;
    nlohmann::json& v = out[key.model_version];
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

Status ModelOperations::List(nlohmann::json* out) {
  std::vector<ModelRecord> records;
  if (Status s = registry_.List(&records); !s.ok()) return s;
  std::string current;
  if (Status s = registry_.CurrentVersion(&current); !s.ok()) return s;
  *out = nlohmann::json::array();
  if (current.empty() && !options_.bundled_path.empty()) {
    // Nothing promoted: replicas run the bundled model.
    if (bundled_version_.empty()) {
      std::ifstream in(options_.bundled_path, std::ios::binary);
      const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      bundled_version_ = security::Sha256Hex(bytes).substr(0, 12);
      std::shared_ptr<const classify::SpamModel> model;
      if (classify::SpamModel::LoadUnchecked(options_.bundled_path, &model).ok()) bundled_card_ = model->card();
    }
    out->push_back({{"version", bundled_version_}, {"state", "current"}, {"reason", "the bundled model (nothing promoted)"},
                    {"key", options_.bundled_path}, {"card", bundled_card_}});
  }
  for (const auto& r : records) out->push_back(r.ToJson());
  const nlohmann::json live = LiveOutcomes();
  for (auto& m : *out) {
    const std::string v = m["version"];
    if (live.contains(v)) m["live"] = live[v];
  }
  return Status::Ok();
}

Status ModelOperations::Change(const std::string& action, const std::string& version, const std::string& by,
                               const std::string& reason, bool if_shadowed, nlohmann::json* result) {
  *result = nlohmann::json::object();
  std::string target = version;
  Status s = Locked([&]() -> Status {
    if (action == "promote") {
      std::string shadowed, previous;
      if (if_shadowed && (!registry_.ShadowVersion(&shadowed).ok() || shadowed != version)) {
        return Status::InvalidArgument(version + " is no longer shadowed");
      }
      (void)registry_.CurrentVersion(&previous);
      (*result)["previous"] = previous;
      return registry_.Promote(version, by, options_.bundled_path);
    }
    if (action == "rollback") {
      std::string from;
      (void)registry_.CurrentVersion(&from);
      (*result)["previous"] = from;
      return registry_.Rollback(by, &target);
    }
    if (action == "shadow") return registry_.Shadow(version, by);
    if (action == "shadow_stop") {
      (void)registry_.ShadowVersion(&target);
      return registry_.StopShadow();
    }
    if (action == "retire") return registry_.Retire(version, reason.empty() ? "retired by " + by : reason, by);
    return Status::InvalidArgument("unknown action '" + action + "'");
  });
  if (!s.ok()) return s;
  Audit(action, target, by, *result);
  (*result)["action"] = action;
  (*result)["version"] = target;
  (*result)["by"] = by;
  return Status::Ok();
}

Status ModelOperations::AddRetrained(const std::string& model_path, bool shadow, const std::string& by,
                                     nlohmann::json* card) {
  return Locked([&]() -> Status {
    ModelRecord record;
    if (Status s = registry_.Add(model_path, *card, by, &record); !s.ok()) return s;
    (*card)["version"] = record.version;
    (*card)["key"] = record.key;
    const bool promotable = (*card)["judgement"].value("promotable", false);
    const std::string reason = (*card)["judgement"].value("reason", "");
    if (record.state == "candidate" && !promotable) {
      if (Status s = registry_.Retire(record.version, "not better than " + card->value("current_version", "") + ": " + reason, by);
          !s.ok()) {
        return s;
      }
    } else if (record.state == "candidate" && shadow) {
      if (Status s = registry_.Shadow(record.version, by); !s.ok()) return s;
    }
    ModelRecord now;
    (*card)["state"] = registry_.Find(record.version, &now).ok() ? now.state : record.state;
    Audit("retrain", record.version, by,
          {{"promotable", promotable}, {"reason", reason}, {"state", (*card)["state"]},
           {"compared_with", card->value("current_version", "")}});
    return Status::Ok();
  });
}

}  // namespace spamphibian::registry
