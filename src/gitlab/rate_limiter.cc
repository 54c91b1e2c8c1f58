#include "gitlab/rate_limiter.h"

#include <algorithm>
#include <thread>

namespace spamphibian::gitlab {

RateLimiter::RateLimiter(double rate_per_second, double burst, Clock clock)
    : rate_(rate_per_second), burst_(std::max(1.0, burst)), clock_(std::move(clock)), tokens_(burst_), last_(clock_()) {}

std::chrono::nanoseconds RateLimiter::Reserve() {
  if (rate_ <= 0) return std::chrono::nanoseconds(0);
  std::lock_guard<std::mutex> lock(mu_);
  const auto now = clock_();
  const double elapsed = std::chrono::duration<double>(now - last_).count();
  last_ = now;
  tokens_ = std::min(burst_, tokens_ + elapsed * rate_);
  tokens_ -= 1;  // may go negative: a debt that later callers wait behind
  if (tokens_ >= 0) return std::chrono::nanoseconds(0);
  return std::chrono::nanoseconds(static_cast<long long>(-tokens_ / rate_ * 1e9));
}

void RateLimiter::Acquire() {
  const auto wait = Reserve();
  if (wait.count() > 0) std::this_thread::sleep_for(wait);
}

}  // namespace spamphibian::gitlab
