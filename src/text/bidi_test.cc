#include "text/bidi.h"

#include <gtest/gtest.h>

namespace spamphibian::text {
namespace {

TEST(ShowBidiControls, EachControlBecomesAVisibleMark) {
  // "https://gitlab.com/" RLO "gpj.exe" PDF
  EXPECT_EQ(ShowBidiControls("https://gitlab.com/\xe2\x80\xaegpj.exe\xe2\x80\xac/x"),
            "https://gitlab.com/[U+202E]gpj.exe[U+202C]/x");
  EXPECT_EQ(ShowBidiControls("\xe2\x80\xaa\xe2\x81\xa6\xe2\x81\xa9"), "[U+202A][U+2066][U+2069]");
}

TEST(ShowBidiControls, EverythingElseIsLeftAlone) {
  for (const char* text : {"plain", "\xe2\x80\x94 an em dash", "\xe2\x80\x8b zero width", "\xe2\x81\xa5 U+2065",
                           "caf\xc3\xa9", "cut at the end \xe2\x80", ""}) {
    EXPECT_EQ(ShowBidiControls(text), text) << text;
  }
}

}  // namespace
}  // namespace spamphibian::text
