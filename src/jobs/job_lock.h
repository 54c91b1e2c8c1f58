// JobLock: a lease in Redis that lets exactly one process of all replicas
// run a job at a time. SET key owner NX PX ttl to take it; renewed while the
// job runs; released (or left to expire, if the holder died) afterwards.
// Renew and release only act when this owner still holds the lease.
//
// Not thread-safe: one per job thread.
#pragma once

#include <chrono>
#include <string>

#include "redis/client.h"
#include "redis/script.h"

namespace spamphibian {

class JobLock {
 public:
  JobLock(const redis::Connector& connector, std::string key, std::string owner, std::chrono::milliseconds ttl);

  // True when this owner now holds the lease.
  bool TryAcquire();
  // Extends the lease; false when it was lost (expired and taken by another).
  bool Renew();
  void Release();

 private:
  redis::Client client_;
  const std::string key_;
  const std::string owner_;
  const std::chrono::milliseconds ttl_;
  const redis::Script renew_;
  const redis::Script release_;
};

}  // namespace spamphibian
