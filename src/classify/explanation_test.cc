#include "classify/explanation.h"

#include <gtest/gtest.h>

namespace spamphibian::classify {
namespace {

TEST(FeatureDescription, EveryFeatureHasItsLineOrNoneOnPurpose) {
  for (std::string_view name : kFeatureNames) {
    const std::string_view text = FeatureDescription(name);
    if (name.starts_with("type_") || name == "age_known") {
      EXPECT_TRUE(text.empty()) << name << " says nothing by itself";
    } else {
      EXPECT_FALSE(text.empty()) << name << " has no description";
    }
  }
  EXPECT_EQ(FeatureDescription("download_link"), "links a download: an archive, a program or a file-sharing host");
  EXPECT_TRUE(FeatureDescription("no_such_feature").empty());
}

TEST(Explain, StrongestFirstWordsNamedSignalsOnce) {
  const std::vector<std::string> signals = {"sig_download_link", "sig_links_1", "sig_type_note", "sig_shortener"};
  const std::vector<std::pair<std::string, double>> features = {{"fasttext_logit", 8.5},
                                                                 {"download_link", 1.2},
                                                                 {"fasttext_logit*type_note", 2.9},
                                                                 {"email_unknown", 1.1},
                                                                 {"digits", 0.2},
                                                                 {"age_gt1y", -0.4}};
  const std::vector<std::pair<std::string, double>> tokens = {
      {"password", 6.8}, {"sig_download_link", 5.0}, {"url_domain:mediafire.com", 4.0}, {"__url__", 3.0},
      {"url_tld:com", 2.0}, {"fix", 1.5}, {"run", 1.2}, {"rar", 1.1}, {"thanks", -0.5}};
  const std::vector<std::string> lines = Explain(signals, features, tokens);
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0], "its words lean towards spam: 'password', 'mediafire.com', 'fix', 'run'");
  EXPECT_EQ(lines[1], "links a download: an archive, a program or a file-sharing host")
      << "said once, as a feature and as a signal";
  EXPECT_EQ(lines[2], "hides a link behind a URL shortener")
      << "a telling signal the combiner did not name; an unknown e-mail or a few digits tell a moderator nothing";
}

TEST(Explain, TheNarrowestAgeSaysIt) {
  const std::vector<std::string> lines =
      Explain({"sig_age_lt1d"}, {{"age_lt30d", 0.5}, {"age_lt7d", 0.3}, {"age_lt1d", 0.2}}, {});
  EXPECT_EQ(lines, std::vector<std::string>{"an account less than a day old"});
}

TEST(Explain, AWordsModelAloneAndNothingToSay) {
  EXPECT_EQ(Explain({}, {}, {{"casino", 0.4}}), std::vector<std::string>{"its words lean towards spam: 'casino'"});
  EXPECT_TRUE(Explain({"sig_links_0", "sig_type_user"}, {{"age_gt1y", -1.0}}, {{"thanks", -0.2}}).empty());
  std::vector<std::pair<std::string, double>> many;
  for (std::string_view f : {"shortener", "hidden_link", "phone", "age_lt1d", "email_disposable", "signup_accounts"}) {
    many.emplace_back(std::string(f), 1.0);
  }
  EXPECT_EQ(Explain({}, many, {}, 3).size(), 3u) << "bounded";
}

}  // namespace
}  // namespace spamphibian::classify
