// AdminService: everything on the admin listener (ADMIN_BIND:ADMIN_PORT,
// loopback by default), one handler:
//
//   GET  /                     the review page (sign-in link when signed out)
//   GET  /static/app.js, /static/app.css
//   GET  /login                to GitLab's /oauth/authorize (PKCE)
//   GET  /oauth/callback       back from GitLab: code -> reviewer -> session
//                              (each state once, within 10 minutes; the
//                              GitLab calls on a thread of their own)
//   POST /logout               ends the session (CSRF token)
//   GET  /api/v1/session       who is signed in, and the CSRF token
//   GET  /api/v1/reviews       ?state=&verdict=&item_type=&min_score=&max_score=&disagree=1&limit=&cursor=
//   GET  /api/v1/reviews/{id}  one review, with the author's other reviews
//   GET  /api/v1/reviews/{id}/purge-plan[?refresh=1]
//                              what "and everything of this author" will hide
//                              or delete (purge/), found on a thread of its own
//   POST /api/v1/reviews/{id}  {"outcome", "scope", "trust_author", "purge_plan"}
//   GET  /api/v1/models        the model registry (registry/model_operations.h)
//   POST /api/v1/models/{version}/promote|shadow|retire, /api/v1/models/rollback,
//        /api/v1/models/shadow/stop   (GitLab admins and the API token only)
//
// Who may call: a reviewer signed in with GitLab (a GitLab admin, or a
// member of a group in review.groups), whose every POST carries the
// session's CSRF token in X-CSRF-Token; or a script with
// `Authorization: Bearer <ADMIN_API_TOKEN>` (compared in constant time).
// Everything else is 401 (403 for a missing CSRF token or a non-reviewer).
//
// Every response carries a strict Content-Security-Policy: spam is shown
// here, and it is hostile (no inline script, no remote anything).
#pragma once

#include <spdlog/logger.h>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "admin/gitlab_oauth.h"
#include "admin/sessions.h"
#include "config/secret.h"
#include "http/message.h"
#include "base/work_queue.h"
#include "metrics/registry.h"
#include "purge/planner.h"
#include "registry/model_operations.h"
#include "security/keyed_rate_limiter.h"
#include "review/outcomes.h"
#include "review/review_store.h"
#include "stages/action_ledger.h"

namespace spamphibian::admin {

struct AdminServiceOptions {
  std::string gitlab_url;  // links to items and to the admin pages; OAuth
  std::string admin_url;   // ADMIN_URL ("" = sign-in off); https makes cookies Secure
  std::string oauth_client_id;
  Secret oauth_client_secret;
  Secret api_token;  // "" = no script access
  std::vector<std::string> review_groups;
  std::chrono::hours session_lifetime{12};
  // How often a signed-in reviewer is asked about again (still an admin or
  // a review group's member, still active); on the sign-in thread.
  std::chrono::seconds reviewer_check{300};
  review::ReviewPolicy policy;
};

// What one admin worker thread owns: its own Redis connections and HTTP
// client, so that no request waits for another's lock.
struct AdminWorker {
  std::unique_ptr<review::ReviewStore> reviews;
  std::unique_ptr<SessionStore> sessions;
  std::unique_ptr<RedisActionLedger> ledger;  // what was done to each item
  std::unique_ptr<GitLabOAuth> oauth;         // null without OAuth settings
  std::unique_ptr<registry::ModelOperations> models;  // null without S3
  // Is this GitLab user a member of one of review.groups? (the service's
  // own token asks GitLab)
  std::function<Status(std::int64_t user_id, bool* member)> in_review_groups;
  // Is this GitLab user an admin, and active (not blocked or deleted)?
  std::function<Status(std::int64_t user_id, bool* is_admin, bool* active)> user_status;
  std::unique_ptr<purge::PlanStore> purge_plans;  // the plans reviewers were shown
  std::shared_ptr<void> owned;  // keeps what the members above use alive
};

// Where purge plans are found: one plan asks GitLab many times (every
// listing, paged), so on a thread of its own, one plan at a time, behind a
// small queue; the listener's threads never wait on it.
struct PurgeWorker {
  std::unique_ptr<review::ReviewStore> reviews;
  std::unique_ptr<purge::Planner> planner;
  // Bounds one plan's GitLab calls (GitLabApi::SetDeadline); a plan that
  // runs out is kept partial and resumed by the next request.
  std::function<void(std::optional<std::chrono::steady_clock::time_point>)> set_deadline;
  std::chrono::seconds budget{20};
  std::shared_ptr<void> owned;
};

class SignInQueue;

class AdminService : public http::Handler {
 public:
  // workers[i] serves requests of the admin server's thread i; `sign_in`
  // finishes sign-ins on a thread of its own (sign_in_queue.h), so that no
  // wait on GitLab holds those threads.
  // `purge` finds purge plans (null: no GitLab to ask; the endpoint is 503).
  AdminService(AdminServiceOptions options, std::vector<AdminWorker> workers, AdminWorker sign_in,
               std::unique_ptr<PurgeWorker> purge, metrics::Registry& metrics, spdlog::logger& log);
  ~AdminService() override;

  void Handle(http::Request request, http::Respond respond) override;

 private:
  struct Caller;
  http::Response Route(const http::Request& request, AdminWorker& w);
  // Who is calling: by bearer token or session cookie; nullopt with the
  // response to give when neither holds.
  std::optional<Caller> Authenticate(const http::Request& request, AdminWorker& w, http::Response* refusal);
  http::Response Login(const http::Request& request, AdminWorker& w);
  // Checks the state (once only) here, then queues the rest; answers
  // through `respond`, from the sign-in thread or at once.
  void Callback(const http::Request& request, AdminWorker& w, http::Respond respond);
  http::Response FinishSignIn(const std::string& code, const std::string& verifier, AdminWorker& w);
  // GET …/purge-plan: authenticated here, found on the purge thread.
  void PurgePlan(const http::Request& request, AdminWorker& w, http::Respond respond);
  http::Response FindPurgePlan(const std::string& review_id, bool refresh);
  // Asks GitLab again whether a signed-in reviewer may still review; ends
  // the session when not (on the sign-in thread).
  void Recheck(const std::string& session_id, const Session& session, AdminWorker& w);
  // Security headers, the request counter, then `respond`.
  void Finish(http::Response response, const http::Respond& respond);
  http::Response Logout(const http::Request& request, AdminWorker& w);
  http::Response ListReviews(const http::Request& request, AdminWorker& w);
  http::Response GetReview(const std::string& id, AdminWorker& w);
  http::Response Answer(const std::string& id, const http::Request& request, const Caller& caller, AdminWorker& w);
  http::Response Models(const std::string& path, const http::Request& request, const Caller& caller, AdminWorker& w);
  // A review as the API shows it; `with_author` adds the author's others.
  nlohmann::json View(const review::Review& r, const std::vector<nlohmann::json>& actions) const;
  std::string CookieKey() const;
  std::string CookieAttributes() const;

  AdminServiceOptions options_;
  std::vector<AdminWorker> workers_;
  std::string cookie_key_;
  metrics::CounterFamily& requests_;
  metrics::CounterFamily& answers_;
  metrics::CounterFamily& auth_failures_;
  metrics::CounterFamily& purge_plans_;
  spdlog::logger& log_;
  // /login keeps a state in Redis for each sign-in it starts: bounded per
  // client address.
  security::KeyedRateLimiter logins_;
  // Answers: per signed-in reviewer (a script's token is not held to a
  // person's pace), and per review (flipping one item back and forth
  // writes a label, an S3 object and audit entries each time).
  security::KeyedRateLimiter answers_by_reviewer_;
  security::KeyedRateLimiter answers_by_review_;
  // Purge plans, per caller (the API token included): finding one asks
  // GitLab many times, from the budget the fetch stage shares.
  security::KeyedRateLimiter purge_plans_by_caller_;
  std::unique_ptr<SignInQueue> sign_ins_;  // null without OAuth settings
  std::unique_ptr<PurgeWorker> purge_;     // null without GitLab
  std::unique_ptr<WorkQueue> purge_queue_;  // after purge_: its jobs use it
};

// The headers every admin response carries (CSP and friends).
void AddSecurityHeaders(http::Response* response);

}  // namespace spamphibian::admin
