#include "admin/sign_in_queue.h"

namespace spamphibian::admin {

SignInQueue::SignInQueue(SignInQueueOptions options, AdminWorker worker)
    : options_(options),
      worker_(std::move(worker)),
      per_address_(options.per_address_per_minute, options.burst),
      thread_([this] { Run(); }) {}

SignInQueue::~SignInQueue() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  wake_.notify_one();
  thread_.join();
}

SignInQueue::Admission SignInQueue::Submit(const std::string& address, Job job) {
  std::lock_guard<std::mutex> lock(mu_);
  if (jobs_.size() >= options_.capacity) return Admission::kBusy;
  if (!per_address_.Allow(address)) return Admission::kTooMany;
  jobs_.push_back(std::move(job));
  wake_.notify_one();
  return Admission::kQueued;
}

void SignInQueue::Run() {
  for (;;) {
    Job job;
    {
      std::unique_lock<std::mutex> lock(mu_);
      wake_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
      if (jobs_.empty()) return;  // stopping, nothing left
      job = std::move(jobs_.front());
      jobs_.pop_front();
    }
    job(worker_);
  }
}

}  // namespace spamphibian::admin
