#include "stages/queue_monitor.h"

#include <cstdlib>

#include "base/thread_name.h"
#include "review/review_store.h"

namespace spamphibian {
namespace {

long long IntegerField(const redisReply* map, std::string_view key, bool* present) {
  *present = false;
  for (std::size_t i = 0; i + 1 < map->elements; i += 2) {
    if (redis::ReplyText(map->element[i]) == key && map->element[i + 1]->type == REDIS_REPLY_INTEGER) {
      *present = true;
      return map->element[i + 1]->integer;
    }
  }
  return 0;
}

const redisReply* MapValue(const redisReply* map, std::string_view key) {
  for (std::size_t i = 0; i + 1 < map->elements; i += 2) {
    if (redis::ReplyText(map->element[i]) == key) return map->element[i + 1];
  }
  return nullptr;
}

}  // namespace

QueueMonitor::QueueMonitor(const redis::Connector& connector, std::vector<Stream> streams,
                           metrics::Registry& metrics, std::chrono::milliseconds interval)
    : client_(connector),
      streams_(std::move(streams)),
      queue_length_(metrics.AddGauge("spamphibian_queue_length",
                                     "Entries waiting in a stream: not yet delivered plus not yet acknowledged.",
                                     {"stream"})),
      pending_(metrics.AddGauge("spamphibian_queue_pending",
                                "Entries delivered to a consumer group but not yet acknowledged (in work, or "
                                "waiting for a retry).",
                                {"stream", "group"})),
      lag_(metrics.AddGauge("spamphibian_queue_lag",
                            "Entries of a stream not yet delivered to a consumer group; -1 when Redis cannot tell.",
                            {"stream", "group"})),
      redis_up_gauge_(metrics.AddGauge("spamphibian_redis_up", "1 when Redis answered the last check.").With({})),
      reviews_(metrics.AddGauge("spamphibian_reviews",
                                "Reviews in the review queue by state; pending ones wait for a person.", {"state"})),
      outcomes_(metrics.AddCounter("spamphibian_review_outcomes_total",
                                   "Reviewers' spam/ham answers by item type, automatic verdict and model version "
                                   "(counted in Redis across replicas): the live precision of automatic verdicts.",
                                   {"item_type", "verdict", "outcome", "model_version"})),
      interval_(interval) {}

QueueMonitor::~QueueMonitor() { Stop(); }

void QueueMonitor::Start() {
  Sample();  // so /readyz and /metrics are right from the first request
  thread_ = std::thread([this] {
    NameThisThread("queue-monitor");
    Loop();
  });
}

void QueueMonitor::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void QueueMonitor::ReportUnavailable() {
  redis_up_.store(false);
  redis_up_gauge_.Set(0);
  {
    std::lock_guard<std::mutex> lock(mu_);
    sample_now_ = true;
  }
  cv_.notify_all();
}

void QueueMonitor::Loop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    cv_.wait_for(lock, interval_, [this] { return stop_ || sample_now_; });
    if (stop_) return;
    const bool asked = sample_now_;
    sample_now_ = false;
    lock.unlock();
    Sample();
    lock.lock();
    // After a sample someone asked for, a pause: failures must not flood Redis.
    if (asked && cv_.wait_for(lock, std::chrono::milliseconds(200), [this] { return stop_; })) return;
  }
}

void QueueMonitor::Sample() {
  std::vector<redis::Args> commands;
  for (const Stream& stream : streams_) {
    commands.push_back({"XLEN", stream.key});
    commands.push_back({"XINFO", "GROUPS", stream.key});
  }
  static constexpr const char* kStates[] = {"pending", "confirmed_spam", "not_spam", "skipped"};
  if (!reviews_prefix_.empty()) {
    for (const char* state : kStates) {
      commands.push_back({"ZCARD", reviews_prefix_ + "reviews:idx:" + state + ":any:any"});
    }
    commands.push_back({"HGETALL", reviews_prefix_ + std::string(review::kOutcomeCounts)});
  }
  std::vector<redis::Reply> replies;
  const bool up = client_.RunPipeline(commands, &replies).ok();
  redis_up_.store(up);
  redis_up_gauge_.Set(up ? 1 : 0);
  if (!up) return;
  for (std::size_t i = 0; i < streams_.size(); ++i) {
    const redisReply* xlen = replies[2 * i].get();
    const redisReply* groups = replies[2 * i + 1].get();  // an error when the stream does not exist
    double length = xlen->type == REDIS_REPLY_INTEGER ? static_cast<double>(xlen->integer) : 0;
    if (groups->type == REDIS_REPLY_ARRAY && groups->elements > 0) {
      double busiest = 0;
      for (std::size_t g = 0; g < groups->elements; ++g) {
        bool has_lag = false, has_pending = false;
        const long long lag = IntegerField(groups->element[g], "lag", &has_lag);
        const long long pending = IntegerField(groups->element[g], "pending", &has_pending);
        const std::string group(redis::ReplyText(MapValue(groups->element[g], "name")));
        pending_.With({streams_[i].label, group}).Set(static_cast<double>(pending));
        lag_.With({streams_[i].label, group}).Set(has_lag ? static_cast<double>(lag) : -1);
        // Redis cannot always tell the lag (after deletions); then count the
        // whole stream, which is an upper bound.
        const double waiting = has_lag ? static_cast<double>(lag + pending) : length;
        busiest = std::max(busiest, waiting);
      }
      length = busiest;
    }
    queue_length_.With({streams_[i].label}).Set(length);
  }
  if (!reviews_prefix_.empty()) {
    for (std::size_t k = 0; k < std::size(kStates); ++k) {
      const redisReply* n = replies[2 * streams_.size() + k].get();
      reviews_.With({kStates[k]}).Set(n->type == REDIS_REPLY_INTEGER ? static_cast<double>(n->integer) : 0);
    }
    // Field "<version>|<type>|<verdict>|<outcome>" -> count. The counts only
    // grow in Redis; the counter follows them.
    const redisReply* counts = replies[2 * streams_.size() + std::size(kStates)].get();
    for (std::size_t k = 0; counts->type == REDIS_REPLY_ARRAY && k + 1 < counts->elements; k += 2) {
      review::OutcomeKey key;
      if (!review::ParseOutcomeKey(redis::ReplyText(counts->element[k]), &key)) continue;
      const double total = std::atof(std::string(redis::ReplyText(counts->element[k + 1])).c_str());
      metrics::Counter& c = outcomes_.With({key.item_type, key.verdict, key.outcome, key.model_version});
      if (total > c.value()) c.Inc(total - c.value());
    }
  }
}

}  // namespace spamphibian
