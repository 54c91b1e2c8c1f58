// The inline check's Redis (inline_checker.h Memory): the campaign memory
// the classify stage uses, and the verified users set, on a connection of
// its own whose connect and command timeouts are spamcheck.redis_timeout_ms
// (the connector passed in says so), so that a slow or dead Redis costs a
// check milliseconds, never GitLab's deadline.
#pragma once

#include <string>

#include "classify/campaigns.h"
#include "inline_check/inline_checker.h"
#include "redis/client.h"
#include "stages/redis_campaign_memory.h"

namespace spamphibian::inline_check {

class RedisMemory : public Memory {
 public:
  // `connector` must outlive this.
  RedisMemory(const redis::Connector& connector, const std::string& prefix, const classify::CampaignWindows& windows)
      : client_(connector), verified_key_(prefix + "verified_users"), campaigns_(connector, prefix, windows) {}

  Status InVerifiedSet(const std::string& email, bool* member) override {
    redis::Reply r;
    Status s = client_.Run({"SISMEMBER", verified_key_, email}, &r);
    *member = s.ok() && r->integer == 1;
    return s;
  }
  classify::CampaignMemory& campaigns() override { return campaigns_; }

 private:
  redis::Client client_;
  const std::string verified_key_;
  RedisCampaignMemory campaigns_;
};

}  // namespace spamphibian::inline_check
