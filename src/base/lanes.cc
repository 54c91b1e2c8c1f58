#include "base/lanes.h"

#include <algorithm>
#include <string>

#include "base/thread_name.h"

namespace spamphibian {

Lanes::Lanes(int n, std::string_view name) {
  for (int lane = 1; lane < std::max(n, 1); ++lane) {
    threads_.emplace_back([this, lane, thread = std::string(name) + "-" + std::to_string(lane)] {
      NameThisThread(thread);
      Work(lane);
    });
  }
}

Lanes::~Lanes() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  start_.notify_all();
  for (auto& t : threads_) t.join();
}

void Lanes::Run(std::size_t count, const Job& job) {
  if (count == 0) return;
  if (threads_.empty() || count == 1) {
    for (std::size_t i = 0; i < count; ++i) job(i, 0);
    return;
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    job_ = &job;
    count_ = count;
    next_ = 0;
    finished_ = 0;
    ++round_;
  }
  start_.notify_all();
  Drain(0);
  std::unique_lock<std::mutex> lock(mu_);
  done_.wait(lock, [this] { return finished_ == count_; });
  job_ = nullptr;  // no lane touches it after the last job finished
}

void Lanes::Drain(int lane) {
  std::unique_lock<std::mutex> lock(mu_);
  while (job_ != nullptr && next_ < count_) {
    const std::size_t i = next_++;
    const Job& job = *job_;
    lock.unlock();
    job(i, lane);
    lock.lock();
    if (++finished_ == count_) done_.notify_one();
  }
}

void Lanes::Work(int lane) {
  std::uint64_t seen = 0;
  for (;;) {
    {
      std::unique_lock<std::mutex> lock(mu_);
      start_.wait(lock, [&] { return stopping_ || round_ != seen; });
      if (stopping_) return;
      seen = round_;
    }
    Drain(lane);
  }
}

}  // namespace spamphibian
