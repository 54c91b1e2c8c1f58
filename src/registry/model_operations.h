// ModelOperations: what an operator does to the model registry, the same
// from `spamphibian model ...` and the admin API (/api/v1/models): list
// with the live precision reviewers' answers give each model, and every
// change of state (promote, rollback, shadow, retire) under one Redis lease
// across processes and with an entry in the audit trail saying who did it.
//
// Not thread-safe (owns a Redis client): one per thread.
#pragma once

#include <nlohmann/json.hpp>

#include <functional>
#include <string>

#include "base/status.h"
#include "redis/client.h"
#include "redis/connector.h"
#include "registry/model_registry.h"
#include "storage/object_store.h"

namespace spamphibian::registry {

struct ModelOperationsOptions {
  std::string key_prefix;    // the pipeline's
  std::string bundled_path;  // the model replicas run while nothing is promoted
  std::string via;           // how changes came, for the audit ("spamphibian model", "admin API")
};

class ModelOperations {
 public:
  // `store` and `connector` must outlive this.
  ModelOperations(storage::ObjectStore& store, const redis::Connector& connector, ModelOperationsOptions options);

  // Every model, newest first, the current one included (the bundled model
  // while nothing is promoted), each with "live": reviewers' answers to its
  // automatic verdicts and the precision they give.
  Status List(nlohmann::json* out);

  // `action`: promote, rollback, shadow, shadow_stop, retire. `version` as
  // the action needs it (none for rollback and shadow_stop); `if_shadowed`:
  // promote only the model being shadowed now. *result: what happened.
  // InvalidArgument / NotFound: the request makes no sense; Unavailable:
  // S3, Redis or the lease.
  Status Change(const std::string& action, const std::string& version, const std::string& by,
                const std::string& reason, bool if_shadowed, nlohmann::json* result);

  // Registers a retrained candidate (registry/retrain.h) and, by its
  // judgement, retires it or (with `shadow`) shadows it. *card gets its
  // version, key and state.
  Status AddRetrained(const std::string& model_path, bool shadow, const std::string& by, nlohmann::json* card);

  ModelRegistry& registry() { return registry_; }

 private:
  nlohmann::json LiveOutcomes();
  void Audit(const std::string& action, const std::string& version, const std::string& by, const nlohmann::json& extra);
  Status Locked(const std::function<Status()>& change);

  ModelRegistry registry_;
  const redis::Connector& connector_;
  redis::Client redis_;
  const ModelOperationsOptions options_;
  std::string bundled_version_;  // computed once
  nlohmann::json bundled_card_;
};

}  // namespace spamphibian::registry
