// The bundle: written and read back; damaged files refused (the caller
// keeps its model); a plain fastText model still loads.
#include "classify/spam_model.h"

#include <gtest/gtest.h>

#include <fstream>

#include "child_process.h"
#include "tiny_model.h"

namespace spamphibian::classify {
namespace {

class SpamModelTest : public ::testing::Test {
 protected:
  void SetUp() override {
    testing::TrainTinyModel(dir_.path() + "/words.bin");
    std::vector<Combiner::Sample> samples;
    for (int i = 0; i < 40; ++i) {
      FeatureVector f{};
      f[0] = i % 2;  // links
      samples.push_back({i % 2 ? 0.9 : 0.1, f, i % 2 == 1});
    }
    ASSERT_TRUE(Combiner::Train(samples, 1.0, &combiner_).ok());
  }
  std::string Bundle(const nlohmann::json& card = {{"note", "test"}}) {
    const std::string path = dir_.path() + "/m.spam";
    EXPECT_TRUE(SpamModel::WriteBundle(path, dir_.path() + "/words.bin", combiner_, {{"user", {0.7, 0.4}}}, card).ok());
    return path;
  }
  std::string Bytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  }
  void Write(const std::string& path, const std::string& bytes) { std::ofstream(path, std::ios::binary) << bytes; }
  testing::TempDir dir_;
  Combiner combiner_;
};

TEST_F(SpamModelTest, ABundleRoundTrips) {
  std::shared_ptr<const SpamModel> model;
  ASSERT_TRUE(SpamModel::Load(Bundle(), &model).ok());
  EXPECT_TRUE(model->has_combiner());
  EXPECT_EQ(model->card()["note"], "test");
  ASSERT_TRUE(model->ThresholdsFor("user"));
  EXPECT_DOUBLE_EQ(model->ThresholdsFor("user")->spam, 0.7);
  EXPECT_FALSE(model->ThresholdsFor("note")) << "no default shipped";
  Rendering spammy, plain;
  spammy.text = "casino free spins cheap pills";
  spammy.features[0] = 1;
  plain.text = "fix the parser tests";
  const Score s = model->Predict(spammy), h = model->Predict(plain);
  EXPECT_GT(s.probability, h.probability);
  EXPECT_GE(s.probability, 0.0);
  EXPECT_LE(s.probability, 1.0);
}

TEST_F(SpamModelTest, APlainFastTextModelStillLoads) {
  std::shared_ptr<const SpamModel> model;
  ASSERT_TRUE(SpamModel::Load(dir_.path() + "/words.bin", &model).ok());
  EXPECT_FALSE(model->has_combiner());
}

TEST_F(SpamModelTest, DamagedBundlesAreRefused) {
  const std::string good = Bytes(Bundle());
  const std::string path = dir_.path() + "/bad.spam";
  const std::size_t header_end = good.find('\n', good.find('\n') + 1);
  struct Case {
    const char* what;
    std::string bytes;
  } cases[] = {
      {"cut in the header", good.substr(0, header_end + 20)},
      {"cut in the words model", good.substr(0, good.size() / 2)},
      {"no header length", "SPAMPHIBIAN-MODEL 1\nabc\n{}"},
      {"absurd header length", "SPAMPHIBIAN-MODEL 1\n99999999999\n{}"},
      {"header not JSON", "SPAMPHIBIAN-MODEL 1\n5\nnotjs" + good.substr(good.find("{", header_end))},
      {"empty", ""},
  };
  for (const Case& c : cases) {
    Write(path, c.bytes);
    std::shared_ptr<const SpamModel> model;
    EXPECT_TRUE(SpamModel::Load(path, &model).IsInvalidArgument()) << c.what;
    EXPECT_EQ(model, nullptr) << c.what;
  }
}

TEST_F(SpamModelTest, ACombinerOfAnotherShapeIsRefused) {
  nlohmann::json j = combiner_.ToJson();
  Combiner c;
  EXPECT_TRUE(Combiner::FromJson(j, &c).ok());
  nlohmann::json fewer = j;
  fewer["weights"].erase(0);
  EXPECT_TRUE(Combiner::FromJson(fewer, &c).IsInvalidArgument()) << "a weight short of the names";
  nlohmann::json renamed = j;
  renamed["inputs"][3] = "something_else";
  EXPECT_TRUE(Combiner::FromJson(renamed, &c).IsInvalidArgument()) << "an input of a later build";
  nlohmann::json twice = j;
  twice["inputs"][3] = twice["inputs"][2];
  EXPECT_TRUE(Combiner::FromJson(twice, &c).IsInvalidArgument());
  nlohmann::json nan = j;
  nan["weights"][2] = "NaN";
  EXPECT_TRUE(Combiner::FromJson(nan, &c).IsInvalidArgument());
  EXPECT_TRUE(Combiner::FromJson(nlohmann::json::array(), &c).IsInvalidArgument());
}

// A model trained by an earlier build knew fewer inputs: it still loads, and
// the inputs it lacks weigh nothing (a new signal does not move its scores).
TEST_F(SpamModelTest, ACombinerFromAnEarlierBuildLoadsWithoutTheNewInputs) {
  nlohmann::json j = combiner_.ToJson();
  std::size_t at = 0;
  while (j["inputs"][at] != "signup_accounts") ++at;
  j["weights"][at] = 3.0;
  Combiner with;
  ASSERT_TRUE(Combiner::FromJson(j, &with).ok());
  j["inputs"].erase(at);
  j["weights"].erase(at);
  Combiner without;
  ASSERT_TRUE(Combiner::FromJson(j, &without).ok());
  FeatureVector burst{};
  burst[at - 1] = 2.0f;  // inputs are the logit, then kFeatureNames
  EXPECT_GT(with.Probability(0.5, burst), with.Probability(0.5, FeatureVector{}));
  EXPECT_DOUBLE_EQ(without.Probability(0.5, burst), without.Probability(0.5, FeatureVector{}));
}

}  // namespace
}  // namespace spamphibian::classify
