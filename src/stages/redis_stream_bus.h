// RedisStreamBus: StreamBus on Redis Streams and consumer groups.
//
// Commit() runs one Lua script per batch: for each entry it checks in the
// group's pending list that this consumer still owns it, then XADDs its
// emits, XACKs it and forgets its failure record, all atomically. A crash
// before the script leaves the entry pending (reclaimed later); a consumer
// that was too slow and lost its entry to another cannot hand it over a
// second time. So every hand-over happens exactly once.
//
// Not thread-safe: one per worker thread.
#pragma once

#include "redis/client.h"
#include "redis/script.h"
#include "stages/stream_bus.h"

namespace spamphibian {

class RedisStreamBus : public StreamBus {
 public:
  // `connector` must outlive this.
  explicit RedisStreamBus(const redis::Connector& connector);

  Status EnsureGroup(const std::string& stream, const std::string& group) override;
  Status ReadNew(const std::string& stream, const std::string& group, const std::string& consumer, int count,
                 std::chrono::milliseconds block, std::vector<Entry>* out) override;
  Status ListIdle(const std::string& stream, const std::string& group, std::chrono::milliseconds min_idle, int count,
                  std::vector<PendingEntry>* out) override;
  Status Claim(const std::string& stream, const std::string& group, const std::string& consumer,
               std::chrono::milliseconds min_idle, const std::vector<std::string>& ids,
               std::vector<Entry>* out) override;
  Status Commit(const std::string& stream, const std::string& group, const std::string& consumer,
                const std::vector<HandOver>& handovers, std::vector<std::string>* accepted) override;
  Status RecordFailure(const std::string& stream, const std::string& id, const std::string& error) override;
  Status LastFailure(const std::string& stream, const std::string& id, std::string* error) override;
  Status Touch(const std::string& stream, const std::string& group, const std::string& consumer,
               const std::vector<std::string>& ids, std::vector<std::string>* owned) override;
  Status TrimConsumed(const std::string& stream) override;

 private:
  redis::Client client_;
  const redis::Script commit_script_;
  const redis::Script touch_script_;
};

// Parses "ms-seq" stream ids for ordering; false if malformed.
bool ParseStreamId(std::string_view id, unsigned long long* ms, unsigned long long* seq);

}  // namespace spamphibian
