#include "classify/model_refresher.h"
#include "security/crypto.h"

#include <gtest/gtest.h>

#include <fstream>

#include "child_process.h"
#include "log/json_log.h"
#include "storage/s3_object_store.h"
#include "tiny_model.h"

namespace spamphibian::classify {
namespace {

// A fetch that hands out whatever file the test points it at.
class ModelRefresherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    testing::TrainTinyModel(dir_.path() + "/a.bin");
    testing::TrainTinyModel(dir_.path() + "/b.bin", /*inverted=*/true);
    std::shared_ptr<const SpamModel> a;
    ASSERT_TRUE(SpamModel::Load(dir_.path() + "/a.bin", &a).ok());
    holder_.Set(a, "aaaa", "bundled");
  }
  ModelFetch Serve(const std::string& path, Status status = Status::Ok()) {
    return [this, path, status](const std::string& current, ModelFile* out, bool* changed) {
      ++fetches_;
      *changed = false;
      if (!status.ok()) return status;
      out->path = path;
      out->sha256 = security::Sha256Hex(testing::ReadBytes(path));
      out->version = out->sha256.substr(0, 12);
      *changed = out->version != current;
      return Status::Ok();
    };
  }
  std::string Version() {
    std::string v;
    holder_.Get(&v);
    return v;
  }
  testing::TempDir dir_;
  ModelHolder holder_;
  metrics::Registry registry_;
  std::shared_ptr<spdlog::logger> log_ = MakeNullLogger();
  std::atomic<int> fetches_{0};
};

TEST_F(ModelRefresherTest, SwapsInANewModelAndPublishesIt) {
  const auto before = holder_.Get();
  ModelRefresher r(Serve(dir_.path() + "/b.bin"), "s3", holder_, std::chrono::seconds(0), registry_, *log_);
  ASSERT_TRUE(r.RefreshNow().ok());
  const std::string v = Version();
  EXPECT_EQ(v, security::Sha256Hex(testing::ReadBytes(dir_.path() + "/b.bin")).substr(0, 12));
  EXPECT_NE(holder_.Get(), before);
  // The inverted model calls casino spam ham.
  EXPECT_LT(holder_.Get()->words().Predict("cheap casino bonus backlinks").spam_probability, 0.5);
  const std::string m = registry_.Render();
  EXPECT_NE(m.find("spamphibian_model_info{version=\"" + v + "\",source=\"s3\"} 1"), std::string::npos) << m;
  EXPECT_NE(m.find("spamphibian_model_info{version=\"aaaa\",source=\"bundled\"} 0"), std::string::npos) << m;
  EXPECT_NE(m.find("spamphibian_model_refreshes_total{result=\"swapped\"} 1"), std::string::npos);

  ASSERT_TRUE(r.RefreshNow().ok());
  EXPECT_NE(registry_.Render().find("spamphibian_model_refreshes_total{result=\"unchanged\"} 1"), std::string::npos);
}

TEST_F(ModelRefresherTest, CorruptModelIsRefusedAndTheOldOneStays) {
  const std::string bad = dir_.path() + "/bad.bin";
  std::string bytes = testing::ReadBytes(dir_.path() + "/b.bin");
  bytes.resize(bytes.size() / 2);
  std::ofstream(bad, std::ios::binary) << bytes;
  ModelRefresher r(Serve(bad), "s3", holder_, std::chrono::seconds(0), registry_, *log_);
  EXPECT_FALSE(r.RefreshNow().ok());
  EXPECT_EQ(Version(), "aaaa");
  EXPECT_NE(registry_.Render().find("spamphibian_model_refreshes_total{result=\"refused\"} 1"), std::string::npos);
}

TEST_F(ModelRefresherTest, UnavailableSourceKeepsTheOldModel) {
  ModelRefresher r(Serve("", Status::Unavailable("S3 down")), "s3", holder_, std::chrono::seconds(0), registry_, *log_);
  EXPECT_TRUE(r.RefreshNow().IsUnavailable());
  EXPECT_EQ(Version(), "aaaa");
  EXPECT_NE(registry_.Render().find("spamphibian_model_refreshes_total{result=\"unavailable\"} 1"), std::string::npos);
}

TEST_F(ModelRefresherTest, TriggerRefreshesAtOnceAndTheIntervalPeriodically) {
  ModelRefresher on_demand(Serve(dir_.path() + "/b.bin"), "s3", holder_, std::chrono::seconds(0), registry_, *log_);
  on_demand.Start();
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_EQ(fetches_, 0) << "interval 0: only on Trigger()";
  on_demand.Trigger();
  ASSERT_TRUE(testing::WaitFor([&] { return Version() != "aaaa"; }));
  on_demand.Stop();

  fetches_ = 0;
  ModelRefresher periodic(Serve(dir_.path() + "/b.bin"), "s3", holder_, std::chrono::seconds(1), registry_, *log_);
  periodic.Start();
  ASSERT_TRUE(testing::WaitFor([&] { return fetches_ >= 2; }, std::chrono::seconds(5)));
  periodic.Stop();
}

}  // namespace
}  // namespace spamphibian::classify
