#include "stages/action_ledger.h"

#include <algorithm>

#include <chrono>

namespace spamphibian {
namespace {

constexpr long long kRecordSeconds = 90LL * 24 * 3600;

// KEYS[1] this minute's counter, KEYS[2] the item's index, KEYS[3..2+n] the
// n action records, then (with an archive object) their n archive notes.
// ARGV: per_minute, reservation JSON, ttl, archive object or "", action
// ids... Returns {granted, record or false per action}. Re-running it after
// a lost reply is safe: the caller's own reservation comes back as found,
// with its owner, and is recognised.
constexpr const char* kReserve = R"lua(
local per, n, archive = tonumber(ARGV[1]), #ARGV - 4, ARGV[4]
local found, fresh = {}, {}
for i = 3, 2 + n do
  local v = redis.call('GET', KEYS[i])
  found[#found + 1] = v
  if not v then fresh[#fresh + 1] = i end
end
if #fresh > 0 and per > 0 then
  local used = tonumber(redis.call('GET', KEYS[1]) or '0')
  if used + #fresh > per then return {0, found} end
  redis.call('INCRBY', KEYS[1], #fresh)
  redis.call('EXPIRE', KEYS[1], 120)
end
for _, i in ipairs(fresh) do
  redis.call('SET', KEYS[i], ARGV[2], 'EX', ARGV[3])
  redis.call('SADD', KEYS[2], ARGV[i + 2])
  if archive ~= '' then redis.call('SET', KEYS[i + n], archive, 'EX', ARGV[3]) end
end
if #fresh > 0 then redis.call('EXPIRE', KEYS[2], ARGV[3]) end
return {1, found}
)lua";

// KEYS[1] record. ARGV: seen owner, seen lease, new reservation JSON. 1 when taken.
constexpr const char* kTakeOver = R"lua(
local v = redis.call('GET', KEYS[1])
if not v then return 0 end
local r = cjson.decode(v)
if (r.state ~= 'reserved' and r.state ~= 'reserved-noted') or r.owner ~= ARGV[1] or
   tonumber(r.lease_until_ms) ~= tonumber(ARGV[2]) then
  return 0
end
redis.call('SET', KEYS[1], ARGV[3], 'KEEPTTL')
return 1
)lua";

// KEYS[1] record, KEYS[2] the item's index, KEYS[3] its archive note. ARGV:
// owner, maybe_sent, action id.
constexpr const char* kRelease = R"lua(
local v = redis.call('GET', KEYS[1])
if not v then return 0 end
local r = cjson.decode(v)
if (r.state ~= 'reserved' and r.state ~= 'reserved-noted') or r.owner ~= ARGV[1] then return 0 end
if ARGV[2] == '0' then
  redis.call('DEL', KEYS[1], KEYS[3])
  redis.call('SREM', KEYS[2], ARGV[3])
else
  r.lease_until_ms = 0
  redis.call('SET', KEYS[1], cjson.encode(r), 'KEEPTTL')
end
return 1
)lua";

// A reservation that noted its archive before the object was written is
// "reserved-noted": a binary from before such notes trusts a note without
// looking for its object, and so must never take one over (its TakeOver
// and Release scripts accept only "reserved"). A takeover writes a plain
// reservation: its archive is noted only once written.
nlohmann::json ReservationRecord(const std::string& owner, std::int64_t lease_until_ms, bool noted = false) {
  return {{"state", noted ? "reserved-noted" : "reserved"}, {"owner", owner}, {"lease_until_ms", lease_until_ms}};
}

bool IsReservation(const nlohmann::json& record) {
  const std::string state = record.value("state", "");
  return state == "reserved" || state == "reserved-noted";
}

}  // namespace

RedisActionLedger::RedisActionLedger(const redis::Connector& connector, std::string prefix)
    : client_(connector),
      prefix_(std::move(prefix)),
      reserve_(kReserve),
      take_over_(kTakeOver),
      release_(kRelease) {}

Status RedisActionLedger::Reserve(const std::vector<std::string>& ids, const std::string& item_key,
                                  const std::string& owner, std::int64_t lease_until_ms, int per_minute,
                                  const std::string& archive, std::vector<nlohmann::json>* found, bool* granted) {
  found->clear();
  *granted = false;
  const auto minute =
      std::chrono::duration_cast<std::chrono::minutes>(std::chrono::system_clock::now().time_since_epoch()).count();
  redis::Args keys = {prefix_ + "act:destructive:" + std::to_string(minute), prefix_ + "actions:" + item_key};
  for (const auto& id : ids) keys.push_back(prefix_ + "action:" + id);
  if (!archive.empty()) {
    for (const auto& id : ids) keys.push_back(prefix_ + "action_archive:" + id);
  }
  redis::Args argv = {std::to_string(per_minute), ReservationRecord(owner, lease_until_ms, !archive.empty()).dump(),
                      std::to_string(kRecordSeconds), archive};
  argv.insert(argv.end(), ids.begin(), ids.end());
  redis::Reply r;
  if (Status s = client_.Eval(reserve_, keys, argv, &r); !s.ok()) return s;
  // Nothing is sent to GitLab on a reservation a failover could undo: the
  // worker that resumed the entry on the new master would send it again.
  if (Status s = client_.WaitForReplicas(); !s.ok()) return s;
  if (r->type != REDIS_REPLY_ARRAY || r->elements != 2) return Status::Internal("reserve: unexpected reply");
  *granted = r->element[0]->integer == 1;
  const redisReply* records = r->element[1];
  for (std::size_t i = 0; i < ids.size(); ++i) {
    const redisReply* v = i < records->elements ? records->element[i] : nullptr;
    nlohmann::json record = nullptr;
    if (v != nullptr && v->type == REDIS_REPLY_STRING) {
      record = nlohmann::json::parse(redis::ReplyText(v), nullptr, false);
      if (record.is_discarded()) record = nlohmann::json::object();
      // Our own reservation, found again when a lost reply made us re-run
      // the script: it is ours.
      if (*granted && IsReservation(record) && record.value("owner", "") == owner &&
          record.value("lease_until_ms", std::int64_t{0}) == lease_until_ms) {
        record = nullptr;
      }
    }
    found->push_back(std::move(record));
  }
  return Status::Ok();
}

Status RedisActionLedger::TakeOver(const std::string& id, const std::string& seen_owner,
                                   std::int64_t seen_lease_until_ms, const std::string& owner,
                                   std::int64_t lease_until_ms, bool* ok) {
  redis::Reply r;
  *ok = false;
  Status s = client_.Eval(take_over_, {prefix_ + "action:" + id},
                          {seen_owner, std::to_string(seen_lease_until_ms), ReservationRecord(owner, lease_until_ms).dump()},
                          &r);
  if (s.ok()) s = client_.WaitForReplicas();
  if (s.ok()) *ok = r->integer == 1;
  return s;
}

Status RedisActionLedger::Release(const std::string& id, const std::string& item_key, const std::string& owner,
                                  bool maybe_sent) {
  redis::Reply r;
  Status s = client_.Eval(release_,
                          {prefix_ + "action:" + id, prefix_ + "actions:" + item_key, prefix_ + "action_archive:" + id},
                          {owner, maybe_sent ? "1" : "0", id}, &r);
  return s.ok() ? client_.WaitForReplicas() : s;
}

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
  return RememberAll({{action_id, item_key, record}});
}

Status RedisActionLedger::RememberAll(const std::vector<Record>& records) {
  if (records.empty()) return Status::Ok();
  std::vector<redis::Args> commands;
  commands.reserve(records.size() * 3);
  for (const Record& r : records) {
    commands.push_back({"SET", prefix_ + "action:" + r.action_id, r.record.dump(), "EX", std::to_string(kRecordSeconds)});
    commands.push_back({"SADD", prefix_ + "actions:" + r.item_key, r.action_id});
    commands.push_back({"EXPIRE", prefix_ + "actions:" + r.item_key, std::to_string(kRecordSeconds)});
  }
  // What was done is remembered on the replicas too before the entry is
  // acknowledged, or a failover would make the next worker do it again.
  Status s = client_.RunPipelineChecked(commands);
  return s.ok() ? client_.WaitForReplicas() : s;
}

Status RedisActionLedger::ActionsOf(const std::string& item_key, std::vector<std::string>* action_ids) {
  redis::Reply r;
  if (Status s = client_.Run({"SMEMBERS", prefix_ + "actions:" + item_key}, &r); !s.ok()) return s;
  action_ids->clear();
  for (std::size_t i = 0; i < r->elements; ++i) action_ids->emplace_back(redis::ReplyText(r->element[i]));
  return Status::Ok();
}

Status RedisActionLedger::Index(const std::string& key, const std::vector<std::string>& ids) {
  if (ids.empty()) return Status::Ok();
  redis::Args sadd = {"SADD", prefix_ + "actions:" + key};
  sadd.insert(sadd.end(), ids.begin(), ids.end());
  return client_.RunPipelineChecked({sadd, {"EXPIRE", prefix_ + "actions:" + key, std::to_string(kRecordSeconds)}});
}

Status RedisActionLedger::RecordsOf(const std::vector<std::string>& item_keys,
                                    std::vector<std::vector<nlohmann::json>>* records) {
  records->assign(item_keys.size(), {});
  if (item_keys.empty()) return Status::Ok();
  std::vector<redis::Args> members;
  for (const auto& key : item_keys) members.push_back({"SMEMBERS", prefix_ + "actions:" + key});
  std::vector<redis::Reply> sets;
  if (Status s = client_.RunPipeline(members, &sets); !s.ok()) return s;
  std::vector<redis::Args> gets;
  std::vector<std::size_t> owner;
  for (std::size_t i = 0; i < sets.size(); ++i) {
    if (redis::IsError(sets[i].get())) return Status::Internal(std::string(redis::ReplyText(sets[i].get())));
    std::vector<std::string> ids;
    for (std::size_t k = 0; k < sets[i]->elements; ++k) ids.emplace_back(redis::ReplyText(sets[i]->element[k]));
    std::sort(ids.begin(), ids.end());
    for (auto& id : ids) {
      gets.push_back({"GET", prefix_ + "action:" + id});
      owner.push_back(i);
    }
  }
  if (gets.empty()) return Status::Ok();
  std::vector<redis::Reply> replies;
  if (Status s = client_.RunPipeline(gets, &replies); !s.ok()) return s;
  for (std::size_t k = 0; k < replies.size(); ++k) {
    if (replies[k]->type != REDIS_REPLY_STRING) continue;
    nlohmann::json record = nlohmann::json::parse(redis::ReplyText(replies[k].get()), nullptr, false);
    if (record.is_object()) (*records)[owner[k]].push_back(std::move(record));
  }
  return Status::Ok();
}

Status RedisActionLedger::NoteArchive(const std::vector<std::string>& ids, const std::string& object_key) {
  if (ids.empty()) return Status::Ok();
  std::vector<redis::Args> sets;
  sets.reserve(ids.size());
  for (const auto& id : ids) {
    sets.push_back({"SET", prefix_ + "action_archive:" + id, object_key, "EX", std::to_string(kRecordSeconds)});
  }
  // On the replicas before any call is sent: after a failover, restore
  // still finds what the item was.
  Status s = client_.RunPipelineChecked(sets);
  return s.ok() ? client_.WaitForReplicas() : s;
}

Status RedisActionLedger::ArchiveOf(const std::string& action_id, std::string* object_key) {
  redis::Reply r;
  object_key->clear();
  if (Status s = client_.Run({"GET", prefix_ + "action_archive:" + action_id}, &r); !s.ok()) return s;
  if (r->type == REDIS_REPLY_STRING) *object_key = std::string(redis::ReplyText(r.get()));
  return Status::Ok();
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
