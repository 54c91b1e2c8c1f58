// The model commands through the real binary: `classify --type` for every
// item type's API object, `evaluate` on a small file with known answers,
// and a floor on the bundled model's quality on the independent dev set
// (tests/data/eval), so that a regression cannot land silently. The
// quality itself is measured by `scripts/train-default-model`, not here.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <map>

#include "child_process.h"
#include "redis_server.h"
#include "spamphibian_process.h"

namespace spamphibian {
namespace {

class ModelCommands : public ::testing::Test {
 protected:
  // Each run in its own directory, so that its log holds its output alone.
  std::pair<int, std::string> Run(std::vector<std::string> args) {
    const std::string dir = dir_.path() + "/run" + std::to_string(runs_++);
    std::filesystem::create_directories(dir);
    testing::SpamphibianProcess s(redis_, dir, {}, std::move(args));
    const int rc = s.process().Wait(std::chrono::seconds(120));
    return {rc, s.log()};
  }
  std::string Write(const std::string& name, const std::string& text) {
    const std::string path = dir_.path() + "/" + name;
    std::ofstream(path) << text;
    return path;
  }
  // The JSON object that ends the command's output.
  static nlohmann::json Json(const std::string& out) {
    const auto start = out.find('{');
    return start == std::string::npos ? nlohmann::json() : nlohmann::json::parse(out.substr(start), nullptr, false);
  }
  testing::RedisServer redis_;
  testing::TempDir dir_;
  int runs_ = 0;
};

TEST_F(ModelCommands, ClassifyTakesEveryItemTypesApiObject) {
  const std::string spam = "Buy cheap casino free spins, slot gacor hari ini, call +1-888-555-0199 https://slot-gacor.example.top";
  const std::map<std::string, nlohmann::json> objects = {
      {"user", {{"id", 7}, {"username", "slot_gacor_77"}, {"bio", spam}, {"website_url", "https://slot-gacor.example.top"}}},
      {"project", {{"id", 5}, {"name", "slot-gacor"}, {"description", "slots"}, {"readme", spam}}},
      {"group", {{"id", 9}, {"name", "slots"}, {"projects", {{{"name", "slot"}, {"description", spam}}}}}},
      {"issue", {{"project_id", 5}, {"iid", 1}, {"title", "slot gacor"}, {"description", spam}}},
      {"note", {{"id", 3}, {"project_id", 5}, {"noteable_type", "Issue"}, {"noteable_iid", 1}, {"body", spam}}},
      {"merge_request", {{"project_id", 5}, {"iid", 2}, {"title", "Update README"}, {"changes", {{{"diff", "+" + spam + "\n"}}}}}},
      {"wiki_page", {{"slug", "home"}, {"title", "Slots"}, {"content", spam}}},
      {"snippet", {{"id", 8}, {"title", "slot"}, {"content", spam}}},
  };
  for (const auto& [type, api] : objects) {
    auto [rc, out] = Run({"classify", "--type", type, Write(type + ".json", api.dump())});
    ASSERT_EQ(rc, 0) << type << ": " << out;
    const nlohmann::json d = Json(out);
    ASSERT_TRUE(d.is_object()) << out;
    EXPECT_EQ(d["item_type"], type);
    EXPECT_GE(d["score"].get<double>(), 0.0);
    EXPECT_LE(d["score"].get<double>(), 1.0);
    EXPECT_FALSE(d["model_version"].get<std::string>().empty());
    EXPECT_NE(d["verdict"], "ham") << type << ": the model must see this type's text: " << out;
    EXPECT_FALSE(d["reasons"].empty()) << out;
  }
  auto [rc, out] = Run({"classify", "--type", "pipeline", Write("x.json", "{}")});
  EXPECT_EQ(rc, 2) << out;
  EXPECT_NE(out.find("unknown item type"), std::string::npos) << out;
}

TEST_F(ModelCommands, EvaluateOnKnownAnswers) {
  const std::string data = Write("small.jsonl",
      nlohmann::json{{"label", "spam"}, {"item_type", "note"}, {"family", "casino"}, {"difficulty", "normal"},
                     {"api", {{"id", 1}, {"body", "slot gacor hari ini daftar sekarang bonus 100% https://slot88.example.top 🎰🔥"}}}}.dump() + "\n" +
      nlohmann::json{{"label", "ham"}, {"item_type", "note"}, {"family", "bug"}, {"difficulty", "normal"},
                     {"api", {{"id", 2}, {"body", "I can reproduce this on main; the election timeout is not reset after a restart."}}}}.dump() + "\n" +
      nlohmann::json{{"label", "ham"},
                     {"item", {{"type", "issue"}, {"id", "5/issues/1"}, {"author", {{"username", "a"}}},
                               {"text", nlohmann::json::array({nlohmann::json::array(
                                           {"description", "Crash when the config file is empty, log attached."})})}}}}
              .dump() + "\n");
  const std::string scores = dir_.path() + "/scores.jsonl";
  auto [rc, out] = Run({"evaluate", "--json", "--data", data, "--scores", scores});
  ASSERT_EQ(rc, 0) << out;
  const nlohmann::json r = Json(out);
  EXPECT_EQ(r["overall"]["examples"], 3);
  // One line per example, in the file's order, with what bench scripts pool
  // across models: the score and the threshold its verdict was given at.
  std::ifstream scored(scores);
  std::vector<nlohmann::json> lines;
  for (std::string line; std::getline(scored, line);) lines.push_back(nlohmann::json::parse(line));
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0]["family"], "casino");
  EXPECT_EQ(lines[0]["label"], "spam");
  EXPECT_EQ(lines[2]["type"], "issue");
  for (const auto& l : lines) {
    EXPECT_GT(l["spam_threshold"].get<double>(), 0.0) << l;
    EXPECT_LE(l["spam_threshold"].get<double>(), 1.0) << l;
  }
  EXPECT_GT(lines[0]["score"].get<double>(), lines[1]["score"].get<double>());
  EXPECT_EQ(r["overall"]["spam"], 1);
  EXPECT_EQ(r["by_type"]["note"]["examples"], 2);
  EXPECT_EQ(r["by_type"]["issue"]["ham"], 1);
  EXPECT_DOUBLE_EQ(r["by_type"]["note"]["roc_auc"].get<double>(), 1.0);
  EXPECT_TRUE(r["by_family"].contains("spam/casino"));
  EXPECT_TRUE(r["by_difficulty"].contains("normal"));
  // By the language the rendering tells, as a moderator would see it.
  EXPECT_EQ(lines[0]["language"], "id");
  EXPECT_EQ(lines[1]["language"], "en");
  EXPECT_EQ(r["by_language"]["en"]["examples"], 2) << r["by_language"];
  EXPECT_EQ(r["by_language"]["id"]["spam"], 1);
  auto [bad_rc, bad_out] = Run({"evaluate", "--data", Write("bad.jsonl", "{\"label\":\"maybe\"}\n")});
  EXPECT_EQ(bad_rc, 2) << bad_out;
}

// A floor, well below what the bundled model reaches (models/README.md),
// so that only a real regression trips it.
TEST_F(ModelCommands, TheBundledModelKeepsAFloorOnTheDevSet) {
  auto [rc, out] = Run({"evaluate", "--json", "--data", std::string(SPAMPHIBIAN_TESTDATA_DIR) + "/eval/dev-set.jsonl"});
  ASSERT_EQ(rc, 0) << out;
  const nlohmann::json r = Json(out);
  EXPECT_EQ(r["overall"]["examples"], 320);
  // What the product promises on GitLab-shaped items (issue 28): ranked well,
  // at most 3 ordinary items called spam, 85 % of the spam in front of a
  // person (spam or suspicious: words alone are at most suspicious).
  EXPECT_GE(r["overall"]["roc_auc"].get<double>(), 0.95) << out;
  EXPECT_LE(r["overall"]["false_positives"].get<long>(), 3) << out;
  EXPECT_GE(r["overall"]["flagged_recall"].get<double>(), 0.85) << out;
  // A score means what it says: within 0.10 of the share of spam (0.05 today).
  EXPECT_LE(r["overall"]["calibration_error"].get<double>(), 0.10) << out;
  for (const auto& [type, m] : r["by_type"].items()) EXPECT_GE(m["roc_auc"].get<double>(), 0.85) << type;
  // Each figure comes with how sure it is: 40 notes leave their AUC wide open.
  for (const auto& [type, m] : r["by_type"].items()) {
    const auto& auc = m["intervals_95"]["roc_auc"];
    EXPECT_LE(auc[0].get<double>(), m["roc_auc"].get<double>()) << type;
    EXPECT_GE(auc[1].get<double>(), m["roc_auc"].get<double>()) << type;
  }
  const auto& all = r["overall"]["intervals_95"];
  EXPECT_LT(all["roc_auc"][1].get<double>() - all["roc_auc"][0].get<double>(),
            r["by_type"]["note"]["intervals_95"]["roc_auc"][1].get<double>() -
                r["by_type"]["note"]["intervals_95"]["roc_auc"][0].get<double>())
      << "320 items pin the AUC closer than 40 notes";
  EXPECT_LT(all["precision"][0].get<double>(), r["overall"]["precision"].get<double>());
}

}  // namespace
}  // namespace spamphibian
