// Campaigns: the same or nearly the same text, or the same link domain,
// posted by several accounts within a window. A campaign is cut off by its
// third account even when its words are new to the model.
//
// Near-duplicates by SimHash (64 bits over word 3-shingles): two texts whose
// hashes differ in at most kNearDuplicateBits (3) bits share at least one
// of four 16-bit bands, so each band is a bucket of candidates, and a
// candidate counts only when its whole hash is that near (a band alone
// collides by chance once a window holds tens of thousands of items).
// Counts are of *other* accounts (an author repeating itself is not a
// campaign), capped.
//
// Sign-up bursts: bots register accounts in batches, each with a new bio
// but the same make: one e-mail domain, one username pattern
// ("firstname_lastname1987" -> "a_a9999"), links to sites under one TLD.
// A user that links off-site has that make as its sign-up pattern; the
// other accounts with the same pattern within a short window (an hour, not
// the campaigns' days: ordinary sign-ups share patterns too, only a burst
// is telling) are counted like a campaign's. Usernames of letters only
// have no pattern (everyone's), nor do users with no e-mail or no link.
// On a large instance a common pattern (gmail.com|a9999|com) comes by
// itself a few times an hour: a burst is what a pattern brings beyond its
// own ordinary rate, learnt over a longer baseline (SignupBurst).
//
// Floods: one account posting item after item of one type (a bot making
// tea-protocol projects or snippet after snippet, or pasting one comment
// under every issue). Its items within a day are counted, and those whose
// text is nearly the same as this one's. Each item counts once however often
// it is edited or delivered again: the bucket is of items, not of posts.
// A user has no flood (the account is the item), nor has an item without
// an id or an author.
//
// CampaignMemory is the interface; LocalCampaignMemory keeps it in the
// process (training, evaluation, the classify command), and the classify
// stage uses the Redis one (stages/redis_campaign_memory.h), shared by
// every replica, with a TTL.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <span>
#include <string_view>
#include <string>
#include <vector>

#include "base/status.h"
#include "classify/text_rendering.h"
#include "gitlab/item.h"

namespace spamphibian::classify {

struct CampaignKey {
  std::string author;                // who posted it (id or username)
  std::uint64_t simhash = 0;         // 0: too short to compare
  std::vector<std::string> domains;  // off-site registrable domains it links
  std::string own_domain;            // the registrable domain of the author's e-mail, "" unknown
  std::string signup;                // a user's sign-up pattern (SignupPattern), "" when none
  std::string type;                  // the item's type, which its author's flood is of
  std::string item;                  // the item's id; "": no flood is counted
};

struct CampaignCounts {
  int text_accounts = 0;    // other accounts with nearly the same text
  int domain_accounts = 0;  // other accounts linking one of its domains (the most of any)
  int signup_accounts = 0;  // other users of the same sign-up pattern within the sign-up window
  int author_items = 0;     // the author's other items of this type within the flood window
  int author_repeats = 0;   // ... of them with nearly the same text
  // What reviewers answered lately (the review store's memory, kept with an
  // expiry): "spam" or "ham" for this author's last answered item, and a
  // linked domain they confirmed spam and never ham. Only the Redis memory
  // knows them; training and evaluation leave them empty.
  std::string reviewed_author;
  std::string reviewed_spam_domain;
};

// The reviewers' memory in Redis (after the key prefix): the review store
// writes it with each answer (the author's last answer; per domain, how
// many answers said spam and ham; per text bucket, each answered text's
// hash (TextHashField) and its last answer), the campaign memory reads it.
// A text near one that reviewers last answered ham is no campaign: people
// paste what reviewers have cleared (an on-call line, a template), and
// with campaigns weighing towards spam their answers must be able to say
// so.
inline constexpr std::string_view kReviewedAuthorKey = "memory:author:";
inline constexpr std::string_view kReviewedDomainKey = "memory:domain:";
inline constexpr std::string_view kReviewedTextKey = "memory:text:";  // + a text bucket (TextBuckets)

// How long each kind of campaign counts, in the unit of Observe's `now_ms`.
struct CampaignWindows {
  std::int64_t campaign_ms = 72ll * 3600 * 1000;  // texts and link domains
  std::int64_t signup_ms = 3600ll * 1000;         // sign-up patterns
  // How long a sign-up pattern's ordinary rate is learnt over (its
  // sign-ups before the sign-up window); 0, or not longer than signup_ms:
  // no baseline, every other sign-up alike counts.
  std::int64_t signup_baseline_ms = 7ll * 86400 * 1000;
  std::int64_t author_ms = 86400ll * 1000;  // one account's items of one type
};

// The other sign-ups of one pattern that make a burst: the `recent` ones
// (within signup_ms) less what the pattern's ordinary rate brings in that
// time by chance. The rate is `earlier` sign-ups over the rest of the
// baseline; with expected count l, chance brings up to l + 2*sqrt(l) (the
// 95th to 98th percentile of a Poisson count for l from 1 to 4). A pattern
// seen fewer than about four times a day at the defaults expects nothing, so
// the first burst of a new make counts whole. Never negative.
// RedisCampaignMemory's script computes the same in Lua.
int SignupBurst(int recent, int earlier, const CampaignWindows& windows);

inline constexpr int kCampaignCountCap = 50;
// An author's flood bucket keeps its latest items only: enough to count to
// the cap, and a bot's thousandth item costs what its fiftieth did.
inline constexpr int kFloodBucketItems = 200;
// A text bucket keeps its latest members only, for the same reason: in a
// spam wave thousands of accounts share one text's buckets. By chance a
// bucket holds about one member per 65,536 items of the window, so the
// latest 200 hold a campaign's accounts up to the cap.
inline constexpr int kTextBucketItems = 200;
inline constexpr int kNearDuplicateBits = 3;
inline constexpr int kCampaignMinWords = 8;  // shorter texts ("Thanks!", "+1") are everybody's

// The campaign key of a rendered item: its author (id, else username), the
// SimHash of its words, its off-site link domains and the author's own (the
// registrable domain of their e-mail address), its type and id. A domain
// counts towards a campaign when it is telling and not the author's own
// (colleagues link their employer's site, which is no campaign); what
// reviewers answered about a domain counts for the author's own too.
CampaignKey CampaignKeyOf(const gitlab::Item& item, const Rendering& rendering);

// Adds what the campaign memory found to a rendering: the campaign and
// flood features and, from two other accounts (or two repeats) on, their
// signal tokens (for the reasons and the metrics). The tokens stay out of
// the words model's line: a campaign is context, not words, and with it in
// both layers the combiner, fitted on words scores that already knew it,
// learnt to take it back (models/README.md). Renderings are made first,
// because the campaign key is computed from them. A note's flood of items
// is left out: a reviewer's notes come by the dozen, so only its repeats
// tell.
void ApplyCampaign(const CampaignCounts& counts, std::string_view item_type, Rendering* rendering);
// How many other accounts make a campaign (or a burst), or how many
// repeats a flood, a signal token; how many other items a flood.
inline constexpr int kCampaignMinOthers = 2;
inline constexpr int kFloodMinItems = 4;

// "<e-mail domain>|<username shape>|<TLD of the first off-site link>" for a
// user, "" for other items and when a part is missing. Links to the mail
// domain's own site do not count (colleagues link their company's). The
// shape keeps separators, writes a run of letters as "a" and each digit as
// "9" (at most six), and is "" for letters alone.
std::string SignupPattern(const gitlab::Item& item, const std::vector<std::string>& link_domains);
std::string UsernameShape(std::string_view username);

// The SimHash of space-separated `words`; 0 when fewer than kCampaignMinWords.
std::uint64_t SimHash(std::string_view words);

// Domains whose links say something about the site itself: not common
// (links.h), not a URL shortener, messenger or file host (everyone's links
// go through those). Only they count towards a campaign across accounts,
// and a reviewer's answer about one item may stand for them.
bool IsTellingDomain(std::string_view domain);
// Whether a link to `domain` in the item of `key` counts towards a domain
// campaign: a telling domain, not the author's own. Both memories ask this.
bool CountsTowardsCampaign(const CampaignKey& key, std::string_view domain);

class CampaignMemory {
 public:
  virtual ~CampaignMemory() = default;
  // Records `key` at `now_ms` and counts the other accounts seen within the
  // window before it. Unavailable when the store cannot answer.
  virtual Status Observe(const CampaignKey& key, std::int64_t now_ms, CampaignCounts* out) = 0;
  // Observe() for several keys in order; (*out)[i] answers keys[i]. The
  // Redis memory sends them in one round trip.
  virtual Status ObserveBatch(std::span<const CampaignKey> keys, std::int64_t now_ms, std::vector<CampaignCounts>* out) {
    out->assign(keys.size(), CampaignCounts());
    for (std::size_t i = 0; i < keys.size(); ++i) {
      if (Status s = Observe(keys[i], now_ms, &(*out)[i]); !s.ok()) return s;
    }
    return Status::Ok();
  }
};

// In-process memory. Thread-safe.
class LocalCampaignMemory : public CampaignMemory {
 public:
  explicit LocalCampaignMemory(const CampaignWindows& windows) : windows_(windows) {}
  Status Observe(const CampaignKey& key, std::int64_t now_ms, CampaignCounts* out) override;

 private:
  struct Seen {
    std::int64_t time_ms;
    std::uint64_t simhash;
  };
  // Drops entries older than the window; calls `each` for the others.
  static void Sweep(std::map<std::string, Seen>& bucket, std::int64_t since_ms,
                    const std::function<void(const std::string& author, const Seen&)>& each);
  // Drops the oldest entries beyond the latest `keep`.
  static void KeepLatest(std::map<std::string, Seen>& bucket, int keep);
  // Counts the author's other items of key's type in the flood window
  // (and those with nearly the same text), and records this one.
  // Called with mu_ held.
  void Flood(const CampaignKey& key, std::int64_t now_ms, CampaignCounts* out);
  // Records `author` in a bucket of authors and counts the others seen
  // within `window_ms`, capped; `earlier`, when given, also keeps the
  // bucket for `keep_ms` and counts the others seen before the window.
  // Called with mu_ held.
  int Others(const std::string& bucket, const std::string& author, std::int64_t now_ms, std::int64_t window_ms,
             std::int64_t keep_ms = 0, int* earlier = nullptr);
  const CampaignWindows windows_;
  std::mutex mu_;
  std::map<std::string, std::map<std::string, Seen>> buckets_;  // bucket -> author (a flood's: item) -> last seen
};

// The bucket names of a key ("t<band>:<hex>", "d:<domain>", "s:<pattern>",
// "a:<type>:<author>"), as both memories use them.
std::vector<std::string> TextBuckets(std::uint64_t simhash);
// A SimHash as the Redis memories hold it: "hi|lo", its halves as signed
// 32-bit numbers, as Lua's bit library gives them.
std::string TextHashField(std::uint64_t simhash);
std::string DomainBucket(const std::string& domain);
std::string SignupBucket(const std::string& pattern);
std::string AuthorBucket(const std::string& type, const std::string& author);

}  // namespace spamphibian::classify
