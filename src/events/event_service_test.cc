#include "events/event_service.h"

#include <gtest/gtest.h>

#include <optional>

#include "child_process.h"
#include "log/json_log.h"

namespace spamphibian {
namespace {

// Records what would be stored and answers with a chosen result.
class FakeSink : public EventSink {
 public:
  void Enqueue(EventRecord record, std::function<void(EnqueueResult)> done) override {
    records.push_back(std::move(record));
    done(result);
  }
  std::vector<EventRecord> records;
  EnqueueResult result = EnqueueResult::kStored;
};

class EventServiceTest : public ::testing::Test {
 protected:
  EventServiceTest() {
    options_.webhook_secret = Secret("s3cret");
    options_.max_body_bytes = 4096;
    options_.max_json_depth = 8;
    service_.emplace(options_, sink_, registry_, *log_, [] { return 1732500000123; });
  }

  http::Response Post(std::string body, std::vector<std::pair<std::string, std::string>> headers = {
                                            {"X-Gitlab-Token", "s3cret"}}) {
    http::Request req;
    req.method = "POST";
    req.path = "/events";
    req.headers = std::move(headers);
    req.body = std::move(body);
    std::optional<http::Response> out;
    service_->Handle(std::move(req), [&](http::Response r) { out = std::move(r); });
    EXPECT_TRUE(out.has_value()) << "the handler must answer";
    return out.value_or(http::Response{});
  }

  double Metric(const std::string& line) {
    const std::string text = registry_.Render();
    const auto pos = text.find("\n" + line + " ");
    return pos == std::string::npos ? -1 : std::stod(text.substr(pos + line.size() + 2));
  }

  const std::string user_create_ = testing::ReadFile(SPAMPHIBIAN_SAMPLES_DIR "/user_create.json");
  EventServiceOptions options_;
  FakeSink sink_;
  metrics::Registry registry_;
  std::shared_ptr<spdlog::logger> log_ = MakeNullLogger();
  std::optional<EventService> service_;
};

TEST_F(EventServiceTest, StoresARecognisedEvent) {
  http::Response r = Post(user_create_, {{"X-Gitlab-Token", "s3cret"},
                                         {"X-Gitlab-Event", "System Hook"},
                                         {"X-Gitlab-Event-UUID", "7f3e0a9c-1b2d-4c5e-8f90-a1b2c3d4e5f6"}});
  EXPECT_EQ(r.status, 200);
  EXPECT_NE(r.body.find("\"queued\""), std::string::npos);
  ASSERT_EQ(sink_.records.size(), 1u);
  EXPECT_EQ(sink_.records[0].event_type, "user_create");
  EXPECT_EQ(sink_.records[0].payload, user_create_);
  EXPECT_EQ(sink_.records[0].delivery_id, "7f3e0a9c-1b2d-4c5e-8f90-a1b2c3d4e5f6");
  EXPECT_EQ(sink_.records[0].gitlab_event, "System Hook");
  EXPECT_EQ(sink_.records[0].received_at_ms, 1732500000123);
  EXPECT_EQ(Metric("spamphibian_events_received_total{event_type=\"user_create\"}"), 1);
}

TEST_F(EventServiceTest, WrongOrMissingTokenIs401AndNothingIsStored) {
  EXPECT_EQ(Post(user_create_, {{"X-Gitlab-Token", "s3cre"}}).status, 401);
  EXPECT_EQ(Post(user_create_, {}).status, 401);
  EXPECT_TRUE(sink_.records.empty());
  EXPECT_EQ(Metric("spamphibian_events_rejected_total{reason=\"bad_token\"}"), 2);
}

TEST_F(EventServiceTest, TokenHeaderNameIsCaseInsensitive) {
  EXPECT_EQ(Post(user_create_, {{"x-gitlab-token", "s3cret"}}).status, 200);
}

TEST_F(EventServiceTest, NoSecretConfiguredAcceptsWithoutToken) {
  options_.webhook_secret = Secret();
  metrics::Registry fresh;  // metric names are registered once per registry
  service_.emplace(options_, sink_, fresh, *log_);
  EXPECT_EQ(Post(user_create_, {}).status, 200);
}

TEST_F(EventServiceTest, OversizeIs413) {
  EXPECT_EQ(Post(std::string(5000, ' ')).status, 413);
  EXPECT_TRUE(sink_.records.empty());
}

TEST_F(EventServiceTest, BadJsonIs400WithAJsonBody) {
  http::Response r = Post("{\"event_name\": ");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.body, R"({"error":"body is not valid JSON"})");
  EXPECT_EQ(Post("").status, 400);
  EXPECT_TRUE(sink_.records.empty());
  EXPECT_EQ(Metric("spamphibian_events_rejected_total{reason=\"bad_json\"}"), 2);
}

TEST_F(EventServiceTest, DepthLimit) {
  // Depth 8 is allowed (parsed; refused only as not an object), depth 9 is refused as too deep.
  EXPECT_EQ(Post(std::string(8, '[') + std::string(8, ']')).status, 400);
  EXPECT_EQ(Post(std::string(9, '[') + std::string(9, ']')).status, 400);
  EXPECT_EQ(Metric("spamphibian_events_rejected_total{reason=\"too_deep\"}"), 1);
  EXPECT_TRUE(sink_.records.empty());
}

TEST_F(EventServiceTest, UnknownEventIsIgnoredWith200) {
  http::Response r = Post(R"({"object_kind":"push","event_name":"push"})");
  EXPECT_EQ(r.status, 200);
  EXPECT_NE(r.body.find("ignored"), std::string::npos);
  EXPECT_TRUE(sink_.records.empty());
  EXPECT_EQ(Metric("spamphibian_events_ignored_total"), 1);
}

TEST_F(EventServiceTest, StoreUnavailableIs503) {
  sink_.result = EnqueueResult::kUnavailable;
  EXPECT_EQ(Post(user_create_).status, 503);
  EXPECT_EQ(Metric("spamphibian_events_rejected_total{reason=\"unavailable\"}"), 1);
  EXPECT_EQ(Metric("spamphibian_events_received_total{event_type=\"user_create\"}"), 0);
}

TEST_F(EventServiceTest, DuplicateIs200AndCounted) {
  sink_.result = EnqueueResult::kDuplicate;
  http::Response r = Post(user_create_, {{"X-Gitlab-Token", "s3cret"}, {"X-Gitlab-Event-UUID", "abc"}});
  EXPECT_EQ(r.status, 200);
  EXPECT_NE(r.body.find("duplicate"), std::string::npos);
  EXPECT_EQ(Metric("spamphibian_events_duplicate_total"), 1);
}

TEST_F(EventServiceTest, UnusableDeliveryIdIsNotUsedAsKey) {
  EXPECT_EQ(Post(user_create_, {{"X-Gitlab-Token", "s3cret"}, {"X-Gitlab-Event-UUID", "a b:c\r\n"}}).status, 200);
  ASSERT_EQ(sink_.records.size(), 1u);
  EXPECT_EQ(sink_.records[0].delivery_id, "");
}

}  // namespace
}  // namespace spamphibian
