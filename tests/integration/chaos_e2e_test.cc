// Chaos: thousands of hooks for distinct users at a steady rate, through
// every stage of the real binary with a live block policy, while the
// service is killed with SIGKILL three times and restarted, Redis (AOF,
// fsync always) is restarted, S3 (s3rver) hangs for 5 s, GitLab (the
// simulator) answers 503 for 5 s and then is slower than the claim time.
// Afterwards: every hook that got 200 has exactly one decision; every
// flagged user exactly one block call that reached GitLab; no block before
// its archive object existed; nothing dead-lettered.
//
// scripts/test runs a small version (CHAOS_HOOKS, default 1200 at
// CHAOS_RATE 40/s); bench/chaos runs a large one and prints the figures.
#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <signal.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "stages/action_archive.h"
#include "gitlab_sim_process.h"
#include "s3rver_process.h"
#include "sim/gitlab_sim.h"
#include "spamphibian_process.h"

namespace spamphibian {
namespace {

using testing::HttpGet;
using testing::WaitFor;

// "2026-12-03T06:40:00.123Z" as milliseconds since the epoch; -1 if not that.
std::int64_t RfcMs(const std::string& rfc3339) {
  std::tm tm{};
  int ms = 0;
  if (std::sscanf(rfc3339.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d.%3dZ", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
                  &tm.tm_min, &tm.tm_sec, &ms) != 7) {
    return -1;
  }
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  return static_cast<std::int64_t>(timegm(&tm)) * 1000 + ms;
}

int EnvInt(const char* name, int fallback) {
  const char* v = std::getenv(name);
  return v != nullptr ? std::atoi(v) : fallback;
}

const std::string kYaml =
    "pipeline:\n  claim_idle_ms: 3000\n  block_ms: 100\n  max_attempts: 5\n"
    "gitlab:\n  act_deadline_ms: 2000\n  timeout_ms: 1000\n  max_attempts: 3\n"
    "log:\n  level: warning\n"
    "policy:\n  dry_run: false\n  max_destructive_actions_per_minute: 1000000\n"
    "  user: {spam: [block_user], suspicious: [block_user]}\n";

class ChaosE2E : public ::testing::Test {
 protected:
  // Like a supervisor, tries again when a start fails (each try on fresh
  // ports: a port found free can be taken by the time the service binds
  // it, by any of the connections the test and its neighbours open).
  void StartService() {
    auto env = s3_.Env();
    env.insert({{"GITLAB_URL", sim_.url()}, {"GITLAB_API_RATE", "0"}, {"GITLAB_TOKEN", "chaos"}});
    for (int attempt = 1; attempt <= 3; ++attempt) {
      const std::string dir = dir_.path() + "/start" + std::to_string(starts_++);
      std::filesystem::create_directories(dir);
      auto service = std::make_unique<testing::SpamphibianProcess>(
          redis_, dir, env,
          std::vector<std::string>{"serve", "--stages", "events,fetch,trust,classify,act"}, kYaml);
      if (service->WaitReady(std::chrono::seconds(30))) {
        std::lock_guard<std::mutex> lock(mu_);
        url_ = service->Url("/events");
        service_ = std::move(service);
        return;
      }
      const std::string log = service->log();
      std::printf("chaos: start %d did not answer /healthz within 30 s: %s\n", attempt,
                  log.substr(log.size() > 2000 ? log.size() - 2000 : 0).c_str());
      std::fflush(stdout);
    }
    ADD_FAILURE() << "the service did not start";
  }
  void KillAndRestart() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      url_.clear();
      service_->process().Signal(SIGKILL);
      service_->process().Wait(std::chrono::seconds(5));
    }
    StartService();
  }
  std::string Url() {
    std::lock_guard<std::mutex> lock(mu_);
    return url_;
  }

  testing::RedisServer redis_;
  std::unique_ptr<testing::RedisServer::TestClient> client_ = redis_.Client();
  testing::S3rverProcess s3_;
  testing::GitLabSimProcess sim_{{"--synthetic-users"}};
  testing::TempDir dir_;
  std::mutex mu_;
  std::string url_;
  int starts_ = 0;
  std::unique_ptr<testing::SpamphibianProcess> service_;
};

TEST_F(ChaosE2E, NothingLostNothingDoneTwiceWhateverFails) {
  // ctest reads a pipe: unbuffered, so that whatever this test has said is
  // there even if it is killed.
  std::setvbuf(stdout, nullptr, _IONBF, 0);
  const int hooks = EnvInt("CHAOS_HOOKS", 1200);
  const int rate = EnvInt("CHAOS_RATE", 40);
  StartService();
  ASSERT_FALSE(Url().empty()) << "the service did not start";

  // The sender: like GitLab, it retries a hook (same UUID) until it gets a 2xx.
  std::atomic<int> sent{0};
  std::atomic<bool> gave_up{false};  // the service did not come back: the sender stops
  std::set<std::int64_t> accepted;
  std::mutex accepted_mu;
  std::thread sender([&] {
    const auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < hooks && !gave_up.load(); ++i) {
      std::this_thread::sleep_until(start + std::chrono::microseconds(1000000LL * i / rate));
      const std::int64_t uid = sim::GitLabSim::kSyntheticBase + i;
      const nlohmann::json body = {{"event_name", "user_create"}, {"user_id", uid}, {"username", "u" + std::to_string(uid)}};
      const testing::Headers headers = {{"X-Gitlab-Token", testing::kWebhookSecret},
                                        {"X-Gitlab-Event", "System Hook"},
                                        {"X-Gitlab-Event-UUID", "chaos-" + std::to_string(uid)}};
      for (int attempt = 0; attempt < 2000 && !gave_up.load(); ++attempt) {
        const std::string url = Url();
        if (!url.empty() && testing::HttpPost(url, body.dump(), headers).status == 200) {
          std::lock_guard<std::mutex> lock(accepted_mu);
          accepted.insert(uid);
          break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
      ++sent;
    }
  });
  // A restart that fails three times ends the test here, with the sender
  // stopped (a joinable thread must not outlive it).
  const auto restart = [&] {
    if (gave_up.load()) return;
    KillAndRestart();
    if (Url().empty()) gave_up = true;
  };
  const auto at = [&](double fraction) {
    WaitFor([&] { return gave_up.load() || sent.load() >= hooks * fraction; }, std::chrono::seconds(600));
  };
  at(0.15);
  restart();
  at(0.30);
  redis_.Stop();
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  redis_.Start();
  at(0.40);
  restart();
  at(0.50);
  s3_.Pause();
  std::this_thread::sleep_for(std::chrono::seconds(5));
  s3_.Resume();
  at(0.65);
  sim_.AddFault({{"path_prefix", "/api/v4"}, {"status", 503}});
  std::this_thread::sleep_for(std::chrono::seconds(5));
  sim_.ClearFaults();
  at(0.80);
  restart();
  at(0.90);
  // Slower than the claim time: each fetch spends 3 tries of 1 s timeouts.
  sim_.AddFault({{"path_prefix", "/api/v4/users"}, {"latency_ms", 3500}, {"count", 30}});
  std::this_thread::sleep_for(std::chrono::seconds(4));
  sim_.ClearFaults();
  sender.join();
  ASSERT_FALSE(gave_up.load()) << "the service did not come back after a SIGKILL";
  std::printf("chaos: %d hooks sent, %zu accepted; draining\n", hooks, accepted.size());
  std::fflush(stdout);

  // Drain: every accepted hook decided, every flagged user's block applied.
  std::map<std::int64_t, int> decisions;
  std::set<std::int64_t> flagged;
  std::map<std::int64_t, int> blocks;
  std::map<std::int64_t, std::int64_t> block_ms;
  std::map<std::int64_t, std::string> flagged_developers;  // why, for the failure message
  const auto read = [&] {
    decisions.clear();
    flagged.clear();
    for (const auto& text : client_->StreamField("spamphibian:decision_log", "decision")) {
      const auto d = nlohmann::json::parse(text);
      const std::int64_t uid = std::stoll(d.value("item_id", "0"));
      ++decisions[uid];
      const std::string verdict = d.value("verdict", "");
      if (verdict == "spam" || verdict == "suspicious") flagged.insert(uid);
      if (flagged.count(uid) && uid % 2 == 0 && flagged_developers.size() < 5) {
        flagged_developers[uid] = verdict + " " + d.value("score", nlohmann::json()).dump() + ": " +
                                  d.value("reasons", nlohmann::json::array()).dump();
      }
    }
    blocks.clear();
    for (const auto& r : sim_.Requests()) {
      const std::string path = r.value("path", "");
      if (r.value("method", "") != "POST" || r.value("faulted", false) || !path.ends_with("/block")) continue;
      const std::int64_t uid = std::stoll(path.substr(std::string("/api/v4/users/").size()));
      ++blocks[uid];
      block_ms[uid] = r.value("wall_ms", std::int64_t{0});
    }
    std::size_t done = 0;
    for (std::int64_t uid : flagged) done += blocks.count(uid);
    return decisions.size() >= accepted.size() && done == flagged.size();
  };
  bool drained = false;  // polled gently: reading everything is not free
  auto next_report = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  for (const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(240);
       !drained && std::chrono::steady_clock::now() < until;) {
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    drained = read();
    if (!drained && std::chrono::steady_clock::now() > next_report) {  // slow: say how far it got
      std::printf("chaos: draining: %zu of %zu accepted hooks decided, %zu flagged, %zu blocked\n", decisions.size(),
                  accepted.size(), flagged.size(), blocks.size());
      std::fflush(stdout);
      next_report += std::chrono::seconds(60);
    }
  }

  int lost = 0, duplicate_decisions = 0, duplicate_writes = 0, unflagged_blocks = 0, before_archive = 0;
  for (std::int64_t uid : accepted) lost += decisions.count(uid) == 0;
  for (const auto& [uid, n] : decisions) duplicate_decisions += n > 1;
  for (const auto& [uid, n] : blocks) {
    duplicate_writes += n > 1;
    unflagged_blocks += flagged.count(uid) == 0;
  }
  // Each block's archive object was made before the block reached GitLab,
  // and is whole in S3. s3rver answers a PUT before its file is written
  // (its filesystem store resolves on the input's end, not the file's), so
  // the file's time says when s3rver wrote it, not when the act stage was
  // told: the order is read from the archive's own time, stamped before the
  // PUT.
  for (const auto& text : client_->StreamField("spamphibian:audit", "audit")) {
    const auto a = nlohmann::json::parse(text);
    if (a.value("status", "") != "taken" || !a.contains("archive")) continue;
    const std::int64_t uid = std::stoll(a.value("item_id", "0"));
    const std::string file = s3_.ObjectFile(a["archive"].get<std::string>());
    if (!std::filesystem::exists(file)) {
      ++before_archive;
      std::printf("chaos: user %lld blocked (%s), its archive %s missing\n", static_cast<long long>(uid),
                  text.c_str(), file.c_str());
      continue;
    }
    std::ifstream in(file, std::ios::binary);
    const std::string object((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    nlohmann::json archive;
    if (!FindArchivedAction(object, a.value("action_id", ""), &archive).ok()) archive = nullptr;
    const std::int64_t made_ms = archive.is_object() ? RfcMs(archive.value("time", "")) : -1;
    if (made_ms < 0 || archive.value("action_id", "") != a.value("action_id", "") ||
        (block_ms.count(uid) && made_ms > block_ms[uid])) {
      ++before_archive;
      std::printf("chaos: user %lld blocked at %lld ms, its archive made at %lld ms (-1: not a whole archive)\n",
                  static_cast<long long>(uid), static_cast<long long>(block_ms.count(uid) ? block_ms[uid] : -1),
                  static_cast<long long>(made_ms));
    }
  }
  const long long dead = client_->Integer({"XLEN", "spamphibian:dead_letter"});
  const std::string metrics = HttpGet(service_->Url("/metrics")).body;
  std::printf("chaos: hooks %d at %d/s, accepted %zu, lost %d, duplicate decisions %d, flagged %zu, blocked %zu, "
              "duplicate GitLab writes %d, blocks of unflagged users %d, dead-lettered %lld, block before archive %d "
              "(3 SIGKILLs, 1 Redis restart, S3 hung 5 s, GitLab 503 5 s, GitLab slower than the claim)\n",
              hooks, rate, accepted.size(), lost, duplicate_decisions, flagged.size(), blocks.size(), duplicate_writes,
              unflagged_blocks, dead, before_archive);
  std::fflush(stdout);
  EXPECT_TRUE(drained);
  if (dead > 0) {
    // Which stage gave up on what, and why.
    redis::Reply entries;
    if (client_->raw().Run({"XRANGE", "spamphibian:dead_letter", "-", "+"}, &entries).ok()) {
      for (std::size_t e = 0; e < entries->elements; ++e) {
        const redisReply* fields = entries->element[e]->element[1];
        std::string line = "chaos: dead letter";
        for (std::size_t k = 0; k + 1 < fields->elements; k += 2) {
          const std::string name(redis::ReplyText(fields->element[k]));
          if (name.starts_with("dead_letter_")) {
            line += " " + name + "=" + std::string(redis::ReplyText(fields->element[k + 1]));
          }
        }
        std::printf("%s\n", line.c_str());
      }
    }
  }
  if (!drained) {
    // What is stuck, for whoever reads a failed run.
    std::size_t undecided = 0, unblocked = 0;
    for (std::int64_t uid : accepted) undecided += decisions.count(uid) == 0;
    for (std::int64_t uid : flagged) unblocked += blocks.count(uid) == 0;
    std::printf("chaos: not drained: %zu accepted hooks without a decision, %zu flagged users without a block\n",
                undecided, unblocked);
    for (const char* stream : {"events", "items", "candidates", "decisions"}) {
      redis::Reply groups;
      if (!client_->raw().Run({"XINFO", "GROUPS", std::string("spamphibian:") + stream}, &groups).ok()) continue;
      for (std::size_t g = 0; g < groups->elements; ++g) {
        const redisReply* info = groups->element[g];
        std::string line = std::string("chaos: ") + stream;
        for (std::size_t k = 0; k + 1 < info->elements; k += 2) {
          line += " " + std::string(redis::ReplyText(info->element[k])) + "=";
          const redisReply* v = info->element[k + 1];
          line += v->type == REDIS_REPLY_INTEGER ? std::to_string(v->integer) : std::string(redis::ReplyText(v));
        }
        std::printf("%s\n", line.c_str());
      }
    }
    const std::string log = service_->log();
    std::printf("chaos: service log tail:\n%s\n", log.substr(log.size() > 6000 ? log.size() - 6000 : 0).c_str());
  }
  EXPECT_EQ(accepted.size(), static_cast<std::size_t>(hooks)) << "the sender retries until each hook is taken";
  EXPECT_EQ(lost, 0);
  EXPECT_EQ(duplicate_decisions, 0);
  EXPECT_EQ(duplicate_writes, 0);
  EXPECT_EQ(unflagged_blocks, 0);
  EXPECT_EQ(dead, 0);
  EXPECT_EQ(before_archive, 0);
  EXPECT_GT(flagged.size(), static_cast<std::size_t>(hooks / 4)) << "odd ids are spammers";
  EXPECT_EQ(std::count_if(flagged.begin(), flagged.end(), [](std::int64_t uid) { return uid % 2 == 0; }), 0)
      << "even ids are developers, each with a bio of their own; flagged: "
      << nlohmann::json(flagged_developers).dump();
}

}  // namespace
}  // namespace spamphibian
