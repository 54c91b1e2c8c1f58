// CheckInSubprocess against the real checker (the spamphibian binary built
// beside this test) and against stand-in checkers that refuse, crash or hang.
#include "classify/child_check.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>

#include "child_process.h"

namespace spamphibian::classify {
namespace {

std::string WriteScript(const testing::TempDir& dir, const std::string& name, const std::string& body) {
  const std::string path = dir.path() + "/" + name;
  std::ofstream(path) << "#!/bin/sh\n" << body << "\n";
  chmod(path.c_str(), 0755);
  return path;
}

std::string DefaultModelPath() { return std::string(SPAMPHIBIAN_TESTDATA_DIR) + "/../../models/default.spam"; }

TEST(ChildCheck, TheRealCheckerAcceptsTheBundledModelAndRefusesAPrefix) {
  EXPECT_TRUE(CheckInSubprocess(SPAMPHIBIAN_BINARY, DefaultModelPath()).ok());
  testing::TempDir dir;
  const std::string cut = dir.path() + "/cut.spam";
  std::ifstream in(DefaultModelPath(), std::ios::binary);
  std::string prefix(1000, '\0');
  in.read(prefix.data(), static_cast<std::streamsize>(prefix.size()));
  std::ofstream(cut, std::ios::binary) << prefix;
  const Status s = CheckInSubprocess(SPAMPHIBIAN_BINARY, cut);
  EXPECT_TRUE(s.IsInvalidArgument()) << s.message();
  EXPECT_NE(s.message().find("cut.spam"), std::string::npos) << s.message();
}

TEST(ChildCheck, ThePathAndTheCheckersMessageAreInTheRefusal) {
  testing::TempDir dir;
  const std::string checker = WriteScript(dir, "refuses", "echo starting; echo \"model '$4': not a fastText model\" >&2; exit 1");
  const Status s = CheckInSubprocess(checker, "/models/x.spam");
  EXPECT_TRUE(s.IsInvalidArgument());
  EXPECT_EQ(s.message(), "model '/models/x.spam': not a fastText model");
}

TEST(ChildCheck, ACrashIsARefusal) {
  testing::TempDir dir;
  const Status s = CheckInSubprocess(WriteScript(dir, "aborts", "kill -ABRT $$"), "m.bin");
  EXPECT_TRUE(s.IsInvalidArgument());
  EXPECT_NE(s.message().find("crashed"), std::string::npos) << s.message();
}

TEST(ChildCheck, AMissingCheckerIsUnavailableNotARefusal) {
  const Status s = CheckInSubprocess("/nonexistent/spamphibian", "m.bin");
  EXPECT_TRUE(s.IsUnavailable()) << s.message();
  EXPECT_NE(s.message().find("SPAMPHIBIAN_MODEL_CHECKER"), std::string::npos) << s.message();
}

}  // namespace
}  // namespace spamphibian::classify
