#include "events/redis_event_sink.h"

#include "stages/records.h"

namespace spamphibian {
namespace {

// KEYS[1] stream, KEYS[2] delivery-id key; ARGV[1] ttl, ARGV[2..] fields.
// XADD before SET: if the XADD fails, the id is not remembered and the
// sender's retry is stored. A repeat still writes (the id's expiry), so
// that a WAIT after it covers the first copy too: replicas apply writes in
// order.
constexpr const char* kDedupeXadd = R"lua(
if redis.call('EXISTS', KEYS[2]) == 1 then
  redis.call('EXPIRE', KEYS[2], ARGV[1])
  return false
end
local id = redis.call('XADD', KEYS[1], '*', unpack(ARGV, 2))
redis.call('SET', KEYS[2], id, 'EX', ARGV[1])
return id
)lua";

}  // namespace

redis::Args EventFields(EventRecord record) { return records::Flat(records::Encode(std::move(record))); }

// One event on its way to a master that keeps it.
struct RedisEventSink::Attempt {
  std::string dedupe_key;  // "" = plain XADD
  redis::Args fields;
  std::size_t worker;
  std::chrono::steady_clock::time_point deadline;
  std::function<void(EnqueueResult)> done;
};

RedisEventSink::RedisEventSink(const std::vector<boost::asio::io_context*>& workers,
                               const redis::Connector& connector, std::string stream, std::string dedupe_prefix,
                               std::chrono::seconds dedupe_ttl, metrics::Registry* metrics,
                               std::function<void()> unavailable)
    : workers_(workers),
      stream_(std::move(stream)),
      dedupe_prefix_(std::move(dedupe_prefix)),
      dedupe_ttl_(std::to_string(dedupe_ttl.count())),
      dedupe_script_(kDedupeXadd),
      replica_acks_(connector.options().RequiredReplicaAcks()),
      replica_ack_timeout_ms_(std::to_string(connector.options().replica_ack_timeout.count())),
      can_move_(connector.options().sentinel_enabled),
      ack_deadline_(connector.options().ack_deadline),
      retry_pause_(connector.options().reconnect_backoff),
      unavailable_(std::move(unavailable)) {
  for (auto* io : workers) clients_.push_back(std::make_unique<redis::AsyncClient>(*io, connector));
  if (metrics != nullptr) {
    retries_ = &metrics->AddCounter("spamphibian_events_store_retries_total",
                                    "Hooks stored again on a (new) master after a failed or unreplicated write.")
                    .With({});
    unreplicated_ = &metrics->AddCounter("spamphibian_redis_replica_ack_shortfalls_total",
                                         "Writes that fewer replicas than redis.min_replicas_ack acknowledged in time.")
                         .With({});
  }
}

RedisEventSink::~RedisEventSink() {
  closing_ = true;  // the clients' last callbacks must not schedule retries
  clients_.clear();
}

void RedisEventSink::Enqueue(EventRecord record, std::function<void(EnqueueResult)> done) {
  auto attempt = std::make_shared<Attempt>();
  attempt->dedupe_key = record.dedupe_key.empty() ? "" : dedupe_prefix_ + record.dedupe_key;
  attempt->worker = record.worker;
  attempt->fields = EventFields(std::move(record));
  attempt->deadline = std::chrono::steady_clock::now() + ack_deadline_;
  attempt->done = std::move(done);
  Try(std::move(attempt));
}

void RedisEventSink::Try(std::shared_ptr<Attempt> attempt) {
  redis::AsyncClient& client = *clients_.at(attempt->worker);
  auto on_reply = [this, attempt](Status s, const redisReply* reply) {
    if (!s.ok()) return Retry(attempt);
    Confirm(attempt, reply->type == REDIS_REPLY_NIL ? EnqueueResult::kDuplicate : EnqueueResult::kStored);
  };
  // The fields (the hook's body among them) are copied only when a second
  // try may need them.
  auto append_fields = [&](redis::Args* args) {
    if (can_move_) {
      args->insert(args->end(), attempt->fields.begin(), attempt->fields.end());
    } else {
      args->insert(args->end(), std::make_move_iterator(attempt->fields.begin()),
                   std::make_move_iterator(attempt->fields.end()));
    }
  };
  if (attempt->dedupe_key.empty()) {
    redis::Args args = {"XADD", stream_, "*"};
    append_fields(&args);
    client.Run(args, std::move(on_reply));
    return;
  }
  redis::Args argv = {dedupe_ttl_};
  append_fields(&argv);
  client.Eval(dedupe_script_, {stream_, attempt->dedupe_key}, argv, std::move(on_reply));
}

void RedisEventSink::Confirm(std::shared_ptr<Attempt> attempt, EnqueueResult result) {
  if (replica_acks_ == 0) return attempt->done(result);
  redis::AsyncClient& client = *clients_.at(attempt->worker);
  client.Run({"WAIT", std::to_string(replica_acks_), replica_ack_timeout_ms_},
             [this, attempt, result, &client](Status s, const redisReply* reply) {
               if (s.ok() && reply->type == REDIS_REPLY_INTEGER && reply->integer >= replica_acks_) {
                 return attempt->done(result);
               }
               if (unreplicated_ != nullptr) unreplicated_->Inc();
               // This master may be cut off from the rest: ask the sentinels
               // again before the next try.
               client.Reset("redis: fewer than " + std::to_string(replica_acks_) + " replicas acknowledged in " +
                            replica_ack_timeout_ms_ + " ms");
               Retry(attempt);
             });
}

void RedisEventSink::GiveUp(const std::shared_ptr<Attempt>& attempt) {
  if (unavailable_ && !closing_) unavailable_();
  attempt->done(EnqueueResult::kUnavailable);
}

void RedisEventSink::Retry(std::shared_ptr<Attempt> attempt) {
  if (closing_ || !can_move_ || std::chrono::steady_clock::now() + retry_pause_ >= attempt->deadline) {
    return GiveUp(attempt);
  }
  if (retries_ != nullptr) retries_->Inc();
  auto timer = std::make_shared<boost::asio::steady_timer>(*workers_.at(attempt->worker), retry_pause_);
  timer->async_wait([this, attempt, timer](const boost::system::error_code& ec) {
    if (ec) return GiveUp(attempt);
    Try(attempt);
  });
}

}  // namespace spamphibian
