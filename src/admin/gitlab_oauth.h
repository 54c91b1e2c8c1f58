// Sign in with GitLab: the OAuth 2.0 authorization code flow with PKCE
// (RFC 7636), GitLab as the identity provider. The browser is sent to
// GitLab's /oauth/authorize with a random `state` and the S256 challenge of
// a random verifier; GitLab sends it back to <ADMIN_URL>/oauth/callback
// with a code, which is exchanged (with the verifier and the client
// secret) for a token that reads /api/v4/user once. The token is not kept:
// the session says who the reviewer is, nothing more is done as them.
#pragma once

#include <nlohmann/json.hpp>

#include <string>

#include "base/status.h"
#include "config/secret.h"
#include "http/client.h"

namespace spamphibian::admin {

struct OAuthOptions {
  std::string gitlab_url;  // e.g. https://gitlab.example.com
  std::string client_id;
  Secret client_secret;
  std::string redirect_uri;  // <ADMIN_URL>/oauth/callback
};

// The S256 code challenge of `verifier`: base64url(SHA-256(verifier)).
std::string CodeChallenge(const std::string& verifier);

class GitLabOAuth {
 public:
  // `http` must outlive this; not thread-safe (one per thread, like `http`).
  GitLabOAuth(OAuthOptions options, http::HttpClient& http) : options_(std::move(options)), http_(http) {}

  // Where to send the browser.
  std::string AuthorizeUrl(const std::string& state, const std::string& verifier) const;
  // POST /oauth/token. PermissionDenied when GitLab refuses the code;
  // Unavailable when it does not answer.
  Status Exchange(const std::string& code, const std::string& verifier, std::string* access_token);
  // GET /api/v4/user with that token.
  Status CurrentUser(const std::string& access_token, nlohmann::json* user);

 private:
  OAuthOptions options_;
  http::HttpClient& http_;
};

}  // namespace spamphibian::admin
