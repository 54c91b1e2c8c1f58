// The few cryptographic primitives the service needs, from OpenSSL: random
// tokens (sessions, CSRF, OAuth state and PKCE verifiers), SHA-256 and
// HMAC-SHA256 (signed cookies, Slack's request signatures).
#pragma once

#include <string>
#include <string_view>

namespace spamphibian::security {

// `bytes` random bytes from the OS generator, base64url without padding.
std::string RandomToken(std::size_t bytes = 32);

// Raw 32-byte digests.
std::string Sha256(std::string_view data);
std::string HmacSha256(std::string_view key, std::string_view data);

std::string Hex(std::string_view raw);
// Hex(Sha256(data)): model versions, S3 payload hashes, session keys.
std::string Sha256Hex(std::string_view data);
// RFC 4648 §5, without padding (PKCE's code challenge, tokens in URLs).
std::string Base64Url(std::string_view raw);

}  // namespace spamphibian::security
