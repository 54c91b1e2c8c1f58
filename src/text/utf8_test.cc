#include "text/utf8.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace spamphibian::text {
namespace {

TEST(CodePoints, DecodeAndEncodeRoundTrip) {
  const std::string text = "a\xc3\xa9\xe6\x97\xa5\xf0\x9f\x90\xb8";  // a, é, 日, 🐸
  std::vector<char32_t> cps;
  std::string back;
  for (std::size_t i = 0; i < text.size();) {
    cps.push_back(NextCodePoint(text, &i));
    AppendCodePoint(cps.back(), &back);
  }
  EXPECT_EQ(cps, (std::vector<char32_t>{U'a', 0xE9, 0x65E5, 0x1F438}));
  EXPECT_EQ(back, text);
  std::size_t i = 0;
  const std::string cut = "\xe6\x97";  // a character cut short: read byte by byte, and the loop ends
  EXPECT_EQ(NextCodePoint(cut, &i), 0xE6u);
  EXPECT_EQ(i, 1u);
}

TEST(ValidUtf8, KeepsValidText) {
  EXPECT_EQ(ValidUtf8("plain"), "plain");
  EXPECT_EQ(ValidUtf8("Grüße 日本 🐸"), "Grüße 日本 🐸");
  EXPECT_EQ(ValidUtf8(""), "");
}

TEST(ValidUtf8, ReplacesEveryKindOfBadSequence) {
  EXPECT_EQ(ValidUtf8("a\xFF" "b"), "a\xEF\xBF\xBD" "b");             // never valid
  EXPECT_EQ(ValidUtf8("\x80"), "\xEF\xBF\xBD");                       // stray continuation
  EXPECT_EQ(ValidUtf8("\xC0\xAF"), "\xEF\xBF\xBD\xEF\xBF\xBD");       // overlong '/'
  EXPECT_EQ(ValidUtf8("\xED\xA0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // surrogate
  EXPECT_EQ(ValidUtf8("\xF4\x90\x80\x80").substr(0, 3), "\xEF\xBF\xBD");          // above U+10FFFF
  EXPECT_EQ(ValidUtf8("ok\xE6\x97"), "ok\xEF\xBF\xBD\xEF\xBF\xBD");   // truncated at the end
}

TEST(ValidUtf8, OutputAlwaysSerialisesAsJson) {
  std::string bytes;
  for (int i = 0; i < 256; ++i) bytes += static_cast<char>(i);
  bytes += "\xE6\x97\xA5\xF0\x9F";
  const nlohmann::json j = ValidUtf8(bytes);
  EXPECT_NO_THROW((void)j.dump());
}

TEST(CutUtf8, NeverSplitsACharacter) {
  const std::string s = "ab日本";  // 2 + 3 + 3 bytes
  EXPECT_EQ(CutUtf8(s, 100), s);
  EXPECT_EQ(CutUtf8(s, 8), s);
  EXPECT_EQ(CutUtf8(s, 7), "ab日");
  EXPECT_EQ(CutUtf8(s, 5), "ab日");
  EXPECT_EQ(CutUtf8(s, 4), "ab");
  EXPECT_EQ(CutUtf8(s, 2), "ab");
  EXPECT_EQ(CutUtf8(s, 0), "");
  EXPECT_EQ(CutUtf8("🐸🐸", 5), "🐸");
}

TEST(DropCutCharacter, DropsOnlyAnIncompleteLastCharacter) {
  EXPECT_EQ(DropCutCharacter("ab\xE6\x97"), "ab");
  EXPECT_EQ(DropCutCharacter("ab\xF0\x9F\x90"), "ab");
  EXPECT_EQ(DropCutCharacter("ab\xC3"), "ab");
  EXPECT_EQ(DropCutCharacter("ab日"), "ab日");
  EXPECT_EQ(DropCutCharacter("abc"), "abc");
  EXPECT_EQ(DropCutCharacter(""), "");
}

}  // namespace
}  // namespace spamphibian::text
