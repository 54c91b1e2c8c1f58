#include "classify/verdict.h"

#include <gtest/gtest.h>

#include "classify/campaigns.h"

namespace spamphibian::classify {
namespace {

Rendering Note(const std::string& body) {
  gitlab::Item note;
  note.type = "note";
  note.id = "1/notes/1";
  note.text = {{"body", body}};
  return Render(note, nlohmann::json::object());
}

// Words, however spammy or however excited, are no evidence; what a
// spammer is after (a visit, a call, a download) is.
TEST(HasEvidence, WordsAloneAreNotEvidence) {
  for (const char* words : {"Best release ever!!!", "This method should be removed.",
                            "BUY CHEAP VIAGRA NOW best price guaranteed", "We miss you, Anna ♡",
                            "See https://github.com/org/repo/issues/12 and https://docs.python.org/3/"}) {
    EXPECT_FALSE(HasEvidence(Note(words))) << words;
  }
}

TEST(HasEvidence, LinksContactsAndHiddenLinksAre) {
  for (const char* body : {"Great post! Visit https://cheap-pills.example.top for more",
                           "QuickBooks support: call +1-888-555-0199 today", "message me on https://t.me/bestdeals",
                           "[](https://hidden.example.top/x) nice project", "bit.ly/3xYz12 for the crack",
                           "hxxps://malware[.]example[.]top/setup.exe"}) {
    EXPECT_TRUE(HasEvidence(Note(body))) << body;
  }
}

TEST(HasEvidence, ACampaignIsEvidenceOnceItFires) {
  Rendering r = Note("I totally agree with everything that was said in this thread here");
  CampaignCounts one_other;
  one_other.text_accounts = 1;
  ApplyCampaign(one_other, "note", &r);
  EXPECT_FALSE(HasEvidence(r)) << "one other account writing the same is chance";
  CampaignCounts many;
  many.text_accounts = 5;
  Rendering copied = Note("I totally agree with everything that was said in this thread here");
  ApplyCampaign(many, "note", &copied);
  EXPECT_TRUE(HasEvidence(copied));
}

TEST(VerdictOf, SpamNeedsEvidenceElseSuspicious) {
  EXPECT_EQ(VerdictOf(0.99, 0.9, 0.5, true), "spam");
  EXPECT_EQ(VerdictOf(0.99, 0.9, 0.5, false), "suspicious");
  EXPECT_EQ(VerdictOf(0.6, 0.9, 0.5, false), "suspicious");
  EXPECT_EQ(VerdictOf(0.4, 0.9, 0.5, true), "ham");
  EXPECT_EQ(VerdictOf(0.9, 0.9, 0.5, true), "spam") << "the threshold itself is spam";
  EXPECT_GT(SpamThresholdFor(0.9, false), 1.0);
  EXPECT_EQ(SpamThresholdFor(0.9, true), 0.9);
}

}  // namespace
}  // namespace spamphibian::classify
