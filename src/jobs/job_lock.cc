#include "jobs/job_lock.h"

namespace spamphibian {

JobLock::JobLock(const redis::Connector& connector, std::string key, std::string owner,
                 std::chrono::milliseconds ttl)
    : client_(connector),
      key_(std::move(key)),
      owner_(std::move(owner)),
      ttl_(ttl),
      renew_("if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0"),
      release_("if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0") {}

bool JobLock::TryAcquire() {
  redis::Reply r;
  Status s = client_.Run({"SET", key_, owner_, "NX", "PX", std::to_string(ttl_.count())}, &r);
  return s.ok() && r->type == REDIS_REPLY_STATUS;  // "OK"; nil when held by another
}

bool JobLock::Renew() {
  redis::Reply r;
  return client_.Eval(renew_, {key_}, {owner_, std::to_string(ttl_.count())}, &r).ok() && r->integer == 1;
}

void JobLock::Release() {
  redis::Reply r;
  (void)client_.Eval(release_, {key_}, {owner_}, &r);
}

}  // namespace spamphibian
