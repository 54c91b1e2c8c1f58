#include "gitlab_sim_process.h"

#include <gtest/gtest.h>

#include "http_client.h"

namespace spamphibian::testing {

GitLabSimProcess::GitLabSimProcess(std::vector<std::string> extra_args) : port_(FreePort()) {
  std::vector<std::string> argv = {GITLAB_SIM_BINARY, "--port", std::to_string(port_), "--dataset",
                                   SPAMPHIBIAN_SIM_DATASET};
  argv.insert(argv.end(), extra_args.begin(), extra_args.end());
  process_ = std::make_unique<ChildProcess>(argv, std::map<std::string, std::string>{}, dir_.path() + "/sim.log");
  if (!WaitFor([&] { return HttpGet(url() + "/_sim/requests").status == 200; })) {
    ADD_FAILURE() << "gitlab-sim did not start: " << ReadFile(dir_.path() + "/sim.log");
  }
  ClearRequests();
}

void GitLabSimProcess::AddFault(const nlohmann::json& fault) {
  EXPECT_EQ(HttpPost(url() + "/_sim/faults", fault.dump()).status, 200);
}

void GitLabSimProcess::ClearFaults() { HttpDelete(url() + "/_sim/faults"); }
void GitLabSimProcess::ClearRequests() { HttpDelete(url() + "/_sim/requests"); }

nlohmann::json GitLabSimProcess::Requests() {
  return nlohmann::json::parse(HttpGet(url() + "/_sim/requests").body, nullptr, false);
}

nlohmann::json GitLabSimProcess::State() {
  return nlohmann::json::parse(HttpGet(url() + "/_sim/state").body, nullptr, false);
}

int GitLabSimProcess::CountRequests(const std::string& prefix) {
  int n = 0;
  for (const auto& r : Requests()) n += r["path"].get<std::string>().starts_with(prefix);
  return n;
}

}  // namespace spamphibian::testing
