#include "stages/action_archive.h"

#include <gtest/gtest.h>

#include "text/gzip.h"

namespace spamphibian {
namespace {

TEST(ActionArchive, FindsAnActionInABatchObject) {
  const std::string lines = R"({"action_id":"act-1-0-block_user","action":"block_user"})"
                            "\n"
                            R"({"action_id":"act-2-0-block_user","action":"block_user","prior_state":{"author_state":"active"}})"
                            "\n";
  const std::string object = text::Gzip(lines);
  nlohmann::json record;
  ASSERT_TRUE(FindArchivedAction(object, "act-2-0-block_user", &record).ok());
  EXPECT_EQ(record["prior_state"]["author_state"], "active");
  EXPECT_TRUE(FindArchivedAction(object, "act-3-0-block_user", &record).IsNotFound());
}

TEST(ActionArchive, StillReadsAnArchiveFromBeforeBatching) {
  nlohmann::json record;
  ASSERT_TRUE(FindArchivedAction(R"({"action_id":"act-1-0-quarantine","action":"quarantine"})", "act-1-0-quarantine",
                                 &record)
                  .ok());
  EXPECT_EQ(record["action"], "quarantine");
  EXPECT_EQ(LegacyActionArchiveKey("act-1-0-quarantine"), "actions/act-1-0-quarantine.json");
}

TEST(ActionArchive, RefusesWhatIsNotAnArchive) {
  nlohmann::json record;
  EXPECT_TRUE(FindArchivedAction("<html>", "a", &record).IsInvalidArgument());
  EXPECT_TRUE(FindArchivedAction(text::Gzip("[1,2]\n"), "a", &record).IsInvalidArgument());
  std::string truncated = text::Gzip(std::string(1000, 'x'));
  truncated.resize(truncated.size() / 2);
  EXPECT_FALSE(FindArchivedAction(truncated, "a", &record).ok());
}

TEST(ActionArchive, KeysAreOneFolderPerDayNamedByTheFirstAction) {
  EXPECT_EQ(ActionArchiveKey("2026-12-07", "act-1732-0-block_user", 1765100000123),
            "actions/2026-12-07/act-1732-0-block_user-1765100000123.jsonl.gz");
  EXPECT_EQ(ActionArchiveKey("2026-12-07", "a/b", 5), "actions/2026-12-07/a_b-5.jsonl.gz") << "one path segment";
}

}  // namespace
}  // namespace spamphibian
