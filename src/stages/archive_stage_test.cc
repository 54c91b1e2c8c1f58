#include "stages/archive_stage.h"

#include <gtest/gtest.h>

#include <map>

#include "memory_object_store.h"

namespace spamphibian {
namespace {

// As the classify stage writes it (records::Decision); `before_records`:
// as it was written before records were versioned, the decision alone.
Entry DecisionEntry(const std::string& id, const std::string& item_id, bool before_records = false) {
  nlohmann::json d = {{"decision_id", "classify-" + id}, {"item_type", "snippet"}, {"item_id", item_id},
                      {"verdict", "spam"},               {"score", 0.97},          {"time", "2026-11-25T08:00:00.123Z"},
                      {"item", {{"type", "snippet"}, {"id", item_id}}}};
  if (before_records) return Entry{id, {{"decision", d.dump()}, {"verdict", "spam"}}};
  const std::string text = d.dump();
  return Entry{id, records::Encode(records::Decision{text, d["decision_id"].get<std::string>(), "spam", "snippet",
                                                     item_id, "2026-11-25T08:00:00.123Z"})};
}

class MemoryIndex : public ArchiveIndex {
 public:
  Status Record(const std::vector<Entry>& entries) override {
    if (down) return Status::Unavailable("redis down");
    for (const auto& e : entries) {
      by_decision[e.decision_id] = e.key;
      by_item[e.item] = e.key;
    }
    return Status::Ok();
  }
  bool down = false;
  std::map<std::string, std::string> by_decision, by_item;
};

TEST(ArchiveStage, OneGzipObjectPerBatchTypeAndDayFoundThroughTheIndex) {
  auto store = std::make_unique<testing::MemoryObjectStore>();
  auto* objects = store.get();
  MemoryIndex index;
  ArchiveStage stage(std::move(store), &index, ArchiveStageOptions{3});
  std::vector<Entry> batch;
  for (int i = 0; i < 5; ++i) batch.push_back(DecisionEntry(std::to_string(i) + "-0", std::to_string(40 + i)));
  std::vector<Outcome> outcomes;
  stage.ProcessBatch(batch, &outcomes);
  for (const auto& o : outcomes) EXPECT_EQ(o.kind, Outcome::Kind::kDone) << o.error;
  // Five snippets of one day, at most three per object: two PUTs, not five.
  EXPECT_EQ(objects->calls, 2);
  const std::string first = "evaluated/snippet/2026-11-25/0-0-3.jsonl.gz";
  ASSERT_TRUE(objects->objects.count(first)) << objects->objects.begin()->first;
  ASSERT_TRUE(objects->objects.count("evaluated/snippet/2026-11-25/3-0-2.jsonl.gz"));
  std::vector<nlohmann::json> decisions;
  ASSERT_TRUE(ReadEvaluatedBatch(objects->objects[first], &decisions).ok());
  ASSERT_EQ(decisions.size(), 3u);
  EXPECT_EQ(decisions[1], nlohmann::json::parse(batch[1].Get("decision"))) << "each line the decision as classified";
  EXPECT_EQ(index.by_decision["classify-4-0"], "evaluated/snippet/2026-11-25/3-0-2.jsonl.gz");
  EXPECT_EQ(index.by_item["snippet:41"], first);

  // The same batch again (a crash before the acknowledgement): the same objects.
  stage.ProcessBatch(batch, &outcomes);
  EXPECT_EQ(objects->objects.size(), 2u);
  // Stored but not indexed: tried again, never acknowledged unfindable.
  index.down = true;
  stage.ProcessBatch(batch, &outcomes);
  for (const auto& o : outcomes) EXPECT_EQ(o.kind, Outcome::Kind::kRetry);
}

TEST(ArchiveStage, AnEntryFromBeforeRecordsStillArchivesTheSame) {
  auto store = std::make_unique<testing::MemoryObjectStore>();
  auto* objects = store.get();
  MemoryIndex index;
  ArchiveStage stage(std::move(store), &index);
  std::vector<Outcome> outcomes;
  stage.ProcessBatch(std::vector<Entry>{DecisionEntry("7-0", "47", true), DecisionEntry("8-0", "48")}, &outcomes);
  for (const auto& o : outcomes) EXPECT_EQ(o.kind, Outcome::Kind::kDone) << o.error;
  ASSERT_EQ(objects->objects.size(), 1u) << "one type and day: one object, whatever the entries' versions";
  std::vector<nlohmann::json> decisions;
  ASSERT_TRUE(ReadEvaluatedBatch(objects->objects.begin()->second, &decisions).ok());
  ASSERT_EQ(decisions.size(), 2u);
  EXPECT_EQ(decisions[0]["item_id"], "47");
  EXPECT_EQ(index.by_decision["classify-7-0"], objects->objects.begin()->first);
  // A record from a newer binary is not misread.
  Entry newer = DecisionEntry("9-0", "49");
  newer.fields.front().second = "99";
  EXPECT_EQ(stage.Process(newer).kind, Outcome::Kind::kDeadLetter);
}

TEST(ArchiveStage, LabelsStayObjectsOfTheirOwn) {
  auto store = std::make_unique<testing::MemoryObjectStore>();
  auto* objects = store.get();
  ArchiveStage stage(std::move(store));
  const Entry label{"5-0", {{"key", "labels/user/41-review-1.json"}, {"object", R"({"label":"spam"})"}}};
  EXPECT_EQ(stage.Process(label).kind, Outcome::Kind::kDone);
  EXPECT_EQ(objects->objects["labels/user/41-review-1.json"], R"({"label":"spam"})");
  EXPECT_EQ(stage.Process(Entry{"6-0", {{"key", "models/current.json"}, {"object", "{}"}}}).kind,
            Outcome::Kind::kDeadLetter);
}

TEST(ArchiveStage, S3DownHoldsTheWholeBatchForOneRequest) {
  auto store = std::make_unique<testing::MemoryObjectStore>();
  auto* objects = store.get();
  objects->down = true;
  ArchiveStage stage(std::move(store));
  std::vector<Entry> batch;
  for (int i = 0; i < 10; ++i) batch.push_back(DecisionEntry(std::to_string(i) + "-0", std::to_string(i)));
  std::vector<Outcome> outcomes;
  stage.ProcessBatch(batch, &outcomes);
  ASSERT_EQ(outcomes.size(), 10u);
  for (const auto& o : outcomes) EXPECT_EQ(o.kind, Outcome::Kind::kHold) << "held, never dead-lettered";
  EXPECT_EQ(objects->calls, 1);

  objects->down = false;
  stage.ProcessBatch(batch, &outcomes);
  for (const auto& o : outcomes) EXPECT_EQ(o.kind, Outcome::Kind::kDone);
  EXPECT_EQ(objects->objects.size(), 1u) << "ten decisions of one type and day: one object";
}

TEST(ArchiveStage, MalformedEntryIsDeadLettered) {
  ArchiveStage stage(std::make_unique<testing::MemoryObjectStore>());
  EXPECT_EQ(stage.Process(Entry{"1-0", {{"decision", "not json"}}}).kind, Outcome::Kind::kDeadLetter);
  EXPECT_EQ(stage.Process(Entry{"1-0", {{"decision", R"({"item_type":"user"})"}}}).kind, Outcome::Kind::kDeadLetter);
}

TEST(EvaluatedFolder, IdsCannotMakeFolders) {
  EXPECT_EQ(EvaluatedFolder(records::Decision{"{}", "classify-1-0", "spam", "no/te", "group/project:7",
                                              "2026-01-02T03:04:05Z"}),
            "evaluated/no_te/2026-01-02/");
  EXPECT_EQ(EvaluatedFolder(records::Decision{"{}", "", "", "note", "", ""}), "");
}

}  // namespace
}  // namespace spamphibian
