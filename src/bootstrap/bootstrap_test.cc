#include "bootstrap/bootstrap.h"

#include <gtest/gtest.h>

namespace spamphibian::bootstrap {
namespace {

using namespace std::chrono_literals;

const auto kNow = std::chrono::sys_days{std::chrono::December / 6 / 2026} + 12h;

nlohmann::json User(const std::string& created, bool confirmed = true) {
  return {{"id", 7},           {"username", "ana"},   {"state", "active"}, {"bot", false},
          {"created_at", created}, {"confirmed_at", confirmed ? nlohmann::json("2020-01-02T00:00:00Z") : nlohmann::json()}};
}

TEST(Vouch, AnOldConfirmedAccountIsVouchedForAYoungOneIsNot) {
  EXPECT_NE(Vouch(User("2024-01-01T00:00:00Z"), "", 90, kNow), "");
  EXPECT_EQ(Vouch(User("2026-11-20T00:00:00Z"), "", 90, kNow), "") << "16 days old";
  EXPECT_EQ(Vouch(User("2024-01-01T00:00:00Z", false), "", 90, kNow), "") << "never confirmed its e-mail";
  EXPECT_EQ(Vouch(User("not a date"), "", 90, kNow), "");
}

TEST(Vouch, TrustRulesVouchWhateverTheAge) {
  EXPECT_EQ(Vouch(User("2026-12-06T00:00:00Z", false), "trusted domain example.org", 90, kNow),
            "trusted domain example.org");
}

TEST(Vouch, BotsAndStoppedAccountsNever) {
  nlohmann::json bot = User("2020-01-01T00:00:00Z");
  bot["bot"] = true;
  EXPECT_EQ(Vouch(bot, "verified", 90, kNow), "");
  nlohmann::json service = User("2020-01-01T00:00:00Z");
  service["user_type"] = "project_bot";
  EXPECT_EQ(Vouch(service, "", 90, kNow), "");
  nlohmann::json blocked = User("2020-01-01T00:00:00Z");
  blocked["state"] = "blocked";
  EXPECT_EQ(Vouch(blocked, "verified", 90, kNow), "");
}

// The API's objects are input like any other: nulls and wrong types read
// as "not vouched for", never an exception.
TEST(Vouch, OddFieldsAreNoCrash) {
  EXPECT_EQ(Vouch(nlohmann::json{{"state", nullptr}, {"bot", "yes"}, {"created_at", 5}}, "", 90, kNow), "");
  EXPECT_EQ(Vouch(nlohmann::json::array(), "", 90, kNow), "");
  nlohmann::json odd = User("2019-01-01T00:00:00Z");
  odd["confirmed_at"] = 12;  // not a time: its text is not empty, so confirmed
  odd["user_type"] = nullptr;
  EXPECT_NE(Vouch(odd, "", 90, kNow), "");
}

}  // namespace
}  // namespace spamphibian::bootstrap
