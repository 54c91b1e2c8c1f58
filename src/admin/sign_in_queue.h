// SignInQueue: where sign-ins wait for GitLab, away from the admin
// listener's threads.
//
// Finishing a sign-in waits on GitLab three times (the code exchange, the
// user, the review groups). On the listener's two threads those waits let
// anyone who can reach /oauth/callback hold the review page down, and every
// callback sent GitLab a token request carrying the client secret. Here one
// thread of its own (base/work_queue.h), with its own connections (an
// AdminWorker), does them; at most `capacity` sign-ins wait for it, and
// each client address starts at most `per_address_per_minute` (`burst` at
// once). Beyond either the caller answers at once (503 or 429) and GitLab
// is not asked.
//
// Thread-safe: Submit from any thread; jobs run on the queue's thread, in
// order. The destructor runs what is queued, then stops.
#pragma once

#include <functional>
#include <string>

#include "admin/admin_service.h"
#include "base/work_queue.h"
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

  // Queues `job` for a client at `address`; kTooMany when that address has
  // started too many, kBusy when `capacity` wait already.
  Admission Submit(const std::string& address, Job job);
  // Queues a job of the service's own (a reviewer's re-check): bounded by
  // `capacity`, not by any client's rate. False when full.
  bool SubmitOwn(Job job);

 private:
  AdminWorker worker_;
  security::KeyedRateLimiter per_address_;
  WorkQueue queue_;  // last: its jobs use worker_
};

}  // namespace spamphibian::admin
