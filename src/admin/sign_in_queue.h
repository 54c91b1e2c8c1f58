// SignInQueue: where sign-ins wait for GitLab, away from the admin
// listener's threads.
//
// Finishing a sign-in waits on GitLab three times (the code exchange, the
// user, the review groups). On the listener's two threads those waits let
// anyone who can reach /oauth/callback hold the review page down, and every
// callback sent GitLab a token request carrying the client secret. Here one
// thread of its own, with its own connections (an AdminWorker), does them;
// at most `capacity` sign-ins wait for it, and each client address starts
// at most `per_address_per_minute` (`burst` at once). Beyond either the
// caller answers at once (503 or 429) and GitLab is not asked.
//
// Thread-safe: Submit from any thread; jobs run on the queue's thread, in
// order. The destructor runs what is queued, then stops.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "admin/admin_service.h"
#include "security/keyed_rate_limiter.h"

namespace spamphibian::admin {

struct SignInQueueOptions {
  std::size_t capacity = 8;
  double per_address_per_minute = 10;
  double burst = 5;
};

class SignInQueue {
 public:
  using Job = std::function<void(AdminWorker& worker)>;
  enum class Admission { kQueued, kBusy, kTooMany };

  SignInQueue(SignInQueueOptions options, AdminWorker worker);
  ~SignInQueue();
  SignInQueue(const SignInQueue&) = delete;
  SignInQueue& operator=(const SignInQueue&) = delete;

  // Queues `job` for a client at `address`; kBusy when `capacity` wait
  // already, kTooMany when that address has started too many.
  Admission Submit(const std::string& address, Job job);

 private:
  void Run();

  const SignInQueueOptions options_;
  AdminWorker worker_;
  security::KeyedRateLimiter per_address_;
  std::mutex mu_;
  std::condition_variable wake_;
  std::deque<Job> jobs_;
  bool stopping_ = false;
  std::thread thread_;  // last: starts once the rest is ready
};

}  // namespace spamphibian::admin
