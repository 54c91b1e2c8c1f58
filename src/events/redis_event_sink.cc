#include "events/redis_event_sink.h"

namespace spamphibian {
namespace {

// KEYS[1] stream, KEYS[2] delivery-id key; ARGV[1] ttl, ARGV[2..] fields.
// XADD before SET: if the XADD fails, the id is not remembered and the
// sender's retry is stored.
constexpr const char* kDedupeXadd = R"lua(
if redis.call('EXISTS', KEYS[2]) == 1 then return false end
local id = redis.call('XADD', KEYS[1], '*', unpack(ARGV, 2))
redis.call('SET', KEYS[2], id, 'EX', ARGV[1])
return id
)lua";

}  // namespace

redis::Args EventFields(EventRecord record) {
  return {"event_type",   std::string(record.event_type),
          "received_at",  std::to_string(record.received_at_ms),
          "delivery_id",  std::move(record.delivery_id),
          "gitlab_event", std::move(record.gitlab_event),
          "payload",      std::move(record.payload)};
}

RedisEventSink::RedisEventSink(const std::vector<boost::asio::io_context*>& workers,
                               const redis::Connector& connector, std::string stream, std::string dedupe_prefix,
                               std::chrono::seconds dedupe_ttl)
    : stream_(std::move(stream)),
      dedupe_prefix_(std::move(dedupe_prefix)),
      dedupe_ttl_(std::to_string(dedupe_ttl.count())),
      dedupe_script_(kDedupeXadd) {
  for (auto* io : workers) clients_.push_back(std::make_unique<redis::AsyncClient>(*io, connector));
}

void RedisEventSink::Enqueue(EventRecord record, std::function<void(EnqueueResult)> done) {
  const std::string dedupe_key = record.dedupe_key.empty() ? "" : dedupe_prefix_ + record.dedupe_key;
  const std::size_t worker = record.worker;
  redis::Args fields = EventFields(std::move(record));
  auto on_reply = [done = std::move(done)](Status s, const redisReply* reply) {
    if (!s.ok()) return done(EnqueueResult::kUnavailable);
    done(reply->type == REDIS_REPLY_NIL ? EnqueueResult::kDuplicate : EnqueueResult::kStored);
  };
  redis::AsyncClient& client = *clients_.at(worker);
  if (dedupe_key.empty()) {
    redis::Args args = {"XADD", stream_, "*"};
    args.insert(args.end(), std::make_move_iterator(fields.begin()), std::make_move_iterator(fields.end()));
    client.Run(args, std::move(on_reply));
    return;
  }
  redis::Args argv = {dedupe_ttl_};
  argv.insert(argv.end(), std::make_move_iterator(fields.begin()), std::make_move_iterator(fields.end()));
  client.Eval(dedupe_script_, {stream_, dedupe_key}, argv, std::move(on_reply));
}

}  // namespace spamphibian
