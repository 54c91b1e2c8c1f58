#include "stages/redis_campaign_memory.h"

#include <algorithm>

#include "classify/links.h"

namespace spamphibian {
namespace {

// KEYS: text buckets, domain buckets, the sign-up bucket (none or one), the
// author's flood bucket (none or one), then the reviewers' memory: the
// author's key, one key per linked domain, and one per text bucket. ARGV: author, now, window,
// number of text buckets, cap, the SimHash as two 32-bit halves, the most
// bits two near-duplicates may differ in, number of domain buckets, number
// of sign-up buckets, the sign-up window, the sign-up baseline, number of
// flood buckets, the flood window, the item's id, the most items a flood
// bucket keeps, the most members a text bucket keeps, then the memory's
// domains. Text buckets hold "author|hi|lo" members: a band is only a
// candidate, and a member counts when its whole hash is near. A text bucket
// keeps its latest kTextBucketItems members and is read newest first until
// the count reaches the cap: in a spam wave every account of the wave lands
// in the same four buckets, and reading them whole cost Redis (which runs
// one script at a time) 54 ms per item at 10,000 accounts
// (bench/campaign-wave). Domain and sign-up buckets hold authors (only
// counted); a flood bucket "item|hi|lo" members, the latest
// kFloodBucketItems. The memory is only read (the review store
// writes it with each answer); a text near one reviewers last answered ham
// counts no text campaign. Returns {text accounts, domain accounts,
// sign-up accounts, the author's last answer or "", a domain confirmed spam
// and never ham or "", the author's other items, of them nearly the same}.
const redis::Script& ObserveScript() {
  static const redis::Script script(R"(
local author, now, window = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
local n_text, cap = tonumber(ARGV[4]), tonumber(ARGV[5])
local hi, lo, max_bits = tonumber(ARGV[6]), tonumber(ARGV[7]), tonumber(ARGV[8])
local n_domain, n_signup, signup_window = tonumber(ARGV[9]), tonumber(ARGV[10]), tonumber(ARGV[11])
local baseline = tonumber(ARGV[12])
local n_flood, flood_window, item = tonumber(ARGV[13]), tonumber(ARGV[14]), ARGV[15]
local flood_items, text_items = tonumber(ARGV[16]), tonumber(ARGV[17])
local function bits(x)
  local n = 0
  while x ~= 0 do x = bit.band(x, x - 1); n = n + 1 end
  return n
end
local function near_hash(h, l)
  return bits(bit.bxor(tonumber(h), hi)) + bits(bit.bxor(tonumber(l), lo)) <= max_bits
end
-- The other authors in a bucket of authors, after dropping the old ones.
local function others(key, w)
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - w)
  local n = redis.call('ZCARD', key)
  if redis.call('ZSCORE', key, author) then n = n - 1 end
  redis.call('ZADD', key, now, author)
  redis.call('PEXPIRE', key, w)
  return n
end
-- A sign-up bucket keeps its baseline too: the others within the window,
-- less what the pattern's earlier rate brings by chance (SignupBurst in
-- classify/campaigns.h, which this mirrors).
local function burst(key)
  local keep = math.max(signup_window, baseline)
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - keep)
  local recent = redis.call('ZCOUNT', key, '(' .. (now - signup_window), '+inf')
  local earlier = redis.call('ZCOUNT', key, '-inf', now - signup_window)
  local mine = redis.call('ZSCORE', key, author)
  if mine then
    if tonumber(mine) > now - signup_window then recent = recent - 1 else earlier = earlier - 1 end
  end
  redis.call('ZADD', key, now, author)
  redis.call('PEXPIRE', key, keep)
  local rest = baseline - signup_window
  if rest <= 0 or earlier <= 0 then return recent end
  local expected = earlier * signup_window / rest
  return math.max(recent - math.floor(expected + 2 * math.sqrt(expected)), 0)
end
local near, text, domain, signup = {}, 0, 0, 0
for i = 1, n_text do
  local key = KEYS[i]
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
  -- Newest first, a page at a time, until the cap.
  local from = 0
  while text < cap and from < text_items do
    local page = redis.call('ZREVRANGE', key, from, math.min(from + cap, text_items) - 1)
    for _, m in ipairs(page) do
      local a, h, l = string.match(m, '^(.*)|(%-?%d+)|(%-?%d+)$')
      if a and a ~= author and not near[a] and near_hash(h, l) then
        near[a] = true
        text = text + 1
        if text >= cap then break end
      end
    end
    if #page < cap then break end
    from = from + cap
  end
  -- Only a new member makes the bucket grow.
  if redis.call('ZADD', key, now, author .. '|' .. ARGV[6] .. '|' .. ARGV[7]) == 1 then
    redis.call('ZREMRANGEBYRANK', key, 0, -text_items - 1)
  end
  redis.call('PEXPIRE', key, window)
end
for i = n_text + 1, n_text + n_domain do
  domain = math.max(domain, others(KEYS[i], window))
end
if n_signup > 0 then signup = burst(KEYS[n_text + n_domain + 1]) end
-- The author's other items (each once, whatever its edits) and those of
-- nearly the same text; a hash of 0 (too short) is near nothing.
local items, repeats = 0, 0
local buckets = n_text + n_domain + n_signup + n_flood
if n_flood > 0 then
  local key = KEYS[buckets]
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - flood_window)
  for _, m in ipairs(redis.call('ZRANGE', key, 0, -1)) do
    local i, h, l = string.match(m, '^(.*)|(%-?%d+)|(%-?%d+)$')
    if i == item then
      redis.call('ZREM', key, m)
    elseif i then
      items = items + 1
      if (hi ~= 0 or lo ~= 0) and (tonumber(h) ~= 0 or tonumber(l) ~= 0) and near_hash(h, l) then
        repeats = repeats + 1
      end
    end
  end
  redis.call('ZADD', key, now, item .. '|' .. ARGV[6] .. '|' .. ARGV[7])
  redis.call('ZREMRANGEBYRANK', key, 0, -flood_items - 1)
  redis.call('PEXPIRE', key, flood_window)
end
local said = redis.call('GET', KEYS[buckets + 1]) or ''
-- Read only when there is a text campaign to clear (most items have none).
for i = (text > 0 and #KEYS - n_text + 1 or #KEYS + 1), #KEYS do
  local answered = redis.call('HGETALL', KEYS[i])
  for j = 1, #answered, 2 do
    local h, l = string.match(answered[j], '^(%-?%d+)|(%-?%d+)$')
    if h and answered[j + 1] == 'ham' and near_hash(h, l) then text = 0 end
  end
end
local spam_domain = ''
for i = buckets + 2, #KEYS - n_text do
  local c = redis.call('HMGET', KEYS[i], 'spam', 'ham')
  if spam_domain == '' and tonumber(c[1] or '0') > 0 and tonumber(c[2] or '0') == 0 then
    spam_domain = ARGV[17 + i - (buckets + 1)]
  end
end
return {math.min(text, cap), math.min(domain, cap), math.min(signup, cap), said, spam_domain,
        math.min(items, cap), math.min(repeats, cap)}
)");
  return script;
}

}  // namespace

RedisCampaignMemory::RedisCampaignMemory(const redis::Connector& connector, std::string prefix,
                                         const classify::CampaignWindows& windows)
    : client_(connector), prefix_(std::move(prefix)), windows_(windows) {}

bool RedisCampaignMemory::Command(const classify::CampaignKey& key, std::int64_t now_ms, redis::Args* keys,
                                  redis::Args* argv) const {
  const std::vector<std::string> texts = classify::TextBuckets(key.simhash);
  for (const auto& bucket : texts) keys->push_back(prefix_ + "campaign:" + bucket);
  const std::size_t text_buckets = keys->size();
  for (const auto& domain : key.domains) {
    if (!classify::CountsTowardsCampaign(key, domain) || keys->size() >= text_buckets + 20) continue;
    keys->push_back(prefix_ + "campaign:" + classify::DomainBucket(domain));
  }
  const std::size_t domain_buckets = keys->size() - text_buckets;
  const bool signup = !key.signup.empty();
  if (signup) keys->push_back(prefix_ + "campaign:" + classify::SignupBucket(key.signup));
  const bool flood = !key.item.empty();
  if (flood) keys->push_back(prefix_ + "campaign:" + classify::AuthorBucket(key.type, key.author));
  keys->push_back(prefix_ + std::string(classify::kReviewedAuthorKey) + key.author);
  std::vector<std::string> telling;
  for (const auto& domain : key.domains) {
    if (classify::IsTellingDomain(domain) && telling.size() < 20) telling.push_back(domain);
  }
  for (const auto& domain : telling) keys->push_back(prefix_ + std::string(classify::kReviewedDomainKey) + domain);
  for (const auto& bucket : texts) keys->push_back(prefix_ + std::string(classify::kReviewedTextKey) + bucket);
  // Lua's bit library works on 32-bit numbers: the hash goes in halves.
  const std::string hash = classify::TextHashField(key.simhash);
  const auto bar = hash.find('|');
  *argv = {key.author, std::to_string(now_ms), std::to_string(windows_.campaign_ms), std::to_string(text_buckets),
           std::to_string(classify::kCampaignCountCap), hash.substr(0, bar), hash.substr(bar + 1),
           std::to_string(classify::kNearDuplicateBits), std::to_string(domain_buckets), signup ? "1" : "0",
           std::to_string(windows_.signup_ms), std::to_string(windows_.signup_baseline_ms), flood ? "1" : "0",
           std::to_string(windows_.author_ms), key.item, std::to_string(classify::kFloodBucketItems),
           std::to_string(classify::kTextBucketItems)};
  argv->insert(argv->end(), telling.begin(), telling.end());
  return true;
}

namespace {

Status ReadCounts(const redisReply* reply, classify::CampaignCounts* out) {
  if (reply == nullptr || reply->type != REDIS_REPLY_ARRAY || reply->elements != 7) {
    return Status::Internal("campaign script: unexpected reply");
  }
  out->text_accounts = static_cast<int>(reply->element[0]->integer);
  out->domain_accounts = static_cast<int>(reply->element[1]->integer);
  out->signup_accounts = static_cast<int>(reply->element[2]->integer);
  out->reviewed_author = std::string(redis::ReplyText(reply->element[3]));
  out->reviewed_spam_domain = std::string(redis::ReplyText(reply->element[4]));
  out->author_items = static_cast<int>(reply->element[5]->integer);
  out->author_repeats = static_cast<int>(reply->element[6]->integer);
  return Status::Ok();
}

}  // namespace

Status RedisCampaignMemory::Observe(const classify::CampaignKey& key, std::int64_t now_ms,
                                    classify::CampaignCounts* out) {
  *out = classify::CampaignCounts();
  redis::Args keys, argv;
  if (!Command(key, now_ms, &keys, &argv)) return Status::Ok();
  redis::Reply reply;
  if (Status s = client_.Eval(ObserveScript(), keys, argv, &reply); !s.ok()) return s;
  return ReadCounts(reply.get(), out);
}

Status RedisCampaignMemory::ObserveBatch(std::span<const classify::CampaignKey> batch, std::int64_t now_ms,
                                         std::vector<classify::CampaignCounts>* out) {
  out->assign(batch.size(), classify::CampaignCounts());
  if (Status s = client_.Load(ObserveScript()); !s.ok()) return s;
  std::vector<redis::Args> commands;
  std::vector<std::size_t> index;  // commands[k] answers batch[index[k]]
  for (std::size_t i = 0; i < batch.size(); ++i) {
    redis::Args keys, argv;
    if (!Command(batch[i], now_ms, &keys, &argv)) continue;
    commands.push_back(redis::Client::EvalArgs(ObserveScript(), keys, argv));
    index.push_back(i);
  }
  if (commands.empty()) return Status::Ok();
  std::vector<redis::Reply> replies;
  for (int attempt = 0;; ++attempt) {
    if (Status s = client_.RunPipeline(commands, &replies); !s.ok()) return s;
    const bool forgotten = std::any_of(replies.begin(), replies.end(), [](const redis::Reply& r) {
      return redis::IsError(r.get()) && redis::ReplyText(r.get()).find("NOSCRIPT") != std::string_view::npos;
    });
    if (!forgotten || attempt > 0) break;
    // A restarted Redis has forgotten the script, and a script it does not
    // know did nothing: load it again and send the batch once more.
    ObserveScript().set_sha("");
    if (Status s = client_.Load(ObserveScript()); !s.ok()) return s;
    for (std::size_t k = 0; k < commands.size(); ++k) {
      commands[k][1] = ObserveScript().sha();  // EVALSHA <sha> ...
    }
  }
  for (std::size_t k = 0; k < replies.size(); ++k) {
    if (redis::IsError(replies[k].get())) {
      return Status::Unavailable("campaign script: " + std::string(redis::ReplyText(replies[k].get())));
    }
    if (Status s = ReadCounts(replies[k].get(), &(*out)[index[k]]); !s.ok()) return s;
  }
  return Status::Ok();
}

}  // namespace spamphibian
