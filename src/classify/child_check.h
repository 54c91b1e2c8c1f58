// Checking a model file in another process first. fastText asserts (aborts
// the process) on some damaged files, e.g. a truncated download, and a
// damaged header can make it allocate without bound; so a model file is
// first loaded by `spamphibian model check FILE`, a fresh process with a
// memory ceiling and a CPU-time limit, and only a file that survives that is
// loaded in the service.
//
// Why a fresh process and not fork() alone: the service has threads when a
// model is hot-swapped, and a forked child of a threaded process inherits
// every lock another thread held at that moment, held forever. A child that
// only loads a model could hang on one (CI saw a 60-second hang), so the
// child execs at once, as posix_spawn does.
#pragma once

#include <fstream>
#include <memory>
#include <string>

#include "base/status.h"

namespace spamphibian::classify {

// The program that checks model files: $SPAMPHIBIAN_MODEL_CHECKER if set,
// else the `spamphibian` binary beside the running one (the service itself;
// for a test binary, the one built beside it).
std::string DefaultModelChecker();

// Runs `checker model check PATH` and waits up to a minute. Ok when it
// exits 0; InvalidArgument naming `path` with the checker's message when it
// refused the file, crashed or ran too long; Unavailable when the checker
// cannot be started.
Status CheckInSubprocess(const std::string& checker, const std::string& path);

// What `spamphibian model check` does in the checking process: limits this
// process's address space (4 × the file + 1 GiB) and CPU time (30 s), then
// `load(path)`. Never call it in the service.
template <typename Model>
Status LoadUnderLimits(const std::string& path, std::shared_ptr<const Model>* out);

// Model::LoadUnchecked(path) in a fresh process first, then here: the Load()
// of every model type.
template <typename Model>
Status LoadCheckedInChild(const std::string& path, std::shared_ptr<const Model>* out) {
  if (!std::ifstream(path, std::ios::binary)) return Status::InvalidArgument("model '" + path + "': cannot read it");
  if (Status s = CheckInSubprocess(DefaultModelChecker(), path); !s.ok()) return s;
  return Model::LoadUnchecked(path, out);
}

// Sets the limits LoadUnderLimits describes.
void LimitThisProcessForLoading(const std::string& path);

template <typename Model>
Status LoadUnderLimits(const std::string& path, std::shared_ptr<const Model>* out) {
  LimitThisProcessForLoading(path);
  return Model::LoadUnchecked(path, out);
}

}  // namespace spamphibian::classify
