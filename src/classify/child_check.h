// Trying a load in a child process first. fastText asserts (aborts the
// process) on some damaged files, e.g. a truncated download, and a damaged
// header can make it allocate without bound; so a model file is first
// loaded in a child with a memory ceiling and a CPU-time limit, and only a
// file that survives that is loaded in the service.
#pragma once

#include <fstream>
#include <functional>
#include <memory>
#include <string>

#include "base/status.h"

namespace spamphibian::classify {

// Runs `load` (true: the file is usable) in a forked child. Ok when it
// returned true; InvalidArgument naming `path` when it failed, crashed or
// ran longer than a minute.
Status TryInChild(const std::string& path, const std::function<bool()>& load);

// Model::LoadUnchecked(path) in a child first, then here: the Load() of
// every model type.
template <typename Model>
Status LoadCheckedInChild(const std::string& path, std::shared_ptr<const Model>* out) {
  if (!std::ifstream(path, std::ios::binary)) return Status::InvalidArgument("model '" + path + "': cannot read it");
  if (Status s = TryInChild(path, [&] {
        std::shared_ptr<const Model> model;
        return Model::LoadUnchecked(path, &model).ok();
      });
      !s.ok()) {
    return s;
  }
  return Model::LoadUnchecked(path, out);
}

}  // namespace spamphibian::classify
