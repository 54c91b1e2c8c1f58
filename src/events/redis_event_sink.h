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
//
// Durable acknowledgement: replication is asynchronous, so a master that a
// partition cuts off from its sentinels keeps taking writes that the new
// master never sees and that it flushes when it is demoted. With
// `min_replicas_ack` > 0 a stored event is followed by WAIT on the same
// connection, and counts as stored only once that many replicas have it.
// When they do not answer in time, or the server says it is no longer the
// master, the sink asks the sentinels again and stores the event there,
// until `ack_deadline` has passed (Sentinel only: a lone Redis has no other
// master to go to); then the sender gets 503 and retries.
#pragma once

#include <chrono>
#include <functional>
#include <string>

#include <boost/asio/io_context.hpp>

#include <memory>
#include <vector>

#include "events/event_sink.h"
#include "metrics/registry.h"
#include "redis/async_client.h"
#include "redis/script.h"

namespace spamphibian {

// The stream fields of an event (stages/records.h), as XADD's arguments:
// for the event service and the jobs that enqueue events themselves.
redis::Args EventFields(EventRecord record);

class RedisEventSink : public EventSink {
 public:
  // `workers` (the HTTP server's io_contexts) and `connector` must outlive
  // this. `stream` is the full key of the events stream; delivery ids are
  // kept under `dedupe_prefix` + id for `dedupe_ttl`.
  // `metrics` counts what durability cost (may be null in unit tests).
  // `unavailable` is told each time an event could not be stored (the
  // queue monitor: /readyz drops at once).
  RedisEventSink(const std::vector<boost::asio::io_context*>& workers, const redis::Connector& connector,
                 std::string stream, std::string dedupe_prefix, std::chrono::seconds dedupe_ttl,
                 metrics::Registry* metrics = nullptr, std::function<void()> unavailable = {});
  ~RedisEventSink() override;

  void Enqueue(EventRecord record, std::function<void(EnqueueResult)> done) override;

 private:
  struct Attempt;
  void Try(std::shared_ptr<Attempt> attempt);
  void Confirm(std::shared_ptr<Attempt> attempt, EnqueueResult result);
  void Retry(std::shared_ptr<Attempt> attempt);
  void GiveUp(const std::shared_ptr<Attempt>& attempt);  // 503: tells `unavailable_`

  std::vector<boost::asio::io_context*> workers_;
  std::vector<std::unique_ptr<redis::AsyncClient>> clients_;  // one per worker
  const std::string stream_;
  const std::string dedupe_prefix_;
  const std::string dedupe_ttl_;
  const redis::Script dedupe_script_;
  const int replica_acks_;  // 0: the master's reply is the acknowledgement
  const std::string replica_ack_timeout_ms_;
  const bool can_move_;  // Sentinel: another master may take the event
  const std::chrono::milliseconds ack_deadline_;
  const std::chrono::milliseconds retry_pause_;
  metrics::Counter* retries_ = nullptr;        // attempts again after a failure
  metrics::Counter* unreplicated_ = nullptr;   // WAIT came back short
  const std::function<void()> unavailable_;
  bool closing_ = false;
};

}  // namespace spamphibian
