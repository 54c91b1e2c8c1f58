#include "stages/redis_stream_bus.h"

#include <charconv>

namespace spamphibian {
namespace {

// KEYS[1] input stream, KEYS[2] failure hash.
// ARGV: group, consumer, n, then per entry: id, whether a failure of it may
// be recorded ('1'/'0'), n_emits, and per emit: stream, maxlen (0:
// unbounded), n_field_args, field args...
constexpr const char* kCommit = R"lua(
local group, me = ARGV[1], ARGV[2]
local i = 4
local accepted = {}
for e = 1, tonumber(ARGV[3]) do
  local id, failed = ARGV[i], ARGV[i + 1] == '1'
  local nemit = tonumber(ARGV[i + 2])
  i = i + 3
  local p = redis.call('XPENDING', KEYS[1], group, id, id, 1)
  local owned = p[1] ~= nil and p[1][2] == me
  for k = 1, nemit do
    local stream, maxlen = ARGV[i], ARGV[i + 1]
    local nf = tonumber(ARGV[i + 2])
    i = i + 3
    if owned then
      if maxlen == '0' then
        redis.call('XADD', stream, '*', unpack(ARGV, i, i + nf - 1))
      else
        redis.call('XADD', stream, 'MAXLEN', '~', maxlen, '*', unpack(ARGV, i, i + nf - 1))
      end
    end
    i = i + nf
  end
  if owned then
    redis.call('XACK', KEYS[1], group, id)
    if failed then redis.call('HDEL', KEYS[2], id) end
    accepted[#accepted + 1] = id
  end
end
return accepted
)lua";

// KEYS[1] stream; ARGV: group, consumer, ids... Returns the ids still owned.
constexpr const char* kTouch = R"lua(
local group, me = ARGV[1], ARGV[2]
local owned = {}
for i = 3, #ARGV do
  local p = redis.call('XPENDING', KEYS[1], group, ARGV[i], ARGV[i], 1)
  if p[1] ~= nil and p[1][2] == me then
    redis.call('XCLAIM', KEYS[1], group, me, 0, ARGV[i], 'JUSTID')
    owned[#owned + 1] = ARGV[i]
  end
end
return owned
)lua";

std::string FailureKey(const std::string& stream) { return stream + ":failures"; }

// [id, [k, v, k, v ...]] -> Entry. False for a deleted entry (nil fields).
bool ToEntry(const redisReply* r, Entry* out) {
  if (r == nullptr || r->type != REDIS_REPLY_ARRAY || r->elements != 2) return false;
  out->id = std::string(redis::ReplyText(r->element[0]));
  const redisReply* fields = r->element[1];
  out->fields.clear();
  if (fields->type != REDIS_REPLY_ARRAY) return false;
  for (std::size_t i = 0; i + 1 < fields->elements; i += 2) {
    out->fields.emplace_back(std::string(redis::ReplyText(fields->element[i])),
                             std::string(redis::ReplyText(fields->element[i + 1])));
  }
  return true;
}

// Reads a flat [k, v, k, v] reply (XINFO) into a lookup.
const redisReply* MapGet(const redisReply* map, std::string_view key) {
  if (map == nullptr || map->type != REDIS_REPLY_ARRAY) return nullptr;
  for (std::size_t i = 0; i + 1 < map->elements; i += 2) {
    if (redis::ReplyText(map->element[i]) == key) return map->element[i + 1];
  }
  return nullptr;
}

bool IdLess(std::string_view a, std::string_view b) {
  unsigned long long am = 0, as = 0, bm = 0, bs = 0;
  ParseStreamId(a, &am, &as);
  ParseStreamId(b, &bm, &bs);
  return am < bm || (am == bm && as < bs);
}

}  // namespace

bool ParseStreamId(std::string_view id, unsigned long long* ms, unsigned long long* seq) {
  const std::size_t dash = id.find('-');
  if (dash == std::string_view::npos) return false;
  auto a = std::from_chars(id.data(), id.data() + dash, *ms);
  auto b = std::from_chars(id.data() + dash + 1, id.data() + id.size(), *seq);
  return a.ec == std::errc() && b.ec == std::errc() && b.ptr == id.data() + id.size();
}

RedisStreamBus::RedisStreamBus(const redis::Connector& connector)
    : client_(connector), commit_script_(kCommit), touch_script_(kTouch) {}

Status RedisStreamBus::Touch(const std::string& stream, const std::string& group, const std::string& consumer,
                             const std::vector<std::string>& ids, std::vector<std::string>* owned) {
  owned->clear();
  if (ids.empty()) return Status::Ok();
  redis::Args argv = {group, consumer};
  argv.insert(argv.end(), ids.begin(), ids.end());
  redis::Reply r;
  Status s = client_.Eval(touch_script_, {stream}, argv, &r);
  if (!s.ok()) return s;
  for (std::size_t i = 0; i < r->elements; ++i) owned->emplace_back(redis::ReplyText(r->element[i]));
  return Status::Ok();
}

Status RedisStreamBus::EnsureGroup(const std::string& stream, const std::string& group) {
  Status s = client_.Run({"XGROUP", "CREATE", stream, group, "0", "MKSTREAM"});
  if (!s.ok() && s.message().find("BUSYGROUP") != std::string::npos) return Status::Ok();
  return s;
}

Status RedisStreamBus::ReadNew(const std::string& stream, const std::string& group, const std::string& consumer,
                               int count, std::chrono::milliseconds block, std::vector<Entry>* out) {
  out->clear();
  redis::Reply r;
  Status s = client_.Run({"XREADGROUP", "GROUP", group, consumer, "COUNT", std::to_string(count), "BLOCK",
                          std::to_string(block.count()), "STREAMS", stream, ">"},
                         &r);
  // A group deleted behind our back (FLUSHALL, operator): recreate it.
  if (!s.ok() && s.message().find("NOGROUP") != std::string::npos) return EnsureGroup(stream, group);
  if (!s.ok() || r->type != REDIS_REPLY_ARRAY) return s;  // nil: timed out, nothing new
  for (std::size_t k = 0; k < r->elements; ++k) {
    const redisReply* entries = r->element[k]->element[1];
    for (std::size_t i = 0; i < entries->elements; ++i) {
      Entry e;
      if (ToEntry(entries->element[i], &e)) out->push_back(std::move(e));
    }
  }
  return Status::Ok();
}

Status RedisStreamBus::ListIdle(const std::string& stream, const std::string& group,
                                std::chrono::milliseconds min_idle, int count, std::vector<PendingEntry>* out) {
  out->clear();
  redis::Reply r;
  Status s = client_.Run(
      {"XPENDING", stream, group, "IDLE", std::to_string(min_idle.count()), "-", "+", std::to_string(count)}, &r);
  if (!s.ok()) return s;
  for (std::size_t i = 0; i < r->elements; ++i) {
    const redisReply* p = r->element[i];
    if (p->type != REDIS_REPLY_ARRAY || p->elements < 4) continue;
    out->push_back({std::string(redis::ReplyText(p->element[0])), std::string(redis::ReplyText(p->element[1])),
                    p->element[3]->integer});
  }
  return Status::Ok();
}

Status RedisStreamBus::Claim(const std::string& stream, const std::string& group, const std::string& consumer,
                             std::chrono::milliseconds min_idle, const std::vector<std::string>& ids,
                             std::vector<Entry>* out) {
  out->clear();
  if (ids.empty()) return Status::Ok();
  redis::Args args = {"XCLAIM", stream, group, consumer, std::to_string(min_idle.count())};
  args.insert(args.end(), ids.begin(), ids.end());
  redis::Reply r;
  Status s = client_.Run(args, &r);
  if (!s.ok()) return s;
  // Ids missing from the reply were claimed by another consumer first (their
  // idle time was reset), or were deleted from the stream, which Redis 7
  // drops from the pending list itself. Either way: not ours to touch.
  for (std::size_t i = 0; i < r->elements; ++i) {
    Entry e;
    if (ToEntry(r->element[i], &e)) out->push_back(std::move(e));
  }
  return Status::Ok();
}

Status RedisStreamBus::Commit(const std::string& stream, const std::string& group, const std::string& consumer,
                              const std::vector<HandOver>& handovers, std::vector<std::string>* accepted) {
  accepted->clear();
  if (handovers.empty()) return Status::Ok();
  redis::Args argv = {group, consumer, std::to_string(handovers.size())};
  for (const HandOver& h : handovers) {
    argv.push_back(h.id);
    argv.push_back(h.may_have_failed ? "1" : "0");
    argv.push_back(std::to_string(h.emits.size()));
    for (const Emit& emit : h.emits) {
      argv.push_back(emit.stream);
      argv.push_back(std::to_string(emit.maxlen));
      argv.push_back(std::to_string(emit.fields.size() * 2));
      for (const auto& [k, v] : emit.fields) {
        argv.push_back(k);
        argv.push_back(v);
      }
    }
  }
  redis::Reply r;
  Status s = client_.Eval(commit_script_, {stream, FailureKey(stream)}, argv, &r);
  if (!s.ok()) return s;
  for (std::size_t i = 0; i < r->elements; ++i) accepted->emplace_back(redis::ReplyText(r->element[i]));
  return Status::Ok();
}

Status RedisStreamBus::RecordFailure(const std::string& stream, const std::string& id, const std::string& error) {
  return client_.Run({"HSET", FailureKey(stream), id, error});
}

Status RedisStreamBus::LastFailure(const std::string& stream, const std::string& id, std::string* error) {
  redis::Reply r;
  Status s = client_.Run({"HGET", FailureKey(stream), id}, &r);
  if (s.ok()) *error = std::string(redis::ReplyText(r.get()));
  return s;
}

Status RedisStreamBus::TrimConsumed(const std::string& stream) {
  redis::Reply groups;
  Status s = client_.Run({"XINFO", "GROUPS", stream}, &groups);
  if (!s.ok() || groups->elements == 0) return s;  // no consumer yet: keep everything
  std::string min_id;
  for (std::size_t i = 0; i < groups->elements; ++i) {
    const redisReply* g = groups->element[i];
    std::string keep(redis::ReplyText(MapGet(g, "last-delivered-id")));
    const redisReply* pending = MapGet(g, "pending");
    if (pending != nullptr && pending->integer > 0) {
      redis::Reply summary;
      s = client_.Run({"XPENDING", stream, std::string(redis::ReplyText(MapGet(g, "name")))}, &summary);
      if (!s.ok()) return s;
      keep = std::string(redis::ReplyText(summary->element[1]));  // smallest pending id
    }
    if (min_id.empty() || IdLess(keep, min_id)) min_id = keep;
  }
  if (min_id.empty() || min_id == "0-0") return Status::Ok();
  return client_.Run({"XTRIM", stream, "MINID", "~", min_id});
}

}  // namespace spamphibian
