// `spamphibian serve`: wires the components of the selected stages together
// and runs them until SIGTERM/SIGINT. main() only parses the command line.
#pragma once

#include <spdlog/logger.h>

#include <string>
#include <vector>

#include "config/config.h"

namespace spamphibian {

// Runs until a termination signal; returns the process exit code (0 after a
// clean shutdown, 2 when the service cannot start with this configuration).
// `stages_explicit`: the operator named the stages (--stages); then a stage
// that cannot run with this configuration is an error instead of skipped.
int RunServe(const Config& config, std::vector<std::string> stages, bool stages_explicit, spdlog::logger& log);

}  // namespace spamphibian
