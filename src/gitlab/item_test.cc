#include "gitlab/item.h"

#include <gtest/gtest.h>

#include "gitlab/api.h"
#include "gitlab/fetcher.h"

namespace spamphibian::gitlab {
namespace {

TEST(Item, RoundTripsThroughJson) {
  Item item;
  item.type = "snippet";
  item.id = "704";
  item.event_type = "snippet_check";
  item.visibility = "public";
  item.author.id = 109;
  item.author.username = "office_crack_2026";
  item.author.email = "x@yopmail.com";
  item.author.bot = true;
  item.text = {{"title", "Office 2026 Activator"}, {"content", "crack"}};
  item.refs = {{"snippet_id", 704}};
  Item back;
  ASSERT_TRUE(FromJson(nlohmann::json::parse(ToJson(item).dump()), &back).ok());
  EXPECT_EQ(back.type, "snippet");
  EXPECT_EQ(back.author.username, "office_crack_2026");
  EXPECT_TRUE(back.author.bot);
  EXPECT_EQ(back.Text("content"), "crack");
  EXPECT_EQ(back.refs["snippet_id"], 704);
}

TEST(Item, MalformedJsonIsAnError) {
  Item item;
  EXPECT_FALSE(FromJson(nlohmann::json::parse(R"({"id":"1"})"), &item).ok());
  EXPECT_FALSE(FromJson(nlohmann::json::parse(R"({"type":"user","author":{},"text":[[1]]})"), &item).ok());
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
