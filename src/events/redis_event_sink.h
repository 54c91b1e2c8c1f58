// RedisEventSink: stores events in the first stream of the pipeline.
//
// Each event is one XADD with the fields event_type, received_at (ms since
// the epoch), delivery_id, gitlab_event and payload. With a delivery id, a
// Lua script checks and records the id in the same atomic step as the XADD,
// so a redelivered hook is stored once, and a failed XADD never leaves the id
// marked as seen.
#pragma once

#include <chrono>
#include <string>

#include "events/event_sink.h"
#include "redis/async_pipeline.h"
#include "redis/script.h"

namespace spamphibian {

class RedisEventSink : public EventSink {
 public:
  // `pipeline` must outlive this. `stream` is the full key of the events
  // stream; delivery ids are kept under `dedupe_prefix` + id for `dedupe_ttl`.
  RedisEventSink(redis::AsyncPipeline& pipeline, std::string stream, std::string dedupe_prefix,
                 std::chrono::seconds dedupe_ttl);

  void Enqueue(EventRecord record, std::function<void(EnqueueResult)> done) override;

 private:
  redis::AsyncPipeline& pipeline_;
  const std::string stream_;
  const std::string dedupe_prefix_;
  const std::string dedupe_ttl_;
  const redis::Script dedupe_script_;
};

}  // namespace spamphibian
