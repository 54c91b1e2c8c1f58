// Running a program in a fresh process (posix_spawn, never a bare fork: a
// forked child of a threaded process inherits every lock another thread
// held at that moment, held forever) and collecting what it prints.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "base/status.h"

namespace spamphibian {

struct ProcessResult {
  bool exited = false;   // false: killed by a signal, or by the deadline
  int exit_code = -1;    // when exited
  bool timed_out = false;
  std::string output;    // stdout and stderr together, the first `max_output` bytes
};

// Runs argv[0] (a path) with `argv` and the environment of this process;
// waits up to `deadline`, then kills it. Unavailable when it cannot start.
Status RunProcess(const std::vector<std::string>& argv, std::chrono::milliseconds deadline, std::size_t max_output,
                  ProcessResult* out);

// The last non-empty line of a process's output (its verdict: a refusal's
// reason, a command's JSON result).
std::string LastLine(const std::string& output);

// The `spamphibian` binary beside the running one ($SPAMPHIBIAN_BINARY
// overrides; for a test binary, the one built beside it).
std::string SpamphibianBinary();

}  // namespace spamphibian
