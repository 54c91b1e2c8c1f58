// Script: a Lua script run atomically by Redis (EVALSHA, falling back to
// loading it when the server does not know it, e.g. after a restart).
#pragma once

#include <mutex>
#include <string>

namespace spamphibian::redis {

class Script {
 public:
  explicit Script(std::string source) : source_(std::move(source)) {}

  const std::string& source() const { return source_; }

  // The SHA1 Redis gave for the source, once loaded; "" before. Thread-safe.
  std::string sha() const;
  void set_sha(std::string sha) const;

 private:
  std::string source_;
  mutable std::mutex mu_;
  mutable std::string sha_;
};

}  // namespace spamphibian::redis
