// The real spamphibian binary against a real redis-server: hooks in over
// HTTP, entries out in the events stream.
#include <gtest/gtest.h>
#include <signal.h>

#include <filesystem>
#include <fstream>
#include <future>
#include <map>

#include "child_process.h"
#include "http_client.h"
#include "redis_server.h"
#include "spamphibian_process.h"

namespace spamphibian {
namespace {

using testing::ChildProcess;
using testing::HttpGet;
using testing::HttpPost;
using testing::ReadFile;
using testing::WaitFor;

using testing::kWebhookSecret;
const std::string kStream = "spamphibian:events";
using Service = testing::SpamphibianProcess;

class EventServiceE2E : public ::testing::Test {
 protected:
  void SetUp() override {
    service_ = std::make_unique<Service>(redis_, dir_.path());
    ASSERT_TRUE(service_->WaitReady()) << service_->log();
  }
  long long Stored() { return client_->Integer({"XLEN", kStream}); }
  std::string Metrics() { return HttpGet(service_->Url("/metrics")).body; }

  testing::RedisServer redis_;
  std::unique_ptr<testing::RedisServer::TestClient> client_ = redis_.Client();
  testing::TempDir dir_;
  std::unique_ptr<Service> service_;
  const std::string user_create_ = ReadFile(SPAMPHIBIAN_SAMPLES_DIR "/user_create.json");
};

TEST_F(EventServiceE2E, EverySampleIsRecognisedAndStoredWithItsFields) {
  std::map<std::string, std::string> sent;  // type -> payload
  for (const auto& file : std::filesystem::directory_iterator(SPAMPHIBIAN_SAMPLES_DIR)) {
    const std::string type = file.path().stem().string();
    if (file.path().extension() != ".json" || type == "group_members_response") continue;
    const std::string body = ReadFile(file.path());
    auto r = service_->Post(body);
    EXPECT_EQ(r.status, 200) << type;
    EXPECT_NE(r.body.find("\"event_type\":\"" + type + "\""), std::string::npos) << r.body;
    sent[type] = body;
  }
  ASSERT_EQ(Stored(), static_cast<long long>(sent.size()));
  redis::Reply r = client_->Run({"XRANGE", kStream, "-", "+"});
  for (std::size_t i = 0; i < r->elements; ++i) {
    std::map<std::string, std::string> fields;
    const redisReply* f = r->element[i]->element[1];
    for (std::size_t k = 0; k + 1 < f->elements; k += 2) {
      fields[std::string(redis::ReplyText(f->element[k]))] = redis::ReplyText(f->element[k + 1]);
    }
    ASSERT_TRUE(sent.count(fields["event_type"])) << fields["event_type"];
    EXPECT_EQ(fields["payload"], sent[fields["event_type"]]);
    EXPECT_GT(std::stoll(fields["received_at"]), 1700000000000LL);
    EXPECT_TRUE(fields.count("delivery_id"));
  }
  const std::string metrics = Metrics();
  EXPECT_NE(metrics.find("spamphibian_events_received_total{event_type=\"issue_note_update\"} 1"), std::string::npos);
  EXPECT_NE(service_->log().find("\"event\":\"event_enqueued\""), std::string::npos);
}

TEST_F(EventServiceE2E, UpstreamPathEventAlsoWorks) {
  auto r = HttpPost(service_->Url("/event"), user_create_, {{"X-Gitlab-Token", kWebhookSecret}});
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(Stored(), 1);
  EXPECT_EQ(HttpGet(service_->Url("/nope")).status, 404);
  EXPECT_EQ(HttpGet(service_->Url("/events")).status, 405);
}

TEST_F(EventServiceE2E, WrongOrMissingTokenIs401) {
  EXPECT_EQ(HttpPost(service_->Url("/events"), user_create_, {{"X-Gitlab-Token", "guess"}}).status, 401);
  EXPECT_EQ(HttpPost(service_->Url("/events"), user_create_).status, 401);
  EXPECT_EQ(Stored(), 0);
  EXPECT_NE(Metrics().find("spamphibian_events_rejected_total{reason=\"bad_token\"} 2"), std::string::npos);
}

TEST_F(EventServiceE2E, BadJsonTooDeepAndOversizeAreRefused) {
  auto bad = service_->Post("{not json");
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.body, R"({"error":"body is not valid JSON"})");
  EXPECT_EQ(service_->Post(std::string(65, '[') + std::string(65, ']')).status, 400);
  std::string deep_object;  // 64 levels: allowed
  for (int i = 0; i < 63; ++i) deep_object += "{\"a\":";
  deep_object += "{}" + std::string(63, '}');
  EXPECT_EQ(service_->Post(deep_object).status, 200);  // ignored (not an event), not refused
  std::string huge = R"({"event_name":"user_create","bio":")" + std::string(70000, 'x') + "\"}";
  EXPECT_EQ(service_->Post(huge).status, 413);
  EXPECT_EQ(Stored(), 0);
  // The service is still fine afterwards.
  EXPECT_EQ(service_->Post(user_create_).status, 200);
  const std::string metrics = Metrics();
  EXPECT_NE(metrics.find("spamphibian_events_rejected_total{reason=\"too_large\"} 1"), std::string::npos);
  EXPECT_NE(metrics.find("spamphibian_events_rejected_total{reason=\"too_deep\"} 1"), std::string::npos);
}

TEST_F(EventServiceE2E, UnknownEventIs200AndNotStored) {
  auto r = service_->Post(R"({"object_kind":"push","event_name":"push","ref":"refs/heads/main"})",
                          {{"X-Gitlab-Event", "Push Hook"}});
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(Stored(), 0);
  EXPECT_NE(Metrics().find("spamphibian_events_ignored_total 1"), std::string::npos);
}

TEST_F(EventServiceE2E, ARedeliveredHookIsStoredOnce) {
  const testing::Headers uuid = {{"X-Gitlab-Event-UUID", "13792a34-cac6-4fda-95a8-c58e00a3954e"}};
  EXPECT_EQ(service_->Post(user_create_, uuid).status, 200);
  auto again = service_->Post(user_create_, uuid);
  EXPECT_EQ(again.status, 200);
  EXPECT_NE(again.body.find("duplicate"), std::string::npos);
  EXPECT_EQ(Stored(), 1);
  EXPECT_EQ(service_->Post(user_create_, {{"X-Gitlab-Event-UUID", "another-delivery"}}).status, 200);
  EXPECT_EQ(Stored(), 2);
  redis::Reply keys;
  ASSERT_TRUE(client_->raw().Run({"KEYS", "spamphibian:delivery:13792a34-cac6-4fda-95a8-c58e00a3954e:*"}, &keys).ok());
  ASSERT_EQ(keys->elements, 1u);
  const long long ttl = client_->Integer({"TTL", std::string(redis::ReplyText(keys->element[0]))});
  EXPECT_GT(ttl, 23 * 3600);
  EXPECT_LE(ttl, 24 * 3600);
}

TEST_F(EventServiceE2E, DistinctEventsSharingAUuidAreAllStored) {
  // GitLab copies X-Gitlab-Event-UUID from the request that triggered the
  // hooks: one UUID, several different events.
  const testing::Headers uuid = {{"X-Gitlab-Event-UUID", "0c1b7fb0-8a5e-4d52-9b3f-3e7c2a0d9f11"}};
  EXPECT_EQ(service_->Post(R"({"event_name":"user_create","user_id":41,"username":"a"})", uuid).status, 200);
  EXPECT_EQ(service_->Post(R"({"event_name":"user_create","user_id":42,"username":"b"})", uuid).status, 200);
  EXPECT_EQ(Stored(), 2);
  // GitLab's Idempotency-Key names a delivery whatever the body.
  const testing::Headers key = {{"Idempotency-Key", "7f3e2b1a-0000-4000-8000-000000000001"}};
  EXPECT_EQ(service_->Post(R"({"event_name":"user_create","user_id":43})", key).status, 200);
  EXPECT_NE(service_->Post(R"({"event_name":"user_create","user_id":43,"retry":1})", key).body.find("duplicate"),
            std::string::npos);
  EXPECT_EQ(Stored(), 3);
}

TEST_F(EventServiceE2E, RequiredIdsAreCheckedAtTheEdge) {
  for (const char* body : {R"({"event_name":"user_create","user_id":"7; DROP"})",
                           R"({"event_name":"user_create","user_id":-7})", R"({"event_name":"user_create"})",
                           R"({"event_name":"group_create","group_id":0})",
                           R"({"event_name":"project_create","project_id":1.5})"}) {
    auto r = service_->Post(body);
    EXPECT_EQ(r.status, 400) << body;
    EXPECT_NE(r.body.find("_id"), std::string::npos) << r.body;
  }
  EXPECT_EQ(Stored(), 0);
  EXPECT_NE(Metrics().find("spamphibian_events_rejected_total{reason=\"bad_field\"} 5"), std::string::npos);
}

TEST_F(EventServiceE2E, AGroupWebhooksProjectCreateIsQueued) {
  auto r = service_->Post(R"({"event_name":"project_create","project_id":74,"name":"x","owners":[{"name":"a"}]})",
                          {{"X-Gitlab-Event", "Project Hook"}});
  EXPECT_EQ(r.status, 200);
  EXPECT_NE(r.body.find("queued"), std::string::npos) << r.body;
  EXPECT_EQ(Stored(), 1);
}

TEST_F(EventServiceE2E, RedisDownMeans503AndNothingAcknowledgedIsLost) {
  int acknowledged = 0;
  for (int i = 0; i < 5; ++i) acknowledged += service_->Post(user_create_).status == 200;
  redis_.Stop();
  auto down = service_->Post(user_create_);
  EXPECT_EQ(down.status, 503);
  EXPECT_TRUE(WaitFor([&] { return HttpGet(service_->Url("/readyz")).status == 503; }));
  EXPECT_EQ(HttpGet(service_->Url("/healthz")).status, 200);
  redis_.Start();
  // Each HTTP thread reconnects on its own (after redis.reconnect_backoff),
  // so for a moment some hooks still get 503 and GitLab sends them again.
  // Every hook is taken once its thread is back, and every 200 is stored.
  const auto post = [&] {
    const bool ok = service_->Post(user_create_).status == 200;
    acknowledged += ok;
    return ok;
  };
  for (int i = 0; i < 6; ++i) EXPECT_TRUE(WaitFor(post));
  EXPECT_GE(acknowledged, 11);
  auto client = redis_.Client();
  EXPECT_EQ(client->Integer({"XLEN", kStream}), acknowledged);
  EXPECT_TRUE(WaitFor([&] { return HttpGet(service_->Url("/readyz")).status == 200; }));
  EXPECT_NE(Metrics().find("spamphibian_events_rejected_total{reason=\"unavailable\"}"), std::string::npos);
}

TEST_F(EventServiceE2E, ReadinessDropsWithTheFirstHookRedisRefuses) {
  ASSERT_EQ(HttpGet(service_->Url("/readyz")).status, 200);
  redis_.Kill();
  ASSERT_EQ(service_->Post(user_create_).status, 503);
  // At once, not at the queue monitor's next sample (up to 2 s later):
  // a load balancer must not send GitLab's next hook here meanwhile.
  EXPECT_EQ(HttpGet(service_->Url("/readyz")).status, 503);
  redis_.Start();
  EXPECT_TRUE(WaitFor([&] { return HttpGet(service_->Url("/readyz")).status == 200; }));
  EXPECT_TRUE(WaitFor([&] { return service_->Post(user_create_).status == 200; }));
}

TEST_F(EventServiceE2E, MetricsPassPromtool) {
  service_->Post(user_create_);
  service_->Post("{bad");
  const std::string path = dir_.path() + "/metrics.txt";
  std::ofstream(path) << Metrics();
  const int rc = std::system(("promtool check metrics < " + path + " > " + dir_.path() + "/promtool.out 2>&1").c_str());
  EXPECT_EQ(rc, 0) << ReadFile(dir_.path() + "/promtool.out");
  const std::string metrics = ReadFile(path);
  for (const char* name : {"spamphibian_events_received_total", "spamphibian_events_rejected_total",
                           "spamphibian_events_ignored_total", "spamphibian_http_request_duration_seconds_bucket",
                           "spamphibian_queue_length", "spamphibian_redis_up"}) {
    EXPECT_NE(metrics.find(name), std::string::npos) << name;
  }
}

TEST_F(EventServiceE2E, SigtermFinishesRequestsInFlightAndExitsZero) {
  // Hold Redis writes so that requests are in flight when the signal comes.
  client_->Run({"CLIENT", "PAUSE", "1500", "WRITE"});
  std::vector<std::future<long>> inflight;
  for (int i = 0; i < 20; ++i) {
    inflight.push_back(std::async(std::launch::async, [&] { return service_->Post(user_create_).status; }));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(400));
  service_->process().Signal(SIGTERM);
  for (auto& f : inflight) EXPECT_EQ(f.get(), 200);
  EXPECT_EQ(service_->process().Wait(std::chrono::seconds(20)), 0) << service_->log();
  EXPECT_EQ(Stored(), 20);
  EXPECT_NE(service_->log().find("\"event\":\"stopped\""), std::string::npos);
}

TEST_F(EventServiceE2E, SecretsNeverReachTheLog) {
  service_->Post(user_create_);
  HttpPost(service_->Url("/events"), user_create_, {{"X-Gitlab-Token", "wrong"}});
  const std::string log = service_->log();
  EXPECT_EQ(log.find(kWebhookSecret), std::string::npos);
  EXPECT_EQ(log.find("glpat-never-logged"), std::string::npos);
  EXPECT_NE(log.find("\"webhook_secret\":\"(set)\""), std::string::npos);
}

// Start-up refuses bad configuration with exit code 2 and names the culprit.
class StartupTest : public ::testing::Test {
 protected:
  std::pair<int, std::string> Run(std::map<std::string, std::string> env, std::vector<std::string> args = {"serve"}) {
    Service s(redis_, dir_.path(), std::move(env), std::move(args));
    const int rc = s.process().Wait(std::chrono::seconds(10));
    return {rc, s.log()};
  }
  testing::RedisServer redis_;
  testing::TempDir dir_;
};

TEST_F(StartupTest, BadPortIsNamed) {
  auto [rc, out] = Run({{"PORT", "abc"}});
  EXPECT_EQ(rc, 2);
  EXPECT_NE(out.find("PORT"), std::string::npos) << out;
}

TEST_F(StartupTest, UnknownYamlKeyIsNamed) {
  std::ofstream(dir_.path() + "/bad.yaml") << "server:\n  max_body: 10\n";
  auto [rc, out] = Run({{"SPAMPHIBIAN_CONFIG", dir_.path() + "/bad.yaml"}});
  EXPECT_EQ(rc, 2);
  EXPECT_NE(out.find("server.max_body"), std::string::npos) << out;
}

TEST_F(StartupTest, UnreadableConfigFile) {
  auto [rc, out] = Run({{"SPAMPHIBIAN_CONFIG", dir_.path() + "/missing.yaml"}});
  EXPECT_EQ(rc, 2);
  EXPECT_NE(out.find("SPAMPHIBIAN_CONFIG"), std::string::npos) << out;
}

TEST_F(StartupTest, StageNotBuiltYetIsRefused) {
  auto [rc, out] = Run({}, {"serve", "--stages", "events,bogus"});
  EXPECT_EQ(rc, 2);
  EXPECT_NE(out.find("bogus"), std::string::npos) << out;
}

TEST_F(StartupTest, ClassifyCommandPrintsAVerdictWithReasons) {
  const std::string user = dir_.path() + "/user.json";
  std::ofstream(user) << R"({"id": 7, "username": "qb_support_247", "name": "QuickBooks Support",
      "bio": "QuickBooks customer care number +1-888-555-0199 call now toll free",
      "website_url": "https://qb-support-247.example.top", "state": "active"})";
  auto [rc, out] = Run({}, {"classify", user});
  EXPECT_EQ(rc, 0) << out;
  EXPECT_NE(out.find("\"verdict\": \"spam\""), std::string::npos) << out;
  EXPECT_NE(out.find("sig_phone"), std::string::npos) << out;
  auto [bad_rc, bad_out] = Run({}, {"classify", dir_.path() + "/missing.json"});
  EXPECT_EQ(bad_rc, 2) << bad_out;
}

TEST_F(StartupTest, Version) {
  auto [rc, out] = Run({}, {"version"});
  EXPECT_EQ(rc, 0);
  EXPECT_NE(out.find("spamphibian 0."), std::string::npos) << out;
}

}  // namespace
}  // namespace spamphibian
