// RestoreAction: undoes one action of the act stage from its archive in S3
// (stages/action_archive.h): the calls gitlab/moderation.h plans for it, sent
// once; the ledger remembers that it was restored, so a second restore does
// nothing. Shared by `spamphibian restore` and by the act stage when a
// reviewer says "not spam"; each caller audits and labels in its own way.
#pragma once

#include <nlohmann/json.hpp>

#include <functional>
#include <string>

#include "base/status.h"
#include "gitlab/moderation.h"
#include "stages/action_ledger.h"
#include "storage/object_store.h"

namespace spamphibian {

// Sends one API call; *response is GitLab's answer.
using RestoreSend = std::function<Status(const gitlab::ApiCall& call, nlohmann::json* response)>;

struct RestoreResult {
  std::string action_id;
  std::string action;     // quarantine, delete, block_user, …
  std::string item_type, item_id;
  // restored | failed | already_restored | not_archived (dry run, refused:
  // nothing was changed) | kept (the state was not ours to undo)
  std::string status;
  std::string reason;                          // for kept, not_archived, failed
  nlohmann::json calls = nlohmann::json::array();  // [{call, result}]
  std::string lost;                            // what the API cannot bring back
  nlohmann::json archived;                     // the archive record, when read
};

// Unavailable/Internal only when Redis or S3 could not be asked (retry);
// every other outcome is in *result.
Status RestoreAction(const std::string& action_id, ActionLedger& ledger, storage::ObjectStore& archive,
                     const RestoreSend& send, RestoreResult* result);

}  // namespace spamphibian
