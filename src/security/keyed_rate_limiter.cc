#include "security/keyed_rate_limiter.h"

#include <algorithm>

namespace spamphibian::security {

KeyedRateLimiter::KeyedRateLimiter(double per_minute, double burst, std::size_t max_keys, Clock clock)
    : per_second_(per_minute / 60.0), burst_(std::max(1.0, burst)), max_keys_(std::max<std::size_t>(1, max_keys)),
      clock_(std::move(clock)) {}

double KeyedRateLimiter::Refill(Bucket& b, std::chrono::steady_clock::time_point now) const {
  const double elapsed = std::chrono::duration<double>(now - b.last).count();
  b.tokens = std::min(burst_, b.tokens + elapsed * per_second_);
  b.last = now;
  return b.tokens;
}

bool KeyedRateLimiter::Allow(const std::string& key) {
  if (per_second_ <= 0) return true;
  const auto now = clock_();
  std::lock_guard<std::mutex> lock(mu_);
  auto it = buckets_.find(key);
  if (it == buckets_.end()) {
    if (buckets_.size() >= max_keys_) {
      // Forget the keys that have been quiet long enough to be full again:
      // they lose nothing.
      for (auto b = buckets_.begin(); b != buckets_.end();) {
        b = Refill(b->second, now) >= burst_ ? buckets_.erase(b) : std::next(b);
      }
      if (buckets_.size() >= max_keys_) return false;
    }
    it = buckets_.emplace(key, Bucket{burst_, now}).first;
  }
  if (Refill(it->second, now) < 1.0) return false;
  it->second.tokens -= 1.0;
  return true;
}

}  // namespace spamphibian::security
