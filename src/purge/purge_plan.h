// PurgePlan: what "spam, and everything of this author" will do, shown to
// the reviewer before they confirm, and carried out exactly as shown.
//
// A plan names the author's content found through GitLab's API
// (content_finder.h), and for each item what the purge does to it: the
// review policy's `review.on_spam` action for its type (hide by default,
// delete only where the operator says), or why nothing is sent (already
// private; hidden by GitLab itself while the author is banned; no
// reversible way to hide it). Its id names exactly those items and
// actions, so an answer that quotes an id carries out the plan it saw.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "base/status.h"
#include "gitlab/item.h"
#include "review/outcomes.h"

namespace spamphibian::purge {

struct PlanItem {
  gitlab::Item item;  // as the listing showed it (text kept: a deleted item is re-created from it)
  std::vector<std::string> actions;  // GitLab actions to send (quarantine, delete); may be empty
  std::string effect;  // hide, delete, hidden_by_ban, kept
  std::string why;     // for hidden_by_ban and kept: in plain words
};

// A plan is found in steps (GitLab may time out or fail half-way): a
// partial plan is stored and the next request resumes it, skipping the
// listings read to the end.
struct PurgePlan {
  std::string purge_id;   // "purge-" + digest of the items and actions; "" until found
  std::string review_id;  // the review it was found for
  gitlab::Author author;  // id, username, created_at
  std::string reviewed_item;  // "<type>:<id>" of the review's own item (acted on by the review, not the plan)
  std::vector<PlanItem> items;
  std::vector<std::string> sources_done;  // listings read to the end
  std::string state = "partial";          // partial, complete, truncated (stopped at max_items)
  std::string stopped;                    // why a partial plan stopped ("" otherwise)
  std::size_t max_items = 1000;
  std::string author_action = "block_user";
  std::string found_at;  // RFC 3339

  bool ready() const { return state == "complete" || state == "truncated"; }
};

// The actions and effect of every item, from the review policy (on_spam by
// type; a note's quarantine, say, has no reversible form), and the plan's
// id over the result.
void AssignActions(const review::ReviewPolicy& policy, PurgePlan* plan);

// Counts by item type and effect: {"project": {"hide": 1}, ...}.
nlohmann::json Summary(const PurgePlan& plan);

// The plan as stored and as the API shows it. `for_people` leaves out the
// items' text and API objects (the page lists titles, never bodies).
nlohmann::json ToJson(const PurgePlan& plan, bool for_people = false);
Status FromJson(const nlohmann::json& j, PurgePlan* plan);

// What the reviewed decision carries to the act stage: the id and, per
// item, the item and its actions (only items with something to send).
nlohmann::json ForAct(const PurgePlan& plan);

// The act stage's side: one reviewed decision per item of `purge` (ForAct's
// output), as the act stage reads any reviewed decision, so that each item
// is archived, reserved, capped and audited on the act stage's own path.
// `review` is the reviewed decision's "review" object (reviewer, via,
// review_id); each decision's id is "<purge_id>-<n>".
std::vector<nlohmann::json> ItemDecisions(const nlohmann::json& purge, const nlohmann::json& review,
                                          const std::string& time);

// The ledger's index of every action of a purge (`restore --purge`, and
// "not spam" on the review).
inline std::string LedgerKey(const std::string& purge_id) { return "purge:" + purge_id; }

}  // namespace spamphibian::purge
