// RedisEventSink: stores events in the first stream of the pipeline.
//
// Each event is one XADD with the fields event_type, received_at (ms since
// the epoch), delivery_id, gitlab_event and payload. With a delivery id, a
// Lua script checks and records the id in the same atomic step as the XADD,
// so a redelivered hook is stored once, and a failed XADD never leaves the id
// marked as seen.
//
// One redis::AsyncClient per HTTP worker thread: a request's XADD is written
// by the thread that parsed it, batched with the other requests of the same
// event-loop turn, and its reply completes the request on that thread.
#pragma once

#include <chrono>
#include <string>

#include <boost/asio/io_context.hpp>

#include <memory>
#include <vector>

#include "events/event_sink.h"
#include "redis/async_client.h"
#include "redis/script.h"

namespace spamphibian {

// The stream fields of an event: the one format of the events stream, used
// by the event service and by the jobs that enqueue events themselves.
redis::Args EventFields(EventRecord record);

class RedisEventSink : public EventSink {
 public:
  // `workers` (the HTTP server's io_contexts) and `connector` must outlive
  // this. `stream` is the full key of the events stream; delivery ids are
  // kept under `dedupe_prefix` + id for `dedupe_ttl`.
  RedisEventSink(const std::vector<boost::asio::io_context*>& workers, const redis::Connector& connector,
                 std::string stream, std::string dedupe_prefix, std::chrono::seconds dedupe_ttl);

  void Enqueue(EventRecord record, std::function<void(EnqueueResult)> done) override;

 private:
  std::vector<std::unique_ptr<redis::AsyncClient>> clients_;  // one per worker
  const std::string stream_;
  const std::string dedupe_prefix_;
  const std::string dedupe_ttl_;
  const redis::Script dedupe_script_;
};

}  // namespace spamphibian
