#include "classify/judgement.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace spamphibian::classify {
namespace {

Rendering Note(const std::string& body) {
  gitlab::Item item;
  item.type = "note";
  item.web_url = "https://gitlab.example.org/g/p/-/issues/1";
  item.text = {{"body", body}};
  return Render(item, nlohmann::json::object());
}

Score Scored(double p) {
  Score s;
  s.probability = p;
  return s;
}

bool Has(const std::vector<std::string>& lines, std::string_view part) {
  return std::any_of(lines.begin(), lines.end(), [&](const std::string& l) { return l.find(part) != l.npos; });
}

TEST(Judge, WordsAloneAreAtMostSuspicious) {
  const Judgement j = Judge(Note("best offer for you, we miss you"), CampaignCounts(), Scored(0.999), {0.8, 0.5});
  EXPECT_EQ(j.verdict, "suspicious");
  EXPECT_FALSE(j.evidence);
  EXPECT_TRUE(Has(j.explanation, "only its words speak against it"));
}

TEST(Judge, ALinkThatSellsIsEvidence) {
  const Judgement j =
      Judge(Note("cheap pills at https://cheap-pills-online.top/buy now"), CampaignCounts(), Scored(0.95), {0.8, 0.5});
  EXPECT_EQ(j.verdict, "spam");
  EXPECT_TRUE(j.rendered_evidence);
}

TEST(Judge, WhatReviewersConfirmedRaisesToSpamAndNeverLowers) {
  CampaignCounts c;
  c.reviewed_author = "spam";
  const Judgement raised = Judge(Note("hello again"), c, Scored(0.1), {0.8, 0.5});
  EXPECT_EQ(raised.verdict, "spam");
  EXPECT_EQ(raised.score, 0.8);
  EXPECT_EQ(raised.model_score, 0.1);
  EXPECT_EQ(raised.remembered, "author");
  EXPECT_EQ(raised.reasons.front(), "memory author_confirmed_spam");

  c = CampaignCounts();
  c.reviewed_spam_domain = "pills.example.top";
  EXPECT_EQ(Judge(Note("see pills.example.top"), c, Scored(0.2), {0.8, 0.5}).remembered, "domain");

  // An author last answered ham: the judgement is the model's (the inline
  // check decides what to do with it, inline_check/).
  c = CampaignCounts();
  c.reviewed_author = "ham";
  const Judgement kept = Judge(Note("cheap pills at https://cheap-pills-online.top/buy"), c, Scored(0.95), {0.8, 0.5});
  EXPECT_EQ(kept.verdict, "spam");
  EXPECT_EQ(kept.score, 0.95);
}

}  // namespace
}  // namespace spamphibian::classify
