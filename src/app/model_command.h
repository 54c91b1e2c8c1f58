// `spamphibian model check FILE`: is this file a model the service would
// load? It loads the file under a memory ceiling and a CPU-time limit (a
// damaged fastText file can abort or allocate without bound) and prints
// what it is: format, version (the first 12 hex digits of its SHA-256, as
// the service reports it), the per-type thresholds it ships and its card.
// Exit 0 when usable, 1 with the reason when not.
//
// The service runs this same command in a fresh process before it loads
// any model file (classify/child_check.h); `--quiet` is that use.
#pragma once

#include <string>

namespace spamphibian {

int RunModelCheck(const std::string& path, bool quiet);

}  // namespace spamphibian
