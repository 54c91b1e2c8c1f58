// StreamBus: the stream operations the StageRunner needs, as one small
// interface. RedisStreamBus is the real one (Redis Streams with consumer
// groups). Each StreamBus object serves one worker thread.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "base/status.h"
#include "stages/stage.h"

namespace spamphibian {

// An entry pending in the group for longer than asked, with how many times
// it has been delivered.
struct PendingEntry {
  std::string id;
  std::string consumer;
  long long deliveries = 0;
};

// One entry that a consumer has finished with. `emits` are appended and the
// entry acknowledged in one atomic step, but only if `consumer` still owns
// the entry (it may have been reclaimed by another consumer meanwhile).
struct HandOver {
  std::string id;
  std::vector<Emit> emits;
  // A failure of it may be recorded (RecordFailure): forgotten with the
  // acknowledgement. False for an entry on its first try, which has none.
  bool may_have_failed = true;
};

class StreamBus {
 public:
  virtual ~StreamBus() = default;

  // Creates the consumer group (reading from the stream's beginning) and the
  // stream if missing. Idempotent.
  virtual Status EnsureGroup(const std::string& stream, const std::string& group) = 0;

  // New entries for this consumer (XREADGROUP ... >), waiting up to `block`.
  virtual Status ReadNew(const std::string& stream, const std::string& group, const std::string& consumer,
                         int count, std::chrono::milliseconds block, std::vector<Entry>* out) = 0;

  // Entries pending longer than `min_idle`, oldest first.
  virtual Status ListIdle(const std::string& stream, const std::string& group, std::chrono::milliseconds min_idle,
                          int count, std::vector<PendingEntry>* out) = 0;

  // Takes over idle entries; returns those still existing, with their data.
  // Each claim counts as one more delivery.
  virtual Status Claim(const std::string& stream, const std::string& group, const std::string& consumer,
                       std::chrono::milliseconds min_idle, const std::vector<std::string>& ids,
                       std::vector<Entry>* out) = 0;

  // Applies hand-overs atomically; *accepted gets the ids handed over (the
  // others were no longer owned by `consumer`).
  virtual Status Commit(const std::string& stream, const std::string& group, const std::string& consumer,
                        const std::vector<HandOver>& handovers, std::vector<std::string>* accepted) = 0;

  // Remembers / forgets why an entry failed, for its dead-letter record.
  virtual Status RecordFailure(const std::string& stream, const std::string& id, const std::string& error) = 0;
  virtual Status LastFailure(const std::string& stream, const std::string& id, std::string* error) = 0;

  // Heartbeat: resets the idle time of those of `ids` that `consumer` still
  // owns (XCLAIM ... JUSTID, which does not count a delivery), so that an
  // entry in long work is not reclaimed by another consumer. *owned gets the
  // ids still owned; the others were taken over meanwhile.
  virtual Status Touch(const std::string& stream, const std::string& group, const std::string& consumer,
                       const std::vector<std::string>& ids, std::vector<std::string>* owned) = 0;

  // Deletes entries every group has acknowledged, so streams stay bounded
  // without ever trimming something not yet processed.
  virtual Status TrimConsumed(const std::string& stream) = 0;
};

}  // namespace spamphibian
