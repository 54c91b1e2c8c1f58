#include "classify/campaigns.h"

#include "classify/links.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cctype>
#include <cmath>
#include <set>
#include <cstdio>
#include <functional>
#include <string_view>

namespace spamphibian::classify {
namespace {

// FNV-1a: a stable hash across processes and builds (std::hash is not).
std::uint64_t Fnv1a(std::string_view s) {
  std::uint64_t h = 1469598103934665603ull;
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ull;
  }
  // A final mix, so that similar shingles spread over all bits.
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdull;
  h ^= h >> 33;
  return h;
}

}  // namespace

CampaignKey CampaignKeyOf(const gitlab::Item& item, const Rendering& r) {
  CampaignKey key;
  key.author = item.author.id != 0 ? std::to_string(item.author.id) : item.author.username;
  if (key.author.empty()) key.author = item.type + ":" + item.id;
  key.simhash = SimHash(r.words);
  key.domains = r.link_domains;
  if (const std::string mail = gitlab::EmailDomain(item.author.email); !mail.empty()) {
    key.own_domain = RegistrableDomain(mail);
  }
  key.signup = SignupPattern(item, r.link_domains);
  key.type = item.type;
  // Without an author or an id, one item could not be told from the next.
  if (item.type != "user" && !item.id.empty() && (item.author.id != 0 || !item.author.username.empty())) {
    key.item = item.id;
  }
  return key;
}

std::string UsernameShape(std::string_view username) {
  std::string shape;
  int digits = 0;
  for (char c : username) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isdigit(u)) {
      if (++digits <= 6) shape += '9';
      continue;
    }
    digits = 0;
    const char k = std::isalpha(u) || u >= 0x80 ? 'a' : (c == '.' || c == '_' || c == '-') ? c : 'x';
    if (k != 'a' || shape.empty() || shape.back() != 'a') shape += k;
  }
  return shape == "a" || shape.empty() ? "" : shape;
}

std::string SignupPattern(const gitlab::Item& item, const std::vector<std::string>& link_domains) {
  if (item.type != "user") return "";
  const std::string email_domain = gitlab::EmailDomain(item.author.email);
  // The site a bot was made for; not a common site, nor the one of the
  // user's own mail domain (colleagues signing up together link their
  // company's site).
  const auto linked = std::find_if(link_domains.begin(), link_domains.end(), [&](const std::string& d) {
    return !IsCommonDomain(d) && d.find('.') != std::string::npos && email_domain != d &&
           !email_domain.ends_with("." + d);
  });
  const std::string shape = UsernameShape(item.author.username);
  if (email_domain.empty() || linked == link_domains.end() || shape.empty()) return "";
  return email_domain + "|" + shape + "|" + linked->substr(linked->find('.') + 1);
}

std::uint64_t SimHash(std::string_view words) {
  std::vector<std::string_view> w;
  for (std::size_t pos = 0; pos < words.size();) {
    std::size_t end = words.find(' ', pos);
    if (end == std::string_view::npos) end = words.size();
    if (end > pos && !words.substr(pos, end - pos).starts_with("__")) w.push_back(words.substr(pos, end - pos));
    pos = end + 1;
  }
  if (w.size() < static_cast<std::size_t>(kCampaignMinWords)) return 0;
  // A shingle's hash combines its words' hashes (each word hashed once),
  // order-sensitively.
  std::vector<std::uint64_t> hashes(w.size());
  for (std::size_t i = 0; i < w.size(); ++i) hashes[i] = Fnv1a(w[i]);
  std::array<int, 64> votes{};
  for (std::size_t i = 0; i + 2 < w.size(); ++i) {
    std::uint64_t h = hashes[i] * 0x9E3779B97F4A7C15ull;
    h = (h ^ hashes[i + 1]) * 0xC2B2AE3D27D4EB4Full;
    h = (h ^ hashes[i + 2]) * 0x165667B19E3779F9ull;
    h ^= h >> 29;
    for (int b = 0; b < 64; ++b) votes[b] += static_cast<int>((h >> b) & 1) * 2 - 1;
  }
  std::uint64_t out = 0;
  for (int b = 0; b < 64; ++b) {
    if (votes[b] > 0) out |= 1ull << b;
  }
  return out == 0 ? 1 : out;
}

bool IsTellingDomain(std::string_view d) {
  return !d.empty() && !IsCommonDomain(d) && !IsShortenerDomain(d) && !IsMessengerDomain(d) && !IsFileHostDomain(d);
}

bool CountsTowardsCampaign(const CampaignKey& key, std::string_view domain) {
  return IsTellingDomain(domain) && domain != key.own_domain;
}

std::vector<std::string> TextBuckets(std::uint64_t simhash) {
  std::vector<std::string> out;
  if (simhash == 0) return out;
  for (int band = 0; band < 4; ++band) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "t%d:%04x", band, static_cast<unsigned>((simhash >> (16 * band)) & 0xFFFF));
    out.emplace_back(buf);
  }
  return out;
}

std::string TextHashField(std::uint64_t simhash) {
  const auto half = [](std::uint64_t h) { return std::to_string(static_cast<std::int32_t>(static_cast<std::uint32_t>(h))); };
  return half(simhash >> 32) + "|" + half(simhash);
}

std::string DomainBucket(const std::string& domain) { return "d:" + domain; }

std::string SignupBucket(const std::string& pattern) { return "s:" + pattern; }

std::string AuthorBucket(const std::string& type, const std::string& author) { return "a:" + type + ":" + author; }

void ApplyCampaign(const CampaignCounts& counts, std::string_view item_type, Rendering* r) {
  const int items = item_type == "note" ? 0 : counts.author_items;
  r->features[CheckedFeatureIndex("campaign_accounts")] = static_cast<float>(std::log1p(counts.text_accounts));
  r->features[CheckedFeatureIndex("domain_accounts")] = static_cast<float>(std::log1p(counts.domain_accounts));
  r->features[CheckedFeatureIndex("signup_accounts")] = static_cast<float>(std::log1p(counts.signup_accounts));
  r->features[CheckedFeatureIndex("author_items")] = static_cast<float>(std::log1p(items));
  r->features[CheckedFeatureIndex("author_repeats")] = static_cast<float>(std::log1p(counts.author_repeats));
  bool any = false;
  for (const auto& [fired, token] : {std::pair{counts.text_accounts >= kCampaignMinOthers, "sig_campaign_text"},
                                     {counts.domain_accounts >= kCampaignMinOthers, "sig_campaign_domain"},
                                     {counts.signup_accounts >= kCampaignMinOthers, "sig_campaign_signup"},
                                     {items >= kFloodMinItems, "sig_author_flood"},
                                     {counts.author_repeats >= kCampaignMinOthers, "sig_author_repeats"}}) {
    if (!fired) continue;
    r->signals.push_back(token);
    any = true;
  }
  if (any) std::sort(r->signals.begin(), r->signals.end());
}

void LocalCampaignMemory::Sweep(std::map<std::string, Seen>& bucket, std::int64_t since_ms,
                                const std::function<void(const std::string&, const Seen&)>& each) {
  for (auto it = bucket.begin(); it != bucket.end();) {
    if (it->second.time_ms < since_ms) {
      it = bucket.erase(it);
      continue;
    }
    each(it->first, it->second);
    ++it;
  }
}

void LocalCampaignMemory::KeepLatest(std::map<std::string, Seen>& bucket, int keep) {
  while (bucket.size() > static_cast<std::size_t>(keep)) {
    bucket.erase(std::min_element(bucket.begin(), bucket.end(),
                                  [](const auto& a, const auto& b) { return a.second.time_ms < b.second.time_ms; }));
  }
}

Status LocalCampaignMemory::Observe(const CampaignKey& key, std::int64_t now_ms, CampaignCounts* out) {
  std::lock_guard<std::mutex> lock(mu_);
  *out = CampaignCounts();
  std::set<std::string> near;
  for (const auto& name : TextBuckets(key.simhash)) {
    auto& bucket = buckets_[name];
    Sweep(bucket, now_ms - windows_.campaign_ms, [&](const std::string& author, const Seen& seen) {
      if (author != key.author && std::popcount(seen.simhash ^ key.simhash) <= kNearDuplicateBits) near.insert(author);
    });
    bucket[key.author] = {now_ms, key.simhash};
    KeepLatest(bucket, kTextBucketItems);
  }
  out->text_accounts = std::min(static_cast<int>(near.size()), kCampaignCountCap);
  for (const auto& domain : key.domains) {
    if (!CountsTowardsCampaign(key, domain)) continue;
    out->domain_accounts =
        std::max(out->domain_accounts, Others(DomainBucket(domain), key.author, now_ms, windows_.campaign_ms));
  }
  if (!key.signup.empty()) {
    int earlier = 0;
    const int recent = Others(SignupBucket(key.signup), key.author, now_ms, windows_.signup_ms,
                              std::max(windows_.signup_ms, windows_.signup_baseline_ms), &earlier);
    out->signup_accounts = std::min(SignupBurst(recent, earlier, windows_), kCampaignCountCap);
  }
  if (!key.item.empty()) Flood(key, now_ms, out);
  return Status::Ok();
}

void LocalCampaignMemory::Flood(const CampaignKey& key, std::int64_t now_ms, CampaignCounts* out) {
  auto& bucket = buckets_[AuthorBucket(key.type, key.author)];
  int items = 0, repeats = 0;
  Sweep(bucket, now_ms - windows_.author_ms, [&](const std::string& item, const Seen& seen) {
    if (item == key.item) return;
    ++items;
    if (key.simhash != 0 && seen.simhash != 0 && std::popcount(seen.simhash ^ key.simhash) <= kNearDuplicateBits) {
      ++repeats;
    }
  });
  bucket[key.item] = {now_ms, key.simhash};
  KeepLatest(bucket, kFloodBucketItems);
  out->author_items = std::min(items, kCampaignCountCap);
  out->author_repeats = std::min(repeats, kCampaignCountCap);
}

int LocalCampaignMemory::Others(const std::string& name, const std::string& author, std::int64_t now_ms,
                                std::int64_t window_ms, std::int64_t keep_ms, int* earlier) {
  auto& bucket = buckets_[name];
  int others = 0;
  Sweep(bucket, now_ms - std::max(window_ms, keep_ms), [&](const std::string& a, const Seen& seen) {
    if (a == author) return;
    if (seen.time_ms >= now_ms - window_ms) {
      ++others;
    } else if (earlier != nullptr) {
      ++*earlier;
    }
  });
  bucket[author] = {now_ms, 0};
  return std::min(others, kCampaignCountCap);
}

int SignupBurst(int recent, int earlier, const CampaignWindows& windows) {
  const std::int64_t rest = windows.signup_baseline_ms - windows.signup_ms;
  if (rest <= 0 || earlier <= 0) return std::max(recent, 0);
  const double expected = static_cast<double>(earlier) * static_cast<double>(windows.signup_ms) / static_cast<double>(rest);
  const int chance = static_cast<int>(std::floor(expected + 2 * std::sqrt(expected)));
  return std::max(recent - chance, 0);
}

}  // namespace spamphibian::classify
