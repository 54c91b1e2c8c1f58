// GitLabSimProcess: the real gitlab-sim binary on a free loopback port, with
// helpers to inject faults and read its request log.
#pragma once

#include <nlohmann/json.hpp>

#include <memory>
#include <string>
#include <vector>

#include "child_process.h"

namespace spamphibian::testing {

class GitLabSimProcess {
 public:
  explicit GitLabSimProcess(std::vector<std::string> extra_args = {});

  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  int port() const { return port_; }

  // POST /_sim/faults with `fault` (see sim/gitlab_sim.h); DELETE to clear.
  void AddFault(const nlohmann::json& fault);
  void ClearFaults();
  // The request log since the last ClearRequests().
  nlohmann::json Requests();
  void ClearRequests();
  // Requests whose path starts with `prefix`.
  int CountRequests(const std::string& prefix);
  nlohmann::json State();

 private:
  TempDir dir_;
  int port_;
  std::unique_ptr<ChildProcess> process_;
};

}  // namespace spamphibian::testing
