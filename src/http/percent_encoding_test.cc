#include "http/percent_encoding.h"

#include <gtest/gtest.h>

namespace spamphibian::http {
namespace {

TEST(PercentEncode, PathSegmentsAndKeys) {
  EXPECT_EQ(PercentEncode("design/timers"), "design%2Ftimers");
  EXPECT_EQ(PercentEncode("design/timers", /*keep_slash=*/true), "design/timers");
  EXPECT_EQ(PercentEncode("a b&c=d"), "a%20b%26c%3Dd");
  EXPECT_EQ(PercentEncode("Ünï"), "%C3%9Cn%C3%AF");
  EXPECT_EQ(PercentEncode("safe-_.~AZ09"), "safe-_.~AZ09");
}

}  // namespace
}  // namespace spamphibian::http

namespace spamphibian::http {
namespace {

TEST(PercentDecode, FormsAndQueries) {
  EXPECT_EQ(PercentDecode("a%20b+c%2Fd"), "a b c/d");
  EXPECT_EQ(PercentDecode("100%"), "100%") << "a malformed escape stays";
  EXPECT_EQ(PercentDecode("%zz%4"), "%zz%4");
  const auto form = ParseForm("code=abc&state=x%3Dy&&empty=&flag");
  ASSERT_EQ(form.size(), 4u);
  EXPECT_EQ(FormValue(form, "state"), "x=y");
  EXPECT_EQ(FormValue(form, "empty"), "");
  EXPECT_EQ(FormValue(form, "flag"), "");
  EXPECT_EQ(FormValue(form, "missing"), "");
  EXPECT_EQ(PercentDecode(PercentEncode("ä/ b?&")), "ä/ b?&");
}

}  // namespace
}  // namespace spamphibian::http
