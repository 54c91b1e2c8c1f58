// ArchiveStage: archive -> S3. Every classified item, with its verdict,
// score, reasons and model version, is stored for retraining in one gzip
// object of JSON lines per batch and per type and day:
//   evaluated/<item_type>/<YYYY-MM-DD>/<first entry id>-<count>.jsonl.gz
// (S3 bills per request: one PUT carries up to `batch_max` items; the
// runner lingers up to archive.flush_ms for a fuller batch). The index
// (ArchiveIndex) says which object holds a decision, or an item's latest.
// A reviewer's label (an entry {key, object}, the key under labels/) stays
// one object of its own, read one by one by retraining. It is its own stream and consumer
// group so that S3's latency or an S3 outage never slows classification.
//
//   stored (and indexed)     -> acknowledged
//   S3 unreachable, 5xx, 403 -> Hold: stays pending and is tried again after
//                               the claim timeout, never dead-lettered
//   malformed entry          -> dead-lettered
//
// A batch stops at the first unavailable answer: the rest of it is held
// without a request each, so an outage costs one timeout per batch. A
// batch tried again after a crash may be grouped otherwise and stored
// twice: readers take a decision once by its decision_id.
#pragma once

#include <nlohmann/json.hpp>

#include <memory>
#include <string>
#include <vector>

#include "redis/client.h"
#include "stages/records.h"
#include "stages/stage.h"
#include "storage/object_store.h"

namespace spamphibian {

// Where an evaluated decision's archived copy is.
class ArchiveIndex {
 public:
  struct Entry {
    std::string date;         // YYYY-MM-DD, the decision's
    std::string decision_id;  // the review id, too
    std::string item;         // "<type>:<id>": its latest decision's object
    std::string key;          // the object
  };
  virtual ~ArchiveIndex() = default;
  virtual Status Record(const std::vector<Entry>& entries) = 0;
};

// Keys: <prefix>evaluated_index:<date>, a hash of decision id and
// "<type>:<id>" to object key, one HSET per day per batch, kept 90 days
// (older: list evaluated/<type>/<date>/). Not thread-safe: one per worker.
class RedisArchiveIndex : public ArchiveIndex {
 public:
  RedisArchiveIndex(const redis::Connector& connector, std::string prefix);
  Status Record(const std::vector<Entry>& entries) override;

 private:
  redis::Client client_;
  std::string prefix_;
};

struct ArchiveStageOptions {
  std::size_t batch_max = 500;  // archive.batch_max: items per object at most
};

class ArchiveStage : public Stage {
 public:
  // `index` may be null (no index kept); it must outlive the stage.
  ArchiveStage(std::unique_ptr<storage::ObjectStore> store, ArchiveIndex* index = nullptr,
               ArchiveStageOptions options = {})
      : store_(std::move(store)), index_(index), options_(options) {}

  std::string_view name() const override { return "archive"; }
  void ProcessBatch(std::span<const Entry> entries, std::vector<Outcome>* outcomes) override;
  Outcome Process(const Entry& entry) override;

 private:
  std::unique_ptr<storage::ObjectStore> store_;
  ArchiveIndex* index_;
  ArchiveStageOptions options_;
};

// An id as one path segment of an object key ('/' would make folders).
std::string ArchiveSafeId(std::string id);

// The folder of an evaluated item's batch objects, from its decision's
// header (evaluated/<type>/<date>/); "" when the header lacks what it needs.
std::string EvaluatedFolder(const records::Decision& decision);

// The lines of an evaluated batch object (each a decision), for readers
// and tests.
Status ReadEvaluatedBatch(const std::string& object, std::vector<nlohmann::json>* decisions);

}  // namespace spamphibian
