// `spamphibian model bootstrap` through the real binary, against the GitLab
// simulator, s3rver and redis-server: the content of an account an admin
// would vouch for (old, confirmed) becomes `ham` labels in S3, public
// content only; the simulator's young accounts (spam among them) are left
// alone; a second run resumes and writes nothing twice.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "child_process.h"
#include "gitlab_sim_process.h"
#include "redis_server.h"
#include "s3rver_process.h"
#include "spamphibian_process.h"
#include "storage/s3_object_store.h"

namespace spamphibian {
namespace {

using nlohmann::json;
using testing::HttpPost;

class BootstrapE2E : public ::testing::Test {
 protected:
  void SetUp() override {
    const json author = {{"id", 9001}, {"username", "maintainer"}};
    const std::vector<std::pair<std::string, json>> objects = {
        {"users", {{"id", 9001}, {"username", "maintainer"}, {"name", "Long Time Maintainer"}, {"state", "active"},
                   {"bio", "I maintain the parsers and review most merge requests."}, {"website_url", ""},
                   {"email", "maintainer@example.org"}, {"is_admin", false}, {"bot", false},
                   {"created_at", "2019-03-01T10:00:00.000Z"}, {"confirmed_at", "2019-03-01T10:05:00.000Z"}, {"note", ""}}},
        {"projects", {{"id", 390}, {"name", "parser-kit"}, {"path", "parser-kit"}, {"path_with_namespace", "maintainer/parser-kit"},
                      {"description", "Incremental parsers for config files"}, {"visibility", "public"}, {"creator_id", 9001},
                      {"owner", author}, {"web_url", "http://gitlab.sim/maintainer/parser-kit"}}},
        {"projects", {{"id", 391}, {"name", "secret-notes"}, {"path", "secret-notes"}, {"path_with_namespace", "maintainer/secret-notes"},
                      {"description", "My private scratch space"}, {"visibility", "private"}, {"creator_id", 9001},
                      {"owner", author}, {"web_url", "http://gitlab.sim/maintainer/secret-notes"}}},
        {"issues", {{"id", 490}, {"iid", 9}, {"project_id", 390}, {"title", "Trailing commas break the YAML reader"},
                    {"description", "A list ending in a comma fails with an unhelpful error."}, {"state", "opened"},
                    {"confidential", false}, {"author", author}, {"created_at", "2026-10-01T10:00:00.000Z"}}},
        {"notes", {{"id", 690}, {"noteable_type", "Issue"}, {"project_id", 390}, {"parent", 9},
                   {"body", "Fixed on main, thanks for the report! Released in 2.4.1."}, {"system", false},
                   {"author", author}, {"created_at", "2026-10-02T10:00:00.000Z"}}},
        // In the private project: an issue and a comment that carry no
        // visibility of their own.
        {"issues", {{"id", 491}, {"iid", 1}, {"project_id", 391}, {"title", "private scratch: todo"},
                    {"description", "private scratch notes"}, {"state", "opened"}, {"confidential", false},
                    {"author", author}, {"created_at", "2026-10-01T10:00:00.000Z"}}},
        {"notes", {{"id", 691}, {"noteable_type", "Issue"}, {"project_id", 391}, {"parent", 1},
                   {"body", "private scratch comment"}, {"system", false}, {"author", author},
                   {"created_at", "2026-10-02T10:00:00.000Z"}}},
    };
    for (const auto& [kind, object] : objects) {
      ASSERT_EQ(HttpPost(sim_.url() + "/_sim/objects/" + kind, object.dump()).status, 201) << kind;
    }
  }
  // `spamphibian model bootstrap ARGS`: exit code, and its last line (the counts).
  int Bootstrap(const std::vector<std::string>& args, json* counts, const std::string& yaml = "") {
    auto env = s3_.Env();
    if (!yaml.empty()) {
      const std::string config = dir_.path() + "/config" + std::to_string(runs_) + ".yaml";
      std::ofstream(config) << yaml;
      env["SPAMPHIBIAN_CONFIG"] = config;
    }
    env.insert({{"GITLAB_URL", sim_.url()}, {"GITLAB_API_RATE", "0"}, {"REDIS_HOST", "127.0.0.1"},
                {"REDIS_PORT", std::to_string(redis_.port())}});
    std::vector<std::string> argv = {SPAMPHIBIAN_BINARY, "model", "bootstrap"};
    argv.insert(argv.end(), args.begin(), args.end());
    const std::string file = dir_.path() + "/run" + std::to_string(runs_++) + ".txt";
    testing::ChildProcess p(argv, env, file);
    const int rc = p.Wait(std::chrono::seconds(60));
    output_ = testing::ReadFile(file);
    std::string last = output_;
    while (!last.empty() && last.back() == '\n') last.pop_back();
    *counts = json::parse(last.substr(last.rfind('\n') == std::string::npos ? 0 : last.rfind('\n') + 1), nullptr, false);
    return rc;
  }
  std::map<std::string, json> Labels() {
    std::vector<storage::ObjectInfo> objects;
    auto store = storage::NewS3ObjectStore(s3_.Options());
    std::map<std::string, json> out;
    if (!store->List("labels/", &objects).ok()) return out;
    for (const auto& o : objects) {
      std::string data;
      if (store->Get(o.key, &data).ok()) out[o.key] = json::parse(data, nullptr, false);
    }
    return out;
  }

  testing::RedisServer redis_;
  testing::GitLabSimProcess sim_;
  testing::S3rverProcess s3_;
  testing::TempDir dir_;
  std::string output_;
  int runs_ = 0;
};

TEST_F(BootstrapE2E, AVouchedAccountsPublicContentBecomesHamLabelsOnce) {
  json counts;
  ASSERT_EQ(Bootstrap({"--min-age-days", "30"}, &counts), 0) << output_;
  ASSERT_TRUE(counts.is_object()) << output_;
  // The simulator's people are years old and confirmed; its spam accounts
  // (ids 101-120) signed up days ago, and its bot is a bot.
  EXPECT_EQ(counts["vouched"], 20) << "19 of the simulator's people and the maintainer: " << output_;
  EXPECT_EQ(counts["private_skipped"], 3) << "the private project, its issue and its comment: " << output_;
  const auto labels = Labels();
  EXPECT_EQ(labels.size(), counts["labels"].get<std::size_t>());
  std::set<std::string> maintainers;
  for (const auto& [key, label] : labels) {
    EXPECT_TRUE(key.starts_with("labels/bootstrap/")) << key;
    EXPECT_EQ(label["label"], "ham") << key;
    EXPECT_EQ(label["source"], "bootstrap") << key;
    const auto author = label["item"]["author"]["id"].get<std::int64_t>();
    EXPECT_FALSE(author >= 101 && author <= 120) << "a young account's content: " << key;
    EXPECT_NE(author, 136) << "the bot's";
    // Signals as the pipeline computes them when the item was made (a
    // profile at its sign-up, as the classify stage first sees it).
    if (label["item"]["type"] != "user") {
      EXPECT_GT(label["signals"]["account_age_days"].get<double>(), 30) << key;
    }
    EXPECT_EQ(label.dump().find("private scratch"), std::string::npos) << "private content is never read in";
    if (author == 9001) maintainers.insert(label["item"]["type"].get<std::string>());
  }
  EXPECT_EQ(maintainers, (std::set<std::string>{"user", "project", "issue", "note"}))
      << "the maintainer's profile, public project, issue and comment";
  const std::size_t first = labels.size();

  // Again: resumed, nothing read or written twice.
  ASSERT_EQ(Bootstrap({"--min-age-days", "30"}, &counts), 0) << output_;
  EXPECT_EQ(counts["labels"], 0) << output_;
  EXPECT_EQ(counts["done_before"], 20) << output_;
  EXPECT_EQ(Labels().size(), first);

  // --include-private (after --restart) reads the private project, issue
  // and comment too, and writes the others' keys again rather than a
  // second copy.
  ASSERT_EQ(Bootstrap({"--min-age-days", "30", "--include-private", "--restart"}, &counts), 0) << output_;
  EXPECT_EQ(Labels().size(), first + 3) << output_;

  // --max stops there and says so.
  ASSERT_EQ(Bootstrap({"--min-age-days", "30", "--restart", "--max", "3"}, &counts), 0) << output_;
  EXPECT_EQ(counts["labels"], 3) << output_;
  EXPECT_EQ(counts["capped"], true) << output_;
}

// The review groups' members are the people trusted to moderate: vouched
// for whatever their age (here no account is old enough by the bar).
TEST_F(BootstrapE2E, ReviewGroupMembersAreVouchedFor) {
  json counts;
  ASSERT_EQ(Bootstrap({"--min-age-days", "100000"}, &counts, "review:\n  groups: [\"200\"]\n"), 0) << output_;
  EXPECT_EQ(counts["vouched"], 3) << "group 200 (alice, rachel) and the admin (trusted): " << output_;
  for (const auto& [key, label] : Labels()) {
    const auto author = label["item"]["author"]["id"].get<std::int64_t>();
    EXPECT_TRUE(author == 121 || author == 139 || author == 137) << key;
  }
}

TEST_F(BootstrapE2E, WithoutGitLabItSaysWhatIsMissing) {
  auto env = s3_.Env();
  env.insert({{"REDIS_HOST", "127.0.0.1"}, {"REDIS_PORT", std::to_string(redis_.port())}});
  const std::string file = dir_.path() + "/nogitlab.txt";
  testing::ChildProcess p({SPAMPHIBIAN_BINARY, "model", "bootstrap"}, env, file);
  EXPECT_EQ(p.Wait(std::chrono::seconds(30)), 2);
  EXPECT_NE(testing::ReadFile(file).find("GITLAB_URL"), std::string::npos) << testing::ReadFile(file);
}

}  // namespace
}  // namespace spamphibian
