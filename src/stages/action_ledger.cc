#include "stages/action_ledger.h"

#include <chrono>

namespace spamphibian {
namespace {

constexpr long long kRecordSeconds = 90LL * 24 * 3600;

// KEYS[1] this minute's counter; ARGV: n, per_minute. 1 when granted.
constexpr const char* kTakeSlots = R"lua(
local used = tonumber(redis.call('GET', KEYS[1]) or '0')
local n, cap = tonumber(ARGV[1]), tonumber(ARGV[2])
if used + n > cap then return 0 end
redis.call('INCRBY', KEYS[1], n)
redis.call('EXPIRE', KEYS[1], 120)
return 1
)lua";

}  // namespace

RedisActionLedger::RedisActionLedger(const redis::Connector& connector, std::string prefix)
    : client_(connector), prefix_(std::move(prefix)), take_slots_(kTakeSlots) {}

Status RedisActionLedger::Recall(const std::string& action_id, nlohmann::json* record, bool* found) {
  redis::Reply r;
  *found = false;
  if (Status s = client_.Run({"GET", prefix_ + "action:" + action_id}, &r); !s.ok()) return s;
  if (r->type != REDIS_REPLY_STRING) return Status::Ok();
  *record = nlohmann::json::parse(redis::ReplyText(r.get()), nullptr, false);
  *found = record->is_object();
  return Status::Ok();
}

Status RedisActionLedger::Remember(const std::string& action_id, const std::string& item_key,
                                   const nlohmann::json& record) {
  std::vector<redis::Reply> replies;
  return client_.RunPipeline({{"SET", prefix_ + "action:" + action_id, record.dump(), "EX", std::to_string(kRecordSeconds)},
                              {"SADD", prefix_ + "actions:" + item_key, action_id},
                              {"EXPIRE", prefix_ + "actions:" + item_key, std::to_string(kRecordSeconds)}},
                             &replies);
}

Status RedisActionLedger::ActionsOf(const std::string& item_key, std::vector<std::string>* action_ids) {
  redis::Reply r;
  if (Status s = client_.Run({"SMEMBERS", prefix_ + "actions:" + item_key}, &r); !s.ok()) return s;
  action_ids->clear();
  for (std::size_t i = 0; i < r->elements; ++i) action_ids->emplace_back(redis::ReplyText(r->element[i]));
  return Status::Ok();
}

Status RedisActionLedger::TakeDestructiveSlots(int n, int per_minute, bool* granted) {
  const auto minute = std::chrono::duration_cast<std::chrono::minutes>(std::chrono::system_clock::now().time_since_epoch()).count();
  redis::Reply r;
  Status s = client_.Eval(take_slots_, {prefix_ + "act:destructive:" + std::to_string(minute)},
                          {std::to_string(n), std::to_string(per_minute)}, &r);
  *granted = s.ok() && r->integer == 1;
  return s;
}

Status RedisActionLedger::IsVerified(const std::string& email, bool* verified) {
  redis::Reply r;
  *verified = false;
  if (email.empty()) return Status::Ok();
  if (Status s = client_.Run({"SISMEMBER", prefix_ + "verified_users", email}, &r); !s.ok()) return s;
  *verified = r->integer == 1;
  return Status::Ok();
}

}  // namespace spamphibian
