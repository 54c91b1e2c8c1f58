// Moderation: the GitLab REST calls that carry out an action on an item,
// and those that undo it. Pure functions of the item, so that dry-run can
// show the exact call, the archive can record it, and restore can invert it.
//
//   action       user              project/group/snippet   issue               note, MR, wiki page
//   quarantine   block             visibility private      confidential true   (no reversible form)
//   delete       DELETE, not hard  DELETE                  DELETE              DELETE
//   block_user   block the item's author
//   ban_user     ban the item's author
#pragma once

#include <nlohmann/json.hpp>

#include <functional>
#include <string>
#include <vector>

#include "base/status.h"
#include "gitlab/item.h"

namespace spamphibian::gitlab {

struct ApiCall {
  std::string method;  // POST, PUT, DELETE
  std::string path;    // under /api/v4, e.g. /users/41/block
  nlohmann::json body = nlohmann::json::object();

  std::string Describe() const;  // "PUT /api/v4/projects/5 {"visibility":"private"}"
  nlohmann::json ToJson() const;
};

// The calls for `action` on `item`. An empty list with *why set: the action
// does not apply to this item (e.g. quarantine of a note).
Status PlanAction(const Item& item, const std::string& action, std::vector<ApiCall>* calls, std::string* why);

// Reads one API object (GitLabApi::Get): for reconciling.
using ApiGet = std::function<Status(const std::string& path, nlohmann::json* out)>;

// Whether the effect of `call` is already in GitLab, read through `get`:
// the user blocked or banned, the item private or confidential, the item
// gone. Asked before a write whose earlier attempt may have reached GitLab
// is sent again, so that no write is ever sent twice.
Status AlreadyApplied(const ApiCall& call, const ApiGet& get, bool* applied);

// What restoring an archived action needs: the calls that undo it, and for
// content that no call can bring back, *lost says what and why.
struct RestorePlan {
  std::vector<ApiCall> calls;
  std::string lost;  // "" when everything comes back
  // Why nothing is undone: the state was not Spamphibian's doing (an admin
  // had blocked the user before), so restore leaves it.
  std::string kept;
};

// `item` is the item as archived before the action (with its visibility,
// confidential flag, text); `action_id` is named in re-created content.
Status PlanRestore(const Item& item, const std::string& action, const std::string& action_id, RestorePlan* plan);

}  // namespace spamphibian::gitlab
