#include "classify/campaigns.h"

#include <algorithm>
#include <array>
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

std::uint64_t SimHash(std::string_view words) {
  std::vector<std::string_view> w;
  for (std::size_t pos = 0; pos < words.size();) {
    std::size_t end = words.find(' ', pos);
    if (end == std::string_view::npos) end = words.size();
    if (end > pos && !words.substr(pos, end - pos).starts_with("__")) w.push_back(words.substr(pos, end - pos));
    pos = end + 1;
  }
  if (w.size() < static_cast<std::size_t>(kCampaignMinWords)) return 0;
  std::array<int, 64> votes{};
  std::string shingle;
  for (std::size_t i = 0; i + 2 < w.size(); ++i) {
    shingle.assign(w[i]).append(" ").append(w[i + 1]).append(" ").append(w[i + 2]);
    const std::uint64_t h = Fnv1a(shingle);
    for (int b = 0; b < 64; ++b) votes[b] += (h >> b) & 1 ? 1 : -1;
  }
  std::uint64_t out = 0;
  for (int b = 0; b < 64; ++b) {
    if (votes[b] > 0) out |= 1ull << b;
  }
  return out == 0 ? 1 : out;
}

bool IsCommonDomain(std::string_view d) {
  static constexpr std::string_view kCommon[] = {
      "github.com",   "gitlab.com",     "github.io",       "stackoverflow.com", "google.com",  "youtube.com",
      "wikipedia.org", "python.org",    "mozilla.org",     "microsoft.com",     "apple.com",   "npmjs.com",
      "pypi.org",     "readthedocs.io", "docker.com",      "kubernetes.io",     "rust-lang.org", "golang.org",
      "go.dev",       "debian.org",     "ubuntu.com",      "archlinux.org",     "medium.com",  "twitter.com",
      "x.com",        "linkedin.com",   "example.com",     "example.org",       "localhost",   "gnu.org",
      "apache.org",   "w3.org",         "cloudflare.com",  "amazon.com",        "amazonaws.com", "gstatic.com",
      "shields.io",   "codecov.io",     "discord.gg",      "discord.com",       "reddit.com",  "opensource.org"};
  return std::find(std::begin(kCommon), std::end(kCommon), d) != std::end(kCommon);
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

std::string DomainBucket(const std::string& domain) { return "d:" + domain; }

int LocalCampaignMemory::CountAndAdd(const std::string& bucket, const std::string& author, std::int64_t now_ms) {
  auto& authors = buckets_[bucket];
  int others = 0;
  for (auto it = authors.begin(); it != authors.end();) {
    if (it->second < now_ms - window_ms_) {
      it = authors.erase(it);
      continue;
    }
    if (it->first != author) ++others;
    ++it;
  }
  authors[author] = now_ms;
  return std::min(others, kCampaignCountCap);
}

Status LocalCampaignMemory::Observe(const CampaignKey& key, std::int64_t now_ms, CampaignCounts* out) {
  std::lock_guard<std::mutex> lock(mu_);
  *out = CampaignCounts();
  for (const auto& bucket : TextBuckets(key.simhash)) {
    out->text_accounts = std::max(out->text_accounts, CountAndAdd(bucket, key.author, now_ms));
  }
  for (const auto& domain : key.domains) {
    if (IsCommonDomain(domain)) continue;
    out->domain_accounts = std::max(out->domain_accounts, CountAndAdd(DomainBucket(domain), key.author, now_ms));
  }
  return Status::Ok();
}

}  // namespace spamphibian::classify
