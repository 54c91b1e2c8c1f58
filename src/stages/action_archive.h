// The act stage's archive: for each GitLab-changing action, the record that
// restore reads (the decision with the item, the calls, the item's state
// before them), written to S3 before any call of the action is sent.
//
// One gzip object of JSON lines per batch of actions (S3 bills per
// request):
//   actions/<YYYY-MM-DD>/<first action id>-<ms>.jsonl.gz
// named once, when the batch reserves its first action (its time): an
// object some action's archive points to is never written over by a later
// batch. (Objects written before this have the batch's count before the
// time; nothing reads a name.)
// The ledger keeps which object holds an action, noted with its
// reservation (ActionLedger::Reserve), so before the object is written and
// before any call is sent. Archives written before batching are
// one object per action, actions/<action id>.json, and are still read.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <string_view>

#include "base/status.h"

namespace spamphibian {

// The batch object's key; `date` is YYYY-MM-DD, `ms` the time it is named.
std::string ActionArchiveKey(std::string_view date, const std::string& first_action_id, std::int64_t ms);

// Where an action archived before batching is.
std::string LegacyActionArchiveKey(const std::string& action_id);

// The record of `action_id` in an archive object (a batch, or a legacy
// object of one record). NotFound when the object does not hold it,
// InvalidArgument when it is not an archive.
Status FindArchivedAction(std::string_view object, const std::string& action_id, nlohmann::json* record);

}  // namespace spamphibian
