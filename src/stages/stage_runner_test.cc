// The stage runner against a real redis-server: hand-over, crash recovery,
// dead-lettering, stale hand-overs, trimming.
#include "stages/stage_runner.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <thread>

#include "log/json_log.h"
#include "redis_server.h"
#include "stages/redis_stream_bus.h"

namespace spamphibian {
namespace {

const std::string kIn = "t:in";
const std::string kOut = "t:out";
const std::string kDead = "t:dead";

// A stage whose behaviour the test chooses; counts its calls.
class ScriptedStage : public Stage {
 public:
  explicit ScriptedStage(std::function<Outcome(const Entry&)> f) : f_(std::move(f)) {}
  std::string_view name() const override { return "scripted"; }
  Outcome Process(const Entry& e) override { return f_(e); }

 private:
  std::function<Outcome(const Entry&)> f_;
};

Outcome Forward(const Entry& e) { return Outcome::Done({Emit{kOut, {{"from", e.id}, {"n", std::string(e.Get("n"))}}}}); }

class StageRunnerTest : public ::testing::Test {
 protected:
  StageRunnerOptions Options() {
    StageRunnerOptions o;
    o.input_stream = kIn;
    o.dead_letter_stream = kDead;
    o.consumer_prefix = "test-" + std::to_string(getpid());
    o.batch_size = 16;
    o.block = std::chrono::milliseconds(50);
    o.claim_idle = std::chrono::milliseconds(200);
    o.max_attempts = 3;
    return o;
  }

  std::unique_ptr<StageRunner> Runner(StageRunnerOptions o, std::function<Outcome(const Entry&)> f) {
    return std::make_unique<StageRunner>(
        std::move(o), [f] { return std::make_unique<ScriptedStage>(f); },
        [this] { return std::make_unique<RedisStreamBus>(connector_); }, registry_, *log_);
  }

  void Add(int n) {
    for (int i = 0; i < n; ++i) redis_->Run({"XADD", kIn, "*", "n", std::to_string(i)});
  }

  std::vector<std::string> Values(const std::string& key, const std::string& field) {
    return redis_->StreamField(key, field);
  }

  long long Pending() {
    redis::Reply r;  // the group may not exist yet: -1
    if (!redis_->raw().Run({"XPENDING", kIn, "scripted"}, &r).ok()) return -1;
    return r->type == REDIS_REPLY_ARRAY ? r->element[0]->integer : -1;
  }

  testing::RedisServer server_;
  redis::Connector connector_{server_.Options()};
  std::unique_ptr<testing::RedisServer::TestClient> redis_ = server_.Client();
  metrics::Registry registry_;
  std::shared_ptr<spdlog::logger> log_ = MakeNullLogger();
};

TEST_F(StageRunnerTest, HandsEveryEntryOverOnceAndAcknowledgesIt) {
  Add(100);
  auto o = Options();
  o.workers = 3;
  auto runner = Runner(o, Forward);
  runner->Start();
  ASSERT_TRUE(testing::WaitFor([&] { return redis_->Integer({"XLEN", kOut}) == 100 && Pending() == 0; }));
  runner->Stop();
  auto ns = Values(kOut, "n");
  std::sort(ns.begin(), ns.end());
  EXPECT_EQ(std::unique(ns.begin(), ns.end()), ns.end()) << "an entry was handed over twice";
  EXPECT_EQ(ns.size(), 100u);
  EXPECT_NE(registry_.Render().find("spamphibian_stage_processed_total{stage=\"scripted\",outcome=\"done\"} 100"),
            std::string::npos)
      << registry_.Render();
}

TEST_F(StageRunnerTest, EntriesOfACrashedConsumerAreReclaimedAndHandedOverOnce) {
  Add(5);
  // A separate process reads the entries and dies before acknowledging any.
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    redis::Connector connector(server_.Options());
    metrics::Registry registry;
    auto log = MakeNullLogger();
    auto o = Options();
    o.consumer_prefix = "doomed";
    o.claim_idle = std::chrono::hours(1);
    StageRunner runner(
        o, [] { return std::make_unique<ScriptedStage>([](const Entry&) -> Outcome { _exit(42); }); },
        [&] { return std::make_unique<RedisStreamBus>(connector); }, registry, *log);
    runner.Start();
    sleep(30);
    _exit(0);
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status));
  ASSERT_EQ(WEXITSTATUS(status), 42) << "the child should have died inside the stage";
  EXPECT_EQ(Pending(), 5) << "the dead consumer's entries stay pending";
  EXPECT_EQ(redis_->Integer({"XLEN", kOut}), 0);

  auto runner = Runner(Options(), Forward);
  runner->Start();
  ASSERT_TRUE(testing::WaitFor([&] { return Pending() == 0; }));
  std::this_thread::sleep_for(std::chrono::milliseconds(500));  // give a duplicate the chance to appear
  runner->Stop();
  auto ns = Values(kOut, "n");
  std::sort(ns.begin(), ns.end());
  EXPECT_EQ(ns, (std::vector<std::string>{"0", "1", "2", "3", "4"}));
}

TEST_F(StageRunnerTest, DeadLettersAfterMaxAttemptsWithTheError) {
  Add(1);
  std::atomic<int> calls{0};
  auto runner = Runner(Options(), [&](const Entry&) {
    ++calls;
    return Outcome::Retry("gitlab said 502");
  });
  runner->Start();
  ASSERT_TRUE(testing::WaitFor([&] { return redis_->Integer({"XLEN", kDead}) == 1; }));
  runner->Stop();
  // Tries of a lone failing entry count once per claim_idle (an outage is
  // not its fault), so there may be more calls than counted attempts.
  EXPECT_GE(calls.load(), 3);
  EXPECT_EQ(Pending(), 0);
  EXPECT_EQ(Values(kDead, "dead_letter_error"), std::vector<std::string>{"gitlab said 502"});
  EXPECT_EQ(Values(kDead, "dead_letter_attempts"), std::vector<std::string>{"3"});
  EXPECT_EQ(Values(kDead, "dead_letter_stage"), std::vector<std::string>{"scripted"});
  EXPECT_EQ(Values(kDead, "n"), std::vector<std::string>{"0"}) << "the original fields are kept";
  EXPECT_EQ(redis_->Integer({"HLEN", kIn + ":failures"}), 0);
}

// During an outage, entries that needed nothing from the dependency (a ham
// decision with no action) still succeed; they must not count the failing
// entry's tries as its own fault. Successes that used the dependency do.
TEST_F(StageRunnerTest, SuccessesThatNeedNoDependencyDoNotCountAnOutageAgainstAnEntry) {
  for (const bool proving : {false, true}) {
    redis_->Run({"DEL", kIn, kOut, kDead, kIn + ":failures"});
    StageRunnerOptions o = Options();
    o.claim_idle = std::chrono::seconds(30);  // no attempt counted by time
    o.probe_min = std::chrono::milliseconds(20);
    o.probe_max = std::chrono::milliseconds(40);
    auto runner = Runner(o, [&](const Entry& e) {
      if (e.Get("n") == "failing") return Outcome::Retry("gitlab said 503");
      return proving ? Forward(e) : Outcome::NothingToDo();
    });
    redis_->Run({"XADD", kIn, "*", "n", "failing"});
    runner->Start();
    // Others keep arriving and succeed while the failing entry is probed:
    // until it is dead-lettered, or for two seconds.
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(2);
    for (int i = 0; std::chrono::steady_clock::now() < until && redis_->Integer({"XLEN", kDead}) == 0; ++i) {
      redis_->Run({"XADD", kIn, "*", "n", std::to_string(i)});
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
    if (proving) {
      EXPECT_TRUE(testing::WaitFor([&] { return redis_->Integer({"XLEN", kDead}) == 1; }))
          << "others got through GitLab: the entry itself is at fault";
    } else {
      EXPECT_EQ(redis_->Integer({"XLEN", kDead}), 0) << "nothing proved the dependency up";
    }
    runner->Stop();
  }
}

TEST_F(StageRunnerTest, RetriedEntrySucceedsLater) {
  Add(1);
  std::atomic<int> calls{0};
  auto runner = Runner(Options(), [&](const Entry& e) { return ++calls < 2 ? Outcome::Retry("timeout") : Forward(e); });
  runner->Start();
  ASSERT_TRUE(testing::WaitFor([&] { return redis_->Integer({"XLEN", kOut}) == 1 && Pending() == 0; }));
  runner->Stop();
  EXPECT_EQ(redis_->Integer({"XLEN", kDead}), 0);
  EXPECT_EQ(redis_->Integer({"HLEN", kIn + ":failures"}), 0) << "its failure is forgotten once it is handed over";
}

TEST_F(StageRunnerTest, EntriesOnTheirFirstTryCostNoFailureBookkeeping) {
  Add(20);
  auto runner = Runner(Options(), Forward);
  runner->Start();
  ASSERT_TRUE(testing::WaitFor([&] { return redis_->Integer({"XLEN", kOut}) == 20 && Pending() == 0; }));
  runner->Stop();
  redis::Reply r;
  ASSERT_TRUE(redis_->raw().Run({"INFO", "commandstats"}, &r).ok());
  EXPECT_EQ(std::string(redis::ReplyText(r.get())).find("cmdstat_hdel"), std::string::npos)
      << "an entry that never failed has no failure record to delete";
}

TEST_F(StageRunnerTest, MalformedEntryIsDeadLetteredAtOnce) {
  Add(1);
  auto runner = Runner(Options(), [](const Entry&) { return Outcome::DeadLetter("payload is not JSON"); });
  runner->Start();
  ASSERT_TRUE(testing::WaitFor([&] { return redis_->Integer({"XLEN", kDead}) == 1; }));
  runner->Stop();
  EXPECT_EQ(Values(kDead, "dead_letter_error"), std::vector<std::string>{"payload is not JSON"});
}

TEST_F(StageRunnerTest, AStageThatThrowsDeadLettersThatEntryOnlyAndTheProcessLives) {
  Add(3);
  auto runner = Runner(Options(), [](const Entry& e) {
    if (e.Get("n") == "1") throw std::runtime_error("unexpected shape");
    return Forward(e);
  });
  runner->Start();
  ASSERT_TRUE(testing::WaitFor([&] { return redis_->Integer({"XLEN", kDead}) == 1 && redis_->Integer({"XLEN", kOut}) == 2; }));
  runner->Stop();
  EXPECT_EQ(Values(kDead, "dead_letter_error"),
            std::vector<std::string>{"the stage failed on this entry: unexpected shape"});
}

TEST_F(StageRunnerTest, HeldEntriesAreNeverDeadLettered) {
  Add(1);
  std::atomic<int> calls{0};
  auto runner = Runner(Options(), [&](const Entry&) {
    ++calls;
    return Outcome::Hold("GitLab answered 401: check GITLAB_TOKEN");
  });
  runner->Start();
  ASSERT_TRUE(testing::WaitFor([&] { return calls.load() >= 5; }));
  runner->Stop();
  EXPECT_EQ(redis_->Integer({"XLEN", kDead}), 0);
  EXPECT_EQ(Pending(), 1);
}

TEST_F(StageRunnerTest, WorkLongerThanTheClaimTimeIsNotReclaimedAndDoneTwice) {
  Add(1);
  auto o = Options();
  o.workers = 3;  // two idle workers that would reclaim it
  std::atomic<int> calls{0};
  auto runner = Runner(o, [&](const Entry& e) {
    ++calls;
    std::this_thread::sleep_for(o.claim_idle * 4);  // a slow GitLab, a 429 wait
    return Forward(e);
  });
  runner->Start();
  ASSERT_TRUE(testing::WaitFor([&] { return redis_->Integer({"XLEN", kOut}) == 1 && Pending() == 0; }));
  std::this_thread::sleep_for(o.claim_idle * 2);
  runner->Stop();
  EXPECT_EQ(calls.load(), 1);
  EXPECT_EQ(redis_->Integer({"XLEN", kOut}), 1);
}

TEST_F(StageRunnerTest, HeldEntriesGoAgainAsSoonAsTheDependencyIsBackNotAfterTheClaimTime) {
  Add(200);
  auto o = Options();
  o.claim_idle = std::chrono::seconds(60);  // reclaiming would take a minute
  std::atomic<bool> s3_up{false};
  std::atomic<int> failures{0};
  auto runner = Runner(o, [&](const Entry& e) {
    if (!s3_up.load()) {
      ++failures;
      return Outcome::Hold("S3 is down");
    }
    return Forward(e);
  });
  runner->Start();
  ASSERT_TRUE(testing::WaitFor([&] { return failures.load() >= 16; }));
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  // A full retry list stops reading: the outage costs one try per probe.
  EXPECT_LT(failures.load(), 30);
  s3_up = true;
  ASSERT_TRUE(testing::WaitFor([&] { return redis_->Integer({"XLEN", kOut}) == 200 && Pending() == 0; },
                               std::chrono::seconds(10)));
  runner->Stop();
  EXPECT_EQ(redis_->Integer({"XLEN", kDead}), 0);
}

// A bus that cannot read failure records (Redis blips between two calls).
class ForgetfulBus : public RedisStreamBus {
 public:
  using RedisStreamBus::RedisStreamBus;
  Status LastFailure(const std::string&, const std::string&, std::string*) override {
    return Status::Unavailable("redis HGET: Server closed the connection");
  }
};

TEST_F(StageRunnerTest, AnEntryWhoseFailureCannotBeReadIsNeverDeadLettered) {
  Add(1);
  // A consumer that died with it after many deliveries (a held entry).
  RedisStreamBus dead(connector_);
  ASSERT_TRUE(dead.EnsureGroup(kIn, "scripted").ok());
  std::vector<Entry> got;
  ASSERT_TRUE(dead.ReadNew(kIn, "scripted", "dead", 1, std::chrono::milliseconds(10), &got).ok());
  redis_->Run({"XCLAIM", kIn, "scripted", "dead", "0", got.at(0).id, "RETRYCOUNT", "20"});
  redis_->Run({"HSET", kIn + ":failures", got.at(0).id, "hold: S3 is down"});
  std::this_thread::sleep_for(std::chrono::milliseconds(250));

  auto runner = std::make_unique<StageRunner>(
      Options(), [] { return std::make_unique<ScriptedStage>(Forward); },
      [this] { return std::make_unique<ForgetfulBus>(connector_); }, registry_, *log_);
  runner->Start();
  ASSERT_TRUE(testing::WaitFor([&] { return redis_->Integer({"XLEN", kOut}) == 1; }));
  runner->Stop();
  EXPECT_EQ(redis_->Integer({"XLEN", kDead}), 0);
}

TEST_F(StageRunnerTest, ASlowConsumerCannotHandOverAnEntryReclaimedByAnother) {
  Add(1);
  RedisStreamBus slow(connector_), fast(connector_);
  ASSERT_TRUE(slow.EnsureGroup(kIn, "scripted").ok());
  std::vector<Entry> got;
  ASSERT_TRUE(slow.ReadNew(kIn, "scripted", "slow", 10, std::chrono::milliseconds(10), &got).ok());
  ASSERT_EQ(got.size(), 1u);
  std::vector<Entry> claimed;
  ASSERT_TRUE(fast.Claim(kIn, "scripted", "fast", std::chrono::milliseconds(0), {got[0].id}, &claimed).ok());
  ASSERT_EQ(claimed.size(), 1u);

  std::vector<std::string> accepted;
  ASSERT_TRUE(fast.Commit(kIn, "scripted", "fast", {{got[0].id, {Emit{kOut, {{"by", "fast"}}}}}}, &accepted).ok());
  EXPECT_EQ(accepted.size(), 1u);
  ASSERT_TRUE(slow.Commit(kIn, "scripted", "slow", {{got[0].id, {Emit{kOut, {{"by", "slow"}}}}}}, &accepted).ok());
  EXPECT_TRUE(accepted.empty());
  EXPECT_EQ(Values(kOut, "by"), std::vector<std::string>{"fast"});
}

TEST_F(StageRunnerTest, AnInputThatIsALogIsNotTrimmed) {
  Add(300);
  StageRunnerOptions o = Options();
  o.trim_consumed = false;
  o.claim_idle = std::chrono::milliseconds(50);  // maintenance (and trimming, were it on) runs often
  auto runner = Runner(o, Forward);
  runner->Start();
  ASSERT_TRUE(testing::WaitFor([&] { return Pending() == 0 && redis_->Integer({"XLEN", kOut}) == 300; }));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  runner->Stop();
  EXPECT_EQ(redis_->Integer({"XLEN", kIn}), 300);
}

TEST_F(StageRunnerTest, TrimsOnlyWhatEveryGroupHasAcknowledged) {
  Add(1000);
  auto runner = Runner(Options(), Forward);
  runner->Start();
  ASSERT_TRUE(testing::WaitFor([&] { return Pending() == 0 && redis_->Integer({"XLEN", kOut}) == 1000; }));
  ASSERT_TRUE(testing::WaitFor([&] { return redis_->Integer({"XLEN", kIn}) < 1000; }));
  runner->Stop();

  // A second group that has read nothing yet pins everything that is left.
  const long long left = redis_->Integer({"XLEN", kIn});
  redis_->Run({"XGROUP", "CREATE", kIn, "late", "0"});
  Add(10);
  RedisStreamBus bus(connector_);
  ASSERT_TRUE(bus.TrimConsumed(kIn).ok());
  EXPECT_EQ(redis_->Integer({"XLEN", kIn}), left + 10);
}

}  // namespace
}  // namespace spamphibian

namespace spamphibian {
namespace {

// Records the size of every batch it is given.
class BatchSizes : public ScriptedStage {
 public:
  explicit BatchSizes(std::shared_ptr<std::vector<std::size_t>> sizes) : ScriptedStage(Forward), sizes_(std::move(sizes)) {}
  void ProcessBatch(std::span<const Entry> entries, std::vector<Outcome>* outcomes) override {
    sizes_->push_back(entries.size());
    ScriptedStage::ProcessBatch(entries, outcomes);
  }

 private:
  std::shared_ptr<std::vector<std::size_t>> sizes_;
};

TEST_F(StageRunnerTest, LingersForAFullerBatchOnlyWhenEntriesWereAlreadyWaiting) {
  auto sizes = std::make_shared<std::vector<std::size_t>>();
  auto o = Options();
  // Longer than WaitFor waits: an entry that lingered would fail the test.
  o.linger = std::chrono::seconds(60);
  o.linger_from = 2;
  o.batch_size = 7;
  StageRunner runner(
      o, [sizes] { return std::make_unique<BatchSizes>(sizes); },
      [this] { return std::make_unique<RedisStreamBus>(connector_); }, registry_, *log_);
  Add(3);  // waiting before the runner reads: a burst
  runner.Start();
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  Add(4);  // within the linger: the same batch, full now
  ASSERT_TRUE(testing::WaitFor([&] { return redis_->Integer({"XLEN", kOut}) == 7; }));
  // A lone entry is not kept waiting for company.
  Add(1);
  ASSERT_TRUE(testing::WaitFor([&] { return redis_->Integer({"XLEN", kOut}) == 8; })) << "a lone entry lingered";
  EXPECT_EQ(*sizes, (std::vector<std::size_t>{7, 1}));
}

// Entries trickling in while a batch lingers do not each wake the worker
// for a read of its own: it reads a few times per linger.
TEST_F(StageRunnerTest, ALingeringBatchReadsInStepsNotOncePerEntry) {
  auto sizes = std::make_shared<std::vector<std::size_t>>();
  auto o = Options();
  o.linger = std::chrono::milliseconds(1000);
  o.block = std::chrono::milliseconds(1000);
  o.linger_from = 2;
  o.batch_size = 100;
  StageRunner runner(
      o, [sizes] { return std::make_unique<BatchSizes>(sizes); },
      [this] { return std::make_unique<RedisStreamBus>(connector_); }, registry_, *log_);
  const auto reads = [this] {
    const std::string info = redis_->Run({"INFO", "commandstats"})->str;
    const auto at = info.find("cmdstat_xreadgroup:calls=");
    return at == std::string::npos ? 0 : std::stoi(info.substr(at + 25));
  };
  Add(2);  // a burst: the batch lingers
  runner.Start();
  ASSERT_TRUE(testing::WaitFor([&] { return reads() > 0; }));
  const int before = reads();
  for (int i = 0; i < 30; ++i) {
    Add(1);
    std::this_thread::sleep_for(std::chrono::milliseconds(15));
  }
  const int during = reads() - before;
  ASSERT_TRUE(testing::WaitFor([&] { return redis_->Integer({"XLEN", kOut}) == 32; }));
  EXPECT_LE(during, 8) << "reads while 30 entries came in over 450 ms of a 1 s linger";
  ASSERT_FALSE(sizes->empty());
  EXPECT_EQ(sizes->front(), 32u) << "every entry of the linger in one batch";
}

}  // namespace
}  // namespace spamphibian
