#include "stages/stage_runner.h"

#include <algorithm>
#include <ctime>
#include <deque>
#include <unordered_map>
#include <unordered_set>

#include "base/thread_name.h"
#include "log/json_log.h"

namespace spamphibian {
namespace {

using Clock = std::chrono::steady_clock;

constexpr const char* kHoldPrefix = "hold: ";

std::string NowIso() {
  const auto now = std::chrono::system_clock::now();
  const std::time_t t = std::chrono::system_clock::to_time_t(now);
  std::tm tm;
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace

// One try of one entry, with what the runner knows of its earlier tries.
struct StageRunner::Attempt {
  Entry entry;
  long long attempts = 1;          // counted attempts, this one included
  std::uint64_t successes_seen = 0;  // the worker's successes when it last failed
  Clock::time_point counted_at;    // when an attempt was last counted
  bool from_retry_list = false;
};

struct StageRunner::Worker {
  std::unique_ptr<Stage> stage;
  std::unique_ptr<StreamBus> bus;
  std::string group;
  std::string consumer;
  bool trims = false;  // one worker per process trims the input stream
  std::thread thread;
  std::unordered_map<std::string, metrics::Counter*> counters;

  // Entries that failed and wait here, still pending and owned (see header).
  std::deque<Attempt> retry;
  std::atomic<std::size_t> retry_size{0};  // for the gauge, read by other workers
  Clock::time_point next_probe;
  std::chrono::milliseconds backoff{0};
  std::uint64_t successes = 0;
  bool degraded = false;  // a dependency is failing (logged once)
  Clock::time_point degraded_since;
  bool redis_down = false;  // logged once per outage

  // Shared with the heartbeat thread.
  std::mutex owned_mu;
  std::vector<std::string> owned;        // in work or in the retry list
  std::unordered_set<std::string> lost;  // taken over by another consumer
};

StageRunner::StageRunner(StageRunnerOptions options, StageFactory stage_factory, BusFactory bus_factory,
                         metrics::Registry& metrics, spdlog::logger& log)
    : options_(std::move(options)),
      stage_factory_(std::move(stage_factory)),
      bus_factory_(std::move(bus_factory)),
      metrics_(metrics),
      processed_(metrics.AddCounter("spamphibian_stage_processed_total",
                                    "Entries a stage finished with, by outcome: done, retry, hold, dead_letter, "
                                    "stale (reclaimed by another consumer first), commit_failed.",
                                    {"stage", "outcome"})),
      redis_errors_(metrics.AddCounter("spamphibian_stage_redis_errors_total",
                                       "Failed Redis operations of a stage's workers.", {"stage"})),
      waiting_(metrics.AddGauge("spamphibian_stage_retry_waiting",
                                "Entries of this process waiting in a stage's retry lists (a dependency is down, "
                                "or the destructive-action cap is reached).",
                                {"stage"})),
      log_(log) {}

StageRunner::~StageRunner() { Stop(); }

void StageRunner::Start() {
  for (int i = 0; i < options_.workers; ++i) {
    auto w = std::make_unique<Worker>();
    w->stage = stage_factory_();
    w->bus = bus_factory_();
    w->group = std::string(w->stage->name());
    w->consumer = options_.consumer_prefix + "-" + w->group + "-" + std::to_string(i);
    w->trims = i == 0;
    w->backoff = options_.probe_min;
    for (const char* outcome : {"done", "retry", "hold", "dead_letter", "stale", "commit_failed"}) {
      w->counters[outcome] = &processed_.With({w->group, outcome});
    }
    workers_.push_back(std::move(w));
  }
  for (std::size_t i = 0; i < workers_.size(); ++i) {
    Worker* raw = workers_[i].get();
    raw->thread = std::thread([this, raw, name = raw->group + "-" + std::to_string(i)] {
      NameThisThread(name);
      Run(*raw);
    });
  }
  heartbeat_ = std::thread([this, name = "beat-" + (workers_.empty() ? std::string() : workers_.front()->group)] {
    NameThisThread(name);
    Heartbeat();
  });
}

void StageRunner::Stop() {
  {
    std::lock_guard<std::mutex> lock(heartbeat_mu_);
    stop_.store(true);
  }
  heartbeat_cv_.notify_all();
  for (auto& w : workers_) {
    if (w->thread.joinable()) w->thread.join();
  }
  if (heartbeat_.joinable()) heartbeat_.join();
}

void StageRunner::Count(Worker& w, const char* outcome, double n) {
  if (n > 0) w.counters[outcome]->Inc(n);
}

void StageRunner::RedisError(Worker& w, const Status& s) {
  redis_errors_.With({w.group}).Inc();
  if (w.redis_down) return;  // one line per outage; the counter has the rest
  w.redis_down = true;
  LogJson(log_, spdlog::level::warn, "stage_redis_error", {{"stage", w.group}, {"error", s.message()}});
}

void StageRunner::Run(Worker& w) {
  const auto retry_pause = std::chrono::milliseconds(100);
  // The maintenance tick: often enough that reclaiming is not much later
  // than claim_idle, rarely enough to cost nothing.
  const auto tick = std::clamp(options_.claim_idle / 2, std::chrono::milliseconds(50), std::chrono::milliseconds(5000));
  // A full retry list stops reading: during an outage new entries would
  // only fail too, and they are safer unread.
  const std::size_t retry_limit = static_cast<std::size_t>(std::max(options_.batch_size, 16));
  auto next_maintenance = Clock::now();
  bool group_ready = false;
  std::vector<Entry> entries;
  while (!stop_.load()) {
    if (!group_ready) {
      Status s = w.bus->EnsureGroup(options_.input_stream, w.group);
      if (!s.ok()) {
        RedisError(w, s);
        std::this_thread::sleep_for(retry_pause);
        continue;
      }
      group_ready = true;
    }
    if (Clock::now() >= next_maintenance) {
      Maintain(w);
      next_maintenance = Clock::now() + tick;
    }
    if (!w.retry.empty() && Clock::now() >= w.next_probe) Probe(w);
    auto block = std::min(options_.block, tick);
    if (!w.retry.empty()) {
      const auto until_probe = std::chrono::duration_cast<std::chrono::milliseconds>(w.next_probe - Clock::now());
      block = std::min(block, until_probe);
      if (w.retry.size() >= retry_limit) {
        std::this_thread::sleep_for(std::clamp(until_probe, std::chrono::milliseconds(1), std::chrono::milliseconds(50)));
        continue;
      }
    }
    block = std::max(block, std::chrono::milliseconds(1));  // BLOCK 0 would wait forever
    Status s = w.bus->ReadNew(options_.input_stream, w.group, w.consumer, options_.batch_size, block, &entries);
    if (!s.ok()) {
      RedisError(w, s);
      std::this_thread::sleep_for(retry_pause);
      continue;
    }
    if (w.redis_down) {
      w.redis_down = false;
      LogJson(log_, spdlog::level::info, "stage_redis_up", {{"stage", w.group}});
    }
    if (entries.empty()) continue;
    if (options_.linger.count() > 0 && entries.size() >= static_cast<std::size_t>(options_.linger_from)) {
      Linger(w, &entries);
    }
    std::vector<Attempt> batch;
    batch.reserve(entries.size());
    const auto now = Clock::now();
    for (Entry& e : entries) batch.push_back(Attempt{std::move(e), 1, w.successes, now, false});
    ProcessAndCommit(w, std::move(batch));
  }
}

void StageRunner::Linger(Worker& w, std::vector<Entry>* entries) {
  const auto until = Clock::now() + options_.linger;
  const auto full = static_cast<std::size_t>(options_.batch_size);
  // It reads in a few steps rather than blocking on the stream: a blocked
  // read returns at each new entry, so that at a low rate the worker woke
  // and read once per entry (the archive stage, once per event) only to
  // wait on. A step is a quarter of the linger, at most `block`, so that a
  // batch that fills early still goes early.
  const auto step = std::clamp(std::chrono::duration_cast<std::chrono::milliseconds>(options_.linger / 4),
                               std::chrono::milliseconds(1), options_.block);
  std::vector<Entry> more;
  while (entries->size() < full && !stop_.load()) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - Clock::now());
    if (left.count() <= 0) break;
    std::this_thread::sleep_for(std::min(step, left));
    // Redis failing meanwhile: what was read is processed now.
    if (!w.bus->ReadNew(options_.input_stream, w.group, w.consumer, static_cast<int>(full - entries->size()),
                        std::chrono::milliseconds(1), &more)
             .ok()) {
      break;
    }
    for (Entry& e : more) entries->push_back(std::move(e));
  }
}

void StageRunner::Probe(Worker& w) {
  {
    std::lock_guard<std::mutex> lock(w.owned_mu);
    if (!w.lost.empty()) {
      std::erase_if(w.retry, [&](const Attempt& a) { return w.lost.count(a.entry.id) > 0; });
      w.lost.clear();
    }
  }
  if (w.retry.empty()) return;
  // One entry in turn: a dependency outage costs one failure per probe, not
  // one per waiting entry, and one entry that always fails does not hide a
  // recovery from the others.
  Attempt probe = std::move(w.retry.front());
  w.retry.pop_front();
  const std::uint64_t before = w.successes;
  const std::size_t waiting_before = w.retry.size();
  ProcessAndCommit(w, {std::move(probe)});
  const bool recovered = w.successes > before || w.retry.size() == waiting_before;
  if (!recovered) {
    w.backoff = std::min(w.backoff * 2, options_.probe_max);
    w.next_probe = Clock::now() + w.backoff;
    return;
  }
  if (w.degraded) {
    w.degraded = false;
    LogJson(log_, spdlog::level::info, "stage_dependency_up",
            {{"stage", w.group},
             {"waiting", w.retry.size()},
             {"down_ms", std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - w.degraded_since).count()}});
  }
  w.backoff = options_.probe_min;
  // The dependency is back: everything waiting, now, in batches.
  std::deque<Attempt> waiting;
  waiting.swap(w.retry);
  while (!waiting.empty() && !stop_.load()) {
    std::vector<Attempt> batch;
    while (!waiting.empty() && batch.size() < static_cast<std::size_t>(options_.batch_size)) {
      batch.push_back(std::move(waiting.front()));
      waiting.pop_front();
    }
    ProcessAndCommit(w, std::move(batch));
  }
  for (auto& a : waiting) w.retry.push_back(std::move(a));  // stopping: they stay pending
  w.next_probe = Clock::now() + w.backoff;
}

void StageRunner::Maintain(Worker& w) {
  std::vector<PendingEntry> idle;
  Status s = w.bus->ListIdle(options_.input_stream, w.group, options_.claim_idle, options_.batch_size, &idle);
  if (s.ok() && !idle.empty()) {
    std::unordered_set<std::string> mine;
    for (const Attempt& a : w.retry) mine.insert(a.entry.id);
    std::vector<std::string> ids;
    std::unordered_map<std::string, long long> deliveries;
    for (const PendingEntry& p : idle) {
      if (mine.count(p.id) > 0) continue;  // in this worker's own retry list
      ids.push_back(p.id);
      deliveries[p.id] = p.deliveries + 1;  // claiming is one more delivery
    }
    std::vector<Entry> claimed;
    if (!ids.empty()) s = w.bus->Claim(options_.input_stream, w.group, w.consumer, options_.claim_idle, ids, &claimed);
    if (s.ok() && !claimed.empty()) {
      LogJson(log_, spdlog::level::info, "stage_reclaimed", {{"stage", w.group}, {"entries", claimed.size()}});
      std::vector<Attempt> batch;
      const auto now = Clock::now();
      for (Entry& e : claimed) {
        const long long n = deliveries[e.id];
        batch.push_back(Attempt{std::move(e), n, w.successes, now, false});
      }
      ProcessAndCommit(w, std::move(batch));
    }
  }
  if (s.ok() && w.trims && options_.trim_consumed) s = w.bus->TrimConsumed(options_.input_stream);
  if (!s.ok()) RedisError(w, s);
}

Emit StageRunner::DeadLetter(const Worker& w, const Entry& entry, const std::string& error, long long attempts) const {
  Emit emit{options_.dead_letter_stream, entry.fields};
  emit.fields.emplace_back("dead_letter_stage", w.group);
  emit.fields.emplace_back("dead_letter_source", options_.input_stream);
  emit.fields.emplace_back("dead_letter_id", entry.id);
  emit.fields.emplace_back("dead_letter_error", error);
  emit.fields.emplace_back("dead_letter_attempts", std::to_string(attempts));
  emit.fields.emplace_back("dead_letter_time", NowIso());
  return emit;
}

void StageRunner::ProcessAndCommit(Worker& w, std::vector<Attempt> batch) {
  {
    std::lock_guard<std::mutex> lock(w.owned_mu);
    w.owned.clear();
    for (const Attempt& a : batch) w.owned.push_back(a.entry.id);
    for (const Attempt& a : w.retry) w.owned.push_back(a.entry.id);
  }
  std::vector<HandOver> handovers;
  std::vector<bool> dead;  // dead[i]: handovers[i] moves its entry to the dead-letter stream
  std::vector<bool> proves;  // proves[i]: handovers[i] used the stage's dependencies
  std::vector<std::function<void()>> after;  // after[i]: handovers[i]'s post-commit action
  std::vector<Attempt> handed;  // handed[i]: the attempt behind handovers[i]
  const auto dead_letter = [&](Attempt& a, const std::string& error, long long attempts) {
    handovers.push_back({a.entry.id, {DeadLetter(w, a.entry, error, attempts)}});
    dead.push_back(true);
    proves.push_back(false);
    after.emplace_back();
    LogJson(log_, spdlog::level::err, "stage_dead_letter", {{"stage", w.group}, {"id", a.entry.id}, {"error", error}});
    handed.push_back(std::move(a));
  };
  std::vector<Attempt> work;
  for (Attempt& a : batch) {
    // Reclaimed from a dead consumer after max_attempts deliveries: not
    // processed again, unless it was held (held entries wait for the
    // operator, not for a count) or its record cannot be read now.
    if (a.from_retry_list || a.attempts <= options_.max_attempts) {
      work.push_back(std::move(a));
      continue;
    }
    std::string last_error;
    if (Status s = w.bus->LastFailure(options_.input_stream, a.entry.id, &last_error); !s.ok()) {
      RedisError(w, s);
      work.push_back(std::move(a));  // never dead-letter on a guess
      continue;
    }
    if (last_error.starts_with(kHoldPrefix)) {
      work.push_back(std::move(a));
      continue;
    }
    if (last_error.empty()) last_error = "no error recorded (consumer died while processing)";
    dead_letter(a, last_error, a.attempts - 1);
  }
  // The entries move to the stage and back (a payload can be a megabyte:
  // never copied on the way).
  std::vector<Entry> entries;
  entries.reserve(work.size());
  for (Attempt& a : work) entries.push_back(std::move(a.entry));
  std::vector<Outcome> outcomes;
  try {
    w.stage->ProcessBatch(entries, &outcomes);
  } catch (const std::exception& batch_error) {
    // A stage bug (e.g. a JSON shape it did not expect) must not take the
    // process down: find the entry that throws and dead-letter it alone.
    outcomes.clear();
    for (const Entry& e : entries) {
      try {
        outcomes.push_back(w.stage->Process(e));
      } catch (const std::exception& error) {
        outcomes.push_back(Outcome::DeadLetter(std::string("the stage failed on this entry: ") + error.what()));
      }
    }
  }
  double retries = 0, holds = 0;
  const auto now = Clock::now();
  for (std::size_t i = 0; i < work.size(); ++i) {
    Outcome& o = outcomes[i];
    Attempt& a = work[i];
    a.entry = std::move(entries[i]);
    switch (o.kind) {
      case Outcome::Kind::kDone:
        // Only an entry tried before (here, or by a consumer that died)
        // can have a failure on record to forget.
        handovers.push_back({a.entry.id, std::move(o.emits), a.from_retry_list || a.attempts > 1});
        dead.push_back(false);
        proves.push_back(o.proves_dependencies);
        after.push_back(std::move(o.after_commit));
        handed.push_back(std::move(a));
        break;
      case Outcome::Kind::kDeadLetter:
        dead_letter(a, o.error, a.attempts);
        break;
      case Outcome::Kind::kRetry:
      case Outcome::Kind::kHold: {
        const bool hold = o.kind == Outcome::Kind::kHold;
        // An outage is not this entry's fault: a further try counts only
        // when others succeeded since, or once per claim_idle.
        if (a.from_retry_list && (w.successes != a.successes_seen || now - a.counted_at >= options_.claim_idle)) {
          ++a.attempts;
          a.counted_at = now;
        }
        if (!hold && a.attempts >= options_.max_attempts) {
          dead_letter(a, o.error, a.attempts);
          break;
        }
        (hold ? holds : retries) += 1;
        const std::string record = hold ? kHoldPrefix + o.error : o.error;
        if (Status s = w.bus->RecordFailure(options_.input_stream, a.entry.id, record); !s.ok()) RedisError(w, s);
        if (!w.degraded) {
          w.degraded = true;
          w.degraded_since = now;
          LogJson(log_, hold ? spdlog::level::err : spdlog::level::warn, hold ? "stage_hold" : "stage_retry",
                  {{"stage", w.group}, {"id", a.entry.id}, {"error", o.error},
                   {"message", "entries wait and are retried as soon as this is fixed; further failures are counted, "
                               "not logged, until then"}});
        } else if (log_.should_log(spdlog::level::debug)) {
          LogJson(log_, spdlog::level::debug, hold ? "stage_hold" : "stage_retry",
                  {{"stage", w.group}, {"id", a.entry.id}, {"error", o.error}});
        }
        a.successes_seen = w.successes;
        a.from_retry_list = true;
        w.retry.push_back(std::move(a));
        break;
      }
    }
  }
  Count(w, "retry", retries);
  Count(w, "hold", holds);

  std::vector<std::string> accepted;
  Status s = w.bus->Commit(options_.input_stream, w.group, w.consumer, handovers, &accepted);
  if (!s.ok()) {
    // Nothing was handed over. The entries stay pending and owned: they
    // wait in the retry list and go again as soon as Redis answers.
    RedisError(w, s);
    Count(w, "commit_failed", static_cast<double>(handovers.size()));
    for (Attempt& a : handed) {
      a.from_retry_list = true;
      a.successes_seen = w.successes;
      w.retry.push_back(std::move(a));
    }
  } else {
    // Count by what was accepted: a hand-over refused because another
    // consumer reclaimed the entry meanwhile is "stale", and that consumer
    // counts it. The script returns accepted ids in hand-over order.
    std::size_t dead_letters = 0, done = 0, stale = 0, proving = 0;
    std::size_t k = 0;
    for (std::size_t i = 0; i < handovers.size(); ++i) {
      const bool ok = k < accepted.size() && accepted[k] == handovers[i].id;
      if (ok) ++k;
      if (!ok) ++stale;
      else if (dead[i]) ++dead_letters;
      else ++done;
      if (ok && !dead[i] && proves[i]) ++proving;
      if (ok && after[i]) after[i]();
    }
    // Only a success that used the dependencies shows they are up: a ham
    // decision with nothing to do says nothing about GitLab.
    w.successes += proving;
    Count(w, "done", static_cast<double>(done));
    Count(w, "dead_letter", static_cast<double>(dead_letters));
    Count(w, "stale", static_cast<double>(stale));
  }
  if (!w.retry.empty() && w.next_probe < Clock::now()) w.next_probe = Clock::now() + w.backoff;
  {
    std::lock_guard<std::mutex> lock(w.owned_mu);
    w.owned.clear();
    for (const Attempt& a : w.retry) w.owned.push_back(a.entry.id);
  }
  w.retry_size.store(w.retry.size());
  double waiting = 0;
  for (const auto& other : workers_) waiting += static_cast<double>(other->retry_size.load());
  waiting_.With({w.group}).Set(waiting);
}

void StageRunner::Heartbeat() {
  auto bus = bus_factory_();
  const auto interval = std::clamp(options_.claim_idle / 3, std::chrono::milliseconds(10), std::chrono::milliseconds(10000));
  std::unique_lock<std::mutex> lock(heartbeat_mu_);
  while (!heartbeat_cv_.wait_for(lock, interval, [this] { return stop_.load(); })) {
    lock.unlock();
    for (auto& w : workers_) {
      std::vector<std::string> ids;
      {
        std::lock_guard<std::mutex> owned_lock(w->owned_mu);
        ids = w->owned;
      }
      if (ids.empty()) continue;
      std::vector<std::string> still;
      if (Status s = bus->Touch(options_.input_stream, w->group, w->consumer, ids, &still); !s.ok()) {
        redis_errors_.With({w->group}).Inc();
        continue;
      }
      if (still.size() == ids.size()) continue;
      std::unordered_set<std::string> kept(still.begin(), still.end());
      std::lock_guard<std::mutex> owned_lock(w->owned_mu);
      for (const auto& id : ids) {
        if (kept.count(id) == 0) w->lost.insert(id);
      }
    }
    lock.lock();
  }
}

}  // namespace spamphibian
