// The dashboard and the alerts ship with the service: every metric they
// query must be one a running service exports. The real binary runs every
// stage against gitlab-sim, s3rver, redis-server and a stand-in Slack, takes
// the simulator's hooks (so that labelled series exist too), and its
// /metrics is compared with deploy/grafana/spamphibian.json and
// deploy/prometheus/alerts.yml.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "gitlab_sim_process.h"
#include "http_client.h"
#include "redis_server.h"
#include "s3rver_process.h"
#include "sim/gitlab_sim.h"
#include "spamphibian_process.h"
#include "stand_in_server.h"

namespace spamphibian {
namespace {

std::string ReadSource(const std::string& relative) {
  return testing::ReadFile(std::string(SPAMPHIBIAN_SOURCE_DIR) + "/" + relative);
}

// Every spamphibian_* name in a text, a histogram's series names
// (_bucket/_sum/_count) taken back to the family's name when `families`
// has it.
std::set<std::string> MetricNames(const std::string& text, const std::set<std::string>& families) {
  std::set<std::string> names;
  const std::regex name(R"(spamphibian_[a-z0-9_]+)");
  for (auto it = std::sregex_iterator(text.begin(), text.end(), name); it != std::sregex_iterator(); ++it) {
    std::string n = it->str();
    for (const char* suffix : {"_bucket", "_sum", "_count"}) {
      const std::string s(suffix);
      if (n.size() > s.size() && n.compare(n.size() - s.size(), s.size(), s) == 0 &&
          families.count(n.substr(0, n.size() - s.size()))) {
        n = n.substr(0, n.size() - s.size());
      }
    }
    names.insert(n);
  }
  return names;
}

class ObservabilityE2E : public ::testing::Test {
 protected:
  // The metric families a service exports once it has seen traffic.
  std::set<std::string> ExportedFamilies() {
    auto env = s3_.Env();
    env.insert({{"GITLAB_URL", sim_.url()}, {"GITLAB_API_RATE", "0"},
                {"SLACK_WEBHOOK_URL", slack_.url() + "/services/T0/B0/secret"},
                {"SPAMCHECK_PORT", std::to_string(testing::FreePort())}});
    testing::SpamphibianProcess service(
        redis_, dir_.path(), env, {"serve"},
        "pipeline:\n  block_ms: 100\nslack:\n  min_interval_ms: 10\n"
        "policy:\n  dry_run: false\n  user: {spam: [notify, quarantine]}\n");
    EXPECT_TRUE(service.WaitReady()) << service.log();
    std::ifstream in(SPAMPHIBIAN_SIM_DATASET);
    const auto hooks = sim::HookPayloads(nlohmann::json::parse(in));
    for (const auto& hook : hooks) {
      testing::Headers h;
      if (!hook["event"].get<std::string>().empty()) h.emplace_back("X-Gitlab-Event", hook["event"]);
      EXPECT_EQ(service.Post(hook["payload"].dump(), h).status, 200);
    }
    EXPECT_EQ(service.Post("{not json").status, 400);  // a rejection, counted
    std::string metrics;
    testing::WaitFor(
        [&] {
          metrics = testing::HttpGet(service.Url("/metrics")).body;
          return metrics.find("spamphibian_actions_total{") != std::string::npos &&
                 metrics.find("upstream=\"s3\"") != std::string::npos;
        },
        std::chrono::seconds(60));
    std::set<std::string> families;
    std::istringstream lines(metrics);
    for (std::string line; std::getline(lines, line);) {
      if (line.rfind("# TYPE ", 0) == 0) families.insert(line.substr(7, line.find(' ', 7) - 7));
    }
    return families;
  }

  testing::RedisServer redis_;
  testing::GitLabSimProcess sim_;
  testing::S3rverProcess s3_;
  testing::StandInServer slack_;
  testing::TempDir dir_;
};

TEST_F(ObservabilityE2E, TheDashboardAndTheAlertsQueryOnlyMetricsTheServiceExports) {
  const std::set<std::string> families = ExportedFamilies();
  ASSERT_GT(families.size(), 20u);

  const auto dashboard = nlohmann::json::parse(ReadSource("deploy/grafana/spamphibian.json"));
  std::string exprs;
  int panels = 0;
  for (const auto& panel : dashboard.at("panels")) {
    if (!panel.contains("targets")) continue;
    ++panels;
    for (const auto& target : panel["targets"]) exprs += target.at("expr").get<std::string>() + "\n";
  }
  ASSERT_GT(panels, 10);
  const auto used_by_dashboard = MetricNames(exprs, families);
  ASSERT_GT(used_by_dashboard.size(), 15u);
  for (const auto& name : used_by_dashboard) EXPECT_TRUE(families.count(name)) << "dashboard: " << name << " is not exported";

  const auto used_by_alerts = MetricNames(ReadSource("deploy/prometheus/alerts.yml"), families);
  ASSERT_GT(used_by_alerts.size(), 8u);
  for (const auto& name : used_by_alerts) EXPECT_TRUE(families.count(name)) << "alerts: " << name << " is not exported";
}

}  // namespace
}  // namespace spamphibian
