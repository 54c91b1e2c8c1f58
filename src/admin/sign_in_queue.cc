#include "admin/sign_in_queue.h"

namespace spamphibian::admin {

SignInQueue::SignInQueue(SignInQueueOptions options, AdminWorker worker)
    : worker_(std::move(worker)),
      per_address_(options.per_address_per_minute, options.burst),
      queue_(options.capacity) {}

SignInQueue::Admission SignInQueue::Submit(const std::string& address, Job job) {
  if (!per_address_.Allow(address)) return Admission::kTooMany;
  const bool queued = queue_.Submit([this, job = std::move(job)] { job(worker_); });
  return queued ? Admission::kQueued : Admission::kBusy;
}

bool SignInQueue::SubmitOwn(Job job) {
  return queue_.Submit([this, job = std::move(job)] { job(worker_); });
}

}  // namespace spamphibian::admin
