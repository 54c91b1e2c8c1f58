#include "decisions/decision.h"

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>

#include <sstream>

#include "log/json_log.h"

namespace spamphibian {
namespace {

Decision Example() {
  Decision d;
  d.decision_id = "classify-1-0";
  d.event_type = "user_create";
  d.item_type = "user";
  d.item_id = "42";
  d.verdict = "spam";
  d.reasons = {"signal sig_shortener", "token 'gacor' +0.400"};
  d.time = "2026-12-01T23:00:00.000Z";
  d.extra["score"] = 0.93;
  d.extra["signals"] = {{"account_age_days", 0}, {"email_kind", "disposable"}};
  d.extra["author"] = "slot\xff\xfe";  // invalid UTF-8 from a hostile profile: replaced, never thrown on
  d.extra["Odd \"key\""] = 1;  // names are written as they are only when plain; this one is escaped
  return d;
}

// What the queued decision must be, built as a tree: the test's own
// account of the format, apart from the serialiser under test.
nlohmann::json AsTree(const Decision& d) {
  nlohmann::json j = {{"decision_id", d.decision_id}, {"event_type", d.event_type}, {"item_type", d.item_type},
                      {"item_id", d.item_id},         {"verdict", d.verdict},       {"reasons", d.reasons},
                      {"time", d.time}};
  for (auto it = d.extra.begin(); it != d.extra.end(); ++it) j[it.key()] = it.value();
  if (!d.item_json.empty()) j["item"] = nlohmann::json::parse(d.item_json);
  return j;
}

nlohmann::json Queued(const Decision& d) {
  std::vector<Emit> emits;
  RecordDecision(*MakeNullLogger(), {"q", "log", 10}, d, &emits);
  EXPECT_EQ(emits.size(), 2u);
  EXPECT_EQ(emits[1].stream, "log");
  EXPECT_EQ(emits[1].maxlen, 10);
  for (const auto& [name, value] : emits[0].fields) {
    if (name == "decision") return nlohmann::json::parse(value);
  }
  ADD_FAILURE() << "no decision field";
  return nullptr;
}

TEST(DecisionTest, TheQueuedDecisionIsTheDecisionWithTheItemSplicedIn) {
  Decision d = Example();
  d.item_json = R"({"id":42,"username":"slot","bio":"<b>gacor</b>"})";
  const nlohmann::json queued = Queued(d);
  nlohmann::json expected = AsTree(d);
  expected["author"] = "slot\xef\xbf\xbd\xef\xbf\xbd";  // U+FFFD twice, as the serialiser replaces
  EXPECT_EQ(queued, expected);
  EXPECT_EQ(queued["item"]["bio"], "<b>gacor</b>");
  EXPECT_EQ(queued["reasons"].size(), 2u);
}

TEST(DecisionTest, TheRecordSaysWhetherTheDecisionCarriesAReviewersAnswer) {
  for (bool answered : {false, true}) {
    Decision d = Example();
    if (answered) d.extra["review"] = {{"outcome", "ham"}};
    std::vector<Emit> emits;
    RecordDecision(*MakeNullLogger(), {"q", "", 0}, d, &emits);
    ASSERT_EQ(emits.size(), 1u);
    EXPECT_EQ(emits[0].Get("reviewed"), answered ? "1" : "0");
  }
}

TEST(DecisionTest, AnItemInExtraIsKeptWhenThereIsNoItemText) {
  Decision d = Example();
  d.extra["item"] = {{"id", 7}};
  EXPECT_EQ(Queued(d)["item"]["id"], 7);
  // A spliced item text wins over one in extra: one "item" key.
  d.item_json = R"({"id":8})";
  std::vector<Emit> emits;
  RecordDecision(*MakeNullLogger(), {"q", "", 0}, d, &emits);
  ASSERT_EQ(emits.size(), 1u);
  const std::string text(emits[0].Get("decision"));
  EXPECT_EQ(text.find("\"item\""), text.rfind("\"item\""));
  EXPECT_EQ(nlohmann::json::parse(text)["item"]["id"], 8);
}

TEST(DecisionTest, TheLogLineIsTheDecisionWithoutTheItem) {
  std::ostringstream lines;
  auto logger = MakeJsonLogger("info", std::make_shared<spdlog::sinks::ostream_sink_st>(lines));
  Decision d = Example();
  d.item_json = R"({"id":42,"bio":"a long profile"})";
  std::vector<Emit> emits;
  RecordDecision(*logger, {"q", "", 0}, d, &emits);
  const nlohmann::json line = nlohmann::json::parse(lines.str());
  EXPECT_EQ(line["event"], "decision");
  EXPECT_EQ(line["level"], "info");
  EXPECT_FALSE(line.contains("item"));
  nlohmann::json queued = nlohmann::json::parse(emits.at(0).Get("decision"));
  queued.erase("item");
  for (const auto& [key, value] : queued.items()) EXPECT_EQ(line[key], value) << key;
  // Off at info: nothing is written.
  lines.str("");
  logger->set_level(spdlog::level::warn);
  RecordDecision(*logger, {"q", "", 0}, d, &emits);
  EXPECT_TRUE(lines.str().empty());
}

}  // namespace
}  // namespace spamphibian
