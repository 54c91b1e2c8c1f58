#include "text/scripts.h"

#include <gtest/gtest.h>

namespace spamphibian::text {
namespace {

TEST(Scripts, LettersByTheirScript) {
  EXPECT_EQ(ScriptOf(U'a'), Script::kLatin);
  EXPECT_EQ(ScriptOf(U'\u00e9'), Script::kLatin);  // é
  EXPECT_EQ(ScriptOf(U'\u1ea1'), Script::kLatin);  // ạ, Vietnamese
  EXPECT_EQ(ScriptOf(U'\u0436'), Script::kCyrillic);
  EXPECT_EQ(ScriptOf(U'\u0627'), Script::kArabic);
  EXPECT_EQ(ScriptOf(U'\u4e2d'), Script::kHan);
  EXPECT_EQ(ScriptOf(U'\u304b'), Script::kKana);
  EXPECT_EQ(ScriptOf(U'\ud55c'), Script::kHangul);
  EXPECT_EQ(ScriptOf(U'\u0e2a'), Script::kThai);
  EXPECT_EQ(ScriptOf(U'\u03b1'), Script::kGreek);
  EXPECT_EQ(ScriptOf(U'\u05d0'), Script::kHebrew);
  EXPECT_EQ(ScriptOf(U'\u0915'), Script::kDevanagari);
  EXPECT_EQ(ScriptOf(U'\u0531'), Script::kOther);  // Armenian
}

TEST(Scripts, DigitsPunctuationAndEmojiAreNoLetters) {
  for (char32_t cp : {U'7', U' ', U'!', U'\u00d7', U'\u2014', U'\U0001F3B0'}) {
    EXPECT_EQ(ScriptOf(cp), Script::kNone) << static_cast<unsigned>(cp);
  }
}

}  // namespace
}  // namespace spamphibian::text
