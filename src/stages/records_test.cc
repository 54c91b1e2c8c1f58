#include "stages/records.h"

#include <gtest/gtest.h>

namespace spamphibian::records {
namespace {

TEST(Records, AnItemRoundTripsWithItsVersion) {
  const Entry entry{"2-0", Encode(Item{R"({"type":"user","id":"41"})", R"({"account_age_days":0.2})", "user_create", "1-0",
                                       1765100000123})};
  EXPECT_EQ(entry.Get("v"), std::to_string(kRecordVersion));
  Item item;
  ASSERT_TRUE(Decode(entry, &item).ok());
  EXPECT_EQ(item.item, R"({"type":"user","id":"41"})");
  EXPECT_EQ(item.signals, R"({"account_age_days":0.2})");
  EXPECT_EQ(item.event_type, "user_create");
  EXPECT_EQ(item.event_id, "1-0");
  EXPECT_EQ(item.received_at_ms, 1765100000123);
  EXPECT_TRUE(Decode(Entry{"3-0", {{"v", "1"}}}, &item).IsInvalidArgument()) << "an item entry needs its item";
}

TEST(Records, AnEventKeepsTheHookAsSent) {
  EventRecord hook;
  hook.event_type = "user_create";
  hook.payload = R"({"event_name":"user_create","user_id":41})";
  hook.received_at_ms = 1765100000000;
  hook.delivery_id = "uuid-1";
  const Entry entry{"1-0", Encode(std::move(hook))};
  Event event;
  ASSERT_TRUE(Decode(entry, &event).ok());
  EXPECT_EQ(event.event_type, "user_create");
  EXPECT_EQ(event.payload, R"({"event_name":"user_create","user_id":41})");
  EXPECT_EQ(event.received_at_ms, 1765100000000);
  EXPECT_EQ(event.delivery_id, "uuid-1");
}

TEST(Records, ADecisionsHeaderIsReadWithoutParsingIt) {
  // The payload is not even JSON: a reader of the header never parses it.
  const Entry entry{"4-0", Encode(Decision{"not parsed", "classify-4-0", "spam", "snippet", "7", "2026-12-07T11:00:00.000Z"})};
  Decision d;
  nlohmann::json parsed;
  ASSERT_TRUE(Decode(entry, &d, &parsed).ok());
  EXPECT_TRUE(parsed.is_null());
  EXPECT_EQ(d.decision, "not parsed");
  EXPECT_EQ(d.decision_id, "classify-4-0");
  EXPECT_EQ(d.verdict, "spam");
  EXPECT_EQ(d.item_type, "snippet");
  EXPECT_EQ(d.item_id, "7");
  EXPECT_EQ(d.time, "2026-12-07T11:00:00.000Z");
}

TEST(Records, ADecisionSaysWhetherAReviewerAnsweredAndAnOlderOneIsUnknown) {
  using Review = Decision::Review;
  for (Review review : {Review::kNone, Review::kAnswered}) {
    const Entry entry{"5-0", Encode(Decision{"{}", "classify-5-0", "ham", "user", "7", "t", review})};
    Decision d;
    nlohmann::json parsed;
    ASSERT_TRUE(Decode(entry, &d, &parsed).ok());
    EXPECT_EQ(d.review, review);
  }
  // Written before the field (or by a writer that could not tell): unknown,
  // never taken for "no review".
  const Entry older{"6-0", Encode(Decision{"{}", "classify-6-0", "ham", "user", "7", "t"})};
  EXPECT_TRUE(older.Get("reviewed").empty());
  Decision d;
  nlohmann::json parsed;
  ASSERT_TRUE(Decode(older, &d, &parsed).ok());
  EXPECT_EQ(d.review, Review::kUnknown);
  EXPECT_EQ(Reviewed(true), Review::kAnswered);
  EXPECT_EQ(Reviewed(false), Review::kNone);
}

TEST(Records, ADecisionFromBeforeVersionsStillReads) {
  // As the classify stage and the review queue's script wrote it before
  // records: the decision alone.
  const Entry old{"5-0",
                  {{"decision", R"({"decision_id":"classify-5-0","verdict":"ham","item_type":"note","item_id":"5/notes/1",)"
                                R"("time":"2026-11-25T08:00:00.000Z"})"},
                   {"verdict", "ham"}}};
  Decision d;
  nlohmann::json parsed;
  ASSERT_TRUE(Decode(old, &d, &parsed).ok());
  EXPECT_EQ(d.decision_id, "classify-5-0");
  EXPECT_EQ(d.item_type, "note");
  EXPECT_EQ(d.item_id, "5/notes/1");
  EXPECT_EQ(d.time, "2026-11-25T08:00:00.000Z");
  EXPECT_EQ(parsed["verdict"], "ham") << "parsed once, for the reader to use";
  EXPECT_TRUE(Decode(Entry{"6-0", {{"decision", "[1]"}}}, &d, &parsed).IsInvalidArgument());
  EXPECT_TRUE(Decode(Entry{"6-0", {{"verdict", "spam"}}}, &d, &parsed).IsInvalidArgument());
}

TEST(Records, AVersionThisBinaryDoesNotKnowIsRefusedNotMisread) {
  Entry newer{"7-0", Encode(Notification{R"({"verdict":"spam"})"})};
  newer.fields.front().second = std::to_string(kRecordVersion + 1);
  Notification n;
  const Status s = Decode(newer, &n);
  EXPECT_TRUE(s.IsInvalidArgument());
  EXPECT_NE(s.message().find("upgrade"), std::string::npos) << s.message();
  newer.fields.front().second = "x1";
  EXPECT_TRUE(Decode(newer, &n).IsInvalidArgument());
}

TEST(Records, LabelsAreTellableFromDecisions) {
  Label label;
  const Entry entry{"8-0", Encode(Label{"labels/user/41.json", "{}"})};  // the views live as long as it
  ASSERT_TRUE(Decode(entry, &label).ok());
  EXPECT_EQ(label.key, "labels/user/41.json");
  EXPECT_TRUE(Decode(Entry{"9-0", Encode(Decision{"{}", "d", "spam", "user", "41", "t"})}, &label).IsNotFound());
}

TEST(Records, FlatIsXaddsFieldArguments) {
  EXPECT_EQ(Flat(Encode(Audit{R"({"action":"block_user"})", "act-1"})),
            (std::vector<std::string>{"v", std::to_string(kRecordVersion), "audit", R"({"action":"block_user"})",
                                      "action_id", "act-1"}));
  EXPECT_EQ(Xadd("p:audit", Encode(Audit{"{}", "a"})),
            (std::vector<std::string>{"XADD", "p:audit", "*", "v", std::to_string(kRecordVersion), "audit", "{}",
                                      "action_id", "a"}));
}

}  // namespace
}  // namespace spamphibian::records
