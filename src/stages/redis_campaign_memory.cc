#include "stages/redis_campaign_memory.h"

#include <algorithm>

namespace spamphibian {
namespace {

// KEYS: text buckets, then domain buckets. ARGV: author, now, window,
// number of text buckets, cap. Returns {text accounts, domain accounts}.
const redis::Script& ObserveScript() {
  static const redis::Script script(R"(
local author, now, window = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
local n_text, cap = tonumber(ARGV[4]), tonumber(ARGV[5])
local text, domain = 0, 0
for i, key in ipairs(KEYS) do
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
  local others = redis.call('ZCARD', key)
  if redis.call('ZSCORE', key, author) then others = others - 1 end
  if others > cap then others = cap end
  if i <= n_text then
    if others > text then text = others end
  elseif others > domain then
    domain = others
  end
  redis.call('ZADD', key, now, author)
  redis.call('PEXPIRE', key, window)
end
return {text, domain}
)");
  return script;
}

}  // namespace

RedisCampaignMemory::RedisCampaignMemory(const redis::Connector& connector, std::string prefix, std::int64_t window_ms)
    : client_(connector), prefix_(std::move(prefix)), window_ms_(window_ms) {}

Status RedisCampaignMemory::Observe(const classify::CampaignKey& key, std::int64_t now_ms,
                                    classify::CampaignCounts* out) {
  *out = classify::CampaignCounts();
  redis::Args keys;
  for (const auto& bucket : classify::TextBuckets(key.simhash)) keys.push_back(prefix_ + "campaign:" + bucket);
  const std::size_t text_buckets = keys.size();
  for (const auto& domain : key.domains) {
    if (classify::IsCommonDomain(domain) || keys.size() >= text_buckets + 20) continue;
    keys.push_back(prefix_ + "campaign:" + classify::DomainBucket(domain));
  }
  if (keys.empty()) return Status::Ok();
  redis::Reply reply;
  Status s = client_.Eval(ObserveScript(), keys,
                          {key.author, std::to_string(now_ms), std::to_string(window_ms_), std::to_string(text_buckets),
                           std::to_string(classify::kCampaignCountCap)},
                          &reply);
  if (!s.ok()) return s;
  if (reply == nullptr || reply->type != REDIS_REPLY_ARRAY || reply->elements != 2) {
    return Status::Internal("campaign script: unexpected reply");
  }
  out->text_accounts = static_cast<int>(reply->element[0]->integer);
  out->domain_accounts = static_cast<int>(reply->element[1]->integer);
  return Status::Ok();
}

}  // namespace spamphibian
