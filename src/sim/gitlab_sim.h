// GitLabSim: an HTTP handler that behaves like the parts of GitLab that
// Spamphibian uses, for tests, benchmarks and `scripts/run` without a GitLab.
//
// * Serves users, projects, groups (and members), issues, merge requests,
//   notes, wiki pages and snippets (with raw content) from a dataset in
//   GitLab API v4 shapes (sim/dataset.json), with page/per_page pagination
//   and x-next-page / Link headers.
// * Implements the writes the act stage calls (block/unblock, ban/unban,
//   delete user, visibility, confidential issues, deletes) and changes its
//   state accordingly.
// * Records every request: GET /_sim/requests (DELETE clears).
// * POST /_sim/objects/<collection> adds an object (e.g. a test's user);
//   group_members takes {"group_id", "member"}.
// * Lists what an author made as GitLab does for an admin: /users/:id/projects,
//   /issues and /merge_requests?author_id=, /snippets/all?created_after=,
//   /users/:id/memberships, /users/:id/events (comments).
// * Injects faults: POST /_sim/faults {"path_prefix","status","count",
//   "retry_after","latency_ms","drop"}; DELETE /_sim/faults clears.
// * Checks PRIVATE-TOKEN when a token is configured (401 otherwise).
// * Is an OAuth 2.0 provider when enabled (EnableOAuth): /oauth/authorize
//   approves the configured user at once (POST /_sim/oauth {"user"} picks
//   another) and redirects back with a code; /oauth/token exchanges it,
//   checking the client secret, the redirect URI and the PKCE verifier;
//   GET /api/v4/user answers who a Bearer token belongs to.
//
// Thread-safe. Latency is served with timers on `timers`, never by sleeping,
// so one slow request does not hold up the others.
#pragma once

#include <boost/asio/io_context.hpp>
#include <nlohmann/json.hpp>

#include <chrono>
#include <mutex>
#include <map>
#include <string>
#include <vector>

#include "http/message.h"

namespace spamphibian::sim {

class GitLabSim : public http::Handler {
 public:
  // `max_per_page` caps page sizes as GitLab does (100); lower it to make
  // small datasets span several pages.
  // `hide_emails`: answer as GitLab does to a non-admin token (no `email`).
  GitLabSim(nlohmann::json dataset, std::string token, boost::asio::io_context& timers, int max_per_page = 100,
            bool hide_emails = false);

  void Handle(http::Request request, http::Respond respond) override;

  // The dataset, as changed by writes so far (a copy).
  nlohmann::json State() const;

  // Users with ids from kSyntheticBase up exist without being in the
  // dataset, made on first use (odd ids spammers, even ids developers):
  // for load and chaos runs with thousands of distinct users.
  static constexpr std::int64_t kSyntheticBase = 1000000;
  void EnableSyntheticUsers() { synthetic_users_ = true; }

  // Makes the simulator an OAuth provider for one application; `username`
  // is who "signs in" at /oauth/authorize.
  void EnableOAuth(std::string client_id, std::string client_secret, std::string username);

 private:
  struct Fault {
    std::string path_prefix;
    int status = 0;        // 0: no status fault
    int count = -1;        // how many requests it applies to; -1: all
    int retry_after = -1;  // seconds, for 429
    int latency_ms = 0;
    bool drop = false;     // close the connection without answering
  };

  http::Response Route(const http::Request& req);
  http::Response Api(const std::string& method, const std::vector<std::string>& seg, const http::Request& req);
  http::Response Control(const http::Request& req);
  http::Response OAuth(const http::Request& req);
  http::Response Paged(const nlohmann::json& all, const http::Request& req);
  nlohmann::json Public(const nlohmann::json& obj) const;

  nlohmann::json* Find(const char* collection, const char* key, std::int64_t value);
  static nlohmann::json SyntheticUser(std::int64_t id);
  nlohmann::json Create(const char* collection, const nlohmann::json& body, std::int64_t project_id);

  std::string token_;
  boost::asio::io_context& timers_;
  int max_per_page_;
  bool hide_emails_;
  mutable std::mutex mu_;
  nlohmann::json data_;
  nlohmann::json log_ = nlohmann::json::array();
  std::vector<Fault> faults_;
  bool synthetic_users_ = false;
  struct OAuthGrant {
    std::string username, redirect_uri, challenge;
  };
  std::string oauth_client_id_, oauth_client_secret_, oauth_user_;
  std::map<std::string, OAuthGrant> oauth_codes_;
  std::map<std::string, std::string> oauth_tokens_;  // access token -> username
  std::uint64_t oauth_serial_ = 0;
  std::map<std::int64_t, nlohmann::json> synthetic_;
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
};

// Hook payloads for the dataset's content, as GitLab would send them:
// system hooks for users, projects and groups; webhooks for issues, merge
// requests, notes and wiki pages; the internal snippet_check per snippet.
// Each entry: {"event": "System Hook"|..., "payload": {...}}.
nlohmann::json HookPayloads(const nlohmann::json& dataset);

}  // namespace spamphibian::sim
