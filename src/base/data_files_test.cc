#include "base/data_files.h"

#include <gtest/gtest.h>

namespace spamphibian {
namespace {

TEST(DataFilesTest, AnInstalledDirectoryWinsOverTheBuildTree) {
  EXPECT_EQ(DataFileIn("/usr/share/spamphibian", "default.spam", "/src/models/default.spam"),
            "/usr/share/spamphibian/default.spam");
  EXPECT_EQ(DataFileIn("", "default.spam", "/src/models/default.spam"), "/src/models/default.spam");
}

TEST(DataFilesTest, ATestBinaryInTheBuildTreeIsNotInstalled) {
  // build/unit_tests has no build/../share/spamphibian (and the suite does
  // not set SPAMPHIBIAN_DATA_DIR): it reads the build tree's files.
  if (std::getenv("SPAMPHIBIAN_DATA_DIR") != nullptr) GTEST_SKIP() << "SPAMPHIBIAN_DATA_DIR is set";
  EXPECT_EQ(InstalledDataDir(), "");
  EXPECT_EQ(DataFile("default.spam", "/x/default.spam"), "/x/default.spam");
}

}  // namespace
}  // namespace spamphibian
