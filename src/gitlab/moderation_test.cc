#include "gitlab/moderation.h"

#include <gtest/gtest.h>

#include <map>

namespace spamphibian::gitlab {
namespace {

Item Make(const std::string& type, nlohmann::json refs, const std::string& visibility = "public") {
  Item i;
  i.type = type;
  i.id = "x";
  i.refs = std::move(refs);
  i.visibility = visibility;
  i.author.id = 77;
  i.author.username = "spammer";
  return i;
}

std::vector<std::string> Plan(const Item& item, const std::string& action, std::string* why = nullptr) {
  std::vector<ApiCall> calls;
  std::string reason;
  EXPECT_TRUE(PlanAction(item, action, &calls, &reason).ok());
  if (why != nullptr) *why = reason;
  std::vector<std::string> out;
  for (const auto& c : calls) out.push_back(c.Describe());
  return out;
}

TEST(PlanAction, QuarantineIsTheReversibleFormPerType) {
  using V = std::vector<std::string>;
  EXPECT_EQ(Plan(Make("user", {{"user_id", 41}}), "quarantine"), V{"POST /api/v4/users/41/block"});
  EXPECT_EQ(Plan(Make("project", {{"project_id", 5}}), "quarantine"), V{R"(PUT /api/v4/projects/5 {"visibility":"private"})"});
  EXPECT_EQ(Plan(Make("group", {{"group_id", 9}}), "quarantine"), V{R"(PUT /api/v4/groups/9 {"visibility":"private"})"});
  EXPECT_EQ(Plan(Make("snippet", {{"snippet_id", 704}}), "quarantine"), V{R"(PUT /api/v4/snippets/704 {"visibility":"private"})"});
  EXPECT_EQ(Plan(Make("snippet", {{"snippet_id", 8}, {"project_id", 5}}), "quarantine"),
            V{R"(PUT /api/v4/projects/5/snippets/8 {"visibility":"private"})"});
  EXPECT_EQ(Plan(Make("issue", {{"project_id", 5}, {"iid", 7}}), "quarantine"),
            V{R"(PUT /api/v4/projects/5/issues/7 {"confidential":true})"});
  std::string why;
  EXPECT_TRUE(Plan(Make("note", {{"project_id", 5}, {"parent", "issues/7"}, {"note_id", 3}}), "quarantine", &why).empty());
  EXPECT_NE(why.find("no reversible form"), std::string::npos);
  EXPECT_TRUE(Plan(Make("project", {{"project_id", 5}}, "private"), "quarantine", &why).empty());
  EXPECT_EQ(why, "already private");
  // An issue confidential already: nothing to send, so nothing to undo later.
  EXPECT_TRUE(Plan(Make("issue", {{"project_id", 5}, {"iid", 7}, {"confidential", true}}), "quarantine", &why).empty());
  EXPECT_EQ(why, "already confidential");
}

TEST(PlanAction, DeleteBlockAndBan) {
  using V = std::vector<std::string>;
  EXPECT_EQ(Plan(Make("user", {{"user_id", 41}}), "delete"), V{"DELETE /api/v4/users/41?hard_delete=false"});
  EXPECT_EQ(Plan(Make("note", {{"project_id", 5}, {"parent", "merge_requests/2"}, {"note_id", 3}}), "delete"),
            V{"DELETE /api/v4/projects/5/merge_requests/2/notes/3"});
  EXPECT_EQ(Plan(Make("wiki_page", {{"project_id", 5}, {"slug", "Design/Timers"}}), "delete"),
            V{"DELETE /api/v4/projects/5/wikis/Design%2FTimers"});
  EXPECT_EQ(Plan(Make("issue", {{"project_id", 5}, {"iid", 7}}), "ban_user"), V{"POST /api/v4/users/77/ban"});
  EXPECT_EQ(Plan(Make("snippet", {{"snippet_id", 704}}), "block_user"), V{"POST /api/v4/users/77/block"});
  std::vector<ApiCall> calls;
  std::string why;
  EXPECT_FALSE(PlanAction(Make("user", {{"user_id", 41}}), "notify", &calls, &why).ok());
}

TEST(PlanRestore, UndoesWhatWasDone) {
  RestorePlan plan;
  ASSERT_TRUE(PlanRestore(Make("user", {{"user_id", 41}}), "quarantine", "act-1", &plan).ok());
  EXPECT_EQ(plan.calls.at(0).Describe(), "POST /api/v4/users/41/unblock");
  ASSERT_TRUE(PlanRestore(Make("issue", {{"project_id", 5}, {"iid", 7}}), "ban_user", "act-1", &plan).ok());
  EXPECT_EQ(plan.calls.at(0).Describe(), "POST /api/v4/users/77/unban");
  ASSERT_TRUE(PlanRestore(Make("project", {{"project_id", 5}}, "internal"), "quarantine", "act-1", &plan).ok());
  EXPECT_EQ(plan.calls.at(0).Describe(), R"(PUT /api/v4/projects/5 {"visibility":"internal"})");
  ASSERT_TRUE(PlanRestore(Make("issue", {{"project_id", 5}, {"iid", 7}, {"confidential", false}}), "quarantine", "a", &plan).ok());
  EXPECT_EQ(plan.calls.at(0).Describe(), R"(PUT /api/v4/projects/5/issues/7 {"confidential":false})");

  Item snippet = Make("snippet", {{"snippet_id", 704}});
  snippet.text = {{"title", "Cheap pills"}, {"file_names", "pills.md"}, {"content", "buy now"}};
  ASSERT_TRUE(PlanRestore(snippet, "delete", "act-9-delete", &plan).ok());
  ASSERT_EQ(plan.calls.size(), 1u);
  EXPECT_EQ(plan.calls[0].method, "POST");
  EXPECT_EQ(plan.calls[0].path, "/snippets");
  EXPECT_EQ(plan.calls[0].body["files"][0]["content"], "buy now");
  EXPECT_NE(plan.calls[0].body["description"].get<std::string>().find("Restored by Spamphibian from action act-9-delete"),
            std::string::npos);
  ASSERT_TRUE(PlanRestore(Make("note", {{"project_id", 5}}), "delete", "a", &plan).ok());
  EXPECT_TRUE(plan.calls.empty());
  EXPECT_NE(plan.lost.find("cannot re-create"), std::string::npos);
}

TEST(PlanRestore, LeavesAUserAnAdminHadBlockedBefore) {
  Item user = Make("user", {{"user_id", 41}});
  user.author.state = "blocked";
  RestorePlan plan;
  ASSERT_TRUE(PlanRestore(user, "quarantine", "act-1", &plan).ok());
  EXPECT_TRUE(plan.calls.empty());
  EXPECT_NE(plan.kept.find("already 'blocked'"), std::string::npos);
  user.author.state = "active";
  ASSERT_TRUE(PlanRestore(user, "quarantine", "act-1", &plan).ok());
  EXPECT_EQ(plan.calls.size(), 1u);
}

TEST(PlanRestore, AMultiFileSnippetComesBackWithEveryFileName) {
  Item snippet = Make("snippet", {{"snippet_id", 705}, {"files", {"a.py", "b, c.md"}}});
  snippet.text = {{"title", "t"}, {"file_names", "a.py, b, c.md"}, {"content", "print(1)"}};
  RestorePlan plan;
  ASSERT_TRUE(PlanRestore(snippet, "delete", "act-2-delete", &plan).ok());
  const auto& files = plan.calls.at(0).body["files"];
  ASSERT_EQ(files.size(), 2u);
  EXPECT_EQ(files[0]["file_path"], "a.py");
  EXPECT_EQ(files[0]["content"], "print(1)");
  EXPECT_EQ(files[1]["file_path"], "b, c.md");
}

TEST(AlreadyApplied, ReadsTheStateEachWriteWouldSet) {
  std::map<std::string, nlohmann::json> gitlab = {{"/users/41", {{"state", "blocked"}}},
                                                  {"/projects/5", {{"visibility", "public"}}},
                                                  {"/projects/5/issues/7", {{"confidential", true}}}};
  const ApiGet get = [&](const std::string& path, nlohmann::json* out) {
    if (!gitlab.count(path)) return Status::NotFound(path);
    *out = gitlab[path];
    return Status::Ok();
  };
  bool applied = false;
  ASSERT_TRUE(AlreadyApplied({"POST", "/users/41/block", {}}, get, &applied).ok());
  EXPECT_TRUE(applied);
  ASSERT_TRUE(AlreadyApplied({"POST", "/users/41/ban", {}}, get, &applied).ok());
  EXPECT_FALSE(applied);
  ASSERT_TRUE(AlreadyApplied({"PUT", "/projects/5", {{"visibility", "private"}}}, get, &applied).ok());
  EXPECT_FALSE(applied);
  ASSERT_TRUE(AlreadyApplied({"PUT", "/projects/5/issues/7", {{"confidential", true}}}, get, &applied).ok());
  EXPECT_TRUE(applied);
  ASSERT_TRUE(AlreadyApplied({"DELETE", "/projects/5/snippets/9", {}}, get, &applied).ok());
  EXPECT_TRUE(applied) << "gone";
  ASSERT_TRUE(AlreadyApplied({"DELETE", "/users/41?hard_delete=false", {}}, get, &applied).ok());
  EXPECT_FALSE(applied) << "still there";
}

}  // namespace
}  // namespace spamphibian::gitlab
