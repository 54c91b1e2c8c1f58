#include "gitlab/item.h"

#include <gtest/gtest.h>

#include "gitlab/api.h"
#include "gitlab/fetcher.h"

namespace spamphibian::gitlab {
namespace {

// An item with every kind of field set, hostile text included.
Item Sample() {
  Item item;
  item.type = "user";
  item.id = "41";
  item.event_type = "user_create";
  item.web_url = "https://gitlab.example/seo";
  item.created_at = "2026-12-01T00:00:00Z";
  item.author.id = 41;
  item.author.username = "seo\"links\u00e9";
  item.author.email = "x@yopmail.com";
  item.author.is_admin = true;
  item.author.bot = true;
  item.author.confirmed_at = "2026-12-01T00:01:00Z";
  item.text = {{"bio", "Best \U0001F3B0 slots\n<b>cheap</b>"}, {"website_url", "https://slot.example.bet"}};
  item.refs = {{"user_id", 41}};
  item.raw = {{"id", 41}, {"identities", nlohmann::json::array()}, {"bio", "Best"}, {"theme_id", nullptr}};
  return item;
}

TEST(Item, RoundTripsThroughJson) {
  const Item item = Sample();
  Item back;
  ASSERT_TRUE(FromJson(nlohmann::json::parse(ToJson(item).dump()), &back).ok());
  EXPECT_EQ(ToJson(back), ToJson(item));
  EXPECT_EQ(back.author.username, "seo\"links\u00e9");
  EXPECT_TRUE(back.author.is_admin);
  EXPECT_TRUE(back.author.bot);
  EXPECT_EQ(back.Text("website_url"), "https://slot.example.bet");
  EXPECT_EQ(back.refs["user_id"], 41);
}

TEST(Item, MalformedJsonIsAnError) {
  Item item;
  EXPECT_FALSE(FromJson(nlohmann::json::parse(R"({"id":"1"})"), &item).ok());
  EXPECT_FALSE(FromJson(nlohmann::json::parse(R"({"type":"user","author":{},"text":[[1]]})"), &item).ok());
}

// ParseItem reads what FromJson reads from the parsed tree, and refuses
// what it refuses.
TEST(Item, ParseItemReadsWhatFromJsonReads) {
  const Item item = Sample();
  const std::string text = ToJson(item).dump();

  Item all, tree;
  ASSERT_TRUE(ParseItem(text, ItemParts::kAll, &all).ok());
  ASSERT_TRUE(FromJson(nlohmann::json::parse(text), &tree).ok());
  EXPECT_EQ(ToJson(all), ToJson(tree));
  EXPECT_EQ(ToJson(all), ToJson(item));

  Item light;
  ASSERT_TRUE(ParseItem(text, ItemParts::kWithoutRefsAndRaw, &light).ok());
  EXPECT_EQ(light.raw, nlohmann::json::object());
  EXPECT_EQ(light.refs, nlohmann::json::object());
  light.raw = item.raw;
  light.refs = item.refs;
  EXPECT_EQ(ToJson(light), ToJson(item));

  // Of a repeated key the last, and keys as they read unescaped, as nlohmann.
  ASSERT_TRUE(ParseItem(R"({"type":5,"typ\u0065":"note","author":{"name":"a","name":"b"}})", ItemParts::kAll, &light).ok());
  EXPECT_EQ(light.type, "note");
  EXPECT_EQ(light.author.name, "b");
  // Numbers GitLab might send as an id, and fields left out.
  ASSERT_TRUE(ParseItem(R"({"type":"note","author":{"id":7.0}})", ItemParts::kAll, &light).ok());
  EXPECT_EQ(light.author.id, 7);
  EXPECT_TRUE(light.text.empty());

  for (const char* bad : {R"({"id":"1"})", R"([1])", R"("user")", "not json", R"({"type":"user","author":{},"text":[[1]]})",
                          R"({"type":5,"author":{}})", R"({"type":"user","author":[]})",
                          R"({"type":"user","author":{"bot":"yes"}})", R"({"type":"user","author":{"id":"7"}})",
                          R"({"type":"user","author":{"id":true}})", R"({"type":"user","author":{"id":1e300}})",
                          R"({"type":"user","author":{},"text":{"a":["b","c"]}})", R"({"type":"user","author":{},"web_url":null})",
                          R"({"type":"user","author":{},"text":[["bio"]]})"}) {
    EXPECT_FALSE(ParseItem(bad, ItemParts::kAll, &light).ok()) << bad;
    EXPECT_FALSE(FromJson(nlohmann::json::parse(bad, nullptr, false), &light).ok()) << bad;
  }
}

TEST(EmailDomain, LowerCasedDomainPart) {
  EXPECT_EQ(EmailDomain("Jane.Doe@Agency.GOV"), "agency.gov");
  EXPECT_EQ(EmailDomain("x.gov@evil.com"), "evil.com");
  EXPECT_EQ(EmailDomain("no-at-sign"), "");
  EXPECT_EQ(EmailDomain("trailing@"), "");
}

TEST(NextLink, FindsRelNext) {
  EXPECT_EQ(NextLink(R"(<https://g/api/v4/users?page=1>; rel="prev", <https://g/api/v4/users?page=3>; rel="next", <https://g/api/v4/users?page=9>; rel="last")"),
            "https://g/api/v4/users?page=3");
  EXPECT_EQ(NextLink(R"(<https://g/api/v4/users?id_after=42&pagination=keyset>; rel="next")"),
            "https://g/api/v4/users?id_after=42&pagination=keyset");
  EXPECT_EQ(NextLink(R"(<https://g/api/v4/users?page=1>; rel="first")"), "");
  EXPECT_EQ(NextLink(""), "");
}

TEST(UserItem, AnObjectOfAnUnexpectedShapeDoesNotThrow) {
  // Found by fuzz_item: a string where GitLab sends a boolean.
  Item item;
  EXPECT_NO_THROW(item = NormalizeUser(nlohmann::json{{"id", 41}, {"is_admin", "yes"}, {"bot", 1}, {"username", 5}}));
  EXPECT_FALSE(item.author.is_admin) << "only a JSON true makes an admin";
  EXPECT_FALSE(item.author.bot);
  EXPECT_EQ(item.id, "41");
}

}  // namespace
}  // namespace spamphibian::gitlab
