// A reviewer's answer to a review, the same from the page, the JSON API and
// a Slack button: what it sends on (review_store.h's Answer) and applying it
// once.
//
//   spam  the item's `review.on_spam` actions (by type; default quarantine:
//         block a user, hide content) go to the act stage as a reviewed
//         decision: archive first, idempotent, audited, under the cap, and
//         even in monitor mode, since a person approved. Scope "author": the
//         author is blocked (or banned: review.author_action), every other
//         pending review of theirs is answered spam as well, and with a
//         purge plan (purge/purge_plan.h, shown to the reviewer first) every
//         item of the plan is hidden or deleted on the act stage's path.
//   ham   the act stage undoes every action taken on the item (as
//         `spamphibian restore`); trust_author adds the author's e-mail to
//         the verified users.
//   skip  nothing but the state.
// spam and ham become a label ({"label", "item", "signals", "rendering", …},
// the format `spamphibian train --data` reads).
#pragma once

#include <nlohmann/json.hpp>

#include <map>
#include <string>
#include <vector>

#include "base/status.h"
#include "review/review_store.h"

namespace spamphibian::review {

struct OutcomeRequest {
  std::string outcome;       // spam, ham, skip
  std::string scope = "item";  // item, author
  bool trust_author = false;
  // Scope author only: the plan the reviewer was shown (purge::ForAct),
  // carried to the act stage as it is; null: no purge of content.
  nlohmann::json purge = nullptr;
};

// Who answered, for the audit and the label.
struct Reviewer {
  std::string username;
  std::string via;  // page, api, slack
};

struct ReviewPolicy {
  // item type -> actions for a confirmed spam item (policy/policy.h names).
  std::map<std::string, std::vector<std::string>> on_spam;
  // False without an S3 archive (nothing is changed in GitLab without one):
  // answers are recorded and labelled, and say that nothing was sent.
  bool can_act = true;
  // What scope "author" does to the author: block_user, or ban_user
  // (GitLab then hides their issues, merge requests and comments itself).
  std::string author_action = "block_user";
  // The actions for `item_type`: its own, else [quarantine].
  std::vector<std::string> OnSpam(const std::string& item_type) const;
};

// Checks a request: InvalidArgument naming the bad field.
Status ValidateOutcome(const OutcomeRequest& request);

// The Answer for `review` (in the state read) from `reviewer`.
Answer BuildAnswer(const Review& review, const OutcomeRequest& request, const Reviewer& reviewer,
                   const ReviewPolicy& policy);

struct OutcomeResult {
  std::string state;     // the review's state afterwards
  bool applied = false;  // false: it was in that state already (nothing done twice)
  nlohmann::json done = nlohmann::json::array();  // what was sent on, for the answer
};

// Reads the review, applies the answer once (the store's compare-and-set on
// the state read) and, for scope "author", answers the author's other
// pending reviews spam. NotFound for an unknown review.
Status Decide(ReviewStore& store, const std::string& review_id, const OutcomeRequest& request,
              const Reviewer& reviewer, const ReviewPolicy& policy, OutcomeResult* result);

}  // namespace spamphibian::review
