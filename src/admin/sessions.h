// Reviewer sessions of the admin listener. A session is a random id in a
// cookie (HttpOnly, SameSite=Lax, Secure behind https, signed so that a
// forged value is refused before Redis is asked) and a record in Redis
// under the SHA-256 of the id, so that a stolen Redis dump holds no usable
// cookie and sign-out ends the session everywhere.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "base/status.h"
#include "redis/client.h"
#include "redis/script.h"

namespace spamphibian::admin {

struct Session {
  std::string username;
  std::int64_t user_id = 0;
  bool is_admin = false;
  std::string csrf;          // the token every state-changing request must carry
  std::int64_t expires_ms = 0;
  // When GitLab last said this person may review (admin, or a member of a
  // review group); re-asked every few minutes (admin_service.cc).
  std::int64_t checked_ms = 0;
};

// A person signed in from more places than this loses the oldest session.
inline constexpr std::size_t kMaxSessionsPerUser = 10;

class SessionStore {
 public:
  virtual ~SessionStore() = default;
  // Stores `session` until its expiry; *id is the new random id. The
  // user's sessions beyond kMaxSessionsPerUser end, oldest first.
  virtual Status Create(const Session& session, std::string* id) = 0;
  virtual Status Find(const std::string& id, Session* out, bool* found) = 0;
  virtual Status Delete(const std::string& id) = 0;
  // Stores `session` (as Find read it, with checked_ms or is_admin changed)
  // over the session `id`, keeping its expiry, if it still exists: a
  // session deleted meanwhile (signed out, revoked) stays deleted.
  virtual Status Update(const std::string& id, const Session& session) = 0;

  // Sign-ins under way: /login keeps its OAuth state for `ttl`; the callback
  // takes it back, once (*fresh false: used already, expired, or never
  // issued). A signed cookie alone would let one state sign in any number
  // of times, each sending GitLab a code exchange.
  virtual Status BeginSignIn(const std::string& state, std::chrono::seconds ttl) = 0;
  virtual Status EndSignIn(const std::string& state, bool* fresh) = 0;
};

// Not thread-safe: one per thread.
class RedisSessionStore : public SessionStore {
 public:
  RedisSessionStore(const redis::Connector& connector, std::string prefix);
  Status Create(const Session& session, std::string* id) override;
  Status Find(const std::string& id, Session* out, bool* found) override;
  Status Delete(const std::string& id) override;
  Status Update(const std::string& id, const Session& session) override;
  Status BeginSignIn(const std::string& state, std::chrono::seconds ttl) override;
  Status EndSignIn(const std::string& state, bool* fresh) override;

 private:
  std::string Key(const std::string& id) const;
  redis::Client client_;
  std::string prefix_;
  redis::Script create_;
};

// "<value>.<base64url HMAC-SHA256(key, name + value)>": a value the service
// wrote, bound to its cookie name.
std::string SignCookie(const std::string& key, const std::string& name, const std::string& value);
// The value when the signature is the service's (compared in constant
// time); nullopt otherwise.
std::optional<std::string> VerifyCookie(const std::string& key, const std::string& name, const std::string& signed_value);

// The value of cookie `name` in a Cookie header, or "".
std::string CookieValue(std::string_view header, std::string_view name);

}  // namespace spamphibian::admin
