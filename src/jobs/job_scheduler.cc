#include "jobs/job_scheduler.h"

#include <algorithm>

#include "base/thread_name.h"
#include "jobs/job_lock.h"
#include "log/json_log.h"
#include "redis/client.h"

namespace spamphibian {

JobScheduler::JobScheduler(const redis::Connector& connector, std::string key_prefix, std::string owner,
                           metrics::Registry& metrics, spdlog::logger& log)
    : connector_(connector),
      prefix_(std::move(key_prefix)),
      owner_(std::move(owner)),
      runs_(metrics.AddCounter("spamphibian_job_runs_total", "Job runs, by outcome: ok, failed.", {"job", "outcome"})),
      log_(log) {}

JobScheduler::~JobScheduler() { Stop(); }

void JobScheduler::Add(std::unique_ptr<Job> job) { jobs_.push_back(std::move(job)); }

void JobScheduler::Start() {
  for (auto& job : jobs_) {
    Job* j = job.get();
    threads_.emplace_back([this, j] {
      NameThisThread("job-" + std::string(j->name()));
      Loop(*j);
    });
  }
}

void JobScheduler::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  for (auto& t : threads_) {
    if (t.joinable()) t.join();
  }
  threads_.clear();
}

bool JobScheduler::Sleep(std::chrono::milliseconds d) {
  std::unique_lock<std::mutex> lock(mu_);
  return !cv_.wait_for(lock, d, [this] { return stop_; });
}

void JobScheduler::Loop(Job& job) {
  const std::string name(job.name());
  const std::string base = prefix_ + "jobs:" + name;
  const auto interval = std::chrono::duration_cast<std::chrono::milliseconds>(job.interval());
  // The lease outlives a stalled renewal briefly, never a dead process long.
  const auto ttl = std::clamp(interval, std::chrono::milliseconds(3000), std::chrono::milliseconds(60000));
  JobLock lock(connector_, base + ":lock", owner_, ttl);
  redis::Client client(connector_);
  auto& ok = runs_.With({name, "ok"});
  auto& failed = runs_.With({name, "failed"});
  // Poll often enough to run close to the interval, whichever replica it is.
  const auto poll = std::clamp(interval / 4, std::chrono::milliseconds(100), std::chrono::milliseconds(5000));
  do {
    const auto now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count();
    redis::Reply last;
    if (!client.Run({"GET", base + ":last"}, &last).ok()) continue;
    const long long last_ms = last->type == REDIS_REPLY_STRING ? std::atoll(last->str) : 0;
    if (now_ms - last_ms < interval.count() || !lock.TryAcquire()) continue;

    // Renew the lease while the job runs.
    std::atomic<bool> running{true};
    std::thread renewer([&] {
      while (running.load()) {
        std::unique_lock<std::mutex> l(mu_);
        if (cv_.wait_for(l, ttl / 3, [&] { return !running.load(); })) break;
        l.unlock();
        if (!lock.Renew()) LogJson(log_, spdlog::level::warn, "job_lock_lost", {{"job", name}});
      }
    });
    const auto started = std::chrono::steady_clock::now();
    Status s = job.Run();
    running = false;
    cv_.notify_all();
    renewer.join();
    (void)client.Run({"SET", base + ":last", std::to_string(now_ms)});
    lock.Release();
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    (s.ok() ? ok : failed).Inc();
    LogJson(log_, s.ok() ? spdlog::level::info : spdlog::level::err, "job_run",
            {{"job", name}, {"ok", s.ok()}, {"error", s.message()}, {"seconds", seconds}});
  } while (Sleep(poll));
}

}  // namespace spamphibian
