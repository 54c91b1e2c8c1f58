#include "stages/trust_stage.h"

#include <gtest/gtest.h>

#include "log/json_log.h"

namespace spamphibian {
namespace {

class TrustStageTest : public ::testing::Test {
 protected:
  TrustStageTest() {
    TrustOptions o;
    o.domains = {R"((^|\.)ethz\.ch$)"};
    holder_ = std::make_unique<TrustPolicyHolder>(o);
    std::vector<std::string> w;
    EXPECT_TRUE(holder_->Load(&w).ok());
  }

  Entry ItemEntry(const std::string& email, const std::string& created_at = "2026-11-24T12:00:00Z",
                  bool confirmed = true) {
    gitlab::Item item;
    item.type = "user";
    item.id = "7";
    item.event_type = "user_create";
    item.author.email = email;
    item.author.created_at = created_at;
    if (confirmed) item.author.confirmed_at = "2026-11-20T10:00:00.000Z";
    return Entry{"1-0", {{"item", gitlab::ToJson(item).dump()}, {"event_id", "9-0"}}};
  }

  TrustStage Stage(TrustStage::VerifiedSet set = nullptr) {
    return TrustStage({"p:candidates", {"p:decisions", "", 0}}, *holder_, std::move(set), *log_,
                      [] { return std::chrono::system_clock::from_time_t(1764072000); /* 2025-11-25T12:00Z */ });
  }

  std::unique_ptr<TrustPolicyHolder> holder_;
  std::shared_ptr<spdlog::logger> log_ = MakeNullLogger();
};

TEST_F(TrustStageTest, TrustedAuthorBecomesADecisionWithTheReason) {
  auto stage = Stage();
  Outcome o = stage.Process(ItemEntry("prof@inf.ethz.ch"));
  ASSERT_EQ(o.kind, Outcome::Kind::kDone);
  ASSERT_EQ(o.emits.size(), 1u);
  EXPECT_EQ(o.emits[0].stream, "p:decisions");
  const auto d = nlohmann::json::parse(o.emits[0].Get("decision"));
  EXPECT_EQ(d["verdict"], "trusted");
  EXPECT_EQ(d["decision_id"], "trust-1-0");
  EXPECT_NE(d["reasons"][0].get<std::string>().find("ethz"), std::string::npos);
  for (const char* key : {"event_type", "item_type", "item_id", "time"}) EXPECT_TRUE(d.contains(key)) << key;
}

TEST_F(TrustStageTest, OthersGoOnWithTrustSignals) {
  auto stage = Stage();
  Outcome o = stage.Process(ItemEntry("bot123@mailinator.com", "2025-11-24T12:00:00Z", false));
  ASSERT_EQ(o.kind, Outcome::Kind::kDone);
  ASSERT_EQ(o.emits.size(), 1u);
  EXPECT_EQ(o.emits[0].stream, "p:candidates");
  nlohmann::json signals;
  for (const auto& [k, v] : o.emits[0].fields) {
    if (k == "signals") signals = nlohmann::json::parse(v);
  }
  EXPECT_TRUE(signals["disposable_email"]);
  EXPECT_NEAR(signals["account_age_days"].get<double>(), 1.0, 0.01);
  EXPECT_FALSE(signals["email_confirmed"]);
}

TEST_F(TrustStageTest, VerifiedSetInRedisTrustsAndItsOutageRetries) {
  auto member = Stage([](const std::string& email, bool* in) {
    *in = email == "friend@gmail.com";
    return Status::Ok();
  });
  EXPECT_EQ(member.Process(ItemEntry("friend@gmail.com")).emits[0].stream, "p:decisions");
  auto down = Stage([](const std::string&, bool*) { return Status::Unavailable("redis down"); });
  EXPECT_EQ(down.Process(ItemEntry("someone@gmail.com")).kind, Outcome::Kind::kRetry);
}

TEST_F(TrustStageTest, AnUnconfirmedAddressAtATrustedDomainIsClassified) {
  auto stage = Stage();
  Outcome o = stage.Process(ItemEntry("anything@inf.ethz.ch", "2026-11-24T12:00:00Z", false));
  ASSERT_EQ(o.emits.size(), 1u);
  EXPECT_EQ(o.emits[0].stream, "p:candidates");
}

TEST_F(TrustStageTest, MalformedItemIsDeadLettered) {
  auto stage = Stage();
  EXPECT_EQ(stage.Process(Entry{"1-0", {{"item", "{not json"}}}).kind, Outcome::Kind::kDeadLetter);
}

TEST(AgeInDays, ParsesGitLabTimes) {
  const auto now = std::chrono::system_clock::from_time_t(1764072000);  // 2025-11-25T12:00:00Z
  EXPECT_NEAR(AgeInDays("2025-11-24T12:00:00.000Z", now), 1.0, 1e-6);
  EXPECT_EQ(AgeInDays("yesterday", now), -1);
}

}  // namespace
}  // namespace spamphibian
