#include "stages/archive_stage.h"

#include <gtest/gtest.h>

#include "memory_object_store.h"

namespace spamphibian {
namespace {

Entry DecisionEntry(const std::string& id, const std::string& item_id) {
  nlohmann::json d = {{"decision_id", "classify-" + id}, {"item_type", "snippet"}, {"item_id", item_id},
                      {"verdict", "spam"},               {"score", 0.97},          {"time", "2026-11-25T08:00:00.123Z"},
                      {"item", {{"type", "snippet"}, {"id", item_id}}}};
  return Entry{id, {{"decision", d.dump()}, {"verdict", "spam"}}};
}

TEST(ArchiveStage, StoresEachDecisionUnderItsEvaluatedKey) {
  auto store = std::make_unique<testing::MemoryObjectStore>();
  auto* objects = store.get();
  ArchiveStage stage(std::move(store));
  const Entry e = DecisionEntry("17-0", "42");
  EXPECT_EQ(stage.Process(e).kind, Outcome::Kind::kDone);
  const std::string key = "evaluated/snippet/2026-11-25/42-classify-17-0.json";
  ASSERT_TRUE(objects->objects.count(key)) << objects->objects.size();
  EXPECT_EQ(objects->objects[key], e.Get("decision"));
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
  EXPECT_EQ(objects->objects.size(), 10u);
}

TEST(ArchiveStage, MalformedEntryIsDeadLettered) {
  ArchiveStage stage(std::make_unique<testing::MemoryObjectStore>());
  EXPECT_EQ(stage.Process(Entry{"1-0", {{"decision", "not json"}}}).kind, Outcome::Kind::kDeadLetter);
  EXPECT_EQ(stage.Process(Entry{"1-0", {{"decision", R"({"item_type":"user"})"}}}).kind, Outcome::Kind::kDeadLetter);
}

TEST(EvaluatedKey, IdsCannotMakeFolders) {
  EXPECT_EQ(EvaluatedKey({{"item_type", "note"}, {"item_id", "group/project:7"}, {"decision_id", "classify-1-0"},
                          {"time", "2026-01-02T03:04:05Z"}}),
            "evaluated/note/2026-01-02/group_project:7-classify-1-0.json");
}

}  // namespace
}  // namespace spamphibian
