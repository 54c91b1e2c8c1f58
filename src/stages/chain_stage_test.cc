#include "stages/chain_stage.h"

#include <gtest/gtest.h>

namespace spamphibian {
namespace {

// A link that answers each entry with what `answer` says and remembers
// what it was given, batch by batch.
class Scripted : public Stage {
 public:
  using Answer = std::function<Outcome(const Entry&)>;
  Scripted(std::string name, Answer answer, std::vector<std::vector<Entry>>* seen)
      : name_(std::move(name)), answer_(std::move(answer)), seen_(seen) {}
  std::string_view name() const override { return name_; }
  void ProcessBatch(std::span<const Entry> entries, std::vector<Outcome>* outcomes) override {
    seen_->emplace_back(entries.begin(), entries.end());
    Stage::ProcessBatch(entries, outcomes);
  }
  Outcome Process(const Entry& e) override { return answer_(e); }

 private:
  std::string name_;
  Answer answer_;
  std::vector<std::vector<Entry>>* seen_;
};

// fetch -> trust -> classify, as serve chains them, with scripted answers.
struct Chain {
  std::vector<std::vector<Entry>> fetch_seen, trust_seen, classify_seen;
  std::unique_ptr<ChainStage> Make(Scripted::Answer fetch, Scripted::Answer trust, Scripted::Answer classify) {
    std::vector<ChainLink> links;
    links.push_back({std::make_unique<Scripted>("fetch", std::move(fetch), &fetch_seen), "p:events"});
    links.push_back({std::make_unique<Scripted>("trust", std::move(trust), &trust_seen), "p:items"});
    links.push_back({std::make_unique<Scripted>("classify", std::move(classify), &classify_seen), "p:candidates"});
    return std::make_unique<ChainStage>(std::move(links));
  }
};

Outcome Pass(const std::string& to, const Entry& e) { return Outcome::Done({Emit{to, {{"from", e.id}}}}); }

TEST(ChainStage, HandsEntriesAlongInMemoryAndEmitsOnlyWhatLeavesTheChain) {
  Chain c;
  auto chain = c.Make([](const Entry& e) { return Pass("p:items", e); },
                      [](const Entry& e) {
                        if (e.id == "e2-0") return Outcome::Done({Emit{"p:decisions", {{"trusted", e.id}}}});
                        return Pass("p:candidates", e);
                      },
                      [](const Entry& e) {
                        return Outcome::Done(
                            {Emit{"p:decisions", {{"decision", "classify-" + e.id}}}, Emit{"p:archive", {}}});
                      });
  const std::vector<Entry> input = {{"1-0", {}}, {"2-0", {}}};
  std::vector<Outcome> out;
  chain->ProcessBatch(input, &out);

  EXPECT_EQ(chain->name(), "fetch") << "the first link's consumer group";
  ASSERT_EQ(out.size(), 2u);
  // Entry 1 went through all three links: only classify's emits leave.
  ASSERT_EQ(out[0].kind, Outcome::Kind::kDone);
  ASSERT_EQ(out[0].emits.size(), 2u);
  EXPECT_EQ(out[0].emits[0].stream, "p:decisions");
  EXPECT_EQ(out[0].emits[0].Get("decision"), "classify-e1-0");
  EXPECT_EQ(out[0].emits[1].stream, "p:archive");
  // Entry 2 was decided by trust: classify never saw it.
  ASSERT_EQ(out[1].emits.size(), 1u);
  EXPECT_EQ(out[1].emits[0].Get("trusted"), "e2-0");

  // Each link ran once, on the whole batch that reached it, with the
  // fields the previous link emitted and ids that no stream entry has.
  ASSERT_EQ(c.trust_seen.size(), 1u);
  ASSERT_EQ(c.trust_seen[0].size(), 2u);
  EXPECT_EQ(c.trust_seen[0][0].id, "e1-0");
  EXPECT_EQ(c.trust_seen[0][0].Get("from"), "1-0");
  ASSERT_EQ(c.classify_seen.size(), 1u);
  ASSERT_EQ(c.classify_seen[0].size(), 1u);
  EXPECT_EQ(c.classify_seen[0][0].id, "e1-0") << "the same id at every link: stable across redeliveries";
  EXPECT_EQ(c.classify_seen[0][0].Get("from"), "e1-0");
}

TEST(ChainStage, ALaterLinksFailureIsTheInputEntrysAndDropsWhatEarlierLinksEmitted) {
  Chain c;
  auto chain = c.Make(
      [](const Entry& e) {
        if (e.id == "3-0") return Outcome::DeadLetter("not an event");
        // A gone item's decision, then the item itself.
        return Outcome::Done({Emit{"p:decisions", {{"fetch", e.id}}}, Emit{"p:items", {}}});
      },
      [](const Entry& e) { return Pass("p:candidates", e); },
      [](const Entry& e) {
        if (e.id == "e1-0") return Outcome::Retry("campaign memory: connection refused");
        if (e.id == "e2-0") return Outcome::Hold("model service down");
        return Outcome::Done({Emit{"p:decisions", {}}});
      });
  const std::vector<Entry> input = {{"1-0", {}}, {"2-0", {}}, {"3-0", {}}, {"4-0", {}}};
  std::vector<Outcome> out;
  chain->ProcessBatch(input, &out);

  ASSERT_EQ(out.size(), 4u);
  EXPECT_EQ(out[0].kind, Outcome::Kind::kRetry);
  EXPECT_EQ(out[0].error, "classify: campaign memory: connection refused") << "says which link failed";
  EXPECT_TRUE(out[0].emits.empty()) << "fetch's emit is dropped: the chain is done again";
  EXPECT_EQ(out[1].kind, Outcome::Kind::kHold);
  EXPECT_TRUE(out[1].emits.empty());
  EXPECT_EQ(out[2].kind, Outcome::Kind::kDeadLetter);
  EXPECT_EQ(out[2].error, "not an event") << "the first link's own words, as when it runs alone";
  EXPECT_EQ(out[3].kind, Outcome::Kind::kDone);
  EXPECT_EQ(out[3].emits.size(), 2u);
  ASSERT_EQ(c.trust_seen.size(), 1u);
  EXPECT_EQ(c.trust_seen[0].size(), 3u) << "a dead-lettered input goes no further";
}

TEST(ChainStage, AnInputWithSeveralEntriesFailsWholeAndEachHasItsOwnId) {
  Chain c;
  auto chain = c.Make(
      [](const Entry&) { return Outcome::Done({Emit{"p:items", {{"n", "a"}}}, Emit{"p:items", {{"n", "b"}}}}); },
      [](const Entry& e) {
        if (e.Get("n") == "a" && e.id == "e1-0") return Outcome::Retry("verified users: timeout");
        return Pass("p:candidates", e);
      },
      [](const Entry&) { return Outcome::Done({Emit{"p:decisions", {}}}); });
  const std::vector<Entry> input = {{"1-0", {}}, {"2-0", {}}};
  std::vector<Outcome> out;
  chain->ProcessBatch(input, &out);

  ASSERT_EQ(c.trust_seen.size(), 1u);
  ASSERT_EQ(c.trust_seen[0].size(), 4u);
  EXPECT_EQ(c.trust_seen[0][0].id, "e1-0");
  EXPECT_EQ(c.trust_seen[0][1].id, "e1-0.1");
  EXPECT_EQ(c.trust_seen[0][3].id, "e2-0.1");
  EXPECT_EQ(out[0].kind, Outcome::Kind::kRetry);
  ASSERT_EQ(c.classify_seen.size(), 1u);
  ASSERT_EQ(c.classify_seen[0].size(), 2u) << "1-0's second item waits with its first";
  EXPECT_EQ(c.classify_seen[0][0].id, "e2-0");
  EXPECT_EQ(out[1].kind, Outcome::Kind::kDone);
  EXPECT_EQ(out[1].emits.size(), 2u);
}

TEST(ChainStage, RunsEveryLinksAfterCommitStepAndProvesDependenciesIfAnyLinkDid) {
  std::vector<std::string> ran;
  Chain c;
  auto chain = c.Make(
      [&ran](const Entry&) {
        Outcome o = Outcome::Done({Emit{"p:items", {}}});
        o.after_commit = [&ran] { ran.push_back("fetch"); };
        return o;
      },
      [&ran](const Entry& e) {
        if (e.id == "e2-0") return Outcome::NothingToDo();
        Outcome o = Outcome::Done({Emit{"p:candidates", {}}});
        o.proves_dependencies = false;
        o.after_commit = [&ran] { ran.push_back("trust"); };
        return o;
      },
      [](const Entry&) { return Outcome::NothingToDo(); });
  const std::vector<Entry> input = {{"1-0", {}}, {"2-0", {}}};
  std::vector<Outcome> out;
  chain->ProcessBatch(input, &out);

  ASSERT_TRUE(out[0].after_commit);
  out[0].after_commit();
  EXPECT_EQ(ran, (std::vector<std::string>{"fetch", "trust"}));
  EXPECT_TRUE(out[0].proves_dependencies) << "fetch reached GitLab";
  EXPECT_TRUE(out[0].emits.empty());
  EXPECT_TRUE(out[1].proves_dependencies);
}

}  // namespace
}  // namespace spamphibian
