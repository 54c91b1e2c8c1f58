// Trying a load in a child process first. fastText asserts (aborts the
// process) on some damaged files, e.g. a truncated download, and a damaged
// header can make it allocate without bound; so a model file is first
// loaded in a child with a memory ceiling and a CPU-time limit, and only a
// file that survives that is loaded in the service.
#pragma once

#include <functional>
#include <string>

#include "base/status.h"

namespace spamphibian::classify {

// Runs `load` (true: the file is usable) in a forked child. Ok when it
// returned true; InvalidArgument naming `path` when it failed, crashed or
// ran longer than a minute.
Status TryInChild(const std::string& path, const std::function<bool()>& load);

}  // namespace spamphibian::classify
