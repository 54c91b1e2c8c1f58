// RemoteModel and the classify stage's fallback, against a real HTTP server
// standing in for a model service (testing/stand_in_server.h).
#include "classify/remote_model.h"

#include <gtest/gtest.h>


#include "child_process.h"
#include "gitlab/item.h"
#include "http/curl_client.h"
#include "stand_in_server.h"
#include "log/json_log.h"
#include "stages/classify_stage.h"

namespace spamphibian::classify {
namespace {

class RemoteModelTest : public ::testing::Test {
 protected:
  // The model service's answer to every request from now on.
  void Answer(int status, const std::string& body) {
    http::Response r;
    r.status = status;
    r.body = body;
    stand_in_.SetDefault(r);
  }
  int Requests() { return static_cast<int>(stand_in_.received().size()); }
  std::string url() const { return stand_in_.url(); }

  testing::StandInServer stand_in_;
  metrics::Registry registry_;
  std::shared_ptr<spdlog::logger> log_ = MakeNullLogger();
  http::CurlHttpClient http_;
  void SetUp() override { Answer(200, R"({"prediction": 1, "score": 0.93})"); }
};

TEST_F(RemoteModelTest, SpeaksTheUpstreamProtocol) {
  CircuitBreaker breaker(3, std::chrono::seconds(30));
  RemoteModel model({url()}, http_, breaker);
  double score = 0;
  ASSERT_TRUE(model.Predict("user_create", {{"type", "user"}, {"id", "41"}}, &score).ok());
  EXPECT_DOUBLE_EQ(score, 0.93);
  EXPECT_EQ(stand_in_.received().back().path, "/predict_user_create");
  EXPECT_EQ(stand_in_.received().back().method, "POST");
  EXPECT_NE(stand_in_.received().back().body.find("\"type\":\"user\""), std::string::npos);
  Answer(200, R"({"prediction": 0, "score": 0.9})");  // 90% sure it is ham
  ASSERT_TRUE(model.Predict("user_create", {{"type", "user"}}, &score).ok());
  EXPECT_NEAR(score, 0.1, 1e-9);
}

TEST_F(RemoteModelTest, FailuresAreUnavailableAndOpenTheBreaker) {
  CircuitBreaker breaker(2, std::chrono::seconds(30));
  RemoteModel model({url(), std::chrono::milliseconds(1000), /*max_attempts=*/2}, http_, breaker);
  Answer(503, "");
  double score = 0;
  EXPECT_TRUE(model.Predict("issue_open", {}, &score).IsUnavailable());
  EXPECT_EQ(Requests(), 2) << "one retry";
  EXPECT_TRUE(model.Predict("issue_open", {}, &score).IsUnavailable());
  EXPECT_TRUE(breaker.open());
  const int before = Requests();
  EXPECT_TRUE(model.Predict("issue_open", {}, &score).IsUnavailable());
  EXPECT_EQ(Requests(), before) << "an open breaker does not call the service";
  Answer(200, "not json");
  CircuitBreaker fresh(5, std::chrono::seconds(30));
  RemoteModel again({url()}, http_, fresh);
  EXPECT_TRUE(again.Predict("issue_open", {}, &score).IsUnavailable()) << "garbage is not a score";
}

TEST_F(RemoteModelTest, ClassifyStageFallsBackOrHolds) {
  std::shared_ptr<const SpamModel> embedded;
  ASSERT_TRUE(SpamModel::Load(DefaultModelPath(), &embedded).ok());
  classify::ModelHolder models;
  models.Set(embedded, "v1", "bundled");
  CircuitBreaker breaker(100, std::chrono::seconds(1));
  testing::TempDir unused;
  RemoteModel down({"http://127.0.0.1:" + std::to_string(testing::FreePort())}, http_, breaker);
  RemoteModel up({url()}, http_, breaker);
  auto remote = [](RemoteModel& m) {
    return [&m](const std::string& e, const nlohmann::json& item, double* score) { return m.Predict(e, item, score); };
  };
  gitlab::Item item;
  item.type = "note";
  item.event_type = "issue_note_create";
  item.text = {{"body", "LGTM, one nit in the log message."}};
  const Entry entry{"7-0", {{"item", gitlab::ToJson(item).dump()}, {"signals", "{}"}}};

  ClassifyStageOptions o;
  o.decisions.queue = "d";
  o.remote = remote(up);
  Outcome served = ClassifyStage(o, models, registry_, *log_).Process(entry);
  auto d = nlohmann::json::parse(served.emits.at(0).Get("decision"));
  EXPECT_DOUBLE_EQ(d["score"].get<double>(), 0.93);
  // The service's score, under the same rule as the embedded model's: a
  // note of words alone is at most suspicious (verdict.h).
  EXPECT_EQ(d["verdict"], "suspicious");
  EXPECT_EQ(d["scored_by"], "model service");

  o.remote = remote(down);
  Outcome fallback = ClassifyStage(o, models, registry_, *log_).Process(entry);
  d = nlohmann::json::parse(fallback.emits.at(0).Get("decision"));
  EXPECT_EQ(d["verdict"], "ham") << "the embedded model's answer";
  EXPECT_NE(d["scored_by"].get<std::string>().find("model service unavailable"), std::string::npos);

  o.hold_when_remote_down = true;
  EXPECT_EQ(ClassifyStage(o, models, registry_, *log_).Process(entry).kind, Outcome::Kind::kHold);
}

}  // namespace
}  // namespace spamphibian::classify
