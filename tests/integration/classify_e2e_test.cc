// The real binary with fetch, trust, classify and archive, against a real
// redis-server, the real gitlab-sim and a real S3-compatible server
// (s3rver): spam and ham decisions with their reasons, evaluated items in
// S3, the model pulled from S3 at start-up, hot-swapped during traffic, and
// a corrupt model refused.
#include <gtest/gtest.h>
#include <signal.h>

#include <set>
#include <sstream>

#include "classify/s3_model_source.h"
#include "gitlab_sim_process.h"
#include "http/curl_client.h"
#include "redis_server.h"
#include "s3rver_process.h"
#include "spamphibian_process.h"
#include "stand_in_server.h"
#include "stages/archive_stage.h"
#include "storage/s3_object_store.h"
#include "tiny_model.h"

namespace spamphibian {
namespace {

using testing::HttpGet;
using testing::WaitFor;

const std::string kYaml = "pipeline:\n  claim_idle_ms: 300\n  block_ms: 100\n  max_attempts: 3\n";
constexpr const char* kManifest = "models/current.json";

class ClassifyE2E : public ::testing::Test {
 protected:
  std::map<std::string, std::string> S3Env() { return s3_.Env(); }
  void Start(std::map<std::string, std::string> env = {}) {
    env.merge(S3Env());
    env.emplace("GITLAB_URL", sim_.url());
    env.emplace("GITLAB_API_RATE", "0");
    service_ = std::make_unique<testing::SpamphibianProcess>(
        redis_, dir_.path(), env, std::vector<std::string>{"serve", "--stages", "events,fetch,trust,classify,archive"},
        kYaml + "model:\n  cache_dir: " + dir_.path() + "/models\n");
    ASSERT_TRUE(service_->WaitReady()) << service_->log();
  }
  void SendUser(int id) {
    ASSERT_EQ(service_->Post(nlohmann::json{{"event_name", "user_create"}, {"user_id", id}}.dump(),
                             {{"X-Gitlab-Event", "System Hook"}})
                  .status,
              200);
  }
  std::vector<nlohmann::json> Decisions() {
    std::vector<nlohmann::json> out;
    for (const auto& d : redis_client_->StreamField("spamphibian:decision_log", "decision")) out.push_back(nlohmann::json::parse(d));
    return out;
  }
  // Uploads a model trained by the real `spamphibian train --upload`.
  nlohmann::json TrainAndUpload(bool inverted) {
    const std::string data = dir_.path() + "/train.jsonl";
    testing::WriteTinyTrainingData(data, inverted);
    std::map<std::string, std::string> env = S3Env();
    env["MODEL_S3_KEY"] = kManifest;
    const std::string out = dir_.path() + "/trained.txt";
    std::remove(out.c_str());  // the child appends
    testing::ChildProcess train(
        {SPAMPHIBIAN_BINARY, "train", "--data", data, "--out", dir_.path() + "/m.ftz", "--dim", "8", "--epoch", "5",
         "--upload"},
        env, out);
    EXPECT_EQ(train.Wait(std::chrono::seconds(60)), 0) << testing::ReadFile(out);
    const std::string text = testing::ReadFile(out);
    return nlohmann::json::parse(text.substr(text.find('{')))["uploaded"];
  }
  std::string Metrics() { return HttpGet(service_->Url("/metrics")).body; }
  // Every decision in the archive's batch objects, by decision id.
  std::map<std::string, nlohmann::json> Archived() {
    std::map<std::string, nlohmann::json> out;
    std::vector<storage::ObjectInfo> objects;
    if (!store_.List("evaluated/", &objects).ok()) return out;
    for (const auto& o : objects) {
      std::string body;
      std::vector<nlohmann::json> decisions;
      if (!store_.Get(o.key, &body).ok() || !ReadEvaluatedBatch(body, &decisions).ok()) continue;
      for (auto& d : decisions) {
        const std::string id = d.value("decision_id", "");
        out[id] = std::move(d);
      }
    }
    return out;
  }

  testing::RedisServer redis_;
  std::unique_ptr<testing::RedisServer::TestClient> redis_client_ = redis_.Client();
  testing::GitLabSimProcess sim_;
  testing::S3rverProcess s3_;
  testing::TempDir dir_;
  http::CurlHttpClient http_;
  storage::S3ObjectStore store_{s3_.Options(), http_};
  std::unique_ptr<testing::SpamphibianProcess> service_;
};

TEST_F(ClassifyE2E, SpamUserIsSpamWithReasonsArchivedInS3AndCounted) {
  Start();
  SendUser(101);  // seo_links_4u: a website and nothing else
  SendUser(123);  // carol.nguyen: a developer
  ASSERT_TRUE(WaitFor([&] { return Decisions().size() == 2; })) << service_->log();
  std::map<std::string, nlohmann::json> by_author;
  for (const auto& d : Decisions()) by_author[d["author"]] = d;
  const auto& spam = by_author["seo_links_4u"];
  EXPECT_EQ(spam["verdict"], "spam") << spam.dump();
  EXPECT_GE(spam["score"].get<double>(), 0.8);
  EXPECT_NE(spam["reasons"].dump().find("sig_links_1"), std::string::npos) << spam["reasons"].dump();
  EXPECT_EQ(by_author["carol.nguyen"]["verdict"], "ham");

  // Both evaluated items land in S3 with the decision and the item, in
  // batch objects the index finds by decision id.
  ASSERT_TRUE(WaitFor([&] { return Archived().size() == 2; })) << service_->log();
  const redis::Reply found = redis_client_->Run(
      {"HGET", "spamphibian:evaluated_index:" + spam["time"].get<std::string>().substr(0, 10), spam["decision_id"]});
  const std::string key = found->type == REDIS_REPLY_STRING ? std::string(redis::ReplyText(found.get())) : "";
  ASSERT_TRUE(key.starts_with("evaluated/user/") && key.ends_with(".jsonl.gz")) << key;
  std::string body;
  ASSERT_TRUE(store_.Get(key, &body).ok()) << key;
  std::vector<nlohmann::json> in_object;
  ASSERT_TRUE(ReadEvaluatedBatch(body, &in_object).ok());
  nlohmann::json archived;
  for (const auto& d : in_object) {
    if (d["decision_id"] == spam["decision_id"]) archived = d;
  }
  EXPECT_EQ(archived["verdict"], "spam");
  EXPECT_EQ(archived["item"]["author"]["username"], "seo_links_4u");
  EXPECT_EQ(archived["model_version"], spam["model_version"]);

  const std::string m = Metrics();
  EXPECT_NE(m.find("spamphibian_decisions_total{item_type=\"user\",verdict=\"spam\"} 1"), std::string::npos);
  EXPECT_NE(m.find("spamphibian_decisions_total{item_type=\"user\",verdict=\"ham\"} 1"), std::string::npos);
  EXPECT_NE(m.find("spamphibian_model_info{version=\""), std::string::npos);
  EXPECT_NE(m.find("source=\"bundled\"} 1"), std::string::npos);
}

TEST_F(ClassifyE2E, ArchiveWaitsForS3AndLosesNothing) {
  Start();
  s3_.Stop();
  for (int id : {101, 102, 103, 123}) SendUser(id);
  ASSERT_TRUE(WaitFor([&] { return Decisions().size() == 4; })) << service_->log();
  ASSERT_TRUE(WaitFor([&] { return service_->log().find("stage_hold") != std::string::npos; })) << service_->log();
  s3_.Start();
  ASSERT_TRUE(WaitFor([&] { return Archived().size() == 4; }, std::chrono::seconds(20))) << Archived().size();
  EXPECT_EQ(redis_client_->Integer({"XLEN", "spamphibian:dead_letter"}), 0);
}

TEST_F(ClassifyE2E, ModelFromS3AtStartUpThenHotSwappedDuringTraffic) {
  const nlohmann::json first = TrainAndUpload(/*inverted=*/false);
  ASSERT_TRUE(first.contains("version"));
  std::string manifest;
  ASSERT_TRUE(store_.Get(kManifest, &manifest).ok());
  EXPECT_EQ(nlohmann::json::parse(manifest)["key"], first["model_key"]);

  Start({{"MODEL_S3_KEY", kManifest}, {"MODEL_REFRESH_INTERVAL", "0"}});
  EXPECT_NE(Metrics().find("spamphibian_model_info{version=\"" + first["version"].get<std::string>() + "\",source=\"s3\"} 1"),
            std::string::npos)
      << Metrics();

  // Traffic all along; the new model arrives in the middle.
  std::atomic<bool> stop{false};
  std::atomic<int> sent{0};
  std::jthread traffic([&] {
    const int users[] = {101, 102, 103, 104, 120, 121, 122, 123};
    for (int i = 0; !stop; ++i) {
      if (service_->Post(nlohmann::json{{"event_name", "user_create"}, {"user_id", users[i % 8]}}.dump(),
                         {{"X-Gitlab-Event", "System Hook"}})
              .status == 200) {
        ++sent;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  });
  struct StopTraffic {
    std::atomic<bool>& stop;
    ~StopTraffic() { stop = true; }  // before the jthread joins, whatever assertion returns early
  } stop_traffic{stop};
  ASSERT_TRUE(WaitFor([&] { return sent > 20; }));
  const nlohmann::json second = TrainAndUpload(/*inverted=*/true);
  ASSERT_NE(second["version"], first["version"]);
  service_->process().Signal(SIGHUP);
  // (The S3 model at start-up was a swap too: wait for this one's version.)
  const std::string swapped_to = "\"version\":\"" + second["version"].get<std::string>() + "\"";
  const bool swapped = WaitFor([&] { return service_->log().find(swapped_to) != std::string::npos; }, std::chrono::seconds(30));
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  stop = true;
  traffic.join();
  ASSERT_TRUE(swapped) << service_->log();

  // Every hook is one decision: none dropped, none doubled, by the first
  // model and then by the second.
  ASSERT_TRUE(WaitFor([&] { return static_cast<int>(Decisions().size()) == sent; })) << Decisions().size() << " of " << sent;
  std::set<std::string> ids;
  std::vector<std::string> versions;
  for (const auto& d : Decisions()) {
    ids.insert(d["decision_id"].get<std::string>());
    if (versions.empty() || versions.back() != d["model_version"]) versions.push_back(d["model_version"]);
  }
  EXPECT_EQ(static_cast<int>(ids.size()), sent.load());
  EXPECT_EQ(versions, (std::vector<std::string>{first["version"], second["version"]}));
  EXPECT_NE(Metrics().find("spamphibian_model_info{version=\"" + first["version"].get<std::string>() + "\",source=\"s3\"} 0"),
            std::string::npos);
}

TEST_F(ClassifyE2E, TrainsFromLabelledObjectsUnderAnS3Prefix) {
  // Half the examples as one JSONL object, half as single labelled .json
  // objects (as restore writes labels/), and an object that is not labelled.
  const std::string data = dir_.path() + "/all.jsonl";
  testing::WriteTinyTrainingData(data);
  std::istringstream lines(testing::ReadFile(data));
  std::string line, first_half;
  for (int i = 0; std::getline(lines, line); ++i) {
    if (i < 100) {
      first_half += line + "\n";
    } else {
      ASSERT_TRUE(store_.Put("labels/user/" + std::to_string(i) + ".json", line, "").ok());
    }
  }
  ASSERT_TRUE(store_.Put("labels/part-1.jsonl", first_half, "").ok());
  ASSERT_TRUE(store_.Put("labels/readme.json", R"({"note": "not an example"})", "").ok());
  const std::string out = dir_.path() + "/train-s3.txt";
  testing::ChildProcess train({SPAMPHIBIAN_BINARY, "train", "--data", "s3://labels/", "--out", dir_.path() + "/s3.ftz",
                               "--dim", "8", "--epoch", "5"},
                              S3Env(), out);
  ASSERT_EQ(train.Wait(std::chrono::seconds(60)), 0) << testing::ReadFile(out);
  const std::string text = testing::ReadFile(out);
  EXPECT_NE(text.find("101 objects from s3://labels/"), std::string::npos) << text;
  const auto report = nlohmann::json::parse(text.substr(text.find('{')));
  EXPECT_EQ(report["train_examples"].get<int>() + report["heldout_examples"].get<int>(), 200);
}

TEST_F(ClassifyE2E, CorruptS3ModelIsRefusedAndTheRunningOneStays) {
  const nlohmann::json good = TrainAndUpload(false);
  Start({{"MODEL_S3_KEY", kManifest}, {"MODEL_REFRESH_INTERVAL", "0"}});
  // A truncated model whose manifest matches it: it downloads and verifies,
  // but it is not a loadable model.
  std::string model;
  ASSERT_TRUE(store_.Get(good["model_key"], &model).ok());
  model.resize(model.size() / 2);
  ASSERT_TRUE(store_.Put("models/broken.ftz", model, "").ok());
  ASSERT_TRUE(store_.Put(kManifest, classify::ModelManifest("models/broken.ftz", model), "").ok());
  service_->process().Signal(SIGHUP);
  ASSERT_TRUE(WaitFor([&] { return service_->log().find("model_refused") != std::string::npos; })) << service_->log();
  EXPECT_NE(Metrics().find("spamphibian_model_refreshes_total{result=\"refused\"} 1"), std::string::npos);
  SendUser(101);
  ASSERT_TRUE(WaitFor([&] { return Decisions().size() == 1; }));
  EXPECT_EQ(Decisions()[0]["model_version"], good["version"]);
}

TEST_F(ClassifyE2E, ModelServiceScoresAndTheEmbeddedModelTakesOverWhenItIsDown) {
  testing::StandInServer model_service;
  http::Response answer;
  answer.body = R"({"prediction": 1, "score": 0.97})";
  model_service.SetDefault(answer);
  Start({{"MODEL_URL", model_service.url()}});
  SendUser(123);  // carol.nguyen: ham to the embedded model
  ASSERT_TRUE(WaitFor([&] { return Decisions().size() == 1; })) << service_->log();
  EXPECT_EQ(Decisions()[0]["verdict"], "spam") << "the service's score decides";
  EXPECT_EQ(Decisions()[0]["scored_by"], "model service");
  ASSERT_FALSE(model_service.received().empty());
  EXPECT_EQ(model_service.received()[0].path, "/predict_user_create");
  EXPECT_NE(model_service.received()[0].body.find("carol.nguyen"), std::string::npos) << "the item is sent";

  answer.status = 503;
  model_service.SetDefault(answer);
  SendUser(123);
  ASSERT_TRUE(WaitFor([&] { return Decisions().size() == 2; })) << service_->log();
  EXPECT_EQ(Decisions()[1]["verdict"], "ham") << "the embedded model answers";
  EXPECT_NE(Decisions()[1]["scored_by"].get<std::string>().find("model service unavailable"), std::string::npos);
}

TEST_F(ClassifyE2E, UnreachableS3ModelAtStartUpFallsBackToTheBundledOne) {
  Start({{"MODEL_S3_KEY", "models/missing.json"}, {"MODEL_REFRESH_INTERVAL", "0"}});
  EXPECT_NE(service_->log().find("model_s3_unavailable"), std::string::npos);
  SendUser(101);
  ASSERT_TRUE(WaitFor([&] { return Decisions().size() == 1; }));
  EXPECT_EQ(Decisions()[0]["verdict"], "spam");
}

}  // namespace
}  // namespace spamphibian
