// ModelRegistry: every model a deployment has trained or run, kept in S3
// beside the manifest that every replica's refresher follows.
//
//   models/candidates/<version>/model.spam   the bundle (written once)
//   models/candidates/<version>/card.json    its model card (written once)
//   models/candidates/<version>/state.json   {state, reason, by, time, created}
//   models/current.json                      the manifest replicas score with (MODEL_S3_KEY):
//                                            {key, sha256, size, version, by, time, history}
//   models/shadow.json                       the manifest of the model scored beside it
//
// Which model is current or shadowed is what the two manifests say, because
// that is what every replica reads; state.json only tells a candidate from
// a retired one and why. `history` (newest first) is what `rollback` goes
// back to; the first promotion puts the bundled model there, so rolling
// back past the first candidate returns to the model the package shipped.
//
// Writes span several objects and S3 has no compare-and-set, so callers
// serialise them (registry/model_operations.h holds one Redis lease for the
// commands, the admin API and the retrain job). Not thread-safe.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "base/status.h"
#include "storage/object_store.h"

namespace spamphibian::registry {

struct ModelRecord {
  std::string version;  // first 12 hex digits of the bundle's SHA-256
  std::string key;      // the bundle in S3
  std::string sha256;
  long long size = 0;
  std::string state;    // current | shadow | candidate | retired
  std::string reason;   // why it is retired, or what made it current
  std::string by;       // who made the last change of state
  std::string created;  // RFC 3339
  nlohmann::json card = nlohmann::json::object();
  nlohmann::json ToJson() const;
};

struct RegistryKeys {
  std::string current = "models/current.json";
  std::string shadow = "models/shadow.json";
  std::string candidates = "models/candidates/";
};

class ModelRegistry {
 public:
  // `store` must outlive the registry.
  explicit ModelRegistry(storage::ObjectStore& store, RegistryKeys keys = {});

  // Stores the bundle at `model_path` with its card as a candidate. The
  // same bytes again (a reproducible retrain) find the existing record and
  // leave its state alone.
  Status Add(const std::string& model_path, const nlohmann::json& card, const std::string& by, ModelRecord* out);

  // NotFound when the registry has no such version.
  Status Find(const std::string& version, ModelRecord* out);
  // Newest first.
  Status List(std::vector<ModelRecord>* out);
  // The version the current (shadow) manifest names; "" when there is none.
  Status CurrentVersion(std::string* version);
  Status ShadowVersion(std::string* version);

  // Points the current manifest at `version`; the model it replaces goes to
  // the history (the first time: the bundled model at `bundled_path`,
  // registered on the way). Ends a shadow of the same version.
  Status Promote(const std::string& version, const std::string& by, const std::string& bundled_path);
  // Back to the newest model in the history; *to says which.
  Status Rollback(const std::string& by, std::string* to);
  Status Shadow(const std::string& version, const std::string& by);
  Status StopShadow();
  // A candidate that will not be promoted; refuses the current model.
  Status Retire(const std::string& version, const std::string& reason, const std::string& by);

 private:
  std::string Prefix(const std::string& version) const { return keys_.candidates + version + "/"; }
  Status ReadManifest(const std::string& key, nlohmann::json* manifest);  // null when absent
  Status WriteState(const std::string& version, const std::string& state, const std::string& reason,
                    const std::string& by, const std::string& created);
  nlohmann::json ManifestOf(const ModelRecord& r, const std::string& by) const;

  storage::ObjectStore& store_;
  const RegistryKeys keys_;
};

}  // namespace spamphibian::registry
