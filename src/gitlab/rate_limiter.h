// RateLimiter: a token bucket shared by every thread of the process that
// calls GitLab, so that a spam wave cannot overload the GitLab instance
// (GITLAB_API_RATE requests per second, bursts up to `burst`).
//
// Thread-safe.
#pragma once

#include <chrono>
#include <functional>
#include <mutex>

namespace spamphibian::gitlab {

class RateLimiter {
 public:
  using Clock = std::function<std::chrono::steady_clock::time_point()>;

  // rate <= 0 disables limiting.
  RateLimiter(double rate_per_second, double burst, Clock clock = std::chrono::steady_clock::now);

  // Takes one token and returns how long the caller must wait before using
  // it (zero when one was available). Tokens are handed out in call order,
  // so waiting callers never starve.
  std::chrono::nanoseconds Reserve();

  // Reserve() and sleep.
  void Acquire();

 private:
  const double rate_;
  const double burst_;
  Clock clock_;
  std::mutex mu_;
  double tokens_;
  std::chrono::steady_clock::time_point last_;
};

}  // namespace spamphibian::gitlab
