#include "admin/sessions.h"

#include <nlohmann/json.hpp>

#include <chrono>

#include "security/constant_time.h"
#include "security/crypto.h"

namespace spamphibian::admin {

namespace {

// KEYS[1] the session, KEYS[2] its user's sessions (a sorted set of hashed
// ids by expiry); ARGV: record, ttl ms, now ms, expires ms, hashed id,
// most sessions, the session keys' prefix. The oldest sessions beyond the
// most are deleted in the same step. (Their keys are derived here from the
// set, so this is for a standalone or Sentinel Redis, not a cluster.)
constexpr const char* kCreate = R"lua(
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', ARGV[3])
redis.call('ZADD', KEYS[2], ARGV[4], ARGV[5])
redis.call('PEXPIREAT', KEYS[2], redis.call('ZRANGE', KEYS[2], -1, -1, 'WITHSCORES')[2])
local over = redis.call('ZCARD', KEYS[2]) - tonumber(ARGV[6])
if over > 0 then
  for _, h in ipairs(redis.call('ZRANGE', KEYS[2], 0, over - 1)) do redis.call('DEL', ARGV[7] .. h) end
  redis.call('ZREMRANGEBYRANK', KEYS[2], 0, over - 1)
end
return over
)lua";

std::int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

nlohmann::json Record(const Session& s) {
  return {{"username", s.username},     {"user_id", s.user_id},
          {"is_admin", s.is_admin},     {"csrf", s.csrf},
          {"expires_ms", s.expires_ms}, {"checked_ms", s.checked_ms}};
}

}  // namespace

RedisSessionStore::RedisSessionStore(const redis::Connector& connector, std::string prefix)
    : client_(connector), prefix_(std::move(prefix)), create_(kCreate) {}

std::string RedisSessionStore::Key(const std::string& id) const {
  return prefix_ + "admin:session:" + security::Sha256Hex(id);
}

Status RedisSessionStore::Create(const Session& s, std::string* id) {
  *id = security::RandomToken(32);
  const std::int64_t now = NowMs();
  redis::Reply reply;
  return client_.Eval(create_, {Key(*id), prefix_ + "admin:sessions_of:" + std::to_string(s.user_id)},
                      {Record(s).dump(), std::to_string(std::max<std::int64_t>(1, s.expires_ms - now)),
                       std::to_string(now), std::to_string(s.expires_ms), security::Sha256Hex(*id),
                       std::to_string(kMaxSessionsPerUser), prefix_ + "admin:session:"},
                      &reply);
}

Status RedisSessionStore::Update(const std::string& id, const Session& session) {
  return client_.Run({"SET", Key(id), Record(session).dump(), "XX", "KEEPTTL"});
}

Status RedisSessionStore::Find(const std::string& id, Session* out, bool* found) {
  *found = false;
  redis::Reply reply;
  if (Status s = client_.Run({"GET", Key(id)}, &reply); !s.ok()) return s;
  if (reply->type != REDIS_REPLY_STRING) return Status::Ok();
  const nlohmann::json j = nlohmann::json::parse(redis::ReplyText(reply.get()), nullptr, false);
  if (!j.is_object()) return Status::Ok();
  out->username = j.value("username", "");
  out->user_id = j.value("user_id", std::int64_t{0});
  out->is_admin = j.value("is_admin", false);
  out->csrf = j.value("csrf", "");
  out->expires_ms = j.value("expires_ms", std::int64_t{0});
  out->checked_ms = j.value("checked_ms", std::int64_t{0});
  *found = !out->username.empty();
  return Status::Ok();
}

Status RedisSessionStore::Delete(const std::string& id) { return client_.Run({"DEL", Key(id)}); }

// Kept hashed, like sessions: a Redis dump holds no state to replay.
Status RedisSessionStore::BeginSignIn(const std::string& state, std::chrono::seconds ttl) {
  return client_.Run({"SET", prefix_ + "admin:sign_in:" + security::Sha256Hex(state), "1", "EX",
                      std::to_string(ttl.count()), "NX"});
}

Status RedisSessionStore::EndSignIn(const std::string& state, bool* fresh) {
  *fresh = false;
  redis::Reply reply;
  // GETDEL: of two callbacks racing with one state, one gets it.
  if (Status s = client_.Run({"GETDEL", prefix_ + "admin:sign_in:" + security::Sha256Hex(state)}, &reply); !s.ok()) {
    return s;
  }
  *fresh = reply->type == REDIS_REPLY_STRING;
  return Status::Ok();
}

std::string SignCookie(const std::string& key, const std::string& name, const std::string& value) {
  return value + "." + security::Base64Url(security::HmacSha256(key, name + "=" + value));
}

std::optional<std::string> VerifyCookie(const std::string& key, const std::string& name, const std::string& signed_value) {
  const auto dot = signed_value.rfind('.');
  if (dot == std::string::npos || dot == 0) return std::nullopt;
  const std::string value = signed_value.substr(0, dot);
  const std::string expected = security::Base64Url(security::HmacSha256(key, name + "=" + value));
  if (!ConstantTimeEquals(expected, std::string_view(signed_value).substr(dot + 1))) return std::nullopt;
  return value;
}

std::string CookieValue(std::string_view header, std::string_view name) {
  while (!header.empty()) {
    const std::size_t semi = header.find(';');
    std::string_view part = header.substr(0, semi);
    header = semi == std::string_view::npos ? std::string_view() : header.substr(semi + 1);
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    const std::size_t eq = part.find('=');
    if (eq != std::string_view::npos && part.substr(0, eq) == name) return std::string(part.substr(eq + 1));
  }
  return "";
}

}  // namespace spamphibian::admin
