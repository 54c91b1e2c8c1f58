#include "gitlab/normalize.h"

#include <gtest/gtest.h>

namespace spamphibian::gitlab {
namespace {

using nlohmann::json;

TEST(Normalize, EveryTypeCarriesItsText) {
  struct Case {
    const char* type;
    json api;
    const char* field;
    const char* expected;
  };
  const Case cases[] = {
      {"user", {{"id", 7}, {"username", "u"}, {"bio", "hello"}, {"website_url", "https://x.example"}}, "website_url",
       "https://x.example"},
      {"project", {{"id", 5}, {"name", "p"}, {"readme", "# Title\nbody"}, {"topics", {"a", "b"}}}, "readme",
       "# Title\nbody"},
      {"group", {{"id", 9}, {"name", "g"}, {"projects", {{{"name", "one"}, {"description", "first"}}}}}, "projects",
       "one: first\n"},
      {"issue", {{"project_id", 5}, {"iid", 2}, {"title", "t"}, {"description", "d"}}, "description", "d"},
      {"note", {{"id", 3}, {"project_id", 5}, {"noteable_type", "Issue"}, {"noteable_iid", 2}, {"body", "b"}}, "body",
       "b"},
      {"merge_request",
       {{"project_id", 5}, {"iid", 4}, {"title", "t"}, {"changes", {{{"diff", "@@ -1 +1 @@\n-old\n+new [x](https://y.example)\n"}}}}},
       "added_lines", "new [x](https://y.example)\n"},
      {"wiki_page", {{"slug", "home"}, {"title", "Home"}, {"content", "c"}}, "content", "c"},
      {"snippet", {{"id", 8}, {"title", "s"}, {"content", "code"}, {"files", {{{"path", "a.txt"}}, {{"path", "b.txt"}}}}},
       "file_names", "a.txt, b.txt"},
  };
  for (const Case& c : cases) {
    Item item;
    ASSERT_TRUE(Normalize(c.type, c.api, &item).ok()) << c.type;
    EXPECT_EQ(item.type, c.type);
    EXPECT_EQ(item.Text(c.field), c.expected) << c.type;
  }
}

TEST(Normalize, IdsAndAuthorsComeFromTheObject) {
  Item note;
  ASSERT_TRUE(Normalize("note",
                        {{"id", 3}, {"project_id", 5}, {"noteable_type", "MergeRequest"}, {"noteable_iid", 2},
                         {"author", {{"id", 41}, {"username", "bob"}}}},
                        &note)
                  .ok());
  EXPECT_EQ(note.id, "5/merge_requests/2/notes/3");
  EXPECT_EQ(note.author.id, 41);
  EXPECT_EQ(note.author.username, "bob");
  Item project = NormalizeProject({{"id", 5}, {"creator_id", 12}});
  EXPECT_EQ(project.author.id, 12);
}

TEST(Normalize, RefusesWhatIsNotAnItem) {
  Item item;
  EXPECT_TRUE(Normalize("pipeline", json::object(), &item).IsInvalidArgument());
  EXPECT_TRUE(Normalize("user", json::array(), &item).IsInvalidArgument());
}

TEST(Normalize, HostileShapesReadAsEmpty) {
  const json odd = {{"id", "x"},       {"title", 5},         {"topics", "nope"}, {"projects", {1, 2}},
                    {"files", "nope"}, {"changes", {{1}}},   {"author", "bob"},  {"readme", std::string(100000, 'a')},
                    {"content", "\xc3\xa9t\xc3\xa9"}};
  for (std::string_view type : kItemTypes) {
    Item item;
    ASSERT_NO_THROW(ASSERT_TRUE(Normalize(type, odd, &item).ok())) << type;
    EXPECT_NO_THROW((void)ToJson(item).dump()) << type;
  }
  EXPECT_LE(NormalizeProject(odd).Text("readme").size(), kMaxExtraTextBytes);
}

}  // namespace
}  // namespace spamphibian::gitlab
