// RedisCampaignMemory: the campaign memory (classify/campaigns.h) in Redis,
// shared by every classify worker of every replica. Each bucket (a SimHash
// band, a link domain, a sign-up pattern) is a sorted set of author -> last
// time seen, under `prefix` + "campaign:" + bucket, expiring after its
// window (a sign-up pattern's after its baseline, the longer). One Lua
// script per item records it in all its buckets, drops entries older than
// the window and counts the other authors: one round trip, atomic. The
// same step reads what reviewers answered about the author and the linked
// domains (classify::kReviewedAuthorKey, kReviewedDomainKey).
//
// Not thread-safe (owns a redis::Client): one per classify worker.
#pragma once

#include <memory>
#include <string>

#include "classify/campaigns.h"
#include "redis/client.h"

namespace spamphibian {

class RedisCampaignMemory : public classify::CampaignMemory {
 public:
  // `connector` must outlive this.
  RedisCampaignMemory(const redis::Connector& connector, std::string prefix, const classify::CampaignWindows& windows);
  Status Observe(const classify::CampaignKey& key, std::int64_t now_ms, classify::CampaignCounts* out) override;
  Status ObserveBatch(std::span<const classify::CampaignKey> keys, std::int64_t now_ms,
                      std::vector<classify::CampaignCounts>* out) override;

 private:
  // The script's keys and arguments for `key`.
  bool Command(const classify::CampaignKey& key, std::int64_t now_ms, redis::Args* keys, redis::Args* argv) const;

  redis::Client client_;
  const std::string prefix_;
  const classify::CampaignWindows windows_;
};

}  // namespace spamphibian
