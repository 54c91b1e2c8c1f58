#include "registry/model_registry.h"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <iterator>
#include <map>

#include "decisions/decision.h"
#include "security/crypto.h"

namespace spamphibian::registry {
namespace {

// Rollback goes this far back; older models stay listed, not in the chain.
constexpr std::size_t kMaxHistory = 20;

Status ReadFile(const std::string& path, std::string* bytes) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::InvalidArgument("cannot read " + path);
  bytes->assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  return Status::Ok();
}

Status ParseObject(const std::string& key, const std::string& text, nlohmann::json* out) {
  *out = nlohmann::json::parse(text, nullptr, false);
  if (!out->is_object()) return Status::Internal("s3://" + key + ": not a JSON object");
  return Status::Ok();
}

// The part of a manifest that names a model (what the refresher reads).
nlohmann::json ModelRef(const nlohmann::json& m) {
  return {{"version", m.value("version", "")}, {"key", m.value("key", "")}, {"sha256", m.value("sha256", "")},
          {"size", m.value("size", 0LL)}};
}

}  // namespace

nlohmann::json ModelRecord::ToJson() const {
  return {{"version", version}, {"key", key},         {"sha256", sha256}, {"size", size}, {"state", state},
          {"reason", reason},   {"by", by},           {"created", created}, {"card", card}};
}

ModelRegistry::ModelRegistry(storage::ObjectStore& store, RegistryKeys keys) : store_(store), keys_(std::move(keys)) {}

Status ModelRegistry::ReadManifest(const std::string& key, nlohmann::json* manifest) {
  std::string text;
  Status s = store_.Get(key, &text);
  if (s.IsNotFound()) {
    *manifest = nullptr;
    return Status::Ok();
  }
  if (!s.ok()) return s;
  return ParseObject(key, text, manifest);
}

Status ModelRegistry::WriteState(const std::string& version, const std::string& state, const std::string& reason,
                                 const std::string& by, const std::string& created) {
  const nlohmann::json j = {
      {"state", state}, {"reason", reason}, {"by", by}, {"time", NowRfc3339()}, {"created", created}};
  return store_.Put(Prefix(version) + "state.json", j.dump(), "application/json");
}

nlohmann::json ModelRegistry::ManifestOf(const ModelRecord& r, const std::string& by) const {
  return {{"version", r.version}, {"key", r.key}, {"sha256", r.sha256}, {"size", r.size},
          {"by", by},             {"time", NowRfc3339()}};
}

Status ModelRegistry::Add(const std::string& model_path, const nlohmann::json& card, const std::string& by,
                          ModelRecord* out) {
  std::string bytes;
  if (Status s = ReadFile(model_path, &bytes); !s.ok()) return s;
  const std::string sha = security::Sha256Hex(bytes);
  const std::string version = sha.substr(0, 12);
  if (Status s = Find(version, out); s.ok() || !s.IsNotFound()) return s;
  // The bundle and its card before the state that lists it: a reader never
  // finds a candidate whose model is not there yet.
  if (Status s = store_.Put(Prefix(version) + "model.spam", bytes, "application/octet-stream"); !s.ok()) return s;
  nlohmann::json stored = card;
  stored["version"] = version;
  stored["sha256"] = sha;
  if (Status s = store_.Put(Prefix(version) + "card.json", stored.dump(), "application/json"); !s.ok()) return s;
  const std::string created = NowRfc3339();
  if (Status s = WriteState(version, "candidate", "", by, created); !s.ok()) return s;
  return Find(version, out);
}

Status ModelRegistry::Find(const std::string& version, ModelRecord* out) {
  if (version.empty() || version.size() > 64 ||
      !std::all_of(version.begin(), version.end(), [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); })) {
    return Status::InvalidArgument("'" + version + "' is not a model version (hex digits)");
  }
  std::string text;
  Status s = store_.Get(Prefix(version) + "state.json", &text);
  if (s.IsNotFound()) return Status::NotFound("no model " + version + " in s3://" + keys_.candidates);
  if (!s.ok()) return s;
  nlohmann::json state;
  if (Status p = ParseObject(Prefix(version) + "state.json", text, &state); !p.ok()) return p;
  storage::ObjectInfo info;
  if (Status h = store_.Head(Prefix(version) + "model.spam", &info); !h.ok()) return h;
  nlohmann::json card = nlohmann::json::object();
  if (store_.Get(Prefix(version) + "card.json", &text).ok()) {
    card = nlohmann::json::parse(text, nullptr, false);
    if (!card.is_object()) card = nlohmann::json::object();
  }
  *out = ModelRecord();
  out->version = version;
  out->key = Prefix(version) + "model.spam";
  out->size = info.size;
  out->state = state.value("state", "candidate");
  out->reason = state.value("reason", "");
  out->by = state.value("by", "");
  out->created = state.value("created", "");
  out->card = std::move(card);
  out->sha256 = out->card.value("sha256", "");
  // The manifests say what is current and what is shadowed.
  nlohmann::json current, shadow;
  if (Status m = ReadManifest(keys_.current, &current); !m.ok()) return m;
  if (Status m = ReadManifest(keys_.shadow, &shadow); !m.ok()) return m;
  if (current.is_object() && current.value("version", "") == version) {
    out->state = "current";
    out->sha256 = current.value("sha256", out->sha256);
  } else if (shadow.is_object() && shadow.value("version", "") == version) {
    out->state = "shadow";
    out->sha256 = shadow.value("sha256", out->sha256);
  } else if (out->state == "current" || out->state == "shadow") {
    out->state = "candidate";
  }
  if (out->sha256.empty()) {
    // A card written before the sha256 was recorded: read the bundle.
    std::string bytes;
    if (Status g = store_.Get(out->key, &bytes); !g.ok()) return g;
    out->sha256 = security::Sha256Hex(bytes);
  }
  return Status::Ok();
}

Status ModelRegistry::List(std::vector<ModelRecord>* out) {
  out->clear();
  std::vector<storage::ObjectInfo> objects;
  if (Status s = store_.List(keys_.candidates, &objects); !s.ok()) return s;
  for (const auto& o : objects) {
    if (!o.key.ends_with("/state.json")) continue;
    const std::string version = o.key.substr(keys_.candidates.size(), o.key.size() - keys_.candidates.size() - 11);
    ModelRecord r;
    if (Status s = Find(version, &r); !s.ok()) return s;
    out->push_back(std::move(r));
  }
  std::stable_sort(out->begin(), out->end(),
                   [](const ModelRecord& a, const ModelRecord& b) { return a.created > b.created; });
  return Status::Ok();
}

Status ModelRegistry::CurrentVersion(std::string* version) {
  nlohmann::json m;
  if (Status s = ReadManifest(keys_.current, &m); !s.ok()) return s;
  *version = m.is_object() ? m.value("version", "") : "";
  return Status::Ok();
}

Status ModelRegistry::ShadowVersion(std::string* version) {
  nlohmann::json m;
  if (Status s = ReadManifest(keys_.shadow, &m); !s.ok()) return s;
  *version = m.is_object() ? m.value("version", "") : "";
  return Status::Ok();
}

Status ModelRegistry::Promote(const std::string& version, const std::string& by, const std::string& bundled_path) {
  ModelRecord next;
  if (Status s = Find(version, &next); !s.ok()) return s;
  if (next.state == "current") return Status::Ok();
  nlohmann::json current;
  if (Status s = ReadManifest(keys_.current, &current); !s.ok()) return s;
  nlohmann::json history = nlohmann::json::array();
  if (current.is_object()) {
    history.push_back(ModelRef(current));
    for (const auto& h : current.value("history", nlohmann::json::array())) history.push_back(h);
  } else if (!bundled_path.empty()) {
    // Nothing promoted yet: replicas run the bundled model, so that is
    // where a rollback returns.
    ModelRecord bundled;
    if (Status s = Add(bundled_path, {{"source", "bundled"}}, by, &bundled); !s.ok()) return s;
    if (bundled.version != version) {
      history.push_back(ModelRef(ManifestOf(bundled, by)));
      (void)WriteState(bundled.version, "retired", "the bundled model, replaced by " + version, by, bundled.created);
    }
  }
  while (history.size() > kMaxHistory) history.erase(history.end() - 1);
  nlohmann::json manifest = ManifestOf(next, by);
  manifest["history"] = history;
  if (Status s = store_.Put(keys_.current, manifest.dump(), "application/json"); !s.ok()) return s;
  (void)WriteState(version, "current", "promoted by " + by, by, next.created);
  if (current.is_object() && current.value("version", "") != version) {
    ModelRecord old;
    if (Find(current.value("version", ""), &old).ok()) {
      (void)WriteState(old.version, "retired", "replaced by " + version, by, old.created);
    }
  }
  std::string shadowed;
  if (ShadowVersion(&shadowed).ok() && shadowed == version) return StopShadow();
  return Status::Ok();
}

Status ModelRegistry::Rollback(const std::string& by, std::string* to) {
  nlohmann::json current;
  if (Status s = ReadManifest(keys_.current, &current); !s.ok()) return s;
  const nlohmann::json history = current.is_object() ? current.value("history", nlohmann::json::array())
                                                     : nlohmann::json::array();
  if (history.empty() || !history[0].is_object()) {
    return Status::InvalidArgument("nothing to roll back to: no model was current before " +
                                   (current.is_object() ? current.value("version", "") : std::string("this one")));
  }
  ModelRecord previous;
  if (Status s = Find(history[0].value("version", ""), &previous); !s.ok()) return s;
  nlohmann::json manifest = ManifestOf(previous, by);
  manifest["history"] = nlohmann::json(history.begin() + 1, history.end());
  if (Status s = store_.Put(keys_.current, manifest.dump(), "application/json"); !s.ok()) return s;
  const std::string from = current.value("version", "");
  (void)WriteState(previous.version, "current", "current again: rolled back by " + by, by, previous.created);
  ModelRecord old;
  if (Find(from, &old).ok()) (void)WriteState(from, "retired", "rolled back by " + by, by, old.created);
  *to = previous.version;
  return Status::Ok();
}

Status ModelRegistry::Shadow(const std::string& version, const std::string& by) {
  ModelRecord r;
  if (Status s = Find(version, &r); !s.ok()) return s;
  if (r.state == "current") return Status::InvalidArgument(version + " is the current model; nothing to compare");
  if (r.state == "retired") return Status::InvalidArgument(version + " is retired (" + r.reason + ")");
  return store_.Put(keys_.shadow, ManifestOf(r, by).dump(), "application/json");
}

Status ModelRegistry::StopShadow() { return store_.Delete(keys_.shadow); }

Status ModelRegistry::Retire(const std::string& version, const std::string& reason, const std::string& by) {
  ModelRecord r;
  if (Status s = Find(version, &r); !s.ok()) return s;
  if (r.state == "current") return Status::InvalidArgument(version + " is the current model; promote another first");
  if (r.state == "shadow") {
    if (Status s = StopShadow(); !s.ok()) return s;
  }
  return WriteState(version, "retired", reason, by, r.created);
}

}  // namespace spamphibian::registry
