// ArchiveStage: archive -> S3. Every classified item, with its verdict,
// score, reasons and model version, is stored as JSON at
//   evaluated/<item_type>/<YYYY-MM-DD>/<item_id>-<decision_id>.json
// for retraining, and every reviewer's label (an entry {key, object}, the
// key under labels/). It is its own stream and consumer group so that S3's
// latency or an S3 outage never slows classification.
//
//   stored                   -> acknowledged
//   S3 unreachable, 5xx, 403 -> Hold: stays pending and is tried again after
//                               the claim timeout, never dead-lettered
//   malformed entry          -> dead-lettered
//
// A batch stops at the first unavailable answer: the rest of it is held
// without a request each, so an outage costs one timeout per batch.
#pragma once

#include <nlohmann/json.hpp>

#include <memory>
#include <string>

#include "stages/stage.h"
#include "storage/object_store.h"

namespace spamphibian {

class ArchiveStage : public Stage {
 public:
  explicit ArchiveStage(std::unique_ptr<storage::ObjectStore> store) : store_(std::move(store)) {}

  std::string_view name() const override { return "archive"; }
  void ProcessBatch(std::span<const Entry> entries, std::vector<Outcome>* outcomes) override;
  Outcome Process(const Entry& entry) override;

 private:
  std::unique_ptr<storage::ObjectStore> store_;
};

// An id as one path segment of an object key ('/' would make folders).
std::string ArchiveSafeId(std::string id);

// The object key of an evaluated item, from its decision JSON; "" when the
// decision lacks what the key needs.
std::string EvaluatedKey(const nlohmann::json& decision);

}  // namespace spamphibian
