// ReviewStore: the review queue's memory. Every classified decision (spam,
// suspicious, and ham too, so that a reviewer can report what the model
// missed) becomes one review, `pending` until a person answers:
//
//   pending ──spam──► confirmed_spam      (the reviewer's actions are sent to
//      │                                   the act stage as a reviewed decision)
//      ├──ham───► not_spam                (the act stage undoes every action
//      │                                   on the item)
//      └──skip──► skipped                 (no label; may still be answered)
//
// An answer is one atomic step (a Lua script): the state changes only from
// the state the caller saw, and in the same step the reviewed decision goes
// to the act stage's queue, the label to the `labels` stream and to the
// archive stream (S3 labels/, by the archive stage), and the audit entry is
// written. An answer given twice finds the state already changed and does
// nothing: nothing is sent to GitLab twice.
//
// Redis layout (keys under the pipeline prefix):
//   review:<id>                          hash: decision, state, created_ms, …
//   reviews:idx:<state>:<verdict>:<type> sorted set by created_ms, one per
//       combination where each of the three may also be "any" (verdict also
//       "flagged": spam or suspicious), so that every filter of the page is
//       one ZREVRANGEBYSCORE, never a scan;
//   reviews:author:<author id>           sorted set: the author's reviews;
//   reviews:domain:<registrable domain>  sorted set: reviews linking there
//       (a campaign across accounts shows as one domain).
// Reviews and index entries expire after the retention.
#pragma once

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "redis/client.h"
#include "redis/script.h"

namespace spamphibian::review {

// States and outcomes as they appear in the API.
inline constexpr const char* kPending = "pending";
inline constexpr const char* kConfirmedSpam = "confirmed_spam";
// A hash (after the key prefix) counting spam/ham answers by
// "<model version>|<item type>|<automatic verdict>|<outcome>": the real
// precision of automatic verdicts (spamphibian_review_outcomes_total,
// `spamphibian model list`).
inline constexpr std::string_view kOutcomeCounts = "review_outcomes";

inline constexpr const char* kNotSpam = "not_spam";
inline constexpr const char* kSkipped = "skipped";

// A field of kOutcomeCounts: "<model_version>|<item_type>|<verdict>|<outcome>".
struct OutcomeKey {
  std::string model_version, item_type, verdict, outcome;
};
// A field of kOutcomeCounts; false when it is not one.
bool ParseOutcomeKey(std::string_view field, OutcomeKey* out);

// "spam" -> confirmed_spam, "ham" -> not_spam, "skip" -> skipped; "" for
// anything else.
std::string StateFor(const std::string& outcome);

struct Review {
  std::string id;  // the decision's id
  std::string state;
  std::int64_t created_ms = 0;
  nlohmann::json decision;                 // as the classify stage wrote it, with the item
  nlohmann::json answers = nlohmann::json::array();  // every outcome given, oldest first
  std::vector<std::string> link_domains;   // off-site registrable domains it links to
};

struct ReviewQuery {
  std::string state = kPending;  // a state, or "any"
  std::string verdict = "flagged";  // spam, suspicious, ham, flagged, any
  std::string item_type = "any";
  std::optional<double> min_score, max_score;
  // Only where the shadowed candidate disagrees with the model: one calls
  // it spam or suspicious, the other not.
  bool disagree = false;
  std::size_t limit = 50;
  std::string cursor;  // from the previous page's next_cursor; "" = newest
};

// Remembers an outcome ("spam" or "ham") for the author, the linked
// domains and the text (a decision's `campaign` object: "domains",
// "text_hash", "text_buckets"), as an answer in the store does (for
// `restore`, which labels ham outside the review queue). No-op when
// `memory` is 0.
Status Remember(redis::Client& client, const std::string& prefix, std::int64_t author_id,
                const nlohmann::json& campaign, const std::string& outcome, std::chrono::hours memory);

// Whether the decision's shadowed candidate (classify stage) disagrees with
// its verdict, flagged against not flagged.
bool ShadowDisagrees(const nlohmann::json& decision);

struct ReviewPage {
  std::vector<Review> reviews;
  std::string next_cursor;  // "" = no more
};

// What a reviewer's answer sends on, prepared by the caller from the review
// it read (review/outcomes.h).
struct Answer {
  std::string outcome;         // spam, ham, skip
  std::string expected_state;  // the state the caller read
  nlohmann::json record;       // appended to the review's answers
  std::string reviewed_decision;  // for the act stage's queue; "" = none
  std::string label;              // for the labels stream and S3; "" = none
  std::string label_key;          // S3 key under labels/
  std::string audit;              // the audit entry
  std::string audit_id;
  std::string trust_email;        // "" = none; else added to the verified users
  // For live precision: the automatic decision this answer judges.
  std::string model_version;
  std::string model_verdict;
};

class ReviewStore {
 public:
  virtual ~ReviewStore() = default;
  // Creates the review of a classified decision (its "decision_id"), once:
  // a decision indexed again changes nothing. `text` is the decision as
  // the stream holds it (stored as it is, not serialised again);
  // `link_domains` the registrable domains it links to, for campaigns.
  virtual Status Add(const nlohmann::json& decision, std::string_view text,
                     const std::vector<std::string>& link_domains, std::int64_t now_ms) = 0;
  virtual Status Get(const std::string& id, Review* out, bool* found) = 0;
  virtual Status List(const ReviewQuery& query, ReviewPage* out) = 0;
  // The newest reviews of an author (other than `except`), at most `limit`.
  virtual Status OfAuthor(std::int64_t author_id, const std::string& except, std::size_t limit,
                          std::vector<Review>* out) = 0;
  // The newest reviews linking to `domain` (other than `except`).
  virtual Status OfDomain(const std::string& domain, const std::string& except, std::size_t limit,
                          std::vector<Review>* out) = 0;
  // Applies `answer` if the review is still in answer.expected_state.
  // *applied false: it was not (*state is the state found; "" = no such
  // review).
  virtual Status Apply(const std::string& id, const Answer& answer, bool* applied, std::string* state) = 0;
  // Whether this is the first time `token` (a signed Slack click) is seen
  // within `window`: a click replayed while its signature is still valid
  // must not answer again (it would undo a later answer).
  virtual Status FirstSeen(const std::string& token, std::chrono::seconds window, bool* first) = 0;
};

struct RedisReviewStoreOptions {
  std::string prefix;  // the pipeline's key prefix
  std::chrono::hours retention{24 * 30};
  long long audit_maxlen = 0;
  // Labels also go to S3 through the archive stage; false without S3 (the
  // archive stream would only grow).
  bool archive_labels = true;
  // How long a spam/ham answer is remembered for the author and the linked
  // domains (0: not at all).
  std::chrono::hours memory{24 * 90};
};

// Not thread-safe: one per thread.
class RedisReviewStore : public ReviewStore {
 public:
  RedisReviewStore(const redis::Connector& connector, RedisReviewStoreOptions options);

  Status Add(const nlohmann::json& decision, std::string_view text, const std::vector<std::string>& link_domains,
             std::int64_t now_ms) override;
  Status Get(const std::string& id, Review* out, bool* found) override;
  Status List(const ReviewQuery& query, ReviewPage* out) override;
  Status OfAuthor(std::int64_t author_id, const std::string& except, std::size_t limit,
                  std::vector<Review>* out) override;
  Status OfDomain(const std::string& domain, const std::string& except, std::size_t limit,
                  std::vector<Review>* out) override;
  Status Apply(const std::string& id, const Answer& answer, bool* applied, std::string* state) override;
  Status FirstSeen(const std::string& token, std::chrono::seconds window, bool* first) override;

 private:
  // Reads the hashes of `ids` in one round trip; missing ones are skipped.
  Status Load(const std::vector<std::string>& ids, std::vector<Review>* out);
  // The newest members of sorted set `key` but `except`, loaded.
  Status Newest(const std::string& key, const std::string& except, std::size_t limit, std::vector<Review>* out);

  redis::Client client_;
  RedisReviewStoreOptions options_;
  redis::Script add_;
  redis::Script apply_;
};

}  // namespace spamphibian::review
