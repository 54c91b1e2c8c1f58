#include "stages/stage_runner.h"

#include <algorithm>
#include <ctime>
#include <unordered_map>

#include "log/json_log.h"

namespace spamphibian {
namespace {

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

struct StageRunner::Worker {
  std::unique_ptr<Stage> stage;
  std::unique_ptr<StreamBus> bus;
  std::string group;
  std::string consumer;
  bool trims = false;  // one worker per process trims the input stream
  std::thread thread;
  std::unordered_map<std::string, metrics::Counter*> counters;
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
    for (const char* outcome : {"done", "retry", "hold", "dead_letter", "stale", "commit_failed"}) {
      w->counters[outcome] = &processed_.With({w->group, outcome});
    }
    workers_.push_back(std::move(w));
  }
  for (auto& w : workers_) {
    Worker* raw = w.get();
    raw->thread = std::thread([this, raw] { Run(*raw); });
  }
}

void StageRunner::Stop() {
  stop_.store(true);
  for (auto& w : workers_) {
    if (w->thread.joinable()) w->thread.join();
  }
}

void StageRunner::Count(Worker& w, const char* outcome, double n) {
  if (n > 0) w.counters[outcome]->Inc(n);
}

void StageRunner::Run(Worker& w) {
  const auto retry_pause = std::chrono::milliseconds(200);
  // The maintenance tick: often enough that reclaiming is not much later
  // than claim_idle, rarely enough to cost nothing.
  const auto tick = std::clamp(options_.claim_idle / 2, std::chrono::milliseconds(50), std::chrono::milliseconds(5000));
  auto next_maintenance = std::chrono::steady_clock::now();
  bool group_ready = false;
  std::vector<Entry> entries;
  while (!stop_.load()) {
    if (!group_ready) {
      Status s = w.bus->EnsureGroup(options_.input_stream, w.group);
      if (!s.ok()) {
        redis_errors_.With({w.group}).Inc();
        LogJson(log_, spdlog::level::warn, "stage_redis_error", {{"stage", w.group}, {"error", s.message()}});
        std::this_thread::sleep_for(retry_pause);
        continue;
      }
      group_ready = true;
    }
    if (std::chrono::steady_clock::now() >= next_maintenance) {
      Maintain(w);
      next_maintenance = std::chrono::steady_clock::now() + tick;
    }
    const auto block = std::min(options_.block, tick);
    Status s = w.bus->ReadNew(options_.input_stream, w.group, w.consumer, options_.batch_size, block, &entries);
    if (!s.ok()) {
      redis_errors_.With({w.group}).Inc();
      LogJson(log_, spdlog::level::warn, "stage_redis_error", {{"stage", w.group}, {"error", s.message()}});
      std::this_thread::sleep_for(retry_pause);
      continue;
    }
    if (!entries.empty()) ProcessAndCommit(w, entries, std::vector<long long>(entries.size(), 1));
  }
}

void StageRunner::Maintain(Worker& w) {
  std::vector<PendingEntry> idle;
  Status s = w.bus->ListIdle(options_.input_stream, w.group, options_.claim_idle, options_.batch_size, &idle);
  if (s.ok() && !idle.empty()) {
    std::vector<std::string> ids;
    std::unordered_map<std::string, long long> deliveries;
    for (const PendingEntry& p : idle) {
      ids.push_back(p.id);
      deliveries[p.id] = p.deliveries + 1;  // claiming is one more delivery
    }
    std::vector<Entry> claimed;
    s = w.bus->Claim(options_.input_stream, w.group, w.consumer, options_.claim_idle, ids, &claimed);
    if (s.ok() && !claimed.empty()) {
      LogJson(log_, spdlog::level::info, "stage_reclaimed", {{"stage", w.group}, {"entries", claimed.size()}});
      std::vector<long long> counts;
      for (const Entry& e : claimed) counts.push_back(deliveries[e.id]);
      ProcessAndCommit(w, claimed, counts);
    }
  }
  if (s.ok() && w.trims && options_.trim_consumed) s = w.bus->TrimConsumed(options_.input_stream);
  if (!s.ok()) {
    redis_errors_.With({w.group}).Inc();
    LogJson(log_, spdlog::level::warn, "stage_redis_error", {{"stage", w.group}, {"error", s.message()}});
  }
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

void StageRunner::ProcessAndCommit(Worker& w, std::vector<Entry>& entries, const std::vector<long long>& deliveries) {
  // Entries delivered max_attempts times already are not processed again;
  // they go to the dead-letter stream with their last error.
  std::vector<HandOver> handovers;
  std::vector<bool> dead;  // dead[i]: handovers[i] moves its entry to the dead-letter stream
  std::vector<std::function<void()>> after;  // after[i]: handovers[i]'s post-commit action
  std::vector<Entry> work;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    if (deliveries[i] <= options_.max_attempts) {
      work.push_back(std::move(entries[i]));
      continue;
    }
    std::string last_error;
    (void)w.bus->LastFailure(options_.input_stream, entries[i].id, &last_error);
    if (last_error.starts_with(kHoldPrefix)) {
      work.push_back(std::move(entries[i]));  // held entries wait for the operator, not for a count
      continue;
    }
    if (last_error.empty()) last_error = "no error recorded (consumer died while processing)";
    handovers.push_back({entries[i].id, {DeadLetter(w, entries[i], last_error, deliveries[i] - 1)}});
    dead.push_back(true);
    after.emplace_back();
    LogJson(log_, spdlog::level::err, "stage_dead_letter",
            {{"stage", w.group}, {"id", entries[i].id}, {"error", last_error}});
  }
  std::vector<Outcome> outcomes;
  try {
    w.stage->ProcessBatch(work, &outcomes);
  } catch (const std::exception& batch_error) {
    // A stage bug (e.g. a JSON shape it did not expect) must not take the
    // process down: find the entry that throws and dead-letter it alone.
    outcomes.clear();
    for (const Entry& e : work) {
      try {
        outcomes.push_back(w.stage->Process(e));
      } catch (const std::exception& error) {
        outcomes.push_back(Outcome::DeadLetter(std::string("the stage failed on this entry: ") + error.what()));
      }
    }
  }
  double retries = 0, holds = 0;
  for (std::size_t i = 0; i < work.size(); ++i) {
    Outcome& o = outcomes[i];
    switch (o.kind) {
      case Outcome::Kind::kDone:
        handovers.push_back({work[i].id, std::move(o.emits)});
        dead.push_back(false);
        after.push_back(std::move(o.after_commit));
        break;
      case Outcome::Kind::kDeadLetter:
        handovers.push_back({work[i].id, {DeadLetter(w, work[i], o.error, 1)}});
        dead.push_back(true);
        after.emplace_back();
        LogJson(log_, spdlog::level::err, "stage_dead_letter",
                {{"stage", w.group}, {"id", work[i].id}, {"error", o.error}});
        break;
      case Outcome::Kind::kRetry:
      case Outcome::Kind::kHold: {
        const bool hold = o.kind == Outcome::Kind::kHold;
        (hold ? holds : retries) += 1;
        const std::string record = hold ? kHoldPrefix + o.error : o.error;
        if (!w.bus->RecordFailure(options_.input_stream, work[i].id, record).ok()) redis_errors_.With({w.group}).Inc();
        LogJson(log_, hold ? spdlog::level::err : spdlog::level::warn, hold ? "stage_hold" : "stage_retry",
                {{"stage", w.group}, {"id", work[i].id}, {"error", o.error}});
        break;
      }
    }
  }
  Count(w, "retry", retries);
  Count(w, "hold", holds);

  std::vector<std::string> accepted;
  Status s = w.bus->Commit(options_.input_stream, w.group, w.consumer, handovers, &accepted);
  if (!s.ok()) {
    // Nothing was handed over; the entries stay pending and are reclaimed.
    redis_errors_.With({w.group}).Inc();
    Count(w, "commit_failed", static_cast<double>(handovers.size()));
    LogJson(log_, spdlog::level::warn, "stage_commit_failed", {{"stage", w.group}, {"error", s.message()}});
    return;
  }
  // Count by what was accepted: a hand-over refused because another consumer
  // reclaimed the entry meanwhile is "stale", and that consumer counts it.
  // The script returns accepted ids in hand-over order.
  std::size_t dead_letters = 0, done = 0, stale = 0;
  std::size_t a = 0;
  for (std::size_t i = 0; i < handovers.size(); ++i) {
    const bool ok = a < accepted.size() && accepted[a] == handovers[i].id;
    if (ok) ++a;
    if (!ok) ++stale;
    else if (dead[i]) ++dead_letters;
    else ++done;
    if (ok && after[i]) after[i]();
  }
  Count(w, "done", static_cast<double>(done));
  Count(w, "dead_letter", static_cast<double>(dead_letters));
  Count(w, "stale", static_cast<double>(stale));
}

}  // namespace spamphibian
