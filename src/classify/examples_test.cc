#include "classify/examples.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>

#include "child_process.h"

namespace spamphibian::classify {
namespace {

bool Fired(const Example& e, const std::string& token) {
  return std::find(e.rendering.signals.begin(), e.rendering.signals.end(), token) != e.rendering.signals.end();
}

std::string Line(const std::string& type, int author, const std::string& text) {
  nlohmann::json item = {{"type", type}, {"id", std::to_string(author)}, {"author", {{"id", author}}},
                         {"text", nlohmann::json::array({nlohmann::json::array({"body", text})})}};
  if (type == "mail") item["author"] = nlohmann::json::object();  // as make_corpus_data.py writes them
  return nlohmann::json{{"label", "ham"}, {"item", item}}.dump() + "\n";
}

// A file is one stream of an instance's items, so the third account
// linking one site is a campaign; mail is no such stream (years of
// mailing lists linking their few domains) and counts none.
TEST(ReadExamples, CampaignsAreCountedInTheStreamButNotInMail) {
  testing::TempDir dir;
  const std::string path = dir.path() + "/examples.jsonl";
  {
    std::ofstream out(path);
    for (int i = 0; i < 3; ++i) {
      out << Line("note", 10 + i, "Our release notes: https://notes.lists-example.top/" + std::to_string(i));
    }
    for (int i = 0; i < 3; ++i) {
      out << Line("mail", 20 + i, "Unsubscribe at https://lists.mail-example.top/u/" + std::to_string(i));
    }
  }
  std::vector<Example> examples;
  ASSERT_TRUE(ReadExamples(path, nullptr, &examples).ok());
  ASSERT_EQ(examples.size(), 6u);
  EXPECT_FALSE(Fired(examples[1], "sig_campaign_domain"));
  EXPECT_TRUE(Fired(examples[2], "sig_campaign_domain"));
  EXPECT_FALSE(Fired(examples[5], "sig_campaign_domain"));
}

// Real text (models/corpus/real-text) is read as an item of the type asked
// for, its author unknown. Texts gathered from many places are no stream of
// one instance: a phrase many people write ("thanks, that fixed it for me")
// is no campaign there.
TEST(ReadExamples, RealTextIsReadAsTheTypeAskedForEachLineItsOwnAuthor) {
  testing::TempDir dir;
  const std::string path = dir.path() + "/real.jsonl";
  {
    std::ofstream out(path);
    for (int i = 0; i < 3; ++i) {
      out << nlohmann::json{{"text", "thanks a lot, that fixed it for me on my machine as well"},
                            {"label", i == 2 ? "spam" : "ham"}, {"source", "irc"}, {"kind", "chat"}, {"lang", "en"}}
                 .dump()
          << "\n";
    }
  }
  std::vector<Example> notes, issues;
  ASSERT_TRUE(ReadExamples(path, nullptr, &notes).ok());
  ASSERT_EQ(notes.size(), 3u);
  EXPECT_EQ(notes[0].type, "note");
  EXPECT_EQ(notes[0].source, "irc");
  EXPECT_FALSE(notes[0].spam);
  EXPECT_TRUE(notes[2].spam);
  EXPECT_NE(notes[0].rendering.text.find("fixed"), std::string::npos);
  EXPECT_FALSE(Fired(notes[2], "sig_campaign_text"));
  ASSERT_TRUE(ReadExamples(path, nullptr, &issues, "issue").ok());
  EXPECT_EQ(issues[0].type, "issue");
  std::vector<Example> none;
  EXPECT_FALSE(ReadExamples(path, nullptr, &none, "mail").ok());
}

// A training line may say it is no part of the stream ("stream": false, as
// make_real_text_data.py writes them): it counts towards no campaign and
// none counts towards it.
TEST(ReadExamples, LinesOutsideTheStreamCountNoCampaign) {
  testing::TempDir dir;
  const std::string path = dir.path() + "/examples.jsonl";
  {
    std::ofstream out(path);
    for (int i = 0; i < 3; ++i) {
      nlohmann::json line = nlohmann::json::parse(Line("note", 30 + i, "See https://notes.lists-example.top/" + std::to_string(i)));
      line["stream"] = false;
      out << line.dump() << "\n";
    }
    out << Line("note", 40, "See https://notes.lists-example.top/9");
  }
  std::vector<Example> examples;
  ASSERT_TRUE(ReadExamples(path, nullptr, &examples).ok());
  ASSERT_EQ(examples.size(), 4u);
  EXPECT_FALSE(Fired(examples[2], "sig_campaign_domain"));
  EXPECT_FALSE(Fired(examples[3], "sig_campaign_domain"));
}

}  // namespace
}  // namespace spamphibian::classify
