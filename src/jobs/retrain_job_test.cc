// The retrain job against a real redis-server, with a stand-in for the
// `spamphibian model` commands: a new installation starts the clock and
// trains nothing; enough new labels start a retrain; a shadowed candidate
// is promoted after its shadow time only with auto_promote; a failed
// retrain is not repeated at once.
#include "jobs/retrain_job.h"

#include <gtest/gtest.h>

#include "redis_server.h"

namespace spamphibian {
namespace {

class RetrainJobTest : public ::testing::Test {
 protected:
  RetrainJob Job(RetrainJobOptions o) {
    o.prefix = "p:";
    return RetrainJob(o, connector_, [this](const std::vector<std::string>& args, int* code, std::string* out) {
      calls_.push_back(args[1] + (args.size() > 2 && args[2] != "--shadow" ? " " + args[2] : ""));
      *code = next_code_;
      *out = "training...\n" + next_output_ + "\n";
      return Status::Ok();
    });
  }
  void Labels(int n) {
    for (int i = 0; i < n; ++i) client_->Run({"XADD", "p:labels", "*", "label", "{}", "key", "labels/x.json"});
  }

  testing::RedisServer server_;
  redis::Connector connector_{server_.Options()};
  std::unique_ptr<testing::RedisServer::TestClient> client_ = server_.Client();
  std::vector<std::string> calls_;
  int next_code_ = 0;
  std::string next_output_ = R"({"version":"abcdef123456","state":"shadow"})";
};

TEST_F(RetrainJobTest, NewLabelsStartARetrainAndItsShadowIsPromotedOnlyWhenAllowed) {
  RetrainJobOptions o;
  o.min_new_labels = 5;
  o.shadow_for = std::chrono::seconds(0);
  RetrainJob job = Job(o);
  ASSERT_TRUE(job.Run().ok());
  EXPECT_TRUE(calls_.empty()) << "a new installation: the clock starts, nothing is trained";
  Labels(4);
  ASSERT_TRUE(job.Run().ok());
  EXPECT_TRUE(calls_.empty()) << "four new labels are not enough";
  Labels(1);
  ASSERT_TRUE(job.Run().ok());
  ASSERT_EQ(calls_, std::vector<std::string>{"retrain"});
  EXPECT_EQ(client_->Run({"GET", "p:jobs:retrain:shadow_version"})->str, std::string("abcdef123456"));
  // Shadowed: no auto_promote, so its time being up only frees the job.
  ASSERT_TRUE(job.Run().ok());
  EXPECT_EQ(calls_.size(), 1u) << "nothing promoted without auto_promote";
  EXPECT_EQ(client_->Integer({"EXISTS", "p:jobs:retrain:shadow_version"}), 0);
  ASSERT_TRUE(job.Run().ok());
  EXPECT_EQ(calls_.size(), 1u) << "the labels counted are gone: no new retrain";
}

TEST_F(RetrainJobTest, AutoPromoteAfterTheShadowAndAFailedRetrainWaits) {
  RetrainJobOptions o;
  o.min_new_labels = 2;
  o.shadow_for = std::chrono::seconds(0);
  o.auto_promote = true;
  RetrainJob job = Job(o);
  Labels(2);
  ASSERT_TRUE(job.Run().ok());
  ASSERT_TRUE(job.Run().ok());
  EXPECT_EQ(calls_, (std::vector<std::string>{"retrain", "promote abcdef123456"}));
  EXPECT_EQ(client_->Integer({"EXISTS", "p:jobs:retrain:shadow_version"}), 0);

  // A candidate that was retired (not better) is not promoted.
  next_output_ = R"({"version":"0000000000aa","state":"retired"})";
  Labels(2);
  ASSERT_TRUE(job.Run().ok());
  ASSERT_TRUE(job.Run().ok());
  EXPECT_EQ(calls_.size(), 3u);
  EXPECT_EQ(calls_.back(), "retrain");

  // A failing retrain fails the run and is not repeated at once.
  next_code_ = 1;
  Labels(2);
  EXPECT_FALSE(job.Run().ok());
  EXPECT_EQ(calls_.size(), 4u);
  ASSERT_TRUE(job.Run().ok());
  EXPECT_EQ(calls_.size(), 4u);
}

TEST_F(RetrainJobTest, TheIntervalRetrainsWithoutNewLabels) {
  RetrainJobOptions o;
  o.interval = std::chrono::seconds(0);
  o.min_new_labels = 1000;
  RetrainJob job = Job(o);
  client_->Run({"SET", "p:jobs:retrain:last_ms", "1"});
  next_output_ = R"({"version":"0000000000bb","state":"retired"})";
  ASSERT_TRUE(job.Run().ok());
  EXPECT_EQ(calls_, std::vector<std::string>{"retrain"});
}

}  // namespace
}  // namespace spamphibian
