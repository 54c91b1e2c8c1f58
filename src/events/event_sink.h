// EventSink: where the event service puts accepted events. The real one is
// RedisEventSink (XADD to the events stream); unit tests use a fake.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace spamphibian {

// One accepted hook delivery, as it is kept in the events stream.
struct EventRecord {
  std::string_view event_type;
  std::string delivery_id;   // X-Gitlab-Event-UUID, "" when not sent
  // What makes a delivery the same delivery: GitLab copies the UUID from
  // the request that triggered a hook, so several distinct events can
  // share one; the key is the UUID with a hash of the body (or GitLab's
  // Idempotency-Key). "" = no de-duplication.
  std::string dedupe_key;
  std::string gitlab_event;  // X-Gitlab-Event, "" when not sent
  std::int64_t received_at_ms = 0;
  std::string payload;       // the raw request body
  std::size_t worker = 0;    // the HTTP worker thread calling Enqueue
};

enum class EnqueueResult {
  kStored,       // durably in the stream
  kDuplicate,    // this delivery id was stored in the last 24 h; not stored again
  kUnavailable,  // could not be stored; the sender must retry
};

class EventSink {
 public:
  virtual ~EventSink() = default;
  // Called on HTTP worker thread `record.worker`; calls `done` exactly once,
  // on the same thread.
  virtual void Enqueue(EventRecord record, std::function<void(EnqueueResult)> done) = 0;
};

}  // namespace spamphibian
