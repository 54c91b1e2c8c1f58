// RecordWriter: writes the inline check's records (its decisions, the
// refused ones' review entries and audit) to Redis on a thread of its own,
// so that GitLab's answer never waits on a write. Each check's entries go
// in one MULTI/EXEC: a refused check's decision, review entry and audit
// are all there or none is.
//
// Bounded: while Redis is away the queue fills; a full queue drops the
// record and counts it (spamphibian_inline_records_dropped_total), and a
// write that still fails after three tries is dropped and counted too.
// These are records of answers GitLab already has, not acknowledged input:
// GitLab logs each refusal itself (its spam log).
//
// Thread-safe: Write from any thread.
#pragma once

#include <atomic>
#include <memory>
#include <vector>

#include "base/work_queue.h"
#include "metrics/registry.h"
#include "redis/client.h"
#include "stages/stage.h"

namespace spamphibian::inline_check {

class RecordWriter {
 public:
  // `connector` and `metrics` must outlive this.
  RecordWriter(const redis::Connector& connector, metrics::Registry& metrics, std::size_t capacity = 10000);

  // Queued records still get one try each, without waiting between tries:
  // a stop with Redis away must not take as long as the queue is.
  ~RecordWriter();

  void Write(std::vector<Emit> emits);

 private:
  void WriteNow(const std::vector<Emit>& emits);

  std::atomic<bool> stopping_{false};
  redis::Client client_;  // used on the queue's thread only
  metrics::Counter& dropped_;
  WorkQueue queue_;  // last: its thread runs jobs that use the above
};

}  // namespace spamphibian::inline_check
