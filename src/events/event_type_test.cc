#include "events/event_type.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "child_process.h"

namespace spamphibian {
namespace {

std::string_view Detect(simdjson::dom::parser& parser, const std::string& json, std::string_view header = "") {
  simdjson::dom::element doc;
  EXPECT_EQ(parser.parse(json).get(doc), simdjson::SUCCESS) << json;
  return DetectEventType(doc, header);
}

// Every sample payload is recognised as the type its file name says.
TEST(DetectEventType, RecognisesEverySample) {
  simdjson::dom::parser parser;
  int checked = 0;
  for (const auto& file : std::filesystem::directory_iterator(SPAMPHIBIAN_SAMPLES_DIR)) {
    if (file.path().extension() != ".json") continue;
    const std::string name = file.path().stem().string();
    if (name == "group_members_response") continue;  // an API response, not a hook
    EXPECT_EQ(Detect(parser, testing::ReadFile(file.path())), name) << file.path();
    const auto all = AllEventTypes();
    EXPECT_NE(std::find(all.begin(), all.end(), name), all.end()) << name;
    ++checked;
  }
  EXPECT_EQ(checked, 14);
}

TEST(DetectEventType, WorkItemIsAnIssueOnlyWhenTypedIssue) {
  simdjson::dom::parser parser;
  EXPECT_EQ(Detect(parser, R"({"object_kind":"work_item","object_attributes":{"type":"Issue","action":"open"}})",
                   "Issue Hook"),
            "issue_open");
  EXPECT_EQ(Detect(parser, R"({"object_kind":"work_item","object_attributes":{"type":"Task","action":"open"}})"), "");
  EXPECT_EQ(Detect(parser, R"({"object_kind":"work_item","object_attributes":{"action":"open"}})"), "");
}

TEST(DetectEventType, NotesByNoteableTypeAndAction) {
  simdjson::dom::parser parser;
  EXPECT_EQ(Detect(parser, R"({"object_kind":"note","object_attributes":{"noteable_type":"MergeRequest","action":"create"}})"),
            "merge_request_note_create");
  EXPECT_EQ(Detect(parser, R"({"object_kind":"note","object_attributes":{"noteable_type":"Snippet","action":"update"}})"),
            "snippet_note_update");
  // Without action: new when created_at == updated_at.
  EXPECT_EQ(Detect(parser, R"({"object_kind":"note","object_attributes":{"noteable_type":"Snippet",
                               "created_at":"t1","updated_at":"t1"}})"),
            "snippet_note_create");
  EXPECT_EQ(Detect(parser, R"({"object_kind":"note","object_attributes":{"noteable_type":"Commit","action":"create"}})"),
            "");
  EXPECT_EQ(Detect(parser, R"({"object_kind":"note","object_attributes":{"noteable_type":"Issue","action":"delete"}})"),
            "");
}

TEST(DetectEventType, MergeRequestsAndWikiPages) {
  simdjson::dom::parser parser;
  EXPECT_EQ(Detect(parser, R"({"object_kind":"merge_request","object_attributes":{"action":"open"}})"),
            "merge_request_open");
  EXPECT_EQ(Detect(parser, R"({"object_kind":"merge_request","object_attributes":{"action":"update"}})"),
            "merge_request_update");
  EXPECT_EQ(Detect(parser, R"({"object_kind":"merge_request","object_attributes":{"action":"merge"}})"), "");
  EXPECT_EQ(Detect(parser, R"({"object_kind":"wiki_page","object_attributes":{"action":"create"}})"),
            "wiki_page_create");
  EXPECT_EQ(Detect(parser, R"({"object_kind":"wiki_page","object_attributes":{"action":"delete"}})"), "");
}

TEST(DetectEventType, IgnoresOtherEvents) {
  simdjson::dom::parser parser;
  EXPECT_EQ(Detect(parser, R"({"event_name":"user_destroy","user_id":1})"), "");
  EXPECT_EQ(Detect(parser, R"({"event_name":"push","object_kind":"push"})"), "");
  EXPECT_EQ(Detect(parser, R"({"object_kind":"pipeline","object_attributes":{}})"), "");
  EXPECT_EQ(Detect(parser, R"([1,2,3])"), "");
  EXPECT_EQ(Detect(parser, R"({"object_kind":"issue"})"), "");
  EXPECT_EQ(Detect(parser, R"({"object_kind":"issue","object_attributes":{"action":"open"}})", "Push Hook"), "");
}

TEST(DetectEventType, ProjectUpdateSystemHook) {
  simdjson::dom::parser parser;
  EXPECT_EQ(Detect(parser, R"({"event_name":"project_update","project_id":1})", "System Hook"), "project_update");
}

}  // namespace
}  // namespace spamphibian
