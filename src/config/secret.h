// Secret: a string that must never reach a log line.
//
// It has no stream operator and no implicit conversion; the only way to the
// bytes is reveal(), so every use of a token is visible in review.
#pragma once

#include <string>
#include <utility>

#include "security/constant_time.h"

namespace spamphibian {

class Secret {
 public:
  Secret() = default;
  explicit Secret(std::string value) : value_(std::move(value)) {}

  bool empty() const { return value_.empty(); }
  const std::string& reveal() const { return value_; }
  // What logs show instead of the value.
  const char* redacted() const { return value_.empty() ? "(unset)" : "(set)"; }

  // In constant time, like every comparison of a secret.
  friend bool operator==(const Secret& a, const Secret& b) { return ConstantTimeEquals(a.value_, b.value_); }

 private:
  std::string value_;
};

}  // namespace spamphibian
