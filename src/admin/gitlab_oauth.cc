#include "admin/gitlab_oauth.h"

#include "http/percent_encoding.h"
#include "security/crypto.h"

namespace spamphibian::admin {

std::string CodeChallenge(const std::string& verifier) { return security::Base64Url(security::Sha256(verifier)); }

std::string GitLabOAuth::AuthorizeUrl(const std::string& state, const std::string& verifier) const {
  using http::PercentEncode;
  return options_.gitlab_url + "/oauth/authorize?client_id=" + PercentEncode(options_.client_id) +
         "&redirect_uri=" + PercentEncode(options_.redirect_uri) + "&response_type=code&scope=read_user" +
         "&state=" + PercentEncode(state) + "&code_challenge=" + PercentEncode(CodeChallenge(verifier)) +
         "&code_challenge_method=S256";
}

Status GitLabOAuth::Exchange(const std::string& code, const std::string& verifier, std::string* access_token) {
  using http::PercentEncode;
  http::ClientRequest req;
  req.method = "POST";
  req.url = options_.gitlab_url + "/oauth/token";
  req.headers = {{"Content-Type", "application/x-www-form-urlencoded"}, {"Accept", "application/json"}};
  req.body = "grant_type=authorization_code&code=" + PercentEncode(code) + "&redirect_uri=" +
             PercentEncode(options_.redirect_uri) + "&client_id=" + PercentEncode(options_.client_id) +
             "&client_secret=" + PercentEncode(options_.client_secret.reveal()) + "&code_verifier=" + PercentEncode(verifier);
  req.max_response_bytes = 64 << 10;
  http::ClientResponse resp;
  if (Status s = http_.Send(req, &resp); !s.ok()) return Status::Unavailable("GitLab /oauth/token: " + s.message());
  if (resp.status >= 500) return Status::Unavailable("GitLab /oauth/token: HTTP " + std::to_string(resp.status));
  const nlohmann::json j = nlohmann::json::parse(resp.body, nullptr, false);
  if (resp.status != 200 || !j.is_object() || !j.contains("access_token") || !j["access_token"].is_string()) {
    return Status::PermissionDenied("GitLab refused the sign-in code (HTTP " + std::to_string(resp.status) + ")");
  }
  *access_token = j["access_token"].get<std::string>();
  return Status::Ok();
}

Status GitLabOAuth::CurrentUser(const std::string& token, nlohmann::json* user) {
  http::ClientRequest req;
  req.url = options_.gitlab_url + "/api/v4/user";
  req.headers = {{"Authorization", "Bearer " + token}, {"Accept", "application/json"}};
  req.max_response_bytes = 256 << 10;
  http::ClientResponse resp;
  if (Status s = http_.Send(req, &resp); !s.ok()) return Status::Unavailable("GitLab /api/v4/user: " + s.message());
  if (resp.status >= 500) return Status::Unavailable("GitLab /api/v4/user: HTTP " + std::to_string(resp.status));
  *user = nlohmann::json::parse(resp.body, nullptr, false);
  if (resp.status != 200 || !user->is_object() || !user->contains("username")) {
    return Status::PermissionDenied("GitLab did not say who signed in (HTTP " + std::to_string(resp.status) + ")");
  }
  return Status::Ok();
}

}  // namespace spamphibian::admin
