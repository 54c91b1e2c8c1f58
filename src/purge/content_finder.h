// ContentFinder: an author's content in GitLab, through the admin token's
// listings, for a purge plan (purge_plan.h).
//
//   projects        GET /users/:id/projects                 (owned)
//   issues          GET /issues?author_id=:id&scope=all
//   merge requests  GET /merge_requests?author_id=:id&scope=all&state=all
//   snippets        GET /snippets/all?created_after=<sign-up> (an admin's
//                   listing of every snippet has no author filter; the
//                   account's sign-up bounds it, and a spammer's account is new)
//   groups          GET /users/:id/memberships?type=Namespace, owned, then
//                   GET /groups/:gid/members/all: only when the author is its
//                   only member (a group others share is not theirs alone)
//   comments, wiki  GET /users/:id/events (contribution events: a comment's
//   pages           note is embedded; a wiki page's slug and title)
//
// Every call goes through the caller's GitLabApi (rate limited by
// GITLAB_API_RATE, retried, paged). Bounded by the plan's max_items (then
// "truncated"), resumable: a listing read to the end is recorded in the
// plan, so a plan that stopped (GitLab failed, time ran out) continues
// where it stopped when asked again; items are never listed twice.
#pragma once

#include <functional>
#include <string>

#include "base/status.h"
#include "gitlab/moderation.h"
#include "purge/purge_plan.h"

namespace spamphibian::purge {

// GitLabApi::GetPages: calls `on_page` with each page's array until it
// returns false or the listing ends.
using PageLister = std::function<Status(const std::string& path, const std::function<bool(const nlohmann::json&)>& on_page)>;

class ContentFinder {
 public:
  // `list` and `get` read GitLab (GitLabApi::GetPages and ::Get).
  ContentFinder(PageLister list, gitlab::ApiGet get) : list_(std::move(list)), get_(std::move(get)) {}

  // Adds what the listings not yet done show of plan->author to `plan`
  // (its author, reviewed_item and max_items set), and sets its state:
  // complete, truncated, or partial with `stopped` (the Status is then the
  // failure, and what was found so far is in the plan).
  Status Find(PurgePlan* plan);

 private:
  Status Groups(PurgePlan* plan, const std::function<bool(gitlab::Item)>& add);

  PageLister list_;
  gitlab::ApiGet get_;
};

}  // namespace spamphibian::purge
