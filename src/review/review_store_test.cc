// The review store against a real redis-server: a decision becomes one
// review however often it is indexed; filters and cursors page through the
// indexes without gaps or repeats; an answer applies once, moves the review
// between indexes and writes the act stage's entry, the label and the audit
// in the same step; retention drops old reviews from the indexes.
#include "review/review_store.h"

#include <gtest/gtest.h>

#include <set>

#include "redis_server.h"
#include "review/outcomes.h"

namespace spamphibian::review {
namespace {

using nlohmann::json;

json DecisionOf(int n, const std::string& verdict, const std::string& type, double score, std::int64_t author = 7) {
  return {{"decision_id", "classify-" + std::to_string(n)},
          {"verdict", verdict},
          {"item_type", type},
          {"item_id", std::to_string(n)},
          {"score", score},
          {"signals", json::object()},
          {"item",
           {{"type", type},
            {"id", std::to_string(n)},
            {"author", {{"id", author}, {"username", "u" + std::to_string(author)}, {"email", "u@example.org"}}},
            {"text", json::array({json::array({"body", "buy cheap pills"})})}}}};
}

// As the review stage adds it: the decision and its text.
Status Add(ReviewStore& store, const json& d, const std::vector<std::string>& domains, std::int64_t now_ms) {
  return store.Add(d, d.dump(), domains, now_ms);
}

class ReviewStoreTest : public ::testing::Test {
 protected:
  std::vector<std::string> Ids(ReviewQuery q) {
    std::vector<std::string> out;
    for (int pages = 0; pages < 100; ++pages) {
      ReviewPage page;
      EXPECT_TRUE(store_.List(q, &page).ok());
      for (const auto& r : page.reviews) out.push_back(r.id);
      if (page.next_cursor.empty()) break;
      q.cursor = page.next_cursor;
    }
    return out;
  }

  testing::RedisServer server_;
  redis::Connector connector_{server_.Options()};
  RedisReviewStore store_{connector_, {"p:", std::chrono::hours(24), 0, true}};
  std::unique_ptr<testing::RedisServer::TestClient> client_ = server_.Client();
};

TEST_F(ReviewStoreTest, ADecisionIsOneReviewAndFiltersAndCursorsCoverEachOnce) {
  const std::int64_t t0 = 1'800'000'000'000;
  // Thirty decisions, several in the same millisecond (equal scores in the index).
  for (int i = 0; i < 30; ++i) {
    const std::string verdict = i % 3 == 0 ? "spam" : i % 3 == 1 ? "suspicious" : "ham";
    ASSERT_TRUE(Add(store_, DecisionOf(i, verdict, i % 2 ? "user" : "note", i / 30.0), {}, t0 + i / 4).ok());
  }
  ASSERT_TRUE(Add(store_, DecisionOf(0, "spam", "note", 0.0), {}, t0 + 99).ok()) << "indexed again: nothing changes";

  ReviewQuery flagged;
  flagged.limit = 4;
  const auto ids = Ids(flagged);
  EXPECT_EQ(ids.size(), 20u) << "spam and suspicious";
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()).size(), ids.size()) << "no repeats across pages";
  ReviewQuery all;
  all.verdict = "any";
  all.state = "any";
  all.limit = 7;
  EXPECT_EQ(Ids(all).size(), 30u);
  ReviewQuery users = all;
  users.item_type = "user";
  EXPECT_EQ(Ids(users).size(), 15u);
  ReviewQuery high = all;
  high.min_score = 0.5;
  high.limit = 3;
  EXPECT_EQ(Ids(high).size(), 15u) << "a score filter still pages through everything";
  ReviewQuery bad = all;
  bad.cursor = "nonsense";
  ReviewPage page;
  EXPECT_TRUE(store_.List(bad, &page).IsInvalidArgument());
}

TEST_F(ReviewStoreTest, AnAnswerAppliesOnceAndWritesEverythingInOneStep) {
  ASSERT_TRUE(Add(store_, DecisionOf(1, "spam", "user", 0.99), {"casino.example.xyz"}, 1000).ok());
  ASSERT_TRUE(Add(store_, DecisionOf(2, "spam", "note", 0.98), {}, 1001).ok());
  ASSERT_TRUE(Add(store_, DecisionOf(3, "suspicious", "issue", 0.6, 8), {"casino.example.xyz", "pills.example.top"}, 1002).ok());
  // A campaign across accounts: the reviews linking to the same domain.
  std::vector<Review> same;
  ASSERT_TRUE(store_.OfDomain("casino.example.xyz", "classify-3", 10, &same).ok());
  ASSERT_EQ(same.size(), 1u);
  EXPECT_EQ(same[0].id, "classify-1");
  EXPECT_EQ(same[0].link_domains, std::vector<std::string>{"casino.example.xyz"});
  ReviewPolicy policy;
  OutcomeResult result;
  ASSERT_TRUE(Decide(store_, "classify-1", {"spam", "author", false}, {"ann", "api"}, policy, &result).ok());
  EXPECT_TRUE(result.applied);
  EXPECT_EQ(result.state, kConfirmedSpam);
  // The purge answered the author's other review too, not the other author's.
  Review r;
  bool found = false;
  ASSERT_TRUE(store_.Get("classify-2", &r, &found).ok());
  EXPECT_EQ(r.state, kConfirmedSpam);
  ASSERT_TRUE(store_.Get("classify-3", &r, &found).ok());
  EXPECT_EQ(r.state, kPending);

  EXPECT_EQ(client_->Integer({"XLEN", "p:decisions"}), 2) << "one reviewed decision per answered review";
  EXPECT_EQ(client_->Integer({"XLEN", "p:labels"}), 2);
  EXPECT_EQ(client_->Integer({"XLEN", "p:archive"}), 2) << "the labels' way to S3";
  EXPECT_EQ(client_->Integer({"XLEN", "p:audit"}), 2);
  const json reviewed = json::parse(client_->StreamField("p:decisions", "decision")[0]);
  EXPECT_EQ(reviewed["review"]["actions"], json::array({"quarantine"})) << "a user item: block it (quarantine)";
  EXPECT_EQ(reviewed["verdict"], "spam");
  const json note = json::parse(client_->StreamField("p:decisions", "decision")[1]);
  EXPECT_EQ(note["review"]["actions"], json::array({"quarantine"}));
  // Told in the record too: the act stage must read what the reviewer said.
  EXPECT_EQ(client_->StreamField("p:decisions", "reviewed"), (std::vector<std::string>{"1", "1"}));

  // Again: nothing new anywhere.
  ASSERT_TRUE(Decide(store_, "classify-1", {"spam", "item", false}, {"bob", "page"}, policy, &result).ok());
  EXPECT_FALSE(result.applied);
  EXPECT_EQ(client_->Integer({"XLEN", "p:decisions"}), 2);
  EXPECT_EQ(client_->Integer({"XLEN", "p:audit"}), 2);

  // The indexes moved: no longer pending, now confirmed.
  ReviewQuery pending;
  pending.verdict = "any";
  EXPECT_EQ(Ids(pending), std::vector<std::string>{"classify-3"});
  ReviewQuery confirmed = pending;
  confirmed.state = kConfirmedSpam;
  EXPECT_EQ(Ids(confirmed).size(), 2u);

  // A compare-and-set: an answer prepared on a stale read does nothing.
  ASSERT_TRUE(store_.Get("classify-3", &r, &found).ok());
  const Answer stale = BuildAnswer(r, {"ham", "item", false}, {"carl", "page"}, policy);
  ASSERT_TRUE(Decide(store_, "classify-3", {"skip", "item", false}, {"dora", "page"}, policy, &result).ok());
  bool applied = true;
  std::string state;
  ASSERT_TRUE(store_.Apply("classify-3", stale, &applied, &state).ok());
  EXPECT_FALSE(applied);
  EXPECT_EQ(state, kSkipped);
  EXPECT_TRUE(Decide(store_, "nope", {"spam", "item", false}, {"x", "api"}, policy, &result).IsNotFound());
}

TEST_F(ReviewStoreTest, SpamAndHamAnswersAreRememberedAndCountedPerModel) {
  json d1 = DecisionOf(1, "spam", "user", 0.99);
  d1["model_version"] = "aaaaaaaaaaaa";
  json d2 = DecisionOf(2, "spam", "note", 0.95, 8);
  d2["model_version"] = "aaaaaaaaaaaa";
  d2["campaign"]["text_hash"] = "-5|17";
  d2["campaign"]["text_buckets"] = {"t0:0011", "t1:0000", "t2:fffb", "t3:ffff"};
  ASSERT_TRUE(Add(store_, d1, {"casino.example.xyz"}, 1000).ok());
  ASSERT_TRUE(Add(store_, d2, {"casino.example.xyz", "blog.example.net"}, 1001).ok());
  ASSERT_TRUE(Add(store_, DecisionOf(3, "ham", "note", 0.1, 9), {}, 1002).ok());
  ReviewPolicy policy;
  OutcomeResult result;
  ASSERT_TRUE(Decide(store_, "classify-1", {"spam", "item", false}, {"ann", "api"}, policy, &result).ok());
  ASSERT_TRUE(Decide(store_, "classify-2", {"ham", "item", false}, {"ann", "api"}, policy, &result).ok());
  ASSERT_TRUE(Decide(store_, "classify-3", {"skip", "item", false}, {"ann", "api"}, policy, &result).ok());

  auto text = [&](const redis::Args& args) {
    redis::Reply r = client_->Run(args);
    return r && r->type == REDIS_REPLY_STRING ? std::string(redis::ReplyText(r.get())) : std::string("(nil)");
  };
  EXPECT_EQ(text({"GET", "p:memory:author:7"}), "spam");
  EXPECT_EQ(text({"GET", "p:memory:author:8"}), "ham");
  EXPECT_EQ(text({"GET", "p:memory:author:9"}), "(nil)") << "a skip says nothing about the author";
  EXPECT_EQ(text({"HGET", "p:memory:domain:casino.example.xyz", "spam"}), "1");
  EXPECT_EQ(text({"HGET", "p:memory:domain:casino.example.xyz", "ham"}), "1");
  EXPECT_EQ(text({"HGET", "p:memory:domain:blog.example.net", "ham"}), "1");
  for (const char* bucket : {"t0:0011", "t1:0000", "t2:fffb", "t3:ffff"}) {
    EXPECT_EQ(text({"HGET", std::string("p:memory:text:") + bucket, "-5|17"}), "ham") << "the text, in each of its buckets";
  }
  EXPECT_EQ(client_->Integer({"EXISTS", "p:memory:text:t0:0000"}), 0);
  EXPECT_GT(client_->Integer({"PTTL", "p:memory:text:t0:0011"}), 0);
  EXPECT_GT(client_->Integer({"PTTL", "p:memory:author:7"}), 0) << "remembered for review.memory_days, not forever";
  // Live precision: one spam verdict confirmed (user), one rejected (note).
  EXPECT_EQ(text({"HGET", "p:review_outcomes", "aaaaaaaaaaaa|user|spam|spam"}), "1");
  EXPECT_EQ(text({"HGET", "p:review_outcomes", "aaaaaaaaaaaa|note|spam|ham"}), "1");
  EXPECT_EQ(client_->Integer({"HLEN", "p:review_outcomes"}), 2) << "skips are not outcomes";
}

TEST_F(ReviewStoreTest, OldReviewsLeaveTheIndexes) {
  RedisReviewStore short_lived(connector_, {"q:", std::chrono::hours(1), 0, false});
  const std::int64_t hour = 3600 * 1000;
  ASSERT_TRUE(Add(short_lived, DecisionOf(1, "spam", "user", 0.9), {}, 10 * hour).ok());
  ASSERT_TRUE(Add(short_lived, DecisionOf(2, "spam", "user", 0.9), {}, 12 * hour).ok());
  ReviewPage page;
  ASSERT_TRUE(short_lived.List(ReviewQuery(), &page).ok());
  ASSERT_EQ(page.reviews.size(), 1u);
  EXPECT_EQ(page.reviews[0].id, "classify-2");
  EXPECT_GT(client_->Integer({"PTTL", "q:review:classify-2"}), 0) << "the record expires too";
}

}  // namespace
}  // namespace spamphibian::review
