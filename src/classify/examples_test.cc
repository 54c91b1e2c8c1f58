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

}  // namespace
}  // namespace spamphibian::classify
