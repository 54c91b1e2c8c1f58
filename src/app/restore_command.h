// `spamphibian restore ACTION_ID` / `--item TYPE:ID` / `--purge PURGE_ID`:
// undoes what the act stage did, from its archive in S3 (stages/action_archive.h):
// unblock or unban the user, put visibility back to what it was, make the
// issue non-confidential; for deleted content, re-create what the API
// allows (a snippet or an issue under the admin account, saying so) and
// print the rest. Each restore is audited, and the item is written to S3
// under labels/ as `ham` (a false positive, for retraining).
#pragma once

#include <spdlog/logger.h>

#include <string>

#include "config/config.h"

namespace spamphibian {

// Exit code: 0 restored (or nothing left to restore), 1 a call failed, 2
// bad input or configuration.
int RunRestore(const Config& config, const std::string& action_id, const std::string& item, spdlog::logger& log);

}  // namespace spamphibian
