// Retrain: labels are read from the store with the last label of an item
// winning and the newest ones held out; the same labels and seed give the
// same bundle; Judge() promotes only what is not worse and better somewhere.
#include "registry/retrain.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "memory_object_store.h"
#include "security/crypto.h"
#include "stages/classify_stage.h"

namespace spamphibian::registry {
namespace {

using nlohmann::json;

json Label(const std::string& label, const std::string& id, const std::string& text, const std::string& time) {
  return {{"label", label},
          {"item", {{"type", "note"}, {"id", id}, {"author", {{"id", 7}, {"username", "u7"}}}, {"text", json::array({json::array({"body", text})})}}},
          {"signals", json::object()},
          {"time", time}};
}

class RetrainTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = (std::filesystem::temp_directory_path() / ("retrain-test-" + security::RandomToken(4))).string();
    std::filesystem::create_directories(dir_);
    // A small slice of the bundled training data: enough to train on quickly.
    std::ifstream in(SPAMPHIBIAN_TRAINING_DATA);
    std::ofstream out(dir_ + "/base.jsonl");
    std::string line;
    for (int i = 0; i < 3000 && std::getline(in, line); ++i) {
      if (i % 10 == 0) out << line << '\n';
    }
    for (int i = 0; i < 10; ++i) {
      const std::string t = "2026-12-01T10:0" + std::to_string(i) + ":00Z";
      Put("labels/note/" + std::to_string(i) + ".json",
          Label("ham", std::to_string(i), "Call the on-call support line +1 555 0100 when the deploy of build " + std::to_string(i) + " fails", t));
    }
    // Item 0 relabelled later; a broken label; an evaluated record (no label).
    Put("labels/note/0-later.json", Label("spam", "0", "Call the on-call support line now", "2026-12-01T11:00:00Z"));
    store_.objects["labels/note/broken.json"] = "{not json";
    store_.objects["labels/note/nolabel.json"] = R"({"verdict":"spam"})";
    std::shared_ptr<const classify::SpamModel> current;
    ASSERT_TRUE(classify::SpamModel::Load(DefaultModelPath(), &current).ok());
    options_.base_data = dir_ + "/base.jsonl";
    options_.work_dir = dir_ + "/work";
    options_.train.epoch = 5;
    options_.train.folds = 2;
    options_.train.buckets = 5000;  // a small model: quantising it takes no time
    options_.train.cutoff = 2000;
    options_.current = current;
    options_.current_version = "bundled";
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  void Put(const std::string& key, const json& j) { store_.objects[key] = j.dump(); }

  std::string dir_;
  testing::MemoryObjectStore store_;
  RetrainOptions options_;
};

TEST_F(RetrainTest, TheLastLabelWinsAndTheNewestAreHeldOut) {
  RetrainResult r;
  Status s = Retrain(store_, options_, &r);
  ASSERT_TRUE(s.ok()) << s.ToString();
  const json& d = r.card["data"];
  EXPECT_EQ(d["label_objects"], 13);
  EXPECT_EQ(d["skipped"], 2) << "a broken object and one without a label";
  EXPECT_EQ(d["relabelled"], 1);
  EXPECT_EQ(d["labels"], 10) << "ten items, item 0 once";
  EXPECT_EQ(d["labels_spam"], 1) << "item 0's later label won";
  EXPECT_EQ(d["labels_heldout"], 2) << "the newest 20%";
  EXPECT_EQ(d["labels_train"], 8);
  ASSERT_TRUE(r.card.contains("heldout_labels"));
  EXPECT_EQ(r.card["heldout_labels"]["candidate"]["examples"], 2);
  EXPECT_TRUE(r.card["heldout_labels"].contains("current"));
  EXPECT_TRUE(r.card["judgement"].contains("promotable"));
  EXPECT_TRUE(std::filesystem::exists(r.model_path));

  options_.since = "2026-12-01T10:05";
  ASSERT_TRUE(Retrain(store_, options_, &r).ok());
  EXPECT_EQ(r.card["data"]["labels"], 6) << "--since: items 5-9 and item 0, relabelled at 11:00";
  EXPECT_EQ(r.card["data"]["before_since"], 4);
}

TEST_F(RetrainTest, TheSameLabelsAndSeedGiveTheSameModel) {
  auto bytes = [](const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  };
  RetrainResult first, second;
  ASSERT_TRUE(Retrain(store_, options_, &first).ok());
  const std::string a = bytes(first.model_path);
  ASSERT_TRUE(Retrain(store_, options_, &second).ok());
  EXPECT_EQ(security::Sha256Hex(bytes(second.model_path)), security::Sha256Hex(a));
  options_.train.seed = 7;
  ASSERT_TRUE(Retrain(store_, options_, &second).ok());
  EXPECT_NE(security::Sha256Hex(bytes(second.model_path)), security::Sha256Hex(a)) << "another seed, another model";
}

// Labels `model bootstrap` wrote weigh less than a person's answer, and
// the held-out real text, when given, is measured for both models.
TEST_F(RetrainTest, BootstrapLabelsWeighLessAndRealTextIsMeasured) {
  json bootstrap = Label("ham", "99", "Released 2.4.1 with the parser fix, thanks everyone", "2026-12-01T09:00:00Z");
  bootstrap["source"] = "bootstrap";
  Put("labels/bootstrap/note/99.json", bootstrap);
  // Labels are input: fields of the wrong type are no label, never a crash.
  json odd = Label("ham", "98", "odd", "2026-12-01T09:00:00Z");
  odd["label"] = 5;
  Put("labels/note/odd-label.json", odd);
  json odd_source = Label("ham", "97", "a reviewer's answer with an odd source", "2026-12-01T09:00:00Z");
  odd_source["source"] = 7;
  odd_source["time"] = nullptr;
  Put("labels/note/odd-source.json", odd_source);
  std::ofstream(dir_ + "/real.jsonl") << json{{"text", "thanks, that fixed it"}, {"label", "ham"}, {"source", "chat"}}.dump()
                                      << "\n"
                                      << json{{"text", "WIN a free prize, call 09061701461 now"}, {"label", "spam"},
                                              {"source", "sms"}}.dump()
                                      << "\n";
  options_.real_text_data = dir_ + "/real.jsonl";
  options_.bootstrap_weight = 3;
  options_.work_dir = dir_ + "/work-bootstrap";
  RetrainResult r;
  ASSERT_TRUE(Retrain(store_, options_, &r).ok());
  ASSERT_TRUE(r.card.contains("real_text")) << r.card.dump();
  EXPECT_EQ(r.card["real_text"]["candidate"]["examples"], 2);
  EXPECT_EQ(r.card["real_text"]["current"]["ham"], 1);
  EXPECT_EQ(r.card["data"]["labels"], 12) << "ten, the bootstrap one and the one with an odd source";
  EXPECT_EQ(r.card["data"]["skipped"], 3) << "broken, without a label, and a label that is a number";
  EXPECT_EQ(r.card["data"]["labels_bootstrap"], 1);
  EXPECT_EQ(r.card["data"]["bootstrap_weight"], 3);
}

TEST_F(RetrainTest, NoBaseDataIsABadArgumentAndS3DownIsUnavailable) {
  RetrainResult r;
  options_.base_data = dir_ + "/missing.jsonl";
  EXPECT_TRUE(Retrain(store_, options_, &r).IsInvalidArgument());
  store_.down = true;
  EXPECT_TRUE(Retrain(store_, options_, &r).IsUnavailable());
}

json Card(json held_candidate, json held_current, json eval_candidate, json eval_current) {
  return {{"heldout_labels", {{"candidate", held_candidate}, {"current", held_current}}},
          {"eval_set", {{"candidate", eval_candidate}, {"current", eval_current}}}};
}

json M(double precision, double recall, double auc, long fp, long spam = 10, long ham = 10, long flagged_fp = -1) {
  return {{"precision", precision}, {"recall", recall}, {"roc_auc", auc}, {"false_positives", fp},
          {"flagged_false_positives", flagged_fp < 0 ? fp : flagged_fp}, {"spam", spam}, {"ham", ham}};
}

TEST(JudgeTest, NotWorseAnywhereAndBetterSomewhere) {
  const json eval = M(0.96, 0.90, 0.966, 5);
  // Fewer false positives on the held-out labels, the evaluation set unchanged.
  Judgement j = Judge(Card(M(1, 0, 0, 0, 0, 6), M(0, 0, 0, 4, 0, 6), eval, eval));
  EXPECT_TRUE(j.promotable) << j.reason;
  EXPECT_NE(j.reason.find("false positives on the held-out labels 4 -> 0"), std::string::npos) << j.reason;
  // Poisoned: spam taught as ham loses recall on the evaluation set.
  j = Judge(Card(M(1, 0, 0, 0, 0, 6), M(0, 0, 0, 4, 0, 6), M(0.98, 0.63, 0.94, 2), eval));
  EXPECT_FALSE(j.promotable);
  EXPECT_NE(j.reason.find("lower recall on the evaluation set: 0.630 against 0.900"), std::string::npos) << j.reason;
  // Only suspicious before: fewer flagged false positives count too.
  j = Judge(Card(M(0, 0, 0, 0, 0, 6, 1), M(0, 0, 0, 0, 0, 6, 5), eval, eval));
  EXPECT_TRUE(j.promotable) << j.reason;
  EXPECT_NE(j.reason.find("flagged false positives on the held-out labels 5 -> 1"), std::string::npos) << j.reason;
  j = Judge(Card(M(0, 0, 0, 0, 0, 6, 3), M(0, 0, 0, 0, 0, 6, 1), eval, eval));
  EXPECT_FALSE(j.promotable);
  EXPECT_NE(j.reason.find("more flagged false positives"), std::string::npos) << j.reason;
  // More false positives on the held-out labels.
  j = Judge(Card(M(0.5, 1, 0.9, 3), M(0.8, 1, 0.9, 1), eval, eval));
  EXPECT_FALSE(j.promotable);
  EXPECT_NE(j.reason.find("more false positives"), std::string::npos) << j.reason;
  // Lower precision on the evaluation set, beyond one item's worth.
  j = Judge(Card(M(1, 1, 1, 0), M(1, 0.9, 1, 0), M(0.93, 0.95, 0.97, 9), eval));
  EXPECT_FALSE(j.promotable);
  // The same everywhere: nothing to gain.
  j = Judge(Card(M(1, 1, 1, 0), M(1, 1, 1, 0), eval, eval));
  EXPECT_FALSE(j.promotable);
  EXPECT_NE(j.reason.find("not better"), std::string::npos);
  // Nothing to compare with (the first model): promotable.
  EXPECT_TRUE(Judge(json::object()).promotable);
}

// Ordinary people first: a candidate that flags more real ordinary texts
// than the current model is never promoted, whatever it gains elsewhere;
// within a tenth of a percent it is noise.
TEST(JudgeTest, MoreOrdinaryRealTextsFlaggedIsNeverPromoted) {
  const json eval = M(0.96, 0.90, 0.966, 5);
  json card = Card(M(1, 0, 0, 0, 0, 6), M(0, 0, 0, 4, 0, 6), eval, eval);  // better on the held-out labels
  card["real_text"] = {{"candidate", M(0, 0, 0.95, 40, 100, 10000, 300)}, {"current", M(0, 0, 0.95, 10, 100, 10000, 300)}};
  Judgement j = Judge(card);
  EXPECT_FALSE(j.promotable);
  EXPECT_NE(j.reason.find("flags more ordinary real texts (false_positives): 40 of 10000 against 10"), std::string::npos)
      << j.reason;
  card["real_text"]["candidate"] = M(0, 0, 0.95, 10, 100, 10000, 380);
  j = Judge(card);
  EXPECT_FALSE(j.promotable);
  EXPECT_NE(j.reason.find("flagged_false_positives"), std::string::npos) << j.reason;
  card["real_text"]["candidate"] = M(0, 0, 0.95, 15, 100, 10000, 305);  // within 10 of 10,000
  j = Judge(card);
  EXPECT_TRUE(j.promotable) << j.reason;
  // Fewer flagged alone is a gain.
  json fewer = Card(M(1, 1, 1, 0), M(1, 1, 1, 0), eval, eval);
  fewer["real_text"] = {{"candidate", M(0, 0, 0.95, 2, 100, 10000, 100)}, {"current", M(0, 0, 0.95, 10, 100, 10000, 300)}};
  j = Judge(fewer);
  EXPECT_TRUE(j.promotable) << j.reason;
  EXPECT_NE(j.reason.find("ordinary real texts flagged_false_positives 300 -> 100"), std::string::npos) << j.reason;
}

}  // namespace
}  // namespace spamphibian::registry
