#include "admin/sessions.h"

#include <nlohmann/json.hpp>

#include <chrono>

#include "security/constant_time.h"
#include "security/crypto.h"

namespace spamphibian::admin {

std::string RedisSessionStore::Key(const std::string& id) const {
  return prefix_ + "admin:session:" + security::Sha256Hex(id);
}

Status RedisSessionStore::Create(const Session& s, std::string* id) {
  *id = security::RandomToken(32);
  const auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  const nlohmann::json record = {{"username", s.username}, {"user_id", s.user_id}, {"is_admin", s.is_admin},
                                 {"csrf", s.csrf},         {"expires_ms", s.expires_ms}};
  return client_.Run({"SET", Key(*id), record.dump(), "PX", std::to_string(std::max<std::int64_t>(1, s.expires_ms - now))});
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
