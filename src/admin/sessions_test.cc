#include "admin/sessions.h"

#include <gtest/gtest.h>

#include "admin/gitlab_oauth.h"

namespace spamphibian::admin {
namespace {

TEST(SignedCookie, OnlyTheServicesOwnValueForThatNameVerifies) {
  const std::string key = "k1", other = "k2";
  const std::string v = SignCookie(key, "spamphibian_session", "abc123");
  EXPECT_EQ(VerifyCookie(key, "spamphibian_session", v), "abc123");
  EXPECT_FALSE(VerifyCookie(other, "spamphibian_session", v)) << "another key";
  EXPECT_FALSE(VerifyCookie(key, "spamphibian_oauth", v)) << "bound to its cookie's name";
  EXPECT_FALSE(VerifyCookie(key, "spamphibian_session", "abc124" + v.substr(6))) << "a changed value";
  for (const char* bad : {"", ".", "abc123", "abc123.", ".sig"}) EXPECT_FALSE(VerifyCookie(key, "spamphibian_session", bad)) << bad;
}

TEST(CookieHeader, FindsTheNamedCookie) {
  EXPECT_EQ(CookieValue("a=1; spamphibian_session=x.y; b=2", "spamphibian_session"), "x.y");
  EXPECT_EQ(CookieValue("xspamphibian_session=1", "spamphibian_session"), "");
  EXPECT_EQ(CookieValue("", "a"), "");
}

TEST(Pkce, TheChallengeIsS256OfTheVerifier) {
  // RFC 7636, appendix B.
  EXPECT_EQ(CodeChallenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"), "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
}

}  // namespace
}  // namespace spamphibian::admin
