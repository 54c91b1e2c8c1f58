#include "log/json_log.h"

#include <gtest/gtest.h>

#include <cstdio>

namespace spamphibian {
namespace {

TEST(ReadableLine, AnEventAndItsFieldsAsAPersonReadsThem) {
  EXPECT_EQ(ReadableLine(R"("event":"event_enqueued","event_type":"user_create","ms":3,"ok":true)", "info"),
            "INFO  event_enqueued  event_type=user_create ms=3 ok=true");
  // Words with spaces, quotes or = are quoted; objects stay JSON.
  EXPECT_EQ(ReadableLine(R"("event":"decision","reason":"links a.example","f":{"a":[1,2]},"q":"x=y")", "warning"),
            R"(WARNING decision  reason="links a.example" f={"a":[1,2]} q="x=y")");
  // Not LogJson's shape: as it is.
  EXPECT_EQ(ReadableLine("plain text", "error"), "ERROR plain text");
}

TEST(ReadableLine, HostileTextCannotSteerTheTerminal) {
  // An author named with an escape sequence: JSON-escaped, never raw.
  const std::string line = ReadableLine("\"event\":\"untrusted\",\"author\":\"\\u001b[2Jx\"", "info");
  EXPECT_EQ(line.find('\x1b'), std::string::npos) << line;
  EXPECT_NE(line.find("author=\"\\u001b[2Jx\""), std::string::npos) << line;
}

TEST(ReadableSink, WritesTimeLevelEventAndFieldsAndStripsC1Controls) {
  char* buf = nullptr;
  std::size_t size = 0;
  std::FILE* out = open_memstream(&buf, &size);
  ASSERT_NE(out, nullptr);
  {
    auto logger = std::make_shared<spdlog::logger>("t", MakeReadableSink(out));
    LogJson(*logger, spdlog::level::info, "hello", {{"name", "a\xc2\x9b" "31mred"}});
    logger->flush();
  }
  std::fclose(out);
  const std::string text(buf, size);
  std::free(buf);
  // 12:34:56.789 INFO  hello  name=a\u009b31mred
  ASSERT_GE(text.size(), 13u);
  EXPECT_EQ(text[2], ':');
  EXPECT_EQ(text[8], '.');
  EXPECT_NE(text.find("INFO  hello  name="), std::string::npos) << text;
  EXPECT_EQ(text.find("\xc2\x9b"), std::string::npos) << "a C1 control reached the terminal";
  EXPECT_NE(text.find("\\u009b31mred"), std::string::npos) << text;
}

}  // namespace
}  // namespace spamphibian
