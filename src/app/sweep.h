// `spamphibian sweep KIND [--since DATE] [--rate N]`: feeds existing GitLab
// content through the pipeline (see jobs/sweep.h). Stops cleanly on
// SIGINT/SIGTERM; run it again to resume.
#pragma once

#include <spdlog/logger.h>

#include <string>

#include "config/config.h"

namespace spamphibian {

// Returns the exit code: 0 when the listing was swept (or stopped by a
// signal), 1 on failure, 2 on bad arguments or configuration.
int RunSweep(const Config& config, const std::string& kind, const std::string& since, double rate, bool restart,
             spdlog::logger& log);

}  // namespace spamphibian
