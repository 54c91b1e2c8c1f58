// Jobs and the sweep, with the real binary, redis-server and gitlab-sim.
#include <gtest/gtest.h>
#include <signal.h>

#include <regex>
#include <set>

#include "gitlab_sim_process.h"
#include "redis_server.h"
#include "spamphibian_process.h"

namespace spamphibian {
namespace {

using testing::HttpGet;
using testing::WaitFor;

double Metric(const std::string& metrics, const std::string& series) {
  const auto pos = metrics.find("\n" + series + " ");
  return pos == std::string::npos ? 0 : std::stod(metrics.substr(pos + series.size() + 2));
}

class JobsE2E : public ::testing::Test {
 protected:
  std::unique_ptr<testing::SpamphibianProcess> Start(const std::string& dir, const std::string& yaml,
                                                      std::vector<std::string> args = {"serve"}) {
    auto p = std::make_unique<testing::SpamphibianProcess>(
        redis_, dir, std::map<std::string, std::string>{{"GITLAB_URL", sim_.url()}, {"GITLAB_API_RATE", "0"}},
        std::move(args), yaml);
    return p;
  }
  long long Len(const std::string& stream) { return client_->Integer({"XLEN", "spamphibian:" + stream}); }
  std::vector<std::string> Field(const std::string& stream, const std::string& field) {
    return client_->StreamField("spamphibian:" + stream, field);
  }

  testing::RedisServer redis_;
  std::unique_ptr<testing::RedisServer::TestClient> client_ = redis_.Client();
  testing::GitLabSimProcess sim_;
  testing::TempDir dir_;
};

TEST_F(JobsE2E, SnippetCheckFetchesEachSnippetOnceAcrossRuns) {
  auto service = Start(dir_.path(), "jobs:\n  snippet_check_interval: 1\npipeline:\n  block_ms: 100\n",
                       {"serve", "--stages", "events,fetch,trust,jobs"});
  ASSERT_TRUE(service->WaitReady());
  auto snippet_items = [&] {
    long n = 0;
    for (const auto& i : Field("candidates", "item")) n += nlohmann::json::parse(i)["type"] == "snippet";
    for (const auto& d : Field("decision_log", "decision")) n += nlohmann::json::parse(d)["item_type"] == "snippet";
    return n;
  };
  ASSERT_TRUE(WaitFor([&] { return snippet_items() == 8; })) << service->log().substr(0, 3000);
  // Two more runs of the job: nothing new, nothing fetched again.
  const std::string series = "spamphibian_job_runs_total{job=\"snippet_check\",outcome=\"ok\"}";
  const double runs = Metric(HttpGet(service->Url("/metrics")).body, series);
  ASSERT_TRUE(WaitFor([&] { return Metric(HttpGet(service->Url("/metrics")).body, series) >= runs + 2; }));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(snippet_items(), 8);
  EXPECT_EQ(sim_.CountRequests("/api/v4/snippets/704/raw"), 1);
}

TEST_F(JobsE2E, VerifiedUsersSetIsRebuiltFromNotesAndGroups) {
  client_->Run({"SADD", "spamphibian:verified_users", "stale@example.com"});
  auto service = Start(dir_.path(), "jobs:\n  verified_users_interval: 1\n  verified_groups: ['200']\n");
  ASSERT_TRUE(service->WaitReady());
  ASSERT_TRUE(WaitFor([&] { return client_->Integer({"SISMEMBER", "spamphibian:verified_users", "sam_verified@gmail.com"}) == 1; }))
      << service->log().substr(0, 3000);
  EXPECT_EQ(client_->Integer({"SISMEMBER", "spamphibian:verified_users", "alice@ethz.ch"}), 1) << "member of group 200";
  EXPECT_EQ(client_->Integer({"SISMEMBER", "spamphibian:verified_users", "stale@example.com"}), 0) << "replaced, not merged";
  EXPECT_EQ(client_->Integer({"SISMEMBER", "spamphibian:verified_users", "seo_links_4u@mailinator.com"}), 0);
}

TEST_F(JobsE2E, TwoProcessesRunAJobOncePerIntervalBetweenThem) {
  testing::TempDir other;
  const std::string yaml = "jobs:\n  snippet_check_interval: 1\n";
  auto a = Start(dir_.path(), yaml, {"serve", "--stages", "jobs"});
  auto b = Start(other.path(), yaml, {"serve", "--stages", "jobs"});
  ASSERT_TRUE(a->WaitReady());
  ASSERT_TRUE(b->WaitReady());
  std::this_thread::sleep_for(std::chrono::milliseconds(4500));
  const std::string series = "spamphibian_job_runs_total{job=\"snippet_check\",outcome=\"ok\"}";
  const double runs = Metric(HttpGet(a->Url("/metrics")).body, series) + Metric(HttpGet(b->Url("/metrics")).body, series);
  EXPECT_GE(runs, 3);
  EXPECT_LE(runs, 6) << "two processes must share one schedule, not run it twice";
  EXPECT_EQ(Len("events"), static_cast<long long>(runs)) << "each run enqueues one snippet_check";
}

TEST_F(JobsE2E, AnInterruptedSweepResumesAndEnqueuesEachUserOnce) {
  {
    auto sweep = Start(dir_.path(), "", {"sweep", "users", "--rate", "20"});
    // Interrupt it once it has started (40 users at 20/s take 2 s).
    ASSERT_TRUE(WaitFor([&] { return Len("events") >= 5; }));
    sweep->process().Signal(SIGTERM);
    EXPECT_EQ(sweep->process().Wait(std::chrono::seconds(10)), 0);
  }
  const long long first = Len("events");
  EXPECT_GT(first, 0);
  EXPECT_LT(first, 40) << "the sweep should have been interrupted";
  auto again = Start(dir_.path(), "", {"sweep", "users", "--rate", "0"});
  EXPECT_EQ(again->process().Wait(std::chrono::seconds(20)), 0) << again->log();
  std::set<long long> users;
  for (const auto& p : Field("events", "payload")) users.insert(nlohmann::json::parse(p)["user_id"].get<long long>());
  EXPECT_EQ(Len("events"), 40);
  EXPECT_EQ(users.size(), 40u);
  EXPECT_NE(again->log().find("\"skipped\":" + std::to_string(first)), std::string::npos) << again->log();
}

TEST_F(JobsE2E, SweepSinceSkipsOlderObjects) {
  auto sweep = Start(dir_.path(), "", {"sweep", "users", "--rate", "0", "--since", "2026-01-01"});
  EXPECT_EQ(sweep->process().Wait(std::chrono::seconds(20)), 0) << sweep->log();
  EXPECT_EQ(Len("events"), 20) << "the 20 accounts created in 2026";
}

}  // namespace
}  // namespace spamphibian
