// RemoteModel and the classify stage's fallback, against a real HTTP server
// standing in for a model service.
#include "classify/remote_model.h"

#include <boost/asio/executor_work_guard.hpp>
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "child_process.h"
#include "gitlab/item.h"
#include "http/curl_client.h"
#include "http/server.h"
#include "log/json_log.h"
#include "stages/classify_stage.h"

namespace spamphibian::classify {
namespace {

// A model service: answers what the test sets, counts what it gets.
class StandIn : public http::Handler {
 public:
  void Handle(http::Request req, http::Respond respond) override {
    ++requests;
    last_path = req.path;
    last_body = req.body;
    http::Response r;
    r.status = status.load();
    r.body = body;
    respond(std::move(r));
  }
  std::atomic<int> requests{0};
  std::atomic<int> status{200};
  std::string body = R"({"prediction": 1, "score": 0.93})";
  std::string last_path, last_body;
};

class RemoteModelTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ServerOptions o;
    o.bind_address = "127.0.0.1";
    o.port = 0;
    server_ = std::make_unique<http::Server>(std::vector<boost::asio::io_context*>{&io_}, o,
                                             std::vector<http::Route>{{"POST", "/*", &stand_in_}}, registry_, *log_);
    ASSERT_TRUE(server_->Listen().ok());
    thread_ = std::thread([this] { io_.run(); });
  }
  void TearDown() override {
    io_.stop();
    thread_.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(server_->port()); }

  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> guard_ = boost::asio::make_work_guard(io_);
  metrics::Registry registry_;
  std::shared_ptr<spdlog::logger> log_ = MakeNullLogger();
  StandIn stand_in_;
  std::unique_ptr<http::Server> server_;
  std::thread thread_;
  http::CurlHttpClient http_;
};

TEST_F(RemoteModelTest, SpeaksTheUpstreamProtocol) {
  CircuitBreaker breaker(3, std::chrono::seconds(30));
  RemoteModel model({url()}, http_, breaker);
  double score = 0;
  ASSERT_TRUE(model.Predict("user_create", {{"type", "user"}, {"id", "41"}}, &score).ok());
  EXPECT_DOUBLE_EQ(score, 0.93);
  EXPECT_EQ(stand_in_.last_path, "/predict_user_create");
  EXPECT_NE(stand_in_.last_body.find("\"type\":\"user\""), std::string::npos);
  stand_in_.body = R"({"prediction": 0, "score": 0.9})";  // 90% sure it is ham
  ASSERT_TRUE(model.Predict("user_create", {{"type", "user"}}, &score).ok());
  EXPECT_NEAR(score, 0.1, 1e-9);
}

TEST_F(RemoteModelTest, FailuresAreUnavailableAndOpenTheBreaker) {
  CircuitBreaker breaker(2, std::chrono::seconds(30));
  RemoteModel model({url(), std::chrono::milliseconds(1000), /*max_attempts=*/2}, http_, breaker);
  stand_in_.status = 503;
  double score = 0;
  EXPECT_TRUE(model.Predict("issue_open", {}, &score).IsUnavailable());
  EXPECT_EQ(stand_in_.requests.load(), 2) << "one retry";
  EXPECT_TRUE(model.Predict("issue_open", {}, &score).IsUnavailable());
  EXPECT_TRUE(breaker.open());
  const int before = stand_in_.requests.load();
  EXPECT_TRUE(model.Predict("issue_open", {}, &score).IsUnavailable());
  EXPECT_EQ(stand_in_.requests.load(), before) << "an open breaker does not call the service";
  stand_in_.body = "not json";
  stand_in_.status = 200;
  CircuitBreaker fresh(5, std::chrono::seconds(30));
  RemoteModel again({url()}, http_, fresh);
  EXPECT_TRUE(again.Predict("issue_open", {}, &score).IsUnavailable()) << "garbage is not a score";
}

TEST_F(RemoteModelTest, ClassifyStageFallsBackOrHolds) {
  std::shared_ptr<const FastTextModel> embedded;
  ASSERT_TRUE(FastTextModel::Load(DefaultModelPath(), &embedded).ok());
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
  o.decisions.stream = "d";
  o.remote = remote(up);
  Outcome served = ClassifyStage(o, models, registry_, *log_).Process(entry);
  auto d = nlohmann::json::parse(served.emits.at(0).fields[0].second);
  EXPECT_DOUBLE_EQ(d["score"].get<double>(), 0.93);
  EXPECT_EQ(d["verdict"], "spam");
  EXPECT_EQ(d["scored_by"], "model service");

  o.remote = remote(down);
  Outcome fallback = ClassifyStage(o, models, registry_, *log_).Process(entry);
  d = nlohmann::json::parse(fallback.emits.at(0).fields[0].second);
  EXPECT_EQ(d["verdict"], "ham") << "the embedded model's answer";
  EXPECT_NE(d["scored_by"].get<std::string>().find("model service unavailable"), std::string::npos);

  o.hold_when_remote_down = true;
  EXPECT_EQ(ClassifyStage(o, models, registry_, *log_).Process(entry).kind, Outcome::Kind::kHold);
}

}  // namespace
}  // namespace spamphibian::classify
