#include "review/slack_interactions.h"

#include <gtest/gtest.h>

#include "security/crypto.h"

namespace spamphibian::review {
namespace {

// Slack's documented example (api.slack.com/authentication/verifying-requests-from-slack).
constexpr const char* kSecret = "8f742231b10e8888abcd99yyyzzz85a5";
constexpr const char* kBody =
    "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&"
    "channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&"
    "response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&"
    "trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";
constexpr const char* kTimestamp = "1531420618";
constexpr const char* kSignature = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503";

std::chrono::system_clock::time_point At(long long s) {
  return std::chrono::system_clock::time_point(std::chrono::seconds(s));
}

TEST(SlackSignature, SlacksOwnExampleVerifies) {
  EXPECT_TRUE(VerifySlackSignature(kSecret, kTimestamp, kSignature, kBody, At(1531420618 + 10)).ok());
}

TEST(SlackSignature, AnythingElseIsRefused) {
  EXPECT_TRUE(VerifySlackSignature(kSecret, kTimestamp, kSignature, std::string(kBody) + "x", At(1531420618)).IsPermissionDenied());
  EXPECT_TRUE(VerifySlackSignature("other", kTimestamp, kSignature, kBody, At(1531420618)).IsPermissionDenied());
  EXPECT_TRUE(VerifySlackSignature(kSecret, kTimestamp, kSignature, kBody, At(1531420618 + 301)).IsPermissionDenied())
      << "older than five minutes";
  EXPECT_TRUE(VerifySlackSignature(kSecret, kTimestamp, kSignature, kBody, At(1531420618 - 301)).IsPermissionDenied());
  EXPECT_TRUE(VerifySlackSignature(kSecret, "", kSignature, kBody, At(1531420618)).IsPermissionDenied());
  EXPECT_TRUE(VerifySlackSignature(kSecret, "15314x", kSignature, kBody, At(1531420618)).IsPermissionDenied());
  EXPECT_TRUE(VerifySlackSignature("", kTimestamp, kSignature, kBody, At(1531420618)).IsPermissionDenied());
}

}  // namespace
}  // namespace spamphibian::review
