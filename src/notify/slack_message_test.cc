#include "notify/slack_message.h"

#include <gtest/gtest.h>

namespace spamphibian::notify {
namespace {

// `text` as field -> value; items carry it as [[field, value], ...].
nlohmann::json Notification(const std::string& type, const nlohmann::json& fields,
                            nlohmann::json actions = nlohmann::json::array()) {
  nlohmann::json text = nlohmann::json::array();
  for (auto it = fields.begin(); it != fields.end(); ++it) text.push_back({it.key(), it.value()});
  return {{"decision_id", "classify-1-0"},
          {"verdict", "spam"},
          {"score", 0.97},
          {"reasons", {"signal sig_links_1", "token 'casino' +0.412"}},
          {"model_version", "abc"},
          {"dry_run", false},
          {"actions", actions},
          {"item", {{"type", type}, {"id", "704"}, {"web_url", "https://gitlab.example/-/snippets/704"},
                    {"author", {{"username", "spammer"}, {"name", "Spam <b>Bot</b>"}}}, {"text", text}}}};
}

// Every text in the message, and Slack's limits checked on the way.
std::string CheckLimits(const nlohmann::json& m) {
  std::string all;
  EXPECT_LE(m["blocks"].size(), kMaxBlocks);
  for (const auto& b : m["blocks"]) {
    if (b["type"] == "header") {
      EXPECT_LE(b["text"]["text"].get<std::string>().size(), kMaxHeader);
      EXPECT_EQ(b["text"]["type"], "plain_text");
      all += b["text"]["text"].get<std::string>();
    }
    if (b["type"] == "section" && b.contains("text")) {
      EXPECT_LE(b["text"]["text"].get<std::string>().size(), kMaxSection);
      all += b["text"]["text"].get<std::string>();
    }
    if (b.contains("fields")) {
      EXPECT_LE(b["fields"].size(), kMaxFields);
      for (const auto& f : b["fields"]) {
        EXPECT_LE(f["text"].get<std::string>().size(), kMaxField);
        all += f["text"].get<std::string>();
      }
    }
  }
  return all;
}

TEST(Escape, MrkdwnControlCharacters) {
  EXPECT_EQ(EscapeMrkdwn("<!channel> & <http://evil|click>"), "&lt;!channel&gt; &amp; &lt;http://evil|click&gt;");
}

TEST(EscapedExcerpt, CutsOnCharacterAndEntityBoundaries) {
  EXPECT_EQ(EscapedExcerpt("short", 100), "short");
  const std::string cut = EscapedExcerpt("a&b&c&d&e&f", 12);
  EXPECT_LE(cut.size(), 12u);
  EXPECT_TRUE(cut.ends_with("\xE2\x80\xA6")) << cut;
  EXPECT_EQ(cut.find("&a\xE2"), std::string::npos) << "no half entity: " << cut;
  const std::string umlauts = EscapedExcerpt("\xC3\xBC\xC3\xBC\xC3\xBC\xC3\xBC", 6);  // üüüü
  EXPECT_EQ(umlauts, "\xC3\xBC\xE2\x80\xA6") << "no half UTF-8 sequence";
}

TEST(BuildMessage, SpammerTextCannotInjectLinksOrMentions) {
  auto m = BuildMessage(Notification("user", {{"bio", "<!channel> click <http://evil|here> & win"}}));
  const std::string all = CheckLimits(m);
  EXPECT_EQ(all.find("<!channel>"), std::string::npos) << all;
  EXPECT_EQ(all.find("<http://evil"), std::string::npos) << all;
  EXPECT_NE(all.find("&lt;!channel&gt;"), std::string::npos);
  EXPECT_NE(all.find("&lt;http://evil|here&gt;"), std::string::npos);
  EXPECT_NE(all.find("Spam &lt;b&gt;Bot&lt;/b&gt;"), std::string::npos) << "the author's name too";
  EXPECT_NE(all.find("<https://gitlab.example/-/snippets/704|user 704>"), std::string::npos) << "our own link stays a link";
}

TEST(BuildMessage, WhyInPlainWordsWhenTheDecisionHasThem) {
  auto n = Notification("note", {{"body", "fix"}});
  const std::string raw = CheckLimits(BuildMessage(n));
  EXPECT_NE(raw.find("signal sig_links_1"), std::string::npos) << "an older decision: the model's reasons";
  n["explanation"] = {"its words lean towards spam: 'casino', '<!here>'",
                      "links a download: an archive, a program or a file-sharing host"};
  const std::string plain = CheckLimits(BuildMessage(n));
  EXPECT_NE(plain.find("links a download"), std::string::npos) << plain;
  EXPECT_EQ(plain.find("signal sig_links_1"), std::string::npos) << plain;
  EXPECT_EQ(plain.find("<!here>"), std::string::npos) << "a spam word quoted is still escaped: " << plain;
}

TEST(BuildMessage, SaysTheLanguageWhenKnown) {
  auto n = Notification("note", {{"body", "situs slot gacor"}});
  EXPECT_EQ(CheckLimits(BuildMessage(n)).find("Written in"), std::string::npos);
  n["language_name"] = "Indonesian";
  EXPECT_NE(CheckLimits(BuildMessage(n)).find("*Written in*\nIndonesian"), std::string::npos);
}

TEST(BuildMessage, HugeSnippetStaysWithinLimits) {
  const std::string huge(20000, 'x');
  auto m = BuildMessage(Notification("snippet", {{"title", std::string(400, 'T')}, {"content", huge + "<>&"}}));
  const std::string all = CheckLimits(m);
  EXPECT_NE(all.find("\xE2\x80\xA6"), std::string::npos) << "cut with an ellipsis";
  EXPECT_LE(m.dump().size(), 12000u);
}

TEST(BuildMessage, SaysWhatWasDoneAndHowToRestore) {
  auto monitor = CheckLimits(BuildMessage(Notification("issue", {{"title", "Buy"}})));
  EXPECT_NE(monitor.find("monitor mode: no action"), std::string::npos);
  auto acted = CheckLimits(BuildMessage(Notification(
      "issue", {{"title", "Buy"}}, {{{"action", "quarantine"}, {"status", "taken"}, {"action_id", "act-1-0-quarantine"}}})));
  EXPECT_NE(acted.find("quarantine: taken"), std::string::npos);
  EXPECT_NE(acted.find("act-1-0-quarantine"), std::string::npos);
}

TEST(BuildSummary, ABurstBecomesOneMessageWithinLimits) {
  std::vector<nlohmann::json> burst(100, Notification("note", {{"body", "<!here> casino"}}));
  auto m = BuildSummary(burst);
  const std::string all = CheckLimits(m);
  EXPECT_EQ(m["blocks"][0]["text"]["text"], "100 spam decisions");
  EXPECT_EQ(m["blocks"].size(), kMaxBlocks);
  EXPECT_NE(m.dump().find("and 52 more"), std::string::npos);
  EXPECT_EQ(all.find("<!here>"), std::string::npos);
}

}  // namespace
}  // namespace spamphibian::notify

namespace spamphibian::notify {
namespace {

TEST(BuildMessage, ReviewButtonsOnlyWithAReviewUrl) {
  nlohmann::json n = {{"decision_id", "classify-1-0"}, {"verdict", "spam"}, {"item", {{"type", "user"}, {"id", "4"}}}};
  const auto plain = BuildMessage(n);
  for (const auto& b : plain["blocks"]) EXPECT_NE(b["type"], "actions");
  const auto m = BuildMessage(n, "https://spam.example.org");
  const auto& actions = m["blocks"].back();
  ASSERT_EQ(actions["type"], "actions");
  EXPECT_EQ(actions["elements"][0]["action_id"], "review_spam");
  EXPECT_EQ(actions["elements"][0]["value"], "classify-1-0");
  EXPECT_EQ(actions["elements"][1]["action_id"], "review_ham");
  EXPECT_EQ(actions["elements"][2]["url"], "https://spam.example.org/");
  const auto answered = AnsweredMessage(m, "Confirmed spam by @ann <!channel>");
  for (const auto& b : answered["blocks"]) EXPECT_NE(b["type"], "actions");
  EXPECT_TRUE(answered["replace_original"]);
  EXPECT_EQ(answered["blocks"].back()["elements"][0]["text"], "Confirmed spam by @ann &lt;!channel&gt;");
}

}  // namespace
}  // namespace spamphibian::notify

namespace spamphibian::notify {
namespace {

nlohmann::json Hostile(int i) {
  return {{"decision_id", "classify-9-" + std::to_string(i)},
          {"verdict", "spam"},
          {"score", 0.99},
          {"item",
           {{"type", "user"},
            {"id", std::to_string(100 + i)},
            {"web_url", "https://gitlab.example/u" + std::to_string(i)},
            {"author", {{"username", "<script>x" + std::to_string(i) + "</script>"}, {"name", "A & <b>B</b>"}}},
            {"text", nlohmann::json::array()}}}};
}

// Each mrkdwn text of a message (sections, fields, link labels, context),
// as Slack renders markup; plain_text (headers, button labels) is shown as
// it is and never escaped.
void Texts(const nlohmann::json& j, std::string* out) {
  if (j.is_object()) {
    const bool plain = j.value("type", "") == "plain_text";
    for (auto it = j.begin(); it != j.end(); ++it) {
      if (it.key() == "text" && it.value().is_string() && !plain) *out += it.value().get<std::string>() + "\n";
      Texts(it.value(), out);
    }
  } else if (j.is_array()) {
    for (const auto& e : j) Texts(e, out);
  }
}

TEST(SlackEscaping, HostileNamesAreEscapedOnceInSingleMessagesAndSummaries) {
  for (const auto& m : {BuildMessage(Hostile(1), "https://spam.example.org"),
                        BuildSummary({Hostile(1), Hostile(2), Hostile(3)}, "https://spam.example.org"),
                        BuildSummary({Hostile(1), Hostile(2), Hostile(3)})}) {
    std::string texts;
    Texts(m, &texts);
    EXPECT_EQ(texts.find("<script>"), std::string::npos) << texts;
    EXPECT_EQ(texts.find("&amp;lt;"), std::string::npos) << "escaped twice: " << texts;
    EXPECT_NE(texts.find("&lt;script&gt;x1&lt;/script&gt;"), std::string::npos) << texts;
  }
}

TEST(BuildSummary, EachItemKeepsItsButtonsThenTheQueue) {
  std::vector<nlohmann::json> burst;
  for (int i = 0; i < 20; ++i) burst.push_back(Hostile(i));
  const auto m = BuildSummary(burst, "https://spam.example.org");
  CheckLimits(m);
  std::vector<std::string> reviews;
  for (const auto& b : m["blocks"]) {
    if (b["type"] != "actions" || b["block_id"] == "review-queue") continue;
    EXPECT_EQ(b["block_id"], "review-" + std::to_string(reviews.size()));
    EXPECT_EQ(b["elements"][0]["action_id"], "review_spam");
    EXPECT_EQ(b["elements"][1]["action_id"], "review_ham");
    reviews.push_back(b["elements"][0]["value"]);
  }
  ASSERT_EQ(reviews.size(), kSummaryItemsWithButtons);
  EXPECT_EQ(reviews[3], "classify-9-3");
  EXPECT_NE(m.dump().find("and 5 more, in the review queue"), std::string::npos);
  EXPECT_EQ(m["blocks"].back()["elements"][0]["url"], "https://spam.example.org/");
  EXPECT_LE(m["blocks"].size(), kMaxBlocks);

  // The fourth item answered: its buttons become the answer, in place; the
  // others keep theirs.
  const auto answered = AnsweredMessage(m, "Confirmed spam by @ann", "review-3");
  int actions = 0;
  for (std::size_t i = 0; i < answered["blocks"].size(); ++i) {
    const auto& b = answered["blocks"][i];
    actions += b["type"] == "actions";
    EXPECT_NE(b.value("block_id", ""), "review-3");
  }
  EXPECT_EQ(actions, static_cast<int>(kSummaryItemsWithButtons) - 1 + 1);  // the other items, and the queue
  // Right after the fourth item's line (header, then two blocks per item).
  EXPECT_EQ(answered["blocks"][1 + 2 * 3 + 1]["type"], "context");
  EXPECT_EQ(answered["blocks"][1 + 2 * 3 + 1]["elements"][0]["text"], "Confirmed spam by @ann");
}

}  // namespace
}  // namespace spamphibian::notify
