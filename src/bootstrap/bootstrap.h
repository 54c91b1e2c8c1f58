// Bootstrap: learn the instance's own ordinary text before the first
// retrain, as SpamAssassin users run `sa-learn --ham` on their own mail:
//   spamphibian model bootstrap [--min-age-days N] [--per-user N] [--max N] [--include-private] [--restart]
//
// Pages through the users (GET /users, oldest first) and keeps the accounts
// an admin would vouch for (Vouch): trusted by the trust rules (verified
// e-mail, trusted domain), members of the review groups (the people who
// may moderate), or older than `min_age_days` with a confirmed e-mail;
// never a bot, a blocked or banned account, or an admin's own
// service account. For each, it reads what they wrote: their profile, the
// projects they own (GET /users/:id/projects), the issues they opened
// (GET /issues?author_id=&scope=all) and their comments (GET
// /users/:id/events?action=commented), at most `per_user` items, public
// ones only unless `include_private`. Each becomes a `ham` label in S3
// (labels/bootstrap/<type>/<id>.json, source "bootstrap"), which `model
// retrain` reads like reviewers' labels but weighs less (retrain.h): an
// account's age is a good sign, not a person's answer.
//
// Rate-limited by the GitLab client's limiter (GITLAB_API_RATE), stopped by
// *stop, resumable: a user is recorded as done (<prefix>bootstrap:done, a
// Redis set) only after all their labels are written, and a label's key is
// the item's, so a run interrupted half-way writes the same objects again,
// never a second copy. Bounded by `max_labels`: it stops there and says so.
#pragma once

#include <nlohmann/json.hpp>
#include <spdlog/logger.h>

#include <atomic>
#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "base/status.h"
#include "gitlab/api.h"
#include "redis/client.h"
#include "storage/object_store.h"
#include "trust/trust_policy.h"

namespace spamphibian::bootstrap {

inline constexpr const char* kLabelsPrefix = "labels/bootstrap/";

struct Options {
  double min_age_days = 90;
  int per_user = 20;          // items per account at most (one prolific account is not the instance)
  long max_labels = 5000;     // labels per run at most
  bool include_private = false;
  std::string done_key;       // full Redis key of the set of users done
  std::string verified_key;   // full Redis key of the verified-users set (jobs), for the trust rules
  std::vector<std::string> review_groups;  // their members are vouched for (review.groups: ids or paths)
};

struct Counts {
  long users = 0;          // listed
  long vouched = 0;        // kept (this run)
  long done_before = 0;    // vouched and done by an earlier run
  long labels = 0;         // written
  long private_skipped = 0;
  bool capped = false;     // stopped at max_labels
  nlohmann::json ToJson() const;
};

// Why an admin would vouch for this user (a GET /users object), or "" when
// not. `trust_reason` is what the trust rules say of them ("" for none).
std::string Vouch(const nlohmann::json& user, const std::string& trust_reason, double min_age_days,
                  std::chrono::system_clock::time_point now);

class Bootstrap {
 public:
  // Everything passed in must outlive this.
  Bootstrap(Options options, gitlab::GitLabApi& api, storage::ObjectStore& store, const redis::Connector& connector,
            const TrustPolicy& trust, spdlog::logger& log)
      : options_(std::move(options)), api_(api), store_(store), client_(connector), trust_(trust), log_(log) {}

  // Runs until the users end, *stop turns true or max_labels is reached.
  // Unavailable/PermissionDenied from GitLab, S3 or Redis end the run (the
  // next run resumes); counts say how far it got.
  Status Run(const std::atomic<bool>& stop, Counts* counts);

 private:
  // Labels for one vouched user's content; false once the run must end.
  Status LabelUser(const nlohmann::json& user, const std::atomic<bool>& stop, Counts* counts);
  Status Put(gitlab::Item item, const gitlab::Author& author, Counts* counts);
  // Whether a project is public (GET /projects/:id, asked once per run):
  // issues and comments carry no visibility of their own.
  Status ProjectIsPublic(std::int64_t id, bool* is_public);

  Options options_;
  gitlab::GitLabApi& api_;
  storage::ObjectStore& store_;
  redis::Client client_;
  const TrustPolicy& trust_;
  spdlog::logger& log_;
  std::map<std::int64_t, bool> public_projects_;
};

}  // namespace spamphibian::bootstrap
