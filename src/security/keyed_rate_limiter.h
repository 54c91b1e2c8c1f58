// KeyedRateLimiter: one token bucket per key (a client address, a
// reviewer), refusing at once rather than making the caller wait: for the
// edges a flood comes through (sign-ins, reviewers' answers), where a
// refusal (429) is the right answer and a wait would hold a thread.
//
// Memory is bounded: at most `max_keys` buckets; when full, buckets that
// have refilled (their key has been quiet) are forgotten first, and if none
// has, the request is refused as if its own bucket were empty.
//
// Thread-safe.
#pragma once

#include <chrono>
#include <functional>
#include <mutex>
#include <string>
#include <unordered_map>

namespace spamphibian::security {

class KeyedRateLimiter {
 public:
  using Clock = std::function<std::chrono::steady_clock::time_point()>;

  // `per_minute` tokens a minute for each key, up to `burst` at once;
  // per_minute <= 0 allows everything.
  KeyedRateLimiter(double per_minute, double burst, std::size_t max_keys = 10000,
                   Clock clock = std::chrono::steady_clock::now);

  // Takes a token of `key`'s bucket; false when it has none.
  bool Allow(const std::string& key);

 private:
  struct Bucket {
    double tokens;
    std::chrono::steady_clock::time_point last;
  };
  double Refill(Bucket& b, std::chrono::steady_clock::time_point now) const;

  const double per_second_;
  const double burst_;
  const std::size_t max_keys_;
  Clock clock_;
  std::mutex mu_;
  std::unordered_map<std::string, Bucket> buckets_;
};

}  // namespace spamphibian::security
